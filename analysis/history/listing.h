// What `m8perf history list` and `m8perf history show` print, in the three
// formats of every report (console, Markdown, JSON). The reports are built
// by the caller from HistoryStore; these functions only format.
//
// Pure functions; thread-safe.

#ifndef M8_ANALYSIS_HISTORY_LISTING_H_
#define M8_ANALYSIS_HISTORY_LISTING_H_

#include <string>
#include <vector>

#include "analysis/history/run_info.h"
#include "analysis/judge/summary.h"
#include "analysis/read/results.h"
#include "analysis/report/console.h"

namespace m8::analysis {

// history list: the selected runs, oldest first.
struct HistoryListing {
  std::string location;
  std::vector<RunInfo> runs;
  size_t stored = 0;  // runs in the history, selected or not
};

// history show: one run in detail.
struct RunDetail {
  std::string location;
  RunInfo run;
  Context context;
  SummaryReport summary;  // per-benchmark medians, errors and skips
};

// JSON of a run's identity: {"id", "date", "ingested_at", "host",
// "revision", "tags": {K: V}, "benchmarks", "entries", "source", "sha256"};
// dates in ISO-8601 UTC.
std::string ToJson(const HistoryListing& listing);
std::string ToJson(const RunDetail& detail);

std::string ToConsole(const HistoryListing& listing,
                      const ConsoleOptions& options);
std::string ToConsole(const RunDetail& detail, const ConsoleOptions& options);

std::string ToMarkdown(const HistoryListing& listing);
std::string ToMarkdown(const RunDetail& detail);

// "branch=main,ci=1"; empty for no tags.
std::string TagsText(const RunTags& tags);

// "2026-11-28 06:00:00" (UTC).
std::string DateText(absl::Time time);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_LISTING_H_
