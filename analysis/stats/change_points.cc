#include "analysis/stats/change_points.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/stats/statistics.h"

namespace m8::analysis {
namespace {

// The best split of one segment [begin, end) of a window.
struct Candidate {
  int index = -1;
  double q = -std::numeric_limits<double>::infinity();
};

// Pairwise distances |x_i - x_j| of one window, with row prefix sums so that
// any sum of distances from one point to a run of points is O(1):
// prefix[i][k] = sum of |x_i - x_j| for j < k.
class Distances {
 public:
  explicit Distances(absl::Span<const double> window)
      : n_(static_cast<int>(window.size())),
        prefix_(static_cast<size_t>(n_) * (n_ + 1)) {
    for (int i = 0; i < n_; ++i) {
      double* row = &prefix_[static_cast<size_t>(i) * (n_ + 1)];
      row[0] = 0;
      for (int j = 0; j < n_; ++j) {
        row[j + 1] = row[j] + std::fabs(window[i] - window[j]);
      }
    }
  }

  // Sum of |x_i - x_j| for j in [from, to).
  double Sum(int i, int from, int to) const {
    const double* row = &prefix_[static_cast<size_t>(i) * (n_ + 1)];
    return row[to] - row[from];
  }

 private:
  int n_;
  std::vector<double> prefix_;
};

// argmax over begin < tau < kappa <= end of
//   Q = 2/(m+n) sum|x-y| - 2m/((m+n)(n-1)) sum_{x<x'}|x-x'|
//       - 2n/((m+n)(m-1)) sum_{y<y'}|y-y'|
// with X = [begin, tau) (n points) and Y = [tau, kappa) (m points). Ties go
// to the smallest tau, then the smallest kappa (numpy's argmax order).
// Splits leaving fewer than `min_segment` points on either side of tau
// within [begin, end) are not candidates.
Candidate BestSplit(const Distances& d, int begin, int end, int min_segment) {
  Candidate best;
  double within_x = 0;  // sum over pairs inside [begin, tau)
  for (int tau = begin + 1; tau < end; ++tau) {
    within_x += d.Sum(tau - 1, begin, tau - 1);
    if (tau - begin < min_segment || end - tau < min_segment) continue;
    const double n = tau - begin;
    double cross = 0;     // sum over x in X, y in [tau, kappa)
    double within_y = 0;  // sum over pairs inside [tau, kappa)
    for (int kappa = tau + 1; kappa <= end; ++kappa) {
      const int y = kappa - 1;  // the point added to Y
      cross += d.Sum(y, begin, tau);
      within_y += d.Sum(y, tau, y);
      const double m = kappa - tau;
      double q = 2 / (m + n) * cross;
      if (n > 1) q -= 2 * m / ((m + n) * (n - 1)) * within_x;
      if (m > 1) q -= 2 * n / ((m + n) * (m - 1)) * within_y;
      if (q > best.q) {
        best.q = q;
        best.index = tau;
      }
    }
  }
  return best;
}

// The t-test of [left_begin, index) against [index, right_end).
ChangePointStats Test(absl::Span<const double> series, int left_begin,
                      int index, int right_end) {
  absl::Span<const double> left =
      series.subspan(left_begin, index - left_begin);
  absl::Span<const double> right = series.subspan(index, right_end - index);
  ChangePointStats stats;
  stats.index = index;
  stats.mean_before = Mean(left);
  stats.mean_after = Mean(right);
  stats.stddev_before = PopulationStddev(left);
  stats.stddev_after = PopulationStddev(right);
  stats.pvalue =
      StudentTTest(stats.mean_before, stats.stddev_before,
                   static_cast<int64_t>(left.size()), stats.mean_after,
                   stats.stddev_after, static_cast<int64_t>(right.size()))
          .pvalue;
  if (std::isnan(stats.pvalue)) stats.pvalue = 1;
  return stats;
}

// Change points inside one window (indices relative to it), found by
// repeatedly splitting the segment whose best split has the largest Q, while
// the split passes the test at `max_pvalue`.
std::vector<int> SplitWindow(absl::Span<const double> window, double max_pvalue,
                             int min_segment) {
  const int n = static_cast<int>(window.size());
  const Distances d(window);
  std::vector<int> points;  // sorted
  for (;;) {
    Candidate best;
    int segment_begin = 0, segment_end = 0;
    for (size_t s = 0; s <= points.size(); ++s) {
      const int begin = s == 0 ? 0 : points[s - 1];
      const int end = s == points.size() ? n : points[s];
      if (end - begin < 2) continue;
      const Candidate candidate = BestSplit(d, begin, end, min_segment);
      if (candidate.index >= 0 && candidate.q > best.q) {
        best = candidate;
        segment_begin = begin;
        segment_end = end;
      }
    }
    if (best.index < 0) break;
    if (Test(window, segment_begin, best.index, segment_end).pvalue >
        max_pvalue) {
      break;
    }
    points.insert(std::upper_bound(points.begin(), points.end(), best.index),
                  best.index);
  }
  return points;
}

// Tests of every point against the segments its neighbours bound.
void Retest(absl::Span<const double> series,
            std::vector<ChangePointStats>* points, size_t i) {
  const int begin = i == 0 ? 0 : (*points)[i - 1].index;
  const int end = i + 1 == points->size() ? static_cast<int>(series.size())
                                          : (*points)[i + 1].index;
  (*points)[i] = Test(series, begin, (*points)[i].index, end);
}

}  // namespace

double ChangePointStats::Magnitude() const {
  const double forward = mean_before == 0 ? 0 : mean_after / mean_before - 1;
  const double backward = mean_after == 0 ? 0 : mean_before / mean_after - 1;
  return std::max(std::fabs(forward), std::fabs(backward));
}

std::vector<ChangePointStats> DetectChangePoints(
    absl::Span<const double> series, const ChangePointOptions& options) {
  const int n = static_cast<int>(series.size());
  const int window = std::max(options.window, 3);
  // Otava's first pass accepts weak points at 10x the p-value.
  const double first_pass =
      options.max_pvalue < 0.05
          ? options.max_pvalue * 10
          : (options.max_pvalue < 0.5 ? options.max_pvalue * 2
                                      : options.max_pvalue);
  // Split.
  std::vector<int> weak;
  const int step = window / 2;
  for (int start = 0; start < n;) {
    const int end = std::min(start + window, n);
    std::vector<int> found =
        SplitWindow(series.subspan(start, end - start), first_pass,
                    std::max(options.min_segment, 1));
    int last = 0;
    for (int relative : found) {
      const int index = start + relative;
      last = std::max(last, index);
      if (std::find(weak.begin(), weak.end(), index) == weak.end()) {
        weak.push_back(index);
      }
    }
    start = std::max(last, start + step);
  }
  std::sort(weak.begin(), weak.end());
  std::vector<ChangePointStats> points(weak.size());
  for (size_t i = 0; i < weak.size(); ++i) points[i].index = weak[i];
  for (size_t i = 0; i < points.size(); ++i) Retest(series, &points, i);

  // Merge.
  while (!points.empty()) {
    auto weakest = std::max_element(
        points.begin(), points.end(),
        [](const ChangePointStats& a, const ChangePointStats& b) {
          return a.pvalue < b.pvalue;
        });
    if (weakest->pvalue < options.max_pvalue) {
      weakest = std::min_element(
          points.begin(), points.end(),
          [](const ChangePointStats& a, const ChangePointStats& b) {
            return a.Magnitude() < b.Magnitude();
          });
      if (weakest->Magnitude() > options.min_magnitude) break;
    }
    const size_t removed = weakest - points.begin();
    points.erase(weakest);
    if (removed > 0) Retest(series, &points, removed - 1);
    if (removed < points.size()) Retest(series, &points, removed);
  }
  return points;
}

}  // namespace m8::analysis
