#include "bench/load/workload.h"

#include <array>
#include <cstdint>
#include <set>

#include "bench/support/ycsb_keys.h"
#include "grid/grid.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

constexpr uint64_t kSeed = 77;

class WorkloadTest : public ::testing::Test {
 protected:
  WorkloadTest() : population_(4096, 8192, kSeed) {}

  std::set<uint32_t> KeysOf(const std::vector<Coord>& coords) const {
    std::set<uint32_t> keys;
    for (Coord c : coords) keys.insert(c.key());
    return keys;
  }

  CellPopulation population_;
};

TEST_F(WorkloadTest, StreamsFollowTheMix) {
  constexpr size_t kOps = 1 << 16;
  const std::set<uint32_t> present = KeysOf(population_.present());
  for (const Mix& mix : YcsbMixes()) {
    absl::StatusOr<OpStream> stream =
        DrawOpStream(population_, mix, KeyDistribution::kZipfian, kOps, kSeed);
    ASSERT_TRUE(stream.ok()) << stream.status();
    ASSERT_EQ(stream->ops.size(), kOps);
    std::array<size_t, kOpKindCount> counts{};
    size_t inserts = 0;
    for (const Op& op : stream->ops) {
      ++counts[static_cast<int>(op.kind)];
      if (op.kind == OpKind::kInsert) {
        // The j-th insert puts the j-th new cell.
        ASSERT_EQ(op.coord, population_.absent()[inserts++]);
      } else {
        ASSERT_TRUE(present.contains(op.coord.key())) << mix.name;
      }
    }
    EXPECT_EQ(stream->inserts, inserts);
    for (int k = 0; k < kOpKindCount; ++k) {
      EXPECT_NEAR(counts[k] / double{kOps}, mix.shares[k], 0.01)
          << mix.name << " " << OpKindName(static_cast<OpKind>(k));
    }
  }
}

TEST_F(WorkloadTest, LatestReadsFollowTheInserts) {
  absl::StatusOr<OpStream> stream = DrawOpStream(
      population_, *YcsbMix('D'), KeyDistribution::kLatest, 1 << 16, kSeed);
  ASSERT_TRUE(stream.ok()) << stream.status();
  const std::set<uint32_t> fresh = KeysOf(population_.absent());
  std::set<uint32_t> inserted;
  size_t reads = 0;
  size_t reads_of_inserted = 0;
  for (const Op& op : stream->ops) {
    if (op.kind == OpKind::kInsert) {
      inserted.insert(op.coord.key());
      continue;
    }
    ++reads;
    if (fresh.contains(op.coord.key())) {
      // A read never targets a cell that was not inserted yet.
      ASSERT_TRUE(inserted.contains(op.coord.key()));
      ++reads_of_inserted;
    }
  }
  // About 3300 inserts among 4096 + 3300 items, and the newest are the
  // hottest: most reads are of inserted cells.
  EXPECT_GT(reads_of_inserted, reads / 2);
}

TEST_F(WorkloadTest, StreamNeedsEnoughNewCells) {
  const CellPopulation small(1000, 10, kSeed);
  absl::StatusOr<OpStream> stream = DrawOpStream(
      small, *YcsbMix('D'), KeyDistribution::kLatest, 10000, kSeed);
  EXPECT_FALSE(stream.ok());
  UniformGenerator too_many(5000, 1);
  EXPECT_FALSE(DrawOpStream(small, *YcsbMix('A'), too_many, 100, kSeed).ok());
}

TEST_F(WorkloadTest, StreamsAreDeterministic) {
  auto draw = [&](uint64_t seed) {
    return DrawOpStream(population_, *YcsbMix('A'), KeyDistribution::kUniform,
                        1000, seed);
  };
  const OpStream a = *draw(1);
  const OpStream b = *draw(1);
  const OpStream c = *draw(2);
  auto same = [](const OpStream& x, const OpStream& y) {
    for (size_t i = 0; i < x.ops.size(); ++i) {
      if (x.ops[i].kind != y.ops[i].kind || x.ops[i].coord != y.ops[i].coord) {
        return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(same(a, b));
  EXPECT_FALSE(same(a, c));
}

TEST_F(WorkloadTest, ExecutorRunsEveryKind) {
  Grid grid;
  for (size_t i = 0; i < population_.size(); ++i) {
    ASSERT_TRUE(grid.Put(population_.present()[i], population_.WaveOf(i)).ok());
  }
  OpExecutor<Grid> executor(grid, kSeed);
  const Coord present = population_.present()[0];
  const Coord absent = population_.absent()[0];
  EXPECT_EQ(executor.Run({present, OpKind::kRead}), OpOutcome::kHit);
  EXPECT_EQ(executor.Run({absent, OpKind::kRead}), OpOutcome::kMiss);
  EXPECT_EQ(executor.Run({present, OpKind::kUpdate}), OpOutcome::kHit);
  EXPECT_EQ(grid.size(), population_.size());
  EXPECT_EQ(executor.Run({present, OpKind::kScan}), OpOutcome::kHit);
  EXPECT_EQ(executor.Run({present, OpKind::kReinforce}), OpOutcome::kHit);
  EXPECT_EQ(grid.Recall(present)->access_count, 1u);
  EXPECT_EQ(executor.Run({absent, OpKind::kReinforce}), OpOutcome::kMiss);
  EXPECT_EQ(executor.Run({absent, OpKind::kInsert}), OpOutcome::kHit);
  EXPECT_EQ(grid.size(), population_.size() + 1);
}

TEST_F(WorkloadTest, FullGridReportsResourceExhausted) {
  GridOptions options;
  options.max_cells = 1;
  Grid grid(options);
  OpExecutor<Grid> executor(grid, kSeed);
  EXPECT_EQ(executor.Run({population_.absent()[0], OpKind::kInsert}),
            OpOutcome::kHit);
  EXPECT_EQ(executor.Run({population_.absent()[1], OpKind::kInsert}),
            OpOutcome::kResourceExhausted);
}

TEST_F(WorkloadTest, RemoveInsertsRestoresTheCells) {
  Grid grid;
  for (size_t i = 0; i < population_.size(); ++i) {
    ASSERT_TRUE(grid.Put(population_.present()[i], population_.WaveOf(i)).ok());
  }
  absl::StatusOr<OpStream> stream = DrawOpStream(
      population_, *YcsbMix('E'), KeyDistribution::kZipfian, 1 << 14, kSeed);
  ASSERT_TRUE(stream.ok());
  OpExecutor<Grid> executor(grid, kSeed);
  for (const Op& op : stream->ops) executor.Run(op);
  EXPECT_EQ(grid.size(), population_.size() + stream->inserts);
  RemoveInserts(grid, population_, *stream);
  EXPECT_EQ(grid.size(), population_.size());
  for (Coord c : population_.present()) ASSERT_TRUE(grid.Contains(c));
}

}  // namespace
}  // namespace m8::bench
