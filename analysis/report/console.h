// Console (terminal) writers: one overload of ToConsole per report type.
// Colour only when asked (the tool asks when stdout is a terminal).

#ifndef M8_ANALYSIS_REPORT_CONSOLE_H_
#define M8_ANALYSIS_REPORT_CONSOLE_H_

#include <string>

#include "analysis/judge/budgets.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"

namespace m8::analysis {

struct ConsoleOptions {
  bool colour = false;
  // compare: by default, each benchmark's time (real_time, else cpu_time)
  // and the other metrics whose verdict is not `unchanged`.
  // only_changed: leave out every row whose verdict is `unchanged`.
  bool only_changed = false;
  // all_metrics: every row (only_changed wins).
  bool all_metrics = false;
};

// compare's opening paragraph: how many benchmarks, verdict counts for the
// time metric and for all metrics, the geometric means of the time ratios
// and the settings, as one unwrapped line.
std::string SummaryParagraph(const CompareReport& report);

std::string ToConsole(const CompareReport& report,
                      const ConsoleOptions& options);

std::string ToConsole(const CheckReport& report, const ConsoleOptions& options);
std::string ToConsole(const TrendReport& report, const ConsoleOptions& options);
std::string ToConsole(const ScaleReport& report, const ConsoleOptions& options);
std::string ToConsole(const SummaryReport& report,
                      const ConsoleOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_CONSOLE_H_
