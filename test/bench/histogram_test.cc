#include "bench/support/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// The exact value at quantile q of sorted data, with the histogram's rank
// rule (the ceil(q * n)-th smallest, at least the first).
uint64_t ExactPercentile(const std::vector<uint64_t>& sorted, double q) {
  const auto rank = std::max<size_t>(
      1,
      static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[rank - 1];
}

// 3 significant digits: within 1/1024 of the exact value (values below
// 2048 are kept exactly).
void ExpectWithinResolution(uint64_t got, uint64_t exact) {
  const double tolerance = std::max(1.0, static_cast<double>(exact) / 1024.0);
  EXPECT_GE(got, exact);  // The highest equivalent value, never below.
  EXPECT_LE(static_cast<double>(got - exact), tolerance)
      << "got " << got << " for " << exact;
}

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.Mean(), 0.0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 0; v < 2048; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(0.5), 1023u);
  EXPECT_EQ(h.Percentile(1.0), 2047u);
  EXPECT_EQ(h.Percentile(0.0), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_DOUBLE_EQ(h.Mean(), 1023.5);
}

TEST(LatencyHistogramTest, PercentilesMatchSortedDataWithinThreeDigits) {
  std::mt19937_64 rng(301);
  std::lognormal_distribution<double> latency(6.0, 1.5);  // ~400 ns median.
  LatencyHistogram h;
  std::vector<uint64_t> values;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<uint64_t>(latency(rng));
    values.push_back(v);
    h.Record(static_cast<int64_t>(v));
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    SCOPED_TRACE(q);
    ExpectWithinResolution(h.Percentile(q), ExactPercentile(values, q));
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogramTest, EquivalentValuesShareABucket) {
  for (uint64_t v : {uint64_t{0}, uint64_t{2047}, uint64_t{2048},
                     uint64_t{123456789}, LatencyHistogram::kMaxValue}) {
    const uint64_t high = LatencyHistogram::HighestEquivalent(v);
    EXPECT_GE(high, v);
    EXPECT_EQ(LatencyHistogram::IndexOf(high), LatencyHistogram::IndexOf(v));
    if (high < LatencyHistogram::kMaxValue) {
      EXPECT_EQ(LatencyHistogram::IndexOf(high + 1),
                LatencyHistogram::IndexOf(v) + 1);
    }
  }
  EXPECT_LT(LatencyHistogram::IndexOf(LatencyHistogram::kMaxValue),
            LatencyHistogram::kCountsLength);
}

TEST(LatencyHistogramTest, ClampsOutOfRangeValues) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(static_cast<int64_t>(LatencyHistogram::kMaxValue) * 4);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxValue * 4);  // Exact max kept.
  EXPECT_EQ(h.Percentile(0.0), 0u);
  // Out-of-range values are counted at kMaxValue.
  EXPECT_EQ(h.Percentile(1.0), LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> value(0, 10'000'000);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 50000; ++i) {
    const int64_t v = value(rng);
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_DOUBLE_EQ(a.Mean(), all.Mean());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(a.Percentile(q), all.Percentile(q));
  }
}

TEST(LatencyHistogramTest, CopyAndClear) {
  LatencyHistogram h;
  h.Record(100);
  h.Record(5000);
  LatencyHistogram copy = h;
  h.Clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(copy.count(), 2u);
  EXPECT_EQ(copy.max(), 5000u);
  h = copy;
  EXPECT_EQ(h.Percentile(0.5), 100u);
}

}  // namespace
}  // namespace m8::bench
