#include "analysis/stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "boost/math/distributions/normal.hpp"

namespace m8::analysis {
namespace {

// new / base with the conventions of RatioInterval: x / 0 = +inf, 0 / 0 = 1.
// Non-decreasing in `numerator` and non-increasing in `denominator` for
// non-negative arguments, which the selection relies on.
inline double Ratio(double numerator, double denominator) {
  if (denominator > 0) return numerator / denominator;
  return numerator > 0 ? std::numeric_limits<double>::infinity() : 1.0;
}

uint64_t TableSeed(uint64_t seed, int n, int side) {
  SplitMix64 mix(seed ^ (static_cast<uint64_t>(n) << 1 | side));
  return mix.Next();
}

// The smallest k with k >= fraction * total (1 <= k <= total).
uint64_t RankAt(double fraction, uint64_t total) {
  const long double exact = static_cast<long double>(fraction) * total;
  // Forgive the rounding of fraction itself (0.025 is not exact in binary).
  uint64_t k = static_cast<uint64_t>(std::ceil(exact - 1e-6L));
  return std::clamp<uint64_t>(k, 1, total);
}

uint64_t Sum(const std::vector<uint64_t>& weights) {
  uint64_t sum = 0;
  for (uint64_t w : weights) sum += w;
  return sum;
}

// Weighted mean and coefficient of variation of a marginal.
template <typename Marginal>
std::pair<double, double> MeanAndCv(const Marginal& marginal) {
  double weight = 0, sum = 0, sum_squares = 0;
  for (size_t i = 0; i < marginal.values.size(); ++i) {
    const double w = static_cast<double>(marginal.weights[i]);
    const double v = marginal.values[i];
    weight += w;
    sum += w * v;
    sum_squares += w * v * v;
  }
  const double mean = sum / weight;
  const double variance = std::max(sum_squares / weight - mean * mean, 0.0);
  return {mean, mean > 0 ? std::sqrt(variance) / mean : 0.0};
}

double NormalQuantile(double p) {
  p = std::clamp(p, 1e-12, 1 - 1e-12);
  return boost::math::quantile(boost::math::normal_distribution<>(), p);
}

}  // namespace

MedianRatioBootstrap::MedianRatioBootstrap(BootstrapOptions options)
    : options_(options), pivot_rng_(options.seed) {}

const std::vector<MedianRanks>& MedianRatioBootstrap::MedianTable(int n,
                                                                  int side) {
  const uint64_t key = static_cast<uint64_t>(n) << 1 | (side & 1);
  auto [it, inserted] = tables_.try_emplace(key);
  if (!inserted) return it->second;

  SplitMix64 rng(TableSeed(options_.seed, n, side));
  std::vector<uint32_t> drawn(n);
  absl::flat_hash_map<uint32_t, uint32_t> pairs;  // lo << 16 | hi -> count
  // 0-based positions of the middle order statistics of a resample.
  const int lower_position = (n - 1) / 2;
  const int upper_position = n / 2;
  for (int r = 0; r < options_.resamples; ++r) {
    std::fill(drawn.begin(), drawn.end(), 0);
    for (int i = 0; i < n; ++i) ++drawn[rng.Below(n)];
    int lo = -1, hi = -1;
    int seen = 0;  // resample values at ranks below the current one
    for (int rank = 0; rank < n && hi < 0; ++rank) {
      seen += drawn[rank];
      if (lo < 0 && seen > lower_position) lo = rank;
      if (seen > upper_position) hi = rank;
    }
    ++pairs[static_cast<uint32_t>(lo) << 16 | static_cast<uint32_t>(hi)];
  }
  std::vector<MedianRanks>& table = it->second;
  table.reserve(pairs.size());
  for (const auto& [code, count] : pairs) {
    table.push_back(MedianRanks{static_cast<uint16_t>(code >> 16),
                                static_cast<uint16_t>(code & 0xffff), count});
  }
  std::sort(table.begin(), table.end(),
            [](const MedianRanks& a, const MedianRanks& b) {
              return a.lo != b.lo ? a.lo < b.lo : a.hi < b.hi;
            });
  return table;
}

void MedianRatioBootstrap::BuildMarginal(const std::vector<MedianRanks>& table,
                                         absl::Span<const double> sorted,
                                         Marginal* out) {
  order_.clear();
  bool ascending = true;
  for (const MedianRanks& ranks : table) {
    const double value = 0.5 * (sorted[ranks.lo] + sorted[ranks.hi]);
    if (!order_.empty() && value < order_.back().first) ascending = false;
    order_.emplace_back(value, ranks.count);
  }
  // Odd sample sizes give lo == hi, already in order of value.
  if (!ascending) {
    std::sort(order_.begin(), order_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  out->values.clear();
  out->weights.clear();
  for (const auto& [value, weight] : order_) {
    if (!out->values.empty() && out->values.back() == value) {
      out->weights.back() += weight;
    } else {
      out->values.push_back(value);
      out->weights.push_back(weight);
    }
  }
}

Interval MedianRatioBootstrap::RatioInterval(
    absl::Span<const double> base_sorted, absl::Span<const double> new_sorted) {
  BuildMarginal(MedianTable(static_cast<int>(base_sorted.size()), 0),
                base_sorted, &base_);
  BuildMarginal(MedianTable(static_cast<int>(new_sorted.size()), 1), new_sorted,
                &new_);
  const size_t q_count = new_.values.size();
  new_prefix_.assign(q_count + 1, 0);
  for (size_t q = 0; q < q_count; ++q) {
    new_prefix_[q + 1] = new_prefix_[q] + new_.weights[q];
  }
  const uint64_t total =
      static_cast<uint64_t>(options_.resamples) * options_.resamples;
  const double tail = (1 - options_.confidence) / 2;
  Interval interval;
  interval.low = SelectRatio(RankAt(tail, total));
  interval.high = SelectRatio(RankAt(1 - tail, total));
  return interval;
}

double MedianRatioBootstrap::SelectRatio(uint64_t rank) {
  if (base_.values.front() > 0) return SelectByBisection(rank);
  return SelectByPivots(rank);
}

uint64_t MedianRatioBootstrap::CountAtOrBelow(double t,
                                              std::vector<uint32_t>* positions,
                                              uint64_t* cells) const {
  const std::vector<double>& bv = base_.values;
  const std::vector<double>& nv = new_.values;
  const uint32_t columns = static_cast<uint32_t>(nv.size());
  uint64_t weight = 0;
  uint64_t count = 0;
  // The threshold t * bv[p] grows with p, so the column pointer only moves
  // forward.
  // Each row's count also lies within the current bracket [lo_, hi_], which
  // keeps the scans short once the bracket is narrow.
  uint32_t q = 0;
  for (size_t p = 0; p < bv.size(); ++p) {
    const double limit = t * bv[p];
    q = std::max(q, lo_[p]);
    const uint32_t end = std::min(hi_[p], columns);
    while (q < end && nv[q] <= limit) ++q;
    (*positions)[p] = q;
    weight += base_.weights[p] * new_prefix_[q];
    count += q;
  }
  *cells = count;
  return weight;
}

double MedianRatioBootstrap::SelectByBisection(uint64_t rank) {
  const std::vector<double>& bv = base_.values;
  const std::vector<double>& nv = new_.values;
  const size_t rows = bv.size();
  const uint64_t total = new_prefix_.back() * Sum(base_.weights);
  // No bracket yet: every row may count anything.
  lo_.assign(rows, 0);
  hi_.assign(rows, static_cast<uint32_t>(nv.size()));
  at_or_below_.resize(rows);

  // A first guess from a log-normal approximation of the ratio: centre
  // mean(new) / mean(base), log-spread from both coefficients of variation.
  const auto [base_mean, base_cv] = MeanAndCv(base_);
  const auto [new_mean, new_cv] = MeanAndCv(new_);
  const double spread =
      std::max(std::sqrt(base_cv * base_cv + new_cv * new_cv), 1e-9);
  // Values near the limits of double overflow the moments: the exact
  // quickselect does not need them.
  if (!std::isfinite(spread) || !std::isfinite(new_mean / base_mean)) {
    return SelectByPivots(rank);
  }
  const double z = NormalQuantile(static_cast<double>(rank) / total);
  double guess = new_mean / base_mean * std::exp(z * spread);
  const double smallest = nv.front() / bv.back();
  const double largest = nv.back() / bv.front();
  if (!(largest > 0)) return 0;  // every new value is 0
  guess = std::clamp(guess, smallest, largest);
  if (!(guess > 0)) guess = largest * 1e-3;  // keep the log-scale steps moving

  // Bracket (low, high] with weight(<= low) < rank <= weight(<= high),
  // stepping out from the guess on a log scale.
  double low = 0, high = 0;
  uint64_t low_weight = 0, high_weight = 0, low_cells = 0, high_cells = 0;
  uint64_t cells = 0;
  const uint64_t guess_weight = CountAtOrBelow(guess, &at_or_below_, &cells);
  double step = spread;
  if (guess_weight >= rank) {
    high = guess, high_weight = guess_weight, high_cells = cells;
    hi_.swap(at_or_below_);
    for (;;) {
      low = guess * std::exp(-step);
      if (low <= smallest * 0.5 || !(low > 0)) {
        low = 0;  // below every ratio (they are >= 0 and the smallest > low)
        std::fill(lo_.begin(), lo_.end(), 0);
        if (smallest <= 0) {
          // Zero ratios exist: weight(<= 0) may reach rank already.
          low_weight = CountAtOrBelow(0, &lo_, &low_cells);
          if (low_weight >= rank) return 0;
        } else {
          low_weight = 0, low_cells = 0;
        }
        break;
      }
      std::fill(lo_.begin(), lo_.end(), 0);  // no lower bound yet
      low_weight = CountAtOrBelow(low, &lo_, &low_cells);
      if (low_weight < rank) break;
      high = low, high_weight = low_weight, high_cells = low_cells;
      hi_.swap(lo_);
      step *= 2;
      if (!std::isfinite(step)) return SelectByPivots(rank);
    }
  } else {
    low = guess, low_weight = guess_weight, low_cells = cells;
    lo_.swap(at_or_below_);
    for (;;) {
      high = guess * std::exp(step);
      std::fill(hi_.begin(), hi_.end(), nv.size());  // no upper bound yet
      if (high >= largest) {
        // Every cell is at or below the largest ratio. (Counting at it by
        // multiplication could miss that cell by a rounding.)
        high = largest;
        high_weight = total;
        high_cells = rows * nv.size();
        break;
      }
      high_weight = CountAtOrBelow(high, &hi_, &high_cells);
      if (high_weight >= rank) break;
      low = high, low_weight = high_weight, low_cells = high_cells;
      lo_.swap(hi_);
      step *= 2;
      if (!std::isfinite(step)) return SelectByPivots(rank);
    }
  }

  // Narrow by interpolating the cumulative weight on a log scale (the ratio
  // distribution is smooth), falling back to halving when one side stalls.
  int same_side = 0;
  bool last_moved_low = false;
  for (int iteration = 0; iteration < 100 && high_cells - low_cells > 24;
       ++iteration) {
    double mid;
    const double fraction = static_cast<double>(rank - low_weight) /
                            static_cast<double>(high_weight - low_weight);
    if (low > 0 && same_side < 2) {
      mid = low * std::pow(high / low, std::clamp(fraction, 0.02, 0.98));
    } else if (low > 0) {
      mid = std::sqrt(low * high);
    } else {
      mid = 0.5 * (low + high);
    }
    if (!(mid > low && mid < high)) break;  // the bracket is one ulp wide
    uint64_t mid_cells = 0;
    const uint64_t mid_weight = CountAtOrBelow(mid, &at_or_below_, &mid_cells);
    const bool moved_low = mid_weight < rank;
    same_side =
        iteration > 0 && moved_low == last_moved_low ? same_side + 1 : 0;
    last_moved_low = moved_low;
    if (moved_low) {
      low = mid, low_weight = mid_weight, low_cells = mid_cells;
      lo_.swap(at_or_below_);
    } else {
      high = mid, high_weight = mid_weight, high_cells = mid_cells;
      hi_.swap(at_or_below_);
    }
  }
  // Exact ratios of the cells left in (low, high], in order.
  order_.clear();
  for (size_t p = 0; p < rows; ++p) {
    for (uint32_t q = lo_[p]; q < hi_[p]; ++q) {
      order_.emplace_back(nv[q] / bv[p], base_.weights[p] * new_.weights[q]);
    }
  }
  std::sort(order_.begin(), order_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  uint64_t cumulative = low_weight;
  for (const auto& [ratio, weight] : order_) {
    cumulative += weight;
    if (cumulative >= rank) return ratio;
  }
  return order_.empty() ? high : order_.back().first;
}

double MedianRatioBootstrap::SelectByPivots(uint64_t rank) {
  const std::vector<double>& bv = base_.values;  // rows, ascending
  const std::vector<double>& nv = new_.values;   // columns, ascending
  const size_t rows = bv.size();
  const uint32_t columns = static_cast<uint32_t>(nv.size());
  // Candidates: in row p, columns [lo_[p], hi_[p]). Every cell left of a
  // candidate range has a ratio at or below the answer's lower bound, every
  // cell right of it lies above the upper bound; `excluded_below` is the
  // weight of the former.
  lo_.assign(rows, 0);
  hi_.assign(rows, columns);
  at_or_below_.resize(rows);
  below_.resize(rows);
  uint64_t excluded_below = 0;
  for (;;) {
    uint64_t candidates = 0;
    for (size_t p = 0; p < rows; ++p) candidates += hi_[p] - lo_[p];
    if (candidates <= 16) {
      order_.clear();
      for (size_t p = 0; p < rows; ++p) {
        for (uint32_t q = lo_[p]; q < hi_[p]; ++q) {
          order_.emplace_back(Ratio(nv[q], bv[p]),
                              base_.weights[p] * new_.weights[q]);
        }
      }
      std::sort(order_.begin(), order_.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      uint64_t cumulative = excluded_below;
      for (const auto& [ratio, weight] : order_) {
        cumulative += weight;
        if (cumulative >= rank) return ratio;
      }
      return order_.empty() ? std::numeric_limits<double>::quiet_NaN()
                            : order_.back().first;
    }
    // A random candidate as the pivot.
    uint64_t pick = pivot_rng_.Below(candidates);
    size_t pivot_row = 0;
    while (pick >= hi_[pivot_row] - lo_[pivot_row]) {
      pick -= hi_[pivot_row] - lo_[pivot_row];
      ++pivot_row;
    }
    const double t = Ratio(nv[lo_[pivot_row] + pick], bv[pivot_row]);
    // Per row, how many cells are <= t and < t. Ratios fall as the row's
    // base value grows, so both counts only grow with p; and they lie within
    // the candidate range.
    uint64_t weight_at_or_below = 0;
    uint64_t weight_below = 0;
    uint32_t le = 0, lt = 0;
    for (size_t p = 0; p < rows; ++p) {
      le = std::max(le, lo_[p]);
      lt = std::max(lt, lo_[p]);
      while (le < hi_[p] && Ratio(nv[le], bv[p]) <= t) ++le;
      while (lt < hi_[p] && Ratio(nv[lt], bv[p]) < t) ++lt;
      le = std::min(le, hi_[p]);
      lt = std::min(lt, hi_[p]);
      at_or_below_[p] = le;
      below_[p] = lt;
      weight_at_or_below += base_.weights[p] * new_prefix_[le];
      weight_below += base_.weights[p] * new_prefix_[lt];
    }
    if (weight_below >= rank) {
      for (size_t p = 0; p < rows; ++p) hi_[p] = below_[p];
    } else if (weight_at_or_below >= rank) {
      return t;
    } else {
      for (size_t p = 0; p < rows; ++p) lo_[p] = at_or_below_[p];
      excluded_below = weight_at_or_below;
    }
  }
}

}  // namespace m8::analysis
