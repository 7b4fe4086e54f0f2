#include <cmath>
#include <limits>
#include <random>

#include "grid/grid.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::MakeWave;

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<uint32_t> Keys(const std::vector<ResonanceHit>& hits) {
  std::vector<uint32_t> keys;
  for (const ResonanceHit& h : hits) keys.push_back(h.coord.key());
  return keys;
}

TEST(ResonanceTest, ScoresAndOrdersByStrengthAndDistance) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(1.0f, 500.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, MakeWave(2.0f, 505.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{3, 0, 0}, MakeWave(4.0f, 509.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{4, 0, 0}, MakeWave(9.0f, 520.0f)).ok());
  const auto hits = grid.Resonance({.frequency = 500, .bandwidth = 10});
  ASSERT_EQ(hits.size(), 3u);
  // Scores: 1, 2 e^-0.5 = 1.213, 4 e^-0.9 = 1.626.
  EXPECT_EQ(Keys(hits), (std::vector<uint32_t>{3, 2, 1}));
  EXPECT_NEAR(hits[0].score, 4 * std::exp(-0.9), 1e-6);
  EXPECT_NEAR(hits[1].score, 2 * std::exp(-0.5), 1e-12);
  EXPECT_NEAR(hits[2].score, 1.0, 1e-12);
  EXPECT_EQ(hits[0].wave.amplitude, 4.0f);
  EXPECT_EQ(hits[0].coord, (Coord{3, 0, 0}));
}

TEST(ResonanceTest, KLimitsAndZeroMeansAll) {
  Grid grid;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(grid.Put(Coord{static_cast<uint8_t>(i), 0, 0},
                         MakeWave(1.0f + i, 300.0f))
                    .ok());
  }
  EXPECT_EQ(grid.Resonance({.frequency = 300, .bandwidth = 1, .k = 5}).size(),
            5u);
  EXPECT_EQ(grid.Resonance({.frequency = 300, .bandwidth = 1, .k = 0}).size(),
            20u);
  EXPECT_EQ(grid.Resonance({.frequency = 300, .bandwidth = 1, .k = 100}).size(),
            20u);
  const auto top = grid.Resonance({.frequency = 300, .bandwidth = 1, .k = 3});
  EXPECT_EQ(Keys(top), (std::vector<uint32_t>{19, 18, 17}));
}

TEST(ResonanceTest, TiesBreakByKey) {
  Grid grid;
  for (Coord c : {Coord{9, 9, 9}, Coord{1, 0, 0}, Coord{0, 0, 5}}) {
    ASSERT_TRUE(grid.Put(c, MakeWave(1.0f, 100.0f)).ok());
  }
  const auto hits = grid.Resonance({.frequency = 100, .bandwidth = 5, .k = 2});
  EXPECT_EQ(Keys(hits), (std::vector<uint32_t>{Coord{1, 0, 0}.key(),
                                               Coord{0, 0, 5}.key()}));
}

TEST(ResonanceTest, BandEdgesAreInclusive) {
  Grid grid;
  const float freqs[] = {489.99f, 490.0f, 500.0f, 510.0f, 510.01f};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        grid.Put(Coord{static_cast<uint8_t>(i), 0, 0}, MakeWave(1, freqs[i]))
            .ok());
  }
  const auto hits = grid.Resonance({.frequency = 500, .bandwidth = 10, .k = 0});
  EXPECT_EQ(Keys(hits), (std::vector<uint32_t>{2, 1, 3}));
  EXPECT_NEAR(hits[1].score, std::exp(-1.0), 1e-12);
}

TEST(ResonanceTest, BandsAtTheEndsOfTheSpectrum) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(1, 0.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, MakeWave(1, 1000.0f)).ok());
  EXPECT_EQ(grid.Resonance({.frequency = -3, .bandwidth = 5}).size(), 1u);
  EXPECT_EQ(grid.Resonance({.frequency = 1003, .bandwidth = 5}).size(), 1u);
  EXPECT_EQ(grid.Resonance({.frequency = 1010, .bandwidth = 5}).size(), 0u);
  EXPECT_EQ(grid.Resonance({.frequency = 500, .bandwidth = 600, .k = 0}).size(),
            2u);
}

TEST(ResonanceTest, ZeroNegativeAndNaNBandwidths) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(2, 250.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, MakeWave(2, 250.5f)).ok());
  const auto exact = grid.Resonance({.frequency = 250, .bandwidth = 0});
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_EQ(exact[0].score, 2.0);
  EXPECT_TRUE(grid.Resonance({.frequency = 250, .bandwidth = -1}).empty());
  EXPECT_TRUE(grid.Resonance({.frequency = 250, .bandwidth = NAN}).empty());
  EXPECT_TRUE(grid.Resonance({.frequency = NAN, .bandwidth = 5}).empty());
}

TEST(ResonanceTest, MinStrengthUsesTheDecayedEnvelope) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(1, 100.0f, 1.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, MakeWave(1, 100.0f, kInf)).ok());
  grid.AdvanceTime(absl::Seconds(1));  // S1 = e^-1 = 0.37.
  EXPECT_EQ(
      grid.Resonance({.frequency = 100, .bandwidth = 1, .min_strength = 0.5f})
          .size(),
      1u);
  EXPECT_EQ(
      grid.Resonance({.frequency = 100, .bandwidth = 1, .min_strength = 0.3f})
          .size(),
      2u);
}

TEST(ResonanceTest, EmotionalTargetsReorderHits) {
  Grid grid;
  Wave happy = MakeWave(1.0f, 600.0f);
  happy.valence = 127;
  happy.arousal = 255;
  Wave calm = MakeWave(1.5f, 600.0f);
  calm.valence = -127;
  calm.arousal = 0;
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, happy).ok());
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, calm).ok());
  // Strengths: happy 1 * 1.3 * 1.5 = 1.95, calm 1.5 * 0.7 = 1.05.
  auto plain = grid.Resonance({.frequency = 600, .bandwidth = 1});
  EXPECT_EQ(Keys(plain), (std::vector<uint32_t>{1, 2}));

  auto sad = grid.Resonance({.frequency = 600,
                             .bandwidth = 1,
                             .target_valence = -1.0f,
                             .target_arousal = 0.0f});
  ASSERT_EQ(sad.size(), 2u);
  // happy: 1.95 * (1 - (2 + 1)/4) = 0.4875; calm: 1.05 * 1.
  EXPECT_EQ(Keys(sad), (std::vector<uint32_t>{2, 1}));
  EXPECT_NEAR(sad[0].score, 1.05, 1e-9);
  EXPECT_NEAR(sad[1].score, 1.95 * 0.25, 1e-9);

  // One target alone counts alone.
  auto only_valence = grid.Resonance(
      {.frequency = 600, .bandwidth = 1, .target_valence = 1.0f});
  EXPECT_NEAR(only_valence[0].score, 1.95, 1e-9);
  EXPECT_NEAR(only_valence[1].score, 1.05 * 0.5, 1e-9);
}

TEST(ResonanceTest, IndexAgreesWithFullScanOnRandomGrids) {
  for (int buckets : {1, 7, 1000, 4096}) {
    GridOptions o;
    o.frequency_buckets = buckets;
    Grid grid(o);
    std::mt19937 rng(301);
    std::uniform_real_distribution<float> freq(0.0f, 1000.0f);
    for (int i = 0; i < 5000; ++i) {
      Wave w = MakeWave(0.1f + (rng() % 1000) / 100.0f, freq(rng),
                        1.0f + rng() % 20);
      // Some frequencies exactly on bucket boundaries and band edges.
      if (i % 10 == 0) w.frequency = static_cast<float>(rng() % 1001);
      w.valence = static_cast<int8_t>(rng() % 255 - 127);
      w.arousal = static_cast<uint8_t>(rng());
      ASSERT_TRUE(grid.Put(Coord::FromKey(rng()), w).ok());
    }
    grid.AdvanceTime(absl::Milliseconds(2500));
    for (int q = 0; q < 200; ++q) {
      ResonanceQuery query;
      query.frequency = q % 20 == 0 ? static_cast<float>(rng() % 1001)
                                    : freq(rng) * 1.1f - 50.0f;
      query.bandwidth =
          q % 7 == 0 ? static_cast<float>(rng() % 5) : (rng() % 10000) / 100.0f;
      query.min_strength = (rng() % 100) / 200.0f;
      query.k = rng() % 4 == 0 ? 0 : rng() % 50;
      if (q % 3 == 0) query.target_valence = (rng() % 200) / 100.0f - 1.0f;
      if (q % 5 == 0) query.target_arousal = (rng() % 100) / 100.0f;
      const auto indexed = grid.Resonance(query);
      const auto scanned = grid.ResonanceFullScan(query);
      ASSERT_EQ(Keys(indexed), Keys(scanned)) << "buckets " << buckets;
      for (size_t i = 0; i < indexed.size(); ++i) {
        EXPECT_EQ(indexed[i].score, scanned[i].score);
      }
    }
  }
}

}  // namespace
}  // namespace m8
