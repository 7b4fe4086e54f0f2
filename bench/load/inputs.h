// The inputs of the load and stress fixtures: the population of cells,
// filled grids, pre-drawn operation streams and calibrated capacities,
// built once through the ResourceCache (or, for capacities, once per
// process) and shared by every fixture, thread and run that asks for the
// same thing.
//
// Every load grid of n cells holds CellPopulation(n) (seed kLoadSeed), with
// 2^17 further cells kept aside for inserts, so that the same items mean
// the same cells in every fixture.
//
// Thread-safety: thread-safe. The mutable grids are shared by the fixtures
// that say so; each leaves its grid holding the cells it found.
#ifndef M8_BENCH_LOAD_INPUTS_H_
#define M8_BENCH_LOAD_INPUTS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "bench/load/mix.h"
#include "bench/load/workload.h"
#include "bench/support/keys.h"
#include "bench/support/population.h"
#include "grid/concurrent_grid.h"
#include "grid/grid.h"

namespace m8::bench {

// The fill size of the load fixtures: 2^20 cells, YCSB's default record
// count (capped in smoke mode, like every fill).
inline constexpr int64_t kLoadCells = int64_t{1} << 20;
inline constexpr uint64_t kLoadSeed = 0x6d38'6c6f'6164;  // "m8load"
// Cells kept aside for inserts (absent() of the population).
inline constexpr size_t kInsertCells = size_t{1} << 17;

// Operations per pre-drawn stream of `mix`: 2^20 (2^12 in smoke mode), or
// 2^15 for a mix with scans (2^9 in smoke mode), whose operations each read
// about 50 cells, so that one replay of any stream takes well under a
// second.
size_t StreamLength(const Mix& mix);

absl::StatusOr<std::shared_ptr<const CellPopulation>> LoadPopulation(
    size_t cells);

// A Grid with the configured options holding LoadPopulation(cells), shared
// by the single-threaded load and stress fixtures: each may change values
// and add or remove cells while it runs, and leaves it holding the
// population's cells.
absl::StatusOr<std::shared_ptr<Grid>> LoadGrid(size_t cells);

// A ConcurrentGrid with the configured options but `shards` shards,
// holding LoadPopulation(cells); fixtures may overwrite cells but leave
// the set of cells as it was.
absl::StatusOr<std::shared_ptr<ConcurrentGrid>> LoadConcurrentGrid(
    size_t cells, size_t shards);

// DrawOpStream(LoadPopulation(cells), ...) of StreamLength(mix) operations.
absl::StatusOr<std::shared_ptr<const OpStream>> LoadStream(
    size_t cells, const Mix& mix, KeyDistribution distribution, uint64_t seed);

// The capacity stored under `key`, measured by `measure` (operations per
// second) the first time it is asked for in this process, so that every
// repetition of a benchmark runs at the same rates.
double CalibratedCapacity(const std::string& key,
                          absl::FunctionRef<double()> measure);

// The closed-loop capacity (operations per second) of `mix` on `grid`, fed
// from `stream`: CalibratedCapacity under "profile/<cells>/<mix name>", so
// that Load/Profile, the breaking point and the soak share one measurement.
double GridCapacity(Grid& grid, const OpStream& stream, const Mix& mix,
                    size_t cells);

// What the single-threaded load and stress fixtures run: LoadGrid(cells),
// its population, a LoadStream of `mix` over it (seed kLoadSeed) and, when
// asked for, the grid's closed-loop capacity for that mix (GridCapacity).
struct LoadWorkload {
  std::shared_ptr<Grid> grid;
  std::shared_ptr<const CellPopulation> population;
  std::shared_ptr<const OpStream> stream;
  double capacity = 0.0;  // Operations per second; 0 unless calibrated.
};
absl::StatusOr<LoadWorkload> BuildLoadWorkload(size_t cells, const Mix& mix,
                                               KeyDistribution distribution,
                                               bool calibrate);

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_INPUTS_H_
