#include "grid/internal/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace m8::internal {

ScopedFd& ScopedFd::operator=(ScopedFd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

ScopedFd::~ScopedFd() { Close(); }

int ScopedFd::Close() {
  if (fd_ < 0) return 0;
  const int result = ::close(std::exchange(fd_, -1));
  // After EINTR the descriptor is closed on Linux: never close it twice.
  return result == 0 || errno == EINTR ? 0 : errno;
}

absl::Status ErrnoStatus(int err, absl::string_view context,
                         absl::string_view what) {
  const std::string message =
      absl::StrCat(context, ": ", what, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::UnavailableError(message);
  }
}

namespace {

// What a file that is not a regular file is, in words.
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a named pipe, not a regular file";
  if (S_ISCHR(mode)) return "is a character device, not a regular file";
  if (S_ISBLK(mode)) return "is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "is not a regular file";
}

}  // namespace

absl::StatusOr<RegularFile> OpenRegularFile(const std::string& path,
                                            absl::string_view context,
                                            absl::string_view what) {
  RegularFile file;
  file.fd = ScopedFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (file.fd.get() < 0) return ErrnoStatus(errno, context, what);
  struct stat st;
  if (::fstat(file.fd.get(), &st) != 0) {
    return ErrnoStatus(errno, context, "cannot stat");
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": ", KindOf(st.st_mode)));
  }
  file.size = static_cast<uint64_t>(st.st_size);
  return file;
}

absl::StatusOr<size_t> ReadUpTo(int fd, void* data, size_t size,
                                absl::string_view context) {
  auto* p = static_cast<unsigned char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, context, "read failed");
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

absl::Status WriteAll(int fd, const void* data, size_t size,
                      absl::string_view context) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, context, "write failed");
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status SyncDirectoryOf(const std::string& path,
                             absl::string_view context) {
  const std::string dir = DirectoryOf(path);
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    return ErrnoStatus(errno, context,
                       absl::StrCat("cannot open the directory ", dir));
  }
  if (::fsync(fd.get()) != 0) {
    return ErrnoStatus(errno, context,
                       absl::StrCat("fsync of the directory ", dir, " failed"));
  }
  if (const int err = fd.Close(); err != 0) {
    return ErrnoStatus(err, context,
                       absl::StrCat("close of the directory ", dir, " failed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<ScopedFd, std::string>> CreateTempBeside(
    const std::string& path, absl::string_view context) {
  static std::atomic<uint64_t> counter{0};
  for (int attempt = 0;; ++attempt) {
    timespec now;
    ::clock_gettime(CLOCK_REALTIME, &now);
    const std::string temp =
        absl::StrCat(path, ".tmp.", ::getpid(), ".",
                     counter.fetch_add(1, std::memory_order_relaxed), ".",
                     static_cast<uint64_t>(now.tv_nsec) % 1000000);
    ScopedFd fd(
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.get() >= 0) return std::make_pair(std::move(fd), temp);
    if (errno != EEXIST || attempt == 100) {
      return ErrnoStatus(errno, context, "cannot create a temporary file");
    }
  }
}

}  // namespace m8::internal
