#include "bench/support/latency.h"

#include <algorithm>
#include <bit>
#include <vector>

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

}  // namespace

int64_t TimerOverheadNanos() {
  static const int64_t overhead = MeasureTimerOverhead();
  return overhead;
}

LatencySampler::LatencySampler(double max_overhead)
    : max_overhead_(max_overhead),
      timer_overhead_(TimerOverheadNanos()),
      sample_cost_ns_(2.0 * static_cast<double>(TimerOverheadNanos()) +
                      kRecordCostNs),
      rng_(0x9e3779b97f4a7c15u) {}

void LatencySampler::Sampled(int64_t start, int64_t end) {
  const int64_t op_ns = std::max<int64_t>(end - start - timer_overhead_, 0);
  histogram_.Record(op_ns);
  // A running mean of the operation's cost (the first sample seeds it).
  const double ns = static_cast<double>(std::max<int64_t>(op_ns, 1));
  mean_op_ns_ =
      mean_op_ns_ == 0.0 ? ns : mean_op_ns_ + (ns - mean_op_ns_) / 8.0;
  // One sample per `stride` operations keeps the cost of sampling below
  // max_overhead of the operations' own time.
  const double wanted = sample_cost_ns_ / (max_overhead_ * mean_op_ns_);
  const auto stride = static_cast<uint32_t>(
      std::clamp(wanted, 1.0, static_cast<double>(kMaxStride)));
  stride_ = std::bit_ceil(stride);
  // Jitter the next sample within [stride/2, 3*stride/2) so that samples do
  // not alias with periodic key patterns.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  countdown_ = stride_ == 1 ? 1 : stride_ / 2 + (rng_ & (stride_ - 1));
}

void ReportPercentiles(benchmark::State& state, const LatencyHistogram& h) {
  state.counters["p50_ns"] = static_cast<double>(h.Percentile(0.50));
  state.counters["p90_ns"] = static_cast<double>(h.Percentile(0.90));
  state.counters["p99_ns"] = static_cast<double>(h.Percentile(0.99));
  state.counters["p999_ns"] = static_cast<double>(h.Percentile(0.999));
  state.counters["max_ns"] = static_cast<double>(h.max());
}

void SharedLatency::Finish(benchmark::State& state, const LatencyHistogram& h) {
  absl::MutexLock lock(&mu_);
  merged_.Merge(h);
  if (++finished_ < state.threads()) return;
  ReportPercentiles(state, merged_);
  merged_.Clear();
  finished_ = 0;
}

}  // namespace m8::bench
