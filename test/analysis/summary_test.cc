#include "analysis/judge/summary.h"

#include <cmath>
#include <string>

#include "analysis/read/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::testing::HasSubstr;

TEST(BoundTest, Grammar) {
  EXPECT_EQ(*ParseBound("<= 1.3"), std::make_pair(Comparator::kLessEqual, 1.3));
  EXPECT_EQ(*ParseBound("ratio <= 1.3"),
            std::make_pair(Comparator::kLessEqual, 1.3));
  EXPECT_EQ(*ParseBound(">= 3x"),
            std::make_pair(Comparator::kGreaterEqual, 3.0));
  EXPECT_EQ(*ParseBound(">= 50%"),
            std::make_pair(Comparator::kGreaterEqual, 0.5));
  EXPECT_EQ(*ParseBound("<2"), std::make_pair(Comparator::kLess, 2.0));
  EXPECT_EQ(*ParseBound("> 20"), std::make_pair(Comparator::kGreater, 20.0));
  EXPECT_FALSE(ParseBound("about 2").ok());
  EXPECT_FALSE(ParseBound("<= fast").ok());
}

TEST(SummaryTest, RowsAndTargets) {
  absl::StatusOr<ResultsFile> file =
      ReadResultsFile(DataPath("gbench/base.json"));
  ASSERT_TRUE(file.ok());
  absl::StatusOr<std::vector<Target>> targets = ParseTargets(R"({"targets": [
      {"name": "512 cells cost about 8x 64 cells",
       "numerator": "BM_Work/cells:512", "denominator": "BM_Work/cells:64",
       "metric": "real_time", "bound": "<= 12"},
      {"name": "two threads double the rate",
       "numerator": "BM_Shared/real_time/threads:2",
       "denominator": "BM_Shared/real_time/threads:1",
       "metric": "items_per_second", "bound": ">= 50x"},
      {"name": "faster than 1 us",
       "numerator": {"value": "1us"}, "denominator": "BM_Work/cells:64",
       "metric": "real_time", "bound": ">= 1"},
      {"name": "missing", "numerator": "BM_Nope", "denominator": 5,
       "metric": "real_time", "bound": "< 1"}]})",
                                                             "targets.json");
  ASSERT_TRUE(targets.ok()) << targets.status();
  absl::StatusOr<SummaryReport> report = Summarize(*file, *targets);
  ASSERT_TRUE(report.ok()) << report.status();

  ASSERT_GE(report->columns.size(), 4);
  EXPECT_EQ(report->columns[0].name, "real_time");
  EXPECT_EQ(report->columns[2].name, "items_per_second");
  EXPECT_EQ(report->columns[3].name, "p99_ns");
  bool saw_fails = false;
  for (const SummaryRow& row : report->rows) {
    EXPECT_NE(row.name, "BM_Complexity");  // BigO/RMS only
    if (row.name == "BM_Fails") {
      saw_fails = true;
      EXPECT_EQ(row.repetitions, 0);
      EXPECT_THAT(row.failure, HasSubstr("errored: setup failed"));
      EXPECT_TRUE(std::isnan(row.values[0]));
    }
    if (row.name == "BM_Work/cells:64") {
      EXPECT_EQ(row.repetitions, 9);
      EXPECT_GT(row.values[0], 0);
    }
  }
  EXPECT_TRUE(saw_fails);

  ASSERT_EQ(report->targets.size(), 4);
  const TargetResult& scaling = report->targets[0];
  EXPECT_EQ(scaling.status, TargetStatus::kPass);
  EXPECT_NEAR(scaling.ratio, scaling.numerator / scaling.denominator, 1e-12);
  EXPECT_GT(scaling.ratio, 4);
  EXPECT_EQ(report->targets[1].status, TargetStatus::kFail);
  EXPECT_EQ(report->targets[2].status, TargetStatus::kPass);
  EXPECT_EQ(report->targets[2].numerator, 1000);
  EXPECT_EQ(report->targets[3].status, TargetStatus::kMissing);
  EXPECT_THAT(report->targets[3].problem, HasSubstr("no benchmark 'BM_Nope'"));
  EXPECT_EQ(report->Count(TargetStatus::kPass), 2);
}

TEST(SummaryTest, BadTargetFiles) {
  EXPECT_FALSE(ParseTargets("{", "t.json").ok());
  absl::StatusOr<std::vector<Target>> missing = ParseTargets(
      R"({"targets": [{"numerator": "a", "metric": "real_time", "bound": "< 1"}]})",
      "t.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("t.json: targets[0]: 'denominator' is required"));
  absl::StatusOr<std::vector<Target>> bound = ParseTargets(
      R"({"targets": [{"numerator": "a", "denominator": "b", "metric": "real_time", "bound": "1.3"}]})",
      "t.json");
  ASSERT_FALSE(bound.ok());
  EXPECT_THAT(std::string(bound.status().message()),
              HasSubstr("must start with <=, <, >= or >"));
}

TEST(SummaryTest, ArchitectureTargetsExampleParses) {
  absl::StatusOr<std::vector<Target>> targets =
      ReadTargets(std::string(std::getenv("M8_SOURCE_DIR")) +
                  "/analysis/targets/architecture.json");
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_GE(targets->size(), 7);
}

}  // namespace
}  // namespace m8::analysis
