#include "bench/support/population.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(CellPopulationTest, DistinctCellsInsideTheBox) {
  for (size_t cells : {size_t{1}, size_t{4096}, size_t{100000}}) {
    CellPopulation p(cells, 1000, 17);
    EXPECT_EQ(p.size(), cells);
    absl::flat_hash_set<uint32_t> seen;
    for (Coord c : p.present()) {
      EXPECT_TRUE(seen.insert(c.key()).second);
      EXPECT_LT(c.x, p.width());
      EXPECT_LT(c.y, p.width());
      EXPECT_LT(c.z, p.depth());
    }
    for (Coord c : p.absent()) {
      EXPECT_TRUE(seen.insert(c.key()).second) << "absent cell is present";
    }
    // One position in four (or a little fewer) is occupied.
    const double box = static_cast<double>(p.width()) * p.width() * p.depth();
    EXPECT_GE(box, 4.0 * cells);
    EXPECT_LT(box, 8.0 * cells + 256 * 256);
  }
}

TEST(CellPopulationTest, DeterministicPerSeed) {
  CellPopulation a(5000, 10, 1), b(5000, 10, 1), c(5000, 10, 2);
  EXPECT_EQ(a.present(), b.present());
  EXPECT_NE(a.present(), c.present());
  EXPECT_EQ(a.WaveOf(7).tag, b.WaveOf(7).tag);
}

TEST(CellPopulationTest, WavesAreStorable) {
  CellPopulation p(1000, 0, 3);
  int permanent = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Wave w = p.WaveOf(i);
    EXPECT_GE(w.amplitude, 0.5f);
    EXPECT_LT(w.amplitude, 2.0f);
    EXPECT_GE(w.frequency, 0.0f);
    EXPECT_LT(w.frequency, 1000.0f);
    EXPECT_GE(w.phase, -3.1416f);
    EXPECT_LT(w.phase, 3.1416f);
    EXPECT_GT(w.decay_tau, 0.0f);
    EXPECT_LE(w.importance, 15);
    EXPECT_GE(w.valence, -127);
    permanent += w.importance == 15;
  }
  EXPECT_GT(permanent, 20);  // About one in 16.
}

}  // namespace
}  // namespace m8::bench
