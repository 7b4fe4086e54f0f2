// Finding the results file on the command line, redirecting it, adding
// context keys to it without touching anything else, and replacing it only
// with complete results.

#include "bench/support/results_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

TEST(ResultsFileTest, ResultsPathInEveryFormat) {
  std::vector<std::string> args = {"m8bench", "--benchmark_out=r.csv",
                                   "--benchmark_out_format=csv"};
  std::vector<char*> argv = Argv(args);
  EXPECT_EQ(ResultsPath(3, argv.data(), nullptr), "r.csv");
  EXPECT_EQ(ResultsPath(1, argv.data(), "env.json"), "env.json");
  EXPECT_EQ(ResultsPath(1, argv.data(), nullptr), "");
}

TEST(ResultsFileTest, TheResultsPathIsRedirected) {
  std::vector<std::string> args = {"m8bench", "--benchmark_out=a.json",
                                   "--benchmark_filter=x",
                                   "--benchmark_out=b.json"};
  std::vector<char*> argv = Argv(args);
  EXPECT_EQ(WithResultsPath(4, argv.data(), "t.tmp"),
            (std::vector<std::string>{"m8bench", "--benchmark_out=t.tmp",
                                      "--benchmark_filter=x",
                                      "--benchmark_out=t.tmp"}));
  // Named only by BENCHMARK_OUT: the flag is added (a flag wins over the
  // environment).
  std::vector<std::string> env_only = {"m8bench", "--benchmark_filter=x"};
  argv = Argv(env_only);
  EXPECT_EQ(WithResultsPath(2, argv.data(), "t.tmp"),
            (std::vector<std::string>{"m8bench", "--benchmark_filter=x",
                                      "--benchmark_out=t.tmp"}));
}

TEST(ResultsFileTest, CompleteResultsAreOneWholeObjectWithBenchmarks) {
  EXPECT_TRUE(CheckCompleteResults(kResults).ok());
  EXPECT_TRUE(CheckCompleteResults(" {\"benchmarks\": []}\n\n").ok());
  // Every proper prefix of a results file is incomplete (a write that failed
  // part way), except those that stop in the white space after it.
  const std::string text = kResults;
  const size_t last = text.find_last_of('}');
  for (size_t n = 0; n <= last; ++n) {
    EXPECT_FALSE(CheckCompleteResults(text.substr(0, n)).ok()) << n;
  }
  EXPECT_THAT(CheckCompleteResults(text.substr(0, 100)).message(),
              HasSubstr("ends after 100 bytes"));
  EXPECT_FALSE(CheckCompleteResults(text + "x").ok());
  EXPECT_FALSE(CheckCompleteResults("{\"context\": {}}").ok());
  EXPECT_FALSE(CheckCompleteResults("[]").ok());
  // Braces inside strings do not count.
  EXPECT_FALSE(CheckCompleteResults("{\"benchmarks\": [\"}\"]").ok());
}

class ResultsFileCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("m8_results_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "results.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::string& path) {
    std::stringstream text;
    text << std::ifstream(path).rdbuf();
    return text.str();
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      names.push_back(e.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ResultsFileCommitTest, CompleteResultsReplaceTheFileWithTheEntries) {
  std::ofstream(path_) << "old results";
  absl::StatusOr<std::unique_ptr<ResultsFile>> file =
      ResultsFile::Create(path_, /*json=*/true);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(Read(path_), "old results");  // Untouched while the run lasts.
  std::ofstream((*file)->temp_path()) << kResults;
  ASSERT_TRUE((*file)->Commit({{"m8.env.end", "yes"}}).ok());
  EXPECT_THAT(Read(path_), HasSubstr("\"m8.env.end\": \"yes\""));
  EXPECT_THAT(Read(path_), HasSubstr("\"benchmarks\""));
  file->reset();
  EXPECT_EQ(Files(), std::vector<std::string>{"results.json"});
}

TEST_F(ResultsFileCommitTest, IncompleteOrAbandonedResultsLeaveTheOldFile) {
  std::ofstream(path_) << "old results";
  {
    absl::StatusOr<std::unique_ptr<ResultsFile>> file =
        ResultsFile::Create(path_, /*json=*/true);
    ASSERT_TRUE(file.ok()) << file.status();
    // What a write that failed part way leaves.
    std::ofstream((*file)->temp_path()) << std::string(kResults).substr(0, 150);
    const absl::Status s = (*file)->Commit({{"k", "v"}});
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(s.message(), HasSubstr(path_));
    EXPECT_THAT(s.message(), HasSubstr("incomplete"));
  }
  EXPECT_EQ(Read(path_), "old results");
  EXPECT_EQ(Files(), std::vector<std::string>{"results.json"});
  {
    // A run that matched nothing never commits: no file appears.
    std::filesystem::remove(path_);
    absl::StatusOr<std::unique_ptr<ResultsFile>> file =
        ResultsFile::Create(path_, /*json=*/true);
    ASSERT_TRUE(file.ok()) << file.status();
  }
  EXPECT_TRUE(Files().empty());
}

TEST_F(ResultsFileCommitTest, OtherFormatsAreMovedAsTheyAre) {
  absl::StatusOr<std::unique_ptr<ResultsFile>> file =
      ResultsFile::Create(path_, /*json=*/false);
  ASSERT_TRUE(file.ok()) << file.status();
  std::ofstream((*file)->temp_path()) << "name,iterations\nBM_X,1\n";
  ASSERT_TRUE((*file)->Commit({{"not", "added"}}).ok());
  EXPECT_EQ(Read(path_), "name,iterations\nBM_X,1\n");
  // Empty CSV output is a failed write.
  absl::StatusOr<std::unique_ptr<ResultsFile>> empty =
      ResultsFile::Create(path_, /*json=*/false);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->Commit({}).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Read(path_), "name,iterations\nBM_X,1\n");
}

TEST_F(ResultsFileCommitTest, TheFileHasTheModeOfANewFile) {
  const mode_t saved = ::umask(027);
  absl::StatusOr<std::unique_ptr<ResultsFile>> file =
      ResultsFile::Create(path_, /*json=*/true);
  ::umask(saved);
  ASSERT_TRUE(file.ok()) << file.status();
  std::ofstream((*file)->temp_path()) << kResults;
  ASSERT_TRUE((*file)->Commit({}).ok());
  struct stat st;
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST_F(ResultsFileCommitTest, AnUnwritableDirectoryIsNamedAtOnce) {
  const std::string missing = (dir_ / "no" / "results.json").string();
  const absl::StatusOr<std::unique_ptr<ResultsFile>> file =
      ResultsFile::Create(missing, /*json=*/true);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(
      file.status().message(),
      missing + ": cannot create the results file: " + std::strerror(ENOENT));
}

}  // namespace
}  // namespace m8::bench
