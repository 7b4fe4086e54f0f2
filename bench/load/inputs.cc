#include "bench/load/inputs.h"

#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "bench/load/open_loop.h"
#include "bench/support/config.h"
#include "bench/support/resource_cache.h"
#include "grid/grid_config.h"

namespace m8::bench {

size_t StreamLength(const Mix& mix) {
  const int bits = mix.share(OpKind::kScan) > 0.0 ? 15 : 20;
  return size_t{1} << (Settings().smoke ? bits - 8 : bits);
}

absl::StatusOr<std::shared_ptr<const CellPopulation>> LoadPopulation(
    size_t cells) {
  return Cached<const CellPopulation>(
      absl::StrCat("load/population/", cells),
      (cells + kInsertCells) * sizeof(Coord),
      [&]() -> absl::StatusOr<std::shared_ptr<const CellPopulation>> {
        if (cells == 0 || cells > (size_t{1} << 30)) {
          return absl::InvalidArgumentError(
              absl::StrCat("fill size ", cells, " is out of range"));
        }
        return std::make_shared<const CellPopulation>(cells, kInsertCells,
                                                      kLoadSeed);
      });
}

absl::StatusOr<std::shared_ptr<Grid>> LoadGrid(size_t cells) {
  const GridOptions& options = Settings().options.grid;
  return Cached<Grid>(
      absl::StrCat("load/grid/", cells, "/", GridOptionsKey(options)),
      cells * kGridBytesPerCell,
      [&]() -> absl::StatusOr<std::shared_ptr<Grid>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            LoadPopulation(cells);
        if (!population.ok()) return population.status();
        absl::StatusOr<Grid> grid = Grid::Create(options);
        if (!grid.ok()) return grid.status();
        auto shared = std::make_shared<Grid>(*std::move(grid));
        shared->Reserve(cells + cells / 16);
        if (absl::Status s = FillGrid(*shared, **population); !s.ok()) return s;
        return shared;
      });
}

absl::StatusOr<std::shared_ptr<ConcurrentGrid>> LoadConcurrentGrid(
    size_t cells, size_t shards) {
  ConcurrentGridOptions options = Settings().options;
  options.shard_count = shards;
  return Cached<ConcurrentGrid>(
      absl::StrCat("load/concurrent/", cells, "/", shards, "/",
                   GridOptionsKey(options.grid)),
      cells * kGridBytesPerCell,
      [&]() -> absl::StatusOr<std::shared_ptr<ConcurrentGrid>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            LoadPopulation(cells);
        if (!population.ok()) return population.status();
        return FilledConcurrentGrid(options, **population);
      });
}

absl::StatusOr<std::shared_ptr<const OpStream>> LoadStream(
    size_t cells, const Mix& mix, KeyDistribution distribution, uint64_t seed) {
  const size_t count = StreamLength(mix);
  return Cached<const OpStream>(
      absl::StrCat("load/stream/", cells, "/", mix.name, "/",
                   DistributionName(distribution), "/", seed, "/", count),
      count * sizeof(Op),
      [&]() -> absl::StatusOr<std::shared_ptr<const OpStream>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            LoadPopulation(cells);
        if (!population.ok()) return population.status();
        absl::StatusOr<OpStream> stream =
            DrawOpStream(**population, mix, distribution, count, seed);
        if (!stream.ok()) return stream.status();
        return std::make_shared<const OpStream>(*std::move(stream));
      });
}

double CalibratedCapacity(const std::string& key,
                          absl::FunctionRef<double()> measure) {
  static std::mutex mu;
  static auto* capacities = new std::map<std::string, double>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = capacities->find(key);
  if (it == capacities->end()) it = capacities->emplace(key, measure()).first;
  return it->second;
}

double GridCapacity(Grid& grid, const OpStream& stream, const Mix& mix,
                    size_t cells) {
  return CalibratedCapacity(
      absl::StrCat("profile/", cells, "/", mix.name), [&] {
        const bool smoke = Settings().smoke;
        const Op* ops = stream.ops.data();
        const size_t mask = stream.ops.size() - 1;
        OpExecutor<Grid> executor(grid, kLoadSeed);
        auto op = [&](uint64_t i) { return executor.Run(ops[i & mask]); };
        SteadyClock clock;
        MeasureCapacity(clock, smoke ? 0.001 : 0.05, op);  // Warm-up.
        return MeasureCapacity(clock, smoke ? 0.002 : 0.2, op);
      });
}

absl::StatusOr<LoadWorkload> BuildLoadWorkload(size_t cells, const Mix& mix,
                                               KeyDistribution distribution,
                                               bool calibrate) {
  LoadWorkload w;
  absl::StatusOr<std::shared_ptr<Grid>> grid = LoadGrid(cells);
  if (!grid.ok()) return grid.status();
  w.grid = *std::move(grid);
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      LoadPopulation(cells);
  if (!population.ok()) return population.status();
  w.population = *std::move(population);
  absl::StatusOr<std::shared_ptr<const OpStream>> stream =
      LoadStream(cells, mix, distribution, kLoadSeed);
  if (!stream.ok()) return stream.status();
  w.stream = *std::move(stream);
  if (calibrate) w.capacity = GridCapacity(*w.grid, *w.stream, mix, cells);
  return w;
}

}  // namespace m8::bench
