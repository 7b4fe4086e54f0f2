// The environment a run was measured in, judged from its context: problems
// that make its numbers less trustworthy (EnvironmentWarnings), and the facts
// two runs must share for a comparison of them to mean something
// (ComparableFacts, ContextDifferences).
//
// m8bench binaries record `m8.env.*` keys (bench/support/environment.h);
// files of other projects are judged on Google Benchmark's own context keys
// only (library_build_type, cpu_scaling_enabled, load_avg, aslr_enabled).
//
// Pure functions; thread-safe.
#ifndef M8_ANALYSIS_JUDGE_ENVIRONMENT_H_
#define M8_ANALYSIS_JUDGE_ENVIRONMENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "analysis/read/results.h"

namespace m8::analysis {

// Thresholds of the checks. A value equal to a limit passes.
struct EnvironmentLimits {
  // 1-minute load average divided by the CPU count, at start or at end.
  double max_load_per_cpu = 0.5;
  // CPU time of other processes over the run's wall time, in cores.
  double max_other_cores = 0.1;
};

struct EnvironmentWarning {
  // A stable name of the check: "library_build_type", "build_type",
  // "cpu_scaling", "load", "other_processes", "aslr", "thread_binding".
  std::string check;
  std::string message;  // One line, without the run's name.
};

// One warning per problem found in `context`.
std::vector<EnvironmentWarning> EnvironmentWarnings(
    const Context& context, const EnvironmentLimits& limits = {});

// A run's warnings as report lines: each prefixed with `label` and ": ".
std::vector<std::string> LabelWarnings(
    absl::string_view label, const std::vector<EnvironmentWarning>& warnings);

// The warnings of many runs as report lines: up to `list_runs` runs, every
// warning prefixed with the run's label; beyond that, one line per check
// ("load: 212 of 500 runs, first run_001.json: ...").
struct LabelledWarnings {
  std::string label;
  std::vector<EnvironmentWarning> warnings;
};
std::vector<std::string> WarningLines(absl::Span<const LabelledWarnings> runs,
                                      size_t list_runs = 3);

// The facts that make runs comparable, as (name, value) pairs in a fixed
// order: host, CPU model, CPUs, build type, backend and its version (the
// Mem|8 implementation measured: m8.backend, m8.backend_version), library
// build type, library version, smoke mode and every grid option (m8.grid.*).
// A fact the context does not record is left out.
using ContextFacts = std::vector<std::pair<std::string, std::string>>;
ContextFacts ComparableFacts(const Context& context);

struct LabelledFacts {
  std::string label;
  ContextFacts facts;
};

// One line per fact that is not the same in every run (a fact recorded by
// some runs and not others counts as "(not recorded)"), naming each value
// with the first runs that have it:
//   "runs differ in host: 'vm1' (a.json), 'vm2' (b.json)".
// Empty when the runs agree.
std::vector<std::string> ContextDifferences(
    absl::Span<const LabelledFacts> runs);

// The warning lines and context differences of runs read from files,
// labelled with their sources: what every report over those runs shows.
struct RunsCheck {
  std::vector<std::string> warnings;
  std::vector<std::string> context_differences;
};
RunsCheck CheckRuns(absl::Span<const ResultsFile> files);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_ENVIRONMENT_H_
