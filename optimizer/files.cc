#include "optimizer/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace m8::optimizer {
namespace {

absl::Status Errno(absl::string_view path, absl::string_view what) {
  return absl::PermissionDeniedError(
      absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Creates a new temporary file beside `path`, never one that exists: a name
// taken (by a symbolic link someone planted, or another writer of the same
// path) is skipped, not opened. Returns the descriptor and sets `temp`.
absl::StatusOr<int> CreateTemporary(const std::string& path,
                                    std::string* temp) {
  static std::atomic<uint64_t> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    *temp = absl::StrCat(path, ".tmp.", ::getpid(), ".", counter++);
    const int fd =
        ::open(temp->c_str(),
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return fd;
    if (errno != EEXIST) return Errno(*temp, "cannot create");
  }
  return absl::AlreadyExistsError(
      absl::StrCat(path,
                   ": cannot create a temporary file beside it (100 "
                   "names taken)"));
}

}  // namespace

absl::Status MakeDirectories(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("empty directory name");
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    const std::string prefix = path.substr(0, i);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return Errno(prefix, "cannot make the directory");
    }
  }
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a directory"));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  std::string temp;
  const absl::StatusOr<int> created = CreateTemporary(path, &temp);
  if (!created.ok()) return created.status();
  const int fd = *created;
  bool renamed = false;
  absl::Cleanup remove_temp = [&] {
    if (!renamed) ::unlink(temp.c_str());
  };
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n =
        ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const absl::Status s = Errno(temp, "cannot write");
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const absl::Status s = Errno(temp, "cannot sync");
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return Errno(path, "cannot replace");
  }
  renamed = true;
  const int dir =
      ::open(Parent(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

}  // namespace m8::optimizer
