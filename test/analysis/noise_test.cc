// analysis/noise.h against values worked out by hand.

#include "analysis/stats/noise.h"

#include <cmath>

#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

constexpr double kHalfPi = 1.5707963267948966;
// z_{0.975} + z_{0.8}, from normal tables.
constexpr double kZSum = 1.959963985 + 0.841621234;

TEST(NoiseTest, EstimatesWithinAndBetweenRuns) {
  // Run 1: median 100, absolute deviations 2 1 0 1 2 (MAD 1), sd sqrt(2.5).
  // Run 2: the same shape around 110.
  const NoiseEstimate n =
      EstimateNoise({{98, 99, 100, 101, 102}, {108, 109, 110, 111, 112}});
  EXPECT_EQ(n.runs, 2);
  EXPECT_EQ(n.repetitions, 5);
  const double sd = std::sqrt(2.5);
  EXPECT_NEAR(n.within_cv, (sd / 100 + sd / 110) / 2, 1e-12);
  EXPECT_NEAR(n.within_sigma, (1.4826 / 100 + 1.4826 / 110) / 2, 1e-12);
  // |x / median - 1|: 0 0 1/110 1/110 .01 .01 2/110 2/110 .02 .02.
  EXPECT_NEAR(n.mdape, 0.01, 1e-12);
  // Medians 100 and 110: mean 105, sd 5 sqrt(2).
  EXPECT_NEAR(n.between_cv, 5 * std::sqrt(2.0) / 105, 1e-12);
  EXPECT_NEAR(n.drift, 0.1, 1e-12);
  const double sampling = kHalfPi * n.within_sigma * n.within_sigma / 5;
  EXPECT_NEAR(n.run_sigma, std::sqrt(n.between_cv * n.between_cv - sampling),
              1e-12);
}

TEST(NoiseTest, RunsThatAgreeHaveNoRunToRunNoise) {
  // Identical medians: the between-run spread is all sampling, clamped to 0.
  const NoiseEstimate n = EstimateNoise({{9, 10, 11}, {9, 10, 11}});
  EXPECT_EQ(n.between_cv, 0);
  EXPECT_EQ(n.run_sigma, 0);
  EXPECT_EQ(n.drift, 0);
}

TEST(NoiseTest, DetectableChangeFromTheModel) {
  NoiseEstimate n;
  n.within_sigma = 0.01;
  n.run_sigma = 0;
  // kZSum * sqrt(2 * (pi/2) * 1e-4 / 9) = 0.016552...
  EXPECT_NEAR(DetectableChange(n, 9), kZSum * std::sqrt(2 * kHalfPi * 1e-4 / 9),
              1e-9);
  EXPECT_NEAR(DetectableChange(n, 9), 0.016552, 1e-5);
  // Never below the noise band.
  n.within_sigma = 1e-6;
  EXPECT_DOUBLE_EQ(DetectableChange(n, 9), 0.01);
  // Run-to-run noise alone: kZSum * sqrt(2) * 0.02.
  n.within_sigma = 0;
  n.run_sigma = 0.02;
  EXPECT_NEAR(DetectableChange(n, 1000), kZSum * std::sqrt(2.0) * 0.02, 1e-9);
}

TEST(NoiseTest, RepetitionsToDetect) {
  NoiseEstimate n;
  n.within_sigma = 0.01;
  // (0.02 / kZSum)^2 / 2 = 2.5481e-5; (pi/2) 1e-4 / that = 6.16 -> 7.
  EXPECT_EQ(RepetitionsToDetect(n, 0.02), 7);
  // A change 2.5x larger needs about 6.25x fewer: the floor of 4 a side.
  EXPECT_EQ(RepetitionsToDetect(n, 0.05), 4);
  // 1%: inside the noise band, never.
  EXPECT_EQ(RepetitionsToDetect(n, 0.01), std::nullopt);
  // Run-to-run noise of 1% a run: sqrt(2) * 2.80 * 1% = 4.0% is the least
  // one run a side can see, whatever the repetitions.
  n.run_sigma = 0.01;
  EXPECT_EQ(RepetitionsToDetect(n, 0.02), std::nullopt);
  EXPECT_TRUE(RepetitionsToDetect(n, 0.05).has_value());
  // More than the cap: none.
  n.run_sigma = 0;
  n.within_sigma = 0.5;
  EXPECT_EQ(RepetitionsToDetect(n, 0.02, {}, 100), std::nullopt);
}

TEST(NoiseTest, ProcessesToDetectCountsBothPartsOfTheNoise) {
  NoiseEstimate n;
  n.run_sigma = 0.01;
  n.within_sigma = 0.02;
  // (pi / 3) 2 z^2 (0.01^2 + 0.02^2) / 0.02^2 with z = 2.801585:
  // 2 * 7.848879 * 0.0005 / 0.0004 = 19.6222, times 1.047198 = 20.548.
  EXPECT_EQ(ProcessesToDetect(n, 0.02), 21);
  // A 5% change: 3.29, and never fewer than 4.
  EXPECT_EQ(ProcessesToDetect(n, 0.05), 4);
  // The run-to-run part, which RepetitionsToDetect cannot remove, only
  // costs samples here: with sigma_b alone at 0.03, 2%: 2 * 7.848879 *
  // 0.0009 / 0.0004 * 1.047198 = 36.99 -> 37.
  n.run_sigma = 0.03;
  n.within_sigma = 0;
  EXPECT_EQ(RepetitionsToDetect(n, 0.02), std::nullopt);
  EXPECT_EQ(ProcessesToDetect(n, 0.02), 37);
  EXPECT_EQ(ProcessesToDetect(n, 0.02, {}, 36), std::nullopt);
  // Inside the noise band nothing counts.
  EXPECT_EQ(ProcessesToDetect(n, 0.01), std::nullopt);
}

}  // namespace
}  // namespace m8::analysis
