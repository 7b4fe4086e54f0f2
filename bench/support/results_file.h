// The JSON results file of a run (--benchmark_out with the JSON format):
// finding where it goes from the command line, and adding context keys to
// it once the run is over.
//
// Google Benchmark writes the context before the first benchmark runs, so
// values known only at the end of the run (the load average at the end, the
// CPU time other processes used) are added afterwards: the file is read,
// the keys are inserted at the end of its "context" object, and the result
// replaces the file atomically. Only the context changes; every other byte
// stays as Google Benchmark wrote it (a full JSON parser would reject its
// bare NaN tokens and reformat its numbers).
//
// Thread-safety: thread-compatible; call from main.
#ifndef M8_BENCH_SUPPORT_RESULTS_FILE_H_
#define M8_BENCH_SUPPORT_RESULTS_FILE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/support/context.h"

namespace m8::bench {

// The value of the last `--<name>=value` in argv[1..argc), else `env_value`
// (the environment variable Google Benchmark reads for that flag) when not
// null, else nullopt.
std::optional<std::string> FlagValue(int argc, char** argv,
                                     absl::string_view name,
                                     const char* env_value);

// The path of the JSON results file the flags ask for, or "" when the run
// writes none (no --benchmark_out, or --benchmark_out_format other than
// json). `out_env` and `format_env` are BENCHMARK_OUT and
// BENCHMARK_OUT_FORMAT (null when unset).
std::string JsonResultsPath(int argc, char** argv, const char* out_env,
                            const char* format_env);

// `json`, a Google Benchmark results file, with `entries` appended to its
// top-level "context" object as strings. InvalidArgument when the text has
// no such object (an empty or truncated file).
absl::StatusOr<std::string> AddContextEntries(absl::string_view json,
                                              const ContextEntries& entries);

// Applies AddContextEntries to the file at `path` and replaces it
// atomically: a temporary file beside it, fsync, rename over the original,
// fsync of the directory. On error the original is left as it was.
absl::Status AddContextEntriesToFile(const std::string& path,
                                     const ContextEntries& entries);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_RESULTS_FILE_H_
