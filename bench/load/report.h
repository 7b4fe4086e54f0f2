// The counters of open-loop fixtures: offered and achieved rate
// side by side, schedule lag, and latency percentiles from each
// operation's intended start.
//
// Thread-safety: OpenLoopTotals belongs to one thread; ReportOpenLoop is
// called by a benchmark's only thread.
#ifndef M8_BENCH_LOAD_REPORT_H_
#define M8_BENCH_LOAD_REPORT_H_

#include <cstdint>

#include "bench/load/open_loop.h"
#include "bench/support/histogram.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

// The sum of a benchmark run's open-loop runs (one per iteration).
struct OpenLoopTotals {
  double duration = 0.0;  // Seconds of profile.
  double elapsed = 0.0;   // Seconds from start to last completion.
  uint64_t scheduled = 0;
  uint64_t completed = 0;
  uint64_t dropped = 0;
  uint64_t hits = 0;
  uint64_t errors = 0;
  double lag_sum_ns = 0.0;
  int64_t lag_max_ns = 0;

  void Add(const OpenLoopResult& run);
  double offered_rate() const {
    return duration > 0 ? scheduled / duration : 0;
  }
  double achieved_rate() const { return elapsed > 0 ? completed / elapsed : 0; }
};

// Sets items_per_second (completed operations) and the counters of
// counters.h: offered_rate, achieved_rate, achieved_fraction (achieved /
// offered), dropped and errors per run, latency_samples, and, when at least
// one operation completed, hits (per operation), schedule_lag_ns,
// schedule_lag_max_ns and p50_ns ... max_ns (latency from the intended
// start). Without a completed operation those are left out, and
// latency_samples = 0 says that they were not measured.
void ReportOpenLoop(benchmark::State& state, const OpenLoopTotals& totals,
                    const LatencyHistogram& latency);

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_REPORT_H_
