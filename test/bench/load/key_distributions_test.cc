// The key distributions of bench/support (keys.h, ycsb_keys.h, fast_pow.h):
// the fast zipfian draw against std::pow and against the exact probability
// of each item under Gray's construction, and the shape of every YCSB
// distribution, all with fixed seeds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/support/fast_pow.h"
#include "bench/support/keys.h"
#include "bench/support/ycsb_keys.h"
#include "gtest/gtest.h"
#include "test/bench/load/stats_util.h"

namespace m8::bench {
namespace {

using testing::ChiSquare;
using testing::ChiSquareCritical999;

TEST(FastPowTest, MatchesStdPowToRoundingOfTheExponent) {
  Rng rng(301);
  for (double exponent : {1.0001, 2.0, 2.5, 10.0, 100.0, 1000.0}) {
    const FastPow pow(exponent);
    for (int i = 0; i < 200000; ++i) {
      // Over (2^-8, 1) (and near 1 for the largest exponent, whose power
      // underflows below that).
      const double x = exponent > 500
                           ? 0.99 + 0.01 * rng.NextDouble()
                           : std::ldexp(0.5 + 0.5 * rng.NextDouble(),
                                        -static_cast<int>(rng.Below(8)));
      const double exact = std::pow(x, exponent);
      const double z = std::fabs(exponent * std::log2(x));
      // The table's log2 carries ~1e-16 * exponent, the rest a few units of
      // 1e-16 per unit of |exponent * log2(x)|.
      ASSERT_NEAR(pow(x) / exact, 1.0, 1e-16 * (exponent + 4 * z) + 4e-16)
          << "x = " << x << ", exponent = " << exponent;
    }
  }
}

// The probability of each item under Gray's construction (what
// ZipfianGenerator draws), from its inversion thresholds: item k >= 2 is
// drawn for u in [u_k, u_{k+1}) with n * (eta * u - eta + 1)^alpha = k.
std::vector<double> GrayPmf(uint64_t n, double theta) {
  const long double zeta_n = ZipfianGenerator::Zeta(n, theta);
  const long double zeta2 = 1.0L + std::pow(0.5L, theta);
  const long double alpha = 1.0L / (1.0L - theta);
  const long double eta =
      (1.0L - std::pow(2.0L / n, 1.0L - theta)) / (1.0L - zeta2 / zeta_n);
  // cdf[k] = P(item < k).
  std::vector<long double> cdf(n + 1);
  cdf[0] = 0.0L;
  if (n >= 2) cdf[1] = 1.0L / zeta_n;
  for (uint64_t k = 2; k <= n; ++k) {
    const long double u_k =
        1.0L +
        (std::pow(static_cast<long double>(k) / n, 1.0L / alpha) - 1) / eta;
    cdf[k] = std::clamp(std::max(u_k, zeta2 / zeta_n), 0.0L, 1.0L);
  }
  cdf[n] = 1.0L;  // The last item also takes what is clamped onto it.
  std::vector<double> pmf(n);
  for (uint64_t k = 0; k < n; ++k) {
    pmf[k] = static_cast<double>(cdf[k + 1] - cdf[k]);
  }
  return pmf;
}

// The exact zipf probabilities 1 / ((k + 1)^theta * zeta(n)).
std::vector<double> ZipfPmf(uint64_t n, double theta) {
  const double zeta_n = ZipfianGenerator::Zeta(n, theta);
  std::vector<double> pmf(n);
  for (uint64_t k = 0; k < n; ++k) {
    pmf[k] = std::pow(static_cast<double>(k + 1), -theta) / zeta_n;
  }
  return pmf;
}

// Merges items into bins of at least `min_probability`, in item order.
void Bin(const std::vector<uint64_t>& counts, const std::vector<double>& pmf,
         double min_probability, std::vector<uint64_t>* binned_counts,
         std::vector<double>* binned_pmf) {
  uint64_t count = 0;
  double p = 0.0;
  for (size_t k = 0; k < pmf.size(); ++k) {
    count += counts[k];
    p += pmf[k];
    if (p >= min_probability || k + 1 == pmf.size()) {
      binned_counts->push_back(count);
      binned_pmf->push_back(p);
      count = 0;
      p = 0.0;
    }
  }
}

struct ZipfCase {
  uint64_t items;
  double theta;
};

class ZipfianDrawTest : public ::testing::TestWithParam<ZipfCase> {};

// Every draw, with the table or with FastPow, gives the item std::pow gives
// for the same random bits (up to a rare off-by-one where u lands within
// rounding of an item boundary).
TEST_P(ZipfianDrawTest, DrawsTheItemsOfStdPow) {
  const ZipfCase c = GetParam();
  const ZipfianGenerator g(c.items, 7, c.theta);
  Rng rng(11);
  int table_differences = 0;
  int fast_pow_differences = 0;
  constexpr int kDraws = 2'000'000;
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t bits = rng.Next() >> 11;
    const double u = static_cast<double>(bits) * 0x1.0p-53;
    const uint64_t exact = g.ItemAtExact(u);
    const uint64_t table = g.ItemOfBits(bits);
    const uint64_t fast = g.ItemAt(u);
    ASSERT_LT(table, c.items);
    ASSERT_LE(std::max(table, exact) - std::min(table, exact), 1u);
    ASSERT_LE(std::max(fast, exact) - std::min(fast, exact), 1u);
    table_differences += table != exact;
    fast_pow_differences += fast != exact;
  }
  EXPECT_LE(table_differences, 2) << "of " << kDraws;
  EXPECT_LE(fast_pow_differences, 2) << "of " << kDraws;
}

// The draws follow the exact distribution of Gray's construction:
// chi-square over every item of at least 0.1% probability and bins of the
// rest, at the 99.9% level.
TEST_P(ZipfianDrawTest, FollowsGraysDistribution) {
  const ZipfCase c = GetParam();
  ZipfianGenerator g(c.items, 13, c.theta);
  std::vector<uint64_t> counts(c.items);
  for (int i = 0; i < 1'000'000; ++i) ++counts[g.Next()];
  std::vector<uint64_t> binned;
  std::vector<double> pmf;
  Bin(counts, GrayPmf(c.items, c.theta), 0.001, &binned, &pmf);
  ASSERT_GE(binned.size(), 3u);
  const int dof = static_cast<int>(binned.size()) - 1;
  EXPECT_LT(ChiSquare(binned, pmf), ChiSquareCritical999(dof))
      << binned.size() << " bins";
}

INSTANTIATE_TEST_SUITE_P(
    Items, ZipfianDrawTest,
    ::testing::Values(ZipfCase{3, 0.99}, ZipfCase{1000, 0.99},
                      ZipfCase{10000, 0.9}, ZipfCase{10000, 0.5},
                      ZipfCase{1 << 20, 0.99}, ZipfCase{1 << 20, 0.6}),
    [](const ::testing::TestParamInfo<ZipfCase>& info) {
      return absl::StrCat("n", info.param.items, "_theta",
                          static_cast<int>(info.param.theta * 100));
    });

TEST(ZipfianGeneratorTest, TableCoversTheDefaultTheta) {
  EXPECT_TRUE(ZipfianGenerator(1 << 20, 1).uses_table());
  EXPECT_TRUE(ZipfianGenerator(1000, 1).uses_table());
  // theta 0.6 over 2^20 items: the series' bound fails near u2, so draws
  // take the FastPow path (covered by DrawsTheItemsOfStdPow above).
  EXPECT_FALSE(ZipfianGenerator(1 << 20, 1, 0.6).uses_table());
}

// Gray's construction is exact for items 0 and 1 and approximates the rest
// (keys.h states the size of the difference; this keeps it honest).
TEST(ZipfianGeneratorTest, GraysApproximationOfZipf) {
  constexpr uint64_t kItems = 1'000'000;
  const std::vector<double> gray = GrayPmf(kItems, 0.99);
  const std::vector<double> zipf = ZipfPmf(kItems, 0.99);
  EXPECT_NEAR(gray[0] / zipf[0], 1.0, 1e-9);
  EXPECT_NEAR(gray[1] / zipf[1], 1.0, 1e-9);
  EXPECT_NEAR(gray[2] / zipf[2], 1.194, 0.002);  // Item 2: 19% too often.
  double total_variation = 0.0;
  for (uint64_t k = 0; k < kItems; ++k) {
    total_variation += std::fabs(gray[k] - zipf[k]);
  }
  EXPECT_NEAR(total_variation / 2, 0.011, 0.001);
}

TEST(ZipfianGeneratorTest, GrowExtendsZetaAsIfBuiltLarger) {
  ZipfianGenerator grown(1000, 5);
  grown.Grow(1500);
  EXPECT_EQ(grown.item_count(), 1500u);
  EXPECT_FALSE(grown.uses_table());
  const ZipfianGenerator built(1500, 5);
  Rng rng(17);
  int differences = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.NextDouble();
    differences += grown.ItemAtExact(u) != built.ItemAtExact(u);
  }
  EXPECT_LE(differences, 1);
}

TEST(ItemPermutationTest, IsABijection) {
  for (uint64_t n : {1, 2, 3, 5, 64, 1000, 1023, 1024, 1025, 4097}) {
    const ItemPermutation permute(n, 42);
    std::set<uint64_t> images;
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t image = permute(i);
      ASSERT_LT(image, n);
      images.insert(image);
    }
    EXPECT_EQ(images.size(), n) << "n = " << n;
  }
}

TEST(ScrambledZipfianTest, IsZipfianRelabelled) {
  constexpr uint64_t kItems = 100000;
  ScrambledZipfianGenerator scrambled(kItems, 23);
  ZipfianGenerator zipfian(kItems, 23);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(scrambled.Next(), scrambled.ItemOfRank(zipfian.Next()));
  }
  // The 100 most popular items are spread over the item space, not
  // clustered at its start as zipfian's are.
  int in_first_tenth = 0;
  for (uint64_t rank = 0; rank < 100; ++rank) {
    in_first_tenth += scrambled.ItemOfRank(rank) < kItems / 10;
  }
  EXPECT_LT(in_first_tenth, 25);
}

TEST(LatestGeneratorTest, TheNewestItemIsTheMostPopular) {
  constexpr uint64_t kItems = 1000;
  LatestGenerator latest(kItems, 29);
  latest.Grow(kItems + 10);
  const double zeta = ZipfianGenerator::Zeta(kItems + 10, 0.99);
  std::vector<uint64_t> counts(kItems + 10);
  constexpr int kDraws = 1'000'000;
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t item = latest.Next();
    ASSERT_LT(item, kItems + 10);
    ++counts[item];
  }
  // The newest item has zipf rank 0, exactly 1 / zeta; the next one rank 1.
  EXPECT_NEAR(counts[kItems + 9] / double{kDraws}, 1.0 / zeta, 0.004);
  EXPECT_NEAR(counts[kItems + 8] / double{kDraws}, std::pow(0.5, 0.99) / zeta,
              0.004);
  EXPECT_GT(counts[kItems + 9], counts[kItems]);
  EXPECT_GT(counts[kItems], counts[0]);
}

TEST(HotspotGeneratorTest, EightyPercentOfDrawsOnTwentyPercentOfItems) {
  constexpr uint64_t kItems = 10000;
  HotspotGenerator hotspot(kItems, 31);
  EXPECT_EQ(hotspot.hot_count(), 2000u);
  constexpr int kDraws = 1'000'000;
  // Ten bins over the hot set and ten over the cold set: 8% and 2% each.
  std::vector<uint64_t> bins(20);
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t item = hotspot.Next();
    ASSERT_LT(item, kItems);
    bins[item < 2000 ? item / 200 : 10 + (item - 2000) / 800]++;
  }
  std::vector<double> expected(20, 0.02);
  std::fill(expected.begin(), expected.begin() + 10, 0.08);
  EXPECT_LT(ChiSquare(bins, expected), ChiSquareCritical999(19));
}

TEST(HotspotGeneratorTest, AllHot) {
  HotspotGenerator hot(1000, 3, 0.01, 1.0);
  EXPECT_EQ(hot.hot_count(), 10u);
  for (int i = 0; i < 10000; ++i) ASSERT_LT(hot.Next(), 10u);
}

TEST(KeyDistributionTest, EveryDistributionIsDeterministicAndInRange) {
  for (KeyDistribution d : kAllKeyDistributions) {
    auto a = MakeKeyGenerator(d, 1000, 5);
    auto b = MakeKeyGenerator(d, 1000, 5);
    ASSERT_NE(a, nullptr);
    const std::vector<uint32_t> draws = DrawItems(*a, 5000);
    EXPECT_EQ(draws, DrawItems(*b, 5000)) << DistributionName(d);
    for (uint32_t item : draws) ASSERT_LT(item, 1000u);
    absl::StatusOr<KeyDistribution> parsed =
        ParseDistribution(DistributionName(d));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, d);
  }
}

TEST(KeyDistributionTest, SingleItem) {
  for (KeyDistribution d : kAllKeyDistributions) {
    auto g = MakeKeyGenerator(d, 1, 3);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(g->Next(), 0u);
  }
}

}  // namespace
}  // namespace m8::bench
