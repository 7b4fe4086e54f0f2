// The outside project's own Mem|8 implementation, registered with
// M8_GRID_BACKEND: every Grid/... fixture of the suite runs on it. (It
// wraps m8::Grid so that it passes the conformance checks; a real project
// puts its own grid here.)
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/grid/backend_fixtures.h"
#include "bench/support/backend_registry.h"
#include "grid/grid.h"

namespace outside {

class OutsideGrid {
 public:
  static absl::StatusOr<OutsideGrid> Create(const m8::GridOptions& options) {
    absl::StatusOr<m8::Grid> grid = m8::Grid::Create(options);
    if (!grid.ok()) return grid.status();
    return OutsideGrid(*std::move(grid));
  }

  absl::StatusOr<m8::StoreOutcome> Store(m8::Coord c, const m8::Wave& w) {
    return grid_.Store(c, w);
  }
  absl::Status Put(m8::Coord c, const m8::Wave& w) { return grid_.Put(c, w); }
  std::optional<m8::Wave> Recall(m8::Coord c) const { return grid_.Recall(c); }
  bool Reinforce(m8::Coord c, float gain) { return grid_.Reinforce(c, gain); }
  bool Forget(m8::Coord c) { return grid_.Forget(c); }
  size_t size() const { return grid_.size(); }
  // One optional operation; the others are left out (and skipped).
  double Interference(m8::Coord c) const { return grid_.Interference(c); }

 private:
  explicit OutsideGrid(m8::Grid grid) : grid_(std::move(grid)) {}

  m8::Grid grid_;
};

M8_GRID_BACKEND(OutsideGrid, "outside-grid", "1.2");

}  // namespace outside
