// The error of a Store or Put that would add a cell to a full grid, worded
// once for Grid and ConcurrentGrid.
//
// Thread-safety: a pure function.
#ifndef M8_GRID_INTERNAL_FULL_GRID_H_
#define M8_GRID_INTERNAL_FULL_GRID_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace m8::internal {

inline absl::Status FullGridError(size_t max_cells, uint32_t key) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "grid is full: max_cells = ", max_cells, "; cannot add cell ", key));
}

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_FULL_GRID_H_
