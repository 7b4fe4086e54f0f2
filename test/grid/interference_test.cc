#include <cmath>

#include "grid/grid.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::BruteForceInterference;
using ::m8::testing::ConstantWave;
using ::m8::testing::MakeWave;

constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt3 = 1.73205080756887729353;

Grid GridWith(EdgePolicy policy, int brick_edge = 4) {
  GridOptions o;
  o.edge_policy = policy;
  o.brick_edge = brick_edge;
  return Grid(o);
}

class InterferenceTest : public ::testing::TestWithParam<int> {};

TEST_P(InterferenceTest, LoneWaveAtTheCorner) {
  for (EdgePolicy policy : {EdgePolicy::kClamp, EdgePolicy::kSkip}) {
    Grid grid = GridWith(policy, GetParam());
    ASSERT_TRUE(grid.Put(Coord{0, 0, 0}, ConstantWave(1)).ok());
    const double expected =
        policy == EdgePolicy::kClamp
            ? 1 + 3.0 / 2 + 3 / (1 + kSqrt2) + 1 / (1 + kSqrt3)
            : 1.0;
    EXPECT_NEAR(grid.Interference(Coord{0, 0, 0}), expected, 1e-12);
    if (policy == EdgePolicy::kClamp) {
      EXPECT_NEAR(grid.Interference(Coord{0, 0, 0}), 4.10867, 1e-5);
    }
  }
}

TEST_P(InterferenceTest, LoneWaveAtTheFarCorner) {
  for (EdgePolicy policy : {EdgePolicy::kClamp, EdgePolicy::kSkip}) {
    Grid grid = GridWith(policy, GetParam());
    const Coord far{255, 255, 65535};
    ASSERT_TRUE(grid.Put(far, ConstantWave(1)).ok());
    EXPECT_NEAR(grid.Interference(far),
                policy == EdgePolicy::kClamp ? 4.10867 : 1.0, 1e-5);
  }
}

TEST_P(InterferenceTest, LoneWaveOnAnEdgeAndAFace) {
  for (EdgePolicy policy : {EdgePolicy::kClamp, EdgePolicy::kSkip}) {
    Grid grid = GridWith(policy, GetParam());
    // On the x = 0 face: only d = (-1, 0, 0) folds back onto it.
    ASSERT_TRUE(grid.Put(Coord{0, 5, 5}, ConstantWave(1)).ok());
    EXPECT_NEAR(grid.Interference(Coord{0, 5, 5}),
                policy == EdgePolicy::kClamp ? 1.5 : 1.0, 1e-12);
    // On the edge x = 0, y = 0: d in {-1,0} x {-1,0} x {0} folds back.
    ASSERT_TRUE(grid.Put(Coord{0, 0, 9}, ConstantWave(1)).ok());
    EXPECT_NEAR(
        grid.Interference(Coord{0, 0, 9}),
        policy == EdgePolicy::kClamp ? 1 + 2.0 / 2 + 1 / (1 + kSqrt2) : 1.0,
        1e-12);
  }
}

TEST_P(InterferenceTest, CentreSumsWeightedNeighbours) {
  for (EdgePolicy policy : {EdgePolicy::kClamp, EdgePolicy::kSkip}) {
    Grid grid = GridWith(policy, GetParam());
    const Coord c{100, 100, 100};
    ASSERT_TRUE(grid.Put(c, ConstantWave(1)).ok());
    ASSERT_TRUE(grid.Put(Coord{101, 100, 100}, ConstantWave(2)).ok());
    ASSERT_TRUE(grid.Put(Coord{99, 99, 100}, ConstantWave(4)).ok());
    ASSERT_TRUE(grid.Put(Coord{101, 101, 101}, ConstantWave(8)).ok());
    ASSERT_TRUE(grid.Put(Coord{102, 100, 100}, ConstantWave(1000)).ok());
    const double expected = 1 + 2.0 / 2 + 4 / (1 + kSqrt2) + 8 / (1 + kSqrt3);
    EXPECT_NEAR(grid.Interference(c), expected, 1e-12);
    // An empty centre still hears its neighbours.
    EXPECT_NEAR(grid.Interference(Coord{101, 101, 100}),
                1 / (1 + kSqrt2) + 2.0 / 2 + 8.0 / 2 + 1000.0 / (1 + kSqrt2),
                1e-9);
  }
}

TEST_P(InterferenceTest, MatchesTheDefinitionEverywhere) {
  for (EdgePolicy policy : {EdgePolicy::kClamp, EdgePolicy::kSkip}) {
    Grid grid = GridWith(policy, GetParam());
    // A dense 6x6x6 block at a corner plus a few inside.
    uint32_t state = 12345;
    auto next = [&] { return state = state * 1664525u + 1013904223u; };
    for (int z = 0; z < 6; ++z) {
      for (int y = 0; y < 6; ++y) {
        for (int x = 0; x < 6; ++x) {
          if (next() % 3 == 0) continue;
          Wave w = MakeWave(
              0.5f + (next() % 100) / 50.0f, static_cast<float>(next() % 1000),
              1.0f + next() % 10, static_cast<float>(next() % 6) - 3.0f);
          w.valence = static_cast<int8_t>(next() % 255 - 127);
          w.arousal = static_cast<uint8_t>(next());
          ASSERT_TRUE(
              grid.Put(Coord{static_cast<uint8_t>(x), static_cast<uint8_t>(y),
                             static_cast<uint16_t>(z)},
                       w)
                  .ok());
        }
      }
    }
    grid.AdvanceTime(absl::Milliseconds(1234));
    for (int z = 0; z < 7; ++z) {
      for (int y = 0; y < 7; ++y) {
        for (int x = 0; x < 7; ++x) {
          const Coord c{static_cast<uint8_t>(x), static_cast<uint8_t>(y),
                        static_cast<uint16_t>(z)};
          EXPECT_NEAR(grid.Interference(c),
                      BruteForceInterference(grid, c, policy, grid.model(),
                                             absl::ToDoubleSeconds(grid.now())),
                      1e-9)
              << "at " << x << "," << y << "," << z;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BrickEdges, InterferenceTest,
                         ::testing::Values(1, 2, 4, 8));

}  // namespace
}  // namespace m8
