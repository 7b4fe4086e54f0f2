#include "analysis/stats/shift.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "analysis/stats/statistics.h"
#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

// Critical values of the two-sided Mann-Whitney test at 0.05 from the
// published tables (reject when U <= critical): the interval cuts
// critical + 1 differences from each end.
TEST(MannWhitneyTrimTest, MatchesPublishedCriticalValues) {
  EXPECT_EQ(MannWhitneyTrim(5, 5, 0.05), 2 + 1);
  EXPECT_EQ(MannWhitneyTrim(8, 8, 0.05), 13 + 1);
  EXPECT_EQ(MannWhitneyTrim(9, 9, 0.05), 17 + 1);
  EXPECT_EQ(MannWhitneyTrim(10, 10, 0.05), 23 + 1);
  EXPECT_EQ(MannWhitneyTrim(5, 10, 0.05), 8 + 1);
  EXPECT_EQ(MannWhitneyTrim(10, 5, 0.05), 8 + 1);
  EXPECT_EQ(MannWhitneyTrim(20, 20, 0.05), 127 + 1);
}

TEST(MannWhitneyTrimTest, TooSmallForAnyInterval) {
  // 3 vs 3: the most extreme arrangement has probability 1/20 = 0.05 per
  // tail, above 0.025.
  EXPECT_EQ(MannWhitneyTrim(3, 3, 0.05), 0);
  EXPECT_EQ(MannWhitneyTrim(0, 9, 0.05), 0);
}

TEST(MannWhitneyTrimTest, NormalApproximationForLargeSamples) {
  // 200 x 100 = 20,000 pairs: mean 10,000, sd sqrt(20000 * 301 / 12) =
  // 708.284..., z(0.975) = 1.959964: 10,000 - 1388.2 = 8611.8.
  EXPECT_EQ(MannWhitneyTrim(200, 100, 0.05), 8611);
}

// base = e^{0,1,2,3,4}, new = e^{2,3,4,5,10}: the 25 log ratios, counted by
// hand, sorted: -2, -1, -1, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4,
// 5, 6, 7, 8, 9, 10. Median (13th) 2; trim 3: the 3rd (-1) and 23rd (8).
TEST(HodgesLehmannRatioTest, HandCountedExample) {
  std::vector<double> base, contender;
  for (double x : {0, 1, 2, 3, 4}) base.push_back(std::exp(x));
  for (double y : {2, 3, 4, 5, 10}) contender.push_back(std::exp(y));
  std::vector<double> scratch;
  const RatioShift shift = HodgesLehmannRatio(base, contender, 3, &scratch);
  EXPECT_NEAR(std::log(shift.ratio), 2, 1e-12);
  EXPECT_NEAR(std::log(shift.ci.low), -1, 1e-12);
  EXPECT_NEAR(std::log(shift.ci.high), 8, 1e-12);
}

TEST(HodgesLehmannRatioTest, EvenNumberOfPairsAveragesTheMiddleTwo) {
  // base = e^{0, 1}, new = e^{0, 3}: log ratios -1, 0, 2, 3; median 1.
  const std::vector<double> base = {1, std::exp(1.0)};
  const std::vector<double> contender = {1, std::exp(3.0)};
  std::vector<double> scratch;
  const RatioShift shift = HodgesLehmannRatio(base, contender, 0, &scratch);
  EXPECT_NEAR(std::log(shift.ratio), 1, 1e-12);
  EXPECT_TRUE(std::isnan(shift.ci.low));
  EXPECT_TRUE(std::isnan(shift.ci.high));
}

TEST(HodgesLehmannRatioTest, IntervalContainsOneExactlyWhenTheTestDoesNotReject) {
  // The interval inverts the test: on samples without ties, 1 lies outside
  // it exactly when the U test (computed by its own code, from ranks)
  // rejects at 0.05.
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> noise(0, 0.02);
  int rejected = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const double factor = 1 + 0.0002 * trial;
    std::vector<double> base(9), contender(9);
    for (double& v : base) v = noise(rng);
    for (double& v : contender) v = factor * noise(rng);
    std::sort(base.begin(), base.end());
    std::sort(contender.begin(), contender.end());
    std::vector<double> scratch;
    const RatioShift shift = HodgesLehmannRatio(
        base, contender, MannWhitneyTrim(9, 9, 0.05), &scratch);
    // Without ties and with one side of 9 the p-value is exact.
    const double p = MannWhitneyU(base, contender).pvalue;
    const bool excludes_one = shift.ci.low > 1 || shift.ci.high < 1;
    EXPECT_EQ(excludes_one, p < 0.05) << "trial " << trial << " p " << p;
    rejected += excludes_one;
  }
  EXPECT_GT(rejected, 0);
  EXPECT_LT(rejected, 200);
}

// Above 4,000,000 pairs the order statistics come from bisection; a brute
// force over every pair is the oracle.
TEST(HodgesLehmannRatioTest, LargeSamplesMatchBruteForce) {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> a(0, 0.1), b(0.03, 0.1);
  std::vector<double> base(2100), contender(2000);
  for (double& v : base) v = a(rng);
  for (double& v : contender) v = b(rng);
  std::sort(base.begin(), base.end());
  std::sort(contender.begin(), contender.end());
  const int64_t trim = MannWhitneyTrim(2100, 2000, 0.05);
  std::vector<double> scratch;
  const RatioShift shift = HodgesLehmannRatio(base, contender, trim, &scratch);

  std::vector<double> all;
  all.reserve(base.size() * contender.size());
  for (double y : contender) {
    for (double x : base) all.push_back(std::log(y) - std::log(x));
  }
  std::sort(all.begin(), all.end());
  const size_t pairs = all.size();
  const double median = (all[(pairs - 1) / 2] + all[pairs / 2]) / 2;
  EXPECT_NEAR(std::log(shift.ratio), median, 1e-12);
  EXPECT_NEAR(std::log(shift.ci.low), all[trim - 1], 1e-12);
  EXPECT_NEAR(std::log(shift.ci.high), all[pairs - trim], 1e-12);
  EXPECT_LT(shift.ci.low, shift.ratio);
  EXPECT_GT(shift.ci.high, shift.ratio);
}

}  // namespace
}  // namespace m8::analysis
