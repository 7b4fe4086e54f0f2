// Change-point detection on one series: E-divisive means (Matteson & James
// 2014, alpha = 1) in the deterministic form of Apache Otava (Hunter,
// ICPE 2023):
//  1. split: in windows of `window` points advancing by window/2, find the
//     split (tau, kappa) maximising the scaled energy statistic Q, test the
//     two sides of tau within its segment with a two-sided Student t-test,
//     keep it when p <= 10 x max_pvalue ("weak" change points), repeat in the
//     new segments until a test fails;
//  2. merge: recompute every weak point's test against its neighbours, then
//     repeatedly drop the point with the largest p-value (or, once all pass,
//     the smallest relative magnitude) until every point has
//     p < max_pvalue and magnitude > min_magnitude.
// Differences from Otava: after a removal both neighbours of the removed
// point are recomputed (Otava recomputes the right one and the one after);
// and an optional minimum segment length.
//
// Pure function; thread-safe.

#ifndef M8_ANALYSIS_STATS_CHANGE_POINTS_H_
#define M8_ANALYSIS_STATS_CHANGE_POINTS_H_

#include <vector>

#include "absl/types/span.h"

namespace m8::analysis {

struct ChangePointOptions {
  // Points per sliding window of the split step (Otava: 50).
  int window = 50;
  // Significance a change point must reach (Otava: 0.001).
  double max_pvalue = 0.001;
  // Smallest relative change of the means kept (0.01: ignore sub-1% steps).
  double min_magnitude = 0.0;
  // Fewest points a split may leave on either side within its segment
  // (Otava: 1; the Chromium dashboard uses 6). Above 1, a single outlier
  // cannot become a pair of change points around itself.
  int min_segment = 1;
};

struct ChangePointStats {
  int index = 0;  // first point of the new segment
  double mean_before = 0;
  double mean_after = 0;
  double stddev_before = 0;  // population (numpy's default, as Otava)
  double stddev_after = 0;
  double pvalue = 1;
  // max(|after/before - 1|, |before/after - 1|), 0 where a mean is 0.
  double Magnitude() const;
};

// Change points of `series`, by increasing index. Series shorter than 3
// points have none.
std::vector<ChangePointStats> DetectChangePoints(
    absl::Span<const double> series, const ChangePointOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_CHANGE_POINTS_H_
