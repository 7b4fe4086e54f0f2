#include "bench/load/mix.h"

#include <array>
#include <cstdint>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(MixTest, YcsbWorkloadsMapOntoTheGrid) {
  struct Expected {
    char letter;
    std::array<double, kOpKindCount> shares;  // read update insert scan rmw
    KeyDistribution distribution;
  };
  const Expected kExpected[] = {
      {'A', {0.50, 0.50, 0, 0, 0}, KeyDistribution::kZipfian},
      {'B', {0.95, 0.05, 0, 0, 0}, KeyDistribution::kZipfian},
      {'C', {1.00, 0, 0, 0, 0}, KeyDistribution::kZipfian},
      {'D', {0.95, 0, 0.05, 0, 0}, KeyDistribution::kLatest},
      {'E', {0, 0, 0.05, 0.95, 0}, KeyDistribution::kZipfian},
      {'F', {0.50, 0, 0, 0, 0.50}, KeyDistribution::kZipfian},
  };
  for (const Expected& e : kExpected) {
    absl::StatusOr<Mix> mix = YcsbMix(e.letter);
    ASSERT_TRUE(mix.ok()) << e.letter;
    EXPECT_EQ(mix->name, std::string("YCSB_") + e.letter);
    EXPECT_EQ(mix->shares, e.shares) << e.letter;
    EXPECT_EQ(mix->ycsb_distribution, e.distribution) << e.letter;
    double sum = 0;
    for (double s : mix->shares) sum += s;
    EXPECT_DOUBLE_EQ(sum, 1.0);
  }
  EXPECT_TRUE(YcsbMix('d').ok());
  EXPECT_TRUE(YcsbMix('d')->has_inserts());
  EXPECT_FALSE(YcsbMix('A')->has_inserts());
  EXPECT_FALSE(YcsbMix('G').ok());
  EXPECT_EQ(YcsbMixes().size(), 6u);
}

TEST(OpChooserTest, DrawsEachKindInItsShare) {
  constexpr int kDraws = 1'000'000;
  for (const Mix& mix : YcsbMixes()) {
    OpChooser chooser(mix, 41);
    std::array<int, kOpKindCount> counts{};
    for (int i = 0; i < kDraws; ++i) ++counts[static_cast<int>(chooser.Next())];
    for (int k = 0; k < kOpKindCount; ++k) {
      const double share = counts[k] / double{kDraws};
      // 5 standard deviations of a binomial share at most 0.0025.
      EXPECT_NEAR(share, mix.shares[k], 0.0025)
          << mix.name << " " << OpKindName(static_cast<OpKind>(k));
      if (mix.shares[k] == 0.0) {
        EXPECT_EQ(counts[k], 0);
      }
    }
  }
}

TEST(OpChooserTest, SameSeedSameSequence) {
  const Mix& mix = YcsbMixes()[0];
  OpChooser a(mix, 5), b(mix, 5);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Next(), b.Next());
}

TEST(OpKindTest, Names) {
  EXPECT_EQ(OpKindName(OpKind::kRead), "read");
  EXPECT_EQ(OpKindName(OpKind::kScan), "scan");
  EXPECT_EQ(OpKindName(OpKind::kReinforce), "reinforce");
}

}  // namespace
}  // namespace m8::bench
