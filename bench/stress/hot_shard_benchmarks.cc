// The hot-shard adversary (Stress/HotShard/{one_shard,spread}/shards:16):
// threads read and write (50/50) 4096 cells of a ConcurrentGrid that are
// either all in one shard (chosen with ShardOf) or spread over every shard,
// so that the two differ only in where the keys land. With one shard every
// operation takes the same lock; spread, the threads rarely meet, but the
// cells sit in sixteen shards' memory instead of one (more pages, more TLB
// misses). One thread is the baseline of each variant: the step from 1 to
// 2 threads is the contention. Wall time drives the iteration count
// (throughput of all threads together).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/inputs.h"
#include "bench/load/workload.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/keys.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"
#include "grid/concurrent_grid.h"

namespace m8::bench {
namespace {

using benchmark::State;

constexpr size_t kHotCells = 4096;

struct HotShardInputs {
  std::shared_ptr<ConcurrentGrid> grid;
  std::vector<Coord> cells;  // The cells every thread works on.
  size_t shards_touched = 0;
};

class HotShardFixture : public InputsFixture<HotShardInputs> {
 public:
  HotShardFixture(bool one_shard)
      : InputsFixture(absl::StrCat("Stress/HotShard/",
                                   one_shard ? "one_shard" : "spread")),
        one_shard_(one_shard) {}

 private:
  absl::StatusOr<HotShardInputs> Build(const State& state) override {
    const size_t cells = FillCells(kLoadCells);
    HotShardInputs in;
    absl::StatusOr<std::shared_ptr<ConcurrentGrid>> grid =
        LoadConcurrentGrid(cells, static_cast<size_t>(state.range(0)));
    if (!grid.ok()) return grid.status();
    in.grid = *std::move(grid);
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        LoadPopulation(cells);
    if (!population.ok()) return population.status();
    // As many cells in both variants: as many as shard 0 holds, at most
    // kHotCells (the smoke fill's shard 0 holds fewer).
    std::vector<Coord> in_shard_0;
    for (Coord c : (*population)->present()) {
      if (in.grid->ShardOf(c) == 0) in_shard_0.push_back(c);
    }
    const size_t count = std::min(kHotCells, in_shard_0.size());
    if (count == 0) return absl::FailedPreconditionError("shard 0 is empty");
    if (one_shard_) {
      in.cells.assign(in_shard_0.begin(), in_shard_0.begin() + count);
    } else {
      in.cells.assign((*population)->present().begin(),
                      (*population)->present().begin() + count);
    }
    std::vector<bool> touched(in.grid->shard_count());
    for (Coord c : in.cells) touched[in.grid->ShardOf(c)] = true;
    in.shards_touched = std::count(touched.begin(), touched.end(), true);
    return in;
  }

  void Measure(State& state, HotShardInputs& in) override {
    // Each thread's operations: half Recall, half Put, on cells drawn
    // uniformly from the set.
    Rng rng(kLoadSeed + state.thread_index());
    std::vector<Op> ops(1 << 16);
    for (Op& op : ops) {
      op.coord = in.cells[rng.Below(in.cells.size())];
      op.kind = rng.Below(2) == 0 ? OpKind::kRead : OpKind::kUpdate;
    }
    const size_t mask = ops.size() - 1;
    OpExecutor<ConcurrentGrid> executor(*in.grid,
                                        kLoadSeed + state.thread_index());
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      return executor.Run(ops[i & mask]) == OpOutcome::kHit;
    });
    if (state.thread_index() == 0) {
      state.SetLabel(absl::StrCat(in.cells.size(), " cells in ",
                                  in.shards_touched, " of ",
                                  in.grid->shard_count(), " shards"));
    }
  }

  bool one_shard_;
};

const bool kRegistered = [] {
  for (bool one_shard : {true, false}) {
    RegisterFixture<HotShardFixture>(one_shard)
        ->ArgName("shards")
        ->Arg(16)
        ->Threads(1)
        ->Threads(2)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
