// The key distributions YCSB adds to uniform, zipfian and sequential
// (keys.h): scrambled zipfian, latest and hotspot.
//
// Like every KeyGenerator they draw item indexes in [0, item_count) from a
// fixed seed with no allocation per draw. YCSB's own generators are in
// brianfrankcooper/YCSB core/.../generator/.
//
// Thread-safety: a generator is used by one thread.
#ifndef M8_BENCH_SUPPORT_YCSB_KEYS_H_
#define M8_BENCH_SUPPORT_YCSB_KEYS_H_

#include <cstdint>

#include "bench/support/keys.h"

namespace m8::bench {

// A pseudo-random permutation of [0, n): the same n and key always give the
// same bijection. Built from bijections of [0, 2^b) (multiplication by an
// odd constant, addition, xor with a right shift, all mod 2^b, 2^b >= n)
// with cycle walking: values >= n are permuted again until they fall below
// n (fewer than two steps on average, since 2^b < 2n).
class ItemPermutation {
 public:
  // REQUIRES: n >= 1.
  ItemPermutation(uint64_t n, uint64_t key);

  // REQUIRES: item < n.
  uint64_t operator()(uint64_t item) const {
    do {
      item = Step(item);
    } while (item >= n_);
    return item;
  }

 private:
  uint64_t Step(uint64_t x) const {
    x = (x * 0x9e3779b97f4a7c15u + key_) & mask_;
    x ^= x >> shift_;
    x = (x * 0xbf58476d1ce4e5b9u) & mask_;
    x ^= x >> shift_;
    return x;
  }

  uint64_t n_;
  uint64_t mask_;  // 2^b - 1.
  uint64_t key_;
  int shift_;
};

// YCSB's ScrambledZipfianGenerator: zipfian popularity, but the popular
// items are spread over the item space instead of clustered at 0. Where
// YCSB hashes (FNV) and takes the remainder, which maps several ranks onto
// one item and leaves others undrawn, this applies a permutation, so the
// popularity of each item is exactly that of some zipfian rank.
class ScrambledZipfianGenerator final : public KeyGenerator {
 public:
  // REQUIRES: item_count >= 1, theta in (0, 1).
  ScrambledZipfianGenerator(uint64_t item_count, uint64_t seed,
                            double theta = ZipfianGenerator::kDefaultTheta);
  uint64_t Next() override { return permutation_(zipfian_.Next()); }

  // The item that zipfian rank `rank` is mapped to.
  uint64_t ItemOfRank(uint64_t rank) const { return permutation_(rank); }

 private:
  ZipfianGenerator zipfian_;
  ItemPermutation permutation_;
};

// YCSB's SkewedLatestGenerator: zipfian over recency. Item count - 1 (the
// newest) is the most popular, then count - 2, ... Grow() acknowledges new
// items (inserts), which then become the most popular.
class LatestGenerator final : public KeyGenerator {
 public:
  // REQUIRES: item_count >= 1, theta in (0, 1).
  LatestGenerator(uint64_t item_count, uint64_t seed,
                  double theta = ZipfianGenerator::kDefaultTheta);
  uint64_t Next() override { return item_count() - 1 - zipfian_.Next(); }

  // Items [old count, item_count) now exist. O(new items).
  // REQUIRES: item_count >= item_count().
  void Grow(uint64_t item_count);

 private:
  ZipfianGenerator zipfian_;
};

// YCSB's HotspotIntegerGenerator: with probability hot_op_fraction an item
// drawn uniformly from the hot set, the first hot_data_fraction of the
// items; otherwise one drawn uniformly from the rest.
class HotspotGenerator final : public KeyGenerator {
 public:
  static constexpr double kDefaultHotDataFraction = 0.2;
  static constexpr double kDefaultHotOpFraction = 0.8;

  // REQUIRES: item_count >= 1, both fractions in [0, 1].
  HotspotGenerator(uint64_t item_count, uint64_t seed,
                   double hot_data_fraction = kDefaultHotDataFraction,
                   double hot_op_fraction = kDefaultHotOpFraction);
  uint64_t Next() override {
    const bool hot = rng_.Next() < hot_threshold_ || cold_count_ == 0;
    return hot ? rng_.Below(hot_count_) : hot_count_ + rng_.Below(cold_count_);
  }

  // Items [0, hot_count()) are the hot set.
  uint64_t hot_count() const { return hot_count_; }

 private:
  Rng rng_;
  uint64_t hot_count_;
  uint64_t cold_count_;
  uint64_t hot_threshold_;  // hot_op_fraction * 2^64, saturated.
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_YCSB_KEYS_H_
