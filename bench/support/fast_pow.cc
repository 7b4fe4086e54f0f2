#include "bench/support/fast_pow.h"

#include <cmath>

namespace m8::bench::internal {
namespace {

FastPowTables BuildTables() {
  FastPowTables t;
  for (int i = 0; i < kFastPowTableSize; ++i) {
    // Long double (64-bit mantissa on x86) so that the stored doubles are
    // correctly rounded.
    const long double centre = 1.0L + (i + 0.5L) / kFastPowTableSize;
    t.log2[i].centre = static_cast<double>(centre);
    t.log2[i].inv_centre = static_cast<double>(1.0L / centre);
    t.log2[i].log2_centre = static_cast<double>(std::log2(centre));
    t.exp2[i] = static_cast<double>(
        std::exp2(static_cast<long double>(i) / kFastPowTableSize));
  }
  return t;
}

}  // namespace

const FastPowTables& GetFastPowTables() {
  static const FastPowTables tables = BuildTables();
  return tables;
}

}  // namespace m8::bench::internal
