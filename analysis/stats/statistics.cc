#include "analysis/stats/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "boost/math/distributions/normal.hpp"
#include "boost/math/distributions/students_t.hpp"

namespace m8::analysis {
namespace {

// Boost.Math evaluates double functions in long double by default; double
// is accurate to a few ulps here and several times faster.
using FastPolicy =
    boost::math::policies::policy<boost::math::policies::promote_float<false>,
                                  boost::math::policies::promote_double<false>>;

// binom(n, k) in long double (exact for the sizes the exact test meets).
long double Binomial(int n, int k) {
  k = std::min(k, n - k);
  long double result = 1;
  for (int i = 1; i <= k; ++i) {
    result = result * (n - k + i) / i;
  }
  return result;
}

// P(U <= k_max) under the null hypothesis for samples of m and n distinct
// values, from the generating function of U: the Gaussian binomial
// coefficient prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), truncated at k_max.
// After each factor the coefficients are counts again (non-negative), so
// long double keeps them exact up to 2^64.
double MannWhitneyCdf(int m, int n, int k_max) {
  if (m > n) std::swap(m, n);
  std::vector<long double> counts(static_cast<size_t>(k_max) + 1, 0.0L);
  counts[0] = 1;
  for (int i = 1; i <= m; ++i) {
    const int up = n + i;  // multiply by (1 - q^up)
    for (int k = k_max; k >= up; --k) counts[k] -= counts[k - up];
    for (int k = i; k <= k_max; ++k) counts[k] += counts[k - i];  // / (1 - q^i)
  }
  long double cumulative = 0;
  for (long double c : counts) cumulative += c;
  return static_cast<double>(cumulative / Binomial(m + n, m));
}

// Ranks 1..n with ties averaged (scipy.stats.rankdata 'average'), for the
// concatenation x ++ y. Returns the rank sum of x and sets *tie_term to
// sum(t^3 - t) over groups of tied values.
double RankSumOfFirst(absl::Span<const double> x, absl::Span<const double> y,
                      double* tie_term, bool* has_ties) {
  const size_t n = x.size() + y.size();
  std::vector<std::pair<double, bool>> all;  // (value, from x)
  all.reserve(n);
  for (double v : x) all.emplace_back(v, true);
  for (double v : y) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum = 0;
  *tie_term = 0;
  *has_ties = false;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && all[j].first == all[i].first) ++j;
    // Positions i..j-1 share the average of ranks i+1..j.
    const double rank = 0.5 * static_cast<double>(i + 1 + j);
    size_t from_x = 0;
    for (size_t k = i; k < j; ++k) from_x += all[k].second ? 1 : 0;
    rank_sum += rank * static_cast<double>(from_x);
    const double t = static_cast<double>(j - i);
    if (j - i > 1) {
      *has_ties = true;
      *tie_term += t * t * t - t;
    }
    i = j;
  }
  return rank_sum;
}

}  // namespace

double MedianOfSorted(absl::Span<const double> sorted) {
  const size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

double Median(std::vector<double> values) {
  const size_t n = values.size();
  auto middle = values.begin() + n / 2;
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2 == 1) return *middle;
  // The lower middle is the largest value left of the upper one.
  const double lower = *std::max_element(values.begin(), middle);
  return 0.5 * (lower + *middle);
}

double QuantileOfSorted(absl::Span<const double> sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

double Mean(absl::Span<const double> values) {
  return std::accumulate(values.begin(), values.end(), 0.0) /
         static_cast<double>(values.size());
}

namespace {
double SumOfSquaredDeviations(absl::Span<const double> values) {
  const double mean = Mean(values);
  double sum = 0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return sum;
}
}  // namespace

double SampleStddev(absl::Span<const double> values) {
  if (values.size() < 2) return 0;
  return std::sqrt(SumOfSquaredDeviations(values) /
                   static_cast<double>(values.size() - 1));
}

double PopulationStddev(absl::Span<const double> values) {
  if (values.empty()) return 0;
  return std::sqrt(SumOfSquaredDeviations(values) /
                   static_cast<double>(values.size()));
}

double MedianAbsoluteDeviation(absl::Span<const double> sorted) {
  const double median = MedianOfSorted(sorted);
  std::vector<double> deviations;
  deviations.reserve(sorted.size());
  for (double v : sorted) deviations.push_back(std::fabs(v - median));
  return Median(std::move(deviations));
}

OutlierCounts CountTukeyOutliers(absl::Span<const double> sorted) {
  OutlierCounts counts;
  if (sorted.size() < 4) return counts;  // quartiles mean little below 4
  const double q1 = QuantileOfSorted(sorted, 0.25);
  const double q3 = QuantileOfSorted(sorted, 0.75);
  const double iqr = q3 - q1;
  for (double v : sorted) {
    if (v < q1 - 3 * iqr || v > q3 + 3 * iqr) {
      ++counts.severe;
    } else if (v < q1 - 1.5 * iqr || v > q3 + 1.5 * iqr) {
      ++counts.mild;
    }
  }
  return counts;
}

SampleSummary Summarize(absl::Span<const double> sorted) {
  SampleSummary summary;
  summary.n = static_cast<int>(sorted.size());
  summary.median = MedianOfSorted(sorted);
  summary.mad = MedianAbsoluteDeviation(sorted);
  summary.mean = Mean(sorted);
  summary.stddev = SampleStddev(sorted);
  summary.cv = summary.mean != 0 ? summary.stddev / summary.mean : 0;
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.outliers = CountTukeyOutliers(sorted);
  return summary;
}

MannWhitneyResult MannWhitneyU(absl::Span<const double> x,
                               absl::Span<const double> y) {
  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  double tie_term = 0;
  bool has_ties = false;
  const double r1 = RankSumOfFirst(x, y, &tie_term, &has_ties);
  MannWhitneyResult result;
  result.u1 = r1 - n1 * (n1 + 1) / 2;
  const double u2 = n1 * n2 - result.u1;
  const double u = std::max(result.u1, u2);
  // scipy: asymptotic when both samples exceed 8 values, or on any tie.
  const bool exact = !(x.size() > 8 && y.size() > 8) && !has_ties;
  double p;
  if (exact) {
    result.method = MannWhitneyMethod::kExact;
    // P(U >= u) = P(U <= n1*n2 - u) by symmetry.
    p = MannWhitneyCdf(static_cast<int>(x.size()), static_cast<int>(y.size()),
                       static_cast<int>(n1 * n2 - u));
  } else {
    result.method = MannWhitneyMethod::kAsymptotic;
    const double mu = n1 * n2 / 2;
    const double n = n1 + n2;
    const double s =
        std::sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))));
    if (!(s > 0)) {
      p = 1;  // every value tied: z = -inf, the survival function is 1
    } else {
      const double z = (u - mu - 0.5) / s;
      p = boost::math::cdf(boost::math::complement(
          boost::math::normal_distribution<double, FastPolicy>(), z));
    }
  }
  result.pvalue = std::clamp(2 * p, 0.0, 1.0);
  return result;
}

double SmallestMannWhitneyPValue(int n1, int n2) {
  if (n1 <= 0 || n2 <= 0) return 1;
  // All of one sample below all of the other: U = n1*n2.
  std::vector<double> x(n1), y(n2);
  std::iota(x.begin(), x.end(), 0.0);
  std::iota(y.begin(), y.end(), static_cast<double>(n1));
  return MannWhitneyU(x, y).pvalue;
}

int64_t MannWhitneyTrim(int64_t n1, int64_t n2, double alpha) {
  if (n1 <= 0 || n2 <= 0 || !(alpha > 0 && alpha < 1)) return 0;
  const int64_t pairs = n1 * n2;
  if (pairs <= 10000) {
    // Counts of U = 0..pairs/2 from the generating function (as in
    // MannWhitneyCdf), then the largest c with P(U <= c - 1) <= alpha / 2.
    // U is symmetric about pairs / 2, so c never passes it.
    const int64_t half = pairs / 2;
    const int64_t m = std::min(n1, n2);
    const int64_t n = std::max(n1, n2);
    std::vector<long double> counts(static_cast<size_t>(half) + 1, 0.0L);
    counts[0] = 1;
    for (int64_t i = 1; i <= m; ++i) {
      for (int64_t k = half; k >= n + i; --k) counts[k] -= counts[k - n - i];
      for (int64_t k = i; k <= half; ++k) counts[k] += counts[k - i];
    }
    const long double limit =
        static_cast<long double>(alpha) / 2 *
        Binomial(static_cast<int>(n1 + n2), static_cast<int>(m));
    long double cumulative = 0;
    int64_t c = 0;
    while (c <= half && cumulative + counts[c] <= limit) {
      cumulative += counts[c];
      ++c;
    }
    return c;
  }
  const double mean = static_cast<double>(pairs) / 2;
  const double sd = std::sqrt(static_cast<double>(pairs) *
                              static_cast<double>(n1 + n2 + 1) / 12);
  const double z = boost::math::quantile(
      boost::math::normal_distribution<double, FastPolicy>(), 1 - alpha / 2);
  return std::max<int64_t>(0, static_cast<int64_t>(std::floor(mean - z * sd)));
}

TTestResult StudentTTest(double mean1, double sd1, int64_t n1, double mean2,
                         double sd2, int64_t n2) {
  TTestResult result;
  result.df = static_cast<double>(n1 + n2 - 2);
  if (result.df <= 0) return result;  // p = 1
  const double v1 = sd1 * sd1;
  const double v2 = sd2 * sd2;
  const double pooled = ((static_cast<double>(n1) - 1) * v1 +
                         (static_cast<double>(n2) - 1) * v2) /
                        result.df;
  const double denominator = std::sqrt(
      pooled * (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
  const double difference = mean1 - mean2;
  if (!(denominator > 0)) {
    result.t = difference == 0
                   ? 0
                   : std::copysign(std::numeric_limits<double>::infinity(),
                                   difference);
    result.pvalue = difference == 0 ? 1 : 0;
    return result;
  }
  result.t = difference / denominator;
  const boost::math::students_t_distribution<double, FastPolicy> t_dist(
      result.df);
  result.pvalue = 2 * boost::math::cdf(
                          boost::math::complement(t_dist, std::fabs(result.t)));
  result.pvalue = std::min(result.pvalue, 1.0);
  return result;
}

double GeometricMean(absl::Span<const double> values) {
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(values.size()));
}

}  // namespace m8::analysis
