// Where a history of runs is kept, named by a URL:
//
//   sqlite:PATH                        a SQLite file (the embedded default)
//   PATH                               the same (no scheme)
//   postgresql://USER@HOST[:PORT]/DB   a PostgreSQL database; any libpq URL
//   postgres://...                     (libpq parameters, ?sslmode=..., pass
//                                      through)
//
// Without a URL: $M8_HISTORY, else .m8bench/history.db under the current
// directory. Pure functions; thread-safe.

#ifndef M8_ANALYSIS_HISTORY_LOCATION_H_
#define M8_ANALYSIS_HISTORY_LOCATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analysis/history/backend.h"

namespace m8::analysis {

// The history file used when neither --db nor M8_HISTORY names one.
inline constexpr absl::string_view kDefaultHistoryPath = ".m8bench/history.db";

struct HistoryLocation {
  SqlDialect dialect = SqlDialect::kSqlite;
  // SQLite: the file's path; PostgreSQL: the URL as given, for libpq.
  std::string target;
  // For messages: the path, or the URL without its password.
  std::string display;
  // The default location: its folder (.m8bench) is created on first use.
  bool is_default = false;
};

// Parses a history URL. Errors (InvalidArgument): an empty URL or path, an
// unknown scheme ("mysql://...").
absl::StatusOr<HistoryLocation> ParseHistoryUrl(absl::string_view url);

// The location to use: `url` (--db) when not empty, else `environment`
// (the value of M8_HISTORY) when not empty, else kDefaultHistoryPath.
absl::StatusOr<HistoryLocation> ResolveHistoryLocation(
    absl::string_view url, absl::string_view environment);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_LOCATION_H_
