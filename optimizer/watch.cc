#include "optimizer/watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace m8::optimizer {
namespace {

constexpr uint32_t kDirectoryEvents = IN_CLOSE_WRITE | IN_MOVED_TO |
                                      IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                                      IN_DELETE_SELF;

bool Skipped(const std::filesystem::path& dir) {
  const std::string name = dir.filename().string();
  if (!name.empty() && name[0] == '.') return true;
  std::error_code error;
  return std::filesystem::exists(dir / "CMakeCache.txt", error);
}

}  // namespace

bool IsSourceFile(const std::string& name) {
  if (name == "CMakeLists.txt") return true;
  for (const char* ext : {".cc", ".h", ".cpp", ".hpp", ".cxx", ".hh", ".c",
                          ".inc", ".cmake", ".in"}) {
    if (absl::EndsWith(name, ext)) return true;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<SourceWatcher>> SourceWatcher::Create(
    const std::string& root) {
  std::unique_ptr<SourceWatcher> watcher(new SourceWatcher());
  watcher->fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (watcher->fd_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("inotify: ", std::strerror(errno)));
  }
  if (absl::Status s = watcher->AddTree(root); !s.ok()) return s;
  return watcher;
}

SourceWatcher::~SourceWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status SourceWatcher::AddTree(const std::string& root) {
  std::error_code error;
  if (!std::filesystem::is_directory(root, error)) {
    return absl::NotFoundError(absl::StrCat(root, ": not a directory"));
  }
  std::vector<std::filesystem::path> pending = {root};
  while (!pending.empty()) {
    const std::filesystem::path dir = pending.back();
    pending.pop_back();
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kDirectoryEvents);
    if (wd < 0) {
      return absl::ResourceExhaustedError(absl::StrCat(
          dir.string(), ": cannot watch: ", std::strerror(errno),
          errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""));
    }
    directories_[wd] = dir.string();
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
      if (entry.is_directory(error) && !entry.is_symlink(error) &&
          !Skipped(entry.path())) {
        pending.push_back(entry.path());
      }
    }
  }
  return absl::OkStatus();
}

absl::Status SourceWatcher::Drain(std::vector<std::string>* changed) {
  alignas(inotify_event) char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return absl::OkStatus();
      return absl::InternalError(
          absl::StrCat("inotify read: ", std::strerror(errno)));
    }
    for (char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      auto dir = directories_.find(event->wd);
      if (dir == directories_.end()) continue;
      if (event->mask & IN_IGNORED) {
        directories_.erase(dir);
        continue;
      }
      const std::string name = event->len > 0 ? event->name : "";
      const std::string path = absl::StrCat(dir->second, "/", name);
      if ((event->mask & IN_ISDIR) &&
          (event->mask & (IN_CREATE | IN_MOVED_TO))) {
        if (!Skipped(path)) {
          if (absl::Status s = AddTree(path); !s.ok()) return s;
        }
        continue;
      }
      if (!(event->mask & IN_ISDIR) && IsSourceFile(name)) {
        changed->push_back(path);
      }
    }
  }
}

absl::StatusOr<SourceWatcher::Event> SourceWatcher::Wait(
    const std::atomic<bool>& stop, std::vector<std::string>* changed,
    absl::Duration settle) {
  changed->clear();
  while (!stop.load()) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 200);  // wake to look at `stop`
    if (ready < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (ready <= 0) continue;
    if (absl::Status s = Drain(changed); !s.ok()) return s;
    if (changed->empty()) continue;
    // An editor's save is several events: let them land, then take them.
    absl::SleepFor(settle);
    if (absl::Status s = Drain(changed); !s.ok()) return s;
    return Event::kChanged;
  }
  return Event::kStopped;
}

}  // namespace m8::optimizer
