#include "analysis/judge/budgets.h"

#include <string>

#include "analysis/judge/quantity.h"
#include "analysis/read/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::testing::HasSubstr;

ResultsFile Read(const std::string& relative) {
  absl::StatusOr<ResultsFile> file = ReadResultsFile(DataPath(relative));
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : ResultsFile();
}

TEST(QuantityTest, UnitsConvertToTheMetricsUnit) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("150ns", Unit::kNanoseconds), 150);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1.5us", Unit::kNanoseconds), 1500);
  EXPECT_DOUBLE_EQ(*ParseQuantity("2 ms", Unit::kNanoseconds), 2e6);
  EXPECT_DOUBLE_EQ(*ParseQuantity("250ms", Unit::kSeconds), 0.25);
  EXPECT_DOUBLE_EQ(*ParseQuantity("5M/s", Unit::kPerSecond), 5e6);
  EXPECT_DOUBLE_EQ(*ParseQuantity("2.5k", Unit::kNone), 2500);
  EXPECT_DOUBLE_EQ(*ParseQuantity("64MiB", Unit::kBytes), 64.0 * 1048576);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1e3", Unit::kNone), 1000);
  EXPECT_FALSE(ParseQuantity("5 parsecs", Unit::kNanoseconds).ok());
  EXPECT_FALSE(ParseQuantity("fast", Unit::kNanoseconds).ok());
  EXPECT_DOUBLE_EQ(*ParseRelativeChange("5%"), 0.05);
  EXPECT_DOUBLE_EQ(*ParseRelativeChange("0.1"), 0.1);
  EXPECT_FALSE(ParseRelativeChange("-5%").ok());
}

TEST(BudgetsTest, ParsesEveryBoundWithComments) {
  absl::StatusOr<std::vector<Budget>> budgets = ParseBudgets(R"({
    // comments are allowed
    "budgets": [
      {"benchmark": "^BM_Work/", "metric": "real_time", "max": "1us"},
      {"benchmark": "^BM_Work/", "metric": "items_per_second", "min": 1.5e8},
      {"benchmark": ".", "metric": "p99_ns", "max_change": "5%",
       "note": "latency must not creep"}
    ]})",
                                                             "budgets.json");
  ASSERT_TRUE(budgets.ok()) << budgets.status();
  ASSERT_EQ(budgets->size(), 3);
  EXPECT_EQ(*(*budgets)[0].max, 1000);
  EXPECT_EQ(*(*budgets)[1].min, 1.5e8);
  EXPECT_EQ(*(*budgets)[2].max_change, 0.05);
  EXPECT_EQ((*budgets)[2].index, 2);
}

TEST(BudgetsTest, BadBudgetFilesNameTheEntry) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"{", "budgets.json: not valid JSON"},
      {R"({"limits": []})", "expected an object with a \"budgets\" array"},
      {R"({"budgets": [{"metric": "real_time", "max": 1}]})",
       "budgets[0]: 'benchmark' (a regular expression) is required"},
      {R"({"budgets": [{"benchmark": "(", "metric": "real_time", "max": 1}]})",
       "budgets[0]: bad regular expression"},
      {R"({"budgets": [{"benchmark": "a", "metric": "real_time"}]})",
       "needs at least one of max, min, max_change"},
      {R"({"budgets": [{"benchmark": "a", "metric": "real_time", "maxx": 1}]})",
       "unknown key 'maxx'"},
      {R"({"budgets": [{"benchmark": "a", "metric": "real_time", "max": "1 lightyear"}]})",
       "unknown unit 'lightyear'"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::vector<Budget>> budgets =
        ParseBudgets(c.text, "budgets.json");
    ASSERT_FALSE(budgets.ok()) << c.text;
    EXPECT_THAT(std::string(budgets.status().message()), HasSubstr(c.message));
  }
}

TEST(BudgetsTest, ReportsEveryBreachWithItsNumbers) {
  const ResultsFile base = Read("gbench/base.json");
  const ResultsFile slow = Read("gbench/new.json");  // BM_Work 30% slower
  absl::StatusOr<std::vector<Budget>> budgets = ParseBudgets(R"({"budgets": [
      {"benchmark": "^BM_Work/cells:512$", "metric": "real_time", "max": "1us"},
      {"benchmark": "^BM_Work/", "metric": "items_per_second", "min": "1G/s"},
      {"benchmark": "^BM_Work/", "metric": "p99_ns", "max_change": "5%"},
      {"benchmark": "^BM_Work/", "metric": "hits", "max_change": "0%"},
      {"benchmark": "^BM_None$", "metric": "real_time", "max": 1}]})",
                                                             "b.json");
  ASSERT_TRUE(budgets.ok()) << budgets.status();
  absl::StatusOr<CheckReport> report = CheckBudgets(slow, *budgets, &base);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->checks, 1 + 2 + 2 + 2);
  ASSERT_EQ(report->breaches.size(), 1 + 2 + 2);  // hits did not change
  const Breach& max = report->breaches[0];
  EXPECT_EQ(max.kind, BoundKind::kMax);
  EXPECT_EQ(max.benchmark, "BM_Work/cells:512");
  EXPECT_EQ(max.limit, 1000);
  EXPECT_GT(max.value, 1000);
  const Breach& change = report->breaches[3];
  EXPECT_EQ(change.kind, BoundKind::kMaxChange);
  EXPECT_NEAR(change.change, change.value / change.baseline - 1, 1e-12);
  EXPECT_GT(change.change, 0.05);
  ASSERT_EQ(report->warnings.size(), 1);
  EXPECT_THAT(report->warnings[0], HasSubstr("budgets[4]"));
  // The same budgets on the baseline itself: only static bounds can breach.
  absl::StatusOr<CheckReport> same = CheckBudgets(base, *budgets, &base);
  ASSERT_TRUE(same.ok());
  for (const Breach& b : same->breaches)
    EXPECT_NE(b.kind, BoundKind::kMaxChange);
}

TEST(BudgetsTest, MaxChangeNeedsABaselineAndRespectsDirection) {
  const ResultsFile base = Read("gbench/base.json");
  const ResultsFile slow = Read("gbench/new.json");
  absl::StatusOr<std::vector<Budget>> rate = ParseBudgets(
      R"({"budgets": [{"benchmark": "^BM_Work/", "metric": "items_per_second", "max_change": 0.1}]})",
      "b.json");
  ASSERT_TRUE(rate.ok());
  EXPECT_FALSE(CheckBudgets(slow, *rate, nullptr).ok());
  // Rates fell by ~23%: a breach for higher-is-better.
  EXPECT_EQ(CheckBudgets(slow, *rate, &base)->breaches.size(), 2);
  // The other way round rates rose: no breach.
  EXPECT_TRUE(CheckBudgets(base, *rate, &slow)->breaches.empty());
}

}  // namespace
}  // namespace m8::analysis
