// Self-describing results: counter declarations (m8.counters), the name
// rules for files without them, and counters that were not measured, as
// compare, check and trend read them.
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "analysis/judge/budgets.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/trend.h"
#include "analysis/read/metric.h"
#include "analysis/read/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::analysis {
namespace {

using ::testing::HasSubstr;
using Counters = std::map<std::string, double>;

// The declarations m8bench writes for the stress counters used below.
constexpr char kStressCatalogue[] =
    R"({"breaking_rate":{"unit":"/s","direction":"higher",)"
    R"("measured_if":"breaking_point_reached"},)"
    R"("breaking_point_reached":{"unit":"fraction","direction":"neutral"},)"
    R"("rss_slope_bytes_per_s":{"unit":"B/s","direction":"lower",)"
    R"("measured_if":"rss_slope_runs"},)"
    R"("rss_slope_runs":{"unit":"fraction","direction":"neutral"},)"
    R"("widgets":{"unit":"count","direction":"higher"}})";

// A results file of one benchmark, one entry per element of `repetitions`
// (real and CPU time 100 ns), with m8.counters = `catalogue` unless empty.
ResultsFile MakeFile(const std::string& source, const std::string& benchmark,
                     const std::vector<Counters>& repetitions,
                     const std::string& catalogue = kStressCatalogue,
                     const std::string& date = "2026-01-01T00:00:00+00:00") {
  nlohmann::json doc;
  doc["context"]["date"] = date;
  if (!catalogue.empty()) doc["context"]["m8.counters"] = catalogue;
  doc["benchmarks"] = nlohmann::json::array();
  for (size_t i = 0; i < repetitions.size(); ++i) {
    nlohmann::json entry = {
        {"name", benchmark},       {"run_name", benchmark},
        {"run_type", "iteration"}, {"repetitions", repetitions.size()},
        {"repetition_index", i},   {"threads", 1},
        {"iterations", 1},         {"real_time", 100.0},
        {"cpu_time", 100.0},       {"time_unit", "ns"}};
    for (const auto& [name, value] : repetitions[i]) entry[name] = value;
    doc["benchmarks"].push_back(entry);
  }
  absl::StatusOr<ResultsFile> file = ParseResults(doc.dump(), source);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : ResultsFile();
}

const Comparison* Find(const CompareReport& report, const std::string& metric) {
  for (const Comparison& c : report.comparisons) {
    if (c.metric.name == metric) return &c;
  }
  return nullptr;
}

// ---- Name rules ------------------------------------------------------------

TEST(NameRulesTest, FailureCountsAreLowerIsBetter) {
  for (const char* name :
       {"errors", "dropped", "rejected", "failures", "failed", "timeouts",
        "write_errors", "put_failures", "frames_dropped"}) {
    EXPECT_EQ(ClassifyMetric(name).direction, Direction::kLowerIsBetter)
        << name;
    EXPECT_EQ(ClassifyMetric(name).unit, Unit::kNone) << name;
  }
  // Words that only end in the same letters are not failure counts.
  EXPECT_EQ(ClassifyMetric("terrors").direction, Direction::kNeutral);
  EXPECT_EQ(ClassifyMetric("hits").direction, Direction::kNeutral);
}

TEST(NameRulesTest, PerSecondQuantitiesAreNeverTimes) {
  const Metric slope = ClassifyMetric("rss_slope_bytes_per_s");
  EXPECT_EQ(slope.unit, Unit::kBytesPerSecond);
  EXPECT_EQ(slope.direction, Direction::kLowerIsBetter);
  EXPECT_EQ(ClassifyMetric("heap_growth_per_s").direction,
            Direction::kLowerIsBetter);
  EXPECT_EQ(ClassifyMetric("heap_growth_per_s").unit, Unit::kPerSecond);
  const Metric ops = ClassifyMetric("ops_per_s");
  EXPECT_EQ(ops.unit, Unit::kPerSecond);
  EXPECT_EQ(ops.direction, Direction::kHigherIsBetter);
  // Plain times in seconds stay times.
  EXPECT_EQ(ClassifyMetric("verify_s").unit, Unit::kSeconds);
  EXPECT_EQ(ClassifyMetric("verify_s").direction, Direction::kLowerIsBetter);
}

// ---- Declarations
// ------------------------------------------------------------

TEST(CounterCatalogueTest, ParsesUnitsDirectionsAndCompanions) {
  absl::StatusOr<CounterCatalogue> catalogue =
      CounterCatalogue::Parse(kStressCatalogue);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_EQ(catalogue->size(), 5u);
  const CounterDeclaration* rate = catalogue->Find("breaking_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(rate->unit, Unit::kPerSecond);
  EXPECT_EQ(rate->measured_if, "breaking_point_reached");
  const CounterDeclaration* reached = catalogue->Find("breaking_point_reached");
  ASSERT_NE(reached, nullptr);
  EXPECT_EQ(reached->unit, Unit::kNone);
  EXPECT_EQ(reached->unit_name, "fraction");
  EXPECT_EQ(reached->measured_if, "");
  EXPECT_EQ(catalogue->Find("p99_ns"), nullptr);
}

TEST(CounterCatalogueTest, MalformedDeclarationsAreErrors) {
  for (const char* bad : {"[1, 2]", "{\"a\": 1}", "{\"a\": {}}",
                          "{\"a\": {\"direction\": \"up\"}}",
                          "{\"a\": {\"direction\": \"lower\", \"unit\": 3}}",
                          "{\"a\": {\"direction\": \"lower\", "
                          "\"measured_if\": 0}}",
                          "{\"a\": "}) {
    EXPECT_FALSE(CounterCatalogue::Parse(bad).ok()) << bad;
  }
}

TEST(CounterCatalogueTest, TheReaderTakesDeclarationsFromTheContext) {
  const ResultsFile file = MakeFile("a.json", "B", {{{"widgets", 1}}});
  EXPECT_EQ(file.context().counters.size(), 5u);
  // Older m8bench files hold a sentence under the same key: no declarations.
  const ResultsFile old = MakeFile("old.json", "B", {{{"widgets", 1}}},
                                   "resource counters are per iteration");
  EXPECT_TRUE(old.context().counters.empty());
  // A malformed object is an error naming the file and the key.
  nlohmann::json doc = {
      {"context", {{"m8.counters", "{\"a\": {\"direction\": 1}}"}}},
      {"benchmarks",
       {{{"name", "B"},
         {"real_time", 1},
         {"cpu_time", 1},
         {"time_unit", "ns"},
         {"iterations", 1}}}}};
  absl::StatusOr<ResultsFile> bad = ParseResults(doc.dump(), "bad.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.json"));
  EXPECT_THAT(bad.status().message(), HasSubstr("m8.counters"));
}

TEST(ResolveMetricTest, OverridesThenDeclarationsThenNames) {
  const CounterCatalogue catalogue = *CounterCatalogue::Parse(
      R"({"errors":{"unit":"count","direction":"neutral"},)"
      R"("verify_s":{"unit":"ms","direction":"higher"}})");
  // The declaration beats the name rule (errors: lower by name).
  EXPECT_EQ(ResolveMetric("errors", &catalogue, nullptr).direction,
            Direction::kNeutral);
  EXPECT_EQ(ResolveMetric("verify_s", &catalogue, nullptr).unit,
            Unit::kMilliseconds);
  // An override beats the declaration; it changes the direction only.
  const DirectionOverrides overrides = {
      {"verify_s", Direction::kLowerIsBetter}};
  const Metric verify = ResolveMetric("verify_s", &catalogue, &overrides);
  EXPECT_EQ(verify.direction, Direction::kLowerIsBetter);
  EXPECT_EQ(verify.unit, Unit::kMilliseconds);
  // Undeclared names follow the name rules.
  EXPECT_EQ(ResolveMetric("p99_ns", &catalogue, nullptr).direction,
            Direction::kLowerIsBetter);
  EXPECT_EQ(ResolveMetric("dropped", nullptr, nullptr).direction,
            Direction::kLowerIsBetter);
}

// ---- compare
// -----------------------------------------------------------------

std::vector<Counters> Repeat(const Counters& counters, int n) {
  return std::vector<Counters>(n, counters);
}

TEST(CompareCountersTest, TheFilesDeclarationDecidesTheDirection) {
  // widgets: a name the rules call neutral; the file declares it higher.
  const std::vector<Counters> base = {{{"widgets", 100}},
                                      {{"widgets", 101}},
                                      {{"widgets", 99}},
                                      {{"widgets", 100}},
                                      {{"widgets", 102}}};
  const std::vector<Counters> fewer = {{{"widgets", 50}},
                                       {{"widgets", 51}},
                                       {{"widgets", 49}},
                                       {{"widgets", 50}},
                                       {{"widgets", 52}}};
  CompareOptions options;
  options.metrics = {"widgets"};
  options.bootstrap.resamples = 1000;
  {
    absl::StatusOr<CompareReport> report =
        Compare(MakeFile("a", "B", base), MakeFile("b", "B", fewer), options);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(Find(*report, "widgets")->verdict, Verdict::kRegressed);
  }
  {  // Without the declaration: neutral by name, so only "changed".
    absl::StatusOr<CompareReport> report = Compare(
        MakeFile("a", "B", base, ""), MakeFile("b", "B", fewer, ""), options);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(Find(*report, "widgets")->verdict, Verdict::kChanged);
  }
  {  // --direction beats the declaration.
    options.directions = {{"widgets", Direction::kLowerIsBetter}};
    absl::StatusOr<CompareReport> report =
        Compare(MakeFile("a", "B", base), MakeFile("b", "B", fewer), options);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(Find(*report, "widgets")->verdict, Verdict::kImproved);
  }
}

TEST(CompareCountersTest, ABreakingPointNotReachedIsNotMeasured) {
  // Base: every search tripped, at 1.0e6 ops/s. New: none did, so the
  // fixture wrote breaking_point_reached = 0 and no breaking_rate.
  const ResultsFile base = MakeFile(
      "base.json", "Stress/BreakingPoint",
      Repeat({{"breaking_point_reached", 1}, {"breaking_rate", 1e6}}, 5));
  const ResultsFile held = MakeFile("new.json", "Stress/BreakingPoint",
                                    Repeat({{"breaking_point_reached", 0}}, 5));
  CompareOptions options;
  options.bootstrap.resamples = 1000;
  absl::StatusOr<CompareReport> report = Compare(base, held, options);
  ASSERT_TRUE(report.ok()) << report.status();
  const Comparison* rate = Find(*report, "breaking_rate");
  ASSERT_NE(rate, nullptr) << "a metric not measured in new is still listed";
  EXPECT_TRUE(rate->not_measured);
  EXPECT_EQ(rate->verdict, Verdict::kUnknown);
  EXPECT_TRUE(std::isnan(rate->ratio));
  EXPECT_EQ(rate->note, "not measured in new (breaking_point_reached = 0)");
  EXPECT_EQ(report->Count(Verdict::kRegressed), 0);
  for (const GeometricMeanRatio& g : report->geomeans) {
    EXPECT_NE(g.metric.name, "breaking_rate");
  }
}

TEST(CompareCountersTest, AZeroWrittenWhereNothingWasMeasuredIsNotAValue) {
  // Files from before the fix wrote breaking_rate = 0 when nothing tripped;
  // with the companion at 0 that 0 is not a measurement, so the better run
  // no longer reads as a 100% regression.
  const ResultsFile base = MakeFile(
      "base.json", "BP",
      Repeat({{"breaking_point_reached", 1}, {"breaking_rate", 1e6}}, 5));
  const ResultsFile zero = MakeFile(
      "new.json", "BP",
      Repeat({{"breaking_point_reached", 0}, {"breaking_rate", 0}}, 5));
  CompareOptions options;
  options.metrics = {"breaking_rate"};
  options.bootstrap.resamples = 1000;
  absl::StatusOr<CompareReport> report = Compare(base, zero, options);
  ASSERT_TRUE(report.ok()) << report.status();
  const Comparison* rate = Find(*report, "breaking_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_TRUE(rate->not_measured);
  EXPECT_NE(rate->verdict, Verdict::kRegressed);
  // The same numbers without declarations are read as written: a 100% drop
  // of a higher-is-better rate.
  report = Compare(
      MakeFile(
          "base.json", "BP",
          Repeat({{"breaking_point_reached", 1}, {"breaking_rate", 1e6}}, 5),
          ""),
      MakeFile("new.json", "BP",
               Repeat({{"breaking_point_reached", 0}, {"breaking_rate", 0}}, 5),
               ""),
      options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(Find(*report, "breaking_rate")->verdict, Verdict::kRegressed);
}

TEST(CompareCountersTest, PartlyMeasuredComparesTheMeasuredRepetitions) {
  // New: 4 of 6 soak runs measured a slope of 10 B/s, two did not.
  std::vector<Counters> contender =
      Repeat({{"rss_slope_runs", 1}, {"rss_slope_bytes_per_s", 10}}, 4);
  contender.push_back({{"rss_slope_runs", 0}});
  contender.push_back({{"rss_slope_runs", 0}, {"rss_slope_bytes_per_s", 0}});
  const ResultsFile base = MakeFile(
      "base.json", "Soak",
      Repeat({{"rss_slope_runs", 1}, {"rss_slope_bytes_per_s", 10}}, 6));
  CompareOptions options;
  options.metrics = {"rss_slope_bytes_per_s"};
  options.bootstrap.resamples = 1000;
  absl::StatusOr<CompareReport> report =
      Compare(base, MakeFile("new.json", "Soak", contender), options);
  ASSERT_TRUE(report.ok()) << report.status();
  const Comparison* slope = Find(*report, "rss_slope_bytes_per_s");
  ASSERT_NE(slope, nullptr);
  EXPECT_FALSE(slope->not_measured);
  EXPECT_EQ(slope->base.n, 6);
  EXPECT_EQ(slope->contender.n, 4);
  EXPECT_EQ(slope->ratio, 1.0);
  EXPECT_EQ(slope->note,
            "not measured in 2 of 6 repetitions of new (rss_slope_runs = 0)");
}

// ---- check
// -------------------------------------------------------------------

TEST(CheckCountersTest, NotMeasuredIsNeitherABreachNorAPass) {
  const ResultsFile results = MakeFile(
      "r.json", "Stress/Soak",
      Repeat({{"rss_slope_runs", 0}, {"rss_slope_bytes_per_s", 0}}, 3));
  absl::StatusOr<std::vector<Budget>> budgets = ParseBudgets(
      R"({"budgets": [
        {"benchmark": "Soak", "metric": "rss_slope_bytes_per_s", "max": "1KiB/s"},
        {"benchmark": "Soak", "metric": "rss_slope_bytes_per_s", "min": 1}]})",
      "b.json");
  ASSERT_TRUE(budgets.ok()) << budgets.status();
  absl::StatusOr<CheckReport> report = CheckBudgets(results, *budgets, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->breaches.empty());
  EXPECT_EQ(report->checks, 0);
  ASSERT_EQ(report->not_measured.size(), 2u);
  EXPECT_EQ(report->not_measured[0].benchmark, "Stress/Soak");
  EXPECT_EQ(report->not_measured[0].reason, "rss_slope_runs = 0");
  EXPECT_EQ(report->not_measured[1].budget, 1);
  EXPECT_TRUE(report->warnings.empty()) << report->warnings[0];
}

TEST(CheckCountersTest, MaxChangeFollowsTheDeclaredDirection) {
  // widgets is declared higher-is-better: 100 -> 80 is a 20% loss.
  const ResultsFile baseline =
      MakeFile("base.json", "B", Repeat({{"widgets", 100}}, 3));
  const ResultsFile results =
      MakeFile("new.json", "B", Repeat({{"widgets", 80}}, 3));
  absl::StatusOr<std::vector<Budget>> budgets = ParseBudgets(
      R"({"budgets": [{"benchmark": "B", "metric": "widgets",
                       "max_change": "10%"}]})",
      "b.json");
  ASSERT_TRUE(budgets.ok());
  absl::StatusOr<CheckReport> report =
      CheckBudgets(results, *budgets, &baseline);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->breaches.size(), 1u);
  EXPECT_DOUBLE_EQ(report->breaches[0].change, -0.2);
  // Declared lower-is-better by --direction: a 20% drop is no breach.
  report = CheckBudgets(results, *budgets, &baseline,
                        {{"widgets", Direction::kLowerIsBetter}});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->breaches.empty());
}

TEST(SuiteBudgetsTest, TheShippedFileParses) {
  const char* root = std::getenv("M8_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "M8_SOURCE_DIR is not set (run through ctest)";
  absl::StatusOr<std::vector<Budget>> budgets =
      ReadBudgets(std::string(root) + "/analysis/budgets/suite.json");
  ASSERT_TRUE(budgets.ok()) << budgets.status();
  ASSERT_EQ(budgets->size(), 8u);  // counted in the file
  std::map<std::string, const Budget*> by_metric;
  for (const Budget& b : *budgets) by_metric[b.metric.name] = &b;
  ASSERT_TRUE(by_metric.count("errors"));
  EXPECT_EQ(by_metric["errors"]->max, 0.0);
  // "256KiB/s" in bytes per second: 256 * 1024. Read as a time in seconds
  // (the old name rule) it would not parse at all.
  ASSERT_TRUE(by_metric.count("rss_slope_bytes_per_s"));
  EXPECT_EQ(by_metric["rss_slope_bytes_per_s"]->max, 262144.0);
  EXPECT_EQ(by_metric["p99_ns"]->max, 1e7);  // 10 ms in ns
  EXPECT_EQ(by_metric["soak_passed"]->min, 1.0);
  EXPECT_EQ(by_metric["achieved_fraction"]->min, 0.9);
}

// ---- trend
// -------------------------------------------------------------------

TEST(TrendCountersTest, RunsThatDidNotMeasureHaveNoPoint) {
  std::vector<RunSummary> runs;
  for (int r = 0; r < 6; ++r) {
    const bool measured = r != 2 && r != 4;
    const ResultsFile file =
        MakeFile("run" + std::to_string(r), "BP",
                 Repeat(measured ? Counters{{"breaking_point_reached", 1},
                                            {"breaking_rate", 1e6}}
                                 : Counters{{"breaking_point_reached", 0},
                                            {"breaking_rate", 0}},
                        3));
    runs.push_back(SummarizeRun(file, {"breaking_rate"}));
  }
  absl::StatusOr<TrendReport> report = AnalyzeTrend(runs, TrendOptions{});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->series.size(), 1u);
  const Series& series = report->series[0];
  EXPECT_EQ(series.metric.direction, Direction::kHigherIsBetter);
  EXPECT_EQ(series.runs, (std::vector<int>{0, 1, 3, 5}));
  EXPECT_EQ(series.points, (std::vector<double>{1e6, 1e6, 1e6, 1e6}));
}

TEST(TrendCountersTest, TheLatestDeclarationWinsOverNames) {
  // errors declared neutral by the runs: a step up is no regression.
  const std::string catalogue =
      R"({"errors":{"unit":"count","direction":"neutral"}})";
  std::vector<RunSummary> runs;
  for (int r = 0; r < 20; ++r) {
    runs.push_back(
        SummarizeRun(MakeFile("run" + std::to_string(r), "B",
                              Repeat({{"errors", r < 10 ? 0.0 + r % 2 * 0.01
                                                        : 5.0 + r % 2 * 0.01}},
                                     1),
                              catalogue),
                     {"errors"}));
  }
  absl::StatusOr<TrendReport> report = AnalyzeTrend(runs, TrendOptions{});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->series.size(), 1u);
  EXPECT_EQ(report->series[0].metric.direction, Direction::kNeutral);
  EXPECT_EQ(report->RegressionCount(), 0);
  // Without declarations, errors is a lower-is-better count by name.
  for (RunSummary& run : runs) run.declared.assign(run.metrics.size(), {});
  report = AnalyzeTrend(runs, TrendOptions{});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->series[0].metric.direction, Direction::kLowerIsBetter);
  EXPECT_GE(report->RegressionCount(), 1);
}

}  // namespace
}  // namespace m8::analysis
