// The fixtures of the single-cell grid operations, written once against the
// backend interface (bench/support/backend.h): Store (every blanket path),
// Put (new cell, overwrite), Recall (hit, miss), Reinforce, Forget.
// RegisterCellFixtures<B> registers them under the same names whatever B.
//
// Reads run on the shared filled grid; writers own a grid of their own
// (OwnedBackend) and leave it holding the same cells. Operations that add or
// remove cells (Put new, Store into an empty cell, Forget) need the grid as
// it was before every operation, and rebuilding it inside the timed region
// would swamp the operation: they run batches of distinct keys with
// KeepRunningBatch, and after each batch undo it (Forget what was added,
// Put back what was removed) with the timer paused. A pause costs about
// 1.4 us, under 0.1 ns per operation at the batch sizes used; the resource
// counters include the undo work.
#ifndef M8_BENCH_GRID_CELL_FIXTURES_H_
#define M8_BENCH_GRID_CELL_FIXTURES_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/grid/backend_inputs.h"
#include "bench/grid/inputs.h"
#include "bench/support/backend.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace cell_fixtures {

using benchmark::DoNotOptimize;
using benchmark::State;

// ---- Recall ---------------------------------------------------------------

// Recall of present cells (hit) drawn from a distribution, or of cells
// absent from the grid (miss).
template <GridBackend B, typename Unit>
class RecallFixture : public InputsFixture<BackendQueryInputs<B>> {
 public:
  enum class Kind { kHit, kMiss };
  RecallFixture(const std::string& name, Kind kind, KeyDistribution d,
                bool brick_edge_arg = false)
      : InputsFixture<BackendQueryInputs<B>>(name),
        kind_(kind),
        distribution_(d),
        brick_edge_arg_(brick_edge_arg) {}

 private:
  absl::StatusOr<BackendQueryInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<const B>> grid =
        SharedBackend<B>(cells, FixtureGridOptions(state, brick_edge_arg_));
    if (!grid.ok()) return grid.status();
    absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
        kind_ == Kind::kHit ? QueryKeys(cells, distribution_, kQuerySeed)
                            : MissKeys(cells, kQuerySeed);
    if (!keys.ok()) return keys.status();
    return BackendQueryInputs<B>{*grid, *keys};
  }

  void Measure(State& state, BackendQueryInputs<B>& in) override {
    const B& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, this->latency(), [&](uint64_t i) {
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

template <typename B>
struct WriteInputs {
  std::shared_ptr<B> grid;
  std::shared_ptr<const CoordArray> keys;
  std::vector<Wave> waves;  // Cycled through by writes.
};

template <GridBackend B>
absl::StatusOr<WriteInputs<B>> BuildWriteInputs(absl::string_view owner,
                                                const State& state,
                                                KeyDistribution d) {
  const size_t cells = FillCells(state.range(0));
  absl::StatusOr<std::shared_ptr<B>> grid =
      OwnedBackend<B>(owner, cells, ConfiguredGridOptions());
  if (!grid.ok()) return grid.status();
  absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
      QueryKeys(cells, d, kQuerySeed);
  if (!keys.ok()) return keys.status();
  WriteInputs<B> in{*grid, *keys, {}};
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
template <GridBackend B, typename Unit>
class ReinforceFixture : public InputsFixture<WriteInputs<B>> {
 public:
  ReinforceFixture(const std::string& name, KeyDistribution d)
      : InputsFixture<WriteInputs<B>>(name), distribution_(d) {}

 private:
  absl::StatusOr<WriteInputs<B>> Build(const State& state) override {
    return BuildWriteInputs<B>("reinforce", state, distribution_);
  }
  void Measure(State& state, WriteInputs<B>& in) override {
    B& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, this->latency(), [&](uint64_t i) {
      return grid.Reinforce(keys[i & mask], 0.05f);
    });
  }

  KeyDistribution distribution_;
};

// Put over present cells (overwrite).
template <GridBackend B, typename Unit>
class PutOverwriteFixture : public InputsFixture<WriteInputs<B>> {
 public:
  PutOverwriteFixture(const std::string& name, KeyDistribution d)
      : InputsFixture<WriteInputs<B>>(name), distribution_(d) {}

 private:
  absl::StatusOr<WriteInputs<B>> Build(const State& state) override {
    return BuildWriteInputs<B>("overwrite", state, distribution_);
  }
  void Measure(State& state, WriteInputs<B>& in) override {
    B& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    const Wave* waves = in.waves.data();
    const size_t wave_mask = in.waves.size() - 1;
    TimeEachOperation(state, this->latency(), [&](uint64_t i) {
      return grid.Put(keys[i & mask], waves[i & wave_mask]).ok();
    });
  }

  KeyDistribution distribution_;
};

// ---- Store through the Memory Blanket --------------------------------------

// The blanket's five paths (the outcomes of Grid::Store).
enum class StorePath {
  kStored,           // Strong wave into an empty cell.
  kTemporary,        // Middling wave into an empty cell.
  kReinforced,       // Strong wave onto an occupied cell.
  kDroppedNoise,     // Noise, anywhere: dropped before any lookup.
  kDroppedOccupied,  // Middling wave onto an occupied cell.
};

template <typename B>
struct StoreInputs {
  std::shared_ptr<B> grid;
  std::shared_ptr<const CellPopulation> population;
  std::shared_ptr<const CoordArray> keys;  // Present cells (occupied paths).
};

template <GridBackend B, typename Unit>
class StoreFixture : public InputsFixture<StoreInputs<B>> {
 public:
  StoreFixture(const std::string& name, StorePath path)
      : InputsFixture<StoreInputs<B>>(name), path_(path) {}

 private:
  absl::StatusOr<StoreInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<B>> grid =
        OwnedBackend<B>("store", cells, ConfiguredGridOptions());
    if (!grid.ok()) return grid.status();
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        Population(cells);
    if (!population.ok()) return population.status();
    absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
        QueryKeys(cells, KeyDistribution::kUniform, kQuerySeed);
    if (!keys.ok()) return keys.status();
    return StoreInputs<B>{*grid, *population, *keys};
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

  void Measure(State& state, StoreInputs<B>& in) override {
    B& grid = *in.grid;
    Wave wave = in.population->WaveOf(0);
    wave.amplitude = Amplitude(ConfiguredGridOptions());
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
          state, this->latency(), batch,
          [&](size_t j) { return store(absent[j]); },
          [&] {
            for (size_t j = 0; j < batch; ++j) grid.Forget(absent[j]);
          });
      return;
    }
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, this->latency(),
                      [&](uint64_t i) { return store(keys[i & mask]); });
  }

  StorePath path_;
};

// ---- Put into empty cells, Forget -------------------------------------------

template <typename B>
struct BatchInputs {
  std::shared_ptr<B> grid;
  std::shared_ptr<const CellPopulation> population;
};

template <GridBackend B>
absl::StatusOr<BatchInputs<B>> BuildBatchInputs(absl::string_view owner,
                                                const State& state,
                                                bool brick_edge_arg) {
  const size_t cells = FillCells(state.range(0));
  absl::StatusOr<std::shared_ptr<B>> grid =
      OwnedBackend<B>(owner, cells, FixtureGridOptions(state, brick_edge_arg));
  if (!grid.ok()) return grid.status();
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  return BatchInputs<B>{*grid, *population};
}

// Put of a new cell into a grid holding the fill: batches of distinct
// absent cells (uniform over the fill's box), forgotten again untimed.
template <GridBackend B, typename Unit>
class PutNewFixture : public InputsFixture<BatchInputs<B>> {
 public:
  explicit PutNewFixture(const std::string& name, bool brick_edge_arg = false)
      : InputsFixture<BatchInputs<B>>(name), brick_edge_arg_(brick_edge_arg) {}

 private:
  absl::StatusOr<BatchInputs<B>> Build(const State& state) override {
    return BuildBatchInputs<B>("insert", state, brick_edge_arg_);
  }
  void Measure(State& state, BatchInputs<B>& in) override {
    B& grid = *in.grid;
    const CellPopulation& population = *in.population;
    const std::vector<Coord>& absent = population.absent();
    const size_t batch = std::min(BatchSize(population.size()), absent.size());
    std::vector<Wave> waves(batch);
    for (size_t j = 0; j < batch; ++j) waves[j] = population.WaveOf(j);
    TimeBatches(
        state, this->latency(), batch,
        [&](size_t j) { return grid.Put(absent[j], waves[j]).ok(); },
        [&] {
          for (size_t j = 0; j < batch; ++j) grid.Forget(absent[j]);
        });
  }

  bool brick_edge_arg_;
};

// Forget of present cells: batches of distinct cells (uniform: the fill is
// in random order), put back untimed.
template <GridBackend B, typename Unit>
class ForgetFixture : public InputsFixture<BatchInputs<B>> {
 public:
  using InputsFixture<BatchInputs<B>>::InputsFixture;

 private:
  absl::StatusOr<BatchInputs<B>> Build(const State& state) override {
    return BuildBatchInputs<B>("forget", state, false);
  }
  void Measure(State& state, BatchInputs<B>& in) override {
    B& grid = *in.grid;
    const CellPopulation& population = *in.population;
    const std::vector<Coord>& present = population.present();
    const size_t batch = std::min(BatchSize(population.size()), present.size());
    TimeBatches(
        state, this->latency(), batch,
        [&](size_t j) { return grid.Forget(present[j]); },
        [&] {
          for (size_t j = 0; j < batch; ++j) {
            grid.Put(present[j], population.WaveOf(j)).IgnoreError();
          }
        });
  }
};

}  // namespace cell_fixtures

// Registers the cell fixtures on backend B.
// `Unit`: a type of the calling file's unnamed namespace
// (RegisterGridFixtures in backend_fixtures.h says why).
template <GridBackend B, typename Unit>
void RegisterCellFixtures() {
  namespace c = cell_fixtures;
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian}) {
    const std::string variant(DistributionName(d));
    RegisterFixture<c::RecallFixture<B, Unit>>(
        absl::StrCat("Grid/Recall/", variant),
        c::RecallFixture<B, Unit>::Kind::kHit, d)
        ->Apply(FillSizes);
    RegisterFixture<c::ReinforceFixture<B, Unit>>(
        absl::StrCat("Grid/Reinforce/", variant), d)
        ->Apply(FillSizes);
    RegisterFixture<c::PutOverwriteFixture<B, Unit>>(
        absl::StrCat("Grid/PutOverwrite/", variant), d)
        ->Apply(FillSizes);
  }
  RegisterFixture<c::RecallFixture<B, Unit>>(
      "Grid/RecallMiss/uniform", c::RecallFixture<B, Unit>::Kind::kMiss,
      KeyDistribution::kUniform)
      ->Apply(FillSizes);
  RegisterFixture<c::PutNewFixture<B, Unit>>("Grid/Put/uniform")
      ->Apply(FillSizes);
  // Where the brick edge matters: cell access inside shared bricks.
  RegisterFixture<c::RecallFixture<B, Unit>>(
      "Grid/BrickEdge/Recall", c::RecallFixture<B, Unit>::Kind::kHit,
      KeyDistribution::kUniform, true)
      ->Apply(BrickEdgeSweep);
  RegisterFixture<c::PutNewFixture<B, Unit>>("Grid/BrickEdge/Put", true)
      ->Apply(BrickEdgeSweep);
  RegisterFixture<c::ForgetFixture<B, Unit>>("Grid/Forget/uniform")
      ->Apply(FillSizes);
  const struct {
    const char* name;
    c::StorePath path;
  } kPaths[] = {
      {"stored", c::StorePath::kStored},
      {"temporary", c::StorePath::kTemporary},
      {"reinforced", c::StorePath::kReinforced},
      {"dropped_noise", c::StorePath::kDroppedNoise},
      {"dropped_occupied", c::StorePath::kDroppedOccupied},
  };
  for (const auto& p : kPaths) {
    RegisterFixture<c::StoreFixture<B, Unit>>(
        absl::StrCat("Grid/Store/", p.name), p.path)
        ->Apply(FillSizes);
  }
}

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_CELL_FIXTURES_H_
