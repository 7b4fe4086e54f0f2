#include "optimizer/objective.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::optimizer {
namespace {

using ::m8::analysis::Direction;
using ::m8::analysis::Verdict;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kTime[] = "real_time";
constexpr char kRate[] = "items_per_second";

Measurement MakeRun(std::vector<Measurement::Series> series) {
  Measurement m;
  m.series = std::move(series);
  return m;
}

Reference MustBuild(const std::vector<const Measurement*>& runs,
                    ObjectiveMetric metric) {
  absl::StatusOr<Reference> ref = Reference::Build(runs, std::move(metric));
  EXPECT_TRUE(ref.ok()) << ref.status();
  if (!ref.ok()) {
    static const Measurement fallback = MakeRun({{"BM_X", kTime, {1}}});
    return *Reference::Build({&fallback}, {kTime});
  }
  return *std::move(ref);
}

TEST(ReferenceTest, MediansPerBenchmarkInTheOrderOfTheFirstRun) {
  const Measurement first = MakeRun({{"BM_B", kTime, {1000, 900, 1100}},
                                     {"BM_A", kTime, {10, 12, 8}},
                                     {"BM_A", kRate, {5}}});
  const Measurement second =
      MakeRun({{"BM_A", kTime, {30, 40}}, {"BM_B", kTime, {1200, 1300}}});
  const Reference one = MustBuild({&first}, {kTime});
  using Median = std::pair<std::string, double>;
  EXPECT_THAT(one.medians(),
              ElementsAre(Median{"BM_B", 1000}, Median{"BM_A", 10}));
  // Pooled: A {10 12 8 30 40} -> 12; B {1000 900 1100 1200 1300} -> 1100.
  const Reference both = MustBuild({&first, &second}, {kTime});
  EXPECT_THAT(both.medians(),
              ElementsAre(Median{"BM_B", 1100}, Median{"BM_A", 12}));
  EXPECT_EQ(both.metric().name, kTime);
}

TEST(ReferenceTest, BuildErrors) {
  EXPECT_FALSE(Reference::Build({}, {kTime}).ok());
  const Measurement a = MakeRun({{"BM_A", kTime, {1}}, {"BM_B", kTime, {2}}});
  const Measurement only_a = MakeRun({{"BM_A", kTime, {1}}});
  const absl::Status status = Reference::Build({&a, &only_a}, {kTime}).status();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("BM_B"));
  // No values of the metric at all.
  EXPECT_FALSE(Reference::Build({&a}, {"cpu_time"}).ok());
}

// Reference medians 10 and 1000; repetition 0 costs 20/10 = 2 and
// 1000/1000 = 1, repetition 1 costs 1 and 4: geometric means sqrt(2) and 2.
TEST(ReferenceTest, SamplesAreGeometricMeansOfRelativeCosts) {
  const Measurement ref_run = MakeRun(
      {{"BM_A", kTime, {10, 9, 11}}, {"BM_B", kTime, {1000, 999, 1001}}});
  const Reference ref = MustBuild({&ref_run}, {kTime});
  const Measurement run =
      MakeRun({{"BM_B", kTime, {1000, 4000}}, {"BM_A", kTime, {20, 10}}});
  absl::StatusOr<std::vector<double>> samples = ref.Samples(run);
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_THAT(*samples, ElementsAre(DoubleNear(std::sqrt(2.0), 1e-12),
                                    DoubleNear(2, 1e-12)));
  // The reference itself, repetition by repetition:
  // (10/10 * 1000/1000)^0.5 = 1, (9/10 * 999/1000)^0.5, (11/10 * 1001/1000)^.5
  EXPECT_THAT(*ref.Samples(ref_run),
              ElementsAre(DoubleNear(1, 1e-12),
                          DoubleNear(std::sqrt(0.9 * 0.999), 1e-12),
                          DoubleNear(std::sqrt(1.1 * 1.001), 1e-12)));
}

TEST(ReferenceTest, EveryBenchmarkWeighsTheSame) {
  // Three benchmarks of very different scales, each twice as slow: 2.
  const Measurement ref_run = MakeRun(
      {{"BM_A", kTime, {1e-3}}, {"BM_B", kTime, {1}}, {"BM_C", kTime, {1e6}}});
  const Reference ref = MustBuild({&ref_run}, {kTime});
  const Measurement slower = MakeRun(
      {{"BM_A", kTime, {2e-3}}, {"BM_B", kTime, {2}}, {"BM_C", kTime, {2e6}}});
  EXPECT_THAT(*ref.Samples(slower), ElementsAre(DoubleNear(2, 1e-12)));
  // 8x, 1x, 1/8x: (8 * 1 / 8)^(1/3) = 1.
  const Measurement mixed = MakeRun({{"BM_A", kTime, {8e-3}},
                                     {"BM_B", kTime, {1}},
                                     {"BM_C", kTime, {1.25e5}}});
  EXPECT_THAT(*ref.Samples(mixed), ElementsAre(DoubleNear(1, 1e-12)));
}

TEST(ReferenceTest, HigherIsBetterInvertsTheCost) {
  const Measurement ref_run = MakeRun({{"BM_A", kRate, {100, 90, 110}}});
  const Reference ref =
      MustBuild({&ref_run}, {kRate, Direction::kHigherIsBetter});
  const Measurement run = MakeRun({{"BM_A", kRate, {200, 50, 100}}});
  EXPECT_THAT(*ref.Samples(run),
              ElementsAre(DoubleNear(0.5, 1e-12), DoubleNear(2, 1e-12),
                          DoubleNear(1, 1e-12)));
}

TEST(ReferenceTest, SampleErrors) {
  const Measurement ref_run =
      MakeRun({{"BM_A", kTime, {10}}, {"BM_B", kTime, {1000}}});
  const Reference ref = MustBuild({&ref_run}, {kTime});
  // Different numbers of repetitions.
  const Measurement uneven =
      MakeRun({{"BM_A", kTime, {10, 11, 12}}, {"BM_B", kTime, {1000, 1001}}});
  EXPECT_EQ(ref.Samples(uneven).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A benchmark of the reference is missing, or has no values.
  const Measurement missing = MakeRun({{"BM_A", kTime, {10}}});
  absl::Status status = ref.Samples(missing).status();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("BM_B"));
  const Measurement empty =
      MakeRun({{"BM_A", kTime, {10}}, {"BM_B", kTime, {}}});
  EXPECT_FALSE(ref.Samples(empty).ok());
  // The benchmark is there, but with another metric only.
  const Measurement other_metric =
      MakeRun({{"BM_A", kTime, {10}}, {"BM_B", "cpu_time", {1000}}});
  EXPECT_FALSE(ref.Samples(other_metric).ok());
  // Extra benchmarks in the run are ignored.
  const Measurement extra = MakeRun(
      {{"BM_A", kTime, {10}}, {"BM_B", kTime, {1000}}, {"BM_C", kTime, {5}}});
  EXPECT_THAT(*ref.Samples(extra), ElementsAre(DoubleNear(1, 1e-12)));
}

TEST(ReferenceTest, PooledSamplesConcatenate) {
  const Measurement ref_run = MakeRun({{"BM_A", kTime, {10}}});
  const Reference ref = MustBuild({&ref_run}, {kTime});
  const Measurement r1 = MakeRun({{"BM_A", kTime, {20, 30}}});
  const Measurement r2 = MakeRun({{"BM_A", kTime, {5}}});
  EXPECT_THAT(*ref.PooledSamples({&r1, &r2}),
              ElementsAre(DoubleNear(2, 1e-12), DoubleNear(3, 1e-12),
                          DoubleNear(0.5, 1e-12)));
  const Measurement bad = MakeRun({{"BM_B", kTime, {5}}});
  EXPECT_FALSE(ref.PooledSamples({&r1, &bad}).ok());
}

std::vector<double> Ramp(double start, double step, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(start + step * i);
  return v;
}

// Two-sided p of the normal approximation to Mann-Whitney U for two fully
// separated samples of n (no ties), with the continuity correction:
// z = (n^2 / 2 - 0.5) / sqrt(n^2 (2n + 1) / 12), p = erfc(z / sqrt 2).
double SeparatedPValue(int n) {
  const double mean = n * n / 2.0;
  const double sd = std::sqrt(n * n * (2.0 * n + 1) / 12);
  return std::erfc((mean - 0.5) / sd / std::sqrt(2.0));
}

TEST(JudgeTest, ClearlyBetterIsImproved) {
  const std::vector<double> base = Ramp(1.00, 0.01, 10);
  const std::vector<double> candidate = Ramp(0.50, 0.01, 10);
  analysis::MedianRatioBootstrap bootstrap;
  const Judgement j = Judge(base, candidate, DecisionOptions(), bootstrap);
  EXPECT_EQ(j.verdict, Verdict::kImproved);
  EXPECT_EQ(j.n_base, 10);
  EXPECT_EQ(j.n_candidate, 10);
  // Medians (0.54 + 0.55) / 2 and (1.04 + 1.05) / 2.
  EXPECT_NEAR(j.ratio, 0.545 / 1.045, 1e-12);
  EXPECT_NEAR(j.speedup(), 1.045 / 0.545, 1e-12);
  EXPECT_NEAR(j.pvalue, SeparatedPValue(10), 1e-9);
  EXPECT_LT(j.pvalue, 0.05);
  EXPECT_LE(j.ci.low, j.ratio);
  EXPECT_GE(j.ci.high, j.ratio);
  // The ratio of any two resample medians lies within these.
  EXPECT_GE(j.ci.low, 0.50 / 1.09 - 1e-12);
  EXPECT_LE(j.ci.high, 0.59 / 1.00 + 1e-12);
  EXPECT_NEAR(j.speedup_ci().low, 1 / j.ci.high, 1e-12);
  EXPECT_NEAR(j.speedup_ci().high, 1 / j.ci.low, 1e-12);
}

TEST(JudgeTest, ClearlyWorseIsRegressed) {
  analysis::MedianRatioBootstrap bootstrap;
  const Judgement j = Judge(Ramp(0.50, 0.01, 10), Ramp(1.00, 0.01, 10),
                            DecisionOptions(), bootstrap);
  EXPECT_EQ(j.verdict, Verdict::kRegressed);
  EXPECT_NEAR(j.ratio, 1.045 / 0.545, 1e-12);
}

TEST(JudgeTest, IdenticalSamplesAreUnchanged) {
  analysis::MedianRatioBootstrap bootstrap;
  const Judgement j = Judge(Ramp(1.00, 0.01, 10), Ramp(1.00, 0.01, 10),
                            DecisionOptions(), bootstrap);
  EXPECT_EQ(j.verdict, Verdict::kUnchanged);
  EXPECT_DOUBLE_EQ(j.ratio, 1);
  EXPECT_NEAR(j.pvalue, 1, 1e-12);
  EXPECT_LE(j.ci.low, 1);
  EXPECT_GE(j.ci.high, 1);
}

// Significant, but by 0.1%: inside the 1% noise band.
TEST(JudgeTest, ASignificantChangeInsideTheNoiseBandIsUnchanged) {
  analysis::MedianRatioBootstrap bootstrap;
  const Judgement j = Judge(Ramp(1.000, 1e-5, 10), Ramp(0.999, 1e-5, 10),
                            DecisionOptions(), bootstrap);
  EXPECT_LT(j.pvalue, 0.05);
  EXPECT_EQ(j.verdict, Verdict::kUnchanged);
  // The same with no noise band is an improvement.
  DecisionOptions strict;
  strict.noise = 0;
  EXPECT_EQ(
      Judge(Ramp(1.000, 1e-5, 10), Ramp(0.999, 1e-5, 10), strict, bootstrap)
          .verdict,
      Verdict::kImproved);
}

// With 3 values a side the smallest possible p is 2 / C(6, 3) = 0.1.
TEST(JudgeTest, ThreeAgainstThreeIsUnknown) {
  analysis::MedianRatioBootstrap bootstrap;
  const Judgement j =
      Judge({1.0, 1.1, 1.2}, {0.1, 0.11, 0.12}, DecisionOptions(), bootstrap);
  EXPECT_EQ(j.verdict, Verdict::kUnknown);
  EXPECT_NEAR(j.pvalue, 0.1, 1e-12);
  EXPECT_NEAR(j.ratio, 0.11 / 1.1, 1e-12);
  // At alpha 0.2 that p can decide.
  DecisionOptions loose;
  loose.alpha = 0.2;
  EXPECT_EQ(Judge({1.0, 1.1, 1.2}, {0.1, 0.11, 0.12}, loose, bootstrap).verdict,
            Verdict::kImproved);
}

TEST(JudgeTest, UnusableSamplesAreUnknown) {
  analysis::MedianRatioBootstrap bootstrap;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const std::vector<double>& bad :
       {std::vector<double>{}, std::vector<double>{1, nan, 1},
        std::vector<double>{1, inf, 1}, std::vector<double>{1, -1, 1}}) {
    const Judgement j =
        Judge(Ramp(1, 0.01, 10), bad, DecisionOptions(), bootstrap);
    EXPECT_EQ(j.verdict, Verdict::kUnknown);
    EXPECT_TRUE(std::isnan(j.ratio));
    const Judgement k =
        Judge(bad, Ramp(1, 0.01, 10), DecisionOptions(), bootstrap);
    EXPECT_EQ(k.verdict, Verdict::kUnknown);
  }
}

Judgement Crafted(double low, double high, double pvalue) {
  Judgement j;
  j.n_base = 10;
  j.n_candidate = 10;
  j.ratio = (low + high) / 2;
  j.ci = {low, high};
  j.pvalue = pvalue;
  return j;
}

TEST(JudgeGuardTest, HoldsBreaksOrUndecided) {
  // Tolerance 0.5: the bound is 1.5, exact in binary.
  // The whole CI at or below the bound: holds, significant or not.
  EXPECT_EQ(JudgeGuard(Crafted(0.9, 1.25, 0.5), 0.5, 0.05), GuardState::kHolds);
  EXPECT_EQ(JudgeGuard(Crafted(1.2, 1.5, 0.001), 0.5, 0.05),
            GuardState::kHolds);
  EXPECT_EQ(JudgeGuard(Crafted(0.5, 0.75, 0.001), 0.5, 0.05),
            GuardState::kHolds);
  // Significant and the whole CI above: breaks.
  EXPECT_EQ(JudgeGuard(Crafted(1.75, 2, 0.001), 0.5, 0.05),
            GuardState::kBreaks);
  // Above but not significant: more samples could decide.
  EXPECT_EQ(JudgeGuard(Crafted(1.75, 2, 0.2), 0.5, 0.05),
            GuardState::kUndecided);
  EXPECT_EQ(JudgeGuard(Crafted(1.75, 2, 0.05), 0.5, 0.05),
            GuardState::kUndecided);
  // Significant but the CI straddles the bound.
  EXPECT_EQ(JudgeGuard(Crafted(1.25, 1.75, 0.001), 0.5, 0.05),
            GuardState::kUndecided);
  EXPECT_EQ(JudgeGuard(Crafted(1.5, 1.75, 0.001), 0.5, 0.05),
            GuardState::kUndecided);
  // No CI: undecided.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(JudgeGuard(Crafted(nan, nan, nan), 0.5, 0.05),
            GuardState::kUndecided);
  // Tolerance 0: any CI reaching above 1 does not hold.
  EXPECT_EQ(JudgeGuard(Crafted(0.75, 1.0, 0.5), 0, 0.05), GuardState::kHolds);
  EXPECT_EQ(JudgeGuard(Crafted(0.75, 1.25, 0.5), 0, 0.05),
            GuardState::kUndecided);
}

TEST(JudgeGuardTest, Names) {
  EXPECT_EQ(GuardStateName(GuardState::kHolds), "holds");
  EXPECT_EQ(GuardStateName(GuardState::kBreaks), "breaks");
  EXPECT_EQ(GuardStateName(GuardState::kUndecided), "undecided");
}

}  // namespace
}  // namespace m8::optimizer
