// FastPow: x^exponent for a fixed exponent, without calling std::pow.
//
// The zipfian key generator raises a value in (0, 1) to 1 / (1 - theta)
// (100 for theta 0.99) on every draw, and std::pow made that draw cost
// 22 ns. FastPow computes 2^(exponent * log2(x)) with two small tables that
// fit in L1 (256 entries each) and short polynomials:
//   log2(x) = e + log2(c) + log2(1 + r), x = 2^e * m, c the centre of m's
//             1/256-wide interval, r = (m - c) / c, |r| <= 2^-9; degree 5;
//   2^z     = 2^k * 2^(j/256) * 2^s, |s| <= 2^-9; degree 4.
// Both truncation errors are below 2^-55, so the result's relative error is
// a few units of 1e-16 times |exponent * log2(x)| (about 1e-14 for the
// zipfian's exponent 100 on its domain): the same order as the rounding of
// std::pow's own argument. test/bench/load/key_distributions_test.cc checks
// the zipfian draws against std::pow draw by draw.
//
// Thread-safety: immutable after construction; the tables are built once
// per process (thread-safe).
#ifndef M8_BENCH_SUPPORT_FAST_POW_H_
#define M8_BENCH_SUPPORT_FAST_POW_H_

#include <bit>
#include <cstdint>

namespace m8::bench {
namespace internal {

inline constexpr int kFastPowTableBits = 8;
inline constexpr int kFastPowTableSize = 1 << kFastPowTableBits;

struct Log2Entry {
  double centre;       // 1 + (i + 0.5) / 256: the middle of interval i.
  double inv_centre;   // 1 / centre.
  double log2_centre;  // log2(centre).
};

struct FastPowTables {
  Log2Entry log2[kFastPowTableSize];
  double exp2[kFastPowTableSize];  // 2^(j / 256).
};

// Built on first use.
const FastPowTables& GetFastPowTables();

}  // namespace internal

class FastPow {
 public:
  explicit FastPow(double exponent)
      : exponent_(exponent), tables_(&internal::GetFastPowTables()) {}

  // x^exponent. REQUIRES: x a positive normal double and
  // |exponent * log2(x)| < 1000 (no overflow or underflow), which holds for
  // the zipfian's x in [(2/n)^(1 - theta), 1).
  double operator()(double x) const {
    using internal::kFastPowTableBits;
    constexpr double kInvLn2 = 1.4426950408889634074;  // 1 / ln 2.
    constexpr double kLn2 = 0.69314718055994530942;
    constexpr uint64_t kMantissa = (uint64_t{1} << 52) - 1;
    constexpr uint64_t kOneExponent = uint64_t{1023} << 52;
    // x = 2^e * m with m in [1, 2); the top bits of m pick the interval.
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const double e =
        static_cast<double>(static_cast<int64_t>(bits >> 52) - 1023);
    const internal::Log2Entry& entry =
        tables_->log2[(bits >> (52 - kFastPowTableBits)) &
                      (internal::kFastPowTableSize - 1)];
    const double m = std::bit_cast<double>((bits & kMantissa) | kOneExponent);
    // m - centre is exact (Sterbenz), so r carries only its own rounding.
    const double r = (m - entry.centre) * entry.inv_centre;
    // log2(1 + r) = (r - r^2/2 + r^3/3 - r^4/4 + r^5/5) / ln 2.
    const double log2_1pr =
        r * (kInvLn2 +
             r * (-kInvLn2 / 2 +
                  r * (kInvLn2 / 3 + r * (-kInvLn2 / 4 + r * (kInvLn2 / 5)))));
    const double z = exponent_ * ((e + entry.log2_centre) + log2_1pr);

    // z = k + j/256 + s: round z * 256 to the nearest integer with the
    // 1.5 * 2^52 trick (its low mantissa bits then hold the integer).
    constexpr double kRound = 0x1.8p52;
    const double shifted = z * 256.0 + kRound;
    const auto j = static_cast<int32_t>(
        static_cast<uint32_t>(std::bit_cast<uint64_t>(shifted)));
    const double s = (z - (shifted - kRound) * (1.0 / 256.0)) * kLn2;
    // 2^(s / ln 2) = e^s = 1 + s + s^2/2 + s^3/6 + s^4/24.
    const double exp_s_minus_1 =
        s * (1.0 + s * (1.0 / 2 + s * (1.0 / 6 + s * (1.0 / 24))));
    const double t = tables_->exp2[j & (internal::kFastPowTableSize - 1)];
    const double scale = std::bit_cast<double>(
        static_cast<uint64_t>((j >> kFastPowTableBits) + 1023) << 52);
    return (t + t * exp_s_minus_1) * scale;
  }

  double exponent() const { return exponent_; }

 private:
  double exponent_;
  const internal::FastPowTables* tables_;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_FAST_POW_H_
