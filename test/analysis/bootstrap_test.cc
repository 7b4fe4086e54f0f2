#include "analysis/stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "analysis/stats/random.h"
#include "analysis/stats/statistics.h"
#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

// The selection step by its definition, with nothing clever: every (base
// resample, new resample) pair's ratio over the given tables, sorted, and the
// inverted-CDF quantiles. It checks the fast selection only; the tables
// themselves are checked against the exact bootstrap distribution below.
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

// ---- The exact bootstrap distribution, by enumeration ----------------------
//
// A bootstrap resample of n values draws n indices uniformly with
// replacement: each of the n^n index tuples is equally likely. For small n
// every tuple can be enumerated, which gives the exact distribution of the
// resample median: the reference for the code's Monte Carlo tables, computed
// without them.

// Probability of each (lower, upper) pair of middle ranks of a resample of
// ranks 0..n-1: the ranks of its ((n+1)/2)-th and (n/2+1)-th smallest draws.
std::map<std::pair<int, int>, double> ExactMiddleRanks(int n) {
  std::map<std::pair<int, int>, uint64_t> counts;
  std::vector<int> tuple(n, 0);
  uint64_t total = 0;
  for (;;) {
    std::vector<int> sorted = tuple;
    std::sort(sorted.begin(), sorted.end());
    ++counts[{sorted[(n - 1) / 2], sorted[n / 2]}];
    ++total;
    int i = 0;  // next tuple, odometer style
    while (i < n && ++tuple[i] == n) tuple[i++] = 0;
    if (i == n) break;
  }
  std::map<std::pair<int, int>, double> probability;
  for (const auto& [ranks, count] : counts) {
    probability[ranks] = static_cast<double>(count) / total;
  }
  return probability;
}

// The exact distribution of the resample median of `x` (sorted): value ->
// probability.
std::map<double, double> ExactMedianDistribution(const std::vector<double>& x) {
  std::map<double, double> distribution;
  for (const auto& [ranks, p] : ExactMiddleRanks(static_cast<int>(x.size()))) {
    distribution[0.5 * (x[ranks.first] + x[ranks.second])] += p;
  }
  return distribution;
}

double BinomialTail(int n, int at_least, double p) {
  double tail = 0;
  for (int j = at_least; j <= n; ++j) {
    tail += std::exp(std::lgamma(n + 1) - std::lgamma(j + 1) -
                     std::lgamma(n - j + 1)) *
            std::pow(p, j) * std::pow(1 - p, n - j);
  }
  return tail;
}

// The enumeration agrees with the closed form for odd n (the median of a
// resample is at rank <= k when at least (n+1)/2 draws are: a binomial
// tail), so the reference is itself checked.
TEST(BootstrapTest, EnumerationAgreesWithTheBinomialClosedForm) {
  for (int n : {1, 3, 5, 7}) {
    const auto exact = ExactMiddleRanks(n);
    double cumulative = 0;
    for (int k = 0; k < n; ++k) {
      const auto it = exact.find({k, k});
      if (it != exact.end()) cumulative += it->second;
      EXPECT_NEAR(cumulative, BinomialTail(n, (n + 1) / 2, (k + 1.0) / n),
                  1e-12)
          << "n " << n << " k " << k;
    }
  }
}

// The code's table, resamples drawn at random, estimates the exact
// distribution: every pair within 5 standard errors of its probability.
TEST(BootstrapTest, MedianTableFollowsTheExactBootstrapDistribution) {
  constexpr int kResamples = 100000;
  MedianRatioBootstrap bootstrap({.resamples = kResamples});
  for (int n = 1; n <= 7; ++n) {
    const auto exact = ExactMiddleRanks(n);
    std::map<std::pair<int, int>, double> observed;
    for (const MedianRanks& r : bootstrap.MedianTable(n, n % 2)) {
      observed[{r.lo, r.hi}] = static_cast<double>(r.count) / kResamples;
    }
    for (const auto& [ranks, frequency] : observed) {
      EXPECT_TRUE(exact.count(ranks))
          << "n " << n << ": the table has ranks (" << ranks.first << ", "
          << ranks.second << "), which no resample can have";
    }
    for (const auto& [ranks, p] : exact) {
      const double frequency = observed.count(ranks) ? observed.at(ranks) : 0.0;
      const double tolerance =
          5 * std::sqrt(p * (1 - p) / kResamples) + 1.0 / kResamples;
      EXPECT_NEAR(frequency, p, tolerance)
          << "n " << n << ", ranks (" << ranks.first << ", " << ranks.second
          << ")";
    }
  }
}

// The interval's ends are the exact bootstrap quantiles of the ratio of
// medians, computed by enumerating every pair of resamples. Each case is
// chosen so that its quantiles sit far (> 0.005) from a jump of the exact
// distribution function, beyond the Monte Carlo error of 200,000 resamples
// a side; the test checks that margin first.
TEST(BootstrapTest, IntervalIsTheExactBootstrapQuantilesOfTheRatio) {
  struct Case {
    std::vector<double> base;
    std::vector<double> contender;
  };
  const std::vector<Case> cases = {
      {{10, 11, 13}, {12, 14, 15, 19}},
      {{100, 101, 103, 104, 110}, {98, 99, 105, 107, 120}},
      {{5, 6}, {7, 8, 9}},
  };
  for (const Case& c : cases) {
    const std::map<double, double> base = ExactMedianDistribution(c.base);
    const std::map<double, double> contender =
        ExactMedianDistribution(c.contender);
    std::map<double, double> ratio;  // value -> probability
    for (const auto& [b, pb] : base) {
      for (const auto& [n, pn] : contender) ratio[n / b] += pb * pn;
    }
    // Inverted CDF: the smallest ratio whose cumulative probability
    // reaches the target, and the margin to the target on either side.
    auto quantile = [&](double target, double* margin) {
      double below = 0;
      for (const auto& [value, p] : ratio) {
        if (below + p >= target) {
          *margin = std::min(target - below, below + p - target);
          return value;
        }
        below += p;
      }
      *margin = 0;
      return ratio.rbegin()->first;
    };
    double low_margin = 0, high_margin = 0;
    const double low = quantile(0.025, &low_margin);
    const double high = quantile(0.975, &high_margin);
    ASSERT_GT(low_margin, 0.005) << "case " << &c - cases.data();
    ASSERT_GT(high_margin, 0.005) << "case " << &c - cases.data();

    MedianRatioBootstrap bootstrap({.resamples = 200000});
    const Interval interval = bootstrap.RatioInterval(c.base, c.contender);
    EXPECT_DOUBLE_EQ(interval.low, low) << "case " << &c - cases.data();
    EXPECT_DOUBLE_EQ(interval.high, high) << "case " << &c - cases.data();
  }
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
