// The snapshot fixtures, written once against the backend interface
// (bench/support/backend.h): Save and Load of the filled grid, into a
// temporary directory (--m8_temp_dir, default $TMPDIR or /tmp). A backend
// without Save/Load has them skipped with a message saying so.
//
// items_per_second counts cells, bytes_per_second snapshot bytes. Save
// syncs the file (Grid::Save: write, fsync, rename), so it measures the
// storage; Load reads a file that was just written and is usually in the
// page cache, so it measures parsing and checking (io_read_bytes says
// whether the disk was read).
#ifndef M8_BENCH_GRID_IO_FIXTURES_H_
#define M8_BENCH_GRID_IO_FIXTURES_H_

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/grid/backend_inputs.h"
#include "bench/grid/inputs.h"
#include "bench/support/backend.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace io_fixtures {

using benchmark::State;

// A snapshot file of this process, removed when the last user lets go.
class SnapshotFile {
 public:
  explicit SnapshotFile(std::string path) : path_(std::move(path)) {}
  ~SnapshotFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  SnapshotFile(const SnapshotFile&) = delete;
  SnapshotFile& operator=(const SnapshotFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

template <typename B>
struct SnapshotInputs {
  std::shared_ptr<const B> grid;
  std::shared_ptr<SnapshotFile> file;
  int64_t file_bytes = 0;
};

template <GridBackend B, typename Unit>
class SnapshotFixture : public InputsFixture<SnapshotInputs<B>> {
 public:
  SnapshotFixture(const std::string& name, bool load)
      : InputsFixture<SnapshotInputs<B>>(name), load_(load) {}

 private:
  absl::StatusOr<SnapshotInputs<B>> Build(const State& state) override {
    const size_t cells = FillCells(state.range(0));
    absl::StatusOr<std::shared_ptr<const B>> grid =
        SharedBackend<B>(cells, ConfiguredGridOptions());
    if (!grid.ok()) return grid.status();
    if (absl::Status s = CheckSupport(**grid, BackendOperation::kSnapshot);
        !s.ok()) {
      return s;
    }
    auto file = std::make_shared<SnapshotFile>(
        absl::StrCat(Settings().temp_dir, "/m8bench-", getpid(), "-",
                     load_ ? "load" : "save", "-", cells, ".m8"));
    // Written once untimed: Load needs it, and Save learns its size.
    if constexpr (HasSnapshot<B>) {
      if (absl::Status s = (*grid)->Save(file->path()); !s.ok()) return s;
    }
    std::error_code error;
    const auto bytes = std::filesystem::file_size(file->path(), error);
    if (error) {
      return absl::InternalError(
          absl::StrCat(file->path(), ": ", error.message()));
    }
    return SnapshotInputs<B>{*grid, std::move(file),
                             static_cast<int64_t>(bytes)};
  }

  void Measure(State& state, SnapshotInputs<B>& in) override {
    if constexpr (HasSnapshot<B>) Run(state, in);
  }

  void Run(State& state, SnapshotInputs<B>& in) requires HasSnapshot<B> {
    const B& grid = *in.grid;
    const std::string& path = in.file->path();
    LatencySampler sampler;
    uint64_t cells = 0;
    absl::Status status;
    ResourceMeter meter(state);
    for (auto _ : state) {
      if (load_) {
        absl::StatusOr<B> loaded = sampler.Run([&] { return B::Load(path); });
        if (!loaded.ok()) {
          status = loaded.status();
          state.SkipWithError(std::string(status.message()).c_str());
          break;
        }
        cells += loaded->size();
      } else {
        status = sampler.Run([&] { return grid.Save(path); });
        if (!status.ok()) {
          state.SkipWithError(std::string(status.message()).c_str());
          break;
        }
        cells += grid.size();
      }
    }
    meter.Finish(state);
    if (!status.ok()) return;
    this->latency().Finish(state, sampler.histogram());
    ReportWork(state, static_cast<int64_t>(cells), cells);
    state.SetBytesProcessed(state.iterations() * in.file_bytes);
  }

  bool load_;
};

}  // namespace io_fixtures

// Registers the snapshot fixtures on backend B.
// `Unit`: a type of the calling file's unnamed namespace
// (RegisterGridFixtures in backend_fixtures.h says why).
template <GridBackend B, typename Unit>
void RegisterIoFixtures() {
  RegisterFixture<io_fixtures::SnapshotFixture<B, Unit>>("Grid/Save", false)
      ->Apply(FillSizes);
  RegisterFixture<io_fixtures::SnapshotFixture<B, Unit>>("Grid/Load", true)
      ->Apply(FillSizes);
}

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_IO_FIXTURES_H_
