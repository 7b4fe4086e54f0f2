#include "grid/concurrent_grid.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "grid/grid.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::BruteForceInterference;
using ::m8::testing::MakeWave;

std::string Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return std::to_string(b);
}

Wave RandomWave(std::mt19937& rng) {
  Wave w = MakeWave((rng() % 300) / 100.0f, (rng() % 10000) / 10.0f,
                    0.2f + rng() % 10, (rng() % 6000) / 1000.0f - 3.0f);
  w.valence = static_cast<int8_t>(rng() % 255 - 127);
  w.arousal = static_cast<uint8_t>(rng());
  w.tag = rng();
  return w;
}

Coord RandomCoord(std::mt19937& rng) {
  return Coord{static_cast<uint8_t>(rng() % 10),
               static_cast<uint8_t>(rng() % 10),
               static_cast<uint16_t>(rng() % 10)};
}

// Runs the same random sequence on a Grid and a ConcurrentGrid and returns
// every answer, as text.
template <typename G>
std::vector<std::string> Transcript(G& g, uint32_t seed) {
  std::vector<std::string> out;
  std::mt19937 rng(seed);
  for (int i = 0; i < 4000; ++i) {
    const Coord c = RandomCoord(rng);
    switch (rng() % 11) {
      case 0:
      case 1: {
        auto r = g.Store(c, RandomWave(rng));
        out.push_back(r.ok() ? StoreOutcomeName(*r) : r.status().ToString());
        break;
      }
      case 2:
        out.push_back(g.Put(c, RandomWave(rng)).ToString());
        break;
      case 3:
        out.push_back(std::to_string(g.Reinforce(c, 0.3f)));
        break;
      case 4:
        out.push_back(std::to_string(g.Forget(c)));
        break;
      case 5:
        out.push_back(Bits(g.Interference(c)));
        break;
      case 6: {
        const DecayStats s = g.AdvanceTime(absl::Milliseconds(rng() % 500));
        out.push_back(std::to_string(s.scanned) + "/" +
                      std::to_string(s.evicted));
        break;
      }
      case 7: {
        ResonanceQuery q{.frequency = static_cast<float>(rng() % 1000),
                         .bandwidth = static_cast<float>(rng() % 200),
                         .k = rng() % 20};
        std::string hits;
        for (const ResonanceHit& h : g.Resonance(q)) {
          hits += std::to_string(h.coord.key()) + ":" + Bits(h.score) + " ";
        }
        out.push_back(hits);
        break;
      }
      case 8: {
        std::string cells;
        for (const auto& [coord, w] : g.Region(c.x, c.y, rng() % 6, 0, 9)) {
          cells += std::to_string(coord.key()) + " ";
        }
        out.push_back(cells);
        break;
      }
      case 9: {
        const LayerSum s = g.LayerScan(c.z);
        out.push_back(Bits(s.sum) + "/" + std::to_string(s.count));
        break;
      }
      case 10: {
        const std::optional<Wave> w = g.Recall(c);
        std::string bytes(sizeof(Wave), '-');
        if (w) std::memcpy(bytes.data(), &*w, sizeof(Wave));
        out.push_back(std::to_string(g.Contains(c)) + bytes);
        break;
      }
    }
    out.push_back(std::to_string(g.size()));
  }
  return out;
}

TEST(ConcurrentGridTest, AnswersLikeAGridForEveryShardCount) {
  for (uint32_t seed : {11u, 12u}) {
    GridOptions o;
    o.max_cells = 600;
    Grid grid(o);
    const std::vector<std::string> expected = Transcript(grid, seed);
    for (size_t shards : {1, 16, 256}) {
      ConcurrentGrid concurrent({o, shards});
      const std::vector<std::string> got = Transcript(concurrent, seed);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i], expected[i]) << "step " << i << ", shards " << shards;
      }
    }
  }
}

TEST(ConcurrentGridTest, InterferenceCrossesShards) {
  ConcurrentGrid grid({GridOptions{}, 64});
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(grid.Put(RandomCoord(rng), RandomWave(rng)).ok());
  }
  grid.AdvanceTime(absl::Milliseconds(321));
  const WaveModel model{GridOptions{}};
  for (int i = 0; i < 200; ++i) {
    const Coord c = RandomCoord(rng);
    EXPECT_NEAR(grid.Interference(c),
                BruteForceInterference(grid, c, EdgePolicy::kClamp, model,
                                       absl::ToDoubleSeconds(grid.now())),
                1e-9);
  }
}

TEST(ConcurrentGridTest, ValidatesOptions) {
  EXPECT_FALSE(ConcurrentGrid::Create({GridOptions{}, 0}).ok());
  EXPECT_FALSE(ConcurrentGrid::Create({GridOptions{}, 5000}).ok());
  GridOptions bad;
  bad.brick_edge = 5;
  EXPECT_FALSE(ConcurrentGrid::Create({bad, 4}).ok());
  auto ok = ConcurrentGrid::Create({GridOptions{}, 3});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->shard_count(), 3u);
}

TEST(ConcurrentGridTest, CapacityHoldsUnderContention) {
  GridOptions o;
  o.max_cells = 1000;
  ConcurrentGrid grid({o, 16});
  std::atomic<int> stored{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < 500; ++i) {
        const absl::Status s =
            grid.Put(Coord::FromKey(t * 1000003u + i * 7919u), MakeWave(1));
        if (s.ok()) {
          ++stored;
        } else {
          EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
          ++refused;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(stored.load(), 1000);
  EXPECT_EQ(refused.load(), 3000);
  EXPECT_EQ(grid.size(), 1000u);
  EXPECT_EQ(grid.Region(128, 128, 1000, 0, 65535).size(), 1000u);
}

// Eight threads mixing every operation on one grid. Run under
// ThreadSanitizer in CI; here it checks the invariants that survive any
// interleaving.
TEST(ConcurrentGridTest, EightThreadsMixingEveryOperation) {
  GridOptions o;
  o.max_cells = 2000;
  ConcurrentGrid grid({o, 16});
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<uint64_t> work{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      for (int i = 0; i < 3000; ++i) {
        const Coord c = RandomCoord(rng);
        switch (rng() % 11) {
          case 0:
          case 1: {
            auto r = grid.Store(c, RandomWave(rng));
            work += r.ok() || absl::IsResourceExhausted(r.status());
            break;
          }
          case 2:
            work += grid.Put(c, RandomWave(rng)).ok();
            break;
          case 3:
            work += grid.Recall(c).has_value();
            break;
          case 4:
            work += grid.Reinforce(c, 0.2f);
            break;
          case 5:
            work += grid.Forget(c);
            break;
          case 6:
            work += std::isfinite(grid.Interference(c));
            break;
          case 7:
            if (i % 50 == 0) {
              work += grid.AdvanceTime(absl::Milliseconds(rng() % 300)).scanned;
            }
            break;
          case 8:
            work +=
                grid.Resonance({.frequency = static_cast<float>(rng() % 1000),
                                .bandwidth = 50,
                                .k = 5})
                    .size();
            break;
          case 9:
            work += grid.Region(c.x, c.y, 3, 0, 9).size();
            break;
          case 10:
            work += grid.LayerScan(c.z).count;
            break;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // Quiescent again: every index agrees with the cells, and every answer
  // with one computed from the cells themselves.
  const std::vector<std::pair<Coord, Wave>> cells =
      grid.Region(128, 128, 1000, 0, 65535);
  EXPECT_EQ(grid.size(), cells.size());
  size_t layered = 0;
  for (uint16_t z = 0; z < 10; ++z) layered += grid.LayerScan(z).count;
  EXPECT_EQ(layered, cells.size());
  // The frequency index holds each cell once: a band over every frequency
  // finds them all.
  EXPECT_EQ(grid.Resonance({.frequency = 500, .bandwidth = 500, .k = 0}).size(),
            cells.size());
  const WaveModel model(o);
  const double now_s = absl::ToDoubleSeconds(grid.now());
  for (const auto& [c, w] : cells) {
    const std::optional<Wave> recalled = grid.Recall(c);
    ASSERT_TRUE(recalled.has_value()) << c.key();
    EXPECT_EQ(std::memcmp(&*recalled, &w, sizeof(Wave)), 0) << c.key();
    EXPECT_NEAR(
        grid.Interference(c),
        BruteForceInterference(grid, c, EdgePolicy::kClamp, model, now_s), 1e-9)
        << c.key();
  }
  EXPECT_EQ(grid.AdvanceTime(absl::ZeroDuration()).scanned, cells.size());
}

// A wave whose every 8-byte word depends on `v` (Put keeps these fields as
// given), so that a read mixing two writes of a cell is seen as torn.
Wave VersionedWave(uint32_t v, float decay_tau) {
  Wave w = MakeWave(static_cast<float>(v % 1000 + 1), 100.0f, decay_tau,
                    static_cast<float>(v % 3));
  w.access_count = v;
  w.tag = v * 2654435761u;
  return w;
}

bool Consistent(const Wave& w) {
  const uint32_t v = w.access_count;
  return w.amplitude == static_cast<float>(v % 1000 + 1) &&
         w.phase == static_cast<float>(v % 3) && w.tag == v * 2654435761u;
}

// Optimistic readers (Recall, Contains, Interference) against writers that
// insert, overwrite and forget cells, and a sweeper that evicts them, on
// few shards so that each shard's table grows (and is replaced) and shifts
// cells back on removals while it is read. Run under ThreadSanitizer in CI,
// which checks that the readers' accesses are race-free. Here: the stable
// cells, which nothing changes but which the churn around them moves within
// the tables, are always found whole; and every wave a reader sees is one a
// writer wrote, never a mix of two.
TEST(ConcurrentGridTest, OptimisticReadersSeeWholeWaves) {
  ConcurrentGrid grid({GridOptions{}, 2});
  constexpr int kWriters = 2;
  constexpr int kReaders = 2;
  // Cells [0, kStable) are stored once; writers churn [kStable, kKeys), a
  // few hot cells at its start most.
  constexpr uint32_t kStable = 500;
  constexpr uint32_t kKeys = 3000;
  constexpr uint32_t kHot = 4;
  // Interleaved, so that stable and churned cells share probe runs.
  auto coord_of = [](uint32_t i) {
    const uint32_t j =
        i < kStable ? i * 6 : (i - kStable) / 5 * 6 + (i - kStable) % 5 + 1;
    return Coord{static_cast<uint8_t>(j % 16),
                 static_cast<uint8_t>(j / 16 % 16),
                 static_cast<uint16_t>(j / 256)};
  };
  for (uint32_t i = 0; i < kStable; ++i) {
    ASSERT_TRUE(
        grid.Put(coord_of(i), VersionedWave(i, decay::kConsolidate)).ok());
  }
  std::atomic<bool> done{false};
  std::atomic<uint64_t> seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(40 + t);
      for (uint32_t v = kStable; v < 60000; ++v) {
        const uint32_t i =
            kStable + (rng() % 2 ? rng() % kHot : rng() % (kKeys - kStable));
        if (rng() % 4 == 0) {
          grid.Forget(coord_of(i));
        } else {
          // Half of the cells fade within a few sweeps.
          const float tau = rng() % 2 ? 0.05f : decay::kConsolidate;
          ASSERT_TRUE(grid.Put(coord_of(i), VersionedWave(v, tau)).ok());
        }
      }
    });
  }
  threads.emplace_back([&] {
    while (!done.load()) grid.AdvanceTime(absl::Milliseconds(20));
  });
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(70 + t);
      while (!done.load()) {
        const uint32_t stable = rng() % kStable;
        const std::optional<Wave> kept = grid.Recall(coord_of(stable));
        ASSERT_TRUE(kept.has_value()) << "stable cell " << stable << " missed";
        ASSERT_EQ(kept->access_count, stable);
        ASSERT_TRUE(Consistent(*kept));
        ASSERT_TRUE(grid.Contains(coord_of(stable)));
        const Coord c = coord_of(kStable + rng() % kHot);
        if (const std::optional<Wave> w = grid.Recall(c)) {
          ASSERT_TRUE(Consistent(*w)) << "torn wave at " << c.key();
          ++seen;
        }
        ASSERT_TRUE(std::isfinite(grid.Interference(c)));
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) threads[t].join();
  done = true;
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_GT(seen.load(), 0u);
  // Quiescent: the optimistic view agrees with the shards' grids.
  const std::vector<std::pair<Coord, Wave>> cells =
      grid.Region(128, 128, 1000, 0, 65535);
  EXPECT_EQ(grid.size(), cells.size());
  size_t present = 0;
  for (uint32_t i = 0; i < kKeys; ++i) present += grid.Contains(coord_of(i));
  EXPECT_EQ(present, cells.size());
  for (const auto& [c, w] : cells) {
    const std::optional<Wave> recalled = grid.Recall(c);
    ASSERT_TRUE(recalled.has_value()) << c.key();
    EXPECT_EQ(std::memcmp(&*recalled, &w, sizeof(Wave)), 0) << c.key();
  }
}

// Save while two writers and a sweeper change the grid. Save read-locks every
// shard at once, so each snapshot is one moment of the grid: writer w puts
// the keys of its own sequence in order, so a snapshot that holds the j-th
// key of a sequence holds every earlier one too (those cells never decay;
// the sweeper evicts the short-lived cells a third thread keeps adding). A
// Save that visited the shards one after another would, with the writers
// busy, hold later keys without earlier ones.
TEST(ConcurrentGridTest, SaveDuringWritesAndSweepsIsOneMoment) {
  ConcurrentGrid grid({GridOptions{}, 16});
  constexpr int kWriters = 2;
  constexpr uint32_t kPerWriter = 16384;
  constexpr int kSnapshots = 6;
  // Writer w's j-th key: in layer 100 + w, spread over every shard (7919 is
  // odd, so j -> 7919 j mod 65536 is one-to-one).
  auto key_of = [](int w, uint32_t j) {
    return static_cast<uint32_t>(100 + w) << 16 | (j * 7919u) % 65536u;
  };
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (uint32_t j = 0; j < kPerWriter && !done.load(); ++j) {
        Wave wave = MakeWave(1.0f, 10.0f * w);  // tau = inf: never evicted.
        wave.tag = j;
        EXPECT_TRUE(grid.Put(Coord::FromKey(key_of(w, j)), wave).ok());
      }
    });
  }
  threads.emplace_back([&] {
    std::mt19937 rng(3);
    while (!done.load()) {
      // Cells that fade within a second, in layers 0..9.
      (void)grid.Put(RandomCoord(rng), MakeWave(1.0f, 500.0f, 0.05f));
    }
  });
  threads.emplace_back([&] {
    while (!done.load()) {
      grid.AdvanceTime(absl::Milliseconds(100));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const std::string path = ::testing::TempDir() + "m8_concurrent_save_" +
                           std::to_string(::getpid()) + ".m8";
  // The snapshots are taken while the writers write.
  for (int w = 0; w < kWriters; ++w) {
    while (!grid.Contains(Coord::FromKey(key_of(w, 0)))) {
      std::this_thread::yield();
    }
  }
  for (int snapshot = 1; snapshot <= kSnapshots; ++snapshot) {
    ASSERT_TRUE(grid.Save(path).ok());
    absl::StatusOr<Grid> loaded = Grid::Load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    for (int w = 0; w < kWriters; ++w) {
      uint32_t held = 0;
      while (held < kPerWriter &&
             loaded->Contains(Coord::FromKey(key_of(w, held)))) {
        ++held;
      }
      for (uint32_t j = held; j < kPerWriter; ++j) {
        ASSERT_FALSE(loaded->Contains(Coord::FromKey(key_of(w, j))))
            << "snapshot " << snapshot << " holds key " << j << " of writer "
            << w << " but not key " << held;
      }
      for (uint32_t j = 0; j < held; ++j) {
        EXPECT_EQ(loaded->Recall(Coord::FromKey(key_of(w, j)))->tag, j);
      }
    }
  }
  done = true;
  for (std::thread& t : threads) t.join();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace m8
