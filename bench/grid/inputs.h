// The inputs of the grid-area fixtures: filled grids, reference maps and
// pre-generated query keys, built once through the ResourceCache and shared
// by every fixture, thread and run that asks for the same thing.
//
// Every fill of n cells holds exactly the cells of CellPopulation(n) (fixed
// seed) with their waves, so that Grid, ConcurrentGrid and the reference
// maps hold the same keys, and a query key array of one distribution and
// seed is the same for all of them.
//
// Thread-safety: thread-safe. A `const` result is shared read-only; a
// mutable result is shared by the fixtures that say so (see each function).
#ifndef M8_BENCH_GRID_INPUTS_H_
#define M8_BENCH_GRID_INPUTS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/support/keys.h"
#include "bench/support/population.h"
#include "benchmark/benchmark.h"
#include "grid/concurrent_grid.h"
#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/wave.h"

namespace m8::bench {

// The fill sizes every grid fixture runs at (a grid that fits in L2, one
// that fits in L3 on most machines, and one far bigger than any cache),
// under the argument name "cells".
void FillSizes(benchmark::internal::Benchmark* b);

// The brick-edge sweep: cells 262144 and 4194304 (dense bricks in and out
// of cache) times brick_edge 1, 2, 4 and 8, as "cells" and "brick_edge".
void BrickEdgeSweep(benchmark::internal::Benchmark* b);

// The grid options of a fixture: the configured ones, with brick_edge
// taken from the second argument when the fixture is registered with
// BrickEdgeSweep (`brick_edge_arg`).
GridOptions FixtureGridOptions(const benchmark::State& state,
                               bool brick_edge_arg);

// Seeds: one for the fills, and the base of the query-key seeds (thread t
// of a threaded fixture uses kQuerySeed + t).
inline constexpr uint64_t kFillSeed = 0x6d38'6669'6c6c;   // "m8fill"
inline constexpr uint64_t kQuerySeed = 0x6d38'7175'6572;  // "m8quer"
// Absent cells kept beside each fill: misses and new cells for Put.
inline constexpr size_t kAbsentCells = 65536;

// Keys a batch fixture (Grid/Put of new cells, Grid/Store into empty ones,
// Grid/Forget, and the map inserts beside them) adds or removes between
// undos: a quarter of the fill, at least 1024 (so that a pause costs well
// under 1 ns an operation) and at most kAbsentCells (so that the grid stays
// close to its fill size).
inline size_t BatchSize(size_t cells) {
  return std::clamp<size_t>(cells / 4, 1024, kAbsentCells);
}

// Query keys per array: 2^20 (2^14 in smoke mode). A power of two, so that
// fixtures cycle through them with a mask.
size_t QueryKeyCount();

using CoordArray = std::vector<Coord>;
using WaveMap = absl::flat_hash_map<uint32_t, Wave>;
using StdWaveMap = std::unordered_map<uint32_t, Wave>;

absl::StatusOr<std::shared_ptr<const CellPopulation>> Population(size_t cells);

// The options every fixture uses: those of --m8_config (or the defaults).
const GridOptions& ConfiguredGridOptions();
const ConcurrentGridOptions& ConfiguredConcurrentOptions();

// A Grid with `options` holding the fill of `cells` cells, shared
// read-only.
absl::StatusOr<std::shared_ptr<const Grid>> SharedGrid(
    size_t cells, const GridOptions& options);

// A Grid like SharedGrid's for fixtures that change it. Fixtures with the
// same `owner` share it and must leave it holding the same set of cells
// (values may change).
absl::StatusOr<std::shared_ptr<Grid>> OwnedGrid(absl::string_view owner,
                                                size_t cells,
                                                const GridOptions& options);

// A ConcurrentGrid holding the fill; fixtures may overwrite cells but must
// not add or remove any.
absl::StatusOr<std::shared_ptr<ConcurrentGrid>> SharedConcurrentGrid(
    size_t cells, const ConcurrentGridOptions& options);

// The fill as raw maps, for the reference fixtures (shared read-only, or
// owned by the insert fixtures, which leave the key set as they found it).
absl::StatusOr<std::shared_ptr<WaveMap>> FilledWaveMap(absl::string_view owner,
                                                       size_t cells,
                                                       size_t reserve);
absl::StatusOr<std::shared_ptr<StdWaveMap>> FilledStdWaveMap(
    absl::string_view owner, size_t cells, size_t reserve);

// QueryKeyCount() present cells of the fill drawn from `distribution`.
absl::StatusOr<std::shared_ptr<const CoordArray>> QueryKeys(
    size_t cells, KeyDistribution distribution, uint64_t seed);

// Like QueryKeys, but drawn only among the present cells that satisfy
// `keep`; `filter_name` names the filter in the cache key.
absl::StatusOr<std::shared_ptr<const CoordArray>> FilteredQueryKeys(
    size_t cells, KeyDistribution distribution, uint64_t seed,
    absl::string_view filter_name, absl::FunctionRef<bool(Coord)> keep);

// QueryKeyCount() cells of the fill's box that are not in it (misses).
absl::StatusOr<std::shared_ptr<const CoordArray>> MissKeys(size_t cells,
                                                           uint64_t seed);

// Centres of Interference and of its Recall27 reference: QueryKeyCount()
// present cells drawn from `distribution` among the IsCentre cells, or the
// IsEdge cells when `edge`.
absl::StatusOr<std::shared_ptr<const CoordArray>> InterferenceCentres(
    size_t cells, bool edge, KeyDistribution distribution);

// A shared filled grid and the keys a read-only fixture queries it with.
struct GridQueryInputs {
  std::shared_ptr<const Grid> grid;
  std::shared_ptr<const CoordArray> keys;
};

// SharedGrid(cells, options) with InterferenceCentres(cells, edge,
// distribution): the inputs of Grid/Interference and Ref/Recall27.
absl::StatusOr<GridQueryInputs> InterferenceInputs(
    size_t cells, const GridOptions& options, bool edge,
    KeyDistribution distribution);

// Whether a coordinate is away from the x and y borders of the address
// space and above layer 0 where the fill has more layers (Interference
// "centre"), or on an x or y border (Interference "edge").
bool IsCentre(Coord c, const CellPopulation& population);
bool IsEdge(Coord c);

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_INPUTS_H_
