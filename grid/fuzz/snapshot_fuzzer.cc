// libFuzzer target for the snapshot loader: no input may crash Grid::Load or
// ConcurrentGrid::Load, and whatever loads is a consistent grid. Built with
// clang when M8_BUILD_FUZZERS=ON; ctest runs it for a bounded time (label
// "fuzz") from the seed corpus in corpus/snapshot.
//
// The first byte chooses how the rest is used: odd, the last four bytes are
// replaced by the right CRC-32 of the others, so that mutations reach the
// checks behind the checksum (header fields, records, duplicates); even,
// the bytes are loaded as they are. The snapshot is read through
// /proc/self/fd of an in-memory file, a regular file to the loader.
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "grid/concurrent_grid.h"
#include "grid/grid.h"
#include "grid/snapshot.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<unsigned char> bytes(data + 1, data + size);
  if ((data[0] & 1) != 0 && bytes.size() >= 4) {
    const size_t body = bytes.size() - 4;
    const auto crc = static_cast<uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), bytes.data(), static_cast<uInt>(body)));
    std::memcpy(bytes.data() + body, &crc, 4);
  }
  static const int fd = memfd_create("m8_snapshot_fuzz", 0);
  Check(fd >= 0);
  Check(ftruncate(fd, 0) == 0);
  Check(pwrite(fd, bytes.data(), bytes.size(), 0) ==
        static_cast<ssize_t>(bytes.size()));
  const std::string path = "/proc/self/fd/" + std::to_string(fd);

  absl::StatusOr<m8::Grid> grid = m8::Grid::Load(path);
  absl::StatusOr<std::unique_ptr<m8::ConcurrentGrid>> sharded =
      m8::ConcurrentGrid::Load(path, 3);
  // Both read the same format with the same checks.
  Check(grid.ok() == sharded.ok());
  if (!grid.ok()) {
    Check(grid.status().message().find(path) != std::string::npos);
    return 0;
  }
  Check((*sharded)->size() == grid->size());
  Check(grid->options().Validate().ok());
  // Every cell is a valid stored wave, and each index holds each cell once.
  const auto now_ms =
      static_cast<uint32_t>(absl::ToInt64Milliseconds(grid->now()));
  size_t cells = 0;
  grid->ForEachCell([&](m8::Coord c, const m8::Wave& w) {
    Check(m8::ValidateStoredWave(w, now_ms).ok());
    Check((*sharded)->Contains(c));
    ++cells;
  });
  Check(cells == grid->size());
  Check(grid->Resonance({.frequency = 500, .bandwidth = 500, .k = 0}).size() ==
        cells);
  Check(grid->Region(128, 128, 1000, 0, 65535).size() == cells);
  return 0;
}
