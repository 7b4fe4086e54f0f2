#include "grid/coord.h"

#include <type_traits>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash_testing.h"
#include "grid/wave.h"
#include "gtest/gtest.h"

namespace m8 {
namespace {

TEST(CoordTest, KeyPacksZYX) {
  EXPECT_EQ((Coord{0, 0, 0}.key()), 0u);
  EXPECT_EQ((Coord{1, 0, 0}.key()), 1u);
  EXPECT_EQ((Coord{0, 1, 0}.key()), 1u << 8);
  EXPECT_EQ((Coord{0, 0, 1}.key()), 1u << 16);
  EXPECT_EQ((Coord{255, 255, 65535}.key()), 0xffffffffu);
  EXPECT_EQ((Coord{0x12, 0x34, 0x5678}.key()), 0x56783412u);
}

TEST(CoordTest, FromKeyInvertsKey) {
  for (uint32_t key :
       {0u, 1u, 255u, 256u, 65535u, 65536u, 0x56783412u, 0xffffffffu}) {
    EXPECT_EQ(Coord::FromKey(key).key(), key);
  }
  const Coord c = Coord::FromKey(0x56783412u);
  EXPECT_EQ(c.x, 0x12);
  EXPECT_EQ(c.y, 0x34);
  EXPECT_EQ(c.z, 0x5678);
}

TEST(CoordTest, EqualityAndHash) {
  EXPECT_EQ((Coord{1, 2, 3}), (Coord{1, 2, 3}));
  EXPECT_NE((Coord{1, 2, 3}), (Coord{1, 2, 4}));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {Coord{0, 0, 0}, Coord{1, 0, 0}, Coord{0, 1, 0}, Coord{0, 0, 1},
       Coord{255, 255, 65535}}));
  absl::flat_hash_set<Coord> set = {Coord{1, 2, 3}, Coord{1, 2, 3}};
  EXPECT_EQ(set.size(), 1u);
}

TEST(WaveTest, IsAThirtyTwoByteValue) {
  EXPECT_EQ(sizeof(Wave), 32u);
  EXPECT_TRUE(std::is_trivially_copyable_v<Wave>);
  Wave w;
  EXPECT_EQ(w.amplitude, 0.0f);
  EXPECT_EQ(w.decay_tau, decay::kFade);
}

TEST(WaveTest, EmotionMapsToUnitRanges) {
  Wave w;
  w.valence = 127;
  w.arousal = 255;
  EXPECT_DOUBLE_EQ(w.v(), 1.0);
  EXPECT_DOUBLE_EQ(w.a(), 1.0);
  w.valence = -127;
  w.arousal = 0;
  EXPECT_DOUBLE_EQ(w.v(), -1.0);
  EXPECT_DOUBLE_EQ(w.a(), 0.0);
}

TEST(WaveTest, BandsFollowTheModel) {
  EXPECT_EQ(BandOf(0.0f), Band::kStructural);
  EXPECT_EQ(BandOf(199.99f), Band::kStructural);
  EXPECT_EQ(BandOf(200.0f), Band::kConversational);
  EXPECT_EQ(BandOf(400.0f), Band::kTechnical);
  EXPECT_EQ(BandOf(600.0f), Band::kImplementation);
  EXPECT_EQ(BandOf(800.0f), Band::kAbstract);
  EXPECT_EQ(BandOf(1000.0f), Band::kAbstract);
}

}  // namespace
}  // namespace m8
