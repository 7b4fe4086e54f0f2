// Key generators: which item a benchmark touches next.
//
// A generator draws item indexes in [0, item_count) from a distribution
// (uniform, zipfian, sequential here; scrambled zipfian, latest and hotspot
// in ycsb_keys.h), deterministically from a fixed seed, with no allocation
// per draw. Fixtures pre-generate their keys with DrawItems outside the
// timed loop. New distributions subclass KeyGenerator and join
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
#include "bench/support/fast_pow.h"

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
  kUniform,           // Every item equally likely.
  kZipfian,           // Item 0 most popular; P(i) ~ 1 / (i + 1)^theta.
  kSequential,        // 0, 1, 2, ... wrapping at item_count.
  kScrambledZipfian,  // Zipfian popularity, hot items spread (ycsb_keys.h).
  kLatest,            // Zipfian over recency: the newest item most popular.
  kHotspot,           // 80% of draws on 20% of the items.
};

// Every distribution, in declaration order.
inline constexpr KeyDistribution kAllKeyDistributions[] = {
    KeyDistribution::kUniform,    KeyDistribution::kZipfian,
    KeyDistribution::kSequential, KeyDistribution::kScrambledZipfian,
    KeyDistribution::kLatest,     KeyDistribution::kHotspot,
};

// "uniform", "zipfian", "sequential", "scrambled_zipfian", "latest",
// "hotspot": the spelling used in benchmark names.
absl::string_view DistributionName(KeyDistribution d);
absl::StatusOr<KeyDistribution> ParseDistribution(absl::string_view name);

class KeyGenerator {
 public:
  explicit KeyGenerator(uint64_t item_count) : item_count_(item_count) {}
  virtual ~KeyGenerator() = default;

  // The next item index, in [0, item_count()).
  virtual uint64_t Next() = 0;
  uint64_t item_count() const { return item_count_; }

 protected:
  void set_item_count(uint64_t item_count) { item_count_ = item_count; }

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
// then O(1) per draw. Items 0 and 1 are drawn with exactly the zipf
// probabilities; the rest follow Gray's continuous approximation of the
// zipf CDF (for 10^6 items and theta 0.99, 1.1% of the probability mass
// sits on other items than exact zipf would put it: item 2 is drawn 19% too
// often and the tail about 1.6% too rarely).
//
// Each draw maps 53 random bits to u in [0, 1) and u to an item through
// n * (eta * u - eta + 1)^alpha. The power comes from a table of 1024 cells
// over u (the power at the cell's start and a binomial series of degree 6
// within the cell: 16 KiB, about 3 ns a draw), set up when the series'
// error bound is below 1e-15 on the cells that matter (theta 0.99 for any
// item count; low thetas with many items fail it), else from FastPow. Both
// give the items std::pow gives (ItemAtExact) but for a few draws in 10^8
// (test/bench/load/key_distributions_test.cc).
class ZipfianGenerator final : public KeyGenerator {
 public:
  static constexpr double kDefaultTheta = 0.99;

  // REQUIRES: item_count >= 1, theta in (0, 1).
  ZipfianGenerator(uint64_t item_count, uint64_t seed,
                   double theta = kDefaultTheta);
  uint64_t Next() override { return ItemOfBits(rng_.Next() >> 11); }

  // The item that 53 random bits map to (u = bits / 2^53): what Next()
  // returns when the generator draws them. REQUIRES: bits < 2^53.
  uint64_t ItemOfBits(uint64_t bits) const {
    return table_.empty() ? ItemAt(static_cast<double>(bits) * 0x1.0p-53)
                          : TableItemOfBits(bits);
  }
  // The item of u in [0, 1) with FastPow (the path without the table).
  uint64_t ItemAt(double u) const {
    const double uz = u * zeta_n_;
    if (uz < 1.0) return 0;
    if (uz < half_pow_theta_ && item_count() > 1) return 1;
    return Clamp(item_count_d_ * pow_(eta_ * u - eta_ + 1.0));
  }
  // The item of u with std::pow: the reference both paths are tested
  // against.
  uint64_t ItemAtExact(double u) const;

  // Extends the item set to `item_count` items, adding the new items' terms
  // to zeta (YCSB's incremental update for a growing item count): O(new
  // items). Later draws take the FastPow path (about 12 ns), since the table
  // depends on the item count. REQUIRES: item_count >= item_count().
  void Grow(uint64_t item_count);

  double theta() const { return theta_; }
  // Whether draws use the table (else FastPow).
  bool uses_table() const { return !table_.empty(); }
  // zeta(n, theta) = sum over i in [1, n] of 1 / i^theta.
  static double Zeta(uint64_t n, double theta);

 private:
  static constexpr int kTableBits = 10;
  static constexpr int kFractionBits = 53 - kTableBits;
  static constexpr int kSeriesDegree = 6;
  // Cell i covers u in [i, i + 1) / 1024, where x = eta * u - eta + 1 runs
  // from x_i up: x^alpha = x_i^alpha * (1 + f * step)^alpha for the
  // fraction f in [0, 1) of the cell.
  struct Cell {
    double power;  // x_i^alpha.
    double step;   // eta / 1024 / x_i.
  };

  // A non-negative value below 2^63 as an item (the signed conversion is
  // one instruction, the unsigned one a branch), at most the last item.
  uint64_t Clamp(double item) const {
    const auto i = static_cast<uint64_t>(static_cast<int64_t>(item));
    return i < item_count() ? i : item_count() - 1;
  }
  // The table path, without branches (items 0 and 1 by selection).
  uint64_t TableItemOfBits(uint64_t bits) const {
    const double u = static_cast<double>(bits) * 0x1.0p-53;
    const double uz = u * zeta_n_;
    const Cell& cell = table_[bits >> kFractionBits];
    const double f = static_cast<double>(static_cast<int64_t>(
                         bits & ((uint64_t{1} << kFractionBits) - 1))) *
                     (1.0 / static_cast<double>(uint64_t{1} << kFractionBits));
    const double t = f * cell.step;
    double series = series_[kSeriesDegree];
    for (int j = kSeriesDegree - 1; j >= 0; --j)
      series = series_[j] + t * series;
    uint64_t item = Clamp(item_count_d_ * (cell.power * series));
    item = uz < half_pow_theta_ ? 1 : item;
    return uz < 1.0 ? 0 : item;
  }
  // Recomputes eta for the current item count and zeta.
  void UpdateEta();
  // Builds the table if its error bound holds, else leaves it empty.
  void BuildTable();

  Rng rng_;
  double theta_;
  double zeta_n_;
  double alpha_;
  double eta_ = 0.0;
  double half_pow_theta_;  // 1 + 0.5^theta: the threshold of item 1.
  double item_count_d_;
  FastPow pow_;                       // x^alpha.
  double series_[kSeriesDegree + 1];  // Binomial coefficients C(alpha, j).
  std::vector<Cell> table_;           // Empty: draws use pow_.
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
