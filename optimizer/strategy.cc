#include "optimizer/strategy.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"

namespace m8::optimizer {
namespace {

// A seeded shuffle that is the same on every platform (std::shuffle's
// algorithm is not specified).
template <typename T>
void SeededShuffle(std::vector<T>& items, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = items.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(items[i - 1], items[j]);
  }
}

void Exhaustive(const std::vector<Config>& valid, int repetitions,
                Evaluator& evaluator) {
  for (const Config& config : valid) {
    if (!evaluator.Evaluate(config, repetitions)) return;
  }
}

void RandomOrder(std::vector<Config> valid, int repetitions, uint64_t seed,
                 Evaluator& evaluator) {
  SeededShuffle(valid, seed);
  Exhaustive(valid, repetitions, evaluator);
}

void Coordinate(const Space& space, const std::vector<Config>& valid,
                const SearchOptions& options, Evaluator& evaluator) {
  std::map<Config, Score> seen;
  // Scores each configuration once; nullopt when the budget is spent.
  auto score = [&](const Config& config) -> std::optional<Score> {
    if (auto it = seen.find(config); it != seen.end()) return it->second;
    std::optional<Score> s = evaluator.Evaluate(config, options.repetitions);
    if (s) seen.emplace(config, *s);
    return s;
  };
  const bool start_valid =
      std::find(valid.begin(), valid.end(), options.start) != valid.end();
  Config current = start_valid ? options.start : valid.front();
  std::optional<Score> best = score(current);
  if (!best) return;
  const auto better = [](const Score& a, const Score& b) {
    if (a.ok != b.ok) return a.ok;
    return a.ok && a.ratio < b.ratio;
  };
  for (int pass = 0; pass < 100; ++pass) {
    bool moved = false;
    for (size_t k = 0; k < space.knobs().size(); ++k) {
      for (const KnobValue& value : space.knobs()[k].values) {
        if (value == current[k]) continue;
        Config candidate = current;
        candidate[k] = value;
        if (std::find(valid.begin(), valid.end(), candidate) == valid.end()) {
          continue;
        }
        std::optional<Score> s = score(candidate);
        if (!s) return;
        if (better(*s, *best)) {
          best = s;
          current = candidate;
          moved = true;
        }
      }
    }
    if (!moved) return;
  }
}

void Halving(std::vector<Config> candidates, const SearchOptions& options,
             Evaluator& evaluator) {
  if (static_cast<int>(candidates.size()) > options.halving_candidates) {
    SeededShuffle(candidates, options.seed);
    candidates.resize(options.halving_candidates);
  }
  int repetitions = 1;
  for (;;) {
    std::vector<std::pair<Score, size_t>> scored;
    for (size_t i = 0; i < candidates.size(); ++i) {
      std::optional<Score> s = evaluator.Evaluate(candidates[i], repetitions);
      if (!s) return;
      if (s->ok) scored.emplace_back(*s, i);
    }
    if (scored.size() <= 3 || candidates.size() <= 3) return;
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) {
                       return a.first.ratio < b.first.ratio;
                     });
    const size_t keep = std::max<size_t>(3, (scored.size() + 2) / 3);
    std::vector<Config> next;
    for (size_t i = 0; i < keep && i < scored.size(); ++i) {
      next.push_back(candidates[scored[i].second]);
    }
    candidates = std::move(next);
    repetitions *= 3;
  }
}

}  // namespace

absl::string_view StrategyName(Strategy strategy) {
  switch (strategy) {
    case Strategy::kAuto:
      return "auto";
    case Strategy::kExhaustive:
      return "exhaustive";
    case Strategy::kRandom:
      return "random";
    case Strategy::kCoordinate:
      return "coordinate";
    case Strategy::kHalving:
      return "halving";
  }
  return "auto";
}

absl::StatusOr<Strategy> ParseStrategy(absl::string_view text) {
  for (Strategy s : {Strategy::kAuto, Strategy::kExhaustive, Strategy::kRandom,
                     Strategy::kCoordinate, Strategy::kHalving}) {
    if (text == StrategyName(s)) return s;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown strategy '", text,
                   "' (auto, exhaustive, random, coordinate, halving)"));
}

Strategy Search(const Space& space, const std::vector<Config>& valid,
                const SearchOptions& options, Evaluator& evaluator) {
  Strategy strategy = options.strategy;
  if (strategy == Strategy::kAuto) {
    strategy = static_cast<int>(valid.size()) <= options.auto_exhaustive_limit
                   ? Strategy::kExhaustive
                   : Strategy::kHalving;
  }
  if (valid.empty()) return strategy;
  switch (strategy) {
    case Strategy::kExhaustive:
      Exhaustive(valid, options.repetitions, evaluator);
      break;
    case Strategy::kRandom:
      RandomOrder(valid, options.repetitions, options.seed, evaluator);
      break;
    case Strategy::kCoordinate:
      Coordinate(space, valid, options, evaluator);
      break;
    case Strategy::kHalving:
    case Strategy::kAuto:
      Halving(valid, options, evaluator);
      break;
  }
  return strategy;
}

}  // namespace m8::optimizer
