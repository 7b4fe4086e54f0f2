// Search strategies over a knob space. A strategy proposes configurations
// and learns their scores from an Evaluator (the tuner, which measures them;
// tests give deterministic objectives). Every strategy is deterministic for a
// given seed and sequence of scores, which is what lets an interrupted tune
// be resumed from its journal.
//
//  - exhaustive: every valid point, in order.
//  - random: valid points in a seeded random order, without repeats.
//  - coordinate: coordinate descent from a start point: each knob in turn
//    takes the value that scores best with the others held, until a whole
//    pass changes nothing.
//  - halving: successive halving: many candidates at one repetition, the
//    best third again at three times the repetitions, until three remain.
//  - auto: exhaustive for spaces of at most 32 valid points, else halving.
//
// Thread-compatible.

#ifndef M8_OPTIMIZER_STRATEGY_H_
#define M8_OPTIMIZER_STRATEGY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "optimizer/space.h"

namespace m8::optimizer {

enum class Strategy { kAuto, kExhaustive, kRandom, kCoordinate, kHalving };

absl::string_view StrategyName(Strategy strategy);
absl::StatusOr<Strategy> ParseStrategy(absl::string_view text);

// What a strategy learns of a configuration.
struct Score {
  bool ok = false;   // false: the configuration failed to run
  double ratio = 0;  // cost relative to the baseline: below 1 is better
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Measures `config` with `repetitions` repetitions of each benchmark.
  // nullopt: the search must stop now (its budget is spent).
  virtual std::optional<Score> Evaluate(const Config& config,
                                        int repetitions) = 0;
};

struct SearchOptions {
  Strategy strategy = Strategy::kAuto;
  // Repetitions of each trial. Halving ignores it: its rungs run 1, 3, 9...
  int repetitions = 5;
  uint64_t seed = 1;
  // Where coordinate descent starts (the baseline's values where the space
  // has them); empty: the first valid point.
  Config start;
  // Most candidates halving starts with (a seeded sample of larger spaces).
  int halving_candidates = 81;
  // Spaces up to this many valid points are searched exhaustively by auto.
  int auto_exhaustive_limit = 32;
};

// Runs the search over `valid` (the space's valid points) and returns the
// strategy it used (auto resolved).
Strategy Search(const Space& space, const std::vector<Config>& valid,
                const SearchOptions& options, Evaluator& evaluator);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_STRATEGY_H_
