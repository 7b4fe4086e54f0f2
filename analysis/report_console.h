// Console (terminal) writers: one overload of ToConsole per report type.
// Colour only when asked (the tool asks when stdout is a terminal).

#ifndef M8_ANALYSIS_REPORT_CONSOLE_H_
#define M8_ANALYSIS_REPORT_CONSOLE_H_

#include <string>

#include "analysis/budgets.h"
#include "analysis/compare.h"
#include "analysis/scale.h"
#include "analysis/summary.h"
#include "analysis/trend.h"

namespace m8::analysis {

struct ConsoleOptions {
  bool colour = false;
  // compare: leave out rows whose verdict is `unchanged`.
  bool only_changed = false;
};

std::string ToConsole(const CompareReport& report,
                      const ConsoleOptions& options);

std::string ToConsole(const CheckReport& report, const ConsoleOptions& options);
std::string ToConsole(const TrendReport& report, const ConsoleOptions& options);
std::string ToConsole(const ScaleReport& report, const ConsoleOptions& options);
std::string ToConsole(const SummaryReport& report,
                      const ConsoleOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_CONSOLE_H_
