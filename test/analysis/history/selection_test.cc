// Run selection (selection.h) and history URLs (location.h). The resolution
// of @ID, @last and @prev runs on both engines.

#include "analysis/history/selection.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "analysis/history/ingest.h"
#include "analysis/history/location.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/analysis/history/test_history.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::SameResults;
using ::m8::analysis::testing::SyntheticResults;
using ::m8::analysis::testing::TestHistory;
using ::m8::analysis::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Time At(const std::string& text) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &time, &error))
      << error;
  return time;
}

RunInfo MakeRun(int64_t id, const std::string& date, const std::string& host,
                const std::string& revision, RunTags tags) {
  RunInfo run;
  run.id = id;
  run.run_time = At(date);
  run.host = host;
  run.revision = revision;
  run.tags = std::move(tags);
  return run;
}

std::vector<int64_t> Ids(const std::vector<RunInfo>& runs) {
  std::vector<int64_t> ids;
  for (const RunInfo& run : runs) ids.push_back(run.id);
  return ids;
}

// Five runs, oldest first, as ListRuns gives them.
std::vector<RunInfo> FiveRuns() {
  return {
      MakeRun(1, "2026-11-01T00:00:00Z", "vm1", "aaa111", {{"branch", "main"}}),
      MakeRun(2, "2026-11-02T00:00:00Z", "vm2", "bbb222", {{"branch", "main"}}),
      MakeRun(4, "2026-11-03T12:00:00Z", "vm1", "aaa999",
              {{"branch", "dev"}, {"ci", "1"}}),
      MakeRun(3, "2026-11-04T00:00:00Z", "vm1", "ccc333",
              {{"branch", "main"}, {"ci", "1"}}),
      MakeRun(5, "2026-11-05T00:00:00Z", "vm2", "", {})};
}

TEST(RunSelectorTest, EveryFieldMustMatch) {
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {})), ElementsAre(1, 2, 4, 3, 5));
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {.host = "vm1"})),
              ElementsAre(1, 4, 3));
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {.tags = {{"branch", "main"}}})),
              ElementsAre(1, 2, 3));
  EXPECT_THAT(
      Ids(SelectRuns(FiveRuns(), {.tags = {{"branch", "main"}, {"ci", "1"}}})),
      ElementsAre(3));
  EXPECT_THAT(
      Ids(SelectRuns(FiveRuns(), {.since = At("2026-11-03T12:00:00Z")})),
      ElementsAre(4, 3, 5));  // at or after
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {.revision = "aaa"})),
              ElementsAre(1, 4));
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {.last = 2})), ElementsAre(3, 5));
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {.last = 9})),
              ElementsAre(1, 2, 4, 3, 5));
  // --last applies after the other selectors.
  EXPECT_THAT(Ids(SelectRuns(FiveRuns(), {.host = "vm1", .last = 2})),
              ElementsAre(4, 3));
  EXPECT_TRUE(SelectRuns(FiveRuns(), {.host = "vm3"}).empty());
}

TEST(RunSelectorTest, ParsesTagsAndDates) {
  absl::StatusOr<RunTags> tags =
      ParseTags({"z=1", "branch=main", "empty=", "eq=a=b"});
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(
      *tags,
      (RunTags{{"branch", "main"}, {"empty", ""}, {"eq", "a=b"}, {"z", "1"}}));
  EXPECT_FALSE(ParseTags({"novalue"}).ok());
  EXPECT_FALSE(ParseTags({"=v"}).ok());
  EXPECT_THAT(ParseTags({"a=1", "a=2"}).status().message(),
              HasSubstr("--tag a is given twice"));

  EXPECT_EQ(*ParseSince("2026-11-28"), At("2026-11-28T00:00:00Z"));
  EXPECT_EQ(*ParseSince("2026-11-28T06:30"), At("2026-11-28T06:30:00Z"));
  EXPECT_EQ(*ParseSince("2026-11-28 06:30:15"), At("2026-11-28T06:30:15Z"));
  EXPECT_EQ(*ParseSince("2026-11-28T06:30:00+01:00"),
            At("2026-11-28T05:30:00Z"));
  EXPECT_EQ(*ParseSince("2026-11-28T06:30:00Z"), At("2026-11-28T06:30:00Z"));
  EXPECT_FALSE(ParseSince("yesterday").ok());
  EXPECT_FALSE(ParseSince("2026-13-01").ok());
}

TEST(RunSelectorTest, LabelsNameIdDateAndRevision) {
  EXPECT_EQ(RunLabel(MakeRun(12, "2026-11-28T06:05:59Z", "vm",
                             "0123456789abcdef", {})),
            "@12 (2026-11-28 06:05, 0123456789)");
  EXPECT_EQ(RunLabel(MakeRun(3, "2026-01-02T00:00:00Z", "vm", "", {})),
            "@3 (2026-01-02 00:00)");
}

TEST(HistoryUrlTest, SchemesPathsAndTheDefault) {
  absl::StatusOr<HistoryLocation> sqlite = ParseHistoryUrl("sqlite:a/b.db");
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ(sqlite->dialect, SqlDialect::kSqlite);
  EXPECT_EQ(sqlite->target, "a/b.db");
  EXPECT_EQ(ParseHistoryUrl("sqlite:///abs/h.db")->target, "/abs/h.db");
  EXPECT_EQ(ParseHistoryUrl("plain.db")->target, "plain.db");
  EXPECT_EQ(ParseHistoryUrl("dir/with://colon")->target, "dir/with://colon");
  absl::StatusOr<HistoryLocation> pg =
      ParseHistoryUrl("postgresql://me:pw@db.example:5433/bench?sslmode=off");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->dialect, SqlDialect::kPostgres);
  EXPECT_EQ(pg->target, "postgresql://me:pw@db.example:5433/bench?sslmode=off");
  EXPECT_EQ(pg->display, "postgresql://me@db.example:5433/bench?sslmode=off");
  EXPECT_EQ(ParseHistoryUrl("postgres://me@h/db")->dialect,
            SqlDialect::kPostgres);
  EXPECT_EQ(ParseHistoryUrl("postgres://me@h/db")->display,
            "postgres://me@h/db");
  EXPECT_THAT(ParseHistoryUrl("mysql://h/db").status().message(),
              HasSubstr("unknown scheme"));
  EXPECT_FALSE(ParseHistoryUrl("").ok());
  EXPECT_FALSE(ParseHistoryUrl("sqlite:").ok());

  EXPECT_EQ(ResolveHistoryLocation("x.db", "y.db")->target, "x.db");
  EXPECT_EQ(ResolveHistoryLocation("", "y.db")->target, "y.db");
  absl::StatusOr<HistoryLocation> fallback = ResolveHistoryLocation("", "");
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->target, ".m8bench/history.db");
  EXPECT_TRUE(fallback->is_default);
  EXPECT_FALSE(ResolveHistoryLocation("", "y.db")->is_default);
}

class RunResolutionTest : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    history_ = TestHistory::Create(GetParam());
    ASSERT_NE(history_, nullptr);
    absl::StatusOr<std::unique_ptr<HistoryStore>> store = history_->Open(true);
    ASSERT_TRUE(store.ok()) << store.status();
    // Three runs on vm (days 1..3, the second tagged), one on "other".
    for (int day = 1; day <= 4; ++day) {
      files_.push_back(WriteFile(
          absl::StrCat(history_->folder(), "/run", day, ".json"),
          SyntheticResults(4, 3, day,
                           absl::StrCat("2026-11-0", day, "T06:00:00Z"),
                           absl::StrCat("rev", day))));
      IngestOptions options;
      if (day == 2) options.tags = {{"branch", "main"}};
      if (day == 4) options.host = "other";
      absl::StatusOr<IngestedFile> ingested =
          IngestResultsFile(**store, files_.back(), options);
      ASSERT_TRUE(ingested.ok()) << ingested.status();
      ids_.push_back(ingested->run_id);
    }
    options_.db_url = history_->url();
  }

  std::vector<int64_t> Resolve(const std::vector<std::string>& operands) {
    absl::StatusOr<std::vector<RunSource>> sources =
        ResolveRuns(operands, options_);
    EXPECT_TRUE(sources.ok()) << sources.status();
    std::vector<int64_t> ids;
    if (!sources.ok()) return ids;
    for (const RunSource& source : *sources) {
      ids.push_back(source.run.has_value() ? source.run->id : -1);
    }
    return ids;
  }

  std::unique_ptr<TestHistory> history_;
  std::vector<std::string> files_;
  std::vector<int64_t> ids_;
  RunSelectionOptions options_;
};

INSTANTIATE_TEST_SUITE_P(Engines, RunResolutionTest,
                         ::testing::Values(SqlDialect::kSqlite,
                                           SqlDialect::kPostgres),
                         [](const ::testing::TestParamInfo<SqlDialect>& info) {
                           return testing::DialectName(info.param);
                         });

TEST_P(RunResolutionTest, ReferencesNameRunsAmongTheSelected) {
  EXPECT_THAT(Resolve({"@last", "@prev"}), ElementsAre(ids_[3], ids_[2]));
  EXPECT_THAT(Resolve({absl::StrCat("@", ids_[1]), files_[0]}),
              ElementsAre(ids_[1], -1));
  options_.selector.host = "vm";
  EXPECT_THAT(Resolve({"@prev", "@last"}), ElementsAre(ids_[1], ids_[2]));
  // @ID ignores the selectors.
  EXPECT_THAT(Resolve({absl::StrCat("@", ids_[3])}), ElementsAre(ids_[3]));
  // No operands: every selected run, oldest first.
  EXPECT_THAT(Resolve({}), ElementsAre(ids_[0], ids_[1], ids_[2]));
  options_.selector.last = 2;
  EXPECT_THAT(Resolve({}), ElementsAre(ids_[1], ids_[2]));
  options_.selector = {.tags = {{"branch", "main"}}};
  EXPECT_THAT(Resolve({"@last"}), ElementsAre(ids_[1]));
  options_.selector = {.since = absl::FromUnixSeconds(0), .revision = "rev3"};
  EXPECT_THAT(Resolve({}), ElementsAre(ids_[2]));
}

TEST_P(RunResolutionTest, LabelsAndReadingBack) {
  absl::StatusOr<std::vector<RunSource>> sources =
      ResolveRuns({files_[0], "@last"}, options_);
  ASSERT_TRUE(sources.ok()) << sources.status();
  EXPECT_EQ((*sources)[0].label, files_[0]);
  EXPECT_EQ((*sources)[1].label,
            absl::StrCat("@", ids_[3], " (2026-11-04 06:00, rev4)"));
  absl::StatusOr<std::vector<ResultsFile>> files =
      LoadRuns(*sources, options_, {}, 2);
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].source(), files_[0]);
  EXPECT_EQ((*files)[1].source(), (*sources)[1].label);
  absl::StatusOr<ResultsFile> original = ReadResultsFile(files_[3]);
  ASSERT_TRUE(original.ok());
  absl::StatusOr<std::unique_ptr<HistoryStore>> store = history_->Open(false);
  ASSERT_TRUE(store.ok());
  absl::StatusOr<ResultsFile> relabelled =
      (*store)->ReadRun(ids_[3], {.source = (*sources)[1].label});
  EXPECT_TRUE(SameResults(*relabelled, (*files)[1]));
}

TEST_P(RunResolutionTest, BadReferencesAndEmptySelectionsAreErrors) {
  auto error = [&](const std::vector<std::string>& operands) {
    absl::StatusOr<std::vector<RunSource>> sources =
        ResolveRuns(operands, options_);
    EXPECT_FALSE(sources.ok());
    return std::string(sources.status().message());
  };
  EXPECT_THAT(error({"@first"}), HasSubstr("'@first' names no run"));
  EXPECT_THAT(error({"@999999"}), HasSubstr("no run @999999"));
  options_.selector.host = "nobody";
  EXPECT_THAT(error({"@last"}),
              HasSubstr("@last needs 1 run, and 0 of the 4 stored are "
                        "selected (--host nobody)"));
  EXPECT_THAT(error({}),
              HasSubstr("no run selected: 4 stored (--host nobody)"));
  options_.selector = {.tags = {{"branch", "main"}}};
  EXPECT_THAT(error({"@prev"}),
              HasSubstr("@prev needs 2 runs, and 1 of the 4"));
  // Files alone never open the history, even a missing one.
  options_.db_url = "sqlite:" + history_->folder() + "/missing.db";
  EXPECT_THAT(Resolve({files_[0]}), ElementsAre(-1));
  EXPECT_THAT(error({"@last"}), HasSubstr("no history there yet"));
}

}  // namespace
}  // namespace m8::analysis
