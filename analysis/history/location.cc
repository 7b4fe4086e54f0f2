#include "analysis/history/location.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace m8::analysis {
namespace {

// postgresql://user:secret@host/db -> postgresql://user@host/db: messages
// never show a password.
std::string WithoutPassword(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(url);
  const size_t authority = scheme_end + 3;
  const size_t at = url.find('@', authority);
  const size_t slash = url.find('/', authority);
  if (at == absl::string_view::npos ||
      (slash != absl::string_view::npos && slash < at)) {
    return std::string(url);
  }
  const size_t colon = url.find(':', authority);
  if (colon == absl::string_view::npos || colon > at) return std::string(url);
  return absl::StrCat(url.substr(0, colon), url.substr(at));
}

}  // namespace

absl::StatusOr<HistoryLocation> ParseHistoryUrl(absl::string_view url) {
  HistoryLocation location;
  if (absl::StartsWith(url, "postgresql://") ||
      absl::StartsWith(url, "postgres://")) {
    location.dialect = SqlDialect::kPostgres;
    location.target = std::string(url);
    location.display = WithoutPassword(url);
    return location;
  }
  absl::string_view path = url;
  if (absl::ConsumePrefix(&path, "sqlite:")) {
    // sqlite:///abs/path and sqlite://rel/path read as paths too.
    absl::ConsumePrefix(&path, "//");
  } else if (const size_t scheme = url.find("://");
             scheme != absl::string_view::npos && url.find('/') == scheme + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("history URL '", url,
                     "': unknown scheme (use sqlite:PATH or "
                     "postgresql://USER@HOST[:PORT]/DB)"));
  }
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("history URL '", url, "' names no file"));
  }
  location.dialect = SqlDialect::kSqlite;
  location.target = std::string(path);
  location.display = std::string(path);
  return location;
}

absl::StatusOr<HistoryLocation> ResolveHistoryLocation(
    absl::string_view url, absl::string_view environment) {
  if (!url.empty()) return ParseHistoryUrl(url);
  if (!environment.empty()) return ParseHistoryUrl(environment);
  absl::StatusOr<HistoryLocation> location =
      ParseHistoryUrl(kDefaultHistoryPath);
  if (location.ok()) location->is_default = true;
  return location;
}

}  // namespace m8::analysis
