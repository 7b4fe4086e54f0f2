// FailureDetector: decides, one measurement window at a time, whether the
// system under load has failed (the breaking-point rule). It trips
// on the first window where
//   memory      the grid reported ResourceExhausted, or the resident set
//               reached the RSS budget;
//   errors      more than max_error_fraction of the window's operations
//               failed;
//   throughput  the achieved rate fell below min_achieved_fraction of the
//               offered rate;
// or on the slo_windows-th consecutive window where
//   latency     p99 exceeded the SLO;
// checked in that order, and stays tripped with the first reason it found.
// The defaults follow k6 and Flagger (1% errors, a p99 SLO held over
// consecutive windows) and wrk2 (achieved below offered means saturated).
//
// Thread-safety: thread-compatible; feed it from one thread.
#ifndef M8_BENCH_STRESS_FAILURE_DETECTOR_H_
#define M8_BENCH_STRESS_FAILURE_DETECTOR_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "bench/load/open_loop.h"

namespace m8::bench {

struct FailureDetectorOptions {
  // Latency: p99 above this for slo_windows consecutive windows. 10 ms is
  // ten thousand times a grid operation's cost, which only a growing queue
  // reaches, and above the 4-8 ms scheduler stalls of a shared, loaded
  // machine (measured on the 2-PU VM), so that noise alone does not trip it.
  int64_t p99_slo_ns = 10'000'000;
  int slo_windows = 3;
  // Throughput: achieved below this fraction of offered in one window.
  double min_achieved_fraction = 0.9;
  // Errors: more than this fraction of one window's operations failed.
  double max_error_fraction = 0.01;
  // Memory: the resident set at or above this; 0 means no RSS budget (a
  // ResourceExhausted from the grid trips the detector regardless).
  int64_t rss_budget_bytes = 0;
};

// The values are the codes of the trip_reason counter (counters.h): keep
// them stable.
enum class TripReason {
  kNone = 0,
  kMemory = 1,
  kErrors = 2,
  kThroughput = 3,
  kLatency = 4,
};

// "none", "memory", "errors", "throughput", "latency".
absl::string_view TripReasonName(TripReason reason);

// What the detector sees of one window.
struct WindowSignals {
  double offered_rate = 0.0;   // Operations per second asked for.
  double achieved_rate = 0.0;  // Operations per second completed.
  int64_t p99_ns = 0;
  uint64_t operations = 0;  // Completed.
  uint64_t errors = 0;      // Failed, including the exhausted ones.
  uint64_t exhausted = 0;   // Failed with ResourceExhausted.
  int64_t rss_bytes = 0;    // Resident set at the window's end; 0: unknown.
};

// An open-loop window (open_loop.h) and the RSS read at its end.
WindowSignals SignalsOf(const WindowStats& window, int64_t rss_bytes);

class FailureDetector {
 public:
  explicit FailureDetector(FailureDetectorOptions options = {});

  // Takes one window; returns tripped().
  bool Observe(const WindowSignals& window);

  bool tripped() const { return reason_ != TripReason::kNone; }
  TripReason reason() const { return reason_; }
  // Why it tripped, with the numbers ("achieved 1.21e+06 ops/s below 90% of
  // offered 1.5e+06 ops/s"), or "held for N windows".
  std::string Describe() const;
  // Windows observed, and the index of the one that tripped it (-1).
  int windows() const { return windows_; }
  int trip_window() const { return trip_window_; }

 private:
  FailureDetectorOptions options_;
  int windows_ = 0;
  int slow_windows_ = 0;  // Consecutive windows with p99 above the SLO.
  TripReason reason_ = TripReason::kNone;
  int trip_window_ = -1;
  std::string why_;
};

}  // namespace m8::bench

#endif  // M8_BENCH_STRESS_FAILURE_DETECTOR_H_
