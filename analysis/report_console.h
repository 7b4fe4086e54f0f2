// Console (terminal) writers: one overload of ToConsole per report type.
// Colour only when asked (the tool asks when stdout is a terminal).

#ifndef M8_ANALYSIS_REPORT_CONSOLE_H_
#define M8_ANALYSIS_REPORT_CONSOLE_H_

#include <string>

#include "analysis/compare.h"

namespace m8::analysis {

struct ConsoleOptions {
  bool colour = false;
  // Leave out rows whose verdict is `unchanged`.
  bool only_changed = false;
};

std::string ToConsole(const CompareReport& report,
                      const ConsoleOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_CONSOLE_H_
