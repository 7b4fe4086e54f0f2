// The writers: every format of every report over the same result types.

#include <string>

#include "analysis/judge/budgets.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"
#include "analysis/read/reader.h"
#include "analysis/report/console.h"
#include "analysis/report/format.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::testing::HasSubstr;
using ::testing::Not;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<ResultsFile>> files = ReadResultsFiles(
        {DataPath("gbench/base.json"), DataPath("gbench/new.json")});
    ASSERT_TRUE(files.ok()) << files.status();
    base_ = std::move((*files)[0]);
    new_ = std::move((*files)[1]);
    compare_ = *Compare(base_, new_, {});
  }
  ResultsFile base_, new_;
  CompareReport compare_;
};

TEST_F(ReportTest, CompareJsonHasTheDocumentedSchema) {
  const nlohmann::json json = nlohmann::json::parse(ToJson(compare_));
  ASSERT_TRUE(json["comparisons"].is_array());
  EXPECT_EQ(json["comparisons"].size(), compare_.comparisons.size());
  for (const auto& c : json["comparisons"]) {
    for (const char* key :
         {"name", "metric", "base_median", "new_median", "ratio", "ci_low",
          "ci_high", "pvalue", "verdict", "base_n", "new_n"}) {
      EXPECT_TRUE(c.contains(key)) << key;
    }
  }
  EXPECT_TRUE(json["geomean"]["real_time"]["ratio"].is_number());
  EXPECT_EQ(json["counts"]["regressed"].get<int>(),
            compare_.Count(Verdict::kRegressed));
  // NaN (non-finite counters) is written as null, never as a bare NaN.
  bool saw_null = false;
  for (const auto& c : json["comparisons"]) saw_null |= c["pvalue"].is_null();
  EXPECT_TRUE(saw_null);
}

TEST_F(ReportTest, ConsoleColourOnlyWhenAsked) {
  const std::string plain = ToConsole(compare_, {.colour = false});
  const std::string coloured = ToConsole(compare_, {.colour = true});
  EXPECT_THAT(plain, Not(HasSubstr("\033[")));
  EXPECT_THAT(coloured, HasSubstr("\033[31mregressed\033[0m"));
  EXPECT_THAT(plain, HasSubstr("BM_Work/cells:64"));
  EXPECT_THAT(plain, HasSubstr("Geometric mean of the ratios"));
  const std::string changed = ToConsole(compare_, {.only_changed = true});
  EXPECT_LT(changed.size(), plain.size());
}

// Counted by hand from the --all-metrics table of gbench/base.json against
// gbench/new.json: 9 benchmarks, 28 comparisons (BM_Work/* 5 metrics each,
// BM_Special 5, BM_Fails 1, BM_Shared/* 3 each, BM_Complexity/* 2 each).
// real_time: regressed BM_Work/cells:64, BM_Work/cells:512,
// BM_Shared/.../threads:2, BM_Complexity/64, BM_Complexity/256; improved
// BM_Special, BM_Shared/.../threads:1; unknown BM_Fails (errored); unchanged
// BM_Complexity/16. All metrics: regressed 4 + 4 (BM_Work) + 3 + 2 + 2,
// improved 2 + 3 + 1 (BM_Complexity/16 cpu_time), unknown 3 non-finite
// counters + BM_Fails, unchanged the two `hits` and BM_Complexity/16
// real_time.
TEST_F(ReportTest, CompareConsoleOpensWithTheCountsOfAHandCount) {
  EXPECT_EQ(SummaryParagraph(compare_),
            "9 benchmarks compared (28 comparisons). Time (real_time): 5 "
            "regressed, 2 improved, 0 changed, 1 unknown, 1 unchanged. All "
            "metrics: 15 regressed, 6 improved, 0 changed, 4 unknown, 3 "
            "unchanged. Geometric mean of the time ratios: real_time +18.2%, "
            "cpu_time +11.3% (8 benchmarks). Verdicts at alpha 0.05, noise "
            "band ±1%, 95% CI of the ratio (Hodges-Lehmann).");
  const std::string console = ToConsole(compare_, {});
  EXPECT_EQ(console.find("Comparing "), 0u);
  EXPECT_LT(console.find("9 benchmarks compared"), console.find("Benchmark "));
  EXPECT_THAT(console,
              HasSubstr("CI of the ratio (Hodges-Lehmann).\n\nBenchmark "));
  // The two unchanged `hits` rows are left out; BM_Complexity/16's
  // unchanged real_time stays (the time is always shown).
  EXPECT_THAT(console, HasSubstr("(2 unchanged rows left out"));
  EXPECT_THAT(console, Not(HasSubstr(" hits   ")));
  EXPECT_THAT(console, HasSubstr("BM_Complexity/16"));
  const std::string all = ToConsole(compare_, {.all_metrics = true});
  EXPECT_THAT(all, HasSubstr(" hits   "));
  EXPECT_THAT(all, Not(HasSubstr("left out")));
}

TEST_F(ReportTest, CompareWarningsInEveryFormat) {
  CompareReport report = compare_;
  report.warnings = {"base.json: ASLR on"};
  report.context_differences = {"runs differ in host: 'a' (x), 'b' (y)"};
  EXPECT_THAT(ToConsole(report, {}), HasSubstr("warning: base.json: ASLR on\n"
                                               "warning: runs differ in host"));
  EXPECT_THAT(ToMarkdown(report),
              HasSubstr("- :warning: " + MarkdownText("base.json: ASLR on")));
  const nlohmann::json json = nlohmann::json::parse(ToJson(report));
  EXPECT_EQ(json["warnings"].size(), 2u);
  EXPECT_EQ(json["context_differences"][0],
            "runs differ in host: 'a' (x), 'b' (y)");
}

TEST_F(ReportTest, MarkdownIsAPullRequestComment) {
  const std::string md = ToMarkdown(compare_);
  EXPECT_THAT(md, HasSubstr("### m8perf compare"));
  EXPECT_THAT(md, HasSubstr(":warning:"));
  EXPECT_THAT(md, HasSubstr("| Benchmark | Metric | Base | New | Change |"));
  EXPECT_THAT(md, HasSubstr("**regressed**"));
  EXPECT_THAT(md, HasSubstr("<details>"));
}

TEST_F(ReportTest, EveryReportInEveryFormat) {
  const std::vector<Budget> budgets = *ParseBudgets(
      R"({"budgets": [{"benchmark": "BM_Work", "metric": "real_time", "max": "1ns"}]})",
      "b.json");
  const CheckReport check = *CheckBudgets(new_, budgets, &base_);
  const ScaleReport scale = *AnalyzeScalability(base_, {});
  const SummaryReport summary = *Summarize(base_, {});
  std::vector<RunSummary> runs = {SummarizeRun(base_, {}),
                                  SummarizeRun(new_, {})};
  const TrendReport trend = *AnalyzeTrend(runs, {});
  for (const std::string& json :
       {ToJson(check), ToJson(scale), ToJson(summary), ToJson(trend)}) {
    EXPECT_FALSE(nlohmann::json::parse(json, nullptr, false).is_discarded())
        << json;
  }
  EXPECT_THAT(ToConsole(check, {}), HasSubstr("> max 1.00 ns"));
  EXPECT_THAT(ToMarkdown(check), HasSubstr(":x:"));
  EXPECT_THAT(ToConsole(scale, {}), HasSubstr("BM_Shared/real_time/threads:*"));
  EXPECT_THAT(ToMarkdown(scale), HasSubstr("| Sweep |"));
  EXPECT_THAT(ToConsole(summary, {}), HasSubstr("BM_Work/cells:512"));
  EXPECT_THAT(ToMarkdown(summary), HasSubstr("| Benchmark | Reps |"));
  EXPECT_THAT(ToConsole(trend, {}), HasSubstr("2 runs"));
  EXPECT_THAT(ToMarkdown(trend), HasSubstr("### m8perf trend"));
}

TEST(FormatTest, ValuesWithUnits) {
  EXPECT_EQ(FormatValue(12.345, Unit::kNanoseconds), "12.3 ns");
  EXPECT_EQ(FormatValue(99.97, Unit::kNanoseconds), "100 ns");
  EXPECT_EQ(FormatValue(4567, Unit::kNanoseconds), "4.57 us");
  EXPECT_EQ(FormatValue(1.5e9, Unit::kNanoseconds), "1.50 s");
  EXPECT_EQ(FormatValue(0.25, Unit::kSeconds), "250 ms");
  EXPECT_EQ(FormatValue(3.4e6, Unit::kPerSecond), "3.40M/s");
  EXPECT_EQ(FormatValue(64.0 * 1048576, Unit::kBytes), "64.0 MiB");
  EXPECT_EQ(FormatValue(4096, Unit::kNone), "4096");
  EXPECT_EQ(FormatValue(NAN, Unit::kNone), "-");
  EXPECT_EQ(FormatChange(1.052), "+5.2%");
  EXPECT_EQ(FormatChange(0.9), "-10.0%");
  EXPECT_EQ(FormatChange(3.5), "+250%");
  EXPECT_EQ(FormatPValue(0.03125), "0.0312");
  EXPECT_EQ(FormatPValue(1e-12), "<1e-09");
}

TEST(FormatTest, JsonWriterEscapesAndNests) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject()
      .Field("s", "a\"b\\c\n\x01")
      .Field("n", 0.1)
      .Field("nan", NAN)
      .Key("list")
      .BeginArray()
      .Int(1)
      .Bool(true)
      .Null()
      .EndArray()
      .EndObject();
  EXPECT_EQ(
      out,
      R"({"s":"a\"b\\c\n\u0001","n":0.1,"nan":null,"list":[1,true,null]})");
}

}  // namespace
}  // namespace m8::analysis
