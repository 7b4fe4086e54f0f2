#include "bench/support/clock.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace m8::bench {

ClockCalibration CalibrateClock(absl::FunctionRef<int64_t()> now, int reads) {
  std::vector<int64_t> deltas(static_cast<size_t>(reads));
  for (int64_t& d : deltas) {
    const int64_t a = now();
    d = now() - a;
  }
  std::sort(deltas.begin(), deltas.end());
  const size_t n = deltas.size();
  const size_t p5 = n / 20;
  const size_t p95 = n - 1 - n / 20;
  const size_t p99 = n - 1 - n / 100;

  ClockCalibration c;
  const auto first_step = std::upper_bound(deltas.begin(), deltas.end(), 0);
  c.min_step_ns = first_step == deltas.end() ? 0 : *first_step;
  // The mean of the differences up to the 99th percentile, or up to the
  // smallest step for a clock that mostly returns the same value twice (its
  // steps are then rarer than 1% and all of them count).
  const auto last = std::upper_bound(deltas.begin(), deltas.end(),
                                     std::max(deltas[p99], c.min_step_ns));
  c.cost_ns = std::accumulate(deltas.begin(), last, 0.0) /
              static_cast<double>(last - deltas.begin());
  c.spread_ns = deltas[p95] - deltas[p5];
  c.resolution_ns = c.spread_ns;
  if (deltas[p5] == 0) c.resolution_ns = std::max(c.spread_ns, c.min_step_ns);
  c.resolution_ns = std::max<int64_t>(c.resolution_ns, 1);
  return c;
}

const ClockCalibration& MonotonicCalibration() {
  static const ClockCalibration calibration = CalibrateClock(NowNanos);
  return calibration;
}

int64_t TimerOverheadNanos() {
  return std::llround(MonotonicCalibration().cost_ns);
}

}  // namespace m8::bench
