// Reading results from whatever a path names: regular files that change
// while they are read, named pipes, pipes handed over as /dev/fd/N (a
// shell's process substitution), files under /proc, directories, sockets.

#include "analysis/read/text_file.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "analysis/read/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::m8::analysis::testing::ReadText;
using ::testing::HasSubstr;

// A results file of `entries` benchmarks of one repetition each.
std::string ResultsText(int entries) {
  std::string text = R"({"context": {}, "benchmarks": [)";
  for (int i = 0; i < entries; ++i) {
    if (i > 0) text += ",";
    absl::StrAppend(&text, R"({"name": "BM_Stream/)", i,
                    R"(", "run_type": "iteration", "real_time": 1.5, )"
                    R"("cpu_time": 2.5, "time_unit": "us", "n": NaN})");
  }
  return text + "]}\n";
}

std::string TempPath(const std::string& name) {
  const std::string path = ::testing::TempDir() + name;
  std::remove(path.c_str());
  return path;
}

void ExpectOneLine(const absl::Status& status) {
  EXPECT_EQ(std::string(status.message()).find('\n'), std::string::npos)
      << status.message();
}

// ---- A regular file that another process changes while it is read ----------

// Where the hooks below act, and how.
std::string hooked_path;
size_t truncate_to = 0;

void TruncateWhileReading(const std::string& path) {
  if (path == hooked_path) ASSERT_EQ(::truncate(path.c_str(), truncate_to), 0);
}

void AppendWhileReading(const std::string& path) {
  if (path == hooked_path) std::ofstream(path, std::ios::app) << "   ";
}

class ChangedWhileReadingTest : public ::testing::Test {
 protected:
  void TearDown() override { SetReadHookForTesting(nullptr); }
};

// Before m8perf read files with read(2), files of 16 MiB and more were mapped,
// and a truncation between mapping and parsing killed it with SIGBUS. The
// hook truncates the file once it is open and its size known, as another
// process may at any moment.
TEST_F(ChangedWhileReadingTest, TruncatedLargeFileIsAOneLineError) {
  const std::string text =
      ResultsText(static_cast<int>((size_t{17} << 20) / 120));
  ASSERT_GE(text.size(), size_t{16} << 20);
  hooked_path = TempPath("truncated_large.json");
  std::ofstream(hooked_path, std::ios::binary) << text;
  truncate_to = text.size() / 2;
  SetReadHookForTesting(&TruncateWhileReading);
  absl::StatusOr<ResultsFile> file = ReadResultsFile(hooked_path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(file.status().message()),
      HasSubstr(absl::StrCat(
          hooked_path, ": the file changed while being read (", text.size(),
          " bytes when opened, ", truncate_to, " bytes by its end)")));
  ExpectOneLine(file.status());
}

TEST_F(ChangedWhileReadingTest, FileTruncatedToNothing) {
  hooked_path = TempPath("truncated_small.json");
  std::ofstream(hooked_path, std::ios::binary) << ResultsText(3);
  truncate_to = 0;
  SetReadHookForTesting(&TruncateWhileReading);
  absl::StatusOr<ResultsFile> file = ReadResultsFile(hooked_path);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr("the file changed while being read"));
}

TEST_F(ChangedWhileReadingTest, FileAppendedTo) {
  hooked_path = TempPath("appended.json");
  std::ofstream(hooked_path, std::ios::binary) << ResultsText(3);
  SetReadHookForTesting(&AppendWhileReading);
  absl::StatusOr<ResultsFile> file = ReadResultsFile(hooked_path);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr("the file changed while being read"));
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr("modified in between"));
}

// ---- Streams
// -----------------------------------------------------------------

// Writes `text` into the pipe end `fd` and closes it, on its own thread (a
// pipe holds only 64 KiB).
std::thread Writer(int fd, std::string text) {
  return std::thread([fd, text = std::move(text)] {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) break;  // the reader gave up (EPIPE)
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  });
}

class StreamTest : public ::testing::Test {
 protected:
  // A reader that stops early must not kill the test with SIGPIPE.
  void SetUp() override { previous_ = std::signal(SIGPIPE, SIG_IGN); }
  void TearDown() override { std::signal(SIGPIPE, previous_); }

 private:
  void (*previous_)(int) = nullptr;
};

// A named pipe has no size: it used to read as an empty file.
TEST_F(StreamTest, NamedPipeIsReadToItsEnd) {
  const std::string fifo = TempPath("results.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string text = ResultsText(2000);  // far more than a pipe holds
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    Writer(fd, text).join();
  });
  absl::StatusOr<ResultsFile> file = ReadResultsFile(fifo);
  writer.join();
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->entries().size(), 2000);
  EXPECT_EQ(file->entries().back().name, "BM_Stream/1999");
}

// What a shell's <(command) hands over: /dev/fd/N, an anonymous pipe.
TEST_F(StreamTest, ProcessSubstitutionPipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer = Writer(fds[1], ResultsText(500));
  absl::StatusOr<ResultsFile> file =
      ReadResultsFile(absl::StrCat("/dev/fd/", fds[0]));
  ::close(fds[0]);
  writer.join();
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->entries().size(), 500);
}

TEST_F(StreamTest, StreamAboveTheCapIsAnError) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer = Writer(fds[1], ResultsText(200));
  const std::string path = absl::StrCat("/dev/fd/", fds[0]);
  absl::StatusOr<ResultsFile> file =
      ReadResultsFile(path, {.max_stream_bytes = 4096});
  ::close(fds[0]);
  writer.join();
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr(absl::StrCat(path,
                                     ": more than 4096 bytes from a pipe or "
                                     "device")));
  ExpectOneLine(file.status());
}

// Files under /proc say their size is 0; their text is read all the same
// (and is no results file).
TEST(TextFileTest, ProcFilesAreReadAsStreams) {
  TextBuffer buffer;
  absl::StatusOr<absl::Span<char>> text =
      ReadTextFile("/proc/self/status", &buffer);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(std::string(text->data(), text->size()), HasSubstr("Pid:"));
  absl::StatusOr<ResultsFile> file = ReadResultsFile("/proc/self/status");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr("/proc/self/status: not JSON at offset 0"));
}

TEST(TextFileTest, BuffersGrowKeepingWhatWasRead) {
  TextBuffer buffer;
  char* small = buffer.Reserve(10);
  ASSERT_NE(small, nullptr);
  std::memcpy(small, "0123456789", 10);
  char* large = buffer.Grow(10, size_t{5} << 20);
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(std::string(large, 10), "0123456789");
}

// ---- Paths that name no readable file
// ------------------------------------------

TEST(TextFileTest, EachKindOfPathHasItsOwnMessage) {
  TextBuffer buffer;
  absl::StatusOr<absl::Span<char>> missing =
      ReadTextFile("/nonexistent/results.json", &buffer);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "/nonexistent/results.json: cannot open: No such file or "
            "directory");

  absl::StatusOr<absl::Span<char>> not_directory =
      ReadTextFile("/proc/self/status/x", &buffer);
  EXPECT_EQ(not_directory.status().message(),
            "/proc/self/status/x: cannot open: Not a directory");

  absl::StatusOr<absl::Span<char>> directory =
      ReadTextFile(DataPath("bad"), &buffer);
  EXPECT_EQ(directory.status().message(),
            DataPath("bad") + ": cannot read: it is a directory");

  const std::string socket_path = TempPath("results.sock");
  const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.size(), sizeof(address.sun_path));
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  ASSERT_EQ(
      ::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  absl::StatusOr<absl::Span<char>> socket = ReadTextFile(socket_path, &buffer);
  EXPECT_EQ(socket.status().message(),
            socket_path + ": cannot open: it is a socket");
  ::close(sock);

  // A device without a size: read as a stream, and empty.
  absl::StatusOr<ResultsFile> null = ReadResultsFile("/dev/null");
  ASSERT_FALSE(null.ok());
  EXPECT_THAT(std::string(null.status().message()),
              HasSubstr("/dev/null: the file is empty"));
  // An endless one stops at the cap.
  absl::StatusOr<ResultsFile> zero =
      ReadResultsFile("/dev/zero", {.max_stream_bytes = 1 << 20});
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(std::string(zero.status().message()),
              HasSubstr("/dev/zero: more than 1048576 bytes from a pipe"));
}

TEST(TextFileTest, PathsAreShownPrintable) {
  TextBuffer buffer;
  absl::StatusOr<absl::Span<char>> missing =
      ReadTextFile("/nonexistent/a\nb\x1b[2J\xff.json", &buffer);
  EXPECT_EQ(missing.status().message(),
            "/nonexistent/a\\nb\\x1b[2J\\xff.json: cannot open: No such file "
            "or directory");
}

}  // namespace
}  // namespace m8::analysis
