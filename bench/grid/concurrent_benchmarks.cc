// Fixtures for ConcurrentGrid: Recall, and a 90/10 mix of Recall and Put
// (overwriting present cells), at 1, 2 and 4 threads on one shared grid;
// and their reference, Ref/ConcurrentFlatHashMapFind: the same lookups on a
// plain flat_hash_map read by the same threads without any lock, which is
// how far the machine itself lets random reads scale.
//
// Wall time drives the iteration count (UseRealTime), so items_per_second
// is the throughput of all threads together. Google Benchmark 1.7.1 divides
// the summed wall times by the thread count, so real_time is the wall time
// per operation of the whole group; newer versions report per-thread time.
// Each thread draws its own keys (seed kQuerySeed + thread index).
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
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

// Each thread draws its own keys.
uint64_t ThreadSeed(const State& state) {
  return kQuerySeed + state.thread_index();
}

// This thread's query keys over the fill of state.range(0); null after
// skipping the benchmark with the error.
std::shared_ptr<const CoordArray> ThreadQueryKeys(State& state,
                                                  KeyDistribution d) {
  absl::StatusOr<std::shared_ptr<const CoordArray>> keys =
      QueryKeys(FillCells(state.range(0)), d, ThreadSeed(state));
  if (keys.ok()) return *std::move(keys);
  SkipRun(state, keys.status());
  return nullptr;
}

struct ConcurrentInputs {
  std::shared_ptr<ConcurrentGrid> grid;
};

// `write_percent` of the operations (chosen at random, per thread) Put a
// wave over a present cell; the rest Recall one.
class ConcurrentFixture : public InputsFixture<ConcurrentInputs> {
 public:
  ConcurrentFixture(const std::string& name, int write_percent,
                    KeyDistribution d)
      : InputsFixture(name), write_percent_(write_percent), distribution_(d) {}

 private:
  absl::StatusOr<ConcurrentInputs> Build(const State& state) override {
    absl::StatusOr<std::shared_ptr<ConcurrentGrid>> grid = SharedConcurrentGrid(
        FillCells(state.range(0)), ConfiguredConcurrentOptions());
    if (!grid.ok()) return grid.status();
    return ConcurrentInputs{*grid};
  }

  void Measure(State& state, ConcurrentInputs& in) override {
    ConcurrentGrid& grid = *in.grid;
    const std::shared_ptr<const CoordArray> keys =
        ThreadQueryKeys(state, distribution_);
    if (keys == nullptr) return;
    const Coord* key = keys->data();
    const size_t mask = keys->size() - 1;
    if (write_percent_ == 0) {
      TimeEachOperation(state, latency(), [&](uint64_t i) {
        const std::optional<Wave> wave = grid.Recall(key[i & mask]);
        DoNotOptimize(wave);
        return wave.has_value();
      });
      return;
    }
    // The mix, drawn up front: writes[i] says whether operation i writes.
    const uint64_t seed = ThreadSeed(state);
    Rng rng(seed);
    std::vector<uint8_t> writes(keys->size());
    for (uint8_t& w : writes) w = rng.Below(100) < uint64_t(write_percent_);
    std::vector<Wave> waves(1024);
    for (size_t i = 0; i < waves.size(); ++i) {
      waves[i] = CellPopulation::MakeWave(seed, i);
    }
    const size_t wave_mask = waves.size() - 1;
    TimeEachOperation(state, latency(), [&](uint64_t i) -> bool {
      const Coord c = key[i & mask];
      if (writes[i & mask]) return grid.Put(c, waves[i & wave_mask]).ok();
      const std::optional<Wave> wave = grid.Recall(c);
      DoNotOptimize(wave);
      return wave.has_value();
    });
  }

  int write_percent_;
  KeyDistribution distribution_;
};

struct MapInputs {
  std::shared_ptr<WaveMap> map;
};

// find() of present keys on a map no thread writes: no lock needed.
class ConcurrentMapFindFixture : public InputsFixture<MapInputs> {
 public:
  using InputsFixture::InputsFixture;

 private:
  absl::StatusOr<MapInputs> Build(const State& state) override {
    absl::StatusOr<std::shared_ptr<WaveMap>> map =
        FilledWaveMap("find", FillCells(state.range(0)), 0);
    if (!map.ok()) return map.status();
    return MapInputs{*map};
  }

  void Measure(State& state, MapInputs& in) override {
    const WaveMap& map = *in.map;
    const std::shared_ptr<const CoordArray> keys =
        ThreadQueryKeys(state, KeyDistribution::kUniform);
    if (keys == nullptr) return;
    const Coord* key = keys->data();
    const size_t mask = keys->size() - 1;
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      const auto it = map.find(key[i & mask].key());
      const std::optional<Wave> wave =
          it != map.end() ? std::optional<Wave>(it->second) : std::nullopt;
      DoNotOptimize(wave);
      return wave.has_value();
    });
  }
};

void ThreadSweep(benchmark::internal::Benchmark* b) {
  FillSizes(b);
  b->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
}

const bool kRegistered = [] {
  RegisterFixture<ConcurrentFixture>("ConcurrentGrid/Recall/uniform", 0,
                                     KeyDistribution::kUniform)
      ->Apply(ThreadSweep);
  RegisterFixture<ConcurrentMapFindFixture>(
      "Ref/ConcurrentFlatHashMapFind/uniform")
      ->Apply(ThreadSweep);
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian}) {
    RegisterFixture<ConcurrentFixture>(
        absl::StrCat("ConcurrentGrid/ReadWrite90/", DistributionName(d)), 10, d)
        ->Apply(ThreadSweep);
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
