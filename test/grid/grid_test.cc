#include "grid/grid.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::ConstantWave;
using ::m8::testing::MakeWave;
using ::testing::HasSubstr;

constexpr float kInf = std::numeric_limits<float>::infinity();
const Coord kC{10, 20, 30};

// ---- Put / Recall / Forget --------------------------------------------------

TEST(GridTest, EmptyGridRecallsNothing) {
  Grid grid;
  EXPECT_EQ(grid.size(), 0u);
  EXPECT_FALSE(grid.Recall(kC).has_value());
  EXPECT_FALSE(grid.Contains(kC));
  EXPECT_EQ(grid.now(), absl::ZeroDuration());
}

TEST(GridTest, PutInsertsAndOverwritesAsGiven) {
  Grid grid;
  Wave w = MakeWave(0.05f, 123.0f, 7.0f, 1.0f);  // Below the noise floor.
  w.access_count = 9;
  w.valence = -12;
  w.arousal = 200;
  w.importance = 3;
  w.kind = 4;
  w.tag = 0xdeadbeef;
  ASSERT_TRUE(grid.Put(kC, w).ok());
  ASSERT_EQ(grid.size(), 1u);
  std::optional<Wave> got = grid.Recall(kC);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->amplitude, 0.05f);
  EXPECT_EQ(got->frequency, 123.0f);
  EXPECT_EQ(got->decay_tau, 7.0f);
  EXPECT_EQ(got->phase, 1.0f);
  EXPECT_EQ(got->access_count, 9u);
  EXPECT_EQ(got->valence, -12);
  EXPECT_EQ(got->arousal, 200);
  EXPECT_EQ(got->importance, 3);
  EXPECT_EQ(got->kind, 4);
  EXPECT_EQ(got->tag, 0xdeadbeefu);

  w.frequency = 900.0f;  // Another frequency bucket.
  w.amplitude = 2.0f;
  ASSERT_TRUE(grid.Put(kC, w).ok());
  EXPECT_EQ(grid.size(), 1u);
  EXPECT_EQ(grid.Recall(kC)->frequency, 900.0f);
  EXPECT_EQ(grid.Recall(kC)->amplitude, 2.0f);
}

TEST(GridTest, PutAndStoreStampTouchedWithGridTime) {
  Grid grid;
  grid.AdvanceTime(absl::Milliseconds(1500));
  Wave w = MakeWave(1.0f);
  w.touched = 99999;
  ASSERT_TRUE(grid.Put(kC, w).ok());
  EXPECT_EQ(grid.Recall(kC)->touched, 1500u);
  grid.AdvanceTime(absl::Milliseconds(250));
  ASSERT_TRUE(grid.Store(Coord{1, 1, 1}, w).ok());
  EXPECT_EQ(grid.Recall(Coord{1, 1, 1})->touched, 1750u);
}

TEST(GridTest, ForgetRemovesOnlyThatCell) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(1)).ok());
  ASSERT_TRUE(grid.Put(Coord{11, 20, 30}, MakeWave(1)).ok());
  EXPECT_TRUE(grid.Forget(kC));
  EXPECT_FALSE(grid.Forget(kC));
  EXPECT_FALSE(grid.Recall(kC).has_value());
  EXPECT_TRUE(grid.Recall(Coord{11, 20, 30}).has_value());
  EXPECT_EQ(grid.size(), 1u);
}

TEST(GridTest, CornersOfTheAddressSpaceWork) {
  Grid grid;
  const Coord corners[] = {
      {0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 65535}, {255, 255, 65535}};
  for (Coord c : corners) ASSERT_TRUE(grid.Put(c, MakeWave(1)).ok());
  EXPECT_EQ(grid.size(), 5u);
  for (Coord c : corners) EXPECT_TRUE(grid.Contains(c));
}

TEST(GridTest, NormalisesFrequencyAndPhase) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(1, 1500.0f, kInf, 4.0f)).ok());
  EXPECT_EQ(grid.Recall(kC)->frequency, 1000.0f);
  EXPECT_NEAR(grid.Recall(kC)->phase, 4.0 - 2 * M_PI, 1e-6);
  ASSERT_TRUE(grid.Put(kC, MakeWave(1, -5.0f, kInf, -7.0f)).ok());
  EXPECT_EQ(grid.Recall(kC)->frequency, 0.0f);
  EXPECT_NEAR(grid.Recall(kC)->phase, -7.0 + 2 * M_PI, 1e-6);
  EXPECT_GE(grid.Recall(kC)->phase, -static_cast<float>(M_PI));
  EXPECT_LT(grid.Recall(kC)->phase, static_cast<float>(M_PI));
}

TEST(GridTest, RejectsMalformedWavesAndStoresNothing) {
  const Wave bad[] = {
      MakeWave(-1.0f),
      MakeWave(NAN),
      MakeWave(kInf),
      MakeWave(1.0f, NAN),
      MakeWave(1.0f, 100.0f, 0.0f),
      MakeWave(1.0f, 100.0f, -1.0f),
      MakeWave(1.0f, 100.0f, NAN),
      MakeWave(1.0f, 100.0f, kInf, kInf),
      [] {
        Wave w = MakeWave(1.0f);
        w.importance = 16;
        return w;
      }(),
  };
  for (const Wave& w : bad) {
    Grid grid;
    EXPECT_EQ(grid.Put(kC, w).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(grid.Store(kC, w).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(grid.size(), 0u);
  }
}

// ---- The Memory Blanket: every row of the table -----------------------------

TEST(MemoryBlanketTest, NoiseIsDroppedWhetherEmptyOrOccupied) {
  Grid grid;
  EXPECT_EQ(*grid.Store(kC, MakeWave(0.1f)), StoreOutcome::kDropped);
  EXPECT_EQ(*grid.Store(kC, MakeWave(0.05f)), StoreOutcome::kDropped);
  EXPECT_EQ(grid.size(), 0u);
  ASSERT_TRUE(grid.Put(kC, MakeWave(1.0f)).ok());
  EXPECT_EQ(*grid.Store(kC, MakeWave(0.1f)), StoreOutcome::kDropped);
  EXPECT_EQ(grid.Recall(kC)->amplitude, 1.0f);
  EXPECT_EQ(grid.Recall(kC)->access_count, 0u);
}

TEST(MemoryBlanketTest, StrongWaveIntoEmptyCellIsStored) {
  Grid grid;
  grid.AdvanceTime(absl::Seconds(2));
  Wave w = MakeWave(0.5f, 300.0f, decay::kLinger);
  w.access_count = 7;
  w.tag = 42;
  EXPECT_EQ(*grid.Store(kC, w), StoreOutcome::kStored);
  const Wave got = *grid.Recall(kC);
  EXPECT_EQ(got.amplitude, 0.5f);
  EXPECT_EQ(got.decay_tau, decay::kLinger);
  EXPECT_EQ(got.touched, 2000u);
  EXPECT_EQ(got.access_count, 0u);
  EXPECT_EQ(got.tag, 42u);
}

TEST(MemoryBlanketTest, StrongWaveOntoOccupiedCellReinforcesIt) {
  Grid grid;
  Wave first = MakeWave(2.0f, 300.0f, decay::kPersist);
  first.valence = 10;
  first.arousal = 20;
  first.tag = 7;
  ASSERT_EQ(*grid.Store(kC, first), StoreOutcome::kStored);
  grid.AdvanceTime(absl::Seconds(3));
  Wave second = MakeWave(0.7f, 900.0f, decay::kFlash);
  second.valence = -100;
  second.arousal = 250;
  second.tag = 8;
  EXPECT_EQ(*grid.Store(kC, second), StoreOutcome::kReinforced);
  const Wave got = *grid.Recall(kC);
  EXPECT_FLOAT_EQ(got.amplitude, 2.0f * 1.1f);
  EXPECT_EQ(got.access_count, 1u);
  EXPECT_EQ(got.touched, 3000u);
  EXPECT_EQ(got.valence, -100);
  EXPECT_EQ(got.arousal, 250);
  // Everything else is the existing cell's.
  EXPECT_EQ(got.frequency, 300.0f);
  EXPECT_EQ(got.decay_tau, decay::kPersist);
  EXPECT_EQ(got.tag, 7u);
}

TEST(MemoryBlanketTest, ReinforcementIsCappedAtAmplitudeMax) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(950.0f)).ok());
  EXPECT_EQ(*grid.Store(kC, MakeWave(1.0f)), StoreOutcome::kReinforced);
  EXPECT_EQ(grid.Recall(kC)->amplitude, 1000.0f);
}

TEST(MemoryBlanketTest, MiddlingWaveIntoEmptyCellIsTemporary) {
  Grid grid;
  EXPECT_EQ(*grid.Store(kC, MakeWave(0.3f, 100.0f, decay::kPersist)),
            StoreOutcome::kTemporary);
  EXPECT_EQ(grid.Recall(kC)->decay_tau, decay::kFlash);
  EXPECT_EQ(grid.Recall(kC)->amplitude, 0.3f);
}

TEST(MemoryBlanketTest, MiddlingWaveOntoOccupiedCellIsDropped) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(1.0f)).ok());
  EXPECT_EQ(*grid.Store(kC, MakeWave(0.3f)), StoreOutcome::kDropped);
  EXPECT_EQ(grid.Recall(kC)->amplitude, 1.0f);
  EXPECT_EQ(grid.Recall(kC)->access_count, 0u);
}

TEST(MemoryBlanketTest, ThresholdsAreOptions) {
  GridOptions o;
  o.noise_floor = 0.5;
  o.blanket_threshold = 2.0;
  o.reinforce_gain = 1.0;
  Grid grid(o);
  EXPECT_EQ(*grid.Store(kC, MakeWave(0.5f)), StoreOutcome::kDropped);
  EXPECT_EQ(*grid.Store(kC, MakeWave(1.0f)), StoreOutcome::kTemporary);
  EXPECT_EQ(*grid.Store(Coord{1, 1, 1}, MakeWave(2.0f)), StoreOutcome::kStored);
  EXPECT_EQ(*grid.Store(Coord{1, 1, 1}, MakeWave(2.0f)),
            StoreOutcome::kReinforced);
  EXPECT_EQ(grid.Recall(Coord{1, 1, 1})->amplitude, 4.0f);
}

TEST(MemoryBlanketTest, OutcomesHaveNames) {
  EXPECT_STREQ(StoreOutcomeName(StoreOutcome::kStored), "stored");
  EXPECT_STREQ(StoreOutcomeName(StoreOutcome::kReinforced), "reinforced");
  EXPECT_STREQ(StoreOutcomeName(StoreOutcome::kTemporary), "temporary");
  EXPECT_STREQ(StoreOutcomeName(StoreOutcome::kDropped), "dropped");
}

// ---- Reinforce --------------------------------------------------------------

TEST(GridTest, ReinforceScalesCountsAndStamps) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(2.0f)).ok());
  grid.AdvanceTime(absl::Milliseconds(700));
  EXPECT_TRUE(grid.Reinforce(kC, 0.5f));
  Wave got = *grid.Recall(kC);
  EXPECT_FLOAT_EQ(got.amplitude, 3.0f);
  EXPECT_EQ(got.access_count, 1u);
  EXPECT_EQ(got.touched, 700u);
  EXPECT_TRUE(grid.Reinforce(kC, 1000.0f));
  EXPECT_EQ(grid.Recall(kC)->amplitude, 1000.0f);
  EXPECT_TRUE(grid.Reinforce(kC, -5.0f));
  EXPECT_EQ(grid.Recall(kC)->amplitude, 0.0f);
  EXPECT_EQ(grid.Recall(kC)->access_count, 3u);
  EXPECT_FALSE(grid.Reinforce(Coord{1, 2, 3}, 0.1f));
}

// ---- Formulas: modulation and decay against closed forms --------------------

TEST(FormulaTest, EmotionalModulation) {
  Grid grid;  // alpha 0.3, beta 0.5.
  Wave w = MakeWave(2.0f);
  EXPECT_DOUBLE_EQ(grid.Strength(w), 2.0);
  w.valence = 127;
  w.arousal = 255;
  EXPECT_DOUBLE_EQ(grid.Strength(w), 2.0 * 1.3 * 1.5);
  w.valence = -127;
  w.arousal = 0;
  EXPECT_DOUBLE_EQ(grid.Strength(w), 2.0 * 0.7);
  w.valence = 64;
  w.arousal = 51;
  EXPECT_DOUBLE_EQ(grid.Strength(w),
                   2.0 * (1 + 0.3 * 64 / 127.0) * (1 + 0.5 * 51 / 255.0));
  GridOptions o;
  o.beta = 0.2;
  Grid paper(o);
  w.valence = 0;
  w.arousal = 255;
  EXPECT_DOUBLE_EQ(paper.Strength(w), 2.0 * 1.2);
}

TEST(FormulaTest, DecayIsExponentialInGridTime) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(1.0f, 100.0f, 5.0f)).ok());
  grid.AdvanceTime(absl::Seconds(5));
  EXPECT_NEAR(grid.Strength(*grid.Recall(kC)), std::exp(-1.0), 1e-15);
  grid.AdvanceTime(absl::Milliseconds(2500));
  EXPECT_NEAR(grid.Strength(*grid.Recall(kC)), std::exp(-1.5), 1e-15);
  // Consolidated memories do not decay.
  Wave forever = MakeWave(1.0f, 100.0f, decay::kConsolidate);
  EXPECT_EQ(grid.Strength(forever), 1.0);
}

TEST(FormulaTest, ContextFactorsScaleTauAndAreClamped) {
  GridOptions o;
  o.relevance = 2.0;
  o.familiarity = 1.5;
  o.threat = 0.5;
  Grid grid(o);
  ASSERT_TRUE(grid.Put(kC, MakeWave(1.0f, 100.0f, 1.0f)).ok());
  grid.AdvanceTime(absl::Seconds(3));
  EXPECT_NEAR(grid.Strength(*grid.Recall(kC)), std::exp(-3.0 / 1.5), 1e-15);
  o.relevance = 100;     // -> 2
  o.familiarity = 0.01;  // -> 0.8
  o.threat = 0.01;       // -> 0.3
  Grid clamped(o);
  ASSERT_TRUE(clamped.Put(kC, MakeWave(1.0f, 100.0f, 1.0f)).ok());
  clamped.AdvanceTime(absl::Seconds(1));
  EXPECT_NEAR(clamped.Strength(*clamped.Recall(kC)),
              std::exp(-1.0 / (2.0 * 0.8 * 0.3)), 1e-15);
}

TEST(FormulaTest, WaveValueIsStrengthTimesSine) {
  Grid grid;
  Wave w = MakeWave(2.0f, 0.25f, kInf, 0.0f);
  grid.AdvanceTime(absl::Seconds(1));  // sin(2*pi*0.25*1) = 1.
  EXPECT_NEAR(grid.Value(w), 2.0, 1e-12);
  grid.AdvanceTime(absl::Seconds(1));  // sin(pi) = 0.
  EXPECT_NEAR(grid.Value(w), 0.0, 1e-12);
  w.phase = static_cast<float>(M_PI / 2);  // sin(pi + pi/2) = -1.
  EXPECT_NEAR(grid.Value(w), -2.0, 1e-6);
}

// ---- AdvanceTime
// --------------------------------------------------------------

TEST(AdvanceTimeTest, EvictsBelowActiveThresholdUnlessPermanent) {
  Grid grid;  // active_threshold 0.01: S < 0.01 once t > ln(100) tau.
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(1.0f, 10.0f, 1.0f)).ok());
  Wave permanent = MakeWave(1.0f, 10.0f, 1.0f);
  permanent.importance = 15;
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, permanent).ok());
  ASSERT_TRUE(grid.Put(Coord{3, 0, 0}, MakeWave(1.0f, 10.0f, kInf)).ok());

  DecayStats stats = grid.AdvanceTime(absl::Milliseconds(4600));
  EXPECT_EQ(stats.scanned, 3u);
  EXPECT_EQ(stats.evicted, 0u);
  EXPECT_EQ(grid.size(), 3u);

  stats = grid.AdvanceTime(absl::Milliseconds(10));  // 4.61 s > 4.6052 s.
  EXPECT_EQ(stats.scanned, 3u);
  EXPECT_EQ(stats.evicted, 1u);
  EXPECT_FALSE(grid.Contains(Coord{1, 0, 0}));
  EXPECT_TRUE(grid.Contains(Coord{2, 0, 0}));
  EXPECT_TRUE(grid.Contains(Coord{3, 0, 0}));
  EXPECT_EQ(grid.now(), absl::Milliseconds(4610));
}

TEST(AdvanceTimeTest, ReinforcementPostponesEviction) {
  Grid grid;
  ASSERT_TRUE(grid.Put(kC, MakeWave(1.0f, 10.0f, 1.0f)).ok());
  grid.AdvanceTime(absl::Seconds(4));
  ASSERT_TRUE(grid.Reinforce(kC, 0.0f));  // touched = 4 s.
  EXPECT_EQ(grid.AdvanceTime(absl::Seconds(4)).evicted, 0u);
  EXPECT_EQ(grid.AdvanceTime(absl::Seconds(1)).evicted, 1u);
}

TEST(AdvanceTimeTest, NegativeDtIsIgnoredAndTimeSaturates) {
  Grid grid;
  grid.AdvanceTime(absl::Seconds(1));
  grid.AdvanceTime(absl::Seconds(-5));
  EXPECT_EQ(grid.now(), absl::Seconds(1));
  grid.AdvanceTime(absl::Hours(24 * 365));
  EXPECT_EQ(grid.now(), absl::Milliseconds(4294967295));
  ASSERT_TRUE(grid.Put(kC, MakeWave(1.0f)).ok());
  EXPECT_EQ(grid.Recall(kC)->touched, 4294967295u);
}

TEST(AdvanceTimeTest, SweepsManyCellsAcrossBucketsAndBricks) {
  Grid grid;
  int expected_survivors = 0;
  for (int i = 0; i < 2000; ++i) {
    const Coord c{static_cast<uint8_t>(i % 13), static_cast<uint8_t>(i % 7),
                  static_cast<uint16_t>(i / 91)};
    const bool lasting = i % 3 == 0;
    ASSERT_TRUE(grid.Put(c, MakeWave(1.0f, static_cast<float>(i % 1000),
                                     lasting ? decay::kPersist : 0.5f))
                    .ok());
  }
  for (int i = 0; i < 2000; ++i) expected_survivors += i % 3 == 0;
  const size_t before = grid.size();
  const DecayStats stats = grid.AdvanceTime(absl::Seconds(10));
  EXPECT_EQ(stats.scanned, before);
  EXPECT_EQ(grid.size(), before - stats.evicted);
  EXPECT_EQ(grid.size(), static_cast<size_t>(expected_survivors));
  grid.ForEachCell(
      [](Coord, const Wave& w) { EXPECT_EQ(w.decay_tau, decay::kPersist); });
}

TEST(AdvanceTimeTest, SweepAppliesTheEnvelopeRuleExactly) {
  // The sweep skips cells by a precomputed expiry time; whatever it skips
  // must really be at or above the threshold, and whatever it evicts below.
  for (double threshold : {0.01, 0.5, 0.0}) {
    GridOptions o;
    o.active_threshold = threshold;
    o.relevance = 1.7;
    Grid grid(o);
    std::mt19937 rng(99);
    for (int i = 0; i < 3000; ++i) {
      Wave w = MakeWave((rng() % 2000) / 1000.0f, (rng() % 1000) * 1.0f,
                        0.05f + (rng() % 3000) / 1000.0f);
      w.valence = static_cast<int8_t>(rng() % 255 - 127);
      w.arousal = static_cast<uint8_t>(rng());
      w.importance = static_cast<uint8_t>(rng() % 20 == 0 ? 15 : 0);
      ASSERT_TRUE(grid.Put(Coord::FromKey(rng()), w).ok());
      if (i % 100 == 0) grid.AdvanceTime(absl::Milliseconds(rng() % 50));
    }
    size_t evictions = 0;
    for (int step = 0; step < 60 && grid.size() > 0; ++step) {
      const Grid before = grid;
      evictions +=
          grid.AdvanceTime(absl::Milliseconds(1 + rng() % 120)).evicted;
      const double now_s = absl::ToDoubleSeconds(grid.now());
      size_t survivors = 0;
      before.ForEachCell([&](Coord c, const Wave& w) {
        const bool keep =
            w.importance == 15 || grid.model().Strength(w, now_s) >= threshold;
        EXPECT_EQ(grid.Contains(c), keep)
            << "cell " << c.key() << " step " << step;
        survivors += keep;
      });
      ASSERT_EQ(grid.size(), survivors);
    }
    if (threshold > 0) {
      EXPECT_GT(evictions, 100u);  // The sweeps did evict.
    }
  }
}

// ---- Region ----------------------------------------------------------------

TEST(RegionTest, CylinderBoundariesAreInclusive) {
  Grid grid;
  const Coord inside[] = {{100, 100, 5},
                          {103, 104, 5},
                          {95, 100, 6},
                          {100, 95, 7},
                          {104, 97, 5}};    // dx^2+dy^2 <= 25.
  const Coord outside[] = {{104, 104, 5},   // 32 > 25
                           {106, 100, 5},   // 36
                           {100, 100, 4},   // z below
                           {100, 100, 8}};  // z above
  for (Coord c : inside) ASSERT_TRUE(grid.Put(c, MakeWave(1)).ok());
  for (Coord c : outside) ASSERT_TRUE(grid.Put(c, MakeWave(1)).ok());
  auto cells = grid.Region(100, 100, 5.0, 5, 7);
  ASSERT_EQ(cells.size(), 5u);
  for (size_t i = 1; i < cells.size(); ++i) {
    EXPECT_LT(cells[i - 1].first.key(), cells[i].first.key());
  }
  for (Coord c : inside) {
    EXPECT_TRUE(std::any_of(cells.begin(), cells.end(),
                            [&](const auto& p) { return p.first == c; }));
  }
}

TEST(RegionTest, ClipsAtTheBorderAndHandlesDegenerateQueries) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{0, 0, 0}, MakeWave(1)).ok());
  ASSERT_TRUE(grid.Put(Coord{2, 0, 0}, MakeWave(1)).ok());
  ASSERT_TRUE(grid.Put(Coord{255, 255, 65535}, MakeWave(1)).ok());
  EXPECT_EQ(grid.Region(0, 0, 2.0, 0, 0).size(), 2u);
  EXPECT_EQ(grid.Region(0, 0, 1.99, 0, 0).size(), 1u);
  EXPECT_EQ(grid.Region(0, 0, 0.0, 0, 0).size(), 1u);
  EXPECT_EQ(grid.Region(0, 0, -1.0, 0, 65535).size(), 0u);
  EXPECT_EQ(grid.Region(0, 0, NAN, 0, 65535).size(), 0u);
  EXPECT_EQ(grid.Region(0, 0, 1000.0, 5, 4).size(), 0u);
  EXPECT_EQ(grid.Region(128, 128, 1e9, 0, 65535).size(), 3u);
  EXPECT_EQ(grid.Region(255, 255, 0.5, 65535, 65535).size(), 1u);
}

TEST(RegionTest, DenseLayersMatchBruteForce) {
  // Thousands of cells per layer: the layer index holds them as bitmaps.
  Grid grid;
  std::mt19937 rng(5);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(
        grid.Put(Coord{static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()),
                       static_cast<uint16_t>(rng() % 3)},
                 MakeWave(1.0f, (rng() % 1000) * 1.0f))
            .ok());
  }
  for (int q = 0; q < 30; ++q) {
    const uint8_t cx = rng(), cy = rng();
    const double radius = (rng() % 4000) / 100.0;
    const uint16_t z0 = rng() % 3, z1 = z0 + rng() % 2;
    std::vector<uint32_t> expected;
    grid.ForEachCell([&](Coord c, const Wave&) {
      const int dx = c.x - cx, dy = c.y - cy;
      if (dx * dx + dy * dy <= radius * radius && c.z >= z0 && c.z <= z1) {
        expected.push_back(c.key());
      }
    });
    std::sort(expected.begin(), expected.end());
    std::vector<uint32_t> got;
    for (const auto& [c, w] : grid.Region(cx, cy, radius, z0, z1)) {
      got.push_back(c.key());
    }
    ASSERT_EQ(got, expected);
  }
}

TEST(LayerScanTest, DenseLayersMatchTheModelsFormula) {
  // Thousands of cells per layer (bitmaps in the layer index); the expected
  // sums come from M(t) = A0 * sin(2 pi f t) (no emotion, no decay, phase
  // 0), evaluated here from the waves this test wrote.
  Grid grid;
  std::mt19937 rng(5);
  std::map<uint32_t, float> frequency_of;  // Last write wins, as in the grid.
  for (int i = 0; i < 20000; ++i) {
    const Coord c{static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()),
                  static_cast<uint16_t>(rng() % 3)};
    const float f = (rng() % 1000) * 1.0f;
    ASSERT_TRUE(grid.Put(c, MakeWave(1.0f, f)).ok());
    frequency_of[c.key()] = f;
  }
  grid.AdvanceTime(absl::Milliseconds(1234));
  const long double t = 1.234L;
  const long double pi = 3.141592653589793238462643383279502884L;
  for (uint16_t z = 0; z < 3; ++z) {
    long double expected = 0;
    size_t count = 0;
    for (const auto& [key, f] : frequency_of) {
      if (key >> 16 != z) continue;
      expected += std::sin(2 * pi * static_cast<long double>(f) * t);
      ++count;
    }
    const LayerSum s = grid.LayerScan(z);
    EXPECT_EQ(s.count, count) << z;
    EXPECT_GT(count, 5000u);
    // Each term within a few ulps of 1; the sums in different orders.
    EXPECT_NEAR(s.sum, static_cast<double>(expected), 1e-9 * count) << z;
  }
}

TEST(LayerScanTest, HandComputedTermsWithEmotionAndDecay) {
  // alpha 0.3, beta 0.5 (the defaults); at t = 1 s:
  //   A0 2, f 0.25 Hz, tau 1 s, v = 1, a = 1:
  //     2 * 1.3 * 1.5 * e^-1 * sin(pi/2)           =  1.4347298205686252
  //   A0 1, f 0, phase -pi/2 (as a float), v = -1, a = 0:
  //     0.7 * sin(-1.5707963705062866)             = -0.7 (to 1e-15)
  //   A0 4, f 0.125 Hz, tau 2 s:
  //     4 * e^-0.5 * sin(pi/4)                     =  1.7155277699214135
  Grid grid;
  Wave a = MakeWave(2.0f, 0.25f, 1.0f, 0.0f);
  a.valence = 127;
  a.arousal = 255;
  Wave b = MakeWave(1.0f, 0.0f, kInf, static_cast<float>(-M_PI / 2));
  b.valence = -127;
  const Wave c = MakeWave(4.0f, 0.125f, 2.0f, 0.0f);
  ASSERT_TRUE(grid.Put(Coord{0, 0, 4}, a).ok());
  ASSERT_TRUE(grid.Put(Coord{9, 200, 4}, b).ok());
  ASSERT_TRUE(grid.Put(Coord{255, 255, 4}, c).ok());
  ASSERT_TRUE(grid.Put(Coord{0, 0, 5}, a).ok());  // Another layer.
  grid.AdvanceTime(absl::Seconds(1));
  const LayerSum s = grid.LayerScan(4);
  EXPECT_EQ(s.count, 3u);
  EXPECT_NEAR(s.sum, 1.4347298205686252 - 0.7 + 1.7155277699214135, 1e-12);
  const auto terms = grid.LayerTerms(4);
  ASSERT_EQ(terms.size(), 3u);
  EXPECT_NEAR(terms[0].second, 1.4347298205686252, 1e-12);
  EXPECT_NEAR(terms[1].second, -0.7, 1e-12);
  EXPECT_NEAR(terms[2].second, 1.7155277699214135, 1e-12);
}

// ---- LayerScan
// ----------------------------------------------------------------

TEST(LayerScanTest, SumsTheValuesOfOneLayer) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{1, 1, 9}, ConstantWave(1.5f)).ok());
  ASSERT_TRUE(grid.Put(Coord{200, 17, 9}, ConstantWave(0.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{255, 255, 9}, ConstantWave(2.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{1, 1, 10}, ConstantWave(100.0f)).ok());
  ASSERT_TRUE(grid.Put(Coord{1, 1, 8}, ConstantWave(100.0f)).ok());
  const LayerSum s = grid.LayerScan(9);
  EXPECT_EQ(s.count, 3u);
  EXPECT_NEAR(s.sum, 3.5, 1e-12);
  const LayerSum empty = grid.LayerScan(11);
  EXPECT_EQ(empty.count, 0u);
  EXPECT_EQ(empty.sum, 0.0);
}

TEST(LayerScanTest, UsesTheWaveValueAtGridTime) {
  Grid grid;
  ASSERT_TRUE(grid.Put(Coord{3, 4, 0}, MakeWave(2.0f, 0.25f, kInf, 0)).ok());
  ASSERT_TRUE(grid.Put(Coord{5, 4, 0}, MakeWave(1.0f, 0.5f, kInf, 0)).ok());
  grid.AdvanceTime(absl::Seconds(1));
  // 2 sin(pi/2) + 1 sin(pi) = 2.
  EXPECT_NEAR(grid.LayerScan(0).sum, 2.0, 1e-12);
  EXPECT_EQ(grid.LayerTerms(0).size(), 2u);
}

// ---- Capacity
// -----------------------------------------------------------------

TEST(CapacityTest, FullGridRefusesNewCellsAndLosesNothing) {
  GridOptions o;
  o.max_cells = 3;
  Grid grid(o);
  ASSERT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(1)).ok());
  ASSERT_EQ(*grid.Store(Coord{2, 0, 0}, MakeWave(1)), StoreOutcome::kStored);
  ASSERT_EQ(*grid.Store(Coord{3, 0, 0}, MakeWave(0.2f)),
            StoreOutcome::kTemporary);

  const absl::Status put = grid.Put(Coord{4, 0, 0}, MakeWave(1));
  EXPECT_EQ(put.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(put.message()), HasSubstr("max_cells"));
  EXPECT_EQ(grid.Store(Coord{4, 0, 0}, MakeWave(1)).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(grid.Store(Coord{4, 0, 0}, MakeWave(0.2f)).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(grid.size(), 3u);
  EXPECT_FALSE(grid.Contains(Coord{4, 0, 0}));

  // What would not add a cell still works.
  EXPECT_EQ(*grid.Store(Coord{4, 0, 0}, MakeWave(0.01f)),
            StoreOutcome::kDropped);
  EXPECT_TRUE(grid.Put(Coord{1, 0, 0}, MakeWave(5)).ok());
  EXPECT_EQ(*grid.Store(Coord{2, 0, 0}, MakeWave(1)),
            StoreOutcome::kReinforced);
  EXPECT_EQ(grid.Recall(Coord{1, 0, 0})->amplitude, 5.0f);

  EXPECT_TRUE(grid.Forget(Coord{3, 0, 0}));
  EXPECT_TRUE(grid.Put(Coord{4, 0, 0}, MakeWave(1)).ok());
  EXPECT_EQ(grid.size(), 3u);
}

// ---- Copies
// ---------------------------------------------------------------------

TEST(GridTest, CopyIsDeepAndMoveKeepsCells) {
  Grid grid;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(grid.Put(Coord{static_cast<uint8_t>(i), 1, 1},
                         MakeWave(1, static_cast<float>(i * 7)))
                    .ok());
  }
  grid.AdvanceTime(absl::Seconds(1));
  Grid copy = grid;
  EXPECT_EQ(copy.size(), 100u);
  EXPECT_EQ(copy.now(), grid.now());
  // Cell i has frequency 7i: the band 350 +- 50 holds i = 43 .. 57, 15
  // cells, among them cell 50 (350 Hz), which the copy forgets.
  ASSERT_TRUE(copy.Forget(Coord{50, 1, 1}));
  EXPECT_TRUE(grid.Contains(Coord{50, 1, 1}));
  ResonanceQuery q{.frequency = 350, .bandwidth = 50, .k = 0};
  EXPECT_EQ(grid.Resonance(q).size(), 15u);
  EXPECT_EQ(copy.Resonance(q).size(), 14u);
  Grid moved = std::move(copy);
  EXPECT_EQ(moved.size(), 99u);
  EXPECT_EQ(moved.Resonance(q).size(), 14u);
  EXPECT_EQ(moved.ResonanceFullScan(q).size(), 14u);
  EXPECT_EQ(grid.Resonance(q).size(), 15u);
}

}  // namespace
}  // namespace m8
