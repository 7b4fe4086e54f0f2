// A short per-benchmark summary of one results file (m8perf summary), and
// target ratios: the ratio of two benchmarks' medians of one metric (or of a
// benchmark and a constant) against a bound. The main job uses it to print
// architecture targets (analysis/targets/architecture.json) after a run.
//
// Targets files are JSON (comments allowed):
//
//   {"targets": [
//     {"name": "Recall vs flat_hash_map find",
//      "numerator": "Grid/Recall/uniform/cells:4194304",
//      "denominator": "Ref/FlatHashMapFind/uniform/cells:4194304",
//      "metric": "real_time",
//      "bound": "<= 1.3"}]}
//
// numerator/denominator: a run_name, a number (in the metric's unit: ns for
// times), or {"value": "3.43us"}. bound: "<=", "<", ">=" or ">" then a number,
// optionally "ratio" before and "x" or "%" after ("ratio <= 1.3", ">= 3x",
// ">= 50%").
//
// Pure functions; thread-compatible.

#ifndef M8_ANALYSIS_JUDGE_SUMMARY_H_
#define M8_ANALYSIS_JUDGE_SUMMARY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analysis/read/metric.h"
#include "analysis/read/results.h"

namespace m8::analysis {

struct SummaryRow {
  std::string name;
  int repetitions = 0;  // usable ones
  std::string failure;  // "errored: ..." / "skipped: ..." when none usable
  // Medians by metric, for SummaryReport::columns (NaN where absent).
  std::vector<double> values;
};

// One side of a target ratio.
struct Operand {
  std::string benchmark;           // a run_name, or empty for a constant
  std::optional<double> constant;  // in the metric's unit
  std::string Describe(const Metric& metric) const;
};

enum class Comparator { kLess, kLessEqual, kGreater, kGreaterEqual };

struct Target {
  std::string name;
  Operand numerator;
  Operand denominator;
  Metric metric;
  Comparator comparator = Comparator::kLessEqual;
  double bound = 0;        // as a ratio (50% is 0.5)
  std::string bound_text;  // as written
};

absl::StatusOr<std::vector<Target>> ParseTargets(absl::string_view text,
                                                 absl::string_view source);
absl::StatusOr<std::vector<Target>> ReadTargets(const std::string& path);

// Parses a bound such as "<= 1.3", "ratio >= 3x", "> 50%".
absl::StatusOr<std::pair<Comparator, double>> ParseBound(
    absl::string_view text);

enum class TargetStatus { kPass, kFail, kMissing };
absl::string_view TargetStatusName(TargetStatus status);  // pass/fail/missing

struct TargetResult {
  Target target;
  double numerator = 0;
  double denominator = 0;
  double ratio = 0;
  TargetStatus status = TargetStatus::kMissing;
  std::string problem;  // why missing
};

struct SummaryReport {
  std::string source;
  std::vector<Metric> columns;  // real_time, cpu_time, then key counters
  std::vector<SummaryRow> rows;
  std::vector<TargetResult> targets;
  std::vector<std::string> warnings;  // the run's environment (environment.h)

  int Count(TargetStatus status) const;
};

// The key counters summarised when present, in column order.
inline constexpr absl::string_view kSummaryCounters[] = {
    "items_per_second", "bytes_per_second", "p50_ns",
    "p99_ns",           "p999_ns",          "max_ns"};

// Summarises `file` (benchmarks whose run_name matches `filter`, a regular
// expression as name_filter.h reads it; empty for all) and evaluates
// `targets`.
absl::StatusOr<SummaryReport> Summarize(const ResultsFile& file,
                                        const std::vector<Target>& targets,
                                        const std::string& filter = "");

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_SUMMARY_H_
