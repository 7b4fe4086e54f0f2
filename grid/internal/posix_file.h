// POSIX file helpers shared by the snapshot reader and writer and the config
// loader: opening an input without blocking on it, reading and writing
// whole buffers, and turning errno into an absl::Status that names the file.
//
// Thread-safety: stateless functions; a ScopedFd belongs to one thread.
#ifndef M8_GRID_INTERNAL_POSIX_FILE_H_
#define M8_GRID_INTERNAL_POSIX_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace m8::internal {

// Owns a file descriptor; closes it on destruction (a close error there is
// ignored: call Close() where it matters).
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept;
  ~ScopedFd();

  int get() const { return fd_; }
  // Closes the descriptor; returns 0 or the errno of close().
  int Close();

 private:
  int fd_ = -1;
};

// `context: what: strerror(err)`, with a code that says what kind of failure
// it is: NotFound (ENOENT, ENOTDIR), PermissionDenied (EACCES, EPERM,
// EROFS), ResourceExhausted (ENOSPC, EDQUOT, EFBIG: the disk or a limit is
// full), Unavailable (anything else: an I/O error, a lost mount, ...).
absl::Status ErrnoStatus(int err, absl::string_view context,
                         absl::string_view what);

struct RegularFile {
  ScopedFd fd;
  uint64_t size = 0;  // At the time of opening.
};

// Opens `path` for reading and checks that it is a regular file before any
// read could block: the open itself never waits (O_NONBLOCK: a named pipe
// opens at once even with no writer), and a directory, named pipe, device or
// socket is refused with InvalidArgument saying which it is ("is a
// directory"). Errors read "`context`: ...", a failed open
// "`context`: `what`: strerror".
absl::StatusOr<RegularFile> OpenRegularFile(
    const std::string& path, absl::string_view context,
    absl::string_view what = "cannot open");

// Reads until `size` bytes or the end of the file; returns how many were
// read (fewer than `size` only at the end of the file). An error carries the
// errno of the failed read.
absl::StatusOr<size_t> ReadUpTo(int fd, void* data, size_t size,
                                absl::string_view context);

// Writes every byte of [data, data + size), retrying short writes and EINTR.
absl::Status WriteAll(int fd, const void* data, size_t size,
                      absl::string_view context);

// fsync() of the directory that holds `path` (made after a rename into it,
// so that the rename itself survives a crash).
absl::Status SyncDirectoryOf(const std::string& path,
                             absl::string_view context);

// The directory part of `path`: "." for a bare name, "/" for "/name".
std::string DirectoryOf(const std::string& path);

// Creates a new file `path` + ".tmp." + a unique suffix for writing, with the
// mode a file made by open(O_CREAT, 0666) gets (the process umask, and a
// default ACL of the directory, apply). Returns the name it made.
absl::StatusOr<std::pair<ScopedFd, std::string>> CreateTempBeside(
    const std::string& path, absl::string_view context);

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_POSIX_FILE_H_
