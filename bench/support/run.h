// How the shared main runs the benchmarks: what it reads from the command
// line before Google Benchmark consumes it (PlanRun), and the run itself
// (RunBenchmarks): the environment at the start in the context, the
// benchmarks with or without progress, how many the filter matched, and the
// environment at the end for the JSON results file (results_file.h).
//
// Thread-safety: call from main only.
#ifndef M8_BENCH_SUPPORT_RUN_H_
#define M8_BENCH_SUPPORT_RUN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "bench/support/context.h"

namespace m8::bench {

struct RunPlan {
  std::string results_path;   // --benchmark_out in any format, or ""
  bool results_json = false;  // ... and it is JSON (see results_file.h)
  std::string filter;         // --benchmark_filter as given ("" for all)
  bool listing = false;       // --benchmark_list_tests: nothing is measured
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

// What a run did.
struct RunOutcome {
  // Benchmarks the filter selected (and ran, or listed). 0 means the filter
  // matched nothing or is not a valid regular expression.
  size_t matched = 0;
  // Why nothing matched, in Google Benchmark's words ("Could not compile
  // benchmark re: ..."), kept off stderr so that main can say it in one
  // line; "" when it said nothing.
  std::string no_match_reason;
  // The end-of-run environment, for the results file (m8.env.*).
  ContextEntries end_context;
};

// Adds the start-of-run environment to the context and runs the benchmarks
// (the display reporter wrapped in a ProgressReporter when planned).
// REQUIRES: after benchmark::Initialize.
RunOutcome RunBenchmarks(const RunPlan& plan);

// The one line main prints when nothing matched (after "program: ").
std::string NoMatchMessage(const RunPlan& plan, const RunOutcome& outcome);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_RUN_H_
