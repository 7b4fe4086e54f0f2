#include "optimizer/strategy.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::optimizer {
namespace {

using ::testing::HasSubstr;

KnobValue N(double v) { return KnobValue::Number(v); }
KnobValue S(const std::string& v) { return KnobValue::String(v); }

Space MustParse(const std::string& text) {
  absl::StatusOr<Space> space = Space::Parse(text, "test");
  EXPECT_TRUE(space.ok()) << space.status();
  if (!space.ok()) {
    return *Space::Parse(R"({"knobs": [{"name": "x", "values": [0]}]})",
                         "test");
  }
  return *std::move(space);
}

std::vector<Config> Valid(const Space& space) {
  absl::StatusOr<std::vector<Config>> valid = space.ValidPoints();
  EXPECT_TRUE(valid.ok()) << valid.status();
  return valid.ok() ? *valid : std::vector<Config>();
}

struct Call {
  Config config;
  int repetitions;
};

// Scores configurations with a known function and records every call; after
// `budget` calls it answers nullopt (the budget is spent).
class RecordingEvaluator : public Evaluator {
 public:
  explicit RecordingEvaluator(std::function<Score(const Config&)> score,
                              int budget = INT_MAX)
      : score_(std::move(score)), budget_(budget) {}

  std::optional<Score> Evaluate(const Config& config,
                                int repetitions) override {
    calls.push_back({config, repetitions});
    if (static_cast<int>(calls.size()) > budget_) return std::nullopt;
    return score_(config);
  }

  std::vector<Config> configs() const {
    std::vector<Config> out;
    for (const Call& c : calls) out.push_back(c.config);
    return out;
  }

  std::vector<Call> calls;

 private:
  std::function<Score(const Config&)> score_;
  int budget_;
};

Score Ok(double ratio) { return {true, ratio}; }

// x in 0..5, y in 0..4, z in p q r: 90 points.
constexpr char k90Points[] = R"({"knobs": [
    {"name": "x", "range": {"min": 0, "max": 5}},
    {"name": "y", "range": {"min": 0, "max": 4}},
    {"name": "z", "values": ["p", "q", "r"]}]})";

int ZIndex(const KnobValue& z) { return z.string()[0] - 'p'; }

// A different ratio for each of the 90 points: their index 0..89 scrambled
// by a multiplier coprime to 90.
double Scrambled(const Config& c) {
  const int index = static_cast<int>(c[0].number()) * 15 +
                    static_cast<int>(c[1].number()) * 3 + ZIndex(c[2]);
  return 1 + (index * 37) % 90;
}

// A one-knob space with values 0..n-1.
Space Line(int n) {
  return MustParse(
      "{\"knobs\": [{\"name\": \"a\", \"range\": {\"min\": 0, "
      "\"max\": " +
      std::to_string(n - 1) + "}}]}");
}

bool HasDuplicates(std::vector<Config> configs) {
  std::sort(configs.begin(), configs.end());
  return std::adjacent_find(configs.begin(), configs.end()) != configs.end();
}

std::vector<Config> Sorted(std::vector<Config> configs) {
  std::sort(configs.begin(), configs.end());
  return configs;
}

TEST(StrategyTest, NamesRoundTrip) {
  for (const Strategy s :
       {Strategy::kAuto, Strategy::kExhaustive, Strategy::kRandom,
        Strategy::kCoordinate, Strategy::kHalving}) {
    absl::StatusOr<Strategy> parsed = ParseStrategy(StrategyName(s));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(StrategyName(Strategy::kAuto), "auto");
  EXPECT_EQ(StrategyName(Strategy::kExhaustive), "exhaustive");
  EXPECT_EQ(StrategyName(Strategy::kRandom), "random");
  EXPECT_EQ(StrategyName(Strategy::kCoordinate), "coordinate");
  EXPECT_EQ(StrategyName(Strategy::kHalving), "halving");
  for (const std::string bad : {"greedy", "", "Auto", "exhaustive "}) {
    const absl::Status status = ParseStrategy(bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("'" + bad + "'"));
  }
}

TEST(StrategyTest, ExhaustiveEvaluatesEveryValidPointOnceInOrder) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "a", "values": [1, 2, 3, 4]},
      {"name": "b", "values": ["u", "v", "w"]}],
      "constraints": ["a != 2 || b == \"v\""]})");
  const std::vector<Config> valid = Valid(space);
  ASSERT_EQ(valid.size(), 10u);  // 12 less (2, u) and (2, w)
  SearchOptions options;
  options.strategy = Strategy::kExhaustive;
  options.repetitions = 7;
  RecordingEvaluator evaluator([](const Config&) { return Ok(1); });
  EXPECT_EQ(Search(space, valid, options, evaluator), Strategy::kExhaustive);
  EXPECT_EQ(evaluator.configs(), valid);
  for (const Call& call : evaluator.calls) EXPECT_EQ(call.repetitions, 7);
}

TEST(StrategyTest, RandomEvaluatesEachPointOnceInASeededOrder) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "a", "range": {"min": 0, "max": 3}},
      {"name": "b", "range": {"min": 0, "max": 5}}]})");
  const std::vector<Config> valid = Valid(space);
  ASSERT_EQ(valid.size(), 24u);
  const auto run = [&](uint64_t seed) {
    SearchOptions options;
    options.strategy = Strategy::kRandom;
    options.seed = seed;
    options.repetitions = 3;
    RecordingEvaluator evaluator([](const Config&) { return Ok(1); });
    EXPECT_EQ(Search(space, valid, options, evaluator), Strategy::kRandom);
    for (const Call& call : evaluator.calls) EXPECT_EQ(call.repetitions, 3);
    return evaluator.configs();
  };
  const std::vector<Config> first = run(1);
  const std::vector<Config> again = run(1);
  const std::vector<Config> other = run(2);
  EXPECT_EQ(Sorted(first), Sorted(valid));
  EXPECT_EQ(Sorted(other), Sorted(valid));
  EXPECT_FALSE(HasDuplicates(first));
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_NE(first, valid);
}

// Hand trace on x, y in 0..3 from (1, 1), ratio 1 + |x - 2| + |y - 2|, and
// every x = 0 failing with a ratio that would win if failures could:
//  pass 1, x: (0,1) fails, (2,1) = 2 < 3 moves, (3,1) = 3;
//          y: (2,0) = 3, (2,2) = 1 moves, (2,3) = 2;
//  pass 2, x: (0,2) fails, (1,2) = 2, (3,2) = 2; y: all seen; no move: stop.
TEST(StrategyTest, CoordinateDescentByHand) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "x", "range": {"min": 0, "max": 3}},
      {"name": "y", "range": {"min": 0, "max": 3}}]})");
  SearchOptions options;
  options.strategy = Strategy::kCoordinate;
  options.repetitions = 4;
  options.start = {N(1), N(1)};
  RecordingEvaluator evaluator([](const Config& c) {
    const double x = c[0].number();
    const double y = c[1].number();
    if (x == 0) return Score{false, 0.0001};
    return Ok(1 + std::fabs(x - 2) + std::fabs(y - 2));
  });
  EXPECT_EQ(Search(space, Valid(space), options, evaluator),
            Strategy::kCoordinate);
  const std::vector<Config> expected = {
      {N(1), N(1)}, {N(0), N(1)}, {N(2), N(1)}, {N(3), N(1)}, {N(2), N(0)},
      {N(2), N(2)}, {N(2), N(3)}, {N(0), N(2)}, {N(1), N(2)}, {N(3), N(2)}};
  EXPECT_EQ(evaluator.configs(), expected);
  for (const Call& call : evaluator.calls) EXPECT_EQ(call.repetitions, 4);
}

// On a separable objective, coordinate descent finds the global optimum
// (found here by brute force) and never measures a configuration twice.
TEST(StrategyTest, CoordinateDescentFindsTheOptimumOfASeparableObjective) {
  const Space space = MustParse(k90Points);
  const std::vector<Config> valid = Valid(space);
  const auto objective = [](const Config& c) {
    const double x = c[0].number();
    const double y = c[1].number();
    return 1 + (x - 4) * (x - 4) + std::fabs(y - 1) * 0.5 +
           (c[2].string() == "r" ? 0 : 0.25);
  };
  Config optimum;
  double best = 1e300;
  for (const Config& c : valid) {
    if (objective(c) < best) {
      best = objective(c);
      optimum = c;
    }
  }
  ASSERT_EQ(optimum, (Config{N(4), N(1), S("r")}));

  for (const Config& start :
       {Config{}, Config{N(5), N(4), S("q")}, Config{N(0), N(0), S("p")}}) {
    SearchOptions options;
    options.strategy = Strategy::kCoordinate;
    options.start = start;
    RecordingEvaluator evaluator(
        [&](const Config& c) { return Ok(objective(c)); });
    Search(space, valid, options, evaluator);
    ASSERT_FALSE(evaluator.calls.empty());
    EXPECT_EQ(evaluator.calls[0].config, start.empty() ? valid[0] : start);
    EXPECT_FALSE(HasDuplicates(evaluator.configs()));
    const std::vector<Config> seen = evaluator.configs();
    EXPECT_NE(std::find(seen.begin(), seen.end(), optimum), seen.end());
    // Far fewer than the 90 points.
    EXPECT_LT(seen.size(), 40u);
  }
}

TEST(StrategyTest, CoordinateDescentStartsAtTheFirstValidPointOtherwise) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "x", "range": {"min": 0, "max": 3}},
      {"name": "y", "range": {"min": 0, "max": 3}}],
      "constraints": ["x + y >= 2", "x + y <= 4"]})");
  const std::vector<Config> valid = Valid(space);
  ASSERT_EQ(valid.front(), (Config{N(0), N(2)}));
  // A start that the constraints rule out, one with a value the space lacks,
  // and one of the wrong length.
  for (const Config& start :
       {Config{N(0), N(0)}, Config{N(9), N(1)}, Config{N(1)}}) {
    SearchOptions options;
    options.strategy = Strategy::kCoordinate;
    options.start = start;
    RecordingEvaluator evaluator([](const Config& c) {
      return Ok(1 + c[0].number() * 2 + c[1].number());
    });
    Search(space, valid, options, evaluator);
    ASSERT_FALSE(evaluator.calls.empty());
    EXPECT_EQ(evaluator.calls[0].config, valid.front());
    // It never measures a point the constraints rule out.
    for (const Config& c : evaluator.configs()) {
      EXPECT_NE(std::find(valid.begin(), valid.end(), c), valid.end())
          << space.Describe(c);
    }
    EXPECT_FALSE(HasDuplicates(evaluator.configs()));
  }
}

// A failed configuration never becomes the current point, however low its
// ratio: starting next to a failing "optimum", the search moves only among
// points that ran.
TEST(StrategyTest, CoordinateDescentNeverMovesToAFailure) {
  const Space space = MustParse(k90Points);
  SearchOptions options;
  options.strategy = Strategy::kCoordinate;
  options.start = {N(2), N(2), S("q")};
  // Everything with x == 3 fails; the ok optimum is (5, 4, r).
  RecordingEvaluator evaluator([](const Config& c) {
    if (c[0].number() == 3) return Score{false, 0};
    return Ok(100 - c[0].number() * 10 - c[1].number() - ZIndex(c[2]));
  });
  Search(space, Valid(space), options, evaluator);
  // If a failure had won the x sweep, the y and z sweeps would have been run
  // at x == 3: only the x sweeps may visit x == 3 (one visit per pass).
  int at_three = 0;
  for (const Config& c : evaluator.configs()) {
    if (c[0].number() == 3) {
      ++at_three;
      EXPECT_TRUE(c[1] == N(2) || c[1] == N(4)) << space.Describe(c);
    }
  }
  EXPECT_GE(at_three, 1);
  const std::vector<Config> seen = evaluator.configs();
  EXPECT_NE(std::find(seen.begin(), seen.end(), Config{N(5), N(4), S("r")}),
            seen.end());
}

// The (size, repetitions) of each rung of halving, from the calls.
std::vector<std::pair<int, int>> Rungs(const std::vector<Call>& calls) {
  std::vector<std::pair<int, int>> rungs;
  for (const Call& c : calls) {
    if (rungs.empty() || rungs.back().second != c.repetitions) {
      rungs.emplace_back(0, c.repetitions);
    }
    ++rungs.back().first;
  }
  return rungs;
}

// The configs of calls [begin, begin + n), sorted by the evaluator's ratio.
std::vector<Config> BestOf(const std::vector<Call>& calls, size_t begin,
                           size_t n, size_t keep,
                           const std::function<double(const Config&)>& f) {
  std::vector<Config> configs;
  for (size_t i = begin; i < begin + n; ++i) {
    configs.push_back(calls[i].config);
  }
  std::sort(configs.begin(), configs.end(),
            [&](const Config& a, const Config& b) { return f(a) < f(b); });
  configs.resize(keep);
  return Sorted(configs);
}

std::vector<Config> ConfigsOf(const std::vector<Call>& calls, size_t begin,
                              size_t n) {
  std::vector<Config> configs;
  for (size_t i = begin; i < begin + n; ++i) {
    configs.push_back(calls[i].config);
  }
  return Sorted(configs);
}

// 90 points, at most 81 candidates: 81 at 1 repetition, the best 27 at 3,
// the best 9 at 9, the best 3 at 27.
TEST(StrategyTest, HalvingSamplesAndKeepsTheBestThird) {
  const Space space = MustParse(k90Points);
  const std::vector<Config> valid = Valid(space);
  ASSERT_EQ(valid.size(), 90u);
  const auto run = [&](uint64_t seed) {
    SearchOptions options;
    options.strategy = Strategy::kHalving;
    options.seed = seed;
    RecordingEvaluator evaluator(
        [](const Config& c) { return Ok(Scrambled(c)); });
    EXPECT_EQ(Search(space, valid, options, evaluator), Strategy::kHalving);
    return evaluator.calls;
  };
  const std::vector<Call> calls = run(7);
  const std::vector<std::pair<int, int>> expected_rungs = {
      {81, 1}, {27, 3}, {9, 9}, {3, 27}};
  ASSERT_EQ(Rungs(calls), expected_rungs);
  const std::vector<Config> first = ConfigsOf(calls, 0, 81);
  EXPECT_FALSE(HasDuplicates(first));
  for (const Config& c : first) {
    EXPECT_NE(std::find(valid.begin(), valid.end(), c), valid.end());
  }
  EXPECT_EQ(ConfigsOf(calls, 81, 27), BestOf(calls, 0, 81, 27, Scrambled));
  EXPECT_EQ(ConfigsOf(calls, 108, 9), BestOf(calls, 81, 27, 9, Scrambled));
  EXPECT_EQ(ConfigsOf(calls, 117, 3), BestOf(calls, 108, 9, 3, Scrambled));

  // The sample depends on the seed, and only on it.
  const std::vector<Call> again = run(7);
  const std::vector<Call> other = run(8);
  ASSERT_EQ(again.size(), calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(again[i].config, calls[i].config);
  }
  ASSERT_GE(other.size(), 81u);
  EXPECT_NE(ConfigsOf(other, 0, 81), first);
}

TEST(StrategyTest, HalvingTakesEveryCandidateOfASmallSpace) {
  struct Case {
    int points;
    std::vector<std::pair<int, int>> rungs;  // by hand: ceil(n / 3), >= 3
  };
  const std::vector<Case> cases = {
      {81, {{81, 1}, {27, 3}, {9, 9}, {3, 27}}},
      {40, {{40, 1}, {14, 3}, {5, 9}, {3, 27}}},
      {10, {{10, 1}, {4, 3}, {3, 9}}},
      {4, {{4, 1}, {3, 3}}},
      {3, {{3, 1}}},
      {1, {{1, 1}}},
  };
  for (const Case& c : cases) {
    const Space space = Line(c.points);
    const std::vector<Config> valid = Valid(space);
    SearchOptions options;
    options.strategy = Strategy::kHalving;
    // Ratios in an order unrelated to the values: (7a mod 101).
    const auto f = [](const Config& x) {
      return 1.0 + static_cast<int>(x[0].number() * 7) % 101;
    };
    RecordingEvaluator evaluator([&](const Config& x) { return Ok(f(x)); });
    Search(space, valid, options, evaluator);
    EXPECT_EQ(Rungs(evaluator.calls), c.rungs) << c.points << " points";
    EXPECT_EQ(ConfigsOf(evaluator.calls, 0, c.points), Sorted(valid));
    size_t begin = 0;
    for (size_t r = 1; r < c.rungs.size(); ++r) {
      const size_t n = c.rungs[r - 1].first;
      EXPECT_EQ(ConfigsOf(evaluator.calls, begin + n, c.rungs[r].first),
                BestOf(evaluator.calls, begin, n, c.rungs[r].first, f))
          << c.points << " points, rung " << r;
      begin += n;
    }
  }
}

TEST(StrategyTest, HalvingDropsFailures) {
  const Space space = Line(30);
  SearchOptions options;
  options.strategy = Strategy::kHalving;
  // Odd values fail with the lowest ratios; 15 run: keep 5, then 3.
  const auto f = [](const Config& c) { return 100 - c[0].number(); };
  RecordingEvaluator evaluator([&](const Config& c) {
    const bool odd = static_cast<int>(c[0].number()) % 2 == 1;
    return Score{!odd, odd ? 0.001 : f(c)};
  });
  Search(space, Valid(space), options, evaluator);
  const std::vector<std::pair<int, int>> expected = {{30, 1}, {5, 3}, {3, 9}};
  ASSERT_EQ(Rungs(evaluator.calls), expected);
  EXPECT_EQ(ConfigsOf(evaluator.calls, 30, 5),
            Sorted({{N(28)}, {N(26)}, {N(24)}, {N(22)}, {N(20)}}));
  EXPECT_EQ(ConfigsOf(evaluator.calls, 35, 3),
            Sorted({{N(28)}, {N(26)}, {N(24)}}));

  // Three or fewer that ran: nothing to halve.
  RecordingEvaluator mostly_failing([](const Config& c) {
    return Score{c[0].number() < 2, 1};
  });
  Search(space, Valid(space), options, mostly_failing);
  EXPECT_EQ(mostly_failing.calls.size(), 30u);
}

TEST(StrategyTest, AutoIsExhaustiveUpTo32ValidPoints) {
  // 33 values, one ruled out: 32 valid points.
  const Space small = MustParse(R"({"knobs": [
      {"name": "a", "range": {"min": 0, "max": 32}}],
      "constraints": ["a != 5"]})");
  const Space large = Line(33);
  SearchOptions options;  // auto
  options.repetitions = 5;
  RecordingEvaluator on_small(
      [](const Config& c) { return Ok(c[0].number()); });
  EXPECT_EQ(Search(small, Valid(small), options, on_small),
            Strategy::kExhaustive);
  EXPECT_EQ(on_small.configs(), Valid(small));
  for (const Call& call : on_small.calls) EXPECT_EQ(call.repetitions, 5);

  RecordingEvaluator on_large(
      [](const Config& c) { return Ok(c[0].number()); });
  EXPECT_EQ(Search(large, Valid(large), options, on_large), Strategy::kHalving);
  const std::vector<std::pair<int, int>> rungs = {
      {33, 1}, {11, 3}, {4, 9}, {3, 27}};
  EXPECT_EQ(Rungs(on_large.calls), rungs);

  options.auto_exhaustive_limit = 40;
  RecordingEvaluator raised([](const Config& c) { return Ok(c[0].number()); });
  EXPECT_EQ(Search(large, Valid(large), options, raised),
            Strategy::kExhaustive);
}

TEST(StrategyTest, EveryStrategyStopsWhenTheBudgetIsSpent) {
  const Space space = MustParse(k90Points);
  const std::vector<Config> valid = Valid(space);
  for (const Strategy strategy :
       {Strategy::kAuto, Strategy::kExhaustive, Strategy::kRandom,
        Strategy::kCoordinate, Strategy::kHalving}) {
    for (const int budget : {0, 1, 5, 10}) {
      SearchOptions options;
      options.strategy = strategy;
      RecordingEvaluator evaluator(
          [](const Config& c) { return Ok(Scrambled(c)); }, budget);
      Search(space, valid, options, evaluator);
      EXPECT_EQ(evaluator.calls.size(), static_cast<size_t>(budget) + 1)
          << StrategyName(strategy) << " with a budget of " << budget;
    }
  }
}

TEST(StrategyTest, NoValidPointsNoCalls) {
  const Space space = Line(3);
  for (const Strategy strategy :
       {Strategy::kAuto, Strategy::kExhaustive, Strategy::kRandom,
        Strategy::kCoordinate, Strategy::kHalving}) {
    SearchOptions options;
    options.strategy = strategy;
    RecordingEvaluator evaluator([](const Config&) { return Ok(1); });
    Search(space, {}, options, evaluator);
    EXPECT_TRUE(evaluator.calls.empty()) << StrategyName(strategy);
  }
}

}  // namespace
}  // namespace m8::optimizer
