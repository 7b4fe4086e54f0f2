// Markdown writers (GitHub-flavoured: pull-request comments, job summaries):
// one overload of ToMarkdown per report type.

#ifndef M8_ANALYSIS_REPORT_MARKDOWN_H_
#define M8_ANALYSIS_REPORT_MARKDOWN_H_

#include <string>

#include "analysis/budgets.h"
#include "analysis/compare.h"
#include "analysis/scale.h"
#include "analysis/summary.h"
#include "analysis/trend.h"

namespace m8::analysis {

// A summary line, a table of the comparisons that are not `unchanged`, and
// the full table folded in a <details> block (up to 1,000 rows).
std::string ToMarkdown(const CompareReport& report);

std::string ToMarkdown(const CheckReport& report);
std::string ToMarkdown(const TrendReport& report);
std::string ToMarkdown(const ScaleReport& report);
std::string ToMarkdown(const SummaryReport& report);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_MARKDOWN_H_
