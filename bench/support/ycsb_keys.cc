#include "bench/support/ycsb_keys.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace m8::bench {

ItemPermutation::ItemPermutation(uint64_t n, uint64_t key) : n_(n) {
  assert(n >= 1);
  const int bits = std::bit_width(n - 1);  // 2^bits >= n; 0 when n == 1.
  mask_ = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  key_ = Rng(key).Next() & mask_;
  shift_ = std::max(1, (bits + 1) / 2);
}

ScrambledZipfianGenerator::ScrambledZipfianGenerator(uint64_t item_count,
                                                     uint64_t seed,
                                                     double theta)
    : KeyGenerator(item_count),
      zipfian_(item_count, seed, theta),
      permutation_(item_count, seed ^ 0x5c72'616d'626c'6564) {}  // "scrambled"

LatestGenerator::LatestGenerator(uint64_t item_count, uint64_t seed,
                                 double theta)
    : KeyGenerator(item_count), zipfian_(item_count, seed, theta) {}

void LatestGenerator::Grow(uint64_t item_count) {
  zipfian_.Grow(item_count);
  set_item_count(item_count);
}

HotspotGenerator::HotspotGenerator(uint64_t item_count, uint64_t seed,
                                   double hot_data_fraction,
                                   double hot_op_fraction)
    : KeyGenerator(item_count), rng_(seed) {
  assert(item_count >= 1);
  assert(hot_data_fraction >= 0.0 && hot_data_fraction <= 1.0);
  assert(hot_op_fraction >= 0.0 && hot_op_fraction <= 1.0);
  hot_count_ = std::clamp<uint64_t>(
      static_cast<uint64_t>(
          std::llround(hot_data_fraction * static_cast<double>(item_count))),
      1, item_count);
  cold_count_ = item_count - hot_count_;
  // 2^64 * fraction, saturated: 1.0 means every draw is hot.
  hot_threshold_ = hot_op_fraction >= 1.0
                       ? ~uint64_t{0}
                       : static_cast<uint64_t>(std::ldexp(hot_op_fraction, 64));
}

}  // namespace m8::bench
