// JSON writers: one overload of ToJson per report type. NaN and infinities
// are written as null. Schemas are documented in analysis/README.md.

#ifndef M8_ANALYSIS_REPORT_JSON_H_
#define M8_ANALYSIS_REPORT_JSON_H_

#include <string>

#include "analysis/judge/budgets.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"

namespace m8::analysis {

// {"base", "new", "alpha", "noise", "confidence",
//  "comparisons": [{"name", "metric", "direction", "base_median",
//    "new_median", "ratio", "ci_low", "ci_high", "pvalue", "verdict",
//    "base_n", "new_n", ...}],
//  "geomean": {"<metric>": {"ratio", "count"}},
//  "counts": {"regressed", ...}, "only_in_base": [], "only_in_new": [],
//  "warnings": [], "context_differences": []}
// Every report has a "warnings" array: the runs' environment problems
// (environment.h), and for compare and trend the context differences.
std::string ToJson(const CompareReport& report);

// {"results", "baseline", "checks", "breaches": [{"benchmark", "metric",
//   "bound", "value", "limit", "baseline", "change", "budget"}], "warnings"}
std::string ToJson(const CheckReport& report);
// {"runs": [...], "series": [{"name", "metric", "direction", "points",
//   "runs", "change_points": [{"index", "run", "before", "after", "change",
//   "pvalue", "regression", "median_before", "median_after"}]}],
//  "warnings", "context_differences"}
std::string ToJson(const TrendReport& report);
// {"source", "sweeps": [{"name", "metric", "threads", "throughput", "sigma",
//   "kappa", "lambda", "peak_concurrency", "peak_throughput", "r_squared",
//   "warnings"}], "warnings"}
std::string ToJson(const ScaleReport& report);
// {"source", "benchmarks": [{"name", "repetitions", "<metric>": median...}],
//  "targets": [{"name", "numerator", "denominator", "metric", "bound",
//   "numerator_value", "denominator_value", "ratio", "status", "problem"}],
//  "warnings"}
std::string ToJson(const SummaryReport& report);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_JSON_H_
