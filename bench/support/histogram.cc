#include "bench/support/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace m8::bench {
namespace {

// The lowest value of counts index `i` (the inverse of IndexOf).
uint64_t LowestValueAt(size_t i) {
  if (i < LatencyHistogram::kSubBucketCount) return i;
  const size_t bucket = (i >> (LatencyHistogram::kSubBucketBits - 1)) - 1;
  const uint64_t sub = i - (bucket << (LatencyHistogram::kSubBucketBits - 1));
  return sub << bucket;
}

}  // namespace

LatencyHistogram::LatencyHistogram()
    : counts_(std::make_unique<uint64_t[]>(kCountsLength)) {}

LatencyHistogram::LatencyHistogram(const LatencyHistogram& other)
    : counts_(std::make_unique_for_overwrite<uint64_t[]>(kCountsLength)),
      total_(other.total_),
      sum_(other.sum_),
      max_(other.max_),
      min_(other.min_) {
  std::memcpy(counts_.get(), other.counts_.get(),
              kCountsLength * sizeof(uint64_t));
}

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this != &other) {
    std::memcpy(counts_.get(), other.counts_.get(),
                kCountsLength * sizeof(uint64_t));
    total_ = other.total_;
    sum_ = other.sum_;
    max_ = other.max_;
    min_ = other.min_;
  }
  return *this;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kCountsLength; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

void LatencyHistogram::Clear() {
  std::fill_n(counts_.get(), kCountsLength, 0);
  total_ = 0;
  sum_ = 0;
  max_ = 0;
  min_ = UINT64_MAX;
}

double LatencyHistogram::Mean() const {
  return total_ == 0 ? 0.0
                     : static_cast<double>(sum_) / static_cast<double>(total_);
}

uint64_t LatencyHistogram::HighestEquivalent(uint64_t v) {
  const int magnitude = 64 - std::countl_zero(v | (kSubBucketCount - 1));
  const int bucket = magnitude - kSubBucketBits;
  const uint64_t lowest = v >> bucket << bucket;
  return lowest + (uint64_t{1} << bucket) - 1;
}

uint64_t LatencyHistogram::Percentile(double q) const {
  if (total_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank (1-based) of the value at quantile q, at least the first.
  const auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kCountsLength; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::min(HighestEquivalent(LowestValueAt(i)), max_);
    }
  }
  return max_;
}

}  // namespace m8::bench
