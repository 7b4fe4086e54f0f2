// A C++ backend with only the required operations, registered with
// M8_GRID_BACKEND: m8::Grid behind a narrower type, so that its answers are
// right and every optional operation is missing. The binary built from it
// shows the registration macro, the same benchmark names as m8bench_grid,
// and the fixtures of missing operations skipped with a message.
#include <cstddef>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/grid/backend_fixtures.h"
#include "bench/support/backend_registry.h"
#include "grid/grid.h"

namespace m8::test {

class CoreOnlyGrid {
 public:
  static absl::StatusOr<CoreOnlyGrid> Create(const GridOptions& options) {
    absl::StatusOr<Grid> grid = Grid::Create(options);
    if (!grid.ok()) return grid.status();
    return CoreOnlyGrid(*std::move(grid));
  }

  absl::StatusOr<StoreOutcome> Store(Coord c, const Wave& w) {
    return grid_.Store(c, w);
  }
  absl::Status Put(Coord c, const Wave& w) { return grid_.Put(c, w); }
  std::optional<Wave> Recall(Coord c) const { return grid_.Recall(c); }
  bool Reinforce(Coord c, float gain) { return grid_.Reinforce(c, gain); }
  bool Forget(Coord c) { return grid_.Forget(c); }
  size_t size() const { return grid_.size(); }

 private:
  explicit CoreOnlyGrid(Grid grid) : grid_(std::move(grid)) {}

  Grid grid_;
};

static_assert(bench::GridBackend<CoreOnlyGrid>);
static_assert(!bench::HasInterference<CoreOnlyGrid>);

M8_GRID_BACKEND(CoreOnlyGrid, "core-only", "0.1");

}  // namespace m8::test
