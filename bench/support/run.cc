#include "bench/support/run.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/numbers.h"
#include "bench/support/environment.h"
#include "bench/support/progress.h"
#include "bench/support/results_file.h"
#include "bench/support/thread_binding.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

RunPlan PlanRun(int argc, char** argv, std::optional<bool> progress,
                bool stderr_is_terminal) {
  RunPlan plan;
  plan.json_out = JsonResultsPath(argc, argv, std::getenv("BENCHMARK_OUT"),
                                  std::getenv("BENCHMARK_OUT_FORMAT"));
  const std::string list = FlagValue(argc, argv, "benchmark_list_tests",
                                     std::getenv("BENCHMARK_LIST_TESTS"))
                               .value_or("false");
  const bool listing = list == "true" || list == "1" || list == "yes";
  plan.progress = progress.value_or(stderr_is_terminal) && !listing;
  int64_t repetitions;
  if (absl::SimpleAtoi(FlagValue(argc, argv, "benchmark_repetitions",
                                 std::getenv("BENCHMARK_REPETITIONS"))
                           .value_or("1"),
                       &repetitions) &&
      repetitions > 0) {
    plan.repetitions = repetitions;
  }
  if (plan.progress) {
    const std::string filter = FlagValue(argc, argv, "benchmark_filter",
                                         std::getenv("BENCHMARK_FILTER"))
                                   .value_or("");
    plan.benchmarks = CountBenchmarks(argc > 0 ? argv[0] : "m8bench", filter);
  }
  return plan;
}

absl::Status RunBenchmarks(const RunPlan& plan) {
  const EnvironmentPaths paths;
  const EnvironmentSnapshot start = TakeSnapshot(paths);
  for (const auto& [key, value] : StartEnvironmentContext(paths, start)) {
    benchmark::AddCustomContext(key, value);
  }
  if (plan.progress) {
    ProgressReporter reporter(
        benchmark::CreateDefaultDisplayReporter(),
        ProgressCounter(plan.benchmarks, plan.repetitions), &std::cerr,
        /*in_place=*/isatty(STDERR_FILENO) != 0);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  const EnvironmentSnapshot end = TakeSnapshot(paths);
  if (plan.json_out.empty()) return absl::OkStatus();
  // Nothing ran (no benchmark matched): nothing to amend.
  std::error_code error;
  if (std::filesystem::file_size(plan.json_out, error) == 0 || error ||
      !std::filesystem::is_regular_file(plan.json_out, error)) {
    return absl::OkStatus();
  }
  return AddContextEntriesToFile(
      plan.json_out, EndEnvironmentContext(start, end, ThreadBindingCounts(),
                                           sysconf(_SC_CLK_TCK)));
}

}  // namespace m8::bench
