// An LD_PRELOAD library that makes the C library's file calls fail on chosen
// files, as a full disk or a failing device would: tests load it into the
// real code (a test executable, a benchmark binary) to see what that code
// does with real I/O errors. Only write, writev, fsync, fdatasync and read
// are wrapped; each checks the file behind the descriptor
// (/proc/self/fd/N) against M8_FAULT_MATCH and otherwise calls through.
//
// Environment, read at every call (a test may change it between calls):
//   M8_FAULT_MATCH            a substring of the path; unset or empty: no
//                             faults at all
//   M8_FAULT_WRITE=E          write/writev to a matching regular file fail
//                             with errno E (28: ENOSPC, 5: EIO) ...
//   M8_FAULT_WRITE_AFTER=N    ... once the file offset reaches N (default
//                             0); the write that crosses N is cut short
//                             there, as on a disk that fills up
//   M8_FAULT_FSYNC=E          fsync/fdatasync of a matching regular file
//                             fail with errno E
//   M8_FAULT_DIR_FSYNC=E      fsync of a matching directory fails with E
//   M8_FAULT_READ=E           read of a matching regular file fails with E
//   M8_FAULT_READ_EOF_AFTER=N reads of a matching regular file end (return
//                             0) at offset N, as if it had shrunk to N bytes
//
// m8_io_fault_shim_loaded() lets a test check that the library is loaded.
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {

template <typename F>
F Next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

using WriteFn = ssize_t (*)(int, const void*, size_t);
using WritevFn = ssize_t (*)(int, const struct iovec*, int);
using FsyncFn = int (*)(int);
using ReadFn = ssize_t (*)(int, void*, size_t);

// The value of the environment variable `name` as a number, or -1.
long long EnvNumber(const char* name) {
  const char* text = getenv(name);
  if (text == nullptr || *text == '\0') return -1;
  return strtoll(text, nullptr, 10);
}

enum class Kind { kOther, kRegular, kDirectory };

// What `fd` is, when its path contains M8_FAULT_MATCH; kOther otherwise.
Kind Matching(int fd) {
  const char* match = getenv("M8_FAULT_MATCH");
  if (match == nullptr || *match == '\0') return Kind::kOther;
  char link[64];
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  char path[PATH_MAX + 1];
  const ssize_t n = readlink(link, path, PATH_MAX);
  if (n <= 0) return Kind::kOther;
  path[n] = '\0';
  if (strstr(path, match) == nullptr) return Kind::kOther;
  struct stat st;
  if (fstat(fd, &st) != 0) return Kind::kOther;
  if (S_ISREG(st.st_mode)) return Kind::kRegular;
  if (S_ISDIR(st.st_mode)) return Kind::kDirectory;
  return Kind::kOther;
}

// How many of `size` bytes a write to the matching file `fd` may write, or
// -1 with errno set when it fails.
ssize_t WriteAllowance(int fd, size_t size) {
  const long long error = EnvNumber("M8_FAULT_WRITE");
  if (error < 0) return static_cast<ssize_t>(size);
  const long long after = EnvNumber("M8_FAULT_WRITE_AFTER");
  const long long limit = after < 0 ? 0 : after;
  const off_t at = lseek(fd, 0, SEEK_CUR);
  if (at < 0 || at >= limit) {
    errno = static_cast<int>(error);
    return -1;
  }
  const auto left = static_cast<unsigned long long>(limit - at);
  return static_cast<ssize_t>(size < left ? size : left);
}

int FsyncFault(int fd) {
  const Kind kind = Matching(fd);
  long long error = -1;
  if (kind == Kind::kRegular) error = EnvNumber("M8_FAULT_FSYNC");
  if (kind == Kind::kDirectory) error = EnvNumber("M8_FAULT_DIR_FSYNC");
  if (error < 0) return 0;
  errno = static_cast<int>(error);
  return -1;
}

}  // namespace

extern "C" {

int m8_io_fault_shim_loaded() { return 1; }

ssize_t write(int fd, const void* data, size_t size) {
  static const WriteFn real = Next<WriteFn>("write");
  if (Matching(fd) != Kind::kRegular) return real(fd, data, size);
  const ssize_t allowed = WriteAllowance(fd, size);
  if (allowed < 0) return -1;
  return real(fd, data, static_cast<size_t>(allowed));
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static const WritevFn real = Next<WritevFn>("writev");
  if (Matching(fd) != Kind::kRegular) return real(fd, iov, count);
  size_t size = 0;
  for (int i = 0; i < count; ++i) size += iov[i].iov_len;
  const ssize_t allowed = WriteAllowance(fd, size);
  if (allowed < 0) return -1;
  if (static_cast<size_t>(allowed) == size) return real(fd, iov, count);
  // Cut short: write what fits of the first buffers.
  static const WriteFn real_write = Next<WriteFn>("write");
  size_t left = static_cast<size_t>(allowed);
  ssize_t total = 0;
  for (int i = 0; i < count && left > 0; ++i) {
    const size_t part = iov[i].iov_len < left ? iov[i].iov_len : left;
    const ssize_t n = real_write(fd, iov[i].iov_base, part);
    if (n < 0) return total > 0 ? total : -1;
    total += n;
    left -= static_cast<size_t>(n);
    if (static_cast<size_t>(n) < part) break;
  }
  return total;
}

int fsync(int fd) {
  static const FsyncFn real = Next<FsyncFn>("fsync");
  if (FsyncFault(fd) != 0) return -1;
  return real(fd);
}

int fdatasync(int fd) {
  static const FsyncFn real = Next<FsyncFn>("fdatasync");
  if (FsyncFault(fd) != 0) return -1;
  return real(fd);
}

ssize_t read(int fd, void* data, size_t size) {
  static const ReadFn real = Next<ReadFn>("read");
  if (Matching(fd) != Kind::kRegular) return real(fd, data, size);
  const long long error = EnvNumber("M8_FAULT_READ");
  if (error >= 0) {
    errno = static_cast<int>(error);
    return -1;
  }
  const long long end = EnvNumber("M8_FAULT_READ_EOF_AFTER");
  if (end >= 0) {
    const off_t at = lseek(fd, 0, SEEK_CUR);
    if (at >= end) return 0;
    if (at >= 0 && static_cast<long long>(size) > end - at) {
      size = static_cast<size_t>(end - at);
    }
  }
  return real(fd, data, size);
}

}  // extern "C"
