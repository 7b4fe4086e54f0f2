// JSON writers: one overload of ToJson per report type. NaN and infinities
// are written as null. Schemas are documented in analysis/README.md.

#ifndef M8_ANALYSIS_REPORT_JSON_H_
#define M8_ANALYSIS_REPORT_JSON_H_

#include <string>

#include "analysis/compare.h"

namespace m8::analysis {

// {"base", "new", "alpha", "noise", "confidence",
//  "comparisons": [{"name", "metric", "direction", "base_median",
//    "new_median", "ratio", "ci_low", "ci_high", "pvalue", "verdict",
//    "base_n", "new_n", ...}],
//  "geomean": {"<metric>": {"ratio", "count"}},
//  "counts": {"regressed", ...}, "only_in_base": [], "only_in_new": []}
std::string ToJson(const CompareReport& report);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_JSON_H_
