// Latency sampling for fixtures that time single operations.
//
// Reading the clock costs tens of nanoseconds, and an ordered clock read
// drains the pipeline, which costs an operation the overlap with its
// neighbours that makes a loop of cache misses fast. So a LatencySampler
// times only every stride-th operation (with jitter), and adapts the stride
// to the measured latency of timed operations and the measured cost of
// untimed ones so that sampling adds at most `max_overhead` (default 5%)
// to the loop. The timed values have the
// clock's own cost (TimerOverheadNanos()) subtracted.
//
// Each thread samples into its own histogram; SharedLatency merges the
// threads' histograms when a run ends and the last thread to finish reports
// p50_ns, p90_ns, p99_ns, p999_ns and max_ns.
//
// Thread-safety: a LatencySampler belongs to one thread; SharedLatency is
// thread-safe.
#ifndef M8_BENCH_SUPPORT_LATENCY_H_
#define M8_BENCH_SUPPORT_LATENCY_H_

#include <cstdint>
#include <ctime>
#include <mutex>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/base/thread_annotations.h"
#include "bench/support/histogram.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

// Monotonic time in nanoseconds (CLOCK_MONOTONIC, a vDSO call on Linux).
inline int64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// The median of many back-to-back NowNanos() differences: what one clock
// read adds to a timed interval. Measured once per process.
int64_t TimerOverheadNanos();

class LatencySampler {
 public:
  // `max_overhead`: the fraction of the loop's time the samples may cost.
  // Half the 5% budget: the rest is for the estimate's own error and, in
  // loops that call Run, the countdown every operation pays.
  explicit LatencySampler(double max_overhead = 0.025);

  // Runs op() and returns its result, timing it when a sample is due.
  // REQUIRES: op returns a value (pass it to benchmark::DoNotOptimize).
  template <typename Op>
  ABSL_ATTRIBUTE_ALWAYS_INLINE auto Run(Op&& op) {
    if (ABSL_PREDICT_TRUE(--countdown_ != 0)) return op();
    return RunTimed(op);
  }

  // For loops that run operations in batches, so that the operations
  // between samples pay nothing for sampling: the operations to run up to
  // and including the next timed one, which the loop runs with RunTimed.
  // REQUIRES: enabled().
  uint32_t OperationsToNextSample() const { return countdown_; }
  template <typename Op>
  ABSL_ATTRIBUTE_ALWAYS_INLINE auto RunTimed(Op&& op) {
    const int64_t start = NowNanos();
    auto result = op();
    Sampled(start, NowNanos());
    return result;
  }

  // False when latency sampling is off (--m8_latency=false): Run never
  // times an operation.
  bool enabled() const { return enabled_; }

  const LatencyHistogram& histogram() const { return histogram_; }
  // The current stride (operations per sample), for tests.
  uint32_t stride() const { return stride_; }

 private:
  // Records one sample and picks the distance to the next one.
  void Sampled(int64_t start, int64_t end);

  LatencyHistogram histogram_;
  bool enabled_;
  double max_overhead_;
  int64_t timer_overhead_;
  double sample_cost_ns_;         // Two clock reads and a Record.
  double mean_latency_ns_ = 0.0;  // Of a timed operation.
  double mean_op_ns_ = 0.0;       // Of an untimed operation in the loop.
  int64_t last_end_ = 0;          // When the last sample was recorded.
  uint32_t since_last_ = 0;       // Operations from that sample to the next.
  uint32_t countdown_ = 1;
  uint32_t stride_ = 1;
  uint64_t rng_;
};

// Writes p50_ns, p90_ns, p99_ns, p999_ns and max_ns of `h` into the counters.
void ReportPercentiles(benchmark::State& state, const LatencyHistogram& h);

// Merges the histograms of every thread of a benchmark run.
class SharedLatency {
 public:
  // Called by each thread after its timed loop: merges `h`; the last thread
  // of the run reports the percentiles of the merged histogram into its
  // counters (counters are summed over threads, so only one thread may set
  // them) and resets for the next run.
  void Finish(benchmark::State& state, const LatencyHistogram& h);

 private:
  std::mutex mu_;
  LatencyHistogram merged_ ABSL_GUARDED_BY(mu_);
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_LATENCY_H_
