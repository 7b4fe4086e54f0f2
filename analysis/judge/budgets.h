// Performance budgets (m8perf check): per benchmark (a regular expression on
// run_name) and metric, a static bound (max, min) and/or a bound on the
// relative change against a baseline run, in the spirit of bencher.dev's
// thresholds. Every breach is reported with its numbers.
//
// Budget files are small JSON documents (comments allowed):
//
//   {"budgets": [
//     {"benchmark": "^Grid/Recall/", "metric": "real_time", "max": "150ns"},
//     {"benchmark": "^Grid/Put/", "metric": "items_per_second", "min": "2M/s"},
//     {"benchmark": ".", "metric": "p99_ns", "max_change": "5%"}]}
//
// Pure functions over their inputs; thread-compatible.

#ifndef M8_ANALYSIS_JUDGE_BUDGETS_H_
#define M8_ANALYSIS_JUDGE_BUDGETS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "analysis/read/metric.h"
#include "analysis/read/results.h"

namespace m8::analysis {

struct Budget {
  std::string benchmark;  // regex (name_filter.h), searched in run_name
  Metric metric;
  std::optional<double> max;         // in the metric's unit
  std::optional<double> min;         // in the metric's unit
  std::optional<double> max_change;  // fraction, in the worse direction
  int index = 0;                     // position in the file
};

// Parses a budget file's text; `source` names it in messages. Values may be
// plain numbers (in the metric's unit: ns for real_time and cpu_time) or
// strings with units (quantity.h); max_change is a fraction or "5%".
absl::StatusOr<std::vector<Budget>> ParseBudgets(absl::string_view text,
                                                 absl::string_view source);
absl::StatusOr<std::vector<Budget>> ReadBudgets(const std::string& path);

enum class BoundKind { kMax, kMin, kMaxChange };
absl::string_view BoundName(BoundKind kind);  // "max", "min", "max_change"

struct Breach {
  std::string benchmark;
  Metric metric;
  BoundKind kind = BoundKind::kMax;
  double value = 0;     // the median of the results
  double limit = 0;     // the bound (a fraction for kMaxChange)
  double baseline = 0;  // the baseline median (kMaxChange only)
  double change = 0;    // value / baseline - 1 (kMaxChange only)
  int budget = 0;       // Budget::index
  std::string pattern;  // Budget::benchmark
};

// A budget that matched a benchmark whose runs say that they did not
// measure the metric (a companion counter is 0, see samples.h). It is
// neither a breach nor a pass.
struct Unmeasured {
  std::string benchmark;
  std::string metric;
  std::string reason;  // "breaking_point_reached = 0"
  int budget = 0;      // Budget::index
  std::string pattern;
};

struct CheckReport {
  std::string results_source;
  std::string baseline_source;  // empty without a baseline
  int checks = 0;               // (benchmark, budget) pairs evaluated
  std::vector<Breach> breaches;
  std::vector<Unmeasured> not_measured;
  // Budgets that matched nothing, then the runs' environment problems
  // (environment.h, filled by the caller).
  std::vector<std::string> warnings;

  bool HasBreach() const { return !breaches.empty(); }
};

// Checks `results` against every budget. `baseline` may be null unless a
// budget has max_change (then it is an error). The value of a benchmark is
// the median over its repetitions (samples.h PointEstimate) that measured
// the metric; a benchmark whose runs all say that they did not measure it
// goes to not_measured. The direction of max_change is, in order:
// `directions`, the results file's counter declarations, the name rules.
absl::StatusOr<CheckReport> CheckBudgets(
    const ResultsFile& results, absl::Span<const Budget> budgets,
    const ResultsFile* baseline, const DirectionOverrides& directions = {});

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_BUDGETS_H_
