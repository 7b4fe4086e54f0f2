#include "grid/snapshot.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grid/concurrent_grid.h"
#include "grid/grid.h"
#include "gtest/gtest.h"
#include "test/grid/test_waves.h"

namespace m8 {
namespace {

using ::m8::testing::MakeWave;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("m8_snapshot_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ / name; }

  static Grid RandomGrid(size_t cells, uint32_t seed) {
    GridOptions o;
    o.alpha = 0.25;
    o.beta = 0.2;
    o.edge_policy = EdgePolicy::kSkip;
    o.max_cells = 1 << 20;
    Grid grid(o);
    std::mt19937 rng(seed);
    grid.AdvanceTime(absl::Milliseconds(777));
    while (grid.size() < cells) {
      Wave w = MakeWave((rng() % 10000) / 100.0f, (rng() % 100000) / 100.0f,
                        1.0f + rng() % 300, (rng() % 6000) / 1000.0f - 3.0f);
      w.valence = static_cast<int8_t>(rng() % 255 - 127);
      w.arousal = static_cast<uint8_t>(rng());
      w.importance = static_cast<uint8_t>(rng() % 16);
      w.kind = static_cast<uint8_t>(rng());
      w.tag = rng();
      w.access_count = rng() % 50;
      EXPECT_TRUE(grid.Put(Coord::FromKey(rng()), w).ok());
    }
    return grid;
  }

  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteAll(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) {
      names.push_back(e.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

void ExpectSameCells(const Grid& a, const Grid& b) {
  ASSERT_EQ(a.size(), b.size());
  a.ForEachCell([&](Coord c, const Wave& w) {
    std::optional<Wave> other = b.Recall(c);
    ASSERT_TRUE(other.has_value()) << c.key();
    EXPECT_EQ(std::memcmp(&w, &*other, sizeof(Wave)), 0) << c.key();
  });
}

TEST_F(SnapshotTest, RoundTripsOneHundredThousandCells) {
  const Grid grid = RandomGrid(100000, 7);
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(grid.Save(path).ok());
  EXPECT_EQ(fs::file_size(path),
            kSnapshotHeaderBytes + 100000 * kSnapshotRecordBytes + 4);
  EXPECT_EQ(Files(), std::vector<std::string>{"grid.m8"});  // No temp file.

  absl::StatusOr<Grid> loaded = Grid::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSameCells(grid, *loaded);
  EXPECT_EQ(loaded->now(), grid.now());
  EXPECT_EQ(loaded->options().alpha, 0.25);
  EXPECT_EQ(loaded->options().beta, 0.2);
  EXPECT_EQ(loaded->options().edge_policy, EdgePolicy::kSkip);
  EXPECT_EQ(loaded->options().max_cells, size_t{1} << 20);
  const ResonanceQuery q{.frequency = 421, .bandwidth = 30, .k = 25};
  const auto before = grid.Resonance(q);
  const auto after = loaded->Resonance(q);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].coord, after[i].coord);
    EXPECT_EQ(before[i].score, after[i].score);
  }
}

TEST_F(SnapshotTest, SaveReplacesAnExistingSnapshotAtomically) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(RandomGrid(10, 1).Save(path).ok());
  ASSERT_TRUE(RandomGrid(20, 2).Save(path).ok());
  EXPECT_EQ(Grid::Load(path)->size(), 20u);
  EXPECT_EQ(Files(), std::vector<std::string>{"grid.m8"});
}

TEST_F(SnapshotTest, EmptyGridRoundTrips) {
  Grid grid;
  ASSERT_TRUE(grid.Save(Path("empty.m8")).ok());
  absl::StatusOr<Grid> loaded = Grid::Load(Path("empty.m8"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->size(), 0u);
}

TEST_F(SnapshotTest, SaveIntoAMissingDirectoryFailsCleanly) {
  const absl::Status s = Grid().Save(Path("no/such/dir/grid.m8"));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("no/such/dir/grid.m8"));
}

TEST_F(SnapshotTest, EveryFlippedByteIsCaught) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(RandomGrid(10, 3).Save(path).ok());
  const std::string good = ReadAll(path);
  // Every byte of the header, records and checksum.
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    WriteAll(path, bad);
    absl::StatusOr<Grid> loaded = Grid::Load(path);
    ASSERT_FALSE(loaded.ok()) << "flipped byte " << i << " went unnoticed";
    EXPECT_THAT(std::string(loaded.status().message()), HasSubstr(path));
  }
}

TEST_F(SnapshotTest, FlippedRecordByteReportsTheChecksum) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(RandomGrid(50, 3).Save(path).ok());
  std::string bytes = ReadAll(path);
  bytes[kSnapshotHeaderBytes + 10 * kSnapshotRecordBytes + 5] ^= 0x01;
  WriteAll(path, bytes);
  const absl::Status s = Grid::Load(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("checksum mismatch"));
}

TEST_F(SnapshotTest, TruncatedFilesAreDataLoss) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(RandomGrid(50, 4).Save(path).ok());
  const std::string good = ReadAll(path);
  for (size_t keep : {good.size() - 1, good.size() - 4, good.size() - 40,
                      kSnapshotHeaderBytes + 4, kSnapshotHeaderBytes,
                      size_t{100}, size_t{9}}) {
    WriteAll(path, good.substr(0, keep));
    const absl::Status s = Grid::Load(path).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << keep;
    EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  }
  WriteAll(path, good + "extra");
  EXPECT_EQ(Grid::Load(path).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SnapshotTest, WrongMagicEmptyAndMissingFiles) {
  const std::string path = Path("grid.m8");
  ASSERT_TRUE(RandomGrid(5, 5).Save(path).ok());
  std::string bytes = ReadAll(path);
  bytes[1] = 'X';
  WriteAll(path, bytes);
  absl::Status s = Grid::Load(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad magic"));

  WriteAll(path, "{\"not\": \"a snapshot\"}\n");
  EXPECT_THAT(std::string(Grid::Load(path).status().message()),
              HasSubstr("bad magic"));

  WriteAll(path, "");
  s = Grid::Load(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("empty file"));

  s = Grid::Load(Path("missing.m8")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("missing.m8"));

  s = Grid::Load(dir_.string()).status();
  EXPECT_FALSE(s.ok());
}

TEST_F(SnapshotTest, ValidChecksumOverInvalidFieldsIsRejected) {
  // A file whose CRC is right but whose content is not a valid grid: a
  // writer that appends a malformed wave and a duplicate key.
  const std::string path = Path("grid.m8");
  {
    auto writer =
        SnapshotWriter::Open(path, {GridOptions{}, absl::Seconds(1), 2});
    ASSERT_TRUE(writer.ok());
    Wave w = MakeWave(1.0f);
    ASSERT_TRUE((*writer)->Append(7, w).ok());
    ASSERT_TRUE((*writer)->Append(7, w).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  absl::Status s = Grid::Load(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("duplicate"));
  {
    auto writer =
        SnapshotWriter::Open(path, {GridOptions{}, absl::Seconds(1), 1});
    ASSERT_TRUE(writer.ok());
    Wave w = MakeWave(1.0f);
    w.touched = 5000;  // After the grid time.
    ASSERT_TRUE((*writer)->Append(7, w).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  s = Grid::Load(path).status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("touched"));
}

TEST_F(SnapshotTest, WriterRefusesAShortCountAndLeavesNoFile) {
  const std::string path = Path("grid.m8");
  {
    auto writer =
        SnapshotWriter::Open(path, {GridOptions{}, absl::Seconds(1), 3});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(1, MakeWave(1)).ok());
    EXPECT_EQ((*writer)->Commit().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_TRUE(Files().empty());
}

TEST_F(SnapshotTest, SnapshotTakesTheModeOfANewFile) {
  // 0666 less the umask, as a file made with open(O_CREAT, 0666) or by the
  // shell gets: not the 0600 of a private temporary file.
  const mode_t saved = ::umask(0);
  for (const mode_t mask : {mode_t{022}, mode_t{027}, mode_t{0}}) {
    ::umask(mask);
    const std::string path = Path("mode.m8");
    ASSERT_TRUE(RandomGrid(3, 1).Save(path).ok());
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0666 & ~mask) << std::oct << mask;
    fs::remove(path);
  }
  ::umask(saved);
}

TEST_F(SnapshotTest, FileSizeLimitFailsTheSaveAndKeepsTheOldSnapshot) {
  // A real EFBIG: in a child process whose file size limit is below the
  // new snapshot's size (and SIGXFSZ ignored, so write() returns the error).
  const std::string path = Path("grid.m8");
  const Grid old_grid = RandomGrid(10, 1);
  ASSERT_TRUE(old_grid.Save(path).ok());
  const Grid new_grid = RandomGrid(1000, 2);  // 36 KB.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit = {16384, 16384};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const absl::Status s = new_grid.Save(path);
    const std::string report =
        absl::StrCat(static_cast<int>(s.code()), " ", s.message());
    ssize_t ignored = ::write(pipe_fds[1], report.data(), report.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0;) {
    report.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status)) << wait_status;
  EXPECT_THAT(
      report,
      ::testing::StartsWith(absl::StrCat(
          static_cast<int>(absl::StatusCode::kResourceExhausted), " ")));
  EXPECT_THAT(report, HasSubstr(path));
  EXPECT_THAT(report, HasSubstr(std::strerror(EFBIG)));
  absl::StatusOr<Grid> loaded = Grid::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSameCells(old_grid, *loaded);
  EXPECT_EQ(Files(), std::vector<std::string>{"grid.m8"});
}

TEST_F(SnapshotTest, NonRegularFilesAreRefusedWithoutBlocking) {
  // A named pipe with no writer: opening it for reading would wait forever.
  const std::string fifo = Path("pipe.m8");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto load =
      std::async(std::launch::async, [&] { return Grid::Load(fifo).status(); });
  if (load.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    // Let the blocked open go (a writer came and went: the reader then
    // sees the end of the file), then fail.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
    load.wait();
    FAIL() << "Load blocked on a named pipe";
  }
  absl::Status s = load.get();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(fifo));
  EXPECT_THAT(std::string(s.message()), HasSubstr("is a named pipe"));

  s = Grid::Load(dir_.string()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("is a directory"));

  s = Grid::Load("/dev/zero").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("/dev/zero"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("is a character device"));
}

TEST_F(SnapshotTest, OpenErrorsSayTheirErrno) {
  // Each is the C library's own message for the errno.
  const std::string file = Path("file.m8");
  ASSERT_TRUE(RandomGrid(1, 1).Save(file).ok());
  const std::string loop = Path("loop.m8");
  fs::create_symlink(loop, loop);
  const struct {
    std::string path;
    int err;
  } kCases[] = {
      {file + "/inside.m8", ENOTDIR},
      {loop, ELOOP},
      {Path(std::string(300, 'x')), ENAMETOOLONG},
  };
  for (const auto& c : kCases) {
    const absl::Status s = Grid::Load(c.path).status();
    EXPECT_FALSE(s.ok()) << c.path;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.path));
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::strerror(c.err)))
        << c.path;
  }
}

TEST_F(SnapshotTest, ConcurrentAndPlainGridsShareTheFormat) {
  const Grid grid = RandomGrid(3000, 9);
  ASSERT_TRUE(grid.Save(Path("plain.m8")).ok());
  auto concurrent = ConcurrentGrid::Load(Path("plain.m8"), 7);
  ASSERT_TRUE(concurrent.ok()) << concurrent.status();
  EXPECT_EQ((*concurrent)->size(), 3000u);
  EXPECT_EQ((*concurrent)->now(), grid.now());
  ASSERT_TRUE((*concurrent)->Save(Path("sharded.m8")).ok());
  absl::StatusOr<Grid> back = Grid::Load(Path("sharded.m8"));
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSameCells(grid, *back);
  EXPECT_FALSE(ConcurrentGrid::Load(Path("plain.m8"), 0).ok());
  EXPECT_FALSE(ConcurrentGrid::Load(Path("missing.m8"), 4).ok());
}

}  // namespace
}  // namespace m8
