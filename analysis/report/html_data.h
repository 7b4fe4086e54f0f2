// The data block of the HTML report: an HtmlReport as one compact JSON
// document that the page script reads (JSON.parse of the block's text) and
// draws from. Columnar: each table is an object of parallel arrays, and
// benchmarks, runs and metrics are referred to by index, so 2,000
// benchmarks over 50 runs stay a few megabytes. Measured values are rounded
// to 4 significant digits, p-values and fit parameters to 3; NaN is null.
//
//   {"version": 1, "title",
//    "metric": {"name", "unit", "direction"}, "alpha", "noise", "confidence",
//    "runs": {"label": [], "revision": [], "date": []},
//    "baseline": null | {"index", "label", "revision", "date"},
//    "benchmarks": {"name": [], "median": [[per run]], "low": [[]],
//                   "high": [[]], "latest": [[repetitions]],
//                   "baseline": [[]], "cv": [], "sweep": []},
//    "change_points": {"benchmark": [], "run": [], "change": [],
//                      "pvalue": [], "regression": [], "before": [],
//                      "after": []},
//    "verdicts": ["regressed", "improved", "unchanged", "changed", "unknown"],
//    "comparison": null | {"metrics": [{"name", "unit", "direction"}],
//        "benchmark": [], "metric": [], "base": [], "new": [], "ratio": [],
//        "ci_low": [], "ci_high": [], "pvalue": [], "verdict": [],
//        "base_n": [], "new_n": [], "base_cv": [], "new_cv": [],
//        "note": [index into notes, -1 for none], "notes": [],
//        "geomean": [{"metric", "ratio", "count"}],
//        "only_in_base": [], "only_in_new": []},
//    "sweeps": [{"name", "metric", "threads", "throughput", "fit": null |
//        {"sigma", "kappa", "lambda", "peak_concurrency", "peak_throughput",
//         "r_squared"}, "warnings"}],
//    "budgets": null | {"checks", "breaches": [{"benchmark" (index or -1),
//        "name", "metric", "unit", "bound", "value", "limit", "baseline",
//        "change", "pattern"}], "not_measured": [{"benchmark", "name",
//        "metric", "reason", "pattern"}], "warnings"},
//    "targets": null | [{"name", "status", "ratio", "bound", "numerator",
//        "denominator", "numerator_benchmark", "denominator_benchmark",
//        "metric", "problem"}],
//    "warnings": [], "compared_differences": [], "view_differences": [],
//    "environment": [[[key, value]] per run], "run_warnings": [[] per run],
//    "baseline_environment": null | [[key, value]],
//    "baseline_warnings": []}
//
// The result is plain JSON: escape it (html_escape.h EscapeJsonForScript)
// before putting it in a page. Pure function; thread-safe.

#ifndef M8_ANALYSIS_REPORT_HTML_DATA_H_
#define M8_ANALYSIS_REPORT_HTML_DATA_H_

#include <string>

#include "analysis/report/html_report.h"

namespace m8::analysis {

std::string HtmlReportData(const HtmlReport& report);

// `value` rounded to `digits` significant decimal digits (the double
// nearest that decimal); non-finite values unchanged. REQUIRES: digits >= 1.
double RoundSignificant(double value, int digits);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_HTML_DATA_H_
