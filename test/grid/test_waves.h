// Helpers shared by the grid tests: wave builders and a brute-force
// reference for the formulas, written straight from grid-model.md.
#ifndef M8_TEST_GRID_TEST_WAVES_H_
#define M8_TEST_GRID_TEST_WAVES_H_

#include <cmath>
#include <cstdint>
#include <limits>

#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/wave.h"

namespace m8::testing {

inline Wave MakeWave(float amplitude, float frequency = 100.0f,
                     float decay_tau = std::numeric_limits<float>::infinity(),
                     float phase = 0.0f) {
  Wave w;
  w.amplitude = amplitude;
  w.frequency = frequency;
  w.decay_tau = decay_tau;
  w.phase = phase;
  return w;
}

// A wave whose value M(t) is exactly `m` at every t: f = 0, phase = pi/2,
// no decay, no emotion.
inline Wave ConstantWave(float m) {
  return MakeWave(m, 0.0f, std::numeric_limits<float>::infinity(),
                  static_cast<float>(M_PI / 2));
}

// I(c) straight from the definition: 27 Recalls, weights 1/(1+|d|) with
// |d| the Euclidean length.
template <typename G>
double BruteForceInterference(const G& grid, Coord c, EdgePolicy policy,
                              const WaveModel& model, double now_s) {
  double sum = 0;
  for (int dz = -1; dz <= 1; ++dz) {
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        int64_t x = c.x + dx, y = c.y + dy, z = c.z + dz;
        const bool inside =
            x >= 0 && x <= 255 && y >= 0 && y <= 255 && z >= 0 && z <= 65535;
        if (!inside && policy == EdgePolicy::kSkip) continue;
        x = std::clamp<int64_t>(x, 0, 255);
        y = std::clamp<int64_t>(y, 0, 255);
        z = std::clamp<int64_t>(z, 0, 65535);
        auto w =
            grid.Recall(Coord{static_cast<uint8_t>(x), static_cast<uint8_t>(y),
                              static_cast<uint16_t>(z)});
        if (!w) continue;
        const double d = std::sqrt(dx * dx + dy * dy + dz * dz);
        sum += model.Value(*w, now_s) / (1.0 + d);
      }
    }
  }
  return sum;
}

}  // namespace m8::testing

#endif  // M8_TEST_GRID_TEST_WAVES_H_
