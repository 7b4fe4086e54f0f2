// Progress lines: k of n counting, the ETA and its formatting, and the
// reporter around a display reporter (which must see every call unchanged).

#include "bench/support/progress.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FormatDurationTest, SecondsMinutesHours) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(-3), "0s");
  EXPECT_EQ(FormatDuration(0.4), "0s");
  EXPECT_EQ(FormatDuration(0.6), "1s");
  EXPECT_EQ(FormatDuration(59.4), "59s");
  EXPECT_EQ(FormatDuration(59.6), "1m00s");
  EXPECT_EQ(FormatDuration(190), "3m10s");
  EXPECT_EQ(FormatDuration(3599), "59m59s");
  EXPECT_EQ(FormatDuration(3600), "1h00m");
  EXPECT_EQ(FormatDuration(3600 + 2 * 60 + 29), "1h02m");
  EXPECT_EQ(FormatDuration(3600 + 2 * 60 + 30), "1h03m");
  EXPECT_EQ(FormatDuration(26 * 3600), "26h00m");
}

TEST(ProgressCounterTest, CountsBenchmarksAndRuns) {
  ProgressCounter counter(4, 3);  // 12 runs
  EXPECT_EQ(counter.Finish("A", 3, 30),
            "benchmark 1 of 4 (3 of 12 runs): A, 30s elapsed, ETA 1m30s");
  // A benchmark with its own 6 repetitions: 15 runs in all.
  EXPECT_EQ(counter.Finish("B", 6, 90),
            "benchmark 2 of 4 (9 of 15 runs): B, 1m30s elapsed, ETA 1m00s");
  counter.Finish("C", 3, 120);
  EXPECT_EQ(counter.Finish("D", 3, 150),
            "benchmark 4 of 4 (15 of 15 runs): D, 2m30s elapsed");
  EXPECT_EQ(counter.runs_done(), 15);
}

TEST(ProgressCounterTest, OneRepetitionAndAnUnknownTotal) {
  ProgressCounter single(2, 1);
  EXPECT_EQ(single.Finish("A", 1, 10),
            "benchmark 1 of 2: A, 10s elapsed, ETA 10s");
  ProgressCounter unknown(0, 1);  // never more done than total
  EXPECT_EQ(unknown.Finish("A", 1, 10), "benchmark 1 of 1: A, 10s elapsed");
}

// Records what reaches the display reporter.
class RecordingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override {
    calls.push_back("context");
    return true;
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    calls.push_back(absl::StrCat("runs ", runs.size()));
    GetOutputStream() << "table\n";
  }
  void Finalize() override { calls.push_back("finalize"); }
  std::vector<std::string> calls;
};

benchmark::BenchmarkReporter::Run MakeRun(const std::string& name,
                                          int64_t family, int64_t repetitions,
                                          bool aggregate = false) {
  benchmark::BenchmarkReporter::Run run;
  run.run_name.function_name = name;
  run.family_index = family;
  run.per_family_instance_index = 0;
  run.repetitions = repetitions;
  if (aggregate) {
    run.run_type = benchmark::BenchmarkReporter::Run::RT_Aggregate;
    run.aggregate_name = "mean";
  }
  return run;
}

class ProgressReporterTest : public ::testing::Test {
 protected:
  ProgressReporterTest() { display_.SetOutputStream(&table_); }
  double now_ = 100;
  RecordingReporter display_;
  std::ostringstream table_;
  std::ostringstream progress_;
};

TEST_F(ProgressReporterTest, OneLineAfterEachBenchmarkAndItsAggregates) {
  ProgressReporter reporter(&display_, ProgressCounter(2, 2), &progress_,
                            /*in_place=*/false, [this] { return now_; });
  reporter.ReportContext(benchmark::BenchmarkReporter::Context());
  now_ = 110;
  // Two repetitions, then their aggregates in a second call.
  reporter.ReportRuns({MakeRun("A", 0, 2), MakeRun("A", 0, 2)});
  EXPECT_EQ(progress_.str(), "");  // waits for the aggregates
  reporter.ReportRuns({MakeRun("A", 0, 2, true)});
  EXPECT_EQ(progress_.str(),
            "benchmark 1 of 2 (2 of 4 runs): A, 10s elapsed, ETA 10s\n");
  now_ = 130;
  reporter.ReportRuns({MakeRun("B", 1, 2), MakeRun("B", 1, 2)});
  reporter.Finalize();  // the aggregates never came: shown at the end
  EXPECT_THAT(progress_.str(),
              HasSubstr("benchmark 2 of 2 (4 of 4 runs): B, 30s elapsed\n"));
  EXPECT_THAT(display_.calls,
              ElementsAre("context", "runs 2", "runs 1", "runs 2", "finalize"));
  EXPECT_EQ(table_.str(), "table\ntable\ntable\n");
}

TEST_F(ProgressReporterTest, InPlaceClearsTheLineBeforeTheTable) {
  ProgressReporter reporter(&display_, ProgressCounter(2, 1), &progress_,
                            /*in_place=*/true, [this] { return now_; });
  reporter.ReportContext(benchmark::BenchmarkReporter::Context());
  now_ = 105;
  reporter.ReportRuns({MakeRun("A", 0, 1)});
  EXPECT_EQ(progress_.str(), "benchmark 1 of 2: A, 5s elapsed, ETA 5s");
  now_ = 110;
  reporter.ReportRuns({MakeRun("B", 1, 1)});
  reporter.Finalize();
  EXPECT_EQ(progress_.str(),
            "benchmark 1 of 2: A, 5s elapsed, ETA 5s\r\033[K"
            "benchmark 2 of 2: B, 10s elapsed\n");
  EXPECT_EQ(reporter.counter().benchmarks_done(), 2);
}

}  // namespace
}  // namespace m8::bench
