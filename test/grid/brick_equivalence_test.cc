// Results must not depend on the performance options: randomized sequences
// of every operation on grids with brick edges 2, 4, 8 (and odd frequency
// bucket counts) give bit-identical answers to brick edge 1, and a plain
// std::map model agrees on the cells.
#include <map>
#include <random>
#include <vector>

#include "grid/grid.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::MakeWave;

struct Variant {
  int brick_edge;
  int frequency_buckets;
};

class Equivalence {
 public:
  explicit Equivalence(EdgePolicy policy) {
    for (Variant v : {Variant{1, 4096}, Variant{2, 4096}, Variant{4, 4096},
                      Variant{8, 4096}, Variant{4, 1}, Variant{8, 13}}) {
      GridOptions o;
      o.brick_edge = v.brick_edge;
      o.frequency_buckets = v.frequency_buckets;
      o.edge_policy = policy;
      o.max_cells = 3000;
      grids_.emplace_back(o);
    }
  }

  // A coordinate in a small box near a corner (dense bricks, border cases)
  // or, sometimes, anywhere.
  Coord RandomCoord(std::mt19937& rng) {
    if (rng() % 10 == 0) return Coord::FromKey(rng());
    return Coord{static_cast<uint8_t>(rng() % 12),
                 static_cast<uint8_t>(rng() % 12),
                 static_cast<uint16_t>(rng() % 12)};
  }

  Wave RandomWave(std::mt19937& rng) {
    Wave w = MakeWave((rng() % 300) / 100.0f, (rng() % 10010) / 10.0f,
                      rng() % 5 == 0 ? decay::kConsolidate : 0.2f + rng() % 10,
                      (rng() % 7000) / 1000.0f - 3.5f);
    w.valence = static_cast<int8_t>(rng() % 255 - 127);
    w.arousal = static_cast<uint8_t>(rng());
    w.importance = static_cast<uint8_t>(rng() % 17 == 0 ? 15 : rng() % 15);
    w.tag = rng();
    return w;
  }

  void Step(std::mt19937& rng) {
    const Coord c = RandomCoord(rng);
    switch (rng() % 11) {
      case 0:
      case 1: {
        const Wave w = RandomWave(rng);
        Each([&](Grid& g) { return Describe(g.Store(c, w)); });
        break;
      }
      case 2:
      case 3: {
        const Wave w = RandomWave(rng);
        Each([&](Grid& g) { return g.Put(c, w).ToString(); });
        break;
      }
      case 4: {
        const float gain = (rng() % 100) / 50.0f - 0.5f;
        Each([&](Grid& g) { return std::to_string(g.Reinforce(c, gain)); });
        break;
      }
      case 5:
        Each([&](Grid& g) { return std::to_string(g.Forget(c)); });
        break;
      case 6:
        Each([&](Grid& g) { return Bits(g.Interference(c)); });
        break;
      case 7: {
        const absl::Duration dt = absl::Milliseconds(rng() % 800);
        Each([&](Grid& g) {
          const DecayStats s = g.AdvanceTime(dt);
          return std::to_string(s.scanned) + "/" + std::to_string(s.evicted);
        });
        break;
      }
      case 8: {
        ResonanceQuery q;
        q.frequency = (rng() % 11000) / 10.0f - 50.0f;
        q.bandwidth = (rng() % 2000) / 10.0f;
        q.min_strength = (rng() % 10) / 20.0f;
        q.k = rng() % 30;
        if (rng() % 2) q.target_valence = (rng() % 200) / 100.0f - 1.0f;
        Each([&](Grid& g) {
          std::string out;
          for (const ResonanceHit& h : g.Resonance(q)) {
            out += std::to_string(h.coord.key()) + ":" + Bits(h.score) + " ";
          }
          return out;
        });
        break;
      }
      case 9: {
        const double radius = (rng() % 100) / 10.0;
        const uint16_t z0 = rng() % 14, z1 = z0 + rng() % 6;
        Each([&](Grid& g) {
          std::string out;
          for (const auto& [coord, w] :
               g.Region(c.x % 14, c.y % 14, radius, z0, z1)) {
            out += std::to_string(coord.key()) + " ";
          }
          return out;
        });
        break;
      }
      case 10: {
        const uint16_t z = rng() % 13;
        Each([&](Grid& g) {
          const LayerSum s = g.LayerScan(z);
          return Bits(s.sum) + "/" + std::to_string(s.count);
        });
        break;
      }
    }
  }

  // Every grid holds exactly the same cells.
  void ExpectSameCells() {
    std::map<uint32_t, std::string> reference;
    grids_[0].ForEachCell([&](Coord c, const Wave& w) {
      reference[c.key()] = std::string(reinterpret_cast<const char*>(&w), 32);
    });
    EXPECT_EQ(reference.size(), grids_[0].size());
    for (size_t i = 1; i < grids_.size(); ++i) {
      std::map<uint32_t, std::string> cells;
      grids_[i].ForEachCell([&](Coord c, const Wave& w) {
        cells[c.key()] = std::string(reinterpret_cast<const char*>(&w), 32);
      });
      EXPECT_EQ(cells, reference) << "variant " << i;
      EXPECT_EQ(grids_[i].size(), reference.size());
      for (const auto& [key, bytes] : reference) {
        const std::optional<Wave> w = grids_[i].Recall(Coord::FromKey(key));
        ASSERT_TRUE(w.has_value());
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(&*w), 32), bytes);
      }
    }
  }

  size_t size() const { return grids_[0].size(); }

 private:
  static std::string Bits(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return std::to_string(b);
  }
  static std::string Describe(const absl::StatusOr<StoreOutcome>& r) {
    return r.ok() ? StoreOutcomeName(*r) : r.status().ToString();
  }
  template <typename Op>
  void Each(Op op) {
    const std::string expected = op(grids_[0]);
    for (size_t i = 1; i < grids_.size(); ++i) {
      ASSERT_EQ(op(grids_[i]), expected)
          << "brick_edge " << grids_[i].options().brick_edge << ", buckets "
          << grids_[i].options().frequency_buckets;
    }
  }

  std::vector<Grid> grids_;
};

TEST(BrickEquivalenceTest, RandomSequencesAgreeForEveryBrickEdge) {
  for (EdgePolicy policy : {EdgePolicy::kClamp, EdgePolicy::kSkip}) {
    for (uint32_t seed : {1u, 2u, 3u}) {
      Equivalence eq(policy);
      std::mt19937 rng(seed);
      for (int i = 0; i < 6000; ++i) {
        eq.Step(rng);
        if (::testing::Test::HasFatalFailure()) return;
        if (i % 1000 == 999) eq.ExpectSameCells();
      }
      eq.ExpectSameCells();
      EXPECT_GT(eq.size(), 100u);  // The sequences did build up a grid.
    }
  }
}

// A plain map model of Put / Forget / Recall over a dense box, to catch a
// bug shared by every brick edge (such as a lost index entry).
TEST(BrickEquivalenceTest, AgreesWithAMapModel) {
  for (int edge : {1, 2, 4, 8}) {
    GridOptions o;
    o.brick_edge = edge;
    Grid grid(o);
    std::map<uint32_t, Wave> model;
    std::mt19937 rng(edge);
    for (int i = 0; i < 20000; ++i) {
      const Coord c{static_cast<uint8_t>(rng() % 9),
                    static_cast<uint8_t>(rng() % 9),
                    static_cast<uint16_t>(rng() % 9)};
      if (rng() % 3 == 0) {
        EXPECT_EQ(grid.Forget(c), model.erase(c.key()) == 1);
      } else {
        Wave w = MakeWave(1.0f, (rng() % 1000) * 1.0f);
        w.tag = rng();
        ASSERT_TRUE(grid.Put(c, w).ok());
        model[c.key()] = *grid.Recall(c);
      }
    }
    ASSERT_EQ(grid.size(), model.size());
    for (const auto& [key, w] : model) {
      const std::optional<Wave> got = grid.Recall(Coord::FromKey(key));
      ASSERT_TRUE(got.has_value());
      EXPECT_EQ(got->tag, w.tag);
    }
    // Every cell is in the frequency index exactly once.
    ResonanceQuery all{.frequency = 500, .bandwidth = 600, .k = 0};
    EXPECT_EQ(grid.Resonance(all).size(), model.size());
    // And the sweep sees each once.
    EXPECT_EQ(grid.AdvanceTime(absl::ZeroDuration()).scanned, model.size());
  }
}

}  // namespace
}  // namespace m8
