// Metrics: what a number in a Google Benchmark result measures, its unit, and
// which way is better. Every layer of analysis/ uses these types instead of
// passing metric names around as bare strings.
//
// Plain values; safe to share between threads once built.

#ifndef M8_ANALYSIS_READ_METRIC_H_
#define M8_ANALYSIS_READ_METRIC_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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

// Classifies a metric by its name alone: the rules for files that do not
// declare their counters (m8.counters, below), such as other projects'
// benchmarks. In order:
//   - `real_time`, `cpu_time`: lower-is-better nanoseconds;
//   - per-second rates: names ending in `per_second`, `_rate` or
//     `_throughput` are higher-is-better rates of work (`bytes*`: B/s);
//     names ending in `_per_s` are per-second quantities too, never times in
//     seconds: lower-is-better when they measure growth (`slope`, `growth`,
//     `leak` in the name, or a resource: `rss_`, `heap_`, `mem`), else
//     higher-is-better rates of work; `*bytes_per_s` are in B/s;
//   - times: names ending in `_ns`, `_us`, `_ms`, `_s` are lower-is-better;
//   - resources: `*_bytes`, heap and memory-manager fields, `*_faults`,
//     `ctx_*` are lower-is-better;
//   - failures: `errors`, `dropped`, `rejected`, `failures`, `failed`,
//     `timeouts` and names ending in `_errors`, `_dropped`, `_rejected`,
//     `_failures`, `_failed` or `_timeouts` are lower-is-better counts;
//   - anything else (`hits`, `iterations`, custom counts) is neutral: it can
//     change but never regress.
Metric ClassifyMetric(absl::string_view name);

// ---- Declared counters ------------------------------------------------------

// The context key under which a results file declares its counters: a JSON
// object {name: {"unit": "ns", "direction": "lower", "measured_if": "c"}}
// (m8bench writes it; measured_if is optional).
inline constexpr absl::string_view kCountersContextKey = "m8.counters";

// What a file says about one of its counters.
struct CounterDeclaration {
  Direction direction = Direction::kNeutral;
  Unit unit = Unit::kNone;  // kNone for units m8perf does not convert
  std::string unit_name;    // as declared: "ns", "B/s", "count", "code"...
  // A companion counter: in an entry where it is present and 0, this
  // counter is not measured (whatever value it carries). Empty: none.
  std::string measured_if;
};

// The counters a results file declares. Immutable once parsed.
class CounterCatalogue {
 public:
  CounterCatalogue() = default;

  // Parses the value of the m8.counters context key. Errors
  // (InvalidArgument): not a JSON object, an entry that is not an object, a
  // missing or unknown direction, a unit or measured_if that is not a
  // string.
  static absl::StatusOr<CounterCatalogue> Parse(absl::string_view json);

  // The declaration of `name`, or nullptr.
  const CounterDeclaration* Find(absl::string_view name) const;
  bool empty() const { return declarations_.empty(); }
  size_t size() const { return declarations_.size(); }

 private:
  absl::flat_hash_map<std::string, CounterDeclaration> declarations_;
};

// Directions given on the command line (--direction NAME=...), by metric.
using DirectionOverrides = std::vector<std::pair<std::string, Direction>>;

// A metric's direction and unit, decided in this order: an override for its
// name (its direction only), the file's declaration, then ClassifyMetric's
// name rules. `catalogue` and `overrides` may be null.
Metric ResolveMetric(absl::string_view name, const CounterCatalogue* catalogue,
                     const DirectionOverrides* overrides);

// The unit of a declared unit name: "ns", "us", "ms", "s", "B", "/s", "B/s";
// kNone for anything else ("count", "fraction", "code", ...).
Unit UnitFromName(absl::string_view name);

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

#endif  // M8_ANALYSIS_READ_METRIC_H_
