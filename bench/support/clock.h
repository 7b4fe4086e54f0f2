// The benchmark clock (CLOCK_MONOTONIC) and what it can resolve.
//
// A clock read takes time, and the clock advances in ticks that may be
// coarser than its nanosecond unit (under a hypervisor the TSC behind
// CLOCK_MONOTONIC can advance in steps of 10 ns or more). So one timed
// interval is only known to within the spread of back-to-back reads: a
// ClockCalibration measures that spread, the smallest step and the mean
// cost of a read, from many back-to-back reads.
//
// Thread-safety: NowNanos and MonotonicCalibration are thread-safe;
// CalibrateClock is as thread-safe as the clock it is given.
#ifndef M8_BENCH_SUPPORT_CLOCK_H_
#define M8_BENCH_SUPPORT_CLOCK_H_

#include <cstdint>
#include <ctime>

#include "absl/functional/function_ref.h"

namespace m8::bench {

// Monotonic time in nanoseconds (CLOCK_MONOTONIC, a vDSO call on Linux).
inline int64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// What a clock resolves, from the differences of back-to-back reads.
struct ClockCalibration {
  // The mean difference, leaving out those above the 99th percentile and the
  // smallest step (preemptions): what one read adds to a timed interval on
  // average. Subtracted from every timed
  // interval; the mean rather than the median because the differences are
  // quantised by the clock's tick, and the mean of a quantised difference
  // whose phase is random is the true cost.
  double cost_ns = 0.0;
  // The smallest non-zero difference.
  int64_t min_step_ns = 0;
  // The width of the central 90% of the differences (95th - 5th
  // percentile): the clock's tick and jitter, without the rarer reads that
  // an interrupt or another process slowed down.
  int64_t spread_ns = 0;
  // What one timed interval is known to within: spread_ns, or min_step_ns
  // if that is larger and two reads can return the same value (the tick is
  // then coarser than a read); at least 1.
  int64_t resolution_ns = 1;
};

// Calibrates `now` (a clock in nanoseconds) from `reads` back-to-back
// differences. REQUIRES: reads >= 100.
ClockCalibration CalibrateClock(absl::FunctionRef<int64_t()> now,
                                int reads = 20001);

// NowNanos's calibration, measured on first use (about 1 ms).
const ClockCalibration& MonotonicCalibration();

// MonotonicCalibration().cost_ns rounded: what one clock read adds to a
// timed interval.
int64_t TimerOverheadNanos();

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_CLOCK_H_
