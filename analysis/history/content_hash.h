// The content hash of a results file: the SHA-256 of its bytes, by which the
// history stores a file once however often it is ingested.
// Thread-safe.

#ifndef M8_ANALYSIS_HISTORY_CONTENT_HASH_H_
#define M8_ANALYSIS_HISTORY_CONTENT_HASH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace m8::analysis {

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

// Lowercase hex SHA-256 of the file at `path`. Errors name the path.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_CONTENT_HASH_H_
