// Percentile-bootstrap confidence interval of the ratio of medians
// median(new) / median(base), the effect size that m8perf compare reports.
//
// Method. Each side is resampled `resamples` times (with replacement, same
// size, fixed seed). The median of a resample of sorted data depends only on
// which ranks were drawn, so the resampling is done once per sample size, in
// rank space, and kept as a table of (lower rank, upper rank, count): the
// distribution of the resample median over "middle rank pairs". For data,
// each pair gives the value (x[lo] + x[hi]) / 2. The ratio's bootstrap
// distribution is then taken over all resamples(base) x resamples(new)
// pairings (independent resampling of the two sides; enumerating every
// pairing removes the noise of pairing them one to one), and the interval is
// its (1 - confidence)/2 and (1 + confidence)/2 quantiles (inverted CDF: the
// smallest value whose cumulative weight reaches the target), found by a
// weighted selection over the two sorted marginals without materialising
// the product. Cost per interval: O((P + Q) log(P Q)) for P and Q distinct
// rank pairs (at most n(n+1)/2), independent of `resamples`.
//
// Not thread-safe (caches tables and scratch space): use one per thread.

#ifndef M8_ANALYSIS_STATS_BOOTSTRAP_H_
#define M8_ANALYSIS_STATS_BOOTSTRAP_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "analysis/stats/random.h"

namespace m8::analysis {

struct BootstrapOptions {
  // Resamples of each side. More narrows the Monte Carlo error of the
  // interval ends; the cost of an interval does not grow with it (only the
  // one-off table per sample size does).
  int resamples = 10000;
  // Two-sided confidence level of the interval.
  double confidence = 0.95;
  // Seed of the resampling; the same seed gives the same intervals.
  uint64_t seed = 20260101;
};

struct Interval {
  double low = 0;
  double high = 0;
};

// One entry of a resample-median table: the median of `count` resamples was
// (x[lo] + x[hi]) / 2 for sorted data x.
struct MedianRanks {
  uint16_t lo = 0;
  uint16_t hi = 0;
  uint32_t count = 0;
};

class MedianRatioBootstrap {
 public:
  explicit MedianRatioBootstrap(BootstrapOptions options = {});

  // Interval of median(new) / median(base). A ratio x / 0 counts as +inf and
  // 0 / 0 as 1. REQUIRES: both sorted ascending, non-empty, finite, >= 0,
  // at most 65535 values each.
  Interval RatioInterval(absl::Span<const double> base_sorted,
                         absl::Span<const double> new_sorted);

  // The resample-median table for samples of size n; `side` 0 is used for
  // the base and 1 for the new sample (independent streams).
  const std::vector<MedianRanks>& MedianTable(int n, int side);

  const BootstrapOptions& options() const { return options_; }

 private:
  struct Marginal {
    std::vector<double> values;     // ascending
    std::vector<uint64_t> weights;  // resample counts, same order
  };
  void BuildMarginal(const std::vector<MedianRanks>& table,
                     absl::Span<const double> sorted, Marginal* out);
  // The smallest ratio whose cumulative weight reaches `rank` (1-based).
  double SelectRatio(uint64_t rank);
  // SelectRatio when every base value is positive: bisection on the ratio
  // with multiplication-only counting passes, then an exact finish over the
  // few cells left in the bracket.
  double SelectByBisection(uint64_t rank);
  // SelectRatio for any non-negative values (zeros give 1 and +inf):
  // quickselect with random pivots among the remaining cells.
  double SelectByPivots(uint64_t rank);
  // Cells and weight with ratio <= t (by nv[q] <= t * bv[p]); stores each
  // row's count in `positions`. REQUIRES: every base value > 0, and each
  // row's count within [lo_[p], hi_[p]].
  uint64_t CountAtOrBelow(double t, std::vector<uint32_t>* positions,
                          uint64_t* cells) const;

  BootstrapOptions options_;
  absl::flat_hash_map<uint64_t, std::vector<MedianRanks>> tables_;
  SplitMix64 pivot_rng_;
  // Scratch, reused across calls.
  Marginal base_;
  Marginal new_;
  std::vector<uint64_t> new_prefix_;  // new_prefix_[q] = sum of weights < q
  std::vector<uint32_t> lo_, hi_, at_or_below_, below_;
  std::vector<std::pair<double, uint64_t>> order_;
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_BOOTSTRAP_H_
