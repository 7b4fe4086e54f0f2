// m8perf report, driven in-process: the page it writes, and that an error
// writes nothing (exit 2, one line, the previous file left as it was).

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/history/ingest.h"
#include "analysis/history/location.h"
#include "analysis/history/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/m8perf/m8perf.h"

namespace m8::perf {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// The JSON of the page's data block.
nlohmann::json DataBlock(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"m8-data\">";
  const size_t start = page.find(open) + open.size();
  return nlohmann::json::parse(
      page.substr(start, page.find("</script>", start) - start));
}

TEST(ReportCommandTest, WritesThePage) {
  const std::string out = ::testing::TempDir() + "report_ok.html";
  std::remove(out.c_str());
  const Result result = M8perf({"report", Data("gbench/base.json"),
                                Data("gbench/new.json"), "--html", out});
  ASSERT_EQ(result.status, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("wrote " + out + ": "));
  const std::string page = ReadFile(out);
  EXPECT_THAT(page, StartsWith("<!DOCTYPE html>"));
  const nlohmann::json data = DataBlock(page);
  // The runs as given, the later one compared with the earlier.
  EXPECT_EQ(data["runs"]["label"], nlohmann::json({Data("gbench/base.json"),
                                                   Data("gbench/new.json")}));
  EXPECT_EQ(data["baseline"]["index"], 0);
  EXPECT_FALSE(data["comparison"].is_null());
  EXPECT_FALSE(Exists(out + ".tmp"));
}

TEST(ReportCommandTest, SeparateBaselineFilterAndTitle) {
  const std::string out = ::testing::TempDir() + "report_baseline.html";
  const Result result = M8perf({"report", Data("gbench/new.json"), "--baseline",
                                Data("gbench/base.json"), "--filter", "^BM_",
                                "--title", "Nightly", "--html", out});
  ASSERT_EQ(result.status, kExitOk) << result.err;
  const nlohmann::json data = DataBlock(ReadFile(out));
  EXPECT_EQ(data["title"], "Nightly");
  EXPECT_EQ(data["baseline"]["index"], -1);
  EXPECT_EQ(data["baseline"]["label"], Data("gbench/base.json"));
  for (const nlohmann::json& name : data["benchmarks"]["name"]) {
    EXPECT_THAT(name.get<std::string>(), StartsWith("BM_"));
  }
}

TEST(ReportCommandTest, BadInputWritesNothing) {
  const std::string out = ::testing::TempDir() + "report_bad.html";
  std::remove(out.c_str());
  const Result truncated = M8perf({"report", Data("gbench/base.json"),
                                   Data("bad/truncated.json"), "--html", out});
  EXPECT_EQ(truncated.status, kExitUsage);
  EXPECT_THAT(truncated.err, StartsWith("m8perf: error: "));
  EXPECT_THAT(truncated.err, HasSubstr("truncated.json"));
  EXPECT_EQ(std::count(truncated.err.begin(), truncated.err.end(), '\n'), 1);
  EXPECT_FALSE(Exists(out));

  // A page from before stays as it was.
  std::ofstream(out) << "previous";
  const Result missing =
      M8perf({"report", Data("gbench/base.json"), "--budgets",
              ::testing::TempDir() + "no_such_budgets.json", "--html", out});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("no_such_budgets.json"));
  EXPECT_EQ(ReadFile(out), "previous");

  const Result unwritable =
      M8perf({"report", Data("gbench/base.json"), "--html",
              ::testing::TempDir() + "no_such_dir/report.html"});
  EXPECT_EQ(unwritable.status, kExitUsage);
  EXPECT_THAT(unwritable.err, HasSubstr("no_such_dir/report.html"));

  const Result no_html = M8perf({"report", Data("gbench/base.json")});
  EXPECT_EQ(no_html.status, kExitUsage);
  EXPECT_THAT(no_html.err, HasSubstr("--html"));
}

// Runs from the history: every selected run, and @last against @prev.
TEST(ReportCommandTest, StoredRuns) {
  const std::string db = ::testing::TempDir() + "report_history.db";
  std::remove(db.c_str());
  {
    absl::StatusOr<analysis::HistoryLocation> location =
        analysis::ParseHistoryUrl("sqlite:" + db);
    ASSERT_TRUE(location.ok()) << location.status();
    absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
        analysis::HistoryStore::Open(*location, {.create = true});
    ASSERT_TRUE(store.ok()) << store.status();
    for (const char* file : {"gbench/base.json", "gbench/new.json"}) {
      absl::StatusOr<analysis::IngestedFile> ingested =
          analysis::IngestResultsFile(**store, Data(file), {});
      ASSERT_TRUE(ingested.ok()) << ingested.status();
    }
  }
  const std::string out = ::testing::TempDir() + "report_history.html";
  const Result all = M8perf({"report", "--db", "sqlite:" + db, "--html", out});
  ASSERT_EQ(all.status, kExitOk) << all.err;
  nlohmann::json data = DataBlock(ReadFile(out));
  ASSERT_EQ(data["runs"]["label"].size(), 2u);
  EXPECT_THAT(data["runs"]["label"][0].get<std::string>(), StartsWith("@1 "));
  EXPECT_THAT(data["runs"]["label"][1].get<std::string>(), StartsWith("@2 "));
  EXPECT_EQ(data["baseline"]["index"], 0);

  const Result last = M8perf({"report", "@last", "--baseline", "@prev", "--db",
                              "sqlite:" + db, "--html", out});
  ASSERT_EQ(last.status, kExitOk) << last.err;
  data = DataBlock(ReadFile(out));
  ASSERT_EQ(data["runs"]["label"].size(), 1u);
  EXPECT_THAT(data["runs"]["label"][0].get<std::string>(), StartsWith("@2 "));
  EXPECT_EQ(data["baseline"]["index"], -1);
  EXPECT_THAT(data["baseline"]["label"].get<std::string>(), StartsWith("@1 "));

  const Result missing =
      M8perf({"report", "@7", "--db", "sqlite:" + db, "--html", out + ".none"});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_FALSE(Exists(out + ".none"));
}

}  // namespace
}  // namespace m8::perf
