#include "bench/support/latency.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "bench/support/config.h"

namespace m8::bench {
namespace {

// What Sampled() itself costs, beyond the two clock reads.
constexpr double kRecordCostNs = 5.0;
constexpr uint64_t kMaxStride = uint64_t{1} << 16;
constexpr uint32_t kMaxBatch = uint32_t{1} << 12;
// How far one sample may move the batch size up: a first sample of a short
// operation is mostly the clock's noise.
constexpr uint32_t kMaxBatchGrowth = 8;
// The most a sample's pipeline drain can cost (see Sampled).
constexpr double kMaxDrainNs = 1000.0;

// A running mean (weight 1/8) seeded by its first value; one value moves it
// by at most an eighth of itself (a preempted sample would otherwise swing
// it).
void UpdateMean(double& mean, double value) {
  if (mean <= 0.0) {
    mean = value;
  } else {
    mean += (std::clamp(value, 0.0, 2.0 * mean) - mean) / 8.0;
  }
}

}  // namespace

void LatencySamples::SetBatch(uint32_t batch, double floor_ns) {
  batch_ = batch;
  floor_ns_ = floor_ns;
}

void LatencySamples::Merge(const LatencySamples& other) {
  picos_.Merge(other.picos_);
  batch_ = std::max(batch_, other.batch_);
  floor_ns_ = std::max(floor_ns_, other.floor_ns_);
}

void LatencySamples::Clear() {
  picos_.Clear();
  batch_ = 0;
  floor_ns_ = 0.0;
}

std::optional<double> LatencySamples::Resolved(uint64_t ps) const {
  const double ns = static_cast<double>(ps) / 1000.0;
  if (count() == 0 || ns < floor_ns_) return std::nullopt;
  return ns;
}

std::optional<double> LatencySamples::ResolvedPercentile(double q) const {
  return Resolved(picos_.Percentile(q));
}

std::optional<double> LatencySamples::ResolvedMax() const {
  return Resolved(picos_.max());
}

LatencySampler::LatencySampler(double max_overhead)
    : LatencySampler(max_overhead, MonotonicCalibration()) {}

LatencySampler::LatencySampler(double max_overhead,
                               const ClockCalibration& clock)
    : enabled_(Settings().latency_sampling),
      max_overhead_(max_overhead),
      clock_cost_ns_(clock.cost_ns),
      sample_floor_ns_(kResolutionsPerSample *
                       static_cast<double>(clock.resolution_ns)),
      sample_cost_ns_(2.0 * clock.cost_ns + kRecordCostNs),
      rng_(0x9e3779b97f4a7c15u) {
  samples_.SetBatch(1, sample_floor_ns_);
  // Sampling off: the countdown never reaches 0 in a run.
  if (!enabled_) countdown_ = UINT64_MAX;
}

void LatencySampler::Interrupted(uint64_t untimed) {
  countdown_ = untimed < countdown_ - 1 ? countdown_ - untimed : 1;
  last_end_ = 0;
}

void LatencySampler::SetBatch(uint32_t batch) {
  batch_ = batch;
  samples_.Clear();
  samples_.SetBatch(batch, sample_floor_ns_ / batch);
  mean_latency_ns_ = 0.0;  // Relearnt at the new batch size.
}

void LatencySampler::Sampled(int64_t start, int64_t end) {
  // The batch's time per operation, without the clock's cost. Below zero
  // only by the clock's error, which the floor keeps out of the report.
  const double per_op_ns =
      (static_cast<double>(end - start) - clock_cost_ns_) / batch_;
  samples_.Record(std::llround(std::max(per_op_ns, 0.0) * 1000.0));
  // Running means of a timed operation's latency and of an untimed
  // operation's cost in the loop (from the gap since the last sample).
  UpdateMean(mean_latency_ns_, std::max(per_op_ns, 0.01));
  if (last_end_ != 0 && untimed_ > 0) {
    const double gap =
        static_cast<double>(start - last_end_) / static_cast<double>(untimed_);
    UpdateMean(mean_op_ns_, std::max(gap, 0.01));
  }
  const double latency = mean_latency_ns_;

  // The batch size: the smallest power of two whose batch spans the floor,
  // growing at once (a batch below the floor reports nothing) and shrinking
  // by halves only when half a batch still spans twice the floor, so that
  // it does not flap. A change drops the samples taken at the old size.
  const double batch_ns = latency * batch_;
  if (batch_ns < sample_floor_ns_ && batch_ < kMaxBatch) {
    const auto wanted = static_cast<uint32_t>(std::min<double>(
        std::ceil(sample_floor_ns_ / latency), batch_ * kMaxBatchGrowth));
    SetBatch(std::min(std::bit_ceil(wanted), kMaxBatch));
  } else if (batch_ > 1 && batch_ns >= 4.0 * sample_floor_ns_) {
    SetBatch(batch_ / 2);
  }

  // What a sample costs the loop: its two clock reads and the Record, and
  // the pipeline drains of the ordered clock reads (lfence; rdtsc): the
  // first waits for the operations in flight, the batch then starts alone
  // instead of overlapping its neighbours' cache misses, and the second
  // waits for its last operations; the Record may miss the cache too.
  // Measured here (Recall and flat_hash_map find on 4M cells,
  // --m8_latency=false as the control) that comes to about three latencies
  // of the operation, bounded by what a drained out-of-order window can
  // hold. One sample per `stride` operations keeps the total below
  // max_overhead of the loop.
  const double op_ns = mean_op_ns_ > 0.0 ? mean_op_ns_ : latency;
  const double cost = sample_cost_ns_ + 3.0 * std::min(latency, kMaxDrainNs);
  const double wanted = cost / (max_overhead_ * op_ns);
  // Short operations keep at least one untimed operation between samples,
  // so that their cost in the loop stays measured.
  const uint64_t min_untimed = latency < kMaxDrainNs * 10 ? 1 : 0;
  const double min_stride = static_cast<double>(batch_ + min_untimed);
  stride_ = std::bit_ceil(static_cast<uint64_t>(
      std::clamp(wanted, min_stride, static_cast<double>(kMaxStride))));
  // Jitter the untimed run within [u/2, 3u/2) so that samples do not alias
  // with periodic key patterns.
  const uint64_t untimed = stride_ - batch_;
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  untimed_ = untimed <= 1 ? untimed : untimed / 2 + rng_ % untimed;
  countdown_ = untimed_ + 1;
  last_end_ = end;
}

void ReportPercentiles(benchmark::State& state, const LatencyHistogram& h) {
  state.counters["p50_ns"] = static_cast<double>(h.Percentile(0.50));
  state.counters["p90_ns"] = static_cast<double>(h.Percentile(0.90));
  state.counters["p99_ns"] = static_cast<double>(h.Percentile(0.99));
  state.counters["p999_ns"] = static_cast<double>(h.Percentile(0.999));
  state.counters["max_ns"] = static_cast<double>(h.max());
}

void ReportPercentiles(benchmark::State& state, const LatencySamples& s) {
  state.counters["latency_batch"] = static_cast<double>(s.batch());
  state.counters["latency_floor_ns"] = s.floor_ns();
  constexpr struct {
    const char* name;
    double q;
  } kPercentiles[] = {
      {"p50_ns", 0.50}, {"p90_ns", 0.90}, {"p99_ns", 0.99}, {"p999_ns", 0.999}};
  for (const auto& [name, q] : kPercentiles) {
    if (const std::optional<double> ns = s.ResolvedPercentile(q)) {
      state.counters[name] = *ns;
    }
  }
  if (const std::optional<double> ns = s.ResolvedMax()) {
    state.counters["max_ns"] = *ns;
  }
}

void SharedLatency::Finish(benchmark::State& state, const LatencySamples& s) {
  std::lock_guard<std::mutex> lock(mu_);
  merged_.Merge(s);
  if (++finished_ < state.threads()) return;
  if (merged_.count() > 0) ReportPercentiles(state, merged_);
  merged_.Clear();
  finished_ = 0;
}

}  // namespace m8::bench
