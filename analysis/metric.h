// Metrics: what a number in a Google Benchmark result measures, its unit, and
// which way is better. Every layer of analysis/ uses these types instead of
// passing metric names around as bare strings.
//
// Plain values; safe to share between threads once built.

#ifndef M8_ANALYSIS_METRIC_H_
#define M8_ANALYSIS_METRIC_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace m8::analysis {

// Which way a change counts as better.
enum class Direction {
  kLowerIsBetter,   // times, latencies, resources
  kHigherIsBetter,  // rates (`*_per_second`, throughput)
  kNeutral,         // counts that prove work (`hits`) or anything unknown
};

// How values of a metric are printed. Times are in the unit named; rates are
// per second.
enum class Unit {
  kNanoseconds,
  kMicroseconds,
  kMilliseconds,
  kSeconds,
  kBytes,
  kPerSecond,
  kBytesPerSecond,
  kNone,
};

// The two times every benchmark entry carries. Both are normalised to
// nanoseconds when read, whatever the entry's `time_unit`.
inline constexpr absl::string_view kRealTime = "real_time";
inline constexpr absl::string_view kCpuTime = "cpu_time";

struct Metric {
  std::string name;
  Direction direction = Direction::kNeutral;
  Unit unit = Unit::kNone;

  bool operator==(const Metric&) const = default;
};

// Classifies a metric by its name, following the conventions of
// architecture.md: `real_time`/`cpu_time`, names ending in `_ns`, `_us`,
// `_ms`, `_s` (times and latencies), resources (`*_bytes`, `*_faults`,
// `ctx_*`, heap and memory-manager fields) are lower-is-better; names ending
// in `per_second`, `_rate` or `_throughput` are higher-is-better; anything
// else (`hits`, `iterations`, custom counts) is neutral.
Metric ClassifyMetric(absl::string_view name);

// "lower", "higher", "neutral".
absl::string_view DirectionName(Direction direction);
absl::StatusOr<Direction> ParseDirection(absl::string_view text);

// Short unit suffix for tables: "ns", "B", "/s"...; empty for kNone.
absl::string_view UnitSuffix(Unit unit);

// True for the units that measure time.
bool IsTimeUnit(Unit unit);

// Nanoseconds in one `unit`; REQUIRES: IsTimeUnit(unit).
double NanosecondsPer(Unit unit);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_METRIC_H_
