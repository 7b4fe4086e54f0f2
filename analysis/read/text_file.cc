#include "analysis/read/text_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "analysis/read/printable.h"
#include "simdjson.h"

namespace m8::analysis {
namespace {

std::atomic<ReadHookForTesting> read_hook{nullptr};

// `shown` names `path` in the message.
absl::Status OpenError(const std::string& path, absl::string_view shown,
                       int err) {
  const std::string message =
      absl::StrCat(shown, ": cannot open: ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ENXIO: {
      struct stat info;
      if (::stat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) {
        return absl::InvalidArgumentError(
            absl::StrCat(shown, ": cannot open: it is a socket"));
      }
      return absl::InvalidArgumentError(message);
    }
    default:
      return absl::InvalidArgumentError(message);
  }
}

absl::Status ReadError(absl::string_view path, int err) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": cannot read: ", std::strerror(err)));
}

absl::Status Changed(absl::string_view path, absl::string_view how) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": the file changed while being read (", how,
                   "); read it again once whatever writes it has finished"));
}

bool SameTime(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

std::string Bytes(size_t n) {
  return absl::StrCat(n, n == 1 ? " byte" : " bytes");
}

}  // namespace

TextBuffer::~TextBuffer() { Release(); }

bool TextBuffer::Map(size_t needed, char** data, size_t* capacity) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t rounded = (needed + kHugePage - 1) & ~(kHugePage - 1);
  void* p = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  ::madvise(p, rounded, MADV_HUGEPAGE);
  *data = static_cast<char*>(p);
  *capacity = rounded;
  return true;
}

void TextBuffer::Release() {
  if (data_ != nullptr) ::munmap(data_, capacity_);
  data_ = nullptr;
  capacity_ = 0;
}

char* TextBuffer::Reserve(size_t size) {
  const size_t needed = size + simdjson::SIMDJSON_PADDING;
  if (needed > capacity_) {
    Release();
    if (!Map(needed, &data_, &capacity_)) return nullptr;
  }
  std::memset(data_ + size, 0, simdjson::SIMDJSON_PADDING);
  return data_;
}

char* TextBuffer::Grow(size_t keep, size_t size) {
  const size_t needed = size + simdjson::SIMDJSON_PADDING;
  if (needed > capacity_) {
    char* data = nullptr;
    size_t capacity = 0;
    if (!Map(needed, &data, &capacity)) {
      Release();
      return nullptr;
    }
    if (keep > 0) std::memcpy(data, data_, keep);
    Release();
    data_ = data;
    capacity_ = capacity;
  }
  std::memset(data_ + size, 0, simdjson::SIMDJSON_PADDING);
  return data_;
}

TextBuffer& ThreadTextBuffer() {
  thread_local TextBuffer buffer;
  return buffer;
}

void SetReadHookForTesting(ReadHookForTesting hook) { read_hook.store(hook); }

absl::StatusOr<absl::Span<char>> ReadTextFile(const std::string& path,
                                              TextBuffer* buffer,
                                              const TextFileOptions& options) {
  // A named pipe blocks here until a writer opens it, as it does for cat.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const int open_errno = errno;
  const std::string shown = Printable(path);  // the path in messages
  if (fd < 0) return OpenError(path, shown, open_errno);
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat before;
  if (::fstat(fd, &before) != 0) return ReadError(shown, errno);
  if (S_ISDIR(before.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ": cannot read: it is a directory"));
  }
  // A regular file says how long it is (files under /proc say 0, and are
  // read as streams); anything else is read until its end, up to the cap.
  const bool sized = S_ISREG(before.st_mode) && before.st_size > 0;
  const size_t expected = sized ? static_cast<size_t>(before.st_size) : 0;
  if (ReadHookForTesting hook = read_hook.load(); hook != nullptr) hook(path);

  // One byte beyond the expected size, so that the read that finds the end
  // of a file that kept its size needs no larger buffer.
  size_t capacity = sized
                        ? expected + 1
                        : std::min(size_t{64} << 10, options.max_stream_bytes);
  char* data = buffer->Reserve(capacity);
  size_t done = 0;
  for (;;) {
    if (data == nullptr) {
      return absl::ResourceExhaustedError(absl::StrCat(
          shown, ": out of memory for ", Bytes(capacity), " of text"));
    }
    if (done == capacity) {
      if (!sized && done >= options.max_stream_bytes) {
        return absl::InvalidArgumentError(absl::StrCat(
            shown, ": more than ", Bytes(options.max_stream_bytes),
            " from a pipe or device, more than a results file holds (save "
            "it to a file to read a larger one)"));
      }
      capacity = std::max(capacity * 2, capacity + (size_t{64} << 10));
      if (!sized) capacity = std::min(capacity, options.max_stream_bytes);
      data = buffer->Grow(done, capacity);
      continue;
    }
    const ssize_t got = ::read(fd, data + done, capacity - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ReadError(shown, errno);
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  std::memset(data + done, 0, simdjson::SIMDJSON_PADDING);

  if (S_ISREG(before.st_mode)) {
    struct stat after;
    if (::fstat(fd, &after) != 0) return ReadError(shown, errno);
    if (sized && done < expected) {
      return Changed(shown, absl::StrCat(Bytes(expected), " when opened, ",
                                         Bytes(done), " by its end"));
    }
    if (after.st_size != before.st_size ||
        !SameTime(after.st_mtim, before.st_mtim)) {
      return Changed(shown,
                     absl::StrCat(Bytes(expected), " when opened, ",
                                  Bytes(static_cast<size_t>(after.st_size)),
                                  " after, and modified in between"));
    }
  }
  return absl::Span<char>(data, done);
}

}  // namespace m8::analysis
