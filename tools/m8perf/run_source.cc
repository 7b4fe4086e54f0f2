#include "tools/m8perf/run_source.h"

#include <cstdlib>
#include <string>

#include "analysis/status_macros.h"

namespace m8::perf {
namespace {

std::string Environment() {
  const char* value = std::getenv(kHistoryEnvironment);
  return value == nullptr ? "" : value;
}

}  // namespace

void AddHistoryOption(CLI::App& app, std::string* db) {
  app.add_option("--db", *db,
                 "The history: sqlite:PATH, PATH or "
                 "postgresql://USER@HOST[:PORT]/DB (default: $M8_HISTORY, "
                 "else .m8bench/history.db)");
}

void AddRunSelectionOptions(CLI::App& app, RunSelectionArgs* args) {
  AddHistoryOption(app, &args->db);
  app.add_option("--host", args->host, "Select stored runs of this host");
  app.add_option("--tag", args->tags,
                 "Select stored runs tagged K=V (repeatable: all must match)");
  app.add_option("--since", args->since,
                 "Select stored runs made at or after this date (2026-11-28, "
                 "2026-11-28T06:00 UTC, or with an offset)");
  app.add_option("--rev", args->revision,
                 "Select stored runs whose git revision starts with REV");
  app.add_option("--last", args->last,
                 "Select only the newest N of the stored runs")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
}

absl::StatusOr<analysis::RunSelectionOptions> SelectionOptions(
    const RunSelectionArgs& args) {
  analysis::RunSelectionOptions options;
  options.db_url = args.db;
  options.environment = Environment();
  options.selector.host = args.host;
  M8_ASSIGN_OR_RETURN(options.selector.tags, analysis::ParseTags(args.tags));
  if (!args.since.empty()) {
    M8_ASSIGN_OR_RETURN(options.selector.since,
                        analysis::ParseSince(args.since));
  }
  options.selector.revision = args.revision;
  options.selector.last = args.last;
  return options;
}

absl::StatusOr<analysis::HistoryLocation> HistoryLocationFor(
    const std::string& db) {
  return analysis::ResolveHistoryLocation(db, Environment());
}

}  // namespace m8::perf
