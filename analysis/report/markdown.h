// Markdown writers (GitHub-flavoured: pull-request comments, job summaries):
// one overload of ToMarkdown per report type.

#ifndef M8_ANALYSIS_REPORT_MARKDOWN_H_
#define M8_ANALYSIS_REPORT_MARKDOWN_H_

#include <string>

#include "analysis/judge/budgets.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"

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
