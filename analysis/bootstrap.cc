#include "analysis/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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
  BuildMarginal(MedianTable(static_cast<int>(new_sorted.size()), 1),
                new_sorted, &new_);
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
    const double t =
        Ratio(nv[lo_[pivot_row] + pick], bv[pivot_row]);
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
