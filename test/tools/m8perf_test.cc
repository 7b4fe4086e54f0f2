// Drives the whole m8perf tool in-process through RunM8perf: arguments in,
// output and exit status out.

#include "tools/m8perf/m8perf.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/report/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::perf {
namespace {

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

Result M8perf(std::vector<std::string> args, bool terminal = false) {
  args.insert(args.begin(), "m8perf");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int status = RunM8perf(static_cast<int>(argv.size()), argv.data(),
                               {out, err, terminal});
  return {status, out.str(), err.str()};
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(M8perfTest, CompareExitStatuses) {
  const std::string base = Data("gbench/base.json");
  const std::string slow = Data("gbench/new.json");
  Result same = M8perf({"compare", base, base, "--fail-on-regression"});
  EXPECT_EQ(same.status, kExitOk) << same.err;
  Result slower = M8perf({"compare", base, slow});
  EXPECT_EQ(slower.status, kExitOk);
  EXPECT_THAT(slower.out, HasSubstr("regressed"));
  Result failing = M8perf({"compare", base, slow, "--fail-on-regression"});
  EXPECT_EQ(failing.status, kExitFailed);
}

TEST(M8perfTest, ComparePoolsCommaSeparatedRuns) {
  Result pooled =
      M8perf({"compare",
              Data("gbench/base.json") + "," + Data("gbench/base_4reps.json"),
              Data("gbench/new.json"), "--format=json", "--metrics",
              "real_time", "--filter", "cells:64$"});
  ASSERT_EQ(pooled.status, kExitOk) << pooled.err;
  const nlohmann::json parsed = nlohmann::json::parse(pooled.out);
  EXPECT_EQ(parsed["comparisons"][0]["base_n"], 13);
}

TEST(M8perfTest, CompareOptionsReachTheLibrary) {
  Result json =
      M8perf({"compare", Data("gbench/base.json"), Data("gbench/new.json"),
              "--format=json", "--metrics", "real_time,items_per_second",
              "--filter", "^BM_Work/", "--alpha", "0.01", "--noise", "0.05",
              "--direction", "hits=lower", "--resamples", "2000"});
  ASSERT_EQ(json.status, kExitOk) << json.err;
  const nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["alpha"], 0.01);
  EXPECT_EQ(parsed["noise"], 0.05);
  EXPECT_EQ(parsed["comparisons"].size(), 4);
  for (const auto& c : parsed["comparisons"]) {
    EXPECT_THAT(c["name"].get<std::string>(), HasSubstr("BM_Work/"));
  }
  Result markdown = M8perf({"compare", Data("gbench/base.json"),
                            Data("gbench/new.json"), "--format", "markdown"});
  EXPECT_THAT(markdown.out, HasSubstr("| Benchmark | Metric |"));
}

// gbench/base.json with another host and brick edge: a run that should not
// be compared with base.json without saying so.
std::string OtherHostCopy() {
  std::ifstream in(Data("gbench/base.json"));
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  const std::string host = "\"host_name\": \"vm\",";
  json.replace(json.find(host), host.size(),
               "\"host_name\": \"other\", \"m8.grid.brick_edge\": \"8\",");
  return WriteTemp("other_host.json", json);
}

TEST(M8perfTest, StrictContextMakesDifferencesAnError) {
  const std::string base = Data("gbench/base.json");
  const std::string other = OtherHostCopy();
  Result lenient = M8perf({"compare", base, other});
  ASSERT_EQ(lenient.status, kExitOk) << lenient.err;
  EXPECT_THAT(lenient.out, HasSubstr("warning: runs differ in host: 'vm' (" +
                                     base + "), 'other' (" + other + ")"));
  EXPECT_THAT(lenient.out, HasSubstr("warning: runs differ in grid option "
                                     "brick_edge: (not recorded) (" +
                                     base + "), '8' (" + other + ")"));
  for (const char* command : {"compare", "trend"}) {
    Result strict = M8perf({command, base, other, "--strict-context"});
    EXPECT_EQ(strict.status, kExitUsage) << command;
    EXPECT_THAT(strict.err, HasSubstr("m8perf: error: --strict-context: runs "
                                      "differ in host: 'vm'"));
    EXPECT_EQ(std::count(strict.err.begin(), strict.err.end(), '\n'), 1)
        << strict.err;
    EXPECT_TRUE(strict.out.empty());
    // The same runs agree.
    Result same = M8perf({command, base, base, "--strict-context"});
    EXPECT_EQ(same.status, kExitOk) << command << same.err;
  }
}

TEST(M8perfTest, EveryReportWarnsAboutTheEnvironment) {
  // base.json: Google Benchmark's debug library, load 1.05 on 2 CPUs.
  const std::string base = Data("gbench/base.json");
  const std::string budgets = WriteTemp(
      "env_budgets.json",
      R"({"budgets": [{"benchmark": ".", "metric": "real_time", "max": "1s"}]})");
  const std::vector<std::vector<std::string>> commands = {
      {"compare", base, base},
      {"check", base, "--budgets", budgets},
      {"trend", base, base},
      {"scale", base},
      {"summary", base}};
  for (const std::vector<std::string>& command : commands) {
    std::vector<std::string> json_args = command;
    json_args.push_back("--format=json");
    Result json = M8perf(json_args);
    ASSERT_EQ(json.status, kExitOk) << command[0] << json.err;
    const nlohmann::json parsed = nlohmann::json::parse(json.out);
    ASSERT_TRUE(parsed["warnings"].is_array()) << command[0];
    const std::string warnings = parsed["warnings"].dump();
    EXPECT_THAT(warnings, HasSubstr(base + ": Google Benchmark library built "
                                           "as debug"))
        << command[0];
    EXPECT_THAT(warnings, HasSubstr(base + ": load average 0.53 per CPU at "
                                           "start (1.05 on 2 CPUs)"))
        << command[0];
    EXPECT_THAT(M8perf(command).out,
                HasSubstr("warning: " + base +
                          ": Google Benchmark library built as debug"))
        << command[0];
    std::vector<std::string> markdown = command;
    markdown.push_back("--format=markdown");
    EXPECT_THAT(M8perf(markdown).out,
                HasSubstr(analysis::MarkdownText(
                    base + ": Google Benchmark library built as debug")))
        << command[0];
  }
}

TEST(M8perfTest, CompareConsoleShowsTheTimeAndWhatChanged) {
  const std::vector<std::string> args = {"compare", Data("gbench/base.json"),
                                         Data("gbench/new.json")};
  const std::string brief = M8perf(args).out;
  std::vector<std::string> all_args = args;
  all_args.push_back("--all-metrics");
  const std::string all = M8perf(all_args).out;
  std::vector<std::string> json_args = args;
  json_args.push_back("--format=json");
  const nlohmann::json json = nlohmann::json::parse(M8perf(json_args).out);
  // Rows: a line per comparison in --all-metrics; in the default view the
  // real_time of every benchmark and every other comparison that is not
  // unchanged.
  auto rows = [](const std::string& text, const std::string& metric) {
    size_t count = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("BM_") == 0 &&
          line.find(" " + metric + " ") != std::string::npos) {
        ++count;
      }
    }
    return count;
  };
  size_t shown = 0, real_time = 0, left_out = 0;
  for (const auto& c : json["comparisons"]) {
    const bool time = c["metric"] == "real_time";
    real_time += time;
    if (time || c["verdict"] != "unchanged") {
      ++shown;
    } else {
      ++left_out;
    }
  }
  EXPECT_EQ(rows(all, "real_time"), real_time);
  EXPECT_EQ(rows(brief, "real_time"), real_time);
  EXPECT_EQ(rows(all, ""), json["comparisons"].size());
  EXPECT_EQ(rows(brief, ""), shown);
  ASSERT_GT(left_out, 0u);
  EXPECT_THAT(brief, HasSubstr("(" + std::to_string(left_out) +
                               " unchanged rows left out; --all-metrics shows "
                               "them)"));
  EXPECT_THAT(all, Not(HasSubstr("left out")));
}

TEST(M8perfTest, ColourOnlyOnATerminal) {
  const std::vector<std::string> args = {"compare", Data("gbench/base.json"),
                                         Data("gbench/new.json")};
  EXPECT_THAT(M8perf(args, /*terminal=*/false).out, Not(HasSubstr("\033[")));
  std::vector<std::string> never = args;
  never.push_back("--color=never");
  EXPECT_THAT(M8perf(never, /*terminal=*/true).out, Not(HasSubstr("\033[")));
  std::vector<std::string> always = args;
  always.push_back("--color=always");
  EXPECT_THAT(M8perf(always, /*terminal=*/false).out, HasSubstr("\033["));
}

TEST(M8perfTest, BadInputIsOneLineAndStatusTwo) {
  for (const char* bad :
       {"bad/truncated.json", "bad/not_json.json", "bad/duplicate.json",
        "bad/wrong_type.json", "bad/empty.json", "does/not/exist.json"}) {
    Result r = M8perf({"compare", Data("gbench/base.json"), Data(bad)});
    EXPECT_EQ(r.status, kExitUsage) << bad;
    EXPECT_THAT(r.err, HasSubstr("m8perf: error: "));
    EXPECT_THAT(r.err, HasSubstr(Data(bad)));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(M8perfTest, BadUsageIsStatusTwo) {
  EXPECT_EQ(M8perf({}).status, kExitUsage);
  EXPECT_EQ(M8perf({"frobnicate"}).status, kExitUsage);
  EXPECT_EQ(M8perf({"compare", Data("gbench/base.json")}).status, kExitUsage);
  EXPECT_EQ(M8perf({"compare", Data("gbench/base.json"),
                    Data("gbench/new.json"), "--alpha", "2"})
                .status,
            kExitUsage);
  EXPECT_EQ(M8perf({"compare", Data("gbench/base.json"),
                    Data("gbench/new.json"), "--format", "xml"})
                .status,
            kExitUsage);
  EXPECT_EQ(M8perf({"compare", Data("gbench/base.json"),
                    Data("gbench/new.json"), "--direction", "hits"})
                .status,
            kExitUsage);
  EXPECT_EQ(M8perf({"compare", Data("gbench/base.json"),
                    Data("gbench/new.json"), "--filter", "("})
                .status,
            kExitUsage);
  Result help = M8perf({"--help"});
  EXPECT_EQ(help.status, kExitOk);
  EXPECT_THAT(help.out, HasSubstr("compare"));
  EXPECT_THAT(help.out, HasSubstr("summary"));
  EXPECT_EQ(M8perf({"trend", "--help"}).status, kExitOk);
}

TEST(M8perfTest, CheckFailsOnBreaches) {
  const std::string budgets = WriteTemp("budgets.json", R"({"budgets": [
      {"benchmark": "^BM_Work/", "metric": "p99_ns", "max_change": "5%"}]})");
  Result ok = M8perf({"check", Data("gbench/base.json"), "--budgets", budgets,
                      "--baseline", Data("gbench/base.json")});
  EXPECT_EQ(ok.status, kExitOk) << ok.err;
  Result breach = M8perf({"check", Data("gbench/new.json"), "--budgets",
                          budgets, "--baseline", Data("gbench/base.json")});
  EXPECT_EQ(breach.status, kExitFailed);
  EXPECT_THAT(breach.out, HasSubstr("max_change 5%"));
  // The rise that breached is an improvement once p99_ns is higher-is-better.
  Result reversed = M8perf({"check", Data("gbench/new.json"), "--budgets",
                            budgets, "--baseline", Data("gbench/base.json"),
                            "--direction", "p99_ns=higher"});
  EXPECT_EQ(reversed.status, kExitOk) << reversed.out;
  EXPECT_EQ(M8perf({"check", Data("gbench/new.json"), "--budgets", budgets,
                    "--baseline", Data("gbench/base.json"), "--direction",
                    "p99_ns=up"})
                .status,
            kExitUsage);
  Result no_baseline =
      M8perf({"check", Data("gbench/new.json"), "--budgets", budgets});
  EXPECT_EQ(no_baseline.status, kExitUsage);
  EXPECT_THAT(no_baseline.err, HasSubstr("give --baseline"));
  Result bad_budgets = M8perf({"check", Data("gbench/new.json"), "--budgets",
                               WriteTemp("bad.json", "{\"budgets\": [1]}")});
  EXPECT_EQ(bad_budgets.status, kExitUsage);
}

TEST(M8perfTest, TrendScaleAndSummary) {
  Result trend =
      M8perf({"trend", Data("gbench/base.json"), Data("gbench/new.json"),
              Data("gbench/base.json"), "--format=json", "--by-date"});
  ASSERT_EQ(trend.status, kExitOk) << trend.err;
  const nlohmann::json series = nlohmann::json::parse(trend.out);
  EXPECT_EQ(series["runs"].size(), 3);
  EXPECT_FALSE(series["series"].empty());
  Result undated = M8perf({"trend", Data("bad/../legacy/base.json"),
                           Data("newer/v1_9.json"), "--by-date"});
  EXPECT_EQ(undated.status, kExitOk) << undated.err;

  Result scale = M8perf({"scale", Data("gbench/base.json")});
  EXPECT_EQ(scale.status, kExitOk);
  EXPECT_THAT(scale.out, HasSubstr("BM_Shared/real_time/threads:*"));

  const std::string targets = WriteTemp("targets.json", R"({"targets": [
      {"name": "quadratic?", "numerator": "BM_Work/cells:512",
       "denominator": "BM_Work/cells:64", "metric": "real_time",
       "bound": ">= 100x"}]})");
  Result summary =
      M8perf({"summary", Data("gbench/base.json"), "--targets", targets});
  EXPECT_EQ(summary.status, kExitOk) << summary.err;
  EXPECT_THAT(summary.out, HasSubstr("quadratic?"));
  EXPECT_THAT(summary.out, HasSubstr("fail"));
  EXPECT_EQ(M8perf({"summary", Data("gbench/base.json"), "--targets", targets,
                    "--fail-on-miss"})
                .status,
            kExitFailed);
}

}  // namespace
}  // namespace m8::perf
