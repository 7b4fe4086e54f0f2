// Tests of the HTML report's layers: escaping, the judged report, its data
// block and the page. Expected values are worked by hand from the inputs
// below; the page is parsed back to check what a browser would see.

#include "analysis/report/html_report.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/read/reader.h"
#include "analysis/report/html_assets.h"
#include "analysis/report/html_data.h"
#include "analysis/report/html_escape.h"
#include "analysis/report/html_page.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kCraftedScript[] = "<script>alert(1)</script>";
constexpr char kCraftedAttribute[] = "\"><img src=x onerror=alert(1)>";

// ---- Escaping ---------------------------------------------------------------

TEST(EscapeHtmlTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(EscapeHtml(kCraftedScript),
            "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml(kCraftedAttribute),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(EscapeHtml("a'b&c"), "a&#39;b&amp;c");
  EXPECT_EQ(EscapeHtml("Grid/Recall/cells:4096"), "Grid/Recall/cells:4096");
}

TEST(EscapeJsonForScriptTest, EscapesMarkupAndLineSeparators) {
  // U+2028 and U+2029 in UTF-8, inside a JSON string.
  const std::string json =
      "{\"a\":\"</script><!--&\xE2\x80\xA8x\xE2\x80\xA9\"}";
  EXPECT_EQ(
      EscapeJsonForScript(json),
      "{\"a\":\"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028x\\u2029\"}");
  // The same value once parsed.
  EXPECT_EQ(nlohmann::json::parse(EscapeJsonForScript(json)),
            nlohmann::json::parse(json));
  // Other multi-byte characters pass through.
  EXPECT_EQ(EscapeJsonForScript("\"\xC3\xA9\xE2\x80\x94\""),
            "\"\xC3\xA9\xE2\x80\x94\"");
}

TEST(IsSafeRawTextTest, RejectsWhatEndsOrConfusesAScriptElement) {
  EXPECT_TRUE(IsSafeRawText("var a = 1 < 2;"));
  EXPECT_FALSE(IsSafeRawText("x</script>"));
  EXPECT_FALSE(IsSafeRawText("x</SCRIPT >"));
  EXPECT_FALSE(IsSafeRawText("<!-- x"));
  EXPECT_FALSE(IsSafeRawText("'<Script>'"));
  EXPECT_FALSE(IsSafeRawText("a</style>"));
}

TEST(RoundSignificantTest, KeepsTheGivenDigits) {
  EXPECT_EQ(RoundSignificant(123456.7, 4), 123500);
  EXPECT_EQ(RoundSignificant(0.00123456, 4), 0.001235);
  EXPECT_EQ(RoundSignificant(-9.87654, 4), -9.877);
  EXPECT_EQ(RoundSignificant(0.0421, 3), 0.0421);
  EXPECT_EQ(RoundSignificant(0, 4), 0);
  EXPECT_TRUE(std::isnan(RoundSignificant(NAN, 4)));
}

// ---- Assets ----------------------------------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(HtmlAssetsTest, ChartLibraryIsDebiansFileAsItIs) {
  const HtmlAsset chart = ChartLibraryAsset();
  const std::string file = ReadFile(std::string(chart.origin));
  ASSERT_FALSE(file.empty()) << chart.origin;
  EXPECT_EQ(chart.text, file);
  EXPECT_THAT(std::string(chart.text.substr(0, 40)), HasSubstr("Chart.js"));
}

TEST(HtmlAssetsTest, EveryAssetIsSafeToInlineAndHashed) {
  for (const HtmlAsset& asset :
       {ChartLibraryAsset(), PageScriptAsset(), PageStyleAsset()}) {
    EXPECT_TRUE(IsSafeRawText(asset.text)) << asset.origin;
    // "sha256-" and the base64 of 32 bytes: 43 characters and one '='.
    ASSERT_EQ(asset.csp_hash.size(), 7u + 44u) << asset.origin;
    EXPECT_TRUE(absl::StartsWith(asset.csp_hash, "sha256-"));
    EXPECT_EQ(asset.csp_hash.back(), '=');
  }
}

// ---- Runs ------------------------------------------------------------------

struct Bench {
  std::string name;
  std::vector<double> real_times;
  // Optional items_per_second per repetition.
  std::vector<double> rates = {};
};

std::string Quote(const std::string& text) {
  return nlohmann::json(text).dump();
}

// A Google Benchmark 1.7.1 results file with the given context extras.
std::string ResultsJson(const std::vector<Bench>& benches,
                        const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  for (const Bench& bench : benches) {
    for (size_t r = 0; r < bench.real_times.size(); ++r) {
      std::string entry = absl::StrCat(
          "{\"name\": ", Quote(bench.name),
          ", \"run_name\": ", Quote(bench.name),
          ", \"run_type\": \"iteration\", \"repetitions\": ",
          bench.real_times.size(), ", \"repetition_index\": ", r,
          ", \"threads\": 1, \"iterations\": 100, \"real_time\": ",
          bench.real_times[r], ", \"cpu_time\": ", bench.real_times[r],
          ", \"time_unit\": \"ns\"");
      if (!bench.rates.empty()) {
        absl::StrAppend(&entry, ", \"items_per_second\": ", bench.rates[r]);
      }
      entries.push_back(entry + "}");
    }
  }
  std::vector<std::string> context = {"\"date\": \"2026-01-01T00:00:00+00:00\"",
                                      "\"num_cpus\": 2",
                                      "\"library_build_type\": \"release\""};
  for (const auto& [key, value] : extra) {
    context.push_back(absl::StrCat(Quote(key), ": ", Quote(value)));
  }
  return absl::StrCat("{\"context\": {", absl::StrJoin(context, ", "),
                      "}, \"benchmarks\": [", absl::StrJoin(entries, ", "),
                      "]}");
}

LabelledRun MakeRun(const std::string& label, const std::vector<Bench>& benches,
                    const std::map<std::string, std::string>& extra) {
  absl::StatusOr<ResultsFile> file =
      ParseResults(ResultsJson(benches, extra), label);
  EXPECT_TRUE(file.ok()) << file.status();
  return {label, *std::move(file)};
}

const std::string kCrafted = absl::StrCat("BM_", kCraftedScript);

// Three runs of BM_A (real_time in ns), one benchmark only in the oldest,
// a crafted name, and a thread sweep in the latest.
std::vector<LabelledRun> History() {
  std::vector<LabelledRun> runs;
  runs.push_back(
      MakeRun("a.json",
              {{"BM_A", {10, 12, 11, 13}},
               {"BM_Old", {7, 9, 8}},
               {kCrafted, {5, 6, 5, 6}}},
              {{"host_name", "vm1"}, {"m8.git_revision", "aaa111"}}));
  runs.push_back(MakeRun(
      "b.json", {{"BM_A", {20, 22, 21, 19, 20}}, {kCrafted, {5, 6, 5, 6}}},
      {{"m8.git_revision", "bbb222"}, {"m8.grid.brick_edge", "1"}}));
  runs.push_back(MakeRun(
      "c.json",
      {{"BM_A", {30, 33, 27, 30}},
       {kCrafted, {5, 6, 5, 6}},
       {"BM_S/threads:1", {100, 100, 100, 100}, {1e6, 1e6, 1e6, 1e6}},
       {"BM_S/threads:2", {60, 60, 60, 60}, {1.8e6, 1.8e6, 1.8e6, 1.8e6}},
       {"BM_S/threads:4", {40, 40, 40, 40}, {3e6, 3e6, 3e6, 3e6}}},
      {{"m8.git_revision", "ccc333"}, {"m8.grid.brick_edge", "8"}}));
  return runs;
}

const HtmlBenchmark* Find(const HtmlReport& report, const std::string& name) {
  for (const HtmlBenchmark& b : report.benchmarks) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

TEST(BuildHtmlReportTest, PerRunMediansAndSpreads) {
  const std::vector<LabelledRun> runs = History();
  absl::StatusOr<HtmlReport> report = BuildHtmlReport(runs, nullptr, {});
  ASSERT_TRUE(report.ok()) << report.status();
  // The latest run's benchmarks in its order, then BM_Old (only in a.json).
  std::vector<std::string> names;
  for (const HtmlBenchmark& b : report->benchmarks) names.push_back(b.name);
  EXPECT_THAT(names, ElementsAre("BM_A", kCrafted, "BM_S/threads:1",
                                 "BM_S/threads:2", "BM_S/threads:4", "BM_Old"));
  const HtmlBenchmark& a = *Find(*report, "BM_A");
  // a.json 10 11 12 13; b.json 19 20 20 21 22; c.json 27 30 30 33.
  EXPECT_THAT(a.median, ElementsAre(11.5, 20, 30));
  EXPECT_THAT(a.low, ElementsAre(10, 19, 27));
  EXPECT_THAT(a.high, ElementsAre(13, 22, 33));
  EXPECT_THAT(a.latest, ElementsAre(30, 33, 27, 30));
  EXPECT_THAT(a.baseline, ElementsAre(20, 22, 21, 19, 20));
  // Mean 30, squared deviations 0 + 9 + 9 + 0 = 18, variance 18 / 3 = 6.
  EXPECT_NEAR(a.cv, std::sqrt(6.0) / 30, 1e-12);
  const HtmlBenchmark& old = *Find(*report, "BM_Old");
  EXPECT_EQ(old.median[0], 8);
  EXPECT_TRUE(std::isnan(old.median[1]));
  EXPECT_TRUE(std::isnan(old.median[2]));
  EXPECT_THAT(old.latest, IsEmpty());
  EXPECT_TRUE(std::isnan(old.cv));
  // The trend series of each benchmark is its own.
  ASSERT_GE(a.series, 0);
  EXPECT_EQ(report->trend.series[a.series].name, "BM_A");
  EXPECT_EQ(report->trend.series[a.series].metric.name, "real_time");
}

TEST(BuildHtmlReportTest, ComparesTheLatestWithThePreviousRun) {
  const std::vector<LabelledRun> runs = History();
  absl::StatusOr<HtmlReport> report = BuildHtmlReport(runs, nullptr, {});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(report->baseline.has_value());
  EXPECT_EQ(report->baseline_index, 1);
  EXPECT_EQ(report->baseline->label, "b.json");
  EXPECT_EQ(report->baseline->revision, "bbb222");
  ASSERT_TRUE(report->comparison.has_value());
  EXPECT_EQ(report->comparison->base_source, "b.json");
  EXPECT_EQ(report->comparison->contender_source, "c.json");
  // Every latest repetition of BM_A (27..33) lies above every baseline one
  // (19..22): the medians 30 / 20 = 1.5, and the verdict a regression.
  bool found = false;
  for (const Comparison& c : report->comparison->comparisons) {
    if (c.name == "BM_A" && c.metric.name == "real_time") {
      found = true;
      EXPECT_DOUBLE_EQ(c.ratio, 1.5);
      EXPECT_EQ(c.verdict, Verdict::kRegressed);
    }
  }
  EXPECT_TRUE(found);
  // The grid option differs between b.json and c.json; a.json's host is
  // not compared with the latest, but it is a difference in view.
  EXPECT_THAT(absl::StrJoin(report->compared_differences, "\n"),
              HasSubstr("'1' (b.json), '8' (c.json)"));
  EXPECT_THAT(absl::StrJoin(report->compared_differences, "\n"),
              Not(HasSubstr("host")));
  EXPECT_THAT(absl::StrJoin(report->view_differences, "\n"), HasSubstr("host"));
}

TEST(BuildHtmlReportTest, SeparateBaselineAndSingleRun) {
  std::vector<LabelledRun> runs = History();
  const LabelledRun base = std::move(runs[0]);
  std::vector<LabelledRun> latest_only;
  latest_only.push_back(std::move(runs[2]));
  absl::StatusOr<HtmlReport> compared = BuildHtmlReport(latest_only, &base, {});
  ASSERT_TRUE(compared.ok()) << compared.status();
  EXPECT_EQ(compared->baseline_index, -1);
  EXPECT_EQ(compared->baseline->label, "a.json");
  EXPECT_THAT(Find(*compared, "BM_A")->baseline, ElementsAre(10, 12, 11, 13));

  absl::StatusOr<HtmlReport> alone = BuildHtmlReport(latest_only, nullptr, {});
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_FALSE(alone->baseline.has_value());
  EXPECT_FALSE(alone->comparison.has_value());
  EXPECT_THAT(Find(*alone, "BM_A")->baseline, IsEmpty());
}

TEST(BuildHtmlReportTest, ThreadSweepsBudgetsTargetsAndNoise) {
  const std::vector<LabelledRun> runs = History();
  HtmlReportOptions options;
  absl::StatusOr<std::vector<Budget>> budgets = ParseBudgets(
      R"({"budgets": [{"benchmark": "^BM_A$", "metric": "real_time",
                       "max": "25ns"}]})",
      "budgets.json");
  ASSERT_TRUE(budgets.ok()) << budgets.status();
  options.budgets = *budgets;
  absl::StatusOr<std::vector<Target>> targets = ParseTargets(
      R"({"targets": [{"name": "A vs S", "numerator": "BM_A",
          "denominator": "BM_S/threads:1", "metric": "real_time",
          "bound": "<= 0.25"}]})",
      "targets.json");
  ASSERT_TRUE(targets.ok()) << targets.status();
  options.targets = *targets;
  absl::StatusOr<HtmlReport> report = BuildHtmlReport(runs, nullptr, options);
  ASSERT_TRUE(report.ok()) << report.status();

  ASSERT_EQ(report->scale.sweeps.size(), 1u);
  EXPECT_EQ(report->scale.sweeps[0].name, "BM_S/threads:*");
  EXPECT_EQ(Find(*report, "BM_S/threads:2")->sweep, 0);
  EXPECT_EQ(Find(*report, "BM_A")->sweep, -1);

  ASSERT_TRUE(report->budgets.has_value());
  ASSERT_EQ(report->budgets->breaches.size(), 1u);
  EXPECT_EQ(report->budgets->breaches[0].benchmark, "BM_A");
  EXPECT_EQ(report->budgets->breaches[0].value, 30);

  // 30 / 100 = 0.3 > 0.25.
  ASSERT_TRUE(report->targets.has_value());
  ASSERT_EQ(report->targets->targets.size(), 1u);
  EXPECT_EQ(report->targets->targets[0].status, TargetStatus::kFail);
  EXPECT_DOUBLE_EQ(report->targets->targets[0].ratio, 0.3);

  // BM_A's CV is 8.2%; the crafted one's 5 6 5 6: sd 0.5774 / mean 5.5 =
  // 10.5%; the sweep's repetitions are equal (CV 0). Noise band 1%.
  EXPECT_EQ(report->NoisyCount(), 2);
}

TEST(BuildHtmlReportTest, Errors) {
  EXPECT_EQ(BuildHtmlReport({}, nullptr, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<LabelledRun> runs = History();
  HtmlReportOptions bad_filter;
  bad_filter.filter = "(";
  EXPECT_FALSE(BuildHtmlReport(runs, nullptr, bad_filter).ok());

  std::vector<LabelledRun> one;
  one.push_back(MakeRun("only.json", {{"BM_A", {1, 2, 3}}}, {}));
  HtmlReportOptions change_budget;
  absl::StatusOr<std::vector<Budget>> budgets = ParseBudgets(
      R"({"budgets": [{"benchmark": ".", "metric": "real_time",
                       "max_change": "5%"}]})",
      "b.json");
  ASSERT_TRUE(budgets.ok());
  change_budget.budgets = *budgets;
  absl::StatusOr<HtmlReport> report =
      BuildHtmlReport(one, nullptr, change_budget);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("baseline"));
}

// ---- Data block and page
// -----------------------------------------------------

TEST(HtmlReportDataTest, ColumnsByIndex) {
  const std::vector<LabelledRun> runs = History();
  absl::StatusOr<HtmlReport> report = BuildHtmlReport(runs, nullptr, {});
  ASSERT_TRUE(report.ok()) << report.status();
  const nlohmann::json data = nlohmann::json::parse(HtmlReportData(*report));
  EXPECT_EQ(data["runs"]["label"],
            nlohmann::json({"a.json", "b.json", "c.json"}));
  EXPECT_EQ(data["runs"]["revision"],
            nlohmann::json({"aaa111", "bbb222", "ccc333"}));
  EXPECT_EQ(data["baseline"]["index"], 1);
  EXPECT_EQ(data["metric"]["name"], "real_time");
  EXPECT_EQ(data["metric"]["unit"], "ns");
  EXPECT_EQ(data["benchmarks"]["name"][1], kCrafted);
  EXPECT_EQ(data["benchmarks"]["median"][0], nlohmann::json({11.5, 20, 30}));
  EXPECT_EQ(data["benchmarks"]["median"][5],
            nlohmann::json::parse("[8, null, null]"));
  EXPECT_EQ(data["benchmarks"]["sweep"], nlohmann::json({-1, -1, 0, 0, 0, -1}));
  // sqrt(6) / 30 = 0.08165 to 3 digits.
  EXPECT_EQ(data["benchmarks"]["cv"][0], 0.0816);
  // BM_A's real_time comparison, found through the index columns.
  const nlohmann::json& c = data["comparison"];
  bool found = false;
  for (size_t i = 0; i < c["benchmark"].size(); ++i) {
    if (c["benchmark"][i] == 0 &&
        c["metrics"][c["metric"][i].get<int>()]["name"] == "real_time") {
      found = true;
      EXPECT_EQ(c["base"][i], 20);
      EXPECT_EQ(c["new"][i], 30);
      EXPECT_EQ(c["ratio"][i], 1.5);
      EXPECT_EQ(data["verdicts"][c["verdict"][i].get<int>()], "regressed");
    }
  }
  EXPECT_TRUE(found);
  // Every context key of every run, the m8.* ones included.
  bool revision = false;
  for (const nlohmann::json& kv : data["environment"][2]) {
    revision |= kv[0] == "m8.git_revision" && kv[1] == "ccc333";
  }
  EXPECT_TRUE(revision);
}

// The text of the element that starts with `open`, up to `close`.
std::string Between(const std::string& page, const std::string& open,
                    const std::string& close) {
  const size_t begin = page.find(open);
  if (begin == std::string::npos) return "";
  const size_t start = begin + open.size();
  return page.substr(start, page.find(close, start) - start);
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(ToHtmlTest, CraftedNamesAndLabelsStayText) {
  std::vector<LabelledRun> runs = History();
  runs[2].label = absl::StrCat("run ", kCraftedAttribute);
  runs[2] = MakeRun(runs[2].label,
                    {{"BM_A", {30, 33, 27, 30}},
                     {kCrafted, {5, 6, 5, 6}},
                     {absl::StrCat("BM_", kCraftedAttribute), {1, 2, 3}}},
                    {{"m8.git_revision", kCraftedScript}});
  HtmlReportOptions options;
  options.title = absl::StrCat("Title ", kCraftedScript);
  absl::StatusOr<HtmlReport> report = BuildHtmlReport(runs, nullptr, options);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = ToHtml(*report);

  // Exactly our three scripts: the data block, Chart.js and the page's.
  EXPECT_EQ(Count(page, "<script"), 3);
  EXPECT_EQ(Count(page, "</script>"), 3);
  EXPECT_EQ(Count(page, "<img"), 0);
  EXPECT_THAT(page, Not(HasSubstr(kCraftedScript)));
  EXPECT_THAT(page, Not(HasSubstr(kCraftedAttribute)));
  // The static header has them as character references.
  EXPECT_THAT(page,
              HasSubstr("<title>Title &lt;script&gt;alert(1)&lt;/script&gt;"
                        "</title>"));
  EXPECT_THAT(page, HasSubstr("run &quot;&gt;&lt;img src=x"));

  // The data block gives every name back exactly.
  const std::string block = Between(
      page, "<script type=\"application/json\" id=\"m8-data\">", "</script>");
  ASSERT_FALSE(block.empty());
  const nlohmann::json data = nlohmann::json::parse(block);
  EXPECT_EQ(data["title"], options.title);
  EXPECT_EQ(data["benchmarks"]["name"][1], kCrafted);
  EXPECT_EQ(data["benchmarks"]["name"][2],
            absl::StrCat("BM_", kCraftedAttribute));
  EXPECT_EQ(data["runs"]["label"][2], runs[2].label);
  EXPECT_EQ(data["runs"]["revision"][2], kCraftedScript);
}

TEST(ToHtmlTest, SelfContainedWithAStrictPolicy) {
  const std::vector<LabelledRun> runs = History();
  absl::StatusOr<HtmlReport> report = BuildHtmlReport(runs, nullptr, {});
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = ToHtml(*report);
  const std::string policy = Between(
      page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy,
              HasSubstr(absl::StrCat("'", ChartLibraryAsset().csp_hash, "'")));
  EXPECT_THAT(policy,
              HasSubstr(absl::StrCat("'", PageScriptAsset().csp_hash, "'")));
  EXPECT_THAT(policy,
              HasSubstr(absl::StrCat("'", PageStyleAsset().csp_hash, "'")));
  EXPECT_THAT(policy, Not(HasSubstr("unsafe")));
  // The hashed elements hold exactly the hashed text.
  EXPECT_THAT(page, HasSubstr(absl::StrCat("<script>", ChartLibraryAsset().text,
                                           "</script>")));
  EXPECT_THAT(page, HasSubstr(absl::StrCat("<script>", PageScriptAsset().text,
                                           "</script>")));
  EXPECT_THAT(page, HasSubstr(absl::StrCat("<style>", PageStyleAsset().text,
                                           "</style>")));
  // Nothing is fetched: no element names a source or a linked resource.
  EXPECT_THAT(page, Not(HasSubstr(" src=")));
  EXPECT_THAT(page, Not(HasSubstr("<link")));
  EXPECT_THAT(page, Not(HasSubstr("@import")));
  EXPECT_THAT(page, Not(HasSubstr("url(")));
}

}  // namespace
}  // namespace m8::analysis
