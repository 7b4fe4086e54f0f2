#include "optimizer/process.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::optimizer {
namespace {

using ::testing::HasSubstr;

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "m8_process_test_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream out(Path(name), std::ios::binary);
    out << text;
  }

  ProcessResult MustRun(ProcessOptions options) const {
    absl::StatusOr<ProcessResult> result = RunProcess(options);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : ProcessResult();
  }

  std::string dir_;
};

TEST_F(ProcessTest, TrueExitsZero) {
  const ProcessResult r = MustRun({.argv = {"/bin/true"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.Succeeded());
  EXPECT_EQ(r.Describe(), "exit status 0");
  EXPECT_GE(r.wall, absl::ZeroDuration());
}

TEST_F(ProcessTest, ProgramsWithoutASlashAreLookedUpInPath) {
  const ProcessResult r = MustRun({.argv = {"true"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(MustRun({.argv = {"false"}}).exit_code, 1);
}

TEST_F(ProcessTest, ExitCodeIsReported) {
  const ProcessResult r = MustRun({.argv = {"/bin/sh", "-c", "exit 3"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.Succeeded());
  EXPECT_THAT(r.Describe(), HasSubstr("3"));
}

TEST_F(ProcessTest, ASignalIsReported) {
  const ProcessResult r = MustRun({.argv = {"/bin/sh", "-c", "kill -SEGV $$"}});
  EXPECT_EQ(r.signal, 11);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.Succeeded());
  EXPECT_THAT(r.Describe(), HasSubstr("signal 11"));

  const ProcessResult aborted =
      MustRun({.argv = {"/bin/sh", "-c", "kill -ABRT $$"}});
  EXPECT_EQ(aborted.signal, 6);
  EXPECT_THAT(aborted.Describe(), HasSubstr("signal 6"));
}

TEST_F(ProcessTest, ATimeoutKillsTheChild) {
  const absl::Time start = absl::Now();
  const ProcessResult r =
      MustRun({.argv = {"sleep", "10"}, .timeout = absl::Milliseconds(200)});
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.Succeeded());
  EXPECT_THAT(r.Describe(), HasSubstr("timed out"));
  EXPECT_LT(elapsed, absl::Seconds(5));
  EXPECT_GE(r.wall, absl::Milliseconds(200));
}

TEST_F(ProcessTest, AFastChildIsNotTimedOut) {
  const ProcessResult r =
      MustRun({.argv = {"/bin/true"}, .timeout = absl::Seconds(30)});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(ProcessTest, OutputGoesToTheFiles) {
  const std::string out = Path("out.txt");
  const std::string err = Path("err.txt");
  Write("out.txt", "old content that must go away\n");
  const ProcessResult r =
      MustRun({.argv = {"/bin/sh", "-c", "echo to-out; echo to-err >&2"},
               .stdout_path = out,
               .stderr_path = err});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Read(out), "to-out\n");
  EXPECT_EQ(Read(err), "to-err\n");
}

TEST_F(ProcessTest, NoOutputPathsMeansDevNull) {
  const ProcessResult r =
      MustRun({.argv = {"/bin/sh", "-c", "echo out; echo err >&2"}});
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(ProcessTest, StandardInputIsEmpty) {
  const std::string out = Path("out.txt");
  const ProcessResult r = MustRun({.argv = {"/bin/sh", "-c", "wc -c"},
                                   .stdout_path = out,
                                   .timeout = absl::Seconds(30)});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Read(out), "0\n");
}

// No shell between us and the child: every argument arrives as it was.
TEST_F(ProcessTest, ArgumentsArePassedVerbatim) {
  const std::string out = Path("out.txt");
  const std::vector<std::string> args = {
      "$HOME;echo hi", "a b", "'q'", "\"dq\"", "`id`", "*", "", "x\ty"};
  std::vector<std::string> argv = {"printf", "[%s]\\n"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult r = MustRun({.argv = argv, .stdout_path = out});
  EXPECT_EQ(r.exit_code, 0);
  std::string expected;
  for (const std::string& a : args) expected += "[" + a + "]\n";
  EXPECT_EQ(Read(out), expected);
}

TEST_F(ProcessTest, AMissingProgramIsNotFoundNamingIt) {
  const std::string missing = Path("no-such-program");
  absl::Status status = RunProcess({.argv = {missing}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(missing));

  status = RunProcess({.argv = {"m8-no-such-program-in-path"}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("m8-no-such-program-in-path"));
}

TEST_F(ProcessTest, ANonExecutableFileIsRefusedNamingIt) {
  const std::string script = Path("not-executable.sh");
  Write("not-executable.sh", "#!/bin/sh\nexit 0\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  const absl::Status status = RunProcess({.argv = {script}}).status();
  // Root may read any file but still needs an execute bit to run one.
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(script));
}

TEST_F(ProcessTest, AnUnwritableOutputIsAnError) {
  const std::string out = Path("no/such/dir/out.txt");
  const absl::Status status =
      RunProcess({.argv = {"/bin/true"}, .stdout_path = out}).status();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(out));
}

TEST_F(ProcessTest, EmptyArgvIsAnError) {
  EXPECT_EQ(RunProcess({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ProcessTest, TailOfFileJoinsLines) {
  Write("a.txt", "first\nsecond\n\n   \nthird\n");
  EXPECT_EQ(TailOfFile(Path("a.txt")), "first | second | third");
  Write("b.txt", "no newline at the end");
  EXPECT_EQ(TailOfFile(Path("b.txt")), "no newline at the end");
  Write("c.txt", "");
  EXPECT_EQ(TailOfFile(Path("c.txt")), "");
  EXPECT_EQ(TailOfFile(Path("missing.txt")), "");
}

TEST_F(ProcessTest, TailOfFileEscapesControlCharacters) {
  Write("a.txt", "bell\a tab\there\r\nesc\x1b[0m del\x7f\n");
  const std::string tail = TailOfFile(Path("a.txt"));
  for (const char c : tail) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u != 0x7f) << "raw control " << int{u};
  }
  EXPECT_THAT(tail, HasSubstr("bell"));
  EXPECT_THAT(tail, HasSubstr("here"));
  EXPECT_THAT(tail, HasSubstr("[0m del"));
  EXPECT_THAT(tail, HasSubstr(" | "));
  EXPECT_EQ(tail.find('\t'), std::string::npos);
}

TEST_F(ProcessTest, TailOfFileKeepsOnlyTheTail) {
  // "line1\n" is 6 bytes; the file is 18.
  Write("a.txt", "line1\nline2\nline3\n");
  EXPECT_EQ(TailOfFile(Path("a.txt"), 12), "line2 | line3");
  EXPECT_EQ(TailOfFile(Path("a.txt"), 10), "ne2 | line3");
  EXPECT_EQ(TailOfFile(Path("a.txt"), 1000), "line1 | line2 | line3");
  std::string big;
  for (int i = 0; i < 10000; ++i) big += "line " + std::to_string(i) + "\n";
  Write("big.txt", big);
  const std::string tail = TailOfFile(Path("big.txt"));
  EXPECT_LE(tail.size(), 400u + 100u);  // the separators add a little
  EXPECT_THAT(tail, HasSubstr("line 9999"));
  EXPECT_THAT(tail, ::testing::Not(HasSubstr("line 1 ")));
}

}  // namespace
}  // namespace m8::optimizer
