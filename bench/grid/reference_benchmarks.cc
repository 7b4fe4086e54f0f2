// The reference fixtures: the limits each grid target is measured against
// in the same run (analysis/targets/architecture.json).
//
//   Ref/FlatHashMapFind, Ref/UnorderedMapFind    vs Grid/Recall
//   Ref/FlatHashMapInsert, Ref/UnorderedMapInsert vs Grid/Put (new cell)
//   Ref/Recall27                                 vs Grid/Interference
//   Ref/StreamCopy (and StreamTriad)             vs Grid/AdvanceTime
//   Ref/PointerChase                             DRAM latency
// (Ref/ResonanceScan, the full-scan resonance, is registered with the
// Resonance fixtures.) The maps hold exactly the grid's fill, keyed by
// Coord::key(), and are queried with the same key arrays.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/grid/inputs.h"
#include "bench/grid/query_fixtures.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "bench/support/resource_cache.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::DoNotOptimize;
using benchmark::State;

// ---- Maps ------------------------------------------------------------------

template <typename Map>
absl::StatusOr<std::shared_ptr<Map>> FilledMap(absl::string_view owner,
                                               size_t cells, size_t reserve);
template <>
absl::StatusOr<std::shared_ptr<WaveMap>> FilledMap<WaveMap>(
    absl::string_view owner, size_t cells, size_t reserve) {
  return FilledWaveMap(owner, cells, reserve);
}
template <>
absl::StatusOr<std::shared_ptr<StdWaveMap>> FilledMap<StdWaveMap>(
    absl::string_view owner, size_t cells, size_t reserve) {
  return FilledStdWaveMap(owner, cells, reserve);
}

template <typename Map>
struct MapFindInputs {
  std::shared_ptr<Map> map;
  std::shared_ptr<const CoordArray> keys;
};

// find() of present keys, the wave copied out as Grid::Recall does.
template <typename Map>
class MapFindFixture : public InputsFixture<MapFindInputs<Map>> {
 public:
  MapFindFixture(const std::string& name, KeyDistribution d)
      : InputsFixture<MapFindInputs<Map>>(name), distribution_(d) {}

 private:
  absl::StatusOr<MapFindInputs<Map>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<Map>> map = FilledMap<Map>("find", cells, 0);
    if (!map.ok()) return map.status();
    absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
        QueryKeys(cells, distribution_, kQuerySeed);
    if (!keys.ok()) return keys.status();
    return MapFindInputs<Map>{*map, *keys};
  }

  void Measure(State& state, MapFindInputs<Map>& in) override {
    const Map& map = *in.map;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, this->latency(), [&](uint64_t i) {
      const auto it = map.find(keys[i & mask].key());
      const std::optional<Wave> wave =
          it != map.end() ? std::optional<Wave>(it->second) : std::nullopt;
      DoNotOptimize(wave);
      return wave.has_value();
    });
  }

  KeyDistribution distribution_;
};

template <typename Map>
struct MapInsertInputs {
  std::shared_ptr<Map> map;
  std::shared_ptr<const CellPopulation> population;
};

// Insertion of new keys into a map holding the fill and reserved for the
// fill plus a batch, with the same batches and untimed undo as Grid/Put.
template <typename Map>
class MapInsertFixture : public InputsFixture<MapInsertInputs<Map>> {
 public:
  using InputsFixture<MapInsertInputs<Map>>::InputsFixture;

 private:
  absl::StatusOr<MapInsertInputs<Map>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<Map>> map =
        FilledMap<Map>("insert", cells, cells + BatchSize(cells));
    if (!map.ok()) return map.status();
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        Population(cells);
    if (!population.ok()) return population.status();
    return MapInsertInputs<Map>{*map, *population};
  }

  void Measure(State& state, MapInsertInputs<Map>& in) override {
    Map& map = *in.map;
    const CellPopulation& population = *in.population;
    const std::vector<Coord>& absent = population.absent();
    const size_t batch = std::min(BatchSize(population.size()), absent.size());
    std::vector<Wave> waves(batch);
    for (size_t j = 0; j < batch; ++j) waves[j] = population.WaveOf(j);
    TimeBatches(
        state, this->latency(), batch,
        [&](size_t j) {
          return map.try_emplace(absent[j].key(), waves[j]).second;
        },
        [&] {
          for (size_t j = 0; j < batch; ++j) map.erase(absent[j].key());
        });
  }
};

// ---- 27 independent Recalls ------------------------------------------------

// The 27 Recalls of an Interference neighbourhood (out-of-range
// neighbours skipped), on the same grid and centres as
// Grid/Interference: what Interference would cost without bricks.
class Recall27Fixture : public InputsFixture<GridQueryInputs> {
 public:
  using InputsFixture::InputsFixture;

 private:
  absl::StatusOr<GridQueryInputs> Build(const State& state) override {
    return InterferenceInputs(FillCells(state.range(0)),
                              ConfiguredGridOptions(), /*edge=*/false,
                              KeyDistribution::kUniform);
  }

  void Measure(State& state, GridQueryInputs& in) override {
    const Grid& grid = *in.grid;
    const Coord* keys = in.keys->data();
    const size_t mask = in.keys->size() - 1;
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      const Coord c = keys[i & mask];
      uint32_t found = 0;
      for (int dz = -1; dz <= 1; ++dz) {
        const int z = c.z + dz;
        if (z < 0 || z > static_cast<int>(kMaxZ)) continue;
        for (int dy = -1; dy <= 1; ++dy) {
          const int y = c.y + dy;
          if (y < 0 || y > static_cast<int>(kMaxY)) continue;
          for (int dx = -1; dx <= 1; ++dx) {
            const int x = c.x + dx;
            if (x < 0 || x > static_cast<int>(kMaxX)) continue;
            const std::optional<Wave> wave = grid.Recall(
                Coord{static_cast<uint8_t>(x), static_cast<uint8_t>(y),
                      static_cast<uint16_t>(z)});
            DoNotOptimize(wave);
            found += wave.has_value();
          }
        }
      }
      return found;
    });
  }
};

// ---- Memory: pointer chase and STREAM
// ----------------------------------------

// One node per 64-byte cache line, linked in a single random cycle.
struct alignas(64) ChaseNode {
  uint64_t next;
  uint64_t padding[7];
};
using ChaseRing = std::vector<ChaseNode>;

absl::StatusOr<std::shared_ptr<ChaseRing>> BuildChaseRing(size_t bytes) {
  const size_t n = std::max<size_t>(bytes / sizeof(ChaseNode), 2);
  std::vector<uint64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Sattolo's algorithm: a uniformly random permutation with one cycle.
  Rng rng(kQuerySeed);
  for (size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.Below(i)]);
  auto ring = std::make_shared<ChaseRing>(n);
  for (size_t i = 0; i < n; ++i) (*ring)[i].next = order[i];
  return ring;
}

struct ChaseInputs {
  std::shared_ptr<ChaseRing> ring;
};

// Dependent loads over a 64 MiB ring: each iteration is one load that
// misses every cache, so the time per iteration is the DRAM latency (plus
// a TLB miss; the ring uses 4 KiB pages).
class PointerChaseFixture : public InputsFixture<ChaseInputs> {
 public:
  using InputsFixture::InputsFixture;

 private:
  absl::StatusOr<ChaseInputs> Build(const State& state) override {
    const size_t bytes = BufferBytes(static_cast<size_t>(state.range(0)) << 20);
    absl::StatusOr<std::shared_ptr<ChaseRing>> ring =
        ResourceCache::Global().GetOrBuild<ChaseRing>(
            absl::StrCat("chase/", bytes), bytes,
            [&] { return BuildChaseRing(bytes); });
    if (!ring.ok()) return ring.status();
    return ChaseInputs{*ring};
  }

  void Measure(State& state, ChaseInputs& in) override {
    const ChaseNode* nodes = in.ring->data();
    uint64_t p = 0;
    uint64_t hops = 0;
    ResourceMeter meter(state);
    for (auto _ : state) {
      p = nodes[p].next;
      ++hops;
    }
    meter.Finish(state);
    DoNotOptimize(p);
    ReportWork(state, state.iterations(), hops);
  }
};

// STREAM's arrays: three of `bytes` each, of doubles, first touched here.
struct StreamArrays {
  explicit StreamArrays(size_t bytes)
      : n(bytes / sizeof(double)), a(n, 1.0), b(n, 2.0), c(n, 0.0) {}
  size_t n;
  std::vector<double> a, b, c;
};

struct StreamInputs {
  std::shared_ptr<StreamArrays> arrays;
};

// STREAM-style kernels over arrays of 256 MiB each (far beyond any cache).
// Bytes are counted as STREAM counts them: copy moves 16 bytes per element
// (one read, one write), triad 24 (two reads, one write); the extra read a
// write-allocate cache makes for each written line is not counted.
class StreamFixture : public InputsFixture<StreamInputs> {
 public:
  enum class Kernel { kCopy, kTriad };
  StreamFixture(const std::string& name, Kernel kernel)
      : InputsFixture(name), kernel_(kernel) {}

 private:
  static constexpr size_t kArrayBytes = size_t{256} << 20;

  absl::StatusOr<StreamInputs> Build(const State&) override {
    const size_t bytes = BufferBytes(kArrayBytes);
    absl::StatusOr<std::shared_ptr<StreamArrays>> arrays =
        ResourceCache::Global().GetOrBuild<StreamArrays>(
            absl::StrCat("stream/", bytes), 3 * bytes,
            [&]() -> absl::StatusOr<std::shared_ptr<StreamArrays>> {
              return std::make_shared<StreamArrays>(bytes);
            });
    if (!arrays.ok()) return arrays.status();
    return StreamInputs{*arrays};
  }

  void Measure(State& state, StreamInputs& in) override {
    const size_t n = in.arrays->n;
    double* __restrict a = in.arrays->a.data();
    const double* __restrict b = in.arrays->b.data();
    double* __restrict c = in.arrays->c.data();
    constexpr double kScalar = 3.0;
    LatencySampler sampler;
    ResourceMeter meter(state);
    for (auto _ : state) {
      sampler.Run([&] {
        if (kernel_ == Kernel::kCopy) {
          for (size_t j = 0; j < n; ++j) c[j] = a[j];
        } else {
          for (size_t j = 0; j < n; ++j) a[j] = b[j] + kScalar * c[j];
        }
        benchmark::ClobberMemory();
        return 0;
      });
    }
    meter.Finish(state);
    latency().Finish(state, sampler.histogram());
    // Proof of work: the destination holds what the kernel computes, at a
    // sample of positions.
    bool verified = true;
    for (size_t j = 0; j < n; j += std::max<size_t>(n / 1024, 1)) {
      verified &= kernel_ == Kernel::kCopy ? c[j] == a[j]
                                           : a[j] == b[j] + kScalar * c[j];
    }
    const auto elements = static_cast<int64_t>(n) * state.iterations();
    ReportWork(state, elements, verified ? static_cast<uint64_t>(elements) : 0);
    const int64_t bytes_per_element = (kernel_ == Kernel::kCopy ? 2 : 3) *
                                      static_cast<int64_t>(sizeof(double));
    state.SetBytesProcessed(elements * bytes_per_element);
  }

  Kernel kernel_;
};

// ---- Registration
// ----------------------------------------------------------------

// Keeps the m8::Grid fixture below in this file (backend_fixtures.h).
struct ReferenceUnit {};

const bool kRegistered = [] {
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian}) {
    const absl::string_view variant = DistributionName(d);
    RegisterFixture<MapFindFixture<WaveMap>>(
        absl::StrCat("Ref/FlatHashMapFind/", variant), d)
        ->Apply(FillSizes);
    RegisterFixture<MapFindFixture<StdWaveMap>>(
        absl::StrCat("Ref/UnorderedMapFind/", variant), d)
        ->Apply(FillSizes);
  }
  RegisterFixture<MapInsertFixture<WaveMap>>("Ref/FlatHashMapInsert/uniform")
      ->Apply(FillSizes);
  RegisterFixture<MapInsertFixture<StdWaveMap>>(
      "Ref/UnorderedMapInsert/uniform")
      ->Apply(FillSizes);
  RegisterFixture<Recall27Fixture>("Ref/Recall27/uniform")->Apply(FillSizes);
  // m8::Grid's Resonance answered by a full scan, whatever the backend.
  RegisterFixture<query_fixtures::ResonanceFixture<Grid, ReferenceUnit>>(
      "Ref/ResonanceScan/narrow", query_fixtures::Band::kNarrow, true)
      ->Apply(FillSizes);
  RegisterFixture<PointerChaseFixture>("Ref/PointerChase")
      ->ArgName("mib")
      ->Arg(64);
  RegisterFixture<StreamFixture>("Ref/StreamCopy",
                                 StreamFixture::Kernel::kCopy);
  RegisterFixture<StreamFixture>("Ref/StreamTriad",
                                 StreamFixture::Kernel::kTriad);
  return true;
}();

}  // namespace
}  // namespace m8::bench
