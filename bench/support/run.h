// How the shared main runs the benchmarks: what it reads from the command
// line before Google Benchmark consumes it (PlanRun), and the run itself
// (RunBenchmarks): the environment at the start in the context, the
// benchmarks with or without progress, and the environment at the end added
// to the JSON results file.
//
// Thread-safety: call from main only.
#ifndef M8_BENCH_SUPPORT_RUN_H_
#define M8_BENCH_SUPPORT_RUN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"

namespace m8::bench {

struct RunPlan {
  std::string json_out;  // the JSON results file, or "" (see results_file.h)
  bool progress = false;
  int64_t benchmarks = 0;   // selected by the filter (with progress only)
  int64_t repetitions = 1;  // --benchmark_repetitions
};

// `progress` is --m8_progress (nullopt: on when `stderr_is_terminal`);
// progress is off when the command line only lists benchmarks.
// REQUIRES: before benchmark::Initialize (this may run a listing pass to
// count the benchmarks; see CountBenchmarks).
RunPlan PlanRun(int argc, char** argv, std::optional<bool> progress,
                bool stderr_is_terminal);

// Adds the start-of-run environment to the context, runs the benchmarks
// (the display reporter wrapped in a ProgressReporter when planned), and
// adds the end-of-run environment to plan.json_out. An error means only
// that the results file could not be amended (the caller warns); the
// results themselves are written.
// REQUIRES: after benchmark::Initialize.
absl::Status RunBenchmarks(const RunPlan& plan);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_RUN_H_
