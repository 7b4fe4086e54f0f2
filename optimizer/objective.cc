#include "optimizer/objective.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "analysis/stats/shift.h"
#include "analysis/stats/statistics.h"

namespace m8::optimizer {
namespace {

constexpr double kInfinitelyWorse = 1e9;

// The cost of `value` relative to `reference`: below 1 is better.
double RelativeCost(double value, double reference,
                    analysis::Direction direction) {
  const bool lower = direction == analysis::Direction::kLowerIsBetter;
  const double num = lower ? value : reference;
  const double den = lower ? reference : value;
  // Against a reference of zero, any cost is "infinitely" worse: a billion
  // times, kept finite for the bootstrap.
  if (den == 0) return num == 0 ? 1.0 : kInfinitelyWorse;
  return num / den;
}

}  // namespace

absl::StatusOr<Reference> Reference::Build(
    absl::Span<const Measurement* const> runs, ObjectiveMetric metric) {
  if (runs.empty()) {
    return absl::InvalidArgumentError("no reference run to compare against");
  }
  Reference ref;
  ref.metric_ = std::move(metric);
  for (const Measurement::Series& first : runs[0]->series) {
    if (first.metric != ref.metric_.name) continue;
    std::vector<double> pooled;
    for (const Measurement* run : runs) {
      const Measurement::Series* s = run->Find(first.benchmark, first.metric);
      if (s == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("reference runs disagree: ", first.benchmark,
                         " is missing from one of them"));
      }
      pooled.insert(pooled.end(), s->values.begin(), s->values.end());
    }
    ref.medians_.emplace_back(first.benchmark,
                              analysis::Median(std::move(pooled)));
  }
  if (ref.medians_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the reference runs have no values of ", ref.metric_.name));
  }
  return ref;
}

absl::StatusOr<std::vector<double>> Reference::Samples(
    const Measurement& run) const {
  std::vector<const Measurement::Series*> series;
  series.reserve(medians_.size());
  size_t repetitions = 0;
  for (const auto& [benchmark, median] : medians_) {
    const Measurement::Series* s = run.Find(benchmark, metric_.name);
    if (s == nullptr || s->values.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the run has no ", metric_.name, " for ", benchmark));
    }
    if (!series.empty() && s->values.size() != repetitions) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the run's benchmarks have different numbers of repetitions (",
          benchmark, ": ", s->values.size(), ", not ", repetitions, ")"));
    }
    repetitions = s->values.size();
    series.push_back(s);
  }
  std::vector<double> samples(repetitions);
  const double n = static_cast<double>(series.size());
  for (size_t r = 0; r < repetitions; ++r) {
    double log_sum = 0;
    for (size_t b = 0; b < series.size(); ++b) {
      log_sum += std::log(RelativeCost(series[b]->values[r], medians_[b].second,
                                       metric_.direction));
    }
    samples[r] = std::exp(log_sum / n);
  }
  return samples;
}

absl::StatusOr<std::vector<double>> Reference::PooledSamples(
    absl::Span<const Measurement* const> runs) const {
  std::vector<double> pooled;
  for (const Measurement* run : runs) {
    absl::StatusOr<std::vector<double>> s = Samples(*run);
    if (!s.ok()) return s.status();
    pooled.insert(pooled.end(), s->begin(), s->end());
  }
  return pooled;
}

Judgement Judge(std::vector<double> base, std::vector<double> candidate,
                const DecisionOptions& options,
                analysis::MedianRatioBootstrap& bootstrap) {
  Judgement j;
  j.n_base = static_cast<int>(base.size());
  j.n_candidate = static_cast<int>(candidate.size());
  const auto usable = [](const std::vector<double>& v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](double x) {
      return std::isfinite(x) && x >= 0;
    });
  };
  if (!usable(base) || !usable(candidate)) {
    j.ratio = std::nan("");
    j.ci = {j.ratio, j.ratio};
    j.pvalue = std::nan("");
    return j;
  }
  std::sort(base.begin(), base.end());
  std::sort(candidate.begin(), candidate.end());
  const double base_median = analysis::MedianOfSorted(base);
  const double cand_median = analysis::MedianOfSorted(candidate);
  j.ratio = base_median == 0 ? (cand_median == 0 ? 1.0 : kInfinitelyWorse)
                             : cand_median / base_median;
  j.pvalue = analysis::MannWhitneyU(base, candidate).pvalue;
  // The interval m8perf compare decides on: Hodges-Lehmann/Moses, which
  // inverts the U test; with a zero cost (no logarithm), the bootstrap of
  // the median ratio.
  if (base.front() > 0 && candidate.front() > 0) {
    std::vector<double> scratch;
    j.ci =
        analysis::HodgesLehmannRatio(
            base, candidate,
            analysis::MannWhitneyTrim(j.n_base, j.n_candidate, options.alpha),
            &scratch)
            .ci;
  } else {
    j.ci = bootstrap.RatioInterval(base, candidate);
  }
  if (analysis::SmallestMannWhitneyPValue(j.n_base, j.n_candidate) >=
      options.alpha) {
    j.verdict = analysis::Verdict::kUnknown;
  } else {
    j.verdict = analysis::Decide(analysis::Direction::kLowerIsBetter, j.pvalue,
                                 j.ci, options.alpha, options.noise);
  }
  return j;
}

GuardState JudgeGuard(const Judgement& judgement, double tolerance,
                      double alpha) {
  const double bound = 1 + tolerance;
  if (std::isnan(judgement.ci.high)) return GuardState::kUndecided;
  if (judgement.ci.high <= bound) return GuardState::kHolds;
  if (judgement.pvalue < alpha && judgement.ci.low > bound) {
    return GuardState::kBreaks;
  }
  return GuardState::kUndecided;
}

absl::string_view GuardStateName(GuardState state) {
  switch (state) {
    case GuardState::kHolds:
      return "holds";
    case GuardState::kBreaks:
      return "breaks";
    case GuardState::kUndecided:
      return "undecided";
  }
  return "undecided";
}

}  // namespace m8::optimizer
