#include "analysis/judge/scale.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/read/reader.h"
#include "analysis/stats/usl.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

using ::testing::HasSubstr;

std::vector<double> Curve(const UslFit& truth, const std::vector<double>& n) {
  std::vector<double> x;
  for (double k : n) x.push_back(UslThroughput(truth, k));
  return x;
}

TEST(UslTest, RecoversKnownParameters) {
  const std::vector<double> n = {1, 2, 4, 8, 16, 32, 64};
  for (const auto& [sigma, kappa] : std::vector<std::pair<double, double>>{
           {0.05, 0.001}, {0.2, 0.0}, {0.0, 0.0002}, {0.02, 0.01}}) {
    UslFit truth;
    truth.sigma = sigma;
    truth.kappa = kappa;
    truth.lambda = 1000;
    absl::StatusOr<UslFit> fit = FitUsl(n, Curve(truth, n));
    ASSERT_TRUE(fit.ok()) << fit.status();
    EXPECT_NEAR(fit->sigma, sigma, 1e-6);
    EXPECT_NEAR(fit->kappa, kappa, 1e-7);
    EXPECT_NEAR(fit->lambda, 1000, 1e-3);
    EXPECT_NEAR(fit->r_squared, 1, 1e-9);
    if (kappa > 0) {
      EXPECT_NEAR(fit->peak_concurrency, std::sqrt((1 - sigma) / kappa), 1e-2);
    } else {
      EXPECT_TRUE(std::isinf(fit->peak_concurrency));
    }
  }
}

TEST(UslTest, NoisyDataAndErrors) {
  const std::vector<double> n = {1, 2, 3, 4, 6, 8};
  const std::vector<double> x = {995, 1890, 2630, 3250, 4100, 4480};
  absl::StatusOr<UslFit> fit = FitUsl(n, x);
  ASSERT_TRUE(fit.ok());
  EXPECT_GT(fit->r_squared, 0.99);
  EXPECT_GT(fit->sigma, 0);
  EXPECT_FALSE(
      FitUsl(std::vector<double>{1, 2}, std::vector<double>{1, 2}).ok());
  EXPECT_FALSE(
      FitUsl(std::vector<double>{1, 2, 3}, std::vector<double>{1, -2, 3}).ok());
  EXPECT_FALSE(
      FitUsl(std::vector<double>{0, 2, 3}, std::vector<double>{1, 2, 3}).ok());
}

// A results file with a thread sweep written in Google Benchmark's format.
std::string SweepJson(const std::vector<int>& threads) {
  UslFit truth;
  truth.sigma = 0.03;
  truth.kappa = 0.002;
  truth.lambda = 2e6;
  std::string entries;
  for (int t : threads) {
    const double rate = UslThroughput(truth, t);
    for (int rep = 0; rep < 3; ++rep) {
      if (!entries.empty()) entries += ",";
      const std::string name =
          absl::StrCat("ConcurrentGrid/Recall/real_time/threads:", t);
      entries += absl::StrCat(
          R"({"name": ")", name, R"(", "run_name": ")", name,
          R"(", "run_type": "iteration", "repetitions": 3, "repetition_index": )",
          rep, R"(, "threads": )", t, R"(, "iterations": 100, "real_time": )",
          1e9 / rate,
          R"(, "cpu_time": 1, "time_unit": "ns", "items_per_second": )", rate,
          "}");
    }
  }
  return absl::StrCat(
      R"({"context": {}, "benchmarks": [)", entries,
      R"(, {"name": "Other/threads:1", "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]})");
}

TEST(ScaleTest, FitsEveryThreadSweep) {
  absl::StatusOr<ResultsFile> file =
      ParseResults(SweepJson({1, 2, 4, 8, 16, 32}), "sweep.json");
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<ScaleReport> report = AnalyzeScalability(*file, {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->sweeps.size(), 1);  // "Other" has one thread count
  const ThreadSweep& sweep = report->sweeps[0];
  EXPECT_EQ(sweep.name, "ConcurrentGrid/Recall/real_time/threads:*");
  EXPECT_EQ(sweep.metric, "items_per_second");
  EXPECT_EQ(sweep.threads, (std::vector<int>{1, 2, 4, 8, 16, 32}));
  ASSERT_TRUE(sweep.fit.has_value());
  EXPECT_NEAR(sweep.fit->sigma, 0.03, 1e-6);
  EXPECT_NEAR(sweep.fit->kappa, 0.002, 1e-7);
  EXPECT_TRUE(sweep.warnings.empty());

  // From real_time instead: the same throughput (1e9 / real_time).
  ScaleOptions from_time;
  from_time.metric = "real_time";
  absl::StatusOr<ScaleReport> timed = AnalyzeScalability(*file, from_time);
  ASSERT_TRUE(timed.ok());
  EXPECT_NEAR(timed->sweeps[0].fit->sigma, 0.03, 1e-6);
}

TEST(ScaleTest, WarnsBelowSixPointsAndWithoutOneThread) {
  absl::StatusOr<ResultsFile> file =
      ParseResults(SweepJson({2, 4, 8}), "sweep.json");
  ASSERT_TRUE(file.ok());
  absl::StatusOr<ScaleReport> report = AnalyzeScalability(*file, {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->sweeps.size(), 1);
  EXPECT_THAT(report->sweeps[0].warnings,
              ::testing::ElementsAre(HasSubstr("only 3 thread counts"),
                                     HasSubstr("no threads:1 point")));
  EXPECT_TRUE(report->sweeps[0].fit.has_value());
}

}  // namespace
}  // namespace m8::analysis
