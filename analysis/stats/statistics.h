// Small statistics over samples of doubles: centre and spread, Tukey
// outliers, the Mann-Whitney U test as scipy 1.10 computes it, Student's
// t-test from summary statistics, the geometric mean.
//
// Free functions, no state; safe to call from any thread. Unless a function
// says otherwise, values must be finite (no NaN).

#ifndef M8_ANALYSIS_STATS_STATISTICS_H_
#define M8_ANALYSIS_STATS_STATISTICS_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace m8::analysis {

// Median of sorted values: the middle one, or the mean of the two middle
// ones. REQUIRES: !sorted.empty(), sorted ascending.
double MedianOfSorted(absl::Span<const double> sorted);

// Median of unsorted values (reorders its argument).
// REQUIRES: !values.empty().
double Median(std::vector<double> values);

// The q-quantile (0 <= q <= 1) with linear interpolation between order
// statistics, numpy's default ("type 7"). REQUIRES: !sorted.empty(), sorted.
double QuantileOfSorted(absl::Span<const double> sorted, double q);

// Arithmetic mean. REQUIRES: !values.empty().
double Mean(absl::Span<const double> values);

// Sample standard deviation (divides by n - 1); 0 for fewer than 2 values.
double SampleStddev(absl::Span<const double> values);

// Population standard deviation (divides by n, numpy's default); 0 for an
// empty span. Otava's t-test uses this one.
double PopulationStddev(absl::Span<const double> values);

// Median absolute deviation from the median, unscaled (multiply by 1.4826
// for a normal-consistent sigma). REQUIRES: !sorted.empty(), sorted.
double MedianAbsoluteDeviation(absl::Span<const double> sorted);

// Tukey's fences on the quartiles: mild outliers lie beyond 1.5 IQR from the
// quartiles but within 3 IQR, severe ones beyond 3 IQR. Counted, never
// dropped.
struct OutlierCounts {
  int mild = 0;
  int severe = 0;
};
OutlierCounts CountTukeyOutliers(absl::Span<const double> sorted);

// Everything a report says about one sample.
struct SampleSummary {
  int n = 0;
  double median = 0;
  double mad = 0;
  double mean = 0;
  double stddev = 0;  // sample (n - 1)
  double cv = 0;      // stddev / mean; 0 when the mean is 0
  double min = 0;
  double max = 0;
  OutlierCounts outliers;
};
// REQUIRES: !sorted.empty(), sorted.
SampleSummary Summarize(absl::Span<const double> sorted);

enum class MannWhitneyMethod { kExact, kAsymptotic };

struct MannWhitneyResult {
  double u1 = 0;  // the U statistic of the first sample
  double pvalue = 1;
  MannWhitneyMethod method = MannWhitneyMethod::kAsymptotic;
};

// Two-sided Mann-Whitney U test, computed as scipy 1.10's
// `mannwhitneyu(x, y, alternative='two-sided')` with its defaults
// (method='auto', use_continuity=True):
//  - exact distribution of U when at least one sample has at most 8 values
//    and there are no ties (scipy takes the asymptotic path only when both
//    exceed 8, or on ties);
//  - otherwise the normal approximation with the tie correction of the
//    variance and a continuity correction of 0.5;
//  - p = 2 * P(U >= max(U1, U2)), clipped to 1.
// REQUIRES: both non-empty, no NaN (infinities rank like any value).
MannWhitneyResult MannWhitneyU(absl::Span<const double> x,
                               absl::Span<const double> y);

// The smallest two-sided p-value that MannWhitneyU can return for samples of
// n1 and n2 distinct values. Below alpha, no verdict is possible: with 3
// values per side it is 0.1.
double SmallestMannWhitneyPValue(int n1, int n2);

// The number of pairwise differences cut from each end of the distribution-
// free confidence interval of a location shift that matches the two-sided
// Mann-Whitney test at `alpha` (Moses): the largest c with
// P(U < c) <= alpha / 2 under the null hypothesis, for samples of n1 and n2
// distinct values. The interval is then [D(c), D(n1*n2 + 1 - c)] over the
// sorted differences D(1..n1*n2) (1-based). Exact distribution of U while
// n1 * n2 <= 10,000, the normal approximation beyond. 0 when the samples are
// too small for any interval at that level.
int64_t MannWhitneyTrim(int64_t n1, int64_t n2, double alpha);

struct TTestResult {
  double t = 0;
  double pvalue = 1;
  double df = 0;
};

// Two-sided Student's t-test with pooled variance from summary statistics,
// as scipy's `ttest_ind_from_stats(m1, s1, n1, m2, s2, n2)` (equal_var=True)
// computes it; the standard deviations are used as given. Edge cases: with
// n1 + n2 <= 2 there are no degrees of freedom and p = 1; with zero pooled
// variance p = 0 when the means differ and 1 when they do not (scipy gives
// NaN there).
TTestResult StudentTTest(double mean1, double sd1, int64_t n1, double mean2,
                         double sd2, int64_t n2);

// Geometric mean of positive values. REQUIRES: !values.empty(), all > 0.
double GeometricMean(absl::Span<const double> values);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_STATISTICS_H_
