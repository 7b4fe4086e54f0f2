#include "bench/support/keys.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(RngTest, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RngTest, BelowAndDoubleStayInRange) {
  Rng rng(1);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(rng.Below(7), 7u);
    const double d = rng.NextDouble();
    EXPECT_GE(d, 0.0);
    EXPECT_LT(d, 1.0);
  }
}

TEST(KeyGeneratorTest, DrawsAreDeterministicPerSeed) {
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian,
        KeyDistribution::kSequential}) {
    auto a = MakeKeyGenerator(d, 1000, 5);
    auto b = MakeKeyGenerator(d, 1000, 5);
    EXPECT_EQ(DrawItems(*a, 500), DrawItems(*b, 500)) << DistributionName(d);
  }
}

TEST(KeyGeneratorTest, UniformCoversItemsEvenly) {
  constexpr int kItems = 100;
  constexpr int kDraws = 200000;
  UniformGenerator g(kItems, 9);
  std::vector<int> counts(kItems);
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t item = g.Next();
    ASSERT_LT(item, uint64_t{kItems});
    ++counts[item];
  }
  // Chi-square with 99 degrees of freedom: 99.9th percentile about 149.
  double chi2 = 0;
  const double expected = static_cast<double>(kDraws) / kItems;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 149.0);
}

TEST(KeyGeneratorTest, ZipfianFollowsItsLaw) {
  constexpr uint64_t kItems = 10000;
  constexpr int kDraws = 1000000;
  ZipfianGenerator g(kItems, 11);
  std::vector<int> counts(kItems);
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t item = g.Next();
    ASSERT_LT(item, kItems);
    ++counts[item];
  }
  const double zeta = ZipfianGenerator::Zeta(kItems, 0.99);
  // Items 0 and 1 are drawn exactly with probabilities 1/zeta and
  // 0.5^theta/zeta (Gray et al.'s construction).
  EXPECT_NEAR(counts[0] / double{kDraws}, 1.0 / zeta, 0.005);
  EXPECT_NEAR(counts[1] / double{kDraws}, std::pow(0.5, 0.99) / zeta, 0.005);
  // Skew: the hottest 1% of the items take far more than 1% of draws
  // (about 60% for theta 0.99 over 10,000 items).
  int top = 0;
  for (uint64_t i = 0; i < kItems / 100; ++i) top += counts[i];
  EXPECT_GT(top / double{kDraws}, 0.5);
  EXPECT_GT(counts[0], counts[10]);
  EXPECT_GT(counts[10], counts[1000]);
}

TEST(KeyGeneratorTest, SequentialWraps) {
  SequentialGenerator g(3, 1);
  EXPECT_EQ(DrawItems(g, 5), (std::vector<uint32_t>{1, 2, 0, 1, 2}));
}

TEST(KeyGeneratorTest, SingleItem) {
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian,
        KeyDistribution::kSequential}) {
    auto g = MakeKeyGenerator(d, 1, 3);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(g->Next(), 0u);
  }
}

TEST(KeyDistributionTest, NamesRoundTrip) {
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian,
        KeyDistribution::kSequential}) {
    absl::StatusOr<KeyDistribution> parsed =
        ParseDistribution(DistributionName(d));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, d);
  }
  EXPECT_FALSE(ParseDistribution("gaussian").ok());
}

}  // namespace
}  // namespace m8::bench
