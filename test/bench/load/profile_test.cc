#include "bench/load/profile.h"

#include <cmath>
#include <memory>
#include <numbers>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

std::unique_ptr<LoadProfile> Make(const ProfileSpec& spec, double duration) {
  absl::StatusOr<std::unique_ptr<LoadProfile>> profile =
      MakeProfile(spec, duration);
  EXPECT_TRUE(profile.ok()) << profile.status();
  return profile.ok() ? *std::move(profile) : nullptr;
}

// OpsBetween against the midpoint rule on RateAt, over a span that
// straddles the profile's steps.
void ExpectOpsIntegrateTheRate(const LoadProfile& p, double t0, double t1) {
  constexpr int kSlices = 100000;
  double ops = 0.0;
  const double dt = (t1 - t0) / kSlices;
  for (int i = 0; i < kSlices; ++i) ops += p.RateAt(t0 + (i + 0.5) * dt) * dt;
  EXPECT_NEAR(p.OpsBetween(t0, t1), ops, 1e-3 * ops + 1e-6) << p.Describe();
}

TEST(ProfileTest, Constant) {
  auto p = Make({.shape = ProfileShape::kConstant, .rate = 1000}, 2.0);
  EXPECT_EQ(p->RateAt(0), 1000);
  EXPECT_EQ(p->RateAt(1.9), 1000);
  EXPECT_DOUBLE_EQ(p->OpsBetween(0, 2), 2000);
  EXPECT_DOUBLE_EQ(p->OpsBetween(-1, 5), 2000);  // Clipped to the run.
  EXPECT_DOUBLE_EQ(p->MeanRate(0.5, 1.5), 1000);
  EXPECT_EQ(p->duration(), 2.0);
}

TEST(ProfileTest, Ramp) {
  auto p =
      Make({.shape = ProfileShape::kRamp, .rate = 100, .end_rate = 900}, 4.0);
  EXPECT_DOUBLE_EQ(p->RateAt(0), 100);
  EXPECT_DOUBLE_EQ(p->RateAt(1), 300);
  EXPECT_DOUBLE_EQ(p->RateAt(2), 500);
  EXPECT_DOUBLE_EQ(p->RateAt(10), 900);  // The last moment's rate.
  EXPECT_DOUBLE_EQ(p->OpsBetween(0, 4), 2000);
  ExpectOpsIntegrateTheRate(*p, 0.3, 3.7);
  // A ramp down is a ramp too.
  auto down =
      Make({.shape = ProfileShape::kRamp, .rate = 900, .end_rate = 100}, 4.0);
  EXPECT_DOUBLE_EQ(down->RateAt(1), 700);
}

TEST(ProfileTest, Step) {
  auto p = Make(
      {.shape = ProfileShape::kStep, .rate = 100, .end_rate = 400, .steps = 4},
      4.0);
  EXPECT_EQ(p->RateAt(0.0), 100);
  EXPECT_EQ(p->RateAt(0.99), 100);
  EXPECT_EQ(p->RateAt(1.0), 200);
  EXPECT_EQ(p->RateAt(2.5), 300);
  EXPECT_EQ(p->RateAt(3.99), 400);
  EXPECT_EQ(p->RateAt(4.5), 400);
  EXPECT_DOUBLE_EQ(p->OpsBetween(0, 4), 1000);
  EXPECT_DOUBLE_EQ(p->OpsBetween(0.5, 1.5), 150);
  ExpectOpsIntegrateTheRate(*p, 0.25, 3.3);
  auto one = Make(
      {.shape = ProfileShape::kStep, .rate = 50, .end_rate = 80, .steps = 1},
      1.0);
  EXPECT_EQ(one->RateAt(0.7), 50);
}

TEST(ProfileTest, Spike) {
  auto p = Make({.shape = ProfileShape::kSpike,
                 .rate = 100,
                 .multiplier = 5,
                 .burst_start = 0.5,
                 .burst_length = 0.1},
                10.0);
  EXPECT_EQ(p->RateAt(4.99), 100);
  EXPECT_EQ(p->RateAt(5.0), 500);
  EXPECT_EQ(p->RateAt(5.99), 500);
  EXPECT_EQ(p->RateAt(6.0), 100);
  EXPECT_DOUBLE_EQ(p->OpsBetween(0, 10), 1000 + 400);
  ExpectOpsIntegrateTheRate(*p, 4.2, 7.7);
}

TEST(ProfileTest, Sine) {
  auto p = Make({.shape = ProfileShape::kSine,
                 .rate = 1000,
                 .amplitude = 300,
                 .periods = 2},
                4.0);
  EXPECT_NEAR(p->RateAt(0), 1000, 1e-9);
  EXPECT_NEAR(p->RateAt(0.5), 1300, 1e-9);  // A quarter period.
  EXPECT_NEAR(p->RateAt(1.5), 700, 1e-9);
  EXPECT_NEAR(p->OpsBetween(0, 4), 4000, 1e-9);  // Whole periods.
  // Half a period: 300 * 2 / pi above the mean.
  EXPECT_NEAR(p->OpsBetween(0, 1), 1000 + 600 / std::numbers::pi, 1e-9);
  ExpectOpsIntegrateTheRate(*p, 0.1, 3.3);
}

TEST(ProfileTest, ScaledMultipliesEveryRate) {
  const ProfileSpec spec{.shape = ProfileShape::kSine,
                         .rate = 0.5,
                         .end_rate = 0.8,
                         .multiplier = 3,
                         .amplitude = 0.3};
  const ProfileSpec scaled = spec.Scaled(1e6);
  EXPECT_DOUBLE_EQ(scaled.rate, 5e5);
  EXPECT_DOUBLE_EQ(scaled.end_rate, 8e5);
  EXPECT_DOUBLE_EQ(scaled.amplitude, 3e5);
  EXPECT_DOUBLE_EQ(scaled.multiplier, 3);  // A ratio, not a rate.
}

TEST(ProfileTest, RejectsRatesThatAreNotPositive) {
  EXPECT_FALSE(
      MakeProfile({.shape = ProfileShape::kConstant, .rate = 0}, 1).ok());
  EXPECT_FALSE(
      MakeProfile({.shape = ProfileShape::kConstant, .rate = NAN}, 1).ok());
  EXPECT_FALSE(
      MakeProfile({.shape = ProfileShape::kConstant, .rate = 10}, 0).ok());
  EXPECT_FALSE(
      MakeProfile({.shape = ProfileShape::kRamp, .rate = 10, .end_rate = 0}, 1)
          .ok());
  EXPECT_FALSE(MakeProfile({.shape = ProfileShape::kStep,
                            .rate = 10,
                            .end_rate = 20,
                            .steps = 0},
                           1)
                   .ok());
  EXPECT_FALSE(MakeProfile({.shape = ProfileShape::kSpike,
                            .rate = 10,
                            .multiplier = 2,
                            .burst_start = 0.95,
                            .burst_length = 0.1},
                           1)
                   .ok());
  absl::StatusOr<std::unique_ptr<LoadProfile>> sine = MakeProfile(
      {.shape = ProfileShape::kSine, .rate = 10, .amplitude = 10}, 1);
  ASSERT_FALSE(sine.ok());
  EXPECT_NE(sine.status().message().find("amplitude"), std::string::npos);
}

TEST(ProfileTest, NamesAndDescriptions) {
  EXPECT_EQ(ProfileShapeName(ProfileShape::kSpike), "spike");
  auto p =
      Make({.shape = ProfileShape::kRamp, .rate = 1e5, .end_rate = 9e5}, 1.0);
  EXPECT_EQ(p->Describe(), "ramp 1e+05 -> 9e+05 ops/s");
}

}  // namespace
}  // namespace m8::bench
