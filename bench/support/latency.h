// Latency sampling for fixtures that time operations in a loop.
//
// Reading the clock costs tens of nanoseconds, and an ordered clock read
// drains the pipeline, which costs an operation the overlap with its
// neighbours that makes a loop of cache misses fast. So a LatencySampler
// times only some of the operations, one sample every `stride` operations
// (with jitter), and adapts the stride to the measured latency of timed
// operations and the measured cost of untimed ones so that sampling adds at
// most `max_overhead` (default 2.5%) to the loop.
//
// A sample must also be long enough for the clock to resolve it: at least
// kResolutionsPerSample times the clock's resolution (clock.h), so that the
// clock's error is at most a tenth of the sample. An operation that long is
// timed alone, and the percentiles are those of single operations. A
// shorter one is timed in batches of `batch` consecutive operations (a
// power of two, chosen so that a batch spans the floor), and each sample is
// the batch's time per operation: the percentiles are then those of batch
// means, which are narrower than those of single operations (a slow
// operation is averaged with batch - 1 others) and, since the operations of
// a batch overlap, near the loop's time per operation rather than an
// isolated operation's latency. A percentile below the floor (its batch
// shorter than kResolutionsPerSample resolutions) is not reported at all.
// The timed values have the clock's mean cost subtracted.
//
// Each thread samples into its own LatencySamples; SharedLatency merges the
// threads' samples when a run ends and the last thread to finish reports
// p50_ns, p90_ns, p99_ns, p999_ns and max_ns (those the clock resolves),
// latency_batch and latency_floor_ns.
//
// Thread-safety: a LatencySampler and a LatencySamples belong to one thread;
// SharedLatency is thread-safe.
#ifndef M8_BENCH_SUPPORT_LATENCY_H_
#define M8_BENCH_SUPPORT_LATENCY_H_

#include <cstdint>
#include <mutex>
#include <optional>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/base/thread_annotations.h"
#include "bench/support/clock.h"
#include "bench/support/histogram.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

// The shortest sample, in clock resolutions: the clock's error is then at
// most a tenth of the sample.
inline constexpr int kResolutionsPerSample = 10;

// Per-operation latencies sampled by one LatencySampler (or merged from
// several): what a sample means (its batch size) and the shortest latency
// the clock resolves at that batch size.
class LatencySamples {
 public:
  // Counts one sample: a batch's time per operation, in picoseconds (so
  // that batch means of a few nanoseconds keep their digits).
  void Record(int64_t per_operation_ps) { picos_.Record(per_operation_ps); }
  // Sets the batch size and the floor of the samples that follow.
  // REQUIRES: count() == 0 (samples of one batch size only).
  void SetBatch(uint32_t batch, double floor_ns);
  // Adds `other`'s samples. Threads that chose different batch sizes merge
  // into one histogram; batch() and floor_ns() are then the largest of them.
  void Merge(const LatencySamples& other);
  void Clear();

  uint64_t count() const { return picos_.count(); }
  // Operations per sample (1: single operations); 0 when never set.
  uint32_t batch() const { return batch_; }
  // The shortest per-operation latency these samples resolve: the shortest
  // sample (kResolutionsPerSample clock resolutions) divided by batch().
  double floor_ns() const { return floor_ns_; }
  // The latency at quantile q in nanoseconds, or nullopt when there are no
  // samples or it is below floor_ns() (the clock cannot tell it).
  std::optional<double> ResolvedPercentile(double q) const;
  // The largest sample, or nullopt as for ResolvedPercentile.
  std::optional<double> ResolvedMax() const;

 private:
  std::optional<double> Resolved(uint64_t ps) const;

  LatencyHistogram picos_;
  uint32_t batch_ = 0;
  double floor_ns_ = 0.0;
};

class LatencySampler {
 public:
  // `max_overhead`: the fraction of the loop's time the samples may cost.
  // Half the 5% budget: the rest is for the estimate's own error and, in
  // loops that call Run, the countdown every operation pays.
  explicit LatencySampler(double max_overhead = 0.025);
  // For tests: a sampler on NowNanos with `clock` as its calibration.
  LatencySampler(double max_overhead, const ClockCalibration& clock);

  // Runs op() and returns its result; a sample's batch starts or ends around
  // it when due. A batch spans consecutive calls, so between calls the loop
  // must not pause the timer or wait. REQUIRES: op returns a value (pass it
  // to benchmark::DoNotOptimize).
  template <typename Op>
  ABSL_ATTRIBUTE_ALWAYS_INLINE auto Run(Op&& op) {
    if (ABSL_PREDICT_TRUE(--countdown_ != 0)) return op();
    return RunAtBoundary(op);
  }

  // For loops that run operations in batches, so that the operations
  // between samples pay nothing for sampling: the next sample is due after
  // UntimedBeforeSample() untimed operations, and is taken by TimeBatch
  // running batch() operations. REQUIRES (all three): enabled(), and no
  // mixing with Run.
  uint64_t UntimedBeforeSample() const { return countdown_ - 1; }
  uint32_t batch() const { return batch_; }
  // Runs run_batch(), which runs batch() operations, timing it as a sample.
  template <typename RunBatch>
  ABSL_ATTRIBUTE_ALWAYS_INLINE auto TimeBatch(RunBatch&& run_batch) {
    const int64_t start = NowNanos();
    auto result = run_batch();
    Sampled(start, NowNanos());
    return result;
  }
  // The loop ran `untimed` of the operations before the next sample and is
  // about to pause: the next sample comes after the rest (at least one
  // more), and the time to it says nothing about the loop's operations.
  void Interrupted(uint64_t untimed);

  // False when latency sampling is off (--m8_latency=false): Run never
  // times an operation.
  bool enabled() const { return enabled_; }

  const LatencySamples& samples() const { return samples_; }
  // The same as samples(), under the name the fixtures pass to
  // SharedLatency::Finish.
  const LatencySamples& histogram() const { return samples_; }
  // The current stride (operations per sample, the batch included), for
  // tests.
  uint64_t stride() const { return stride_; }

 private:
  // Run's slow path: starts a sample's batch, or ends the open one.
  template <typename Op>
  ABSL_ATTRIBUTE_NOINLINE auto RunAtBoundary(Op& op) {
    if (open_) {
      auto result = op();
      open_ = false;
      Sampled(batch_start_, NowNanos());
      return result;
    }
    const int64_t start = NowNanos();
    auto result = op();
    if (batch_ == 1) {
      Sampled(start, NowNanos());
    } else {
      open_ = true;
      batch_start_ = start;
      countdown_ = batch_ - 1;
    }
    return result;
  }

  // Records one sample of batch_ operations, then picks the batch size and
  // the distance to the next sample.
  void Sampled(int64_t start, int64_t end);
  // Changes the batch size, dropping the samples taken at the old one.
  void SetBatch(uint32_t batch);

  LatencySamples samples_;
  bool enabled_;
  double max_overhead_;
  double clock_cost_ns_;
  double sample_floor_ns_;        // The shortest sample the clock resolves.
  double sample_cost_ns_;         // Two clock reads and a Record.
  double mean_latency_ns_ = 0.0;  // Per operation of a timed batch.
  double mean_op_ns_ = 0.0;       // Of an untimed operation in the loop.
  int64_t last_end_ = 0;          // When the last sample ended; 0: unknown.
  int64_t batch_start_ = 0;       // When Run's open batch started.
  uint64_t untimed_ = 0;          // Operations from that sample to the next.
  uint64_t countdown_ = 1;        // To the next sample's first operation.
  uint64_t stride_ = 1;
  uint32_t batch_ = 1;
  bool open_ = false;  // Run is inside a sample's batch.
  uint64_t rng_;
};

// Writes p50_ns, p90_ns, p99_ns, p999_ns and max_ns of `h` (nanoseconds)
// into the counters.
void ReportPercentiles(benchmark::State& state, const LatencyHistogram& h);
// Writes latency_batch, latency_floor_ns, and those of p50_ns ... max_ns
// that `s` resolves, into the counters.
void ReportPercentiles(benchmark::State& state, const LatencySamples& s);

// Merges the samples of every thread of a benchmark run.
class SharedLatency {
 public:
  // Called by each thread after its timed loop: merges `s`; the last thread
  // of the run reports the merged samples into its counters (counters are
  // summed over threads, so only one thread may set them) and resets for
  // the next run.
  void Finish(benchmark::State& state, const LatencySamples& s);

 private:
  std::mutex mu_;
  LatencySamples merged_ ABSL_GUARDED_BY(mu_);
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_LATENCY_H_
