// The timed loops of operation fixtures, and the counters they report.
//
// TimeEachOperation runs op(i) for i = 0, 1, 2, ... once per iteration,
// with nothing else in the timed loop: it runs the operations between two
// latency samples as one batch, so that they pay nothing for sampling;
// op returns how many hits it made (a found cell, a stored wave), which
// also keeps its work from being optimised away. Around the loop it
// measures resources, and after it reports:
//   items_per_second  one item per operation (SetItemsProcessed)
//   hits              hits per operation (the proof of work)
//   p50_ns ... max_ns sampled latency of one operation, merged over threads
//   resource counters (resources.h)
//
// Thread-safety: call from a benchmark's thread; the SharedLatency is the
// fixture's, shared by its threads.
#ifndef M8_BENCH_SUPPORT_OP_LOOP_H_
#define M8_BENCH_SUPPORT_OP_LOOP_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "bench/support/latency.h"
#include "bench/support/resources.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

// Sets items_per_second (`items` items) and hits (per iteration).
inline void ReportWork(benchmark::State& state, int64_t items, uint64_t hits) {
  state.SetItemsProcessed(items);
  state.counters["hits"] = benchmark::Counter(
      static_cast<double>(hits), benchmark::Counter::kAvgIterations);
}

template <typename Op>
void TimeEachOperation(benchmark::State& state, SharedLatency& latency,
                       Op&& op) {
  LatencySampler sampler;
  uint64_t hits = 0;
  uint64_t i = 0;
  ResourceMeter meter(state);
  if (!sampler.enabled()) {
    for (auto _ : state) hits += op(i++);
  } else {
    using benchmark::IterationCount;
    IterationCount done = 0;
    for (;;) {
      // Up to and including the next sample, but never past max_iterations:
      // Google Benchmark requires every repetition to run the same count.
      const IterationCount to_sample = sampler.OperationsToNextSample();
      const IterationCount run =
          std::clamp<IterationCount>(state.max_iterations - done, 1, to_sample);
      if (!state.KeepRunningBatch(run)) break;
      done += run;
      const bool timed = run == to_sample;
      for (IterationCount k = timed ? 1 : 0; k < run; ++k) hits += op(i++);
      if (timed) hits += sampler.RunTimed([&] { return op(i++); });
    }
  }
  meter.Finish(state);
  latency.Finish(state, sampler.histogram());
  ReportWork(state, state.iterations(), hits);
}

// Like TimeEachOperation for operations that consume state: runs op(j) for
// j in [0, batch) per KeepRunningBatch step, then undo() with the timer
// paused, so that every batch starts from the same state. Each op(j) is one
// iteration. The resource counters include the undo work.
template <typename Op, typename Undo>
void TimeBatches(benchmark::State& state, SharedLatency& latency, size_t batch,
                 Op&& op, Undo&& undo) {
  LatencySampler sampler;
  uint64_t hits = 0;
  ResourceMeter meter(state);
  while (
      state.KeepRunningBatch(static_cast<benchmark::IterationCount>(batch))) {
    for (size_t j = 0; j < batch; ++j) {
      hits += sampler.Run([&] { return op(j); });
    }
    state.PauseTiming();
    undo();
    state.ResumeTiming();
  }
  meter.Finish(state);
  latency.Finish(state, sampler.histogram());
  ReportWork(state, state.iterations(), hits);
}

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_OP_LOOP_H_
