// The timed loops of operation fixtures, and the counters they report.
//
// TimeEachOperation runs op(i) for i = 0, 1, 2, ... once per iteration,
// with nothing else in the timed loop: it runs the operations between two
// latency samples as one batch, so that they pay nothing for sampling, and
// each sample's operations (one, or a batch of a few when one is too short
// for the clock) as another;
// op returns how many hits it made (a found cell, a stored wave), which
// also keeps its work from being optimised away. Around the loop it
// measures resources, and after it reports:
//   items_per_second  one item per operation (SetItemsProcessed)
//   hits              hits per operation (the proof of work)
//   p50_ns ... max_ns sampled latency of one operation (or of a batch's
//                     mean), merged over threads, those the clock resolves
//   latency_batch, latency_floor_ns  what the samples mean (latency.h)
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
      // Up to and including the next sample's batch, but never past
      // max_iterations: Google Benchmark requires every repetition to run
      // the same count.
      const auto untimed =
          static_cast<IterationCount>(sampler.UntimedBeforeSample());
      const IterationCount batch = sampler.batch();
      const IterationCount run = std::clamp<IterationCount>(
          state.max_iterations - done, 1, untimed + batch);
      if (!state.KeepRunningBatch(run)) break;
      done += run;
      const bool timed = run == untimed + batch;
      for (IterationCount k = timed ? batch : 0; k < run; ++k) hits += op(i++);
      if (timed) {
        hits += sampler.TimeBatch([&] {
          uint64_t batch_hits = 0;
          for (IterationCount k = 0; k < batch; ++k) batch_hits += op(i++);
          return batch_hits;
        });
      }
    }
  }
  meter.Finish(state);
  latency.Finish(state, sampler.samples());
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
    size_t j = 0;
    if (sampler.enabled()) {
      // The samples that fit in this batch; a sample never spans the pause.
      while (batch - j >= sampler.UntimedBeforeSample() + sampler.batch()) {
        for (size_t end = j + sampler.UntimedBeforeSample(); j < end; ++j) {
          hits += op(j);
        }
        hits += sampler.TimeBatch([&] {
          uint64_t batch_hits = 0;
          for (size_t end = j + sampler.batch(); j < end; ++j) {
            batch_hits += op(j);
          }
          return batch_hits;
        });
      }
      sampler.Interrupted(batch - j);
    }
    for (; j < batch; ++j) hits += op(j);
    state.PauseTiming();
    undo();
    state.ResumeTiming();
  }
  meter.Finish(state);
  latency.Finish(state, sampler.samples());
  ReportWork(state, state.iterations(), hits);
}

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_OP_LOOP_H_
