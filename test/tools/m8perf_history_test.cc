// m8perf ingest and history, and the commands that take stored runs where
// they take files (compare, trend, check, summary), driven in-process on
// both engines: SQLite and the PostgreSQL server of the ctest fixture
// "postgres".

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/ingest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/analysis/history/test_history.h"
#include "tools/m8perf/m8perf.h"

namespace m8::perf {
namespace {

using analysis::SqlDialect;
using analysis::testing::SyntheticResults;
using analysis::testing::TestHistory;
using analysis::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Data(const std::string& relative) {
  const char* root = std::getenv("M8_TEST_DATA");
  return std::string(root == nullptr ? "test/data" : root) + "/analysis/" +
         relative;
}

struct Result {
  int status;
  std::string out;
  std::string err;
};

Result M8perf(std::vector<std::string> args) {
  args.insert(args.begin(), "m8perf");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int status =
      RunM8perf(static_cast<int>(argv.size()), argv.data(), {out, err, false});
  return {status, out.str(), err.str()};
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

nlohmann::json Json(const Result& result) {
  EXPECT_EQ(result.status, kExitOk) << result.err;
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

class M8perfHistoryTest : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    history_ = TestHistory::Create(GetParam());
    ASSERT_NE(history_, nullptr);
    db_ = history_->url();
  }

  // m8perf ARGS... --db <this test's history>
  Result Run(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return M8perf(std::move(args));
  }

  std::unique_ptr<TestHistory> history_;
  std::string db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, M8perfHistoryTest,
                         ::testing::Values(SqlDialect::kSqlite,
                                           SqlDialect::kPostgres),
                         [](const ::testing::TestParamInfo<SqlDialect>& info) {
                           return analysis::testing::DialectName(info.param);
                         });

TEST_P(M8perfHistoryTest, IngestListShowForgetVerify) {
  const std::string base = Data("gbench/base.json");
  const std::string contender = Data("gbench/new.json");
  Result ingest = Run({"ingest", base, contender, "--tag", "branch=main",
                       "--tag", "ci=1", "--rev", "0123456789abcdef"});
  ASSERT_EQ(ingest.status, kExitOk) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr(base + ": stored as @"));
  EXPECT_THAT(ingest.out, HasSubstr("revision 0123456789, host vm)"));
  EXPECT_EQ(Lines(ingest.out), 2);
  Result again = Run({"ingest", base});
  ASSERT_EQ(again.status, kExitOk) << again.err;
  EXPECT_THAT(again.out, HasSubstr(base + ": already stored as @"));
  EXPECT_THAT(again.out, HasSubstr("nothing written"));

  const nlohmann::json list = Json(Run({"history", "list", "--format=json"}));
  ASSERT_EQ(list["runs"].size(), 2u);
  EXPECT_EQ(list["stored"], 2);
  const nlohmann::json& first = list["runs"][0];
  EXPECT_EQ(first["source"], base);  // the older run
  EXPECT_EQ(first["host"], "vm");
  EXPECT_EQ(first["revision"], "0123456789abcdef");
  EXPECT_EQ(first["tags"], (nlohmann::json{{"branch", "main"}, {"ci", "1"}}));
  EXPECT_EQ(first["date"], "2026-11-28T07:14:26.000000Z");
  EXPECT_EQ(first["benchmarks"], 10);  // distinct run_names of base.json
  const int64_t first_id = first["id"];
  const int64_t second_id = list["runs"][1]["id"];

  Result console = Run({"history", "list"});
  ASSERT_EQ(console.status, kExitOk);
  EXPECT_THAT(console.out, HasSubstr("2 of 2 runs"));
  EXPECT_THAT(console.out, HasSubstr("branch=main,ci=1"));
  EXPECT_THAT(console.out, HasSubstr("0123456789"));
  Result markdown = Run({"history", "list", "--format=markdown"});
  EXPECT_THAT(markdown.out, HasSubstr("| id | date (UTC) |"));
  const nlohmann::json none =
      Json(Run({"history", "list", "--host", "elsewhere", "--format=json"}));
  EXPECT_EQ(none["runs"].size(), 0u);
  EXPECT_EQ(none["stored"], 2);

  const nlohmann::json show =
      Json(Run({"history", "show", "@last", "--format=json"}));
  EXPECT_EQ(show["run"]["id"], second_id);
  EXPECT_EQ(show["run"]["source"], contender);
  EXPECT_EQ(show["context"]["host_name"], "vm");
  EXPECT_EQ(show["summary"]["benchmarks"].size(), 9u);
  Result show_console =
      Run({"history", "show", absl::StrCat(first_id), "--color=never"});
  ASSERT_EQ(show_console.status, kExitOk) << show_console.err;
  EXPECT_THAT(show_console.out, HasSubstr(absl::StrCat("Run @", first_id)));
  EXPECT_THAT(show_console.out,
              ::testing::ContainsRegex("\nlibrary_build_type +debug\n"));
  EXPECT_THAT(show_console.out, HasSubstr("BM_Work/cells:64"));
  EXPECT_THAT(Run({"history", "show", "@prev", "--format=markdown"}).out,
              HasSubstr("#### Context"));

  Result forget = Run({"history", "forget", "@prev"});
  ASSERT_EQ(forget.status, kExitOk) << forget.err;
  EXPECT_THAT(forget.out, HasSubstr(absl::StrCat("forgot @", first_id)));
  EXPECT_EQ(Json(Run({"history", "list", "--format=json"}))["runs"].size(), 1u);
  Result missing = Run({"history", "show", absl::StrCat("@", first_id)});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr(absl::StrCat("no run @", first_id)));
  EXPECT_EQ(Lines(missing.err), 1);

  Result verify = Run({"history", "verify"});
  EXPECT_EQ(verify.status, kExitOk) << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("consistent (1 runs)"));
}

TEST_P(M8perfHistoryTest, StoredRunsAnalyseAsTheirFilesDo) {
  const std::string base = Data("gbench/base.json");
  const std::string contender = Data("gbench/new.json");
  ASSERT_EQ(Run({"ingest", base, contender}).status, kExitOk);

  const nlohmann::json from_files =
      Json(M8perf({"compare", base, contender, "--format=json"}));
  const nlohmann::json from_history =
      Json(Run({"compare", "@prev", "@last", "--format=json"}));
  EXPECT_EQ(from_history["comparisons"], from_files["comparisons"]);
  EXPECT_EQ(from_history["geomean"], from_files["geomean"]);
  EXPECT_THAT(from_history["base"].get<std::string>(), HasSubstr("@"));
  // A file against a stored run, pooled runs on one side.
  const nlohmann::json mixed =
      Json(Run({"compare", base + ",@last", "@last", "--format=json",
                "--metrics", "real_time"}));
  EXPECT_FALSE(mixed["comparisons"].empty());

  const nlohmann::json trend_files =
      Json(M8perf({"trend", base, base, contender, "--format=json"}));
  ASSERT_EQ(Run({"ingest", WriteFile(
                               history_->folder() + "/base_again.json",
                               "\n" +
                                   [&] {
                                     std::ifstream in(base);
                                     std::stringstream text;
                                     text << in.rdbuf();
                                     return text.str();
                                   }())})
                .status,
            kExitOk);
  // Stored runs in run-time order: base, then base's copy (the same date,
  // stored later: by id), then new.
  const nlohmann::json trend_history =
      Json(Run({"trend", "--last", "3", "--format=json"}));
  // Equal but for the runs' labels (paths or @ID) in the change points.
  auto without_labels = [](nlohmann::json series) {
    for (auto& s : series) {
      for (auto& point : s["change_points"]) point.erase("run");
    }
    return series;
  };
  EXPECT_EQ(without_labels(trend_history["series"]),
            without_labels(trend_files["series"]));
  EXPECT_FALSE(trend_files["series"][0]["change_points"].empty());
  ASSERT_EQ(trend_history["runs"].size(), 3u);
  const nlohmann::json trend_two =
      Json(Run({"trend", "--last", "2", "--format=json"}));
  EXPECT_EQ(trend_two["runs"].size(), 2u);

  const std::string budgets =
      WriteFile(history_->folder() + "/budgets.json",
                R"({"budgets": [{"benchmark": "^BM_Work/", "metric": "p99_ns",
                       "max_change": "5%"}]})");
  Result check_files =
      M8perf({"check", contender, "--budgets", budgets, "--baseline", base});
  Result check_history = Run({"check", absl::StrCat("@", 2), "--budgets",
                              budgets, "--baseline", absl::StrCat("@", 1)});
  EXPECT_EQ(check_files.status, kExitFailed);
  EXPECT_EQ(check_history.status, kExitFailed) << check_history.err;

  const nlohmann::json summary_files =
      Json(M8perf({"summary", contender, "--format=json"}));
  const nlohmann::json summary_history =
      Json(Run({"summary", "@last", "--host", "vm", "--since",
                "2026-11-28T07:14:27", "--format=json"}));
  // @last among runs since 07:14:27: new.json (base's copy is 07:14:26).
  EXPECT_EQ(summary_history["benchmarks"], summary_files["benchmarks"]);
}

TEST_P(M8perfHistoryTest, ErrorsAreOneLineAndStatusTwo) {
  // Nothing stored yet (PostgreSQL: no schema yet either).
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"compare", "@prev", "@last"},
                                             {"history", "list"},
                                             {"trend"},
                                             {"summary", "@1"}}) {
    Result r = Run(args);
    EXPECT_EQ(r.status, kExitUsage) << args[0];
    EXPECT_THAT(r.err, HasSubstr("no history there yet")) << args[0];
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }
  ASSERT_EQ(Run({"ingest", Data("gbench/base.json")}).status, kExitOk);
  const std::vector<std::vector<std::string>> bad = {
      {"compare", "@prev", "@last"},  // one run only
      {"compare", "@nope", "@last"},
      {"summary", "@999"},
      {"trend", "--host", "nobody"},
      {"trend", "--since", "yesterday"},
      {"history", "list", "--tag", "novalue"},
      {"history", "forget", "@last", "--rev", "zzz"},
      {"ingest", Data("bad/truncated.json")},
      {"ingest", Data("gbench/new.json"), "--tag", "a=1", "--tag", "a=2"}};
  for (const std::vector<std::string>& args : bad) {
    Result r = Run(args);
    EXPECT_EQ(r.status, kExitUsage) << args[0] << " " << args[1];
    EXPECT_THAT(r.err, HasSubstr("m8perf: error: "));
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // Nothing but the one good run was stored.
  EXPECT_EQ(Json(Run({"history", "list", "--format=json"}))["runs"].size(), 1u);
}

TEST_P(M8perfHistoryTest, IngestSpeaksJson) {
  const std::string path =
      WriteFile(history_->folder() + "/run.json",
                SyntheticResults(5, 3, 1, "2026-11-28T06:00:00Z", "feedface"));
  const nlohmann::json first =
      Json(Run({"ingest", path, "--host", "ci-1", "--format=json"}));
  ASSERT_EQ(first["runs"].size(), 1u);
  EXPECT_EQ(first["runs"][0]["already_stored"], false);
  EXPECT_EQ(first["runs"][0]["benchmarks"], 5);
  EXPECT_EQ(first["runs"][0]["entries"], 4 * (3 + 4) + 1);
  EXPECT_EQ(first["runs"][0]["revision"], "feedface");
  EXPECT_EQ(first["runs"][0]["host"], "ci-1");
  const nlohmann::json second = Json(Run({"ingest", path, "--format=json"}));
  EXPECT_EQ(second["runs"][0]["already_stored"], true);
  EXPECT_EQ(second["runs"][0]["id"], first["runs"][0]["id"]);
}

// The working directory of a test, restored afterwards.
class InFolder {
 public:
  explicit InFolder(const std::string& folder) {
    char buffer[4096];
    previous_ = ::getcwd(buffer, sizeof buffer) ? buffer : ".";
    EXPECT_EQ(::chdir(folder.c_str()), 0);
  }
  ~InFolder() { EXPECT_EQ(::chdir(previous_.c_str()), 0); }

 private:
  std::string previous_;
};

TEST(M8perfHistoryLocationTest, DefaultFolderThenEnvironment) {
  const std::string folder = analysis::testing::NewFolder("cwd");
  const std::string results = Data("gbench/base.json");
  ::unsetenv("M8_HISTORY");
  {
    InFolder here(folder);
    Result read = M8perf({"history", "list"});
    EXPECT_EQ(read.status, kExitUsage);
    EXPECT_THAT(read.err, HasSubstr(".m8bench/history.db: no history there "
                                    "yet (m8perf ingest creates it)"));
    EXPECT_NE(::access(".m8bench", F_OK), 0) << "a read created the folder";
    Result ingest = M8perf({"ingest", results});
    ASSERT_EQ(ingest.status, kExitOk) << ingest.err;
    EXPECT_THAT(ingest.out, HasSubstr("in .m8bench/history.db"));
    EXPECT_EQ(::access(".m8bench/history.db", F_OK), 0);
    ::setenv("M8_HISTORY", "sqlite:elsewhere.db", 1);
    Result elsewhere = M8perf({"ingest", results});
    ::unsetenv("M8_HISTORY");
    ASSERT_EQ(elsewhere.status, kExitOk) << elsewhere.err;
    EXPECT_THAT(elsewhere.out, HasSubstr("in elsewhere.db"));
    EXPECT_THAT(elsewhere.out, Not(HasSubstr("already stored")));
    // --db wins over the environment.
    ::setenv("M8_HISTORY", "sqlite:elsewhere.db", 1);
    Result given = M8perf({"ingest", results, "--db", "third.db"});
    ::unsetenv("M8_HISTORY");
    EXPECT_THAT(given.out, HasSubstr("in third.db"));
  }
}

}  // namespace
}  // namespace m8::perf
