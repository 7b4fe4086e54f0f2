#include "analysis/judge/compare.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "analysis/read/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::m8::analysis::testing::ReadText;
using ::testing::HasSubstr;

ResultsFile Read(const std::string& path) {
  absl::StatusOr<ResultsFile> file = ReadResultsFile(path);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : ResultsFile();
}

const Comparison* Find(const CompareReport& report, absl::string_view name,
                       absl::string_view metric) {
  for (const Comparison& c : report.comparisons) {
    if (c.name == name && c.metric.name == metric) return &c;
  }
  return nullptr;
}

// Our real-time and CPU-time p-values against compare.py's -d dump: every
// comparison compare.py made a U test for must be ours within 1e-9. The one
// deliberate exception: compare.py also tests errored benchmarks, on the
// placeholder times (0) of their entries; we report those as errored.
// Returns how many comparisons were checked.
int ExpectSamePValuesAsComparePy(const std::string& base_path,
                                 const std::string& new_path,
                                 const std::string& dump_path) {
  const ResultsFile base = Read(base_path);
  const ResultsFile contender = Read(new_path);
  CompareOptions options;
  options.include_aggregates = true;  // compare.py compares those too
  absl::StatusOr<CompareReport> report = Compare(base, contender, options);
  EXPECT_TRUE(report.ok()) << report.status();
  if (!report.ok()) return 0;
  const nlohmann::json dump = nlohmann::json::parse(ReadText(dump_path));
  int checked = 0;
  for (const auto& entry : dump) {
    if (entry["utest"].empty()) continue;
    const std::string name = entry["name"];
    const Comparison* real = Find(*report, name, "real_time");
    const Comparison* cpu = Find(*report, name, "cpu_time");
    EXPECT_NE(real, nullptr) << name << " in " << dump_path;
    if (real == nullptr) continue;
    if (absl::StartsWith(real->note, "errored")) {
      EXPECT_EQ(real->verdict, Verdict::kUnknown);
      continue;
    }
    EXPECT_NE(cpu, nullptr) << name;
    if (cpu == nullptr) continue;
    EXPECT_NEAR(real->pvalue, entry["utest"]["time_pvalue"].get<double>(), 1e-9)
        << name;
    EXPECT_NEAR(cpu->pvalue, entry["utest"]["cpu_pvalue"].get<double>(), 1e-9)
        << name;
    EXPECT_EQ(real->base.n, entry["utest"]["nr_of_repetitions"].get<int>());
    EXPECT_EQ(real->contender.n,
              entry["utest"]["nr_of_repetitions_other"].get<int>());
    ++checked;
  }
  return checked;
}

TEST(ComparePyParityTest, CommittedDumps) {
  for (const char* pair : {"gbench", "legacy", "ties"}) {
    SCOPED_TRACE(pair);
    EXPECT_GT(ExpectSamePValuesAsComparePy(
                  DataPath(std::string(pair) + "/base.json"),
                  DataPath(std::string(pair) + "/new.json"),
                  DataPath(std::string("compare_py/") + pair + ".json")),
              2);
  }
  EXPECT_GT(
      ExpectSamePValuesAsComparePy(DataPath("gbench/base_4reps.json"),
                                   DataPath("gbench/base.json"),
                                   DataPath("compare_py/gbench_4reps.json")),
      0);
}

// Runs compare.py itself on its own test inputs. compare.py and scipy are
// dependencies (tools/setup installs libbenchmark-tools and python3-scipy):
// without them this test fails rather than passing as skipped.
TEST(ComparePyParityTest, LiveOnComparePysOwnInputs) {
  const std::string python = "/usr/bin/python3";
  const std::string compare_py = "/usr/share/benchmark/compare.py";
  const std::string inputs = "/usr/share/benchmark/gbench/Inputs/";
  ASSERT_TRUE(std::filesystem::exists(python) &&
              std::filesystem::exists(compare_py))
      << compare_py << " under " << python
      << " is missing: run tools/setup (libbenchmark-tools)";
  int checked = 0;
  for (const auto& [base, contender] :
       {std::pair{"test1_run1.json", "test1_run2.json"},
        std::pair{"test3_run0.json", "test3_run1.json"}}) {
    const std::string dump = ::testing::TempDir() + "compare_py_dump.json";
    const std::string command = python + " " + compare_py + " --no-color -d " +
                                dump + " benchmarks " + inputs + base + " " +
                                inputs + contender + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0)
        << command << " failed: is python3-scipy installed (tools/setup)?";
    SCOPED_TRACE(base);
    checked +=
        ExpectSamePValuesAsComparePy(inputs + base, inputs + contender, dump);
  }
  EXPECT_GE(checked, 2);  // test3: BM_Two and short
}

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = Read(DataPath("gbench/base.json"));
    new_ = Read(DataPath("gbench/new.json"));
  }
  CompareReport Run(const CompareOptions& options = {}) {
    absl::StatusOr<CompareReport> report = Compare(base_, new_, options);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *std::move(report) : CompareReport();
  }
  ResultsFile base_;
  ResultsFile new_;
};

TEST_F(CompareTest, FindsTheRealRegressionInEveryDirection) {
  const CompareReport report = Run();
  // new.json was written with BM_Work 30% slower.
  for (const char* name : {"BM_Work/cells:64", "BM_Work/cells:512"}) {
    const Comparison* real = Find(report, name, "real_time");
    ASSERT_NE(real, nullptr);
    EXPECT_EQ(real->verdict, Verdict::kRegressed);
    EXPECT_GT(real->ratio, 1.1);
    EXPECT_GT(real->ci.low, 1.01);
    EXPECT_LE(real->ci.low, real->ratio);
    EXPECT_GE(real->ci.high, real->ratio);
    EXPECT_EQ(real->base.n, 9);
    EXPECT_EQ(real->contender.n, 9);
    const Comparison* rate = Find(report, name, "items_per_second");
    ASSERT_NE(rate, nullptr);
    EXPECT_EQ(rate->metric.direction, Direction::kHigherIsBetter);
    EXPECT_LT(rate->ratio, 0.9);
    EXPECT_EQ(rate->verdict, Verdict::kRegressed);
    const Comparison* hits = Find(report, name, "hits");
    ASSERT_NE(hits, nullptr);
    EXPECT_EQ(hits->metric.direction, Direction::kNeutral);
    EXPECT_EQ(hits->verdict, Verdict::kUnchanged);
    EXPECT_EQ(hits->ratio, 1);
  }
  EXPECT_TRUE(report.HasRegression());
}

TEST_F(CompareTest, ErroredAndNonFiniteAreUnknownWithAReason) {
  const CompareReport report = Run();
  const Comparison* fails = Find(report, "BM_Fails", "real_time");
  ASSERT_NE(fails, nullptr);
  EXPECT_EQ(fails->verdict, Verdict::kUnknown);
  EXPECT_THAT(fails->note, HasSubstr("errored in base: setup failed: no grid"));
  const Comparison* nan = Find(report, "BM_Special", "nan_counter");
  ASSERT_NE(nan, nullptr);
  EXPECT_EQ(nan->verdict, Verdict::kUnknown);
  EXPECT_THAT(nan->note, HasSubstr("non-finite"));
  // Errored benchmarks stay out of the geometric means.
  for (const GeometricMeanRatio& g : report.geomeans) {
    if (g.metric.name == "real_time") {
      EXPECT_EQ(g.count, 8);
    }
  }
}

TEST_F(CompareTest, GeometricMeanOfRatios) {
  CompareOptions options;
  options.metrics = {"real_time"};
  const CompareReport report = Run(options);
  double log_sum = 0;
  int count = 0;
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.metric.name, "real_time");
    if (c.base.n > 0 && c.contender.n > 0) {
      log_sum += std::log(c.ratio);
      ++count;
    }
  }
  ASSERT_EQ(report.geomeans.size(), 1);
  EXPECT_EQ(report.geomeans[0].count, count);
  EXPECT_NEAR(report.geomeans[0].ratio, std::exp(log_sum / count), 1e-12);
}

TEST_F(CompareTest, FilterMetricsAndDirections) {
  CompareOptions options;
  options.filter = "^BM_Work/";
  options.metrics = {"real_time", "hits"};
  options.directions = {{"hits", Direction::kLowerIsBetter}};
  const CompareReport report = Run(options);
  EXPECT_EQ(report.comparisons.size(), 4);
  for (const Comparison& c : report.comparisons) {
    EXPECT_THAT(c.name, HasSubstr("BM_Work/"));
    if (c.metric.name == "hits") {
      EXPECT_EQ(c.metric.direction, Direction::kLowerIsBetter);
    }
  }
}

TEST_F(CompareTest, BadOptionsAreErrors) {
  CompareOptions bad_filter;
  bad_filter.filter = "(unclosed";
  absl::StatusOr<CompareReport> bad_regex = Compare(base_, new_, bad_filter);
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_THAT(std::string(bad_regex.status().message()),
              HasSubstr("bad filter regular expression"));
  CompareOptions unknown_metric;
  unknown_metric.metrics = {"no_such_metric"};
  absl::StatusOr<CompareReport> bad_metric =
      Compare(base_, new_, unknown_metric);
  ASSERT_FALSE(bad_metric.ok());
  EXPECT_THAT(std::string(bad_metric.status().message()),
              HasSubstr("metric 'no_such_metric' is in neither"));
}

TEST_F(CompareTest, BenchmarksOnOneSideAreListed) {
  const ResultsFile small = Read(DataPath("gbench/base_4reps.json"));
  absl::StatusOr<CompareReport> report = Compare(small, new_, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->only_in_base.empty());
  EXPECT_THAT(report->only_in_contender, ::testing::Contains("BM_Special"));
  EXPECT_EQ(Find(*report, "BM_Work/cells:64", "real_time")->base.n, 4);
}

TEST_F(CompareTest, PoolsTheRepetitionsOfSeveralRuns) {
  std::vector<ResultsFile> runs;
  runs.push_back(Read(DataPath("gbench/base.json")));
  runs.push_back(Read(DataPath("gbench/base_4reps.json")));
  const ResultsFile pooled = PoolRepetitions(std::move(runs));
  EXPECT_EQ(pooled.source(), DataPath("gbench/base.json") + "+" +
                                 DataPath("gbench/base_4reps.json"));
  const Benchmark* work = pooled.FindBenchmark("BM_Work/cells:64");
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->iterations.size(), 13);  // 9 + 4
  EXPECT_TRUE(work->aggregates.empty());
  EXPECT_EQ(pooled.entries()[work->iterations.back()].repetition_index, 12);
  EXPECT_TRUE(
      pooled
          .Value(pooled.entries()[work->iterations.back()], "items_per_second")
          .has_value());
  absl::StatusOr<CompareReport> report = Compare(pooled, new_, {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(Find(*report, "BM_Work/cells:64", "real_time")->base.n, 13);
}

TEST(CompareDecisionTest, TooFewRepetitionsIsUnknown) {
  absl::StatusOr<CompareReport> report =
      Compare(Read(DataPath("legacy/base.json")),
              Read(DataPath("legacy/new.json")), {});
  ASSERT_TRUE(report.ok());
  const Comparison* micro = Find(*report, "BM_OldMicro", "real_time");
  ASSERT_NE(micro, nullptr);
  EXPECT_EQ(micro->verdict, Verdict::kUnknown);
  EXPECT_THAT(micro->note, HasSubstr("too few repetitions (3 vs 3)"));
  EXPECT_NEAR(micro->pvalue, 0.1, 1e-12);
}

TEST(CompareDecisionTest, DecideFollowsTheNoiseBandAndDirection) {
  const Interval above{1.05, 1.10}, below{0.90, 0.95}, inside{0.995, 1.005},
      straddle{0.995, 1.03};
  using D = Direction;
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.01, above, 0.05, 0.01),
            Verdict::kRegressed);
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.01, below, 0.05, 0.01),
            Verdict::kImproved);
  EXPECT_EQ(Decide(D::kHigherIsBetter, 0.01, above, 0.05, 0.01),
            Verdict::kImproved);
  EXPECT_EQ(Decide(D::kHigherIsBetter, 0.01, below, 0.05, 0.01),
            Verdict::kRegressed);
  EXPECT_EQ(Decide(D::kNeutral, 0.01, above, 0.05, 0.01), Verdict::kChanged);
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.01, inside, 0.05, 0.01),
            Verdict::kUnchanged);
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.01, straddle, 0.05, 0.01),
            Verdict::kUnchanged);
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.2, above, 0.05, 0.01),
            Verdict::kUnchanged);
  // A 6% CI edge clears a 5% noise band, a 4% one does not.
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.01, {1.06, 1.2}, 0.05, 0.05),
            Verdict::kRegressed);
  EXPECT_EQ(Decide(D::kLowerIsBetter, 0.01, {1.04, 1.2}, 0.05, 0.05),
            Verdict::kUnchanged);
}

TEST(MetricTest, Classification) {
  EXPECT_EQ(ClassifyMetric("real_time").direction, Direction::kLowerIsBetter);
  EXPECT_EQ(ClassifyMetric("items_per_second").direction,
            Direction::kHigherIsBetter);
  EXPECT_EQ(ClassifyMetric("bytes_per_second").unit, Unit::kBytesPerSecond);
  EXPECT_EQ(ClassifyMetric("p99_ns").unit, Unit::kNanoseconds);
  EXPECT_EQ(ClassifyMetric("cpu_user_s").unit, Unit::kSeconds);
  EXPECT_EQ(ClassifyMetric("rss_peak_bytes").direction,
            Direction::kLowerIsBetter);
  EXPECT_EQ(ClassifyMetric("minor_faults").direction,
            Direction::kLowerIsBetter);
  EXPECT_EQ(ClassifyMetric("ctx_involuntary").direction,
            Direction::kLowerIsBetter);
  EXPECT_EQ(ClassifyMetric("hits").direction, Direction::kNeutral);
}

}  // namespace
}  // namespace m8::analysis
