// The Mem|8 model's formulas written out plainly (emotional modulation,
// decay, envelope, wave value, interference, resonance score, region
// membership), for checking a backend's answers. Deliberately naive and
// independent of m8::Grid and its WaveModel: a check that asked the grid
// for its expected values would pass a grid that is wrong.
//
// Thread-safety: pure functions.
#ifndef M8_BENCH_SUPPORT_MODEL_FORMULAS_H_
#define M8_BENCH_SUPPORT_MODEL_FORMULAS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/grid_options.h"
#include "grid/wave.h"

namespace m8::bench {

// Emod = (1 + alpha*v) * (1 + beta*a), v = valence/127, a = arousal/255.
double EmotionalModulation(const Wave& w, const GridOptions& options);
// R * F * T, each factor clamped to its range.
double TauScale(const GridOptions& options);
// tau_eff = tau * TauScale.
double EffectiveTau(const Wave& w, const GridOptions& options);
// S = A0 * Emod * exp(-(now - touched) / tau_eff) (D = 1 for tau = +inf).
double Envelope(const Wave& w, double now_s, const GridOptions& options);
// M(now) = S * sin(2 pi f now + phase).
double WaveValue(const Wave& w, double now_s, const GridOptions& options);
// The age (s) at which w's envelope falls to active_threshold.
double EvictionAge(const Wave& w, const GridOptions& options);
// min(A0 * (1 + gain), amplitude_max), at least 0.
float ReinforcedAmplitude(float amplitude, double gain, double amplitude_max);

// I(c) over `cells` (coordinates and waves) at `now_s`: the 27 offsets
// weighted 1 / (1 + |d|), out-of-range neighbours clamped or skipped as
// options.edge_policy says.
double ExpectedInterference(const std::vector<std::pair<Coord, Wave>>& cells,
                            Coord c, double now_s, const GridOptions& options);

// The top q.k hits over `cells` (every match when k = 0), best first, ties
// by key.
std::vector<ResonanceHit> ExpectedResonance(
    const std::vector<std::pair<Coord, Wave>>& cells, const ResonanceQuery& q,
    double now_s, const GridOptions& options);

// The cells of `cells` with (x - cx)^2 + (y - cy)^2 <= radius^2 and z in
// [z_min, z_max], in key order.
std::vector<Coord> ExpectedRegion(const std::vector<Coord>& cells, uint8_t cx,
                                  uint8_t cy, double radius, uint16_t z_min,
                                  uint16_t z_max);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_MODEL_FORMULAS_H_
