#include "analysis/metric.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace m8::analysis {
namespace {

// Resource names from architecture.md that carry no unit suffix.
constexpr std::array<absl::string_view, 6> kResourceNames = {
    "minor_faults",    "major_faults",    "ctx_voluntary",
    "ctx_involuntary", "allocs_per_iter", "net_heap_growth"};

// Suffix -> time unit, longest first so that "_ns" is not read as "_s".
struct TimeSuffix {
  absl::string_view suffix;
  Unit unit;
};
constexpr std::array<TimeSuffix, 4> kTimeSuffixes = {{
    {"_ns", Unit::kNanoseconds},
    {"_us", Unit::kMicroseconds},
    {"_ms", Unit::kMilliseconds},
    {"_s", Unit::kSeconds},
}};

}  // namespace

Metric ClassifyMetric(absl::string_view name) {
  Metric metric{std::string(name), Direction::kNeutral, Unit::kNone};
  if (name == kRealTime || name == kCpuTime) {
    metric.direction = Direction::kLowerIsBetter;
    metric.unit = Unit::kNanoseconds;
    return metric;
  }
  if (absl::EndsWith(name, "per_second") || absl::EndsWith(name, "_rate") ||
      absl::EndsWith(name, "_throughput")) {
    metric.direction = Direction::kHigherIsBetter;
    metric.unit = absl::StartsWith(name, "bytes") ? Unit::kBytesPerSecond
                                                  : Unit::kPerSecond;
    return metric;
  }
  for (const TimeSuffix& time : kTimeSuffixes) {
    if (absl::EndsWith(name, time.suffix)) {
      metric.direction = Direction::kLowerIsBetter;
      metric.unit = time.unit;
      return metric;
    }
  }
  if (absl::EndsWith(name, "_bytes") || name == "max_bytes_used" ||
      absl::StartsWith(name, "heap_")) {
    metric.direction = Direction::kLowerIsBetter;
    metric.unit = Unit::kBytes;
    return metric;
  }
  for (absl::string_view resource : kResourceNames) {
    if (name == resource) {
      metric.direction = Direction::kLowerIsBetter;
      return metric;
    }
  }
  if (absl::EndsWith(name, "_faults") || absl::StartsWith(name, "ctx_")) {
    metric.direction = Direction::kLowerIsBetter;
  }
  return metric;
}

absl::string_view DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kLowerIsBetter:
      return "lower";
    case Direction::kHigherIsBetter:
      return "higher";
    case Direction::kNeutral:
      return "neutral";
  }
  return "neutral";
}

absl::StatusOr<Direction> ParseDirection(absl::string_view text) {
  if (text == "lower") return Direction::kLowerIsBetter;
  if (text == "higher") return Direction::kHigherIsBetter;
  if (text == "neutral") return Direction::kNeutral;
  return absl::InvalidArgumentError(absl::StrCat(
      "direction must be 'lower', 'higher' or 'neutral', got '", text, "'"));
}

absl::string_view UnitSuffix(Unit unit) {
  switch (unit) {
    case Unit::kNanoseconds:
      return "ns";
    case Unit::kMicroseconds:
      return "us";
    case Unit::kMilliseconds:
      return "ms";
    case Unit::kSeconds:
      return "s";
    case Unit::kBytes:
      return "B";
    case Unit::kPerSecond:
      return "/s";
    case Unit::kBytesPerSecond:
      return "B/s";
    case Unit::kNone:
      return "";
  }
  return "";
}

bool IsTimeUnit(Unit unit) {
  return unit == Unit::kNanoseconds || unit == Unit::kMicroseconds ||
         unit == Unit::kMilliseconds || unit == Unit::kSeconds;
}

double NanosecondsPer(Unit unit) {
  switch (unit) {
    case Unit::kMicroseconds:
      return 1e3;
    case Unit::kMilliseconds:
      return 1e6;
    case Unit::kSeconds:
      return 1e9;
    default:
      return 1.0;
  }
}

}  // namespace m8::analysis
