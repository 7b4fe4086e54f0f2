#include "bench/load/report.h"

#include <algorithm>

#include "bench/support/counters.h"
#include "bench/support/latency.h"

namespace m8::bench {

void OpenLoopTotals::Add(const OpenLoopResult& run) {
  duration += run.duration;
  elapsed += static_cast<double>(run.elapsed_ns) * 1e-9;
  scheduled += run.scheduled;
  completed += run.completed;
  dropped += run.dropped;
  hits += run.hits;
  errors += run.errors;
  lag_sum_ns += run.lag_sum_ns;
  lag_max_ns = std::max(lag_max_ns, run.lag_max_ns);
}

void ReportOpenLoop(benchmark::State& state, const OpenLoopTotals& totals,
                    const LatencyHistogram& latency) {
  state.SetItemsProcessed(static_cast<int64_t>(totals.completed));
  const double completed = static_cast<double>(totals.completed);
  const double offered = totals.offered_rate();
  state.counters[kOfferedRate] = offered;
  state.counters[kAchievedRate] = totals.achieved_rate();
  if (offered > 0) {
    state.counters[kAchievedFraction] = totals.achieved_rate() / offered;
  }
  const double runs = static_cast<double>(
      std::max<int64_t>(1, static_cast<int64_t>(state.iterations())));
  state.counters[kDropped] = static_cast<double>(totals.dropped) / runs;
  state.counters[kErrors] = static_cast<double>(totals.errors) / runs;
  // Every completed operation is timed, so without one there is no latency,
  // lag or hit share to report: latency_samples = 0 says so.
  state.counters[kLatencySamples] = static_cast<double>(latency.count());
  if (completed > 0) {
    state.counters[kHits] = static_cast<double>(totals.hits) / completed;
    state.counters[kScheduleLagNs] = totals.lag_sum_ns / completed;
    state.counters[kScheduleLagMaxNs] = static_cast<double>(totals.lag_max_ns);
  }
  if (latency.count() > 0) ReportPercentiles(state, latency);
}

}  // namespace m8::bench
