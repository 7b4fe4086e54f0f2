// The Hodges-Lehmann estimate of the ratio new/base and its distribution-
// free confidence interval (Moses), the interval behind m8perf compare's
// verdicts.
//
// Method. For positive samples x (base) and y (new), the n*m pairwise log
// ratios d = log(y_j) - log(x_i) are formed (conceptually). The estimate is
// exp(median(d)); the interval at level 1 - alpha is exp of
// [d(c), d(n*m + 1 - c)] (order statistics, 1-based), with c from
// MannWhitneyTrim. The interval is the set of multiplicative shifts that the
// two-sided Mann-Whitney test at alpha would not reject, so it agrees with
// the test's p-value, and, built on ranks, a few slow repetitions move it
// far less than they move a bootstrap of the medians.
//
// Cost: O(n*m) time and memory while n*m <= 4,000,000 (selection over the
// materialised differences); beyond, each order statistic is found by
// bisection on the value with a two-pointer count, O((n + m) * 100), exact
// to the last bits of the doubles' range.

#ifndef M8_ANALYSIS_STATS_SHIFT_H_
#define M8_ANALYSIS_STATS_SHIFT_H_

#include <vector>

#include "absl/types/span.h"
#include "analysis/stats/bootstrap.h"

namespace m8::analysis {

struct RatioShift {
  double ratio = 0;  // exp(median of the pairwise log ratios)
  Interval ci;       // NaN ends when the samples are too small for one
};

// REQUIRES: both sorted ascending, non-empty, every value > 0 and finite.
// `trim` is MannWhitneyTrim(base.size(), contender.size(), alpha).
// Not thread-safe per `scratch`; pass one per thread.
RatioShift HodgesLehmannRatio(absl::Span<const double> base,
                              absl::Span<const double> contender, int64_t trim,
                              std::vector<double>* scratch);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_SHIFT_H_
