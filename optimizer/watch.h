// SourceWatcher: waits until a source file under a directory tree changes
// (inotify), for m8perf loop --watch. Build trees (directories holding a
// CMakeCache.txt), hidden directories and .git are not watched; directories
// created later are watched as they appear.
//
// Not thread-safe. Wait() returns early when a stop is requested (a flag a
// signal handler sets), so Ctrl-C ends a watch cleanly.

#ifndef M8_OPTIMIZER_WATCH_H_
#define M8_OPTIMIZER_WATCH_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace m8::optimizer {

class SourceWatcher {
 public:
  // Watches every directory under `root`. Errors: root is not a readable
  // directory, or inotify is unavailable or out of watches.
  static absl::StatusOr<std::unique_ptr<SourceWatcher>> Create(
      const std::string& root);
  ~SourceWatcher();

  enum class Event { kChanged, kStopped };

  // Blocks until a watched source file is written, created, moved or
  // removed (then waits `settle` for the rest of a save to land, and
  // returns the changed paths in `changed`), or until *stop becomes true.
  absl::StatusOr<Event> Wait(const std::atomic<bool>& stop,
                             std::vector<std::string>* changed,
                             absl::Duration settle = absl::Milliseconds(300));

  int watched_directories() const {
    return static_cast<int>(directories_.size());
  }

 private:
  SourceWatcher() = default;
  absl::Status AddTree(const std::string& root);
  // Reads pending events; appends source files that changed.
  absl::Status Drain(std::vector<std::string>* changed);

  int fd_ = -1;
  absl::flat_hash_map<int, std::string> directories_;  // watch -> path
};

// Whether a file name is a source file worth rebuilding for (C and C++
// sources and headers, CMake files).
bool IsSourceFile(const std::string& name);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_WATCH_H_
