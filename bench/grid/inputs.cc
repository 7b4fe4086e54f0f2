#include "bench/grid/inputs.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "bench/support/config.h"
#include "bench/support/resource_cache.h"
#include "grid/grid_config.h"

namespace m8::bench {
namespace {

// Bytes a raw map holds per cell, for the cache budget.
constexpr size_t kMapBytesPerCell = 80;

absl::StatusOr<std::shared_ptr<Grid>> BuildGrid(size_t cells,
                                                const GridOptions& options) {
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  absl::StatusOr<Grid> grid = Grid::Create(options);
  if (!grid.ok()) return grid.status();
  auto shared = std::make_shared<Grid>(*std::move(grid));
  if (absl::Status s = FillGrid(*shared, **population); !s.ok()) return s;
  return shared;
}

template <typename Map>
absl::StatusOr<std::shared_ptr<Map>> BuildMap(size_t cells, size_t reserve) {
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  auto map = std::make_shared<Map>();
  map->reserve(std::max(reserve, cells));
  for (size_t i = 0; i < (*population)->size(); ++i) {
    map->emplace((*population)->present()[i].key(), (*population)->WaveOf(i));
  }
  return map;
}

absl::StatusOr<std::shared_ptr<const CoordArray>> DrawFrom(
    const std::vector<Coord>& candidates, KeyDistribution distribution,
    uint64_t seed) {
  if (candidates.empty()) {
    return absl::FailedPreconditionError("no candidate cells for the keys");
  }
  std::unique_ptr<KeyGenerator> generator =
      MakeKeyGenerator(distribution, candidates.size(), seed);
  auto keys = std::make_shared<CoordArray>(QueryKeyCount());
  for (Coord& key : *keys) key = candidates[generator->Next()];
  return std::shared_ptr<const CoordArray>(std::move(keys));
}

}  // namespace

void FillSizes(benchmark::internal::Benchmark* b) {
  b->ArgName("cells")->Arg(4096)->Arg(262144)->Arg(4194304);
}

void BrickEdgeSweep(benchmark::internal::Benchmark* b) {
  b->ArgNames({"cells", "brick_edge"})
      ->ArgsProduct({{262144, 4194304}, {1, 2, 4, 8}});
}

GridOptions FixtureGridOptions(const benchmark::State& state,
                               bool brick_edge_arg) {
  GridOptions options = ConfiguredGridOptions();
  if (brick_edge_arg) options.brick_edge = static_cast<int>(state.range(1));
  return options;
}

size_t QueryKeyCount() {
  return Settings().smoke ? size_t{1} << 14 : size_t{1} << 20;
}

absl::StatusOr<std::shared_ptr<const CellPopulation>> Population(size_t cells) {
  return Cached<const CellPopulation>(
      absl::StrCat("population/", cells), cells * 2 * sizeof(Coord),
      [&]() -> absl::StatusOr<std::shared_ptr<const CellPopulation>> {
        if (cells == 0 || cells > (size_t{1} << 30)) {
          return absl::InvalidArgumentError(
              absl::StrCat("fill size ", cells, " is out of range"));
        }
        return std::make_shared<const CellPopulation>(cells, kAbsentCells,
                                                      kFillSeed);
      });
}

const GridOptions& ConfiguredGridOptions() { return Settings().options.grid; }

const ConcurrentGridOptions& ConfiguredConcurrentOptions() {
  return Settings().options;
}

absl::StatusOr<std::shared_ptr<const Grid>> SharedGrid(
    size_t cells, const GridOptions& options) {
  return Cached<const Grid>(
      absl::StrCat("grid/shared/", cells, "/", GridOptionsKey(options)),
      cells * kGridBytesPerCell,
      [&]() -> absl::StatusOr<std::shared_ptr<const Grid>> {
        return BuildGrid(cells, options);
      });
}

absl::StatusOr<std::shared_ptr<Grid>> OwnedGrid(absl::string_view owner,
                                                size_t cells,
                                                const GridOptions& options) {
  return Cached<Grid>(
      absl::StrCat("grid/", owner, "/", cells, "/", GridOptionsKey(options)),
      cells * kGridBytesPerCell, [&]() { return BuildGrid(cells, options); });
}

absl::StatusOr<std::shared_ptr<ConcurrentGrid>> SharedConcurrentGrid(
    size_t cells, const ConcurrentGridOptions& options) {
  return Cached<ConcurrentGrid>(
      absl::StrCat("concurrent/", cells, "/", options.shard_count, "/",
                   GridOptionsKey(options.grid)),
      cells * kGridBytesPerCell,
      [&]() -> absl::StatusOr<std::shared_ptr<ConcurrentGrid>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            Population(cells);
        if (!population.ok()) return population.status();
        return FilledConcurrentGrid(options, **population);
      });
}

absl::StatusOr<std::shared_ptr<WaveMap>> FilledWaveMap(absl::string_view owner,
                                                       size_t cells,
                                                       size_t reserve) {
  return Cached<WaveMap>(
      absl::StrCat("flat_hash_map/", owner, "/", cells, "/", reserve),
      std::max(cells, reserve) * kMapBytesPerCell,
      [&]() { return BuildMap<WaveMap>(cells, reserve); });
}

absl::StatusOr<std::shared_ptr<StdWaveMap>> FilledStdWaveMap(
    absl::string_view owner, size_t cells, size_t reserve) {
  return Cached<StdWaveMap>(
      absl::StrCat("unordered_map/", owner, "/", cells, "/", reserve),
      std::max(cells, reserve) * kMapBytesPerCell,
      [&]() { return BuildMap<StdWaveMap>(cells, reserve); });
}

absl::StatusOr<std::shared_ptr<const CoordArray>> QueryKeys(
    size_t cells, KeyDistribution distribution, uint64_t seed) {
  return FilteredQueryKeys(cells, distribution, seed, "all",
                           [](Coord) { return true; });
}

absl::StatusOr<std::shared_ptr<const CoordArray>> FilteredQueryKeys(
    size_t cells, KeyDistribution distribution, uint64_t seed,
    absl::string_view filter_name, absl::FunctionRef<bool(Coord)> keep) {
  return Cached<const CoordArray>(
      absl::StrCat("keys/", cells, "/", DistributionName(distribution), "/",
                   seed, "/", filter_name, "/", QueryKeyCount()),
      QueryKeyCount() * sizeof(Coord),
      [&]() -> absl::StatusOr<std::shared_ptr<const CoordArray>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            Population(cells);
        if (!population.ok()) return population.status();
        std::vector<Coord> candidates;
        for (Coord c : (*population)->present()) {
          if (keep(c)) candidates.push_back(c);
        }
        return DrawFrom(candidates, distribution, seed);
      });
}

absl::StatusOr<std::shared_ptr<const CoordArray>> MissKeys(size_t cells,
                                                           uint64_t seed) {
  return Cached<const CoordArray>(
      absl::StrCat("keys/", cells, "/miss/", seed, "/", QueryKeyCount()),
      QueryKeyCount() * sizeof(Coord),
      [&]() -> absl::StatusOr<std::shared_ptr<const CoordArray>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            Population(cells);
        if (!population.ok()) return population.status();
        return DrawFrom((*population)->absent(), KeyDistribution::kUniform,
                        seed);
      });
}

absl::StatusOr<std::shared_ptr<const CoordArray>> InterferenceCentres(
    size_t cells, bool edge, KeyDistribution distribution) {
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  const CellPopulation& p = **population;
  if (edge) {
    return FilteredQueryKeys(cells, distribution, kQuerySeed, "edge", IsEdge);
  }
  return FilteredQueryKeys(cells, distribution, kQuerySeed, "centre",
                           [&](Coord c) { return IsCentre(c, p); });
}

absl::StatusOr<GridQueryInputs> InterferenceInputs(
    size_t cells, const GridOptions& options, bool edge,
    KeyDistribution distribution) {
  absl::StatusOr<std::shared_ptr<const Grid>> grid = SharedGrid(cells, options);
  if (!grid.ok()) return grid.status();
  absl::StatusOr<std::shared_ptr<const CoordArray>> centres =
      InterferenceCentres(cells, edge, distribution);
  if (!centres.ok()) return centres.status();
  return GridQueryInputs{*grid, *centres};
}

bool IsCentre(Coord c, const CellPopulation& population) {
  const bool inside_xy = c.x != 0 && c.x != kMaxX && c.y != 0 && c.y != kMaxY;
  return inside_xy && (population.depth() == 1 || c.z != 0);
}

bool IsEdge(Coord c) {
  return c.x == 0 || c.x == kMaxX || c.y == 0 || c.y == kMaxY;
}

}  // namespace m8::bench
