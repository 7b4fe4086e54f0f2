// The 27-cell neighbourhood of a coordinate, as Interference walks it.
//
// Per axis: the coordinates c-1, c, c+1 after the edge policy (clamped to
// the border, or marked invalid and skipped) and the distinct bricks they
// fall in. WeightedSum adds M(now) / (1 + |d|) over the neighbourhood in one
// fixed order, so Grid (any brick edge) and ConcurrentGrid (any shard count)
// produce the same bits.
//
// Thread-safety: plain values and a pure function.
#ifndef M8_GRID_INTERNAL_NEIGHBOURHOOD_H_
#define M8_GRID_INTERNAL_NEIGHBOURHOOD_H_

#include <algorithm>
#include <cstdint>

#include "grid/coord.h"
#include "grid/grid_options.h"
#include "grid/wave.h"
#include "grid/wave_model.h"

namespace m8::internal {

struct AxisNeighbours {
  uint32_t coord[3];        // c-1, c, c+1 after the edge policy.
  bool valid[3];            // False when skipped past the border.
  uint8_t brick_index[3];   // Index into bricks[] of each coordinate.
  uint32_t bricks[3] = {};  // Distinct brick origins (coord >> s << s).
  int brick_count = 0;

  AxisNeighbours(uint32_t c, uint32_t max, EdgePolicy policy, int shift) {
    for (int i = 0; i < 3; ++i) {
      const int64_t raw = int64_t{c} + i - 1;
      valid[i] = raw >= 0 && raw <= int64_t{max};
      coord[i] = static_cast<uint32_t>(std::clamp<int64_t>(raw, 0, max));
      brick_index[i] = 0;
      if (!valid[i] && policy == EdgePolicy::kSkip) continue;
      valid[i] = true;
      const uint32_t brick = coord[i] >> shift << shift;
      int j = 0;
      while (j < brick_count && bricks[j] != brick) ++j;
      if (j == brick_count) bricks[brick_count++] = brick;
      brick_index[i] = static_cast<uint8_t>(j);
    }
  }
};

struct Neighbourhood {
  Neighbourhood(Coord c, EdgePolicy policy, int shift)
      : x(c.x, kMaxX, policy, shift),
        y(c.y, kMaxY, policy, shift),
        z(c.z, kMaxZ, policy, shift) {}

  AxisNeighbours x, y, z;
};

// Sum over the neighbourhood of M(now) * 1 / (1 + |d|). `find(ix, iy, iz,
// key)` returns the wave at key (a const Wave*, null when empty); ix/iy/iz
// in 0..2 index the axis coordinates.
template <typename Find>
double WeightedSum(const Neighbourhood& n, const WaveModel& model, double now_s,
                   Find&& find) {
  double sum = 0.0;
  for (int iz = 0; iz < 3; ++iz) {
    if (!n.z.valid[iz]) continue;
    for (int iy = 0; iy < 3; ++iy) {
      if (!n.y.valid[iy]) continue;
      for (int ix = 0; ix < 3; ++ix) {
        if (!n.x.valid[ix]) continue;
        const uint32_t key =
            n.z.coord[iz] << 16 | n.y.coord[iy] << 8 | n.x.coord[ix];
        const Wave* w = find(ix, iy, iz, key);
        if (w == nullptr) continue;
        const int distance = (ix != 1) + (iy != 1) + (iz != 1);
        sum += model.Value(*w, now_s) * kInterferenceWeight[distance];
      }
    }
  }
  return sum;
}

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_NEIGHBOURHOOD_H_
