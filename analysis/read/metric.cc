#include "analysis/read/metric.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "analysis/read/printable.h"
#include "nlohmann/json.hpp"

namespace m8::analysis {
namespace {

// Resource counter names (the suite's conventions) that carry no unit suffix.
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

// Counts of failed work (lower is better), whole names and suffixes.
constexpr std::array<absl::string_view, 6> kFailureNames = {
    "errors", "dropped", "rejected", "failures", "failed", "timeouts"};

bool IsFailureCount(absl::string_view name) {
  for (absl::string_view failure : kFailureNames) {
    if (name == failure) return true;
    if (name.size() > failure.size() && absl::EndsWith(name, failure) &&
        name[name.size() - failure.size() - 1] == '_') {
      return true;
    }
  }
  return false;
}

// A per-second quantity named `*_per_s` measures growth (lower is better)
// when its name says so or it is a resource; otherwise it is a rate of work.
bool IsGrowth(absl::string_view name) {
  return absl::StrContains(name, "slope") ||
         absl::StrContains(name, "growth") || absl::StrContains(name, "leak") ||
         absl::StartsWith(name, "rss_") || absl::StartsWith(name, "heap_") ||
         absl::StartsWith(name, "mem");
}

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
  // Before the time suffixes: `rss_slope_bytes_per_s` ends in `_s` but is
  // bytes per second, not a time.
  if (absl::EndsWith(name, "_per_s")) {
    metric.direction =
        IsGrowth(name) ? Direction::kLowerIsBetter : Direction::kHigherIsBetter;
    metric.unit = absl::EndsWith(name, "bytes_per_s") ? Unit::kBytesPerSecond
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
  if (absl::EndsWith(name, "_faults") || absl::StartsWith(name, "ctx_") ||
      IsFailureCount(name)) {
    metric.direction = Direction::kLowerIsBetter;
  }
  return metric;
}

Unit UnitFromName(absl::string_view name) {
  struct Named {
    absl::string_view name;
    Unit unit;
  };
  static constexpr Named kUnits[] = {
      {"ns", Unit::kNanoseconds},
      {"us", Unit::kMicroseconds},
      {"ms", Unit::kMilliseconds},
      {"s", Unit::kSeconds},
      {"B", Unit::kBytes},
      {"/s", Unit::kPerSecond},
      {"B/s", Unit::kBytesPerSecond},
  };
  for (const Named& named : kUnits) {
    if (name == named.name) return named.unit;
  }
  return Unit::kNone;
}

absl::StatusOr<CounterCatalogue> CounterCatalogue::Parse(
    absl::string_view json) {
  const nlohmann::json root =
      nlohmann::json::parse(json.begin(), json.end(), /*cb=*/nullptr,
                            /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  CounterCatalogue catalogue;
  for (const auto& [name, item] : root.items()) {
    auto error = [&name = name](absl::string_view detail) {
      return absl::InvalidArgumentError(
          absl::StrCat("counter '", Printable(name), "': ", detail));
    };
    if (!item.is_object()) return error("not an object");
    CounterDeclaration declaration;
    const auto direction = item.find("direction");
    if (direction == item.end() || !direction->is_string()) {
      return error("'direction' (lower, higher or neutral) is required");
    }
    absl::StatusOr<Direction> parsed =
        ParseDirection(direction->get<std::string>());
    if (!parsed.ok()) return error(parsed.status().message());
    declaration.direction = *parsed;
    if (const auto unit = item.find("unit"); unit != item.end()) {
      if (!unit->is_string()) return error("'unit' must be a string");
      declaration.unit_name = unit->get<std::string>();
      declaration.unit = UnitFromName(declaration.unit_name);
    }
    if (const auto companion = item.find("measured_if");
        companion != item.end()) {
      if (!companion->is_string()) {
        return error("'measured_if' must be a counter name");
      }
      declaration.measured_if = companion->get<std::string>();
    }
    catalogue.declarations_[name] = std::move(declaration);
  }
  return catalogue;
}

const CounterDeclaration* CounterCatalogue::Find(absl::string_view name) const {
  auto it = declarations_.find(name);
  return it == declarations_.end() ? nullptr : &it->second;
}

Metric ResolveMetric(absl::string_view name, const CounterCatalogue* catalogue,
                     const DirectionOverrides* overrides) {
  Metric metric = ClassifyMetric(name);
  if (catalogue != nullptr) {
    if (const CounterDeclaration* declared = catalogue->Find(name)) {
      metric.direction = declared->direction;
      metric.unit = declared->unit;
    }
  }
  if (overrides != nullptr) {
    for (const auto& [overridden, direction] : *overrides) {
      if (overridden == name) metric.direction = direction;
    }
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
  return absl::InvalidArgumentError(
      absl::StrCat("direction must be 'lower', 'higher' or 'neutral', got '",
                   Printable(text), "'"));
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
