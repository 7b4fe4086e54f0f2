#include "analysis/stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/stats/random.h"
#include "analysis/stats/statistics.h"
#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

// The definition, with nothing clever: every (base resample, new resample)
// pair's ratio, sorted, and the inverted-CDF quantiles.
Interval NaiveInterval(MedianRatioBootstrap& bootstrap,
                       const std::vector<double>& base,
                       const std::vector<double>& contender) {
  const auto& base_table = bootstrap.MedianTable(base.size(), 0);
  const auto& new_table = bootstrap.MedianTable(contender.size(), 1);
  std::vector<std::pair<double, uint64_t>> cells;
  for (const MedianRanks& b : base_table) {
    const double bm = 0.5 * (base[b.lo] + base[b.hi]);
    for (const MedianRanks& n : new_table) {
      const double nm = 0.5 * (contender[n.lo] + contender[n.hi]);
      const double ratio = bm > 0 ? nm / bm : (nm > 0 ? INFINITY : 1.0);
      cells.emplace_back(ratio, uint64_t{b.count} * n.count);
    }
  }
  std::sort(cells.begin(), cells.end());
  const uint64_t total = static_cast<uint64_t>(bootstrap.options().resamples) *
                         bootstrap.options().resamples;
  const double tail = (1 - bootstrap.options().confidence) / 2;
  auto select = [&](double fraction) {
    const uint64_t rank = std::max<uint64_t>(
        1, static_cast<uint64_t>(std::ceil(fraction * total - 1e-6)));
    uint64_t cumulative = 0;
    for (const auto& [ratio, weight] : cells) {
      cumulative += weight;
      if (cumulative >= rank) return ratio;
    }
    return cells.back().first;
  };
  return {select(tail), select(1 - tail)};
}

std::vector<double> Sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(BootstrapTest, TablesCountEveryResample) {
  MedianRatioBootstrap bootstrap({.resamples = 5000});
  for (int n : {1, 2, 5, 10, 21}) {
    uint64_t total = 0;
    for (const MedianRanks& ranks : bootstrap.MedianTable(n, 0)) {
      EXPECT_LE(ranks.lo, ranks.hi);
      EXPECT_LT(ranks.hi, n);
      if (n % 2 == 1) {
        EXPECT_EQ(ranks.lo, ranks.hi);
      }
      total += ranks.count;
    }
    EXPECT_EQ(total, 5000);
  }
}

TEST(BootstrapTest, FastSelectionEqualsTheDefinition) {
  SplitMix64 rng(301);
  for (int trial = 0; trial < 300; ++trial) {
    MedianRatioBootstrap bootstrap(
        {.resamples = 400, .confidence = trial % 3 == 0 ? 0.9 : 0.95});
    const int nb = 1 + static_cast<int>(rng.Below(14));
    const int nn = 1 + static_cast<int>(rng.Below(14));
    const double shift = 0.9 + 0.2 * rng.Uniform();
    std::vector<double> base(nb), contender(nn);
    for (double& v : base) v = 100 * (1 + 0.05 * rng.Uniform());
    for (double& v : contender) v = 100 * shift * (1 + 0.05 * rng.Uniform());
    if (trial % 7 == 0) base[0] = 0;  // zeros take the pivot path
    if (trial % 11 == 0) contender[0] = 0;
    if (trial % 5 == 0) contender = base;  // ties everywhere
    base = Sorted(base);
    contender = Sorted(contender);
    const Interval fast = bootstrap.RatioInterval(base, contender);
    const Interval naive = NaiveInterval(bootstrap, base, contender);
    EXPECT_DOUBLE_EQ(fast.low, naive.low) << "trial " << trial;
    EXPECT_DOUBLE_EQ(fast.high, naive.high) << "trial " << trial;
  }
}

TEST(BootstrapTest, ReproducibleAndSeedDependent) {
  const std::vector<double> base = {10, 10.2, 10.4, 9.9, 10.1, 10.3, 9.8, 10};
  const std::vector<double> contender = {11,   11.2, 10.9, 11.4,
                                         11.1, 10.8, 11.3, 11};
  MedianRatioBootstrap a, b, c({.seed = 99});
  const Interval ia = a.RatioInterval(Sorted(base), Sorted(contender));
  const Interval ib = b.RatioInterval(Sorted(base), Sorted(contender));
  EXPECT_EQ(ia.low, ib.low);
  EXPECT_EQ(ia.high, ib.high);
  const Interval ic = c.RatioInterval(Sorted(base), Sorted(contender));
  EXPECT_TRUE(ia.low != ic.low || ia.high != ic.high);
  // A 10% slowdown: the interval brackets the median ratio and excludes 1.
  const double ratio =
      MedianOfSorted(Sorted(contender)) / MedianOfSorted(Sorted(base));
  EXPECT_LE(ia.low, ratio);
  EXPECT_GE(ia.high, ratio);
  EXPECT_GT(ia.low, 1.0);
}

TEST(BootstrapTest, ZerosOnEitherSide) {
  MedianRatioBootstrap bootstrap({.resamples = 300});
  const std::vector<std::vector<double>> samples = {
      {0, 0, 0}, {0, 0, 5}, {0, 4, 5}, {1, 2, 3}, {0}, {7}};
  for (const auto& base : samples) {
    for (const auto& contender : samples) {
      const Interval fast = bootstrap.RatioInterval(base, contender);
      const Interval naive = NaiveInterval(bootstrap, base, contender);
      EXPECT_EQ(fast.low, naive.low);
      EXPECT_EQ(fast.high, naive.high);
    }
  }
}

TEST(BootstrapTest, IdenticalConstantSamplesGiveRatioOne) {
  MedianRatioBootstrap bootstrap;
  const std::vector<double> same = {5, 5, 5, 5};
  const Interval i = bootstrap.RatioInterval(same, same);
  EXPECT_EQ(i.low, 1);
  EXPECT_EQ(i.high, 1);
  const std::vector<double> zeros = {0, 0, 0};
  const Interval z = bootstrap.RatioInterval(zeros, zeros);
  EXPECT_EQ(z.low, 1);
  EXPECT_EQ(z.high, 1);
}

}  // namespace
}  // namespace m8::analysis
