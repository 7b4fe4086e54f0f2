// Fixtures for the single-cell operations of Grid: Store (every blanket
// path), Put (new cell, overwrite), Recall (hit, miss), Reinforce, Forget.
//
// Reads run on the shared filled grid; writers own a grid of their own
// (OwnedGrid) and leave it holding the same cells. Operations that add or
// remove cells (Put new, Store into an empty cell, Forget) need the grid as
// it was before every operation, and rebuilding it inside the timed region
// would swamp the operation: they run batches of distinct keys with
// KeepRunningBatch, and after each batch undo it (Forget what was added,
// Put back what was removed) with the timer paused. A pause costs about
// 1.4 us, under 0.1 ns per operation at the batch sizes used; the resource
// counters include the undo work.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/grid/inputs.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::DoNotOptimize;
using benchmark::State;

// ---- Recall ---------------------------------------------------------------

// Recall of present cells (hit) drawn from a distribution, or of cells
// absent from the grid (miss).
class RecallFixture : public InputsFixture<GridQueryInputs> {
 public:
  enum class Kind { kHit, kMiss };
  RecallFixture(const std::string& name, Kind kind, KeyDistribution d,
                bool brick_edge_arg = false)
      : InputsFixture(name),
        kind_(kind),
        distribution_(d),
        brick_edge_arg_(brick_edge_arg) {}

 private:
  absl::StatusOr<GridQueryInputs> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<const Grid>> grid =
        SharedGrid(cells, FixtureGridOptions(state, brick_edge_arg_));
    if (!grid.ok()) return grid.status();
    absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
        kind_ == Kind::kHit ? QueryKeys(cells, distribution_, kQuerySeed)
                            : MissKeys(cells, kQuerySeed);
    if (!keys.ok()) return keys.status();
    return GridQueryInputs{*grid, *keys};
  }

  void Measure(State& state, GridQueryInputs& in) override {
    const Grid& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      const std::optional<Wave> wave = grid.Recall(keys[i & mask]);
      DoNotOptimize(wave);
      return wave.has_value();
    });
  }

  Kind kind_;
  KeyDistribution distribution_;
  bool brick_edge_arg_;
};

// ---- Writers to present cells ---------------------------------------------

struct WriteInputs {
  std::shared_ptr<Grid> grid;
  std::shared_ptr<const CoordArray> keys;
  std::vector<Wave> waves;  // Cycled through by writes.
};

absl::StatusOr<WriteInputs> BuildWriteInputs(absl::string_view owner,
                                             const State& state,
                                             KeyDistribution d) {
  const size_t cells = FillCells(state.range(0));
  absl::StatusOr<std::shared_ptr<Grid>> grid =
      OwnedGrid(owner, cells, ConfiguredGridOptions());
  if (!grid.ok()) return grid.status();
  absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
      QueryKeys(cells, d, kQuerySeed);
  if (!keys.ok()) return keys.status();
  WriteInputs in{*grid, *keys, {}};
  // Other cells' waves: an overwrite usually moves the cell to another
  // frequency bucket, as a real update would.
  constexpr size_t kWaves = 1024;
  in.waves.reserve(kWaves);
  for (size_t i = 0; i < kWaves; ++i) {
    in.waves.push_back(CellPopulation::MakeWave(kQuerySeed, i));
  }
  return in;
}

// Reinforce(c, gain) of present cells.
class ReinforceFixture : public InputsFixture<WriteInputs> {
 public:
  ReinforceFixture(const std::string& name, KeyDistribution d)
      : InputsFixture(name), distribution_(d) {}

 private:
  absl::StatusOr<WriteInputs> Build(const State& state) override {
    return BuildWriteInputs("reinforce", state, distribution_);
  }
  void Measure(State& state, WriteInputs& in) override {
    Grid& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      return grid.Reinforce(keys[i & mask], 0.05f);
    });
  }

  KeyDistribution distribution_;
};

// Put over present cells (overwrite).
class PutOverwriteFixture : public InputsFixture<WriteInputs> {
 public:
  PutOverwriteFixture(const std::string& name, KeyDistribution d)
      : InputsFixture(name), distribution_(d) {}

 private:
  absl::StatusOr<WriteInputs> Build(const State& state) override {
    return BuildWriteInputs("overwrite", state, distribution_);
  }
  void Measure(State& state, WriteInputs& in) override {
    Grid& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    const Wave* waves = in.waves.data();
    const size_t wave_mask = in.waves.size() - 1;
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      return grid.Put(keys[i & mask], waves[i & wave_mask]).ok();
    });
  }

  KeyDistribution distribution_;
};

// ---- Store through the Memory Blanket --------------------------------------

// The blanket's five paths (grid-model.md section 5).
enum class StorePath {
  kStored,           // Strong wave into an empty cell.
  kTemporary,        // Middling wave into an empty cell.
  kReinforced,       // Strong wave onto an occupied cell.
  kDroppedNoise,     // Noise, anywhere: dropped before any lookup.
  kDroppedOccupied,  // Middling wave onto an occupied cell.
};

struct StoreInputs {
  std::shared_ptr<Grid> grid;
  std::shared_ptr<const CellPopulation> population;
  std::shared_ptr<const CoordArray> keys;  // Present cells (occupied paths).
};

class StoreFixture : public InputsFixture<StoreInputs> {
 public:
  StoreFixture(const std::string& name, StorePath path)
      : InputsFixture(name), path_(path) {}

 private:
  absl::StatusOr<StoreInputs> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<Grid>> grid =
        OwnedGrid("store", cells, ConfiguredGridOptions());
    if (!grid.ok()) return grid.status();
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        Population(cells);
    if (!population.ok()) return population.status();
    absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
        QueryKeys(cells, KeyDistribution::kUniform, kQuerySeed);
    if (!keys.ok()) return keys.status();
    return StoreInputs{*grid, *population, *keys};
  }

  // An amplitude that takes path_ under the grid's thresholds.
  float Amplitude(const GridOptions& o) const {
    switch (path_) {
      case StorePath::kStored:
      case StorePath::kReinforced:
        return static_cast<float>(
            std::max(o.blanket_threshold, o.noise_floor) * 1.5 + 0.01);
      case StorePath::kTemporary:
      case StorePath::kDroppedOccupied:
        return static_cast<float>((o.noise_floor + o.blanket_threshold) / 2);
      case StorePath::kDroppedNoise:
        return static_cast<float>(o.noise_floor / 2);
    }
    return 0.0f;
  }

  StoreOutcome Expected() const {
    switch (path_) {
      case StorePath::kStored:
        return StoreOutcome::kStored;
      case StorePath::kTemporary:
        return StoreOutcome::kTemporary;
      case StorePath::kReinforced:
        return StoreOutcome::kReinforced;
      case StorePath::kDroppedNoise:
      case StorePath::kDroppedOccupied:
        return StoreOutcome::kDropped;
    }
    return StoreOutcome::kDropped;
  }

  void Measure(State& state, StoreInputs& in) override {
    Grid& grid = *in.grid;
    Wave wave = in.population->WaveOf(0);
    wave.amplitude = Amplitude(grid.options());
    const StoreOutcome expected = Expected();
    auto store = [&](Coord c) {
      const absl::StatusOr<StoreOutcome> outcome = grid.Store(c, wave);
      return outcome.ok() && *outcome == expected;
    };
    if (path_ == StorePath::kStored || path_ == StorePath::kTemporary) {
      // Into empty cells: batches of distinct absent cells, forgotten again
      // with the timer paused.
      const std::vector<Coord>& absent = in.population->absent();
      const size_t batch =
          std::min(BatchSize(in.population->size()), absent.size());
      TimeBatches(
          state, latency(), batch, [&](size_t j) { return store(absent[j]); },
          [&] {
            for (size_t j = 0; j < batch; ++j) grid.Forget(absent[j]);
          });
      return;
    }
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, latency(),
                      [&](uint64_t i) { return store(keys[i & mask]); });
  }

  StorePath path_;
};

// ---- Put into empty cells, Forget -------------------------------------------

struct BatchInputs {
  std::shared_ptr<Grid> grid;
  std::shared_ptr<const CellPopulation> population;
};

absl::StatusOr<BatchInputs> BuildBatchInputs(absl::string_view owner,
                                             const State& state,
                                             bool brick_edge_arg) {
  const size_t cells = FillCells(state.range(0));
  absl::StatusOr<std::shared_ptr<Grid>> grid =
      OwnedGrid(owner, cells, FixtureGridOptions(state, brick_edge_arg));
  if (!grid.ok()) return grid.status();
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  return BatchInputs{*grid, *population};
}

// Put of a new cell into a grid holding the fill: batches of distinct
// absent cells (uniform over the fill's box), forgotten again untimed.
class PutNewFixture : public InputsFixture<BatchInputs> {
 public:
  explicit PutNewFixture(const std::string& name, bool brick_edge_arg = false)
      : InputsFixture(name), brick_edge_arg_(brick_edge_arg) {}

 private:
  absl::StatusOr<BatchInputs> Build(const State& state) override {
    return BuildBatchInputs("insert", state, brick_edge_arg_);
  }
  void Measure(State& state, BatchInputs& in) override {
    Grid& grid = *in.grid;
    const CellPopulation& population = *in.population;
    const std::vector<Coord>& absent = population.absent();
    const size_t batch = std::min(BatchSize(population.size()), absent.size());
    std::vector<Wave> waves(batch);
    for (size_t j = 0; j < batch; ++j) waves[j] = population.WaveOf(j);
    TimeBatches(
        state, latency(), batch,
        [&](size_t j) { return grid.Put(absent[j], waves[j]).ok(); },
        [&] {
          for (size_t j = 0; j < batch; ++j) grid.Forget(absent[j]);
        });
  }

  bool brick_edge_arg_;
};

// Forget of present cells: batches of distinct cells (uniform: the fill is
// in random order), put back untimed.
class ForgetFixture : public InputsFixture<BatchInputs> {
 public:
  using InputsFixture::InputsFixture;

 private:
  absl::StatusOr<BatchInputs> Build(const State& state) override {
    return BuildBatchInputs("forget", state, false);
  }
  void Measure(State& state, BatchInputs& in) override {
    Grid& grid = *in.grid;
    const CellPopulation& population = *in.population;
    const std::vector<Coord>& present = population.present();
    const size_t batch = std::min(BatchSize(population.size()), present.size());
    TimeBatches(
        state, latency(), batch,
        [&](size_t j) { return grid.Forget(present[j]); },
        [&] {
          for (size_t j = 0; j < batch; ++j) {
            grid.Put(present[j], population.WaveOf(j)).IgnoreError();
          }
        });
  }
};

// ---- Registration
// -------------------------------------------------------------

const bool kRegistered = [] {
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian}) {
    const std::string variant(DistributionName(d));
    RegisterFixture<RecallFixture>(absl::StrCat("Grid/Recall/", variant),
                                   RecallFixture::Kind::kHit, d)
        ->Apply(FillSizes);
    RegisterFixture<ReinforceFixture>(absl::StrCat("Grid/Reinforce/", variant),
                                      d)
        ->Apply(FillSizes);
    RegisterFixture<PutOverwriteFixture>(
        absl::StrCat("Grid/PutOverwrite/", variant), d)
        ->Apply(FillSizes);
  }
  RegisterFixture<RecallFixture>("Grid/RecallMiss/uniform",
                                 RecallFixture::Kind::kMiss,
                                 KeyDistribution::kUniform)
      ->Apply(FillSizes);
  RegisterFixture<PutNewFixture>("Grid/Put/uniform")->Apply(FillSizes);
  // Where the brick edge matters: cell access inside shared bricks.
  RegisterFixture<RecallFixture>("Grid/BrickEdge/Recall",
                                 RecallFixture::Kind::kHit,
                                 KeyDistribution::kUniform, true)
      ->Apply(BrickEdgeSweep);
  RegisterFixture<PutNewFixture>("Grid/BrickEdge/Put", true)
      ->Apply(BrickEdgeSweep);
  RegisterFixture<ForgetFixture>("Grid/Forget/uniform")->Apply(FillSizes);
  const struct {
    const char* name;
    StorePath path;
  } kPaths[] = {
      {"stored", StorePath::kStored},
      {"temporary", StorePath::kTemporary},
      {"reinforced", StorePath::kReinforced},
      {"dropped_noise", StorePath::kDroppedNoise},
      {"dropped_occupied", StorePath::kDroppedOccupied},
  };
  for (const auto& p : kPaths) {
    RegisterFixture<StoreFixture>(absl::StrCat("Grid/Store/", p.name), p.path)
        ->Apply(FillSizes);
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
