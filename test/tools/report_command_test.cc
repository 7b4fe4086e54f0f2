// m8perf report, driven in-process: the page it writes, and that an error
// writes nothing (exit 2, one line, the previous file left as it was).

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace m8::perf
