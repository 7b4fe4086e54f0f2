// Chi-square goodness of fit for the load tests: Pearson's statistic of
// observed counts against expected probabilities, and its critical value
// (Boost.Math).
#ifndef M8_TEST_BENCH_LOAD_STATS_UTIL_H_
#define M8_TEST_BENCH_LOAD_STATS_UTIL_H_

#include <cstdint>
#include <vector>

#include "boost/math/distributions/chi_squared.hpp"

namespace m8::bench::testing {

// Pearson's chi-square of observed counts against expected probabilities
// (which sum to 1 over the bins).
inline double ChiSquare(const std::vector<uint64_t>& observed,
                        const std::vector<double>& probabilities) {
  uint64_t total = 0;
  for (uint64_t o : observed) total += o;
  double chi2 = 0.0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = probabilities[i] * static_cast<double>(total);
    const double d = static_cast<double>(observed[i]) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

// The 99.9th percentile of chi-square with `dof` degrees of freedom: a
// correct distribution fails a test at this bound once in 1000 seeds.
inline double ChiSquareCritical999(int dof) {
  return boost::math::quantile(boost::math::chi_squared(dof), 0.999);
}

}  // namespace m8::bench::testing

#endif  // M8_TEST_BENCH_LOAD_STATS_UTIL_H_
