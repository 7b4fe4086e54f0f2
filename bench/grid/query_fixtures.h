// The fixtures of the grid operations that read a neighbourhood, a band, a
// region or the whole grid, written once against the backend interface
// (bench/support/backend.h): Interference (centre, edge), Resonance
// (narrow, wide, emotion), Region (small, large), LayerScan, and the decay
// sweep AdvanceTime (without and with evictions). A backend without one of
// these operations has its fixtures skipped with a message naming it.
// RegisterQueryFixtures<B> registers them under the same names whatever B.
#ifndef M8_BENCH_GRID_QUERY_FIXTURES_H_
#define M8_BENCH_GRID_QUERY_FIXTURES_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench/grid/backend_inputs.h"
#include "bench/grid/inputs.h"
#include "bench/support/backend.h"
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/model_formulas.h"
#include "bench/support/op_loop.h"
#include "bench/support/resource_cache.h"
#include "benchmark/benchmark.h"
#include "grid/grid_config.h"

namespace m8::bench {
namespace query_fixtures {

using benchmark::DoNotOptimize;
using benchmark::State;

// ---- Interference -----------------------------------------------------------

// Interference at present cells: "centre" cells away from the borders (the
// common case), or "edge" cells on an x or y border of the address space,
// where the edge policy decides what the missing neighbours are.
template <GridBackend B, typename Unit>
class InterferenceFixture : public InputsFixture<BackendQueryInputs<B>> {
 public:
  InterferenceFixture(const std::string& name, bool edge, KeyDistribution d,
                      bool brick_edge_arg = false)
      : InputsFixture<BackendQueryInputs<B>>(name),
        edge_(edge),
        distribution_(d),
        brick_edge_arg_(brick_edge_arg) {}

 private:
  absl::StatusOr<BackendQueryInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<const B>> grid =
        SharedBackend<B>(cells, FixtureGridOptions(state, brick_edge_arg_));
    if (!grid.ok()) return grid.status();
    if (absl::Status s = CheckSupport(**grid, BackendOperation::kInterference);
        !s.ok()) {
      return s;
    }
    absl::StatusOr<std::shared_ptr<const CoordArray>> centres =
        InterferenceCentres(cells, edge_, distribution_);
    if (!centres.ok()) return centres.status();
    return BackendQueryInputs<B>{*grid, *centres};
  }

  void Measure(State& state, BackendQueryInputs<B>& in) override {
    if constexpr (HasInterference<B>) {
      const B& grid = *in.grid;
      const Coord* keys = in.keys->data();
      const size_t mask = in.keys->size() - 1;
      TimeEachOperation(state, this->latency(), [&](uint64_t i) {
        const double sum = grid.Interference(keys[i & mask]);
        DoNotOptimize(sum);
        return sum != 0.0;  // A lone centre cell alone makes it non-zero.
      });
    }
  }

  bool edge_;
  KeyDistribution distribution_;
  bool brick_edge_arg_;
};

// ---- AdvanceTime ------------------------------------------------------------

// Reports what the sweeps did: items = cells scanned, bytes = 32 bytes (a
// cell) per cell scanned, hits = cells scanned per sweep, evicted = cells
// evicted per sweep.
inline void ReportSweeps(State& state, uint64_t scanned, uint64_t evicted) {
  ReportWork(state, static_cast<int64_t>(scanned), scanned);
  state.SetBytesProcessed(static_cast<int64_t>(scanned * sizeof(Wave)));
  state.counters[kEvicted] = benchmark::Counter(
      static_cast<double>(evicted), benchmark::Counter::kAvgIterations);
}

template <typename B>
struct SweepInputs {
  std::shared_ptr<B> grid;
};

// AdvanceTime(0) on the filled grid: a full decay sweep that evaluates
// every cell's envelope and evicts none (the fill's waves are far above
// active_threshold at age 0).
template <GridBackend B, typename Unit>
class AdvanceTimeFixture : public InputsFixture<SweepInputs<B>> {
 public:
  using InputsFixture<SweepInputs<B>>::InputsFixture;

 private:
  absl::StatusOr<SweepInputs<B>> Build(const State& state) override {
    absl::StatusOr<std::shared_ptr<B>> grid = OwnedBackend<B>(
        "advance", FillCells(state.range(0)), ConfiguredGridOptions());
    if (!grid.ok()) return grid.status();
    if (absl::Status s = CheckSupport(**grid, BackendOperation::kAdvanceTime);
        !s.ok()) {
      return s;
    }
    return SweepInputs<B>{*grid};
  }

  void Measure(State& state, SweepInputs<B>& in) override {
    if constexpr (HasAdvanceTime<B>) Sweep(state, *in.grid);
  }

  void Sweep(State& state, B& grid) requires HasAdvanceTime<B> {
    LatencySampler sampler;
    uint64_t scanned = 0;
    uint64_t evicted = 0;
    ResourceMeter meter(state);
    for (auto _ : state) {
      const DecayStats stats =
          sampler.Run([&] { return grid.AdvanceTime(absl::ZeroDuration()); });
      scanned += stats.scanned;
      evicted += stats.evicted;
    }
    meter.Finish(state);
    this->latency().Finish(state, sampler.histogram());
    ReportSweeps(state, scanned, evicted);
  }
};

// A grid in a steady state of decay: the fill in kGroups groups, group g
// stored at time g * kStep, every wave with the same envelope (A0 = 1, no
// emotion) and a tau under which a wave falls below active_threshold at an
// age between (kGroups - 1) and kGroups steps. Each AdvanceTime(kStep)
// then evicts exactly the oldest group, 1 / kGroups of the cells; putting
// that group back (stamped with the new time) restores the steady state.
template <typename B>
struct DecayingGrid {
  static constexpr int kGroups = 10;
  static constexpr absl::Duration kStep = absl::Milliseconds(100);

  B grid;
  std::vector<std::vector<std::pair<Coord, Wave>>> groups;
  int oldest = 0;  // The group the next sweep evicts.
};

template <GridBackend B>
absl::StatusOr<std::shared_ptr<DecayingGrid<B>>> BuildDecayingGrid(
    size_t cells, const GridOptions& options) {
  const double threshold = options.active_threshold;
  if (!(threshold > 0.0 && threshold < 1.0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "AdvanceTimeEvicting needs active_threshold in (0, 1), got ",
        threshold));
  }
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  absl::StatusOr<B> grid = B::Create(options);
  if (!grid.ok()) return grid.status();
  if (absl::Status s = CheckSupport(*grid, BackendOperation::kAdvanceTime);
      !s.ok()) {
    return s;
  }
  auto decaying = std::make_shared<DecayingGrid<B>>(
      DecayingGrid<B>{*std::move(grid), {}, 0});
  // exp(-age / (tau * tau_scale)) < threshold  <=>  age > tau * tau_scale *
  // ln(1 / threshold); put that lifetime half a step before kGroups steps.
  const double lifetime_s = (DecayingGrid<B>::kGroups - 0.5) *
                            absl::ToDoubleSeconds(DecayingGrid<B>::kStep);
  const auto tau = static_cast<float>(
      lifetime_s / (TauScale(options) * std::log(1.0 / threshold)));
  decaying->groups.resize(DecayingGrid<B>::kGroups);
  for (size_t i = 0; i < (*population)->size(); ++i) {
    Wave w = (*population)->WaveOf(i);
    w.amplitude = 1.0f;
    w.valence = 0;
    w.arousal = 0;
    w.importance = 0;
    w.decay_tau = tau;
    decaying->groups[i % DecayingGrid<B>::kGroups].emplace_back(
        (*population)->present()[i], w);
  }
  for (int g = 0; g < DecayingGrid<B>::kGroups; ++g) {
    if (g > 0) {
      if constexpr (HasAdvanceTime<B>) {
        decaying->grid.AdvanceTime(DecayingGrid<B>::kStep);
      }
    }
    for (const auto& [c, w] : decaying->groups[g]) {
      if (absl::Status s = decaying->grid.Put(c, w); !s.ok()) return s;
    }
  }
  return decaying;
}

template <typename B>
struct DecayingInputs {
  std::shared_ptr<DecayingGrid<B>> decaying;
};

// AdvanceTime(100 ms) evicting a tenth of the cells per sweep; the evicted
// group is put back with the timer paused (a sweep of the 4M-cell grid
// takes milliseconds, so the pause costs nothing measurable).
template <GridBackend B, typename Unit>
class AdvanceTimeEvictingFixture : public InputsFixture<DecayingInputs<B>> {
 public:
  using InputsFixture<DecayingInputs<B>>::InputsFixture;

 private:
  absl::StatusOr<DecayingInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    const GridOptions& options = ConfiguredGridOptions();
    absl::StatusOr<std::shared_ptr<DecayingGrid<B>>> decaying =
        ResourceCache::Global().GetOrBuild<DecayingGrid<B>>(
            absl::StrCat(std::is_same_v<B, Grid> ? "grid" : "backend",
                         "/decaying/", cells, "/", GridOptionsKey(options)),
            cells * 192, [&] { return BuildDecayingGrid<B>(cells, options); });
    if (!decaying.ok()) return decaying.status();
    return DecayingInputs<B>{*decaying};
  }

  void Measure(State& state, DecayingInputs<B>& in) override {
    if constexpr (HasAdvanceTime<B>) Sweep(state, *in.decaying);
  }

  void Sweep(State& state, DecayingGrid<B>& d) requires HasAdvanceTime<B> {
    LatencySampler sampler;
    uint64_t scanned = 0;
    uint64_t evicted = 0;
    ResourceMeter meter(state);
    for (auto _ : state) {
      const DecayStats stats = sampler.Run(
          [&] { return d.grid.AdvanceTime(DecayingGrid<B>::kStep); });
      scanned += stats.scanned;
      evicted += stats.evicted;
      state.PauseTiming();
      for (const auto& [c, w] : d.groups[d.oldest])
        d.grid.Put(c, w).IgnoreError();
      d.oldest = (d.oldest + 1) % DecayingGrid<B>::kGroups;
      state.ResumeTiming();
    }
    meter.Finish(state);
    this->latency().Finish(state, sampler.histogram());
    ReportSweeps(state, scanned, evicted);
  }
};

// ---- Resonance
// ----------------------------------------------------------------

enum class Band {
  kNarrow,   // 10 Hz of 1000 Hz: 1% of the cells in band (frequency index).
  kWide,     // 500 Hz: half the cells in band.
  kEmotion,  // Narrow, ranked by emotional similarity too.
};

template <typename B>
struct ResonanceInputs {
  std::shared_ptr<const B> grid;
  std::vector<ResonanceQuery> queries;
};

inline std::vector<ResonanceQuery> MakeQueries(Band band) {
  constexpr size_t kQueries = 1024;
  Rng rng(kQuerySeed);
  std::vector<ResonanceQuery> queries(kQueries);
  for (ResonanceQuery& q : queries) {
    q.bandwidth = band == Band::kWide ? 250.0f : 5.0f;
    // Centres whose whole band lies inside [0, 1000], so that every query
    // covers the same share of the cells.
    q.frequency = static_cast<float>(q.bandwidth + (1000.0 - 2 * q.bandwidth) *
                                                       rng.NextDouble());
    q.k = 10;
    if (band == Band::kEmotion) {
      q.target_valence = static_cast<float>(2.0 * rng.NextDouble() - 1.0);
      q.target_arousal = static_cast<float>(rng.NextDouble());
    }
  }
  return queries;
}

// Resonance through the frequency index, or (for the reference) the same
// queries answered by a full scan.
template <GridBackend B, typename Unit>
class ResonanceFixture : public InputsFixture<ResonanceInputs<B>> {
 public:
  ResonanceFixture(const std::string& name, Band band, bool full_scan)
      : InputsFixture<ResonanceInputs<B>>(name),
        band_(band),
        full_scan_(full_scan) {}

 private:
  absl::StatusOr<ResonanceInputs<B>> Build(const State& state) override {
    absl::StatusOr<std::shared_ptr<const B>> grid =
        SharedBackend<B>(FillCells(state.range(0)), ConfiguredGridOptions());
    if (!grid.ok()) return grid.status();
    if (absl::Status s = CheckSupport(**grid, BackendOperation::kResonance);
        !s.ok()) {
      return s;
    }
    return ResonanceInputs<B>{*grid, MakeQueries(band_)};
  }

  void Measure(State& state, ResonanceInputs<B>& in) override {
    if constexpr (HasResonance<B>) {
      const B& grid = *in.grid;
      const ResonanceQuery* queries = in.queries.data();
      const size_t mask = in.queries.size() - 1;
      TimeEachOperation(state, this->latency(), [&](uint64_t i) {
        const ResonanceQuery& q = queries[i & mask];
        const std::vector<ResonanceHit> hits = Answer(grid, q);
        DoNotOptimize(hits.data());
        return hits.size();
      });
    }
  }

  std::vector<ResonanceHit> Answer(
      const B& grid, const ResonanceQuery& q) requires HasResonance<B> {
    if constexpr (std::is_same_v<B, Grid>) {
      return full_scan_ ? grid.ResonanceFullScan(q) : grid.Resonance(q);
    } else {
      return grid.Resonance(q);
    }
  }

  Band band_;
  bool full_scan_;
};

// ---- Region and LayerScan
// -----------------------------------------------------

struct RegionQuery {
  uint8_t cx;
  uint8_t cy;
  uint16_t z_min;
  uint16_t z_max;
};

template <typename B>
struct RegionInputs {
  std::shared_ptr<const B> grid;
  std::vector<RegionQuery> queries;
  double radius;
};

// Region queries over the fill's box: "small" is radius 4 over 4 layers
// (about 50 cells), "large" radius 64 over 16 layers (about 50,000 cells on
// the bigger fills); fewer where the fill has fewer layers.
template <GridBackend B, typename Unit>
class RegionFixture : public InputsFixture<RegionInputs<B>> {
 public:
  RegionFixture(const std::string& name, double radius, int layers,
                bool brick_edge_arg = false)
      : InputsFixture<RegionInputs<B>>(name),
        radius_(radius),
        layers_(layers),
        brick_edge_arg_(brick_edge_arg) {}

 private:
  absl::StatusOr<RegionInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<const B>> grid =
        SharedBackend<B>(cells, FixtureGridOptions(state, brick_edge_arg_));
    if (!grid.ok()) return grid.status();
    if (absl::Status s = CheckSupport(**grid, BackendOperation::kRegion);
        !s.ok()) {
      return s;
    }
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        Population(cells);
    if (!population.ok()) return population.status();
    const uint32_t width = (*population)->width();
    const uint32_t depth = (*population)->depth();
    const uint32_t layers = std::min<uint32_t>(layers_, depth);
    Rng rng(kQuerySeed);
    std::vector<RegionQuery> queries(1024);
    for (RegionQuery& q : queries) {
      q.cx = static_cast<uint8_t>(rng.Below(width));
      q.cy = static_cast<uint8_t>(rng.Below(width));
      q.z_min = static_cast<uint16_t>(rng.Below(depth - layers + 1));
      q.z_max = static_cast<uint16_t>(q.z_min + layers - 1);
    }
    return RegionInputs<B>{*grid, std::move(queries), radius_};
  }

  void Measure(State& state, RegionInputs<B>& in) override {
    if constexpr (HasRegion<B>) {
      const B& grid = *in.grid;
      const RegionQuery* queries = in.queries.data();
      const size_t mask = in.queries.size() - 1;
      const double radius = in.radius;
      TimeEachOperation(state, this->latency(), [&](uint64_t i) {
        const RegionQuery& q = queries[i & mask];
        const auto cells = grid.Region(q.cx, q.cy, radius, q.z_min, q.z_max);
        DoNotOptimize(cells.data());
        return cells.size();
      });
    }
  }

  double radius_;
  int layers_;
  bool brick_edge_arg_;
};

template <typename B>
struct LayerInputs {
  std::shared_ptr<const B> grid;
  uint32_t depth;
};

// LayerScan of the fill's layers in turn (a whole 256 x 256 layer holds
// about 16,000 cells on the bigger fills).
template <GridBackend B, typename Unit>
class LayerScanFixture : public InputsFixture<LayerInputs<B>> {
 public:
  using InputsFixture<LayerInputs<B>>::InputsFixture;

 private:
  absl::StatusOr<LayerInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<const B>> grid =
        SharedBackend<B>(cells, ConfiguredGridOptions());
    if (!grid.ok()) return grid.status();
    if (absl::Status s = CheckSupport(**grid, BackendOperation::kLayerScan);
        !s.ok()) {
      return s;
    }
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        Population(cells);
    if (!population.ok()) return population.status();
    return LayerInputs<B>{*grid, (*population)->depth()};
  }

  void Measure(State& state, LayerInputs<B>& in) override {
    if constexpr (HasLayerScan<B>) {
      const B& grid = *in.grid;
      const uint32_t depth = in.depth;
      TimeEachOperation(state, this->latency(), [&](uint64_t i) {
        const LayerSum sum = grid.LayerScan(static_cast<uint16_t>(i % depth));
        DoNotOptimize(sum);
        return sum.count;
      });
    }
  }
};

}  // namespace query_fixtures

// Registers the query fixtures on backend B.
// `Unit`: a type of the calling file's unnamed namespace
// (RegisterGridFixtures in backend_fixtures.h says why).
template <GridBackend B, typename Unit>
void RegisterQueryFixtures() {
  namespace q = query_fixtures;
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian}) {
    RegisterFixture<q::InterferenceFixture<B, Unit>>(
        absl::StrCat("Grid/Interference/", DistributionName(d)), false, d)
        ->Apply(FillSizes);
  }
  RegisterFixture<q::InterferenceFixture<B, Unit>>(
      "Grid/InterferenceEdge/uniform", true, KeyDistribution::kUniform)
      ->Apply(FillSizes);
  RegisterFixture<q::AdvanceTimeFixture<B, Unit>>("Grid/AdvanceTime")
      ->Apply(FillSizes);
  RegisterFixture<q::AdvanceTimeEvictingFixture<B, Unit>>(
      "Grid/AdvanceTimeEvicting")
      ->Apply(FillSizes);
  RegisterFixture<q::ResonanceFixture<B, Unit>>("Grid/Resonance/narrow",
                                                q::Band::kNarrow, false)
      ->Apply(FillSizes);
  RegisterFixture<q::ResonanceFixture<B, Unit>>("Grid/Resonance/wide",
                                                q::Band::kWide, false)
      ->Apply(FillSizes);
  RegisterFixture<q::ResonanceFixture<B, Unit>>("Grid/Resonance/emotion",
                                                q::Band::kEmotion, false)
      ->Apply(FillSizes);
  RegisterFixture<q::RegionFixture<B, Unit>>("Grid/Region/small", 4.0, 4)
      ->Apply(FillSizes);
  RegisterFixture<q::RegionFixture<B, Unit>>("Grid/Region/large", 64.0, 16)
      ->Apply(FillSizes);
  RegisterFixture<q::LayerScanFixture<B, Unit>>("Grid/LayerScan")
      ->Apply(FillSizes);
  // Where the brick edge matters: neighbourhoods and regions.
  RegisterFixture<q::InterferenceFixture<B, Unit>>(
      "Grid/BrickEdge/Interference", false, KeyDistribution::kUniform, true)
      ->Apply(BrickEdgeSweep);
  RegisterFixture<q::RegionFixture<B, Unit>>("Grid/BrickEdge/Region", 4.0, 4,
                                             true)
      ->Apply(BrickEdgeSweep);
}

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_QUERY_FIXTURES_H_
