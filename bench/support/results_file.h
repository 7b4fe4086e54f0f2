// The results file of a run (--benchmark_out): finding where it goes from the
// command line, writing it atomically, and adding context keys to it once
// the run is over.
//
// Google Benchmark writes the context before the first benchmark runs, so
// values known only at the end of the run (the load average at the end, the
// CPU time other processes used) are added afterwards, when the file is a
// JSON one: the keys are inserted at the end of its "context" object. Only
// the context changes; every other byte stays as Google Benchmark wrote it
// (a full JSON parser would reject its bare NaN tokens and reformat its
// numbers).
//
// Thread-safety: thread-compatible; call from main.
#ifndef M8_BENCH_SUPPORT_RESULTS_FILE_H_
#define M8_BENCH_SUPPORT_RESULTS_FILE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// The path of the results file the flags ask for, in any format, or "" when
// the run writes none. `out_env` is BENCHMARK_OUT (null when unset).
std::string ResultsPath(int argc, char** argv, const char* out_env);

// `json`, a Google Benchmark results file, with `entries` appended to its
// top-level "context" object as strings. InvalidArgument when the text has
// no such object (an empty or truncated file).
absl::StatusOr<std::string> AddContextEntries(absl::string_view json,
                                              const ContextEntries& entries);

// OK when `json` is one whole JSON object (nothing but white space after its
// closing brace) with a "benchmarks" member: what Google Benchmark writes
// when every write succeeded. InvalidArgument saying what is missing
// otherwise (a write that failed part way leaves a truncated document).
absl::Status CheckCompleteResults(absl::string_view json);

// The results file of one run (--benchmark_out), written atomically.
//
// Google Benchmark opens and truncates --benchmark_out before it knows
// whether any benchmark matches its filter, and never checks its writes. So
// main points it at a new file beside the real one (temp_path()), and only
// when the run has produced complete results does Commit move them over
// the real path. A run that fails (no benchmark matched, a full disk) thus
// leaves no empty file behind and the previous results at that path as they
// were.
//
// Thread-safety: thread-compatible; call from main.
class ResultsFile {
 public:
  // Creates the temporary file beside `path`, with the mode any new file
  // gets (0666 less the umask). Errors name `path` and the errno (a missing
  // or unwritable directory).
  static absl::StatusOr<std::unique_ptr<ResultsFile>> Create(
      const std::string& path, bool json);
  // Removes the temporary file unless Commit succeeded.
  ~ResultsFile();
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

  // Checks the temporary file (JSON: CheckCompleteResults; other formats:
  // not empty), adds `entries` to a JSON file's context, syncs the file,
  // renames it over path() and syncs the directory. Errors, one line naming
  // path(): incomplete results (a write of Google Benchmark's failed), or a
  // failed read, write, fsync or rename with its errno. Unless only the
  // directory sync failed, the file at path() is then as it was.
  absl::Status Commit(const ContextEntries& entries);

 private:
  ResultsFile(std::string path, std::string temp_path, bool json)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), json_(json) {}

  std::string path_;
  std::string temp_path_;
  bool json_;
  bool committed_ = false;
};

// argv[0..argc) with every --benchmark_out=... replaced by
// --benchmark_out=`path`, which is appended when no flag names one (the
// path came from BENCHMARK_OUT).
std::vector<std::string> WithResultsPath(int argc, char** argv,
                                         const std::string& path);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_RESULTS_FILE_H_
