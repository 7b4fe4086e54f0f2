// The inputs of the backend-driven grid fixtures: a backend holding the
// fill, built once through the ResourceCache and shared like SharedGrid and
// OwnedGrid (inputs.h) share m8::Grid. For m8::Grid these are SharedGrid
// and OwnedGrid themselves, so the default backend's fixtures run on
// exactly the grids they always did.
//
// Thread-safety: thread-safe, as the ResourceCache is.
#ifndef M8_BENCH_GRID_BACKEND_INPUTS_H_
#define M8_BENCH_GRID_BACKEND_INPUTS_H_

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "bench/grid/inputs.h"
#include "bench/support/backend.h"
#include "bench/support/backend_registry.h"
#include "bench/support/population.h"
#include "bench/support/resource_cache.h"
#include "grid/grid_config.h"

namespace m8::bench {

// A new B with `options` holding the fill of `cells` cells.
template <GridBackend B>
absl::StatusOr<std::shared_ptr<B>> BuildFilledBackend(
    size_t cells, const GridOptions& options) {
  absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
      Population(cells);
  if (!population.ok()) return population.status();
  absl::StatusOr<B> backend = B::Create(options);
  if (!backend.ok()) return backend.status();
  auto shared = std::make_shared<B>(*std::move(backend));
  if (absl::Status s = FillGrid(*shared, **population); !s.ok()) return s;
  return shared;
}

// The fill of `cells` cells in a B shared read-only.
template <GridBackend B>
absl::StatusOr<std::shared_ptr<const B>> SharedBackend(
    size_t cells, const GridOptions& options) {
  if constexpr (std::is_same_v<B, Grid>) {
    return SharedGrid(cells, options);
  } else {
    return Cached<const B>(
        absl::StrCat("backend/shared/", cells, "/", GridOptionsKey(options)),
        cells * kGridBytesPerCell,
        [&]() -> absl::StatusOr<std::shared_ptr<const B>> {
          absl::StatusOr<std::shared_ptr<B>> built =
              BuildFilledBackend<B>(cells, options);
          if (!built.ok()) return built.status();
          return std::shared_ptr<const B>(*std::move(built));
        });
  }
}

// The fill in a B for fixtures that change it; fixtures with the same
// `owner` share it and leave it holding the same set of cells.
template <GridBackend B>
absl::StatusOr<std::shared_ptr<B>> OwnedBackend(absl::string_view owner,
                                                size_t cells,
                                                const GridOptions& options) {
  if constexpr (std::is_same_v<B, Grid>) {
    return OwnedGrid(owner, cells, options);
  } else {
    return Cached<B>(absl::StrCat("backend/", owner, "/", cells, "/",
                                  GridOptionsKey(options)),
                     cells * kGridBytesPerCell,
                     [&] { return BuildFilledBackend<B>(cells, options); });
  }
}

// OK when `b` supports `op`, else Unimplemented with the message a fixture
// is skipped with ("not supported: backend 'naive-c' has no Save/Load").
template <GridBackend B>
absl::Status CheckSupport(const B& b, BackendOperation op) {
  if (Supports(b, op)) return absl::OkStatus();
  return absl::UnimplementedError(
      UnsupportedMessage(SelectedBackendName(), op));
}

// A shared filled backend and the keys a read-only fixture queries it with.
template <typename B>
struct BackendQueryInputs {
  std::shared_ptr<const B> grid;
  std::shared_ptr<const CoordArray> keys;
};

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_BACKEND_INPUTS_H_
