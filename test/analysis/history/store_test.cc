// The history store, every test on both engines: SQLite and the PostgreSQL
// server of the ctest fixture "postgres".

#include "analysis/history/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "analysis/history/content_hash.h"
#include "analysis/history/ingest.h"
#include "analysis/history/schema.h"
#include "analysis/read/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/analysis/history/test_history.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::SameResults;
using ::m8::analysis::testing::SyntheticResults;
using ::m8::analysis::testing::TestHistory;
using ::m8::analysis::testing::WriteFile;
using ::testing::HasSubstr;

std::string Data(const std::string& relative) {
  const char* root = std::getenv("M8_TEST_DATA");
  return std::string(root == nullptr ? "test/data" : root) + "/analysis/" +
         relative;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Lines(const std::string& message) {
  return static_cast<int>(std::count(message.begin(), message.end(), '\n'));
}

// Strings that need escaping in JSON, COPY and SQL; NaN, infinities, -0 and
// the smallest subnormal where doubles go; every optional field set, unset
// and NaN; a BigO and an RMS entry; an errored and a skipped entry; a
// counter that only an aggregate has.
constexpr char kAwkward[] = R"json({
  "context": {
    "date": "2026-11-28 06:00:00",
    "host_name": "tab\there",
    "executable": "C:\\bench\\m8 'quoted'",
    "num_cpus": 4,
    "mhz_per_cpu": -0.0,
    "caches": [{"type": "Data", "level": 1, "size": 49152, "num_sharing": 2}],
    "load_avg": [0.1, 1e-300, 5e-324],
    "library_build_type": "release",
    "library_version": "v1.9.4",
    "json_schema_version": 1,
    "aslr_enabled": true,
    "m8.note": "line one\nline two\r\t\\ \"quoted\" \u00b5s \u2713 %s $1 ?1 '--",
    "m8.topology": {"cores": 2, "pus": [0, 1]},
    "empty": ""
  },
  "benchmarks": [
    {"name": "BM_A/\ttab\\x", "family_index": 9007199254740993,
     "per_family_instance_index": -5, "run_name": "BM_A/\ttab\\x",
     "run_type": "iteration", "repetitions": 2, "repetition_index": 0,
     "threads": 64, "iterations": 1e15, "real_time": -0.0,
     "cpu_time": 5e-324, "time_unit": "ms", "label": "",
     "odd": NaN, "neg": -Infinity, "allocs_per_iter": NaN,
     "max_bytes_used": 0, "total_allocated_bytes": -0.0,
     "net_heap_growth": 1.7976931348623157e308},
    {"name": "BM_A/\ttab\\x", "run_name": "BM_A/\ttab\\x",
     "run_type": "iteration", "repetitions": 2, "repetition_index": 1,
     "threads": 64, "iterations": 3, "real_time": Infinity,
     "cpu_time": -Infinity, "time_unit": "s", "label": "l\u00e4bel\n2",
     "neg": 1, "odd": 2},
    {"name": "BM_A/\ttab\\x_cv", "run_name": "BM_A/\ttab\\x",
     "run_type": "aggregate", "repetitions": 2, "threads": 64,
     "aggregate_name": "cv", "aggregate_unit": "percentage",
     "iterations": 2, "real_time": NaN, "cpu_time": NaN, "time_unit": "us",
     "only_here": 0.5},
    {"name": "BM_BigO_BigO", "run_name": "BM_BigO", "run_type": "aggregate",
     "repetitions": 0, "threads": 1, "aggregate_name": "BigO",
     "cpu_coefficient": NaN, "real_coefficient": 2.5, "big_o": "NlgN",
     "time_unit": "ns"},
    {"name": "BM_BigO_RMS", "run_name": "BM_BigO", "run_type": "aggregate",
     "repetitions": 0, "threads": 1, "aggregate_name": "RMS", "rms": NaN,
     "time_unit": "ns"},
    {"name": "BM_Err", "run_name": "BM_Err", "run_type": "iteration",
     "repetitions": 1, "repetition_index": 0, "threads": 1,
     "error_occurred": true, "error_message": "a\tb\\c\nd",
     "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"},
    {"name": "BM_Skip", "run_name": "BM_Skip", "run_type": "iteration",
     "repetitions": 1, "repetition_index": 0, "threads": 1, "skipped": true,
     "skip_message": "needs \"64\" cores", "iterations": 0, "real_time": 0,
     "cpu_time": 0, "time_unit": "ns"}
  ]
})json";

void ExpectConsistent(HistoryStore& store) {
  absl::StatusOr<std::vector<std::string>> problems = store.CheckConsistency();
  ASSERT_TRUE(problems.ok()) << problems.status();
  EXPECT_THAT(*problems, ::testing::IsEmpty());
}

class HistoryStoreTest : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    history_ = TestHistory::Create(GetParam());
    ASSERT_NE(history_, nullptr);
  }

  std::unique_ptr<HistoryStore> Open(bool create = true) {
    absl::StatusOr<std::unique_ptr<HistoryStore>> store =
        history_->Open(create);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::string Folder() const { return history_->folder(); }

  std::unique_ptr<TestHistory> history_;
};

INSTANTIATE_TEST_SUITE_P(Engines, HistoryStoreTest,
                         ::testing::Values(SqlDialect::kSqlite,
                                           SqlDialect::kPostgres),
                         [](const ::testing::TestParamInfo<SqlDialect>& info) {
                           return testing::DialectName(info.param);
                         });

TEST_P(HistoryStoreTest, ReadingARunBackGivesExactlyWhatWasIngested) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> files = {
      Data("gbench/base.json"),
      Data("gbench/new.json"),
      Data("newer/v1_9.json"),
      Data("legacy/base.json"),
      Data("ties/base.json"),
      Data("gbench/base_4reps.json"),
      WriteFile(Folder() + "/awkward.json", kAwkward),
      WriteFile(Folder() + "/synthetic.json",
                SyntheticResults(40, 5, 7, "2026-11-28T06:00:00+00:00"))};
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    absl::StatusOr<ResultsFile> original = ReadResultsFile(path);
    ASSERT_TRUE(original.ok()) << original.status();
    absl::StatusOr<IngestedFile> ingested = IngestResultsFile(*store, path, {});
    ASSERT_TRUE(ingested.ok()) << ingested.status();
    EXPECT_FALSE(ingested->already_stored);
    absl::StatusOr<ResultsFile> read = store->ReadRun(ingested->run_id);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(SameResults(*original, *read));
    // Without aggregates, as the reader reads a file for trend.
    absl::StatusOr<ResultsFile> original_iterations =
        ReadResultsFile(path, {.keep_aggregates = false});
    ASSERT_TRUE(original_iterations.ok());
    absl::StatusOr<ResultsFile> read_iterations =
        store->ReadRun(ingested->run_id, {.keep_aggregates = false});
    ASSERT_TRUE(read_iterations.ok()) << read_iterations.status();
    EXPECT_TRUE(SameResults(*original_iterations, *read_iterations));
  }
  // A fresh connection reads the same.
  std::unique_ptr<HistoryStore> again = Open(false);
  ASSERT_NE(again, nullptr);
  absl::StatusOr<std::vector<RunInfo>> runs = again->ListRuns();
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), files.size());
  absl::StatusOr<ResultsFile> awkward = ReadResultsFile(files[6]);
  int64_t awkward_id = 0;
  for (const RunInfo& run : *runs) {
    if (run.source == files[6]) awkward_id = run.id;
  }
  absl::StatusOr<ResultsFile> read = again->ReadRun(awkward_id);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(SameResults(*awkward, *read));
  ExpectConsistent(*again);
}

TEST_P(HistoryStoreTest, ASourceNameReplacesThePath) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<IngestedFile> ingested =
      IngestResultsFile(*store, Data("gbench/base.json"), {});
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  absl::StatusOr<ResultsFile> read =
      store->ReadRun(ingested->run_id, {.source = "@1 (label)"});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->source(), "@1 (label)");
}

TEST_P(HistoryStoreTest, TheSameFileIsStoredOnce) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  const std::string path = Data("gbench/base.json");
  absl::StatusOr<IngestedFile> first = IngestResultsFile(*store, path, {});
  ASSERT_TRUE(first.ok()) << first.status();
  // The same bytes under another name, with other tags: still the same run.
  const std::string copy = WriteFile(Folder() + "/copy.json", ReadText(path));
  IngestOptions tagged;
  tagged.tags = {{"branch", "main"}};
  absl::StatusOr<IngestedFile> second = IngestResultsFile(*store, copy, tagged);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->already_stored);
  EXPECT_EQ(second->run_id, first->run_id);
  // Past the early check, the store itself refuses a second copy.
  absl::StatusOr<ResultsFile> file = ReadResultsFile(path);
  ASSERT_TRUE(file.ok());
  RunMetadata metadata;
  metadata.content_sha256 = *Sha256OfFile(path);
  metadata.source = path;
  absl::StatusOr<IngestResult> direct = store->Ingest(*file, metadata);
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_TRUE(direct->already_stored);
  EXPECT_EQ(direct->run_id, first->run_id);
  absl::StatusOr<std::vector<RunInfo>> runs = store->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_TRUE(runs->front().tags.empty());
}

TEST_P(HistoryStoreTest, RecordsRevisionHostDateAndTags) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  const std::string with_revision = WriteFile(
      Folder() + "/a.json",
      SyntheticResults(3, 2, 1, "2026-11-28T06:00:00+01:00", "abc123"));
  const std::string without =
      WriteFile(Folder() + "/b.json", SyntheticResults(3, 2, 2, "not a date"));
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  IngestOptions options;
  options.checkout_revision = "fromgit";
  options.now = now;
  absl::StatusOr<IngestedFile> a =
      IngestResultsFile(*store, with_revision, options);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->revision, "abc123");  // the file's own
  EXPECT_EQ(a->host, "vm");
  EXPECT_EQ(a->benchmarks, 3);
  EXPECT_EQ(a->entries, 2 * (2 + 4) + 1);
  absl::StatusOr<IngestedFile> b = IngestResultsFile(*store, without, options);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->revision, "fromgit");  // the checkout's
  options.revision = "given";
  options.host = "other";
  options.tags = {{"branch", "main"}, {"ci", ""}};
  const std::string third =
      WriteFile(Folder() + "/c.json",
                SyntheticResults(3, 2, 3, "2026-11-28T06:00:00Z", "abc123"));
  absl::StatusOr<IngestedFile> c = IngestResultsFile(*store, third, options);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->revision, "given");  // --rev wins

  absl::StatusOr<RunInfo> ra = store->GetRun(a->run_id);
  ASSERT_TRUE(ra.ok()) << ra.status();
  EXPECT_EQ(ra->run_time, absl::FromUnixSeconds(1795842000));  // 05:00 UTC
  EXPECT_EQ(ra->ingested_at, now);
  EXPECT_EQ(ra->source, with_revision);
  EXPECT_EQ(ra->content_sha256, Sha256Hex(ReadText(with_revision)));
  EXPECT_EQ(ra->benchmark_count, 3);
  EXPECT_EQ(ra->entry_count, 13);
  absl::StatusOr<RunInfo> rb = store->GetRun(b->run_id);
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(rb->run_time, now);  // no readable date: the ingest time
  absl::StatusOr<RunInfo> rc = store->GetRun(c->run_id);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->host, "other");
  EXPECT_EQ(rc->revision, "given");
  EXPECT_EQ(rc->tags, (RunTags{{"branch", "main"}, {"ci", ""}}));
  // Oldest first: a (05:00), c (06:00), b (the ingest time, 2027).
  absl::StatusOr<std::vector<RunInfo>> runs = store->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ((*runs)[0].id, a->run_id);
  EXPECT_EQ((*runs)[1].id, c->run_id);
  EXPECT_EQ((*runs)[2].id, b->run_id);
  EXPECT_EQ((*runs)[1].tags, rc->tags);
}

TEST_P(HistoryStoreTest, ForgettingRemovesEverythingAndIdsAreNotReused) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  IngestOptions options;
  options.tags = {{"k", "v"}};
  absl::StatusOr<IngestedFile> a =
      IngestResultsFile(*store, Data("gbench/base.json"), options);
  absl::StatusOr<IngestedFile> b =
      IngestResultsFile(*store, Data("gbench/new.json"), options);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(store->ForgetRun(b->run_id).ok());
  EXPECT_TRUE(absl::IsNotFound(store->ForgetRun(b->run_id)));
  EXPECT_TRUE(absl::IsNotFound(store->ReadRun(b->run_id).status()));
  EXPECT_THAT(store->ReadRun(b->run_id).status().message(),
              HasSubstr(absl::StrCat("no run @", b->run_id)));
  EXPECT_TRUE(absl::IsNotFound(store->GetRun(b->run_id).status()));
  // Nothing of b is left in any table.
  for (const char* table : {"entry", "counter_name", "load_average", "cache",
                            "context_value", "run_tag"}) {
    int64_t rows = -1;
    const SqlValue id[] = {SqlValue::Int(b->run_id)};
    ASSERT_TRUE(store->backend()
                    .Query(absl::StrCat("SELECT count(*) FROM ", table,
                                        " WHERE run_id = $1"),
                           id,
                           [&](const SqlRow& row) {
                             rows = row.Int(0);
                             return absl::OkStatus();
                           })
                    .ok());
    EXPECT_EQ(rows, 0) << table;
  }
  ExpectConsistent(*store);
  // a is untouched; ingesting b again gives it a new id.
  absl::StatusOr<ResultsFile> read = store->ReadRun(a->run_id);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(SameResults(*ReadResultsFile(Data("gbench/base.json")), *read));
  absl::StatusOr<IngestedFile> again =
      IngestResultsFile(*store, Data("gbench/new.json"), options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->already_stored);
  EXPECT_GT(again->run_id, b->run_id);
}

TEST_P(HistoryStoreTest, CreatesTheSchemaOnceAndOnlyWhenAsked) {
  absl::StatusOr<std::unique_ptr<HistoryStore>> missing = history_->Open(false);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_THAT(missing.status().message(), HasSubstr("m8perf ingest creates"));
  if (GetParam() == SqlDialect::kSqlite) {
    struct stat info;
    EXPECT_NE(::stat(history_->path().c_str(), &info), 0)
        << "a read must not create the file";
  }
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  store.reset();
  store = Open();  // again: nothing to do
  ASSERT_NE(store, nullptr);
  std::vector<int64_t> versions;
  ASSERT_TRUE(store->backend()
                  .Query("SELECT version FROM schema_version", {},
                         [&](const SqlRow& row) {
                           versions.push_back(row.Int(0));
                           return absl::OkStatus();
                         })
                  .ok());
  EXPECT_EQ(versions, std::vector<int64_t>{1});
  EXPECT_EQ(kSchemaVersion, 1);
}

TEST_P(HistoryStoreTest, ANewerSchemaIsRefusedAndLeftAlone) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(IngestResultsFile(*store, Data("gbench/base.json"), {}).ok());
  ASSERT_TRUE(store->backend()
                  .Execute("INSERT INTO schema_version (version, applied_at, "
                           "description) VALUES (7, 'later', 'from the "
                           "future')")
                  .ok());
  store.reset();  // SQLite: checkpoints the WAL into the file on close
  const std::string before =
      GetParam() == SqlDialect::kSqlite ? ReadText(history_->path()) : "";
  for (bool create : {false, true}) {
    absl::StatusOr<std::unique_ptr<HistoryStore>> refused =
        history_->Open(create);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
    const std::string message(refused.status().message());
    EXPECT_EQ(Lines(message), 0) << message;
    EXPECT_THAT(message, HasSubstr(history_->location().display));
    EXPECT_THAT(message, HasSubstr("schema version 7, newer than this "
                                   "m8perf reads (1)"));
  }
  if (GetParam() == SqlDialect::kSqlite) {
    EXPECT_EQ(ReadText(history_->path()), before) << "the file was rewritten";
  } else {
    absl::StatusOr<std::unique_ptr<HistoryBackend>> raw =
        OpenPostgresBackend(history_->url(), history_->url(), {});
    ASSERT_TRUE(raw.ok());
    int64_t runs = -1, versions = -1;
    ASSERT_TRUE((*raw)
                    ->Query("SELECT count(*) FROM run", {},
                            [&](const SqlRow& row) {
                              runs = row.Int(0);
                              return absl::OkStatus();
                            })
                    .ok());
    ASSERT_TRUE((*raw)
                    ->Query("SELECT count(*) FROM schema_version", {},
                            [&](const SqlRow& row) {
                              versions = row.Int(0);
                              return absl::OkStatus();
                            })
                    .ok());
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(versions, 2);
  }
}

TEST_P(HistoryStoreTest, AForeignTableNamedRunIsNotAHistory) {
  absl::StatusOr<std::unique_ptr<HistoryBackend>> raw =
      GetParam() == SqlDialect::kSqlite
          ? OpenSqliteBackend(history_->path(), {.create = true})
          : OpenPostgresBackend(history_->url(), history_->url(), {});
  ASSERT_TRUE(raw.ok()) << raw.status();
  ASSERT_TRUE((*raw)->Execute("CREATE TABLE run (x INTEGER)").ok());
  raw->reset();
  absl::StatusOr<std::unique_ptr<HistoryStore>> refused = history_->Open(true);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_THAT(refused.status().message(), HasSubstr("not an m8bench history"));
}

// ---- Processes: concurrent ingests, a kill in the middle -------------------

// Runs `child` in a forked process; returns its exit status (or 128 + the
// signal that ended it).
int InChild(const std::function<int()>& child) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(child());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_P(HistoryStoreTest, ConcurrentIngestsIntoANewHistoryAllSucceed) {
  constexpr int kWriters = 4;
  std::vector<std::string> files;
  for (int i = 0; i < kWriters; ++i) {
    files.push_back(WriteFile(
        absl::StrCat(Folder(), "/run", i, ".json"),
        SyntheticResults(200, 5, 100 + i,
                         absl::StrCat("2026-11-2", i, "T06:00:00Z"))));
  }
  // Every writer starts at once on a history that does not exist yet: they
  // race to create the schema, then to store their runs.
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kWriters; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(go[1]);
      char byte;
      if (::read(go[0], &byte, 1) != 0) ::_exit(3);
      absl::StatusOr<std::unique_ptr<HistoryStore>> store =
          history_->Open(true);
      if (!store.ok()) {
        std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
        ::_exit(1);
      }
      absl::StatusOr<IngestedFile> ingested =
          IngestResultsFile(**store, files[i], {});
      if (!ingested.ok()) {
        std::fprintf(stderr, "ingest: %s\n",
                     ingested.status().ToString().c_str());
      }
      ::_exit(ingested.ok() && !ingested->already_stored ? 0 : 2);
    }
    children.push_back(pid);
  }
  ::close(go[0]);
  ::close(go[1]);  // end of file: all start
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "a writer failed: " << status;
  }
  std::unique_ptr<HistoryStore> store = Open(false);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::vector<RunInfo>> runs = store->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), static_cast<size_t>(kWriters));
  for (int i = 0; i < kWriters; ++i) {
    const RunInfo& run = (*runs)[i];  // dated 2026-11-20 ... 23
    EXPECT_EQ(run.source, files[i]);
    absl::StatusOr<ResultsFile> read = store->ReadRun(run.id);
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(SameResults(*ReadResultsFile(files[i]), *read));
  }
  ExpectConsistent(*store);
}

TEST_P(HistoryStoreTest, AKillInTheMiddleOfAnIngestLeavesTheRunAbsent) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(IngestResultsFile(*store, Data("gbench/base.json"), {}).ok());
  const std::string big =
      WriteFile(Folder() + "/big.json",
                SyntheticResults(600, 10, 5, "2026-11-28T06:00:00Z"));
  absl::StatusOr<ResultsFile> original = ReadResultsFile(big);
  ASSERT_TRUE(original.ok());
  ASSERT_GT(original->entries().size(), 8000u);
  // The child signals once half of the entries are written inside its
  // transaction, then waits to be killed.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    absl::StatusOr<std::unique_ptr<HistoryStore>> child = history_->Open(false);
    if (!child.ok()) ::_exit(1);
    IngestOptions options;
    options.progress = [&](int64_t written, int64_t total) {
      if (written >= total / 2) {
        const char byte = 'k';
        if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
        while (true) ::pause();
      }
    };
    IngestResultsFile(**child, big, options).IgnoreError();
    ::_exit(2);  // never reached: killed first
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the child never got half way";
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ::close(ready[0]);

  std::unique_ptr<HistoryStore> after = Open(false);
  ASSERT_NE(after, nullptr);
  ExpectConsistent(*after);
  absl::StatusOr<std::vector<RunInfo>> runs = after->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u) << "the killed run must be absent";
  EXPECT_EQ(runs->front().source, Data("gbench/base.json"));
  // The same file goes in whole afterwards.
  absl::StatusOr<IngestedFile> ingested = IngestResultsFile(*after, big, {});
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  EXPECT_FALSE(ingested->already_stored);
  absl::StatusOr<ResultsFile> read = after->ReadRun(ingested->run_id);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(SameResults(*original, *read));
}

// ---- SQLite only: files
// ------------------------------------------------------

TEST(SqliteHistoryTest, AFullDiskFailsInOneLineAndLeavesTheHistoryIntact) {
  std::unique_ptr<TestHistory> history =
      TestHistory::Create(SqlDialect::kSqlite);
  const std::string small = Data("gbench/base.json");
  {
    absl::StatusOr<std::unique_ptr<HistoryStore>> store = history->Open(true);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(IngestResultsFile(**store, small, {}).ok());
  }
  const std::string big =
      WriteFile(history->folder() + "/big.json",
                SyntheticResults(400, 10, 9, "2026-11-28T06:00:00Z"));
  // Room for a few pages more than the history holds now: the big run's
  // pages cannot be written. SIGXFSZ is ignored so that write() fails
  // with EFBIG instead of killing the process.
  struct stat info;
  ASSERT_EQ(::stat(history->path().c_str(), &info), 0);
  off_t largest = info.st_size;
  if (::stat((history->path() + "-wal").c_str(), &info) == 0) {
    largest = std::max(largest, info.st_size);
  }
  int message_pipe[2];
  ASSERT_EQ(::pipe(message_pipe), 0);
  const int status = InChild([&] {
    ::close(message_pipe[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit = {static_cast<rlim_t>(largest + 64 * 1024),
                          static_cast<rlim_t>(largest + 64 * 1024)};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    absl::StatusOr<std::unique_ptr<HistoryStore>> store = history->Open(false);
    if (!store.ok()) return 1;
    absl::StatusOr<IngestedFile> ingested = IngestResultsFile(**store, big, {});
    if (ingested.ok()) return 2;
    const std::string message(ingested.status().message());
    if (::write(message_pipe[1], message.data(), message.size()) < 0) return 4;
    return 0;
  });
  ::close(message_pipe[1]);
  std::string message;
  char buffer[4096];
  for (ssize_t got; (got = ::read(message_pipe[0], buffer, sizeof buffer)) > 0;)
    message.append(buffer, got);
  ::close(message_pipe[0]);
  ASSERT_EQ(status, 0) << "the ingest should have failed: " << message;
  EXPECT_EQ(Lines(message), 0) << message;
  EXPECT_THAT(message, HasSubstr(history->path() + ": cannot store " + big));
  EXPECT_THAT(message, HasSubstr("disk I/O error (a write failed"));
  EXPECT_THAT(message, HasSubstr("(the history is unchanged)"));

  absl::StatusOr<std::unique_ptr<HistoryStore>> store = history->Open(false);
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectConsistent(*(*store));
  absl::StatusOr<std::vector<RunInfo>> runs = (*store)->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  absl::StatusOr<ResultsFile> read = (*store)->ReadRun(runs->front().id);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(SameResults(*ReadResultsFile(small), *read));
  // With room again, the big run goes in.
  EXPECT_TRUE(IngestResultsFile(**store, big, {}).ok());
}

TEST(SqliteHistoryTest, NotADatabaseIsOneLineNamingTheFile) {
  const std::string folder = testing::NewFolder("notadb");
  const std::string path =
      WriteFile(folder + "/history.db", std::string(8192, 'x'));
  HistoryOptions options;
  absl::StatusOr<std::unique_ptr<HistoryStore>> store =
      HistoryStore::Open(*ParseHistoryUrl(path), options);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsDataLoss(store.status())) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr(path + ": "));
  EXPECT_EQ(Lines(std::string(store.status().message())), 0);
  EXPECT_EQ(ReadText(path), std::string(8192, 'x'));
}

TEST(SqliteHistoryTest, TheDefaultLocationsFolderIsCreatedOnFirstUse) {
  const std::string folder = testing::NewFolder("default");
  HistoryLocation location = *ParseHistoryUrl(folder + "/.m8bench/history.db");
  location.is_default = true;
  HistoryOptions options;
  EXPECT_TRUE(absl::IsNotFound(HistoryStore::Open(location, options).status()));
  struct stat info;
  EXPECT_NE(::stat((folder + "/.m8bench").c_str(), &info), 0);
  options.create = true;
  ASSERT_TRUE(HistoryStore::Open(location, options).ok());
  EXPECT_EQ(::stat((folder + "/.m8bench/history.db").c_str(), &info), 0);
}

TEST(PostgresHistoryTest, AnUnreachableServerIsOneLine) {
  // Port 1 on loopback: nothing listens there.
  absl::StatusOr<std::unique_ptr<HistoryStore>> store = HistoryStore::Open(
      *ParseHistoryUrl("postgresql://m8:secret@127.0.0.1:1/none"), {});
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsUnavailable(store.status())) << store.status();
  const std::string message(store.status().message());
  EXPECT_THAT(message,
              HasSubstr("postgresql://m8@127.0.0.1:1/none: cannot connect: "));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("secret")));
  EXPECT_EQ(Lines(message), 0);
}

}  // namespace
}  // namespace m8::analysis
