// Grid snapshot files (.m8): the on-disk format shared by Grid and
// ConcurrentGrid.
//
// Layout, little-endian: a 144-byte header (magic, version, record size,
// header size, the grid options, the grid time in ns, the cell count), then
// one 36-byte record per cell (key, then the wave's fields in declaration
// order), then a CRC-32 (zlib) of every byte before it.
//
// SnapshotWriter writes to a temporary file in the target's directory,
// syncs it and renames it over the target only on Commit, then syncs the
// directory, so a crash never leaves a half-written snapshot under the real
// name. The snapshot gets the mode of any new file (0666 less the umask).
// Every failed write, fsync, rename or directory sync is an error naming the
// file and the errno; the previous snapshot at that path is then untouched
// (unless only the directory sync failed: the new one is in place, but may
// not survive a crash). ReadSnapshot checks magic, version, sizes, every
// field and the CRC; errors name the file.
//
// Thread-safety: a writer is used by one thread; ReadSnapshot is reentrant.
#ifndef M8_GRID_SNAPSHOT_H_
#define M8_GRID_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grid/grid_options.h"
#include "grid/internal/posix_file.h"
#include "grid/wave.h"

namespace m8 {

struct SnapshotHeader {
  GridOptions options;
  absl::Duration now;
  uint64_t cell_count = 0;
};

inline constexpr uint32_t kSnapshotVersion = 1;
inline constexpr size_t kSnapshotHeaderBytes = 144;
inline constexpr size_t kSnapshotRecordBytes = 36;

// OK when `w` is a valid stored cell at grid time `now_ms`: finite amplitude
// >= 0, frequency in [0, 1000], phase in [-pi, pi), tau > 0, importance <=
// 15, touched <= now_ms. Otherwise InvalidArgument saying which field.
absl::Status ValidateStoredWave(const Wave& w, uint32_t now_ms);

class SnapshotWriter {
 public:
  // Opens a temporary file beside `path` and writes the header.
  static absl::StatusOr<std::unique_ptr<SnapshotWriter>> Open(
      const std::string& path, const SnapshotHeader& header);
  // Removes the temporary file unless Commit succeeded.
  ~SnapshotWriter();

  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  absl::Status Append(uint32_t key, const Wave& w);
  // REQUIRES: exactly header.cell_count records were appended (else
  // FailedPrecondition). Writes the CRC, syncs, renames over the target,
  // syncs the directory.
  absl::Status Commit();

 private:
  SnapshotWriter(std::string path, std::string temp_path, internal::ScopedFd fd,
                 uint64_t expected);
  absl::Status Write(const void* data, size_t size);
  absl::Status Flush();

  std::string path_;
  std::string temp_path_;
  internal::ScopedFd fd_;
  uint64_t expected_;
  uint64_t appended_ = 0;
  uint32_t crc_;
  bool committed_ = false;
  std::vector<unsigned char> buffer_;
};

// Reads the snapshot at `path`: `on_header` once, then `on_record` per cell.
// Stops at the first error, returning it with the file named: NotFound
// (missing), InvalidArgument (a directory, named pipe, device or socket,
// refused without blocking on it; not a snapshot; unsupported version),
// DataLoss (truncated, size mismatch, CRC mismatch, bad field), the errno of
// a failed read (Unavailable for EIO), or whatever a callback returned. A CRC
// failure is reported in preference to a record error, since a corrupt byte
// explains both.
absl::Status ReadSnapshot(
    const std::string& path,
    absl::FunctionRef<absl::Status(const SnapshotHeader&)> on_header,
    absl::FunctionRef<absl::Status(uint32_t key, const Wave& w)> on_record);

}  // namespace m8

#endif  // M8_GRID_SNAPSHOT_H_
