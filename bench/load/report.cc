#include "bench/load/report.h"

#include <algorithm>

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
  using benchmark::Counter;
  state.SetItemsProcessed(static_cast<int64_t>(totals.completed));
  const double completed = static_cast<double>(totals.completed);
  state.counters["hits"] =
      completed > 0 ? static_cast<double>(totals.hits) / completed : 0.0;
  state.counters["offered_rate"] = totals.offered_rate();
  state.counters["achieved_rate"] = totals.achieved_rate();
  state.counters["schedule_lag_ns"] =
      completed > 0 ? totals.lag_sum_ns / completed : 0.0;
  state.counters["schedule_lag_max_ns"] =
      static_cast<double>(totals.lag_max_ns);
  const double runs = static_cast<double>(
      std::max<int64_t>(1, static_cast<int64_t>(state.iterations())));
  state.counters["dropped"] = static_cast<double>(totals.dropped) / runs;
  state.counters["errors"] = static_cast<double>(totals.errors) / runs;
  ReportPercentiles(state, latency);
}

}  // namespace m8::bench
