// LatencyHistogram: a log-linear latency histogram in the style of
// HdrHistogram, for benchmark latency percentiles.
//
// Values are non-negative integers (nanoseconds by convention) from 0 up to
// kMaxValue (about 2.4 hours in ns); larger values are counted at kMaxValue
// (max() still reports the true largest). Every recorded value is kept to 3
// significant decimal digits: a bucket's width is at most 1/1024 of its
// lowest value. Memory is fixed at construction (about 300 KB), Record is
// O(1) and never allocates, and two histograms merge by adding counts, so
// the usual pattern is one histogram per thread, merged when reporting.
//
// Thread-safety: thread-compatible (one writer; use one per thread).
#ifndef M8_BENCH_SUPPORT_HISTOGRAM_H_
#define M8_BENCH_SUPPORT_HISTOGRAM_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace m8::bench {

class LatencyHistogram {
 public:
  // 2^11 sub-buckets per power of two: 3 significant digits (HdrHistogram's
  // sub_bucket_count for 3 digits).
  static constexpr int kSubBucketBits = 11;
  static constexpr int kSubBucketCount = 1 << kSubBucketBits;
  static constexpr int kSubBucketHalfCount = kSubBucketCount / 2;
  // Values up to 2^43 - 1 ns, about 2.4 hours.
  static constexpr int kMaxValueBits = 43;
  static constexpr uint64_t kMaxValue = (uint64_t{1} << kMaxValueBits) - 1;
  static constexpr int kBucketCount = kMaxValueBits - kSubBucketBits + 1;
  static constexpr size_t kCountsLength =
      size_t{kBucketCount + 1} * kSubBucketHalfCount;

  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram& other);
  LatencyHistogram& operator=(const LatencyHistogram& other);
  LatencyHistogram(LatencyHistogram&&) noexcept = default;
  LatencyHistogram& operator=(LatencyHistogram&&) noexcept = default;

  // Counts one value. Negative values count as 0.
  void Record(int64_t value) {
    const uint64_t v = value < 0 ? 0 : static_cast<uint64_t>(value);
    if (v > max_) max_ = v;
    if (v < min_) min_ = v;
    ++counts_[IndexOf(v < kMaxValue ? v : kMaxValue)];
    ++total_;
    sum_ += v;
  }

  // Adds every count of `other` into this histogram.
  void Merge(const LatencyHistogram& other);
  void Clear();

  uint64_t count() const { return total_; }
  // Largest and smallest recorded values (exact); 0 when empty.
  uint64_t max() const { return total_ == 0 ? 0 : max_; }
  uint64_t min() const { return total_ == 0 ? 0 : min_; }
  double Mean() const;

  // The value at quantile q in [0, 1]: the highest value equivalent (same
  // bucket) to the smallest recorded value with at least q * count() values
  // at or below it, capped at max(). 0 when empty.
  uint64_t Percentile(double q) const;

  // The bucket index of `v`; values with one index are "equivalent".
  // REQUIRES: v <= kMaxValue.
  static size_t IndexOf(uint64_t v) {
    // Bucket b covers [2^(b+10), 2^(b+11)) in steps of 2^b; bucket 0 also
    // covers [0, 2^10) in steps of 1.
    const int magnitude = 64 - std::countl_zero(v | (kSubBucketCount - 1));
    const int bucket = magnitude - kSubBucketBits;
    const uint64_t sub = v >> bucket;  // In [1024, 2048) unless bucket is 0.
    return (static_cast<size_t>(bucket) << (kSubBucketBits - 1)) + sub;
  }
  // The largest value with the same index as `v`.
  static uint64_t HighestEquivalent(uint64_t v);

 private:
  std::unique_ptr<uint64_t[]> counts_;
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_HISTOGRAM_H_
