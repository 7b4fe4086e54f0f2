// Wave: one stored memory, a cell of the grid. Exactly 32 bytes.
//
// Importance is amplitude, content is frequency, temporal relationship is
// phase; a wave fades by exponential decay with time constant decay_tau
// unless it is reinforced. Field meanings follow grid-model.md section 2.
//
// Thread-safety: a plain, trivially copyable value type.
#ifndef M8_GRID_WAVE_H_
#define M8_GRID_WAVE_H_

#include <cstdint>
#include <limits>
#include <type_traits>

namespace m8 {

struct Wave {
  float amplitude = 0.0f;     // A0 >= 0: importance / vividness.
  float frequency = 0.0f;     // Hz in [0, 1000]: semantic content band.
  float phase = 0.0f;         // Radians in [-pi, pi).
  float decay_tau = 5.0f;     // Seconds; +inf never decays. Default: Fade.
  uint32_t touched = 0;       // Grid time of last store/reinforce, in ms.
  uint32_t access_count = 0;  // Times stored over or reinforced.
  int8_t valence = 0;         // -127..127 maps to v in [-1, 1].
  uint8_t arousal = 0;        // 0..255 maps to a in [0, 1].
  uint8_t importance = 0;     // 0..15; 15 = permanent (never evicted).
  uint8_t kind = 0;           // Sense/type tag (language, audio, ...).
  uint32_t tag = 0;           // Caller's pattern id or hash.

  // Emotion as the formulas use it.
  double v() const { return valence / 127.0; }
  double a() const { return arousal / 255.0; }
};

static_assert(sizeof(Wave) == 32, "a cell is exactly 32 bytes");
static_assert(std::is_trivially_copyable_v<Wave>);

// Importance at which a wave is permanent: never evicted by decay.
inline constexpr uint8_t kPermanentImportance = 15;

// The standard decay curves (tau, seconds).
namespace decay {
inline constexpr float kFlash = 0.5f;
inline constexpr float kFade = 5.0f;
inline constexpr float kLinger = 30.0f;
inline constexpr float kPersist = 300.0f;
inline constexpr float kConsolidate = std::numeric_limits<float>::infinity();
}  // namespace decay

// Frequency bands, Hz: [lower, upper) except Abstract, which includes 1000.
enum class Band : uint8_t {
  kStructural,      // [0, 200)
  kConversational,  // [200, 400)
  kTechnical,       // [400, 600)
  kImplementation,  // [600, 800)
  kAbstract,        // [800, 1000]
};
inline constexpr float kMaxFrequency = 1000.0f;

inline Band BandOf(float frequency) {
  if (frequency < 200.0f) return Band::kStructural;
  if (frequency < 400.0f) return Band::kConversational;
  if (frequency < 600.0f) return Band::kTechnical;
  if (frequency < 800.0f) return Band::kImplementation;
  return Band::kAbstract;
}

}  // namespace m8

#endif  // M8_GRID_WAVE_H_
