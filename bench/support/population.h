// CellPopulation: the cells a benchmark grid is filled with.
//
// `cells` distinct coordinates drawn uniformly from a box of 4 * cells
// positions, so that one position in four is occupied: the x-y plane (up to
// 256 x 256, a power of two on each side) and as many layers from z = 0 as
// needed. At that density a 27-cell neighbourhood holds about 7 cells and a
// brick of 4^3 about 16, which is what Interference, Region and the bricks
// are built for. `absent` holds further distinct coordinates of the same
// box that are not in the grid (misses, and new cells for Put).
//
// Cell i of present() is item i of a key distribution (item 0 is the most
// popular under zipfian), and present() is in random order, so popular
// cells are scattered over the box. WaveOf(i) is the wave stored there.
//
// Thread-safety: immutable after construction; safe to share.
#ifndef M8_BENCH_SUPPORT_POPULATION_H_
#define M8_BENCH_SUPPORT_POPULATION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grid/concurrent_grid.h"
#include "grid/coord.h"
#include "grid/wave.h"

namespace m8::bench {

class CellPopulation {
 public:
  // REQUIRES: cells >= 1, 4 * cells <= 2^32.
  CellPopulation(size_t cells, size_t absent, uint64_t seed);

  const std::vector<Coord>& present() const { return present_; }
  const std::vector<Coord>& absent() const { return absent_; }
  size_t size() const { return present_.size(); }

  // The box: x in [0, width), y in [0, width), z in [0, depth).
  uint32_t width() const { return width_; }
  uint32_t depth() const { return depth_; }

  // The wave of present cell i: amplitude in [0.5, 2) (above the blanket
  // threshold), frequency uniform in [0, 1000), any phase, a standard decay
  // curve, random emotion, importance 0..15 (one in 16 permanent).
  Wave WaveOf(size_t i) const { return MakeWave(seed_, i); }
  static Wave MakeWave(uint64_t seed, uint64_t i);

  // Approximate bytes held.
  size_t bytes() const {
    return (present_.capacity() + absent_.capacity()) * sizeof(Coord);
  }

 private:
  uint64_t seed_;
  uint32_t width_;
  uint32_t depth_;
  std::vector<Coord> present_;
  std::vector<Coord> absent_;
};

// Bytes a filled grid holds per cell (the cell, its index entries, table
// and allocator slack, as measured on the 4M-cell fill): an estimate for
// cache budgets.
inline constexpr size_t kGridBytesPerCell = 144;

// Puts every cell of `population` into `grid` (a Grid or a ConcurrentGrid);
// the first error, naming the fill.
template <typename GridT>
absl::Status FillGrid(GridT& grid, const CellPopulation& population) {
  for (size_t i = 0; i < population.size(); ++i) {
    absl::Status s = grid.Put(population.present()[i], population.WaveOf(i));
    if (!s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("filling a grid of ", population.size(),
                                       " cells: ", s.message()));
    }
  }
  return absl::OkStatus();
}

// A new ConcurrentGrid with `options` holding every cell of `population`.
absl::StatusOr<std::shared_ptr<ConcurrentGrid>> FilledConcurrentGrid(
    const ConcurrentGridOptions& options, const CellPopulation& population);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_POPULATION_H_
