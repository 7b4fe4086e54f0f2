// Files a tune writes: directories made as needed, and reports replaced
// atomically (a temporary file, fsync, rename, fsync of the directory), so a
// reader sees the old file or the new one, never half of one.
//
// Thread-compatible.

#ifndef M8_OPTIMIZER_FILES_H_
#define M8_OPTIMIZER_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace m8::optimizer {

// mkdir -p. Errors name the path that could not be made.
absl::Status MakeDirectories(const std::string& path);

// Replaces `path` with `contents`, atomically and durably.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_FILES_H_
