#include "analysis/stats/shift.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace m8::analysis {
namespace {

constexpr int64_t kMaterialiseLimit = 4'000'000;

// The k-th smallest (0-based) of the materialised differences; partially
// reorders `d`.
double Select(std::vector<double>& d, int64_t k) {
  std::nth_element(d.begin(), d.begin() + k, d.end());
  return d[static_cast<size_t>(k)];
}

// Number of pairs (i, j) with y[j] - x[i] <= t, for ascending x and y.
int64_t CountAtMost(absl::Span<const double> x, absl::Span<const double> y,
                    double t) {
  int64_t count = 0;
  // For each y[j] (ascending), the x with x >= y[j] - t form a suffix whose
  // start moves right as y[j] grows.
  size_t start = 0;
  for (double yj : y) {
    while (start < x.size() && x[start] < yj - t) ++start;
    count += static_cast<int64_t>(x.size() - start);
  }
  return count;
}

// The k-th smallest (0-based) of y[j] - x[i] without materialising them:
// bisection on the value between the smallest and largest difference, then
// the largest difference attained at or below the bound found.
double SelectByBisection(absl::Span<const double> x, absl::Span<const double> y,
                         int64_t k) {
  double low = y.front() - x.back();  // count(low) >= 1
  double high = y.back() - x.front();  // count(high) == n*m
  if (CountAtMost(x, y, low) > k) return low;
  // Invariant: count(low) <= k < count(high).
  for (int step = 0; step < 200; ++step) {
    const double mid = low + (high - low) / 2;
    if (mid <= low || mid >= high) break;
    if (CountAtMost(x, y, mid) > k) {
      high = mid;
    } else {
      low = mid;
    }
  }
  // The answer is the largest difference <= high: the smallest value whose
  // count exceeds k.
  double best = -std::numeric_limits<double>::infinity();
  size_t start = 0;
  for (double yj : y) {
    while (start < x.size() && x[start] < yj - high) ++start;
    if (start < x.size()) best = std::max(best, yj - x[start]);
  }
  return best;
}

}  // namespace

RatioShift HodgesLehmannRatio(absl::Span<const double> base,
                              absl::Span<const double> contender, int64_t trim,
                              std::vector<double>* scratch) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const int64_t n = static_cast<int64_t>(base.size());
  const int64_t m = static_cast<int64_t>(contender.size());
  const int64_t pairs = n * m;
  RatioShift result{kNaN, {kNaN, kNaN}};
  // Indices (0-based) of the median and of the interval's ends.
  const int64_t median_low = (pairs - 1) / 2;
  const int64_t median_high = pairs / 2;
  const bool has_interval = trim >= 1 && trim <= median_low + 1;

  if (pairs <= kMaterialiseLimit) {
    std::vector<double>& d = *scratch;
    d.clear();
    d.reserve(static_cast<size_t>(pairs));
    // Logs once per value, not once per pair.
    std::vector<double> log_base(base.size());
    for (size_t i = 0; i < base.size(); ++i) log_base[i] = std::log(base[i]);
    for (double y : contender) {
      const double log_y = std::log(y);
      for (double log_x : log_base) d.push_back(log_y - log_x);
    }
    const double a = Select(d, median_low);
    const double b = median_high == median_low ? a : Select(d, median_high);
    result.ratio = std::exp((a + b) / 2);
    if (has_interval) {
      result.ci.low = std::exp(Select(d, trim - 1));
      result.ci.high = std::exp(Select(d, pairs - trim));
    }
    return result;
  }

  std::vector<double> log_base(base.size()), log_contender(contender.size());
  for (size_t i = 0; i < base.size(); ++i) log_base[i] = std::log(base[i]);
  for (size_t j = 0; j < contender.size(); ++j) {
    log_contender[j] = std::log(contender[j]);
  }
  const double a = SelectByBisection(log_base, log_contender, median_low);
  const double b = median_high == median_low
                       ? a
                       : SelectByBisection(log_base, log_contender, median_high);
  result.ratio = std::exp((a + b) / 2);
  if (has_interval) {
    result.ci.low =
        std::exp(SelectByBisection(log_base, log_contender, trim - 1));
    result.ci.high =
        std::exp(SelectByBisection(log_base, log_contender, pairs - trim));
  }
  return result;
}

}  // namespace m8::analysis
