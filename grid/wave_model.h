// WaveModel: the formulas of grid-model.md section 4, evaluated with one
// grid's options. Every place that needs a strength or a wave value (the
// grid, its indexes, the reference scans, the tests) goes through here, so
// that they agree to the last bit.
//
// Thread-safety: immutable after construction; safe to share.
#ifndef M8_GRID_WAVE_MODEL_H_
#define M8_GRID_WAVE_MODEL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "grid/grid_options.h"
#include "grid/wave.h"

namespace m8 {

inline constexpr double kPi = 3.14159265358979323846;

class WaveModel {
 public:
  explicit WaveModel(const GridOptions& options)
      : tau_scale_(std::clamp(options.relevance, 0.5, 2.0) *
                   std::clamp(options.familiarity, 0.8, 1.5) *
                   std::clamp(options.threat, 0.3, 1.0)) {
    // Each factor of Emod has only 255 or 256 possible values: tabulate
    // them (the same expressions, so the same bits) instead of dividing.
    for (int v = -127; v <= 127; ++v) {
      valence_factor_[v + 127] = 1.0 + options.alpha * (v / 127.0);
    }
    valence_factor_[255] = 1.0 + options.alpha * (-128 / 127.0);
    for (int a = 0; a <= 255; ++a) {
      arousal_factor_[a] = 1.0 + options.beta * (a / 255.0);
    }
  }

  // Emod = (1 + alpha*v) * (1 + beta*a), v = valence/127, a = arousal/255.
  double Modulation(int8_t valence, uint8_t arousal) const {
    // valence -128 (outside the model's range, but representable) maps to
    // the last entry.
    const int v = valence == -128 ? 255 : valence + 127;
    return valence_factor_[v] * arousal_factor_[arousal];
  }

  // D = exp(-(now - touched) / tau_eff); 1 when tau is +inf.
  double Decay(uint32_t touched_ms, float decay_tau, double now_s) const {
    if (std::isinf(decay_tau)) return 1.0;
    const double age_s = now_s - touched_ms * 1e-3;
    return std::exp(-age_s / (decay_tau * tau_scale_));
  }

  // The envelope S = A0 * Emod * D, from the fields it depends on.
  double Strength(float amplitude, int8_t valence, uint8_t arousal,
                  uint32_t touched_ms, float decay_tau, double now_s) const {
    return amplitude * Modulation(valence, arousal) *
           Decay(touched_ms, decay_tau, now_s);
  }
  double Strength(const Wave& w, double now_s) const {
    return Strength(w.amplitude, w.valence, w.arousal, w.touched, w.decay_tau,
                    now_s);
  }

  // M(t) = S * sin(2*pi*f*t + phase), at grid time t = now.
  double Value(const Wave& w, double now_s) const {
    return Strength(w, now_s) *
           std::sin(2.0 * kPi * w.frequency * now_s + w.phase);
  }

  double tau_scale() const { return tau_scale_; }

 private:
  double tau_scale_;
  double valence_factor_[256];
  double arousal_factor_[256];
};

// Interference weight of a neighbour at offset d: 1 / (1 + |d|).
inline constexpr double kInterferenceWeight[4] = {
    1.0, 1.0 / 2.0, 1.0 / (1.0 + 1.41421356237309504880),
    1.0 / (1.0 + 1.73205080756887729353)};

}  // namespace m8

#endif  // M8_GRID_WAVE_MODEL_H_
