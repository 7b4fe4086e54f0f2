#include "optimizer/files.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::optimizer {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "m8_files_test_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The names in `dir`, sorted.
  static std::vector<std::string> List(const std::string& dir) {
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
};

TEST_F(FilesTest, MakeDirectoriesMakesEveryLevel) {
  const std::string path = Path("a/b/c/d");
  ASSERT_TRUE(MakeDirectories(path).ok());
  EXPECT_TRUE(fs::is_directory(path));
  EXPECT_TRUE(fs::is_directory(Path("a/b")));
  // Again: nothing to do, still fine.
  EXPECT_TRUE(MakeDirectories(path).ok());
  EXPECT_TRUE(MakeDirectories(Path("a/b")).ok());
  EXPECT_TRUE(MakeDirectories(dir_).ok());
  EXPECT_TRUE(MakeDirectories(Path("a/b/e/")).ok());
  EXPECT_TRUE(fs::is_directory(Path("a/b/e")));
}

TEST_F(FilesTest, MakeDirectoriesNamesAFileInTheWay) {
  std::ofstream(Path("file")) << "x";
  absl::Status status = MakeDirectories(Path("file/sub/dir"));
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(Path("file")));
  // The path itself is a file.
  status = MakeDirectories(Path("file"));
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(Path("file")));
  EXPECT_EQ(Read(Path("file")), "x");
}

TEST_F(FilesTest, MakeDirectoriesRefusesAnEmptyName) {
  EXPECT_FALSE(MakeDirectories("").ok());
}

TEST_F(FilesTest, WriteFileAtomicallyCreatesAndReplaces) {
  const std::string path = Path("report.json");
  ASSERT_TRUE(WriteFileAtomically(path, "first version, long text\n").ok());
  EXPECT_EQ(Read(path), "first version, long text\n");
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  EXPECT_EQ(Read(path), "second");  // replaced, not overwritten in place
  ASSERT_TRUE(WriteFileAtomically(path, "").ok());
  EXPECT_EQ(Read(path), "");
  const std::string binary("a\0b\xff", 4);
  ASSERT_TRUE(WriteFileAtomically(path, binary).ok());
  EXPECT_EQ(Read(path), binary);
  // No temporary file is left beside it.
  EXPECT_EQ(List(dir_), std::vector<std::string>{"report.json"});
}

// A temporary name that already exists (here symbolic links to another
// file, as someone sharing the directory could plant at a predictable name)
// is never opened: the victim is untouched and `path` is a new regular file.
TEST_F(FilesTest, WriteFileAtomicallyNeverWritesThroughAPlantedName) {
  const std::string victim = Path("victim");
  std::ofstream(victim) << "precious";
  const std::string path = Path("report.md");
  const std::string pid = std::to_string(::getpid());
  fs::create_symlink(victim, path + ".tmp." + pid);
  for (int k = 0; k < 50; ++k) {
    fs::create_symlink(victim, path + ".tmp." + pid + "." + std::to_string(k));
  }
  ASSERT_TRUE(WriteFileAtomically(path, "report").ok());
  EXPECT_EQ(Read(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_EQ(Read(path), "report");
}

TEST_F(FilesTest, WriteFileAtomicallyWritesLargeContents) {
  std::string big;
  for (int i = 0; i < 200000; ++i) big += static_cast<char>('a' + i % 26);
  const std::string path = Path("big.txt");
  ASSERT_TRUE(WriteFileAtomically(path, big).ok());
  EXPECT_EQ(Read(path), big);
  EXPECT_EQ(List(dir_), std::vector<std::string>{"big.txt"});
}

TEST_F(FilesTest, WriteFileAtomicallyFailsInAMissingOrFileDirectory) {
  absl::Status status = WriteFileAtomically(Path("no/such/dir/out.json"), "x");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(Path("no/such/dir/out.json")));

  std::ofstream(Path("file")) << "x";
  status = WriteFileAtomically(Path("file/out.json"), "x");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(Path("file/out.json")));
  EXPECT_EQ(List(dir_), std::vector<std::string>{"file"});
}

TEST_F(FilesTest, WriteFileAtomicallyOverADirectoryFailsAndCleansUp) {
  ASSERT_TRUE(MakeDirectories(Path("sub")).ok());
  const absl::Status status = WriteFileAtomically(Path("sub"), "x");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(Path("sub")));
  EXPECT_EQ(List(dir_), std::vector<std::string>{"sub"});
  EXPECT_TRUE(fs::is_directory(Path("sub")));
}

}  // namespace
}  // namespace m8::optimizer
