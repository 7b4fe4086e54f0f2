#include "bench/support/latency.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "bench/support/config.h"

namespace m8::bench {
namespace {

int64_t MeasureTimerOverhead() {
  constexpr int kReads = 2001;
  std::vector<int64_t> deltas(kReads);
  for (int64_t& d : deltas) {
    const int64_t a = NowNanos();
    d = NowNanos() - a;
  }
  std::nth_element(deltas.begin(), deltas.begin() + kReads / 2, deltas.end());
  return deltas[kReads / 2];
}

// What Sampled() itself costs, beyond the two clock reads.
constexpr double kRecordCostNs = 5.0;
constexpr uint32_t kMaxStride = 1u << 16;
// The most a sample's pipeline drain can cost (see Sampled).
constexpr double kMaxDrainNs = 1000.0;

}  // namespace

int64_t TimerOverheadNanos() {
  static const int64_t overhead = MeasureTimerOverhead();
  return overhead;
}

LatencySampler::LatencySampler(double max_overhead)
    : enabled_(Settings().latency_sampling),
      max_overhead_(max_overhead),
      timer_overhead_(TimerOverheadNanos()),
      sample_cost_ns_(2.0 * static_cast<double>(TimerOverheadNanos()) +
                      kRecordCostNs),
      rng_(0x9e3779b97f4a7c15u) {
  // Sampling off: the countdown never reaches 0 in a run.
  if (!enabled_) countdown_ = UINT32_MAX;
}

void LatencySampler::Sampled(int64_t start, int64_t end) {
  const int64_t op_ns = std::max<int64_t>(end - start - timer_overhead_, 0);
  histogram_.Record(op_ns);
  // Running means (weight 1/8) of a timed operation's latency and of an
  // untimed operation's cost in the loop (from the gap since the last
  // sample), each seeded by its first value.
  auto update = [](double& mean, double value) {
    mean = mean == 0.0 ? value : mean + (value - mean) / 8.0;
  };
  update(mean_latency_ns_, static_cast<double>(std::max<int64_t>(op_ns, 1)));
  if (last_end_ != 0 && since_last_ > 1) {
    // A gap that includes a preemption would inflate the mean: let one gap
    // at most double it.
    const double gap = static_cast<double>(start - last_end_) /
                       static_cast<double>(since_last_ - 1);
    update(mean_op_ns_, std::clamp(gap, 0.1, 2.0 * mean_op_ns_));
  } else if (mean_op_ns_ == 0.0) {
    mean_op_ns_ = mean_latency_ns_;
  }
  // What a sample costs the loop: its two clock reads and the Record, and
  // the pipeline drains of the ordered clock reads (lfence; rdtsc): the
  // first waits for the operations in flight, the timed operation then runs
  // alone instead of overlapping its neighbours' cache misses, and the
  // second waits for it; the Record may miss the cache too. Measured here
  // (Recall and flat_hash_map find on 4M cells, --m8_latency=false as the
  // control) that comes to about three latencies of the operation, bounded
  // by what a drained out-of-order window can hold. One sample per
  // `stride` operations keeps the total below max_overhead of the loop.
  const double cost =
      sample_cost_ns_ + 3.0 * std::min(mean_latency_ns_, kMaxDrainNs);
  const double wanted = cost / (max_overhead_ * mean_op_ns_);
  // Short operations keep at least one untimed operation between samples,
  // so that their cost in the loop stays measured.
  const double min_stride = mean_latency_ns_ < kMaxDrainNs * 10 ? 2.0 : 1.0;
  const auto stride = static_cast<uint32_t>(
      std::clamp(wanted, min_stride, static_cast<double>(kMaxStride)));
  stride_ = std::bit_ceil(stride);
  // Jitter the next sample within [stride/2, 3*stride/2) so that samples do
  // not alias with periodic key patterns.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  countdown_ = stride_ == 1 ? 1 : stride_ / 2 + (rng_ & (stride_ - 1));
  since_last_ = countdown_;
  last_end_ = end;
}

void ReportPercentiles(benchmark::State& state, const LatencyHistogram& h) {
  state.counters["p50_ns"] = static_cast<double>(h.Percentile(0.50));
  state.counters["p90_ns"] = static_cast<double>(h.Percentile(0.90));
  state.counters["p99_ns"] = static_cast<double>(h.Percentile(0.99));
  state.counters["p999_ns"] = static_cast<double>(h.Percentile(0.999));
  state.counters["max_ns"] = static_cast<double>(h.max());
}

void SharedLatency::Finish(benchmark::State& state, const LatencyHistogram& h) {
  std::lock_guard<std::mutex> lock(mu_);
  merged_.Merge(h);
  if (++finished_ < state.threads()) return;
  if (merged_.count() > 0) ReportPercentiles(state, merged_);
  merged_.Clear();
  finished_ = 0;
}

}  // namespace m8::bench
