#include "optimizer/journal.h"

#include <stdlib.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using ::testing::HasSubstr;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "m8_journal_test_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    path_ = dir_ + "/journal.jsonl";
    identity_.binary = "/bin/bench";
    identity_.binary_size = 123456;
    identity_.binary_mtime = 1700000000;
    identity_.filter = "BM_Grid.*";
    identity_.space = "a=[1,2];";
    identity_.settings = "metric=real_time repetitions=5";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string ReadAll() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void AppendRaw(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::app);
    out << text;
  }
  void WriteRaw(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
  }

  std::string dir_;
  std::string path_;
  TuneIdentity identity_;
};

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

JournalRecord MakeRecord(int sequence, const std::string& purpose,
                         const std::string& config, int repetitions,
                         std::vector<double> values) {
  JournalRecord r;
  r.sequence = sequence;
  r.purpose = purpose;
  r.config_json = config;
  r.repetitions = repetitions;
  r.result.ok = true;
  r.result.wall_seconds = 1.0 / 3;
  r.result.output_path = "/tmp/out \"quoted\"\n.json";
  r.result.measurement.series.push_back(
      {"BM_A/8", "real_time", std::move(values)});
  r.result.measurement.series.push_back(
      {"BM_B", "items_per_second", {1e9, 2.5e9}});
  return r;
}

void ExpectSameResult(const RunResult& got, const RunResult& want) {
  EXPECT_EQ(got.ok, want.ok);
  EXPECT_EQ(got.failure, want.failure);
  EXPECT_EQ(Bits(got.wall_seconds), Bits(want.wall_seconds));
  EXPECT_EQ(got.output_path, want.output_path);
  ASSERT_EQ(got.measurement.series.size(), want.measurement.series.size());
  for (size_t i = 0; i < want.measurement.series.size(); ++i) {
    const Measurement::Series& g = got.measurement.series[i];
    const Measurement::Series& w = want.measurement.series[i];
    EXPECT_EQ(g.benchmark, w.benchmark);
    EXPECT_EQ(g.metric, w.metric);
    ASSERT_EQ(g.values.size(), w.values.size());
    for (size_t j = 0; j < w.values.size(); ++j) {
      EXPECT_EQ(Bits(g.values[j]), Bits(w.values[j]))
          << g.benchmark << "[" << j << "]: " << g.values[j] << " vs "
          << w.values[j];
    }
  }
}

TEST_F(JournalTest, ResumeReplaysRecordsInOrderBitExact) {
  const std::vector<JournalRecord> records = {
      MakeRecord(1, "baseline", "", 5,
                 {0.1 + 0.2, 1e-300, 5e-324, 1.0 / 3, -0.0,
                  std::numeric_limits<double>::max(), 123456789.125}),
      MakeRecord(2, "trial 1", R"({"a": 1})", 5, {0.30000000000000004, 7}),
      MakeRecord(3, "verify 1 round 2 A", R"({"a": 2, "s": "x\"y"})", 3,
                 {2.2250738585072014e-308, 1e308, 0.1}),
  };
  JournalRecord failed = MakeRecord(4, "trial 2", R"({"a": 3})", 5, {});
  failed.result.ok = false;
  failed.result.failure = "killed by signal 11 (Segmentation fault)";
  failed.result.measurement.series.clear();
  {
    absl::StatusOr<Journal> journal = Journal::Create(path_, identity_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    EXPECT_EQ(journal->path(), path_);
    EXPECT_EQ(journal->recorded(), 0);
    for (const JournalRecord& r : records) {
      ASSERT_TRUE(journal->Append(r).ok());
    }
    ASSERT_TRUE(journal->Append(failed).ok());
  }
  // One line for the identity and one per record, each a JSON document.
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  for (const std::string& line : lines) {
    EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
  }

  absl::StatusOr<Journal> journal = Journal::Resume(path_, identity_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_EQ(journal->recorded(), 4);
  EXPECT_EQ(journal->replayed(), 0);
  for (size_t i = 0; i < records.size(); ++i) {
    absl::StatusOr<std::optional<RunResult>> r = journal->Replay(
        records[i].purpose, records[i].config_json, records[i].repetitions);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->has_value());
    ExpectSameResult(**r, records[i].result);
    EXPECT_EQ(journal->replayed(), static_cast<int>(i) + 1);
  }
  absl::StatusOr<std::optional<RunResult>> r =
      journal->Replay("trial 2", R"({"a": 3})", 5);
  ASSERT_TRUE(r.ok() && r->has_value()) << r.status();
  ExpectSameResult(**r, failed.result);
  // The records have run out: runs are real again.
  r = journal->Replay("trial 3", R"({"a": 4})", 5);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(journal->replayed(), 4);
}

TEST_F(JournalTest, ResumeThenAppendContinuesTheFile) {
  {
    Journal journal = *Journal::Create(path_, identity_);
    ASSERT_TRUE(journal.Append(MakeRecord(1, "baseline", "", 5, {1})).ok());
  }
  {
    Journal journal = *Journal::Resume(path_, identity_);
    ASSERT_TRUE((*journal.Replay("baseline", "", 5)).has_value());
    ASSERT_FALSE((*journal.Replay("trial 1", "{}", 5)).has_value());
    ASSERT_TRUE(journal.Append(MakeRecord(2, "trial 1", "{}", 5, {2})).ok());
  }
  Journal journal = *Journal::Resume(path_, identity_);
  EXPECT_EQ(journal.recorded(), 2);
  ASSERT_TRUE((*journal.Replay("baseline", "", 5)).has_value());
  absl::StatusOr<std::optional<RunResult>> r =
      journal.Replay("trial 1", "{}", 5);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->measurement.series[0].values, std::vector<double>{2});
}

// A path, a filter or a failed binary's stderr need not be UTF-8, which
// JSON cannot hold: such bytes are written as U+FFFD (writing them used to
// throw out of the library), and the tune still resumes.
TEST_F(JournalTest, TextThatIsNotUtf8) {
  identity_.binary = "/opt/caf\xe9/bench";
  identity_.filter = "BM_\xff";
  {
    absl::StatusOr<Journal> journal = Journal::Create(path_, identity_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    JournalRecord failed = MakeRecord(1, "baseline", "", 5, {1});
    failed.result.ok = false;
    failed.result.failure = "exit 1: stderr \xc3\x28 \xff";
    ASSERT_TRUE(journal->Append(failed).ok());
  }
  const std::string text = ReadAll();
  EXPECT_THAT(text, HasSubstr("caf\xef\xbf\xbd"));
  EXPECT_THAT(text, HasSubstr("BM_\xef\xbf\xbd"));
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded())
        << line;
  }
  absl::StatusOr<Journal> resumed = Journal::Resume(path_, identity_);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  absl::StatusOr<std::optional<RunResult>> r =
      resumed->Replay("baseline", "", 5);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_FALSE((*r)->ok);
  EXPECT_THAT((*r)->failure, HasSubstr("exit 1: stderr"));
}

TEST_F(JournalTest, ReplayOfAnotherRunIsRefused) {
  {
    Journal journal = *Journal::Create(path_, identity_);
    ASSERT_TRUE(
        journal.Append(MakeRecord(1, "trial 1", R"({"a": 1})", 5, {1})).ok());
  }
  struct Case {
    std::string purpose;
    std::string config;
    int repetitions;
  };
  for (const Case& c :
       {Case{"trial 2", R"({"a": 1})", 5}, Case{"trial 1", R"({"a": 2})", 5},
        Case{"trial 1", R"({"a": 1})", 3}}) {
    Journal journal = *Journal::Resume(path_, identity_);
    const absl::Status status =
        journal.Replay(c.purpose, c.config, c.repetitions).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition)
        << c.purpose << " " << c.config << " " << c.repetitions;
    EXPECT_THAT(status.message(), HasSubstr(path_));
  }
}

TEST_F(JournalTest, ResumeOfAnotherTuneNamesWhatDiffers) {
  ASSERT_TRUE(Journal::Create(path_, identity_).ok());
  struct Case {
    std::string what;
    TuneIdentity identity;
    std::string named;
  };
  std::vector<Case> cases;
  TuneIdentity id = identity_;
  id.binary = "/bin/other";
  cases.push_back({"binary", id, "binary"});
  id = identity_;
  id.binary_size += 1;
  cases.push_back({"size", id, "rebuilt"});
  id = identity_;
  id.binary_mtime += 1;
  cases.push_back({"mtime", id, "rebuilt"});
  id = identity_;
  id.filter = "BM_Other";
  cases.push_back({"filter", id, "filter"});
  id = identity_;
  id.space = "a=[1,2,3];";
  cases.push_back({"space", id, "space"});
  id = identity_;
  id.settings = "metric=cpu_time repetitions=5";
  cases.push_back({"settings", id, "settings"});
  for (const Case& c : cases) {
    const absl::Status status = Journal::Resume(path_, c.identity).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << c.what;
    EXPECT_THAT(status.message(), HasSubstr(c.named)) << c.what;
    EXPECT_THAT(status.message(), HasSubstr(path_)) << c.what;
  }
  EXPECT_TRUE(Journal::Resume(path_, identity_).ok());
}

TEST_F(JournalTest, CreateRefusesAnExistingFile) {
  ASSERT_TRUE(Journal::Create(path_, identity_).ok());
  const std::string before = ReadAll();
  const absl::Status status = Journal::Create(path_, identity_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(status.message(), HasSubstr(path_));
  EXPECT_EQ(ReadAll(), before);  // untouched
}

TEST_F(JournalTest, CreateInAMissingDirectoryFails) {
  EXPECT_FALSE(Journal::Create(dir_ + "/no/such/dir/j.jsonl", identity_).ok());
}

TEST_F(JournalTest, ResumeOfAMissingFileIsNotFound) {
  const absl::Status status = Journal::Resume(path_, identity_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(path_));
}

// As after kill -9 in the middle of a write: the last line lacks its end.
TEST_F(JournalTest, ALastLineCutShortIsDroppedAndOverwritten) {
  {
    Journal journal = *Journal::Create(path_, identity_);
    ASSERT_TRUE(journal.Append(MakeRecord(1, "baseline", "", 5, {1})).ok());
    ASSERT_TRUE(journal.Append(MakeRecord(2, "trial 1", "{}", 5, {2})).ok());
  }
  AppendRaw(R"({"sequence": 3, "purpose": "trial 2", "con)");
  {
    absl::StatusOr<Journal> journal = Journal::Resume(path_, identity_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    EXPECT_EQ(journal->recorded(), 2);
    ASSERT_TRUE((*journal->Replay("baseline", "", 5)).has_value());
    ASSERT_TRUE((*journal->Replay("trial 1", "{}", 5)).has_value());
    ASSERT_FALSE((*journal->Replay("trial 2", "{\"a\": 1}", 5)).has_value());
    ASSERT_TRUE(
        journal->Append(MakeRecord(3, "trial 2", "{\"a\": 1}", 5, {3})).ok());
  }
  // Every line of the file is whole JSON again.
  const std::string text = ReadAll();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::vector<std::string> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string& line : lines) {
    EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
  }
  absl::StatusOr<Journal> journal = Journal::Resume(path_, identity_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_EQ(journal->recorded(), 3);
  ASSERT_TRUE((*journal->Replay("baseline", "", 5)).has_value());
  ASSERT_TRUE((*journal->Replay("trial 1", "{}", 5)).has_value());
  absl::StatusOr<std::optional<RunResult>> r =
      journal->Replay("trial 2", "{\"a\": 1}", 5);
  ASSERT_TRUE(r.ok() && r->has_value()) << r.status();
  EXPECT_EQ((*r)->measurement.series[0].values, std::vector<double>{3});
}

// A whole record without its newline is cut short too: the write of the line
// was not finished.
TEST_F(JournalTest, ALastRecordWithoutItsNewlineIsDropped) {
  {
    Journal journal = *Journal::Create(path_, identity_);
    ASSERT_TRUE(journal.Append(MakeRecord(1, "baseline", "", 5, {1})).ok());
  }
  std::string text = ReadAll();
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();
  WriteRaw(text);
  absl::StatusOr<Journal> journal = Journal::Resume(path_, identity_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_EQ(journal->recorded(), 0);
}

TEST_F(JournalTest, ACorruptMiddleLineIsDataLossNamingTheLine) {
  {
    Journal journal = *Journal::Create(path_, identity_);
    ASSERT_TRUE(journal.Append(MakeRecord(1, "baseline", "", 5, {1})).ok());
  }
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  // Line 3 is corrupt; line 4, a whole record, follows it.
  AppendRaw("{\"sequence\": 2, garbage\n" + lines[1] + "\n");
  const absl::Status status = Journal::Resume(path_, identity_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("line 3"));
  EXPECT_THAT(status.message(), HasSubstr(path_));
}

TEST_F(JournalTest, ARecordWithAMissingFieldIsDataLoss) {
  ASSERT_TRUE(Journal::Create(path_, identity_).ok());
  AppendRaw("{\"sequence\": 1, \"purpose\": \"baseline\"}\n");
  AppendRaw(R"({"sequence": 2, "purpose": "trial 1", "config": "{}",)"
            R"( "repetitions": "five", "ok": true, "failure": "",)"
            R"( "wall_seconds": 1, "output": "", "series": []})"
            "\n");
  const absl::Status status = Journal::Resume(path_, identity_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("line 2"));
}

TEST_F(JournalTest, AnEmptyFileIsAnError) {
  WriteRaw("");
  const absl::Status status = Journal::Resume(path_, identity_).status();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(path_));
  // Only a partial first line: nothing whole in it either.
  WriteRaw(R"({"m8perf_tune_journal": 1, "bin)");
  EXPECT_FALSE(Journal::Resume(path_, identity_).ok());
}

TEST_F(JournalTest, AnotherVersionIsAnError) {
  ASSERT_TRUE(Journal::Create(path_, identity_).ok());
  nlohmann::json header = nlohmann::json::parse(ReadAll());
  ASSERT_EQ(header.at("m8perf_tune_journal"), 1);
  header["m8perf_tune_journal"] = 2;
  WriteRaw(header.dump() + "\n");
  const absl::Status status = Journal::Resume(path_, identity_).status();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("version"));
  // And a file that is no journal at all.
  WriteRaw("{\"knobs\": []}\n");
  EXPECT_FALSE(Journal::Resume(path_, identity_).ok());
}

TEST_F(JournalTest, MovedJournalKeepsWorking) {
  absl::StatusOr<Journal> created = Journal::Create(path_, identity_);
  ASSERT_TRUE(created.ok());
  Journal moved = *std::move(created);
  ASSERT_TRUE(moved.Append(MakeRecord(1, "baseline", "", 5, {1})).ok());
  Journal assigned = *Journal::Create(dir_ + "/other.jsonl", identity_);
  assigned = std::move(moved);
  ASSERT_TRUE(assigned.Append(MakeRecord(2, "trial 1", "{}", 5, {2})).ok());
  EXPECT_EQ(assigned.path(), path_);
  EXPECT_EQ(Journal::Resume(path_, identity_)->recorded(), 2);
}

}  // namespace
}  // namespace m8::optimizer
