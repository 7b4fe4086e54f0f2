// The counters of open-loop fixtures (issue 4): offered and achieved rate
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

// Sets items_per_second (completed operations), hits (per operation) and:
//   offered_rate          operations per second the profile asked for
//   achieved_rate         operations per second completed
//   schedule_lag_ns       mean of actual start - intended start
//   schedule_lag_max_ns   the largest lag
//   dropped, errors       operations never started (past the overrun), and
//                         operations that failed, per run
//   p50_ns ... max_ns     latency from the intended start
void ReportOpenLoop(benchmark::State& state, const OpenLoopTotals& totals,
                    const LatencyHistogram& latency);

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_REPORT_H_
