// Snapshots and config files under real I/O errors: the C library's write,
// fsync and read fail (io_fault_shim.cc, preloaded into this test), as on a
// full disk or a failing device. Every failure must be an error naming the
// file and the errno, and must leave the previous snapshot intact.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "grid/grid.h"
#include "grid/grid_config.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::MakeWave;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

// Sets M8_FAULT_* for its lifetime (the shim reads them at every call).
class Faults {
 public:
  Faults(std::string match,
         std::initializer_list<std::pair<const char*, int>> faults)
      : faults_(faults) {
    for (const auto& [name, value] : faults_) {
      setenv(name, std::to_string(value).c_str(), 1);
    }
    setenv("M8_FAULT_MATCH", match.c_str(), 1);
  }
  ~Faults() {
    unsetenv("M8_FAULT_MATCH");
    for (const auto& [name, value] : faults_) unsetenv(name);
  }

 private:
  std::vector<std::pair<const char*, int>> faults_;
};

class SnapshotFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(dlsym(RTLD_DEFAULT, "m8_io_fault_shim_loaded"), nullptr)
        << "run with LD_PRELOAD=<libm8_io_fault_shim.so> (ctest does)";
    // The directory's name is what the faults match.
    name_ = std::string("m8_fault_") + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::path(::testing::TempDir()) / name_;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& file) const { return dir_ / file; }

  // `cells` cells at keys 0, 7, 14, ...; amplitudes 1, 2, 3, ...
  static Grid Filled(int cells) {
    Grid grid;
    for (int i = 0; i < cells; ++i) {
      EXPECT_TRUE(
          grid.Put(Coord::FromKey(7u * i), MakeWave(1.0f + i, 10.0f)).ok());
    }
    return grid;
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) {
      names.push_back(e.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  // The snapshot at `path` holds exactly the cells of Filled(cells).
  static void ExpectHolds(const std::string& path, int cells) {
    absl::StatusOr<Grid> loaded = Grid::Load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    ASSERT_EQ(loaded->size(), static_cast<size_t>(cells));
    for (int i = 0; i < cells; ++i) {
      std::optional<Wave> w = loaded->Recall(Coord::FromKey(7u * i));
      ASSERT_TRUE(w.has_value()) << i;
      EXPECT_EQ(w->amplitude, 1.0f + i);
    }
  }

  std::string name_;
  fs::path dir_;
};

TEST_F(SnapshotFaultTest, DiskFullWhileWritingKeepsTheOldSnapshot) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(Filled(10).Save(path).ok());
  absl::Status s;
  {
    // The disk fills after 1000 bytes of the new snapshot (36 KB).
    Faults disk_full(
        name_, {{"M8_FAULT_WRITE", ENOSPC}, {"M8_FAULT_WRITE_AFTER", 1000}});
    s = Filled(1000).Save(path);
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::strerror(ENOSPC)));
  ExpectHolds(path, 10);
  EXPECT_EQ(Files(), std::vector<std::string>{"grid.m8"});  // No temp left.
}

TEST_F(SnapshotFaultTest, IoErrorOnFsyncKeepsTheOldSnapshot) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(Filled(10).Save(path).ok());
  absl::Status s;
  {
    Faults fsync_fails(name_, {{"M8_FAULT_FSYNC", EIO}});
    s = Filled(20).Save(path);
  }
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()), HasSubstr("fsync failed"));
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::strerror(EIO)));
  ExpectHolds(path, 10);
  EXPECT_EQ(Files(), std::vector<std::string>{"grid.m8"});
}

TEST_F(SnapshotFaultTest, FailedDirectorySyncIsReported) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(Filled(10).Save(path).ok());
  absl::Status s;
  {
    Faults dir_sync_fails(name_, {{"M8_FAULT_DIR_FSYNC", EIO}});
    s = Filled(20).Save(path);
  }
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("fsync of the directory " + dir_.string()));
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::strerror(EIO)));
  // The rename happened: the new snapshot is in place, whole.
  ExpectHolds(path, 20);
  EXPECT_EQ(Files(), std::vector<std::string>{"grid.m8"});
}

TEST_F(SnapshotFaultTest, FileThatEndsInsideTheHeaderIsDataLoss) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(Filled(10).Save(path).ok());
  absl::Status s;
  {
    // fstat saw the whole file; the reads stop at byte 100, as when the
    // file is cut short while it is read.
    Faults shrinks(name_, {{"M8_FAULT_READ_EOF_AFTER", 100}});
    s = Grid::Load(path).status();
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("truncated while reading the header: 100 of 144"));
}

TEST_F(SnapshotFaultTest, ReadErrorsCarryTheirErrno) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(Filled(10).Save(path).ok());
  absl::Status s;
  {
    Faults read_fails(name_, {{"M8_FAULT_READ", EIO}});
    s = Grid::Load(path).status();
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::strerror(EIO)));
}

TEST_F(SnapshotFaultTest, ConfigReadErrorCarriesItsErrno) {
  const std::string path = Path("grid.json");
  std::ofstream(path) << R"({"brick_edge": 2})";
  absl::StatusOr<ConcurrentGridOptions> options;
  {
    Faults read_fails(name_, {{"M8_FAULT_READ", EIO}});
    options = LoadGridConfig(path);
  }
  EXPECT_FALSE(options.ok());
  EXPECT_THAT(std::string(options.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(options.status().message()),
              HasSubstr(std::strerror(EIO)));
  ASSERT_TRUE(LoadGridConfig(path).ok());  // Without the fault it reads.
}

}  // namespace
}  // namespace m8
