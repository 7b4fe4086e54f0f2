// A small, fast, seeded pseudo-random generator (SplitMix64) for the parts of
// analysis/ that must be reproducible: bootstrap resampling and tests.
// Not cryptographic. One object per thread.

#ifndef M8_ANALYSIS_STATS_RANDOM_H_
#define M8_ANALYSIS_STATS_RANDOM_H_

#include <cstdint>

namespace m8::analysis {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound) without bias (Lemire's multiply-and-reject).
  // REQUIRES: bound > 0.
  uint64_t Below(uint64_t bound) {
    __uint128_t product = static_cast<__uint128_t>(Next()) * bound;
    uint64_t low = static_cast<uint64_t>(product);
    if (low < bound) {
      const uint64_t threshold = -bound % bound;
      while (low < threshold) {
        product = static_cast<__uint128_t>(Next()) * bound;
        low = static_cast<uint64_t>(product);
      }
    }
    return static_cast<uint64_t>(product >> 64);
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_RANDOM_H_
