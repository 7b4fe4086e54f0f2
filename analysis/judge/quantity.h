// Numbers with units in configuration files ("150ns", "2.5us", "5M/s",
// "64MiB", "5%"), converted to a metric's own unit.

#ifndef M8_ANALYSIS_JUDGE_QUANTITY_H_
#define M8_ANALYSIS_JUDGE_QUANTITY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analysis/read/metric.h"

namespace m8::analysis {

// Parses `text` as a value of a metric measured in `unit`:
//  - a plain number is already in that unit;
//  - a time suffix (ns, us, ms, s) is allowed for time units and converted;
//  - k, M, G multipliers (1e3, 1e6, 1e9), optionally followed by "/s", for
//    any unit ("5M/s", "2.5k");
//  - KiB, MiB, GiB, B for byte units ("64MiB").
absl::StatusOr<double> ParseQuantity(absl::string_view text, Unit unit);

// Parses a relative change: a fraction ("0.05") or a percentage ("5%",
// "+5%"). Must not be negative.
absl::StatusOr<double> ParseRelativeChange(absl::string_view text);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_QUANTITY_H_
