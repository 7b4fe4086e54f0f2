#include "bench/support/model_formulas.h"

#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// A wave with M = amplitude at time 0 that never decays.
Wave Constant(float amplitude) {
  Wave w;
  w.amplitude = amplitude;
  w.phase = std::numbers::pi_v<float> / 2;
  w.decay_tau = decay::kConsolidate;
  return w;
}

TEST(ModelFormulasTest, LoneWaveAtTheCornerUnderBothEdgePolicies) {
  const std::vector<std::pair<Coord, Wave>> cells = {
      {Coord{0, 0, 0}, Constant(1.0f)}};
  GridOptions clamp;
  // 1 + 3/2 + 3/(1+sqrt2) + 1/(1+sqrt3), the model's worked example.
  EXPECT_NEAR(ExpectedInterference(cells, Coord{0, 0, 0}, 0.0, clamp), 4.10867,
              1e-5);
  GridOptions skip;
  skip.edge_policy = EdgePolicy::kSkip;
  EXPECT_NEAR(ExpectedInterference(cells, Coord{0, 0, 0}, 0.0, skip), 1.0,
              1e-6);
}

TEST(ModelFormulasTest, EnvelopeDecaysAndIsModulatedByEmotion) {
  GridOptions options;
  Wave w;
  w.amplitude = 2.0f;
  w.decay_tau = 5.0f;
  w.valence = 127;  // v = 1
  w.arousal = 255;  // a = 1
  // (1 + 0.3) * (1 + 0.5) * 2 * exp(-10 / 5)
  EXPECT_NEAR(Envelope(w, 10.0, options), 1.3 * 1.5 * 2 * std::exp(-2.0), 1e-9);
  EXPECT_NEAR(EvictionAge(w, options), 5.0 * std::log(1.3 * 1.5 * 2 / 0.01),
              1e-9);
}

TEST(ModelFormulasTest, ResonanceRanksByScoreThenKey) {
  GridOptions options;
  Wave a = Constant(1.0f), b = Constant(1.0f), c = Constant(3.0f);
  a.frequency = b.frequency = 502;
  c.frequency = 520;  // outside the band
  const std::vector<std::pair<Coord, Wave>> cells = {
      {Coord{9, 0, 0}, a}, {Coord{3, 0, 0}, b}, {Coord{1, 0, 0}, c}};
  ResonanceQuery q;
  q.frequency = 500;
  q.bandwidth = 10;
  q.k = 0;
  const std::vector<ResonanceHit> hits =
      ExpectedResonance(cells, q, 0.0, options);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].coord.x, 3);  // a tie: the smaller key first
  EXPECT_EQ(hits[1].coord.x, 9);
  EXPECT_NEAR(hits[0].score, std::exp(-0.2), 1e-6);
}

TEST(ModelFormulasTest, RegionIncludesItsBoundary) {
  const std::vector<Coord> cells = {Coord{13, 10, 5}, Coord{13, 14, 5},
                                    Coord{14, 14, 5}, Coord{10, 10, 6}};
  const std::vector<Coord> inside = ExpectedRegion(cells, 10, 10, 5.0, 5, 5);
  ASSERT_EQ(inside.size(), 2u);
  EXPECT_EQ(inside[0].x, 13);
  EXPECT_EQ(inside[0].y, 10);
  EXPECT_EQ(inside[1].y, 14);
}

}  // namespace
}  // namespace m8::bench
