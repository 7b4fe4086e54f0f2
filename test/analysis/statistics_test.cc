#include "analysis/stats/statistics.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::m8::analysis::testing::ReadText;

TEST(StatisticsTest, MedianOfOddAndEvenSamples) {
  EXPECT_EQ(MedianOfSorted(std::vector<double>{1, 2, 9}), 2);
  EXPECT_EQ(MedianOfSorted(std::vector<double>{1, 2, 4, 9}), 3);
  EXPECT_EQ(Median({9, 1, 4, 2}), 3);
  EXPECT_EQ(Median({5}), 5);
}

TEST(StatisticsTest, QuantileInterpolatesLikeNumpy) {
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(QuantileOfSorted(v, 0.25), 1.75);  // numpy: 1.75
  EXPECT_DOUBLE_EQ(QuantileOfSorted(v, 0.75), 3.25);
  EXPECT_DOUBLE_EQ(QuantileOfSorted(v, 0), 1);
  EXPECT_DOUBLE_EQ(QuantileOfSorted(v, 1), 4);
}

TEST(StatisticsTest, SpreadByHand) {
  const std::vector<double> v = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(Mean(v), 5);
  EXPECT_DOUBLE_EQ(PopulationStddev(v), 2);
  EXPECT_DOUBLE_EQ(SampleStddev(v), std::sqrt(32.0 / 7));
  // Deviations from the median 4.5: 2.5 .5 .5 .5 .5 .5 2.5 4.5 -> median .5
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation(v), 0.5);
  EXPECT_EQ(SampleStddev(std::vector<double>{3}), 0);
}

TEST(StatisticsTest, TukeyFences) {
  // Q1 = 3.25, Q3 = 7.75, IQR = 4.5: mild beyond [-3.5, 14.5], severe
  // beyond [-10.25, 21.25].
  std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 20, 40};
  OutlierCounts counts = CountTukeyOutliers(v);
  EXPECT_EQ(counts.mild, 1);    // 20
  EXPECT_EQ(counts.severe, 1);  // 40
  EXPECT_EQ(CountTukeyOutliers(std::vector<double>{1, 100, 1000}).mild, 0);
}

TEST(StatisticsTest, SummaryOfOneValue) {
  SampleSummary s = Summarize(std::vector<double>{7});
  EXPECT_EQ(s.n, 1);
  EXPECT_EQ(s.median, 7);
  EXPECT_EQ(s.stddev, 0);
  EXPECT_EQ(s.cv, 0);
}

TEST(StatisticsTest, GeometricMean) {
  EXPECT_DOUBLE_EQ(GeometricMean(std::vector<double>{1, 4}), 2);
  EXPECT_DOUBLE_EQ(GeometricMean(std::vector<double>{2, 8, 4}), 4);
}

TEST(MannWhitneyTest, MatchesScipyOnEveryCommittedCase) {
  const nlohmann::json expected =
      nlohmann::json::parse(ReadText(DataPath("expected_mannwhitney.json")));
  int checked = 0;
  for (const auto& c : expected["cases"]) {
    const std::vector<double> x = c["x"].get<std::vector<double>>();
    const std::vector<double> y = c["y"].get<std::vector<double>>();
    const MannWhitneyResult result = MannWhitneyU(x, y);
    EXPECT_NEAR(result.u1, c["u1"].get<double>(), 1e-9);
    EXPECT_NEAR(result.pvalue, c["pvalue"].get<double>(), 1e-12)
        << "n1=" << x.size() << " n2=" << y.size();
    ++checked;
  }
  EXPECT_GE(checked, 100);
}

TEST(MannWhitneyTest, ChoosesTheMethodAsScipyDoes) {
  std::vector<double> eight = {1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<double> nine = {1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5};
  std::vector<double> many(40);
  for (int i = 0; i < 40; ++i) many[i] = 0.25 + i;
  EXPECT_EQ(MannWhitneyU(eight, many).method, MannWhitneyMethod::kExact);
  EXPECT_EQ(MannWhitneyU(nine, many).method, MannWhitneyMethod::kAsymptotic);
  std::vector<double> tied = {1, 1, 2};
  EXPECT_EQ(MannWhitneyU(tied, eight).method, MannWhitneyMethod::kAsymptotic);
}

TEST(MannWhitneyTest, SmallestPValues) {
  // gbench-notes.md: 2 -> 0.333, 3 -> 0.100, 4 -> 0.0286, 5 -> 0.0079.
  EXPECT_NEAR(SmallestMannWhitneyPValue(2, 2), 1.0 / 3, 1e-12);
  EXPECT_NEAR(SmallestMannWhitneyPValue(3, 3), 0.1, 1e-12);
  EXPECT_NEAR(SmallestMannWhitneyPValue(4, 4), 2.0 / 70, 1e-12);
  EXPECT_NEAR(SmallestMannWhitneyPValue(5, 5), 2.0 / 252, 1e-12);
  EXPECT_NEAR(SmallestMannWhitneyPValue(8, 8), 2.0 / 12870, 1e-12);
}

TEST(TTestTest, MatchesScipyTtestIndFromStats) {
  const nlohmann::json expected =
      nlohmann::json::parse(ReadText(DataPath("expected_ttest.json")));
  for (const auto& c : expected["cases"]) {
    const TTestResult r =
        StudentTTest(c["mean1"].get<double>(), c["sd1"].get<double>(),
                     c["n1"].get<int64_t>(), c["mean2"].get<double>(),
                     c["sd2"].get<double>(), c["n2"].get<int64_t>());
    EXPECT_NEAR(r.t, c["t"].get<double>(),
                1e-9 * std::max(1.0, std::fabs(r.t)));
    EXPECT_NEAR(r.pvalue, c["pvalue"].get<double>(), 1e-12);
  }
}

TEST(TTestTest, EdgeCases) {
  EXPECT_EQ(StudentTTest(1, 0, 1, 2, 0, 1).pvalue, 1);  // no degrees of freedom
  EXPECT_EQ(StudentTTest(1, 0, 5, 2, 0, 5).pvalue, 0);  // zero variance, apart
  EXPECT_EQ(StudentTTest(1, 0, 5, 1, 0, 5).pvalue, 1);  // zero variance, same
}

}  // namespace
}  // namespace m8::analysis
