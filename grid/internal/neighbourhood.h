// The 27-cell neighbourhood of a coordinate, as Interference walks it.
//
// Per axis: the coordinates c-1, c, c+1 after the edge policy (clamped to
// the border, or marked invalid and skipped), and which of them are
// distinct. InterferenceTerms adds M(now) / (1 + |d|) over the neighbourhood
// in one fixed order, so Grid (any brick edge) and ConcurrentGrid (any shard
// count) produce the same bits.
//
// Thread-safety: plain values and a pure function.
#ifndef M8_GRID_INTERNAL_NEIGHBOURHOOD_H_
#define M8_GRID_INTERNAL_NEIGHBOURHOOD_H_

#include <algorithm>
#include <bit>
#include <cstdint>

#include "grid/coord.h"
#include "grid/grid_options.h"
#include "grid/wave.h"
#include "grid/wave_model.h"

namespace m8::internal {

class AxisNeighbours {
 public:
  uint32_t coord[3];  // c-1, c, c+1 after the edge policy.
  bool valid[3];      // False when skipped past the border.
  // The distinct valid coordinates (clamping can repeat one).
  uint32_t distinct[3] = {};
  int distinct_count = 0;

  AxisNeighbours(uint32_t c, uint32_t max, EdgePolicy policy) {
    for (int i = 0; i < 3; ++i) {
      const int64_t raw = int64_t{c} + i - 1;
      valid[i] = raw >= 0 && raw <= int64_t{max};
      coord[i] = static_cast<uint32_t>(std::clamp<int64_t>(raw, 0, max));
      if (!valid[i] && policy == EdgePolicy::kSkip) continue;
      valid[i] = true;
      if (distinct_count == 0 || distinct[distinct_count - 1] != coord[i]) {
        distinct[distinct_count++] = coord[i];
      }
    }
  }

  // Bit i is set when neighbour index i lands on coordinate v (under
  // kClamp two indices can land on the same border coordinate).
  unsigned Match(uint32_t v) const {
    return (valid[0] && coord[0] == v) | (valid[1] && coord[1] == v) << 1 |
           (valid[2] && coord[2] == v) << 2;
  }
};

struct Neighbourhood {
  Neighbourhood(Coord c, EdgePolicy policy)
      : x(c.x, kMaxX, policy), y(c.y, kMaxY, policy), z(c.z, kMaxZ, policy) {}

  // The distinct neighbour cells, in ascending key order: `layer(z)` once
  // per distinct layer, then `cell(z << 16 | y << 8 | x)` for each of its
  // cells, unless `layer` returned false (the layer is known empty).
  template <typename Layer, typename Cell>
  void ForEachCell(Layer&& layer, Cell&& cell) const {
    for (int kz = 0; kz < z.distinct_count; ++kz) {
      const uint32_t zc = z.distinct[kz];
      if (!layer(zc)) continue;
      for (int ky = 0; ky < y.distinct_count; ++ky) {
        for (int kx = 0; kx < x.distinct_count; ++kx) {
          cell(zc << 16 | y.distinct[ky] << 8 | x.distinct[kx]);
        }
      }
    }
  }

  AxisNeighbours x, y, z;
};

// The terms of I(c), one per offset d (index iz*9 + iy*3 + ix), filled cell
// by cell: each neighbouring cell's M(now) is computed once and weighted by
// 1 / (1 + |d|) for every offset that lands on it. Sum() adds the terms in
// index order, so any way of finding the cells gives the same bits.
class InterferenceTerms {
 public:
  explicit InterferenceTerms(const Neighbourhood& n) : n_(n) {}

  // Adds the cell at (x, y, z), whose value is computed by `value()` only if
  // the cell is in the neighbourhood.
  template <typename Value>
  void Add(uint32_t x, uint32_t y, uint32_t z, Value&& value) {
    const unsigned mx = n_.x.Match(x), my = n_.y.Match(y), mz = n_.z.Match(z);
    if (mx == 0 || my == 0 || mz == 0) return;
    const double m = value();
    for (unsigned bz = mz; bz != 0; bz &= bz - 1) {
      const int iz = std::countr_zero(bz);
      for (unsigned by = my; by != 0; by &= by - 1) {
        const int iy = std::countr_zero(by);
        for (unsigned bx = mx; bx != 0; bx &= bx - 1) {
          const int ix = std::countr_zero(bx);
          const int index = iz * 9 + iy * 3 + ix;
          const int distance = (ix != 1) + (iy != 1) + (iz != 1);
          terms_[index] = m * kInterferenceWeight[distance];
          filled_ |= uint32_t{1} << index;
        }
      }
    }
  }

  double Sum() const {
    double sum = 0.0;
    for (uint32_t bits = filled_; bits != 0; bits &= bits - 1) {
      sum += terms_[std::countr_zero(bits)];
    }
    return sum;
  }

 private:
  const Neighbourhood& n_;
  double terms_[27];
  uint32_t filled_ = 0;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_NEIGHBOURHOOD_H_
