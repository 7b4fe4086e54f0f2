#include "bench/support/model_formulas.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace m8::bench {
namespace {

const Wave* Find(const std::vector<std::pair<Coord, Wave>>& cells, int x, int y,
                 int z) {
  for (const auto& [c, w] : cells) {
    if (c.x == x && c.y == y && c.z == z) return &w;
  }
  return nullptr;
}

}  // namespace

double EmotionalModulation(const Wave& w, const GridOptions& options) {
  const double v = w.valence / 127.0;
  const double a = w.arousal / 255.0;
  return (1 + options.alpha * v) * (1 + options.beta * a);
}

double TauScale(const GridOptions& options) {
  return std::clamp(options.relevance, 0.5, 2.0) *
         std::clamp(options.familiarity, 0.8, 1.5) *
         std::clamp(options.threat, 0.3, 1.0);
}

double EffectiveTau(const Wave& w, const GridOptions& options) {
  return w.decay_tau * TauScale(options);
}

double Envelope(const Wave& w, double now_s, const GridOptions& options) {
  double decay = 1.0;
  if (!std::isinf(w.decay_tau)) {
    const double age = now_s - w.touched / 1000.0;
    decay = std::exp(-age / EffectiveTau(w, options));
  }
  return w.amplitude * EmotionalModulation(w, options) * decay;
}

double WaveValue(const Wave& w, double now_s, const GridOptions& options) {
  return Envelope(w, now_s, options) *
         std::sin(2 * std::numbers::pi * w.frequency * now_s + w.phase);
}

double EvictionAge(const Wave& w, const GridOptions& options) {
  return EffectiveTau(w, options) *
         std::log(w.amplitude * EmotionalModulation(w, options) /
                  options.active_threshold);
}

float ReinforcedAmplitude(float amplitude, double gain, double amplitude_max) {
  const double grown = std::min(amplitude * (1.0 + gain), amplitude_max);
  return static_cast<float>(std::max(grown, 0.0));
}

double ExpectedInterference(const std::vector<std::pair<Coord, Wave>>& cells,
                            Coord c, double now_s, const GridOptions& options) {
  const int limits[3] = {255, 255, 65535};
  double sum = 0;
  for (int dx = -1; dx <= 1; ++dx) {
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dz = -1; dz <= 1; ++dz) {
        int n[3] = {c.x + dx, c.y + dy, c.z + dz};
        bool outside = false;
        for (int i = 0; i < 3; ++i) {
          if (n[i] < 0 || n[i] > limits[i]) {
            outside = true;
            n[i] = std::clamp(n[i], 0, limits[i]);
          }
        }
        if (outside && options.edge_policy == EdgePolicy::kSkip) continue;
        const Wave* w = Find(cells, n[0], n[1], n[2]);
        if (w == nullptr) continue;
        const double length = std::sqrt(dx * dx + dy * dy + dz * dz);
        sum += WaveValue(*w, now_s, options) / (1 + length);
      }
    }
  }
  return sum;
}

std::vector<ResonanceHit> ExpectedResonance(
    const std::vector<std::pair<Coord, Wave>>& cells, const ResonanceQuery& q,
    double now_s, const GridOptions& options) {
  std::vector<ResonanceHit> hits;
  for (const auto& [c, w] : cells) {
    const double distance = std::abs(w.frequency - q.frequency);
    if (!(distance <= q.bandwidth)) continue;
    const double strength = Envelope(w, now_s, options);
    if (strength < q.min_strength) continue;
    double score = strength * std::exp(-distance / q.bandwidth);
    if (q.target_valence || q.target_arousal) {
      const double dv =
          q.target_valence ? w.valence / 127.0 - *q.target_valence : 0.0;
      const double da =
          q.target_arousal ? w.arousal / 255.0 - *q.target_arousal : 0.0;
      score *= 1 - (std::abs(dv) + std::abs(da)) / 4;
    }
    hits.push_back(ResonanceHit{c, w, score});
  }
  std::sort(hits.begin(), hits.end(),
            [](const ResonanceHit& a, const ResonanceHit& b) {
              if (a.score != b.score) return a.score > b.score;
              return a.coord.key() < b.coord.key();
            });
  if (q.k != 0 && hits.size() > q.k) hits.resize(q.k);
  return hits;
}

std::vector<Coord> ExpectedRegion(const std::vector<Coord>& cells, uint8_t cx,
                                  uint8_t cy, double radius, uint16_t z_min,
                                  uint16_t z_max) {
  std::vector<Coord> inside;
  for (Coord c : cells) {
    const double dx = c.x - cx, dy = c.y - cy;
    if (dx * dx + dy * dy <= radius * radius && c.z >= z_min && c.z <= z_max) {
      inside.push_back(c);
    }
  }
  std::sort(inside.begin(), inside.end(),
            [](Coord a, Coord b) { return a.key() < b.key(); });
  return inside;
}

}  // namespace m8::bench
