// Finding the JSON results file on the command line, and adding context keys
// to it without touching anything else.

#include "bench/support/results_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

using ::testing::HasSubstr;

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return argv;
}

TEST(ResultsFileTest, LastFlagWinsThenTheEnvironment) {
  std::vector<std::string> args = {"m8bench", "--benchmark_out=a.json",
                                   "--benchmark_filter=x",
                                   "--benchmark_out=b.json"};
  std::vector<char*> argv = Argv(args);
  const int argc = static_cast<int>(argv.size());
  EXPECT_EQ(FlagValue(argc, argv.data(), "benchmark_out", "env.json"),
            "b.json");
  EXPECT_EQ(FlagValue(argc, argv.data(), "benchmark_repetitions", "7"), "7");
  EXPECT_EQ(FlagValue(argc, argv.data(), "benchmark_repetitions", nullptr),
            std::nullopt);
  // A longer flag with the same start is another flag.
  EXPECT_EQ(FlagValue(argc, argv.data(), "benchmark_o", nullptr), std::nullopt);
}

TEST(ResultsFileTest, OnlyJsonOutputIsAmended) {
  std::vector<std::string> args = {"m8bench", "--benchmark_out=r.json"};
  std::vector<char*> argv = Argv(args);
  EXPECT_EQ(JsonResultsPath(2, argv.data(), nullptr, nullptr), "r.json");
  EXPECT_EQ(JsonResultsPath(2, argv.data(), nullptr, "csv"), "");
  args.push_back("--benchmark_out_format=json");
  argv = Argv(args);
  EXPECT_EQ(JsonResultsPath(3, argv.data(), nullptr, "csv"), "r.json");
  EXPECT_EQ(JsonResultsPath(1, argv.data(), "env.json", nullptr), "env.json");
  EXPECT_EQ(JsonResultsPath(1, argv.data(), nullptr, nullptr), "");
}

constexpr char kResults[] = R"({
  "context": {
    "date": "2026-11-28T07:14:26+00:00",
    "host_name": "vm {\"odd\"} [name]",
    "caches": [
    ],
    "load_avg": [1.05,2.46,2.14],
    "library_build_type": "debug"
  },
  "benchmarks": [
    {
      "name": "BM_Work/cells:64",
      "real_time": NaN,
      "context": {"not": "this one"}
    }
  ]
}
)";

TEST(ResultsFileTest, EntriesGoAtTheEndOfTheContextAndNowhereElse) {
  const absl::StatusOr<std::string> amended = AddContextEntries(
      kResults, {{"m8.env.a", "1"}, {"m8.env.quote", "say \"hi\"\\\n"}});
  ASSERT_TRUE(amended.ok()) << amended.status();
  const std::string expected_insert =
      "    \"library_build_type\": \"debug\",\n"
      "    \"m8.env.a\": \"1\",\n"
      "    \"m8.env.quote\": \"say \\\"hi\\\"\\\\\\n\"\n"
      "  },\n  \"benchmarks\"";
  EXPECT_THAT(*amended, HasSubstr(expected_insert));
  // The rest is byte for byte what it was.
  std::string without = *amended;
  const size_t at = without.find(",\n    \"m8.env.a\"");
  const size_t end = without.find("\n  },");
  without.erase(at, end - at);
  EXPECT_EQ(without, kResults);
}

TEST(ResultsFileTest, EmptyContextGetsNoLeadingComma) {
  EXPECT_EQ(
      *AddContextEntries("{\"context\": {}, \"benchmarks\": []}", {{"k", "v"}}),
      "{\"context\": {\n    \"k\": \"v\"}, \"benchmarks\": []}");
}

TEST(ResultsFileTest, NoCompleteContextIsAnError) {
  EXPECT_FALSE(AddContextEntries("", {{"k", "v"}}).ok());
  EXPECT_FALSE(
      AddContextEntries("{\n  \"context\": {\n    \"date\": \"x\",", {}).ok());
  EXPECT_FALSE(AddContextEntries("{\"benchmarks\": []}", {}).ok());
}

TEST(ResultsFileTest, FileIsReplacedAndLeftAloneOnError) {
  const std::string path = ::testing::TempDir() + "results_file_test.json";
  std::ofstream(path) << kResults;
  ASSERT_TRUE(AddContextEntriesToFile(path, {{"m8.env.end", "yes"}}).ok());
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"m8.env.end\": \"yes\""));
  // No temporary file is left beside it.
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(path).parent_path())) {
    EXPECT_THAT(entry.path().string(), ::testing::Not(HasSubstr(".m8tmp.")));
  }
  const std::string truncated =
      ::testing::TempDir() + "results_file_truncated.json";
  std::ofstream(truncated) << "{\n  \"context\": {\n";
  const absl::Status status = AddContextEntriesToFile(truncated, {{"k", "v"}});
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(truncated));
  std::stringstream left;
  left << std::ifstream(truncated).rdbuf();
  EXPECT_EQ(left.str(), "{\n  \"context\": {\n");
  EXPECT_FALSE(AddContextEntriesToFile(truncated + ".missing", {}).ok());
}

}  // namespace
}  // namespace m8::bench
