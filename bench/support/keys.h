// Key generators: which item a benchmark touches next.
//
// A generator draws item indexes in [0, item_count) from a distribution
// (uniform, zipfian, sequential), deterministically from a fixed seed, with
// no allocation per draw. Fixtures pre-generate their keys with DrawItems
// outside the timed loop. New distributions subclass KeyGenerator and join
// KeyDistribution and MakeKeyGenerator.
//
// Thread-safety: a generator is used by one thread (give each thread its own
// seed).
#ifndef M8_BENCH_SUPPORT_KEYS_H_
#define M8_BENCH_SUPPORT_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace m8::bench {

// xoshiro256** seeded through SplitMix64: fast, 256 bits of state, and the
// same sequence for the same seed on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double NextDouble() { return (Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n) (Lemire's multiply-shift; bias below 2^-64 * n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return x << k | x >> (64 - k); }
  uint64_t s_[4];
};

enum class KeyDistribution {
  kUniform,     // Every item equally likely.
  kZipfian,     // Item 0 most popular; P(i) ~ 1 / (i + 1)^theta.
  kSequential,  // 0, 1, 2, ... wrapping at item_count.
};

// "uniform", "zipfian", "sequential": the spelling used in benchmark names.
absl::string_view DistributionName(KeyDistribution d);
absl::StatusOr<KeyDistribution> ParseDistribution(absl::string_view name);

class KeyGenerator {
 public:
  explicit KeyGenerator(uint64_t item_count) : item_count_(item_count) {}
  virtual ~KeyGenerator() = default;

  // The next item index, in [0, item_count()).
  virtual uint64_t Next() = 0;
  uint64_t item_count() const { return item_count_; }

 private:
  uint64_t item_count_;
};

class UniformGenerator final : public KeyGenerator {
 public:
  // REQUIRES: item_count >= 1.
  UniformGenerator(uint64_t item_count, uint64_t seed)
      : KeyGenerator(item_count), rng_(seed) {}
  uint64_t Next() override { return rng_.Below(item_count()); }

 private:
  Rng rng_;
};

// Gray et al., "Quickly Generating Billion-Record Synthetic Databases"
// (SIGMOD 1994), as YCSB's ZipfianGenerator: O(item_count) set-up (zeta),
// then O(1) per draw.
class ZipfianGenerator final : public KeyGenerator {
 public:
  static constexpr double kDefaultTheta = 0.99;

  // REQUIRES: item_count >= 1, theta in (0, 1).
  ZipfianGenerator(uint64_t item_count, uint64_t seed,
                   double theta = kDefaultTheta);
  uint64_t Next() override;

  double theta() const { return theta_; }
  // zeta(n, theta) = sum over i in [1, n] of 1 / i^theta.
  static double Zeta(uint64_t n, double theta);

 private:
  Rng rng_;
  double theta_;
  double zeta_n_;
  double alpha_;
  double eta_;
  double half_pow_theta_;  // 1 + 0.5^theta: the threshold of item 1.
};

class SequentialGenerator final : public KeyGenerator {
 public:
  // REQUIRES: item_count >= 1. Starts at `start % item_count`.
  SequentialGenerator(uint64_t item_count, uint64_t start = 0)
      : KeyGenerator(item_count), next_(start % item_count) {}
  uint64_t Next() override {
    const uint64_t item = next_;
    next_ = next_ + 1 == item_count() ? 0 : next_ + 1;
    return item;
  }

 private:
  uint64_t next_;
};

// A generator of `d` over `item_count` items. REQUIRES: item_count >= 1.
std::unique_ptr<KeyGenerator> MakeKeyGenerator(KeyDistribution d,
                                               uint64_t item_count,
                                               uint64_t seed);

// `count` draws of `generator`, as 32-bit item indexes.
// REQUIRES: generator.item_count() <= 2^32.
std::vector<uint32_t> DrawItems(KeyGenerator& generator, size_t count);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_KEYS_H_
