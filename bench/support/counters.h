// The table of every user counter the m8 fixtures write: its name, unit,
// which way is better, and what it means. Fixtures name counters through the
// constants below; every binary writes the table (CounterTableJson) into the
// JSON context as `m8.counters`, so that a results file says how to read its
// own counters without guessing from their names.
//
// "Not measured" is never written as a value: a counter that could not be
// measured in a run (a breaking point that was not reached, a soak whose load
// did not hold, a run without latency samples) is left out, and its
// companion counter (CounterSpec::measured_if) is written as 0 to say why.
// Readers treat the counter as not measured wherever its companion is 0,
// whatever value it may carry.
//
// Thread-safety: the table is immutable; everything here may be called from
// any thread.
#ifndef M8_BENCH_SUPPORT_COUNTERS_H_
#define M8_BENCH_SUPPORT_COUNTERS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace m8::bench {

enum class CounterDirection { kLower, kHigher, kNeutral };

// "lower", "higher", "neutral" (the words m8perf's --direction takes).
absl::string_view CounterDirectionName(CounterDirection direction);

// Units, as written into m8.counters. The first seven are the units m8perf
// prints and converts; the others are unitless numbers of a named kind.
namespace unit {
inline constexpr char kNanoseconds[] = "ns";
inline constexpr char kSeconds[] = "s";
inline constexpr char kBytes[] = "B";
inline constexpr char kPerSecond[] = "/s";
inline constexpr char kBytesPerSecond[] = "B/s";
inline constexpr char kCount[] = "count";        // things counted
inline constexpr char kFraction[] = "fraction";  // a share in [0, 1]
inline constexpr char kCode[] = "code";  // an enumeration (meaning says which)
}  // namespace unit

struct CounterSpec {
  const char* name;
  const char* unit;  // one of unit::k*
  CounterDirection direction;
  // The companion counter whose value 0 in a run means this counter was not
  // measured there (and is left out); "" when it is always measured.
  const char* measured_if;
  const char* meaning;  // one line
};

// ---- Counter names ----------------------------------------------------------
// Written by Google Benchmark itself (SetItemsProcessed, SetBytesProcessed).
inline constexpr char kItemsPerSecond[] = "items_per_second";
inline constexpr char kBytesPerSecond[] = "bytes_per_second";
// Proof of work.
inline constexpr char kHits[] = "hits";
inline constexpr char kEvicted[] = "evicted";
// Latency percentiles (latency.h) and the samples behind them.
inline constexpr char kP50Ns[] = "p50_ns";
inline constexpr char kP90Ns[] = "p90_ns";
inline constexpr char kP99Ns[] = "p99_ns";
inline constexpr char kP999Ns[] = "p999_ns";
inline constexpr char kMaxNs[] = "max_ns";
inline constexpr char kLatencySamples[] = "latency_samples";
inline constexpr char kLatencyBatch[] = "latency_batch";
inline constexpr char kLatencyFloorNs[] = "latency_floor_ns";
// Resources (resources.h).
inline constexpr char kCpuUserS[] = "cpu_user_s";
inline constexpr char kCpuSysS[] = "cpu_sys_s";
inline constexpr char kMinorFaults[] = "minor_faults";
inline constexpr char kMajorFaults[] = "major_faults";
inline constexpr char kCtxVoluntary[] = "ctx_voluntary";
inline constexpr char kCtxInvoluntary[] = "ctx_involuntary";
inline constexpr char kHeapAllocs[] = "heap_allocs";
inline constexpr char kHeapBytes[] = "heap_bytes";
inline constexpr char kIoReadBytes[] = "io_read_bytes";
inline constexpr char kIoWriteBytes[] = "io_write_bytes";
inline constexpr char kRssPeakBytes[] = "rss_peak_bytes";
// Load: closed and open loop.
inline constexpr char kErrors[] = "errors";
inline constexpr char kDropped[] = "dropped";
inline constexpr char kOfferedRate[] = "offered_rate";
inline constexpr char kAchievedRate[] = "achieved_rate";
inline constexpr char kAchievedFraction[] = "achieved_fraction";
inline constexpr char kScheduleLagNs[] = "schedule_lag_ns";
inline constexpr char kScheduleLagMaxNs[] = "schedule_lag_max_ns";
inline constexpr char kCapacityRate[] = "capacity_rate";
// Stress: breaking point.
inline constexpr char kBreakingPointReached[] = "breaking_point_reached";
inline constexpr char kBreakingRate[] = "breaking_rate";
inline constexpr char kLastGoodRate[] = "last_good_rate";
inline constexpr char kSteps[] = "steps";
inline constexpr char kStepsHeld[] = "steps_held";
inline constexpr char kTripReason[] = "trip_reason";
// Stress: soak.
inline constexpr char kSoakPassed[] = "soak_passed";
inline constexpr char kRssSlopeBytesPerS[] = "rss_slope_bytes_per_s";
inline constexpr char kRssSlopeRuns[] = "rss_slope_runs";
inline constexpr char kRssStartBytes[] = "rss_start_bytes";
inline constexpr char kRssEndBytes[] = "rss_end_bytes";
inline constexpr char kRssSamples[] = "rss_samples";
// Stress: capacity fill.
inline constexpr char kStored[] = "stored";
inline constexpr char kRejected[] = "rejected";
inline constexpr char kVerified[] = "verified";
inline constexpr char kVerifyS[] = "verify_s";
// Stress: decay storm.
inline constexpr char kStormReads[] = "storm_reads";
inline constexpr char kStormHits[] = "storm_hits";
inline constexpr char kBaselineP99Ns[] = "baseline_p99_ns";
inline constexpr char kBaselineMaxNs[] = "baseline_max_ns";
inline constexpr char kBaselineSamples[] = "baseline_samples";
// Validation: fixed work.
inline constexpr char kWorkSteps[] = "work_steps";

// Every counter, each once, in the order above.
absl::Span<const CounterSpec> CounterTable();

// The entry for `name`, or nullptr.
const CounterSpec* FindCounterSpec(absl::string_view name);

// The table as one compact JSON object, the value of the m8.counters context
// key: {"hits":{"unit":"count","direction":"neutral"},
// "p50_ns":{"unit":"ns","direction":"lower","measured_if":"latency_samples"},
// ...}.
std::string CounterTableJson();

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_COUNTERS_H_
