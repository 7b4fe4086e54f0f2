// What the history records about a stored run beside its results: identity,
// provenance and tags. Plain values; thread-compatible.

#ifndef M8_ANALYSIS_HISTORY_RUN_INFO_H_
#define M8_ANALYSIS_HISTORY_RUN_INFO_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace m8::analysis {

// K=V labels given at ingest (--tag), sorted by key; keys are unique.
using RunTags = std::vector<std::pair<std::string, std::string>>;

// Given to HistoryStore::Ingest with the results.
struct RunMetadata {
  // SHA-256 of the results file's bytes, lowercase hex: a file is stored
  // once.
  std::string content_sha256;
  std::string source;    // the path it was ingested from
  std::string host;      // --host, else the context's host_name
  std::string revision;  // git revision; empty when unknown
  RunTags tags;
  // When the benchmarks ran (the context's date; the ingest time when the
  // file has no readable date), and when the run was stored. Stored to the
  // microsecond.
  absl::Time run_time;
  absl::Time ingested_at;
};

// A stored run, as listed.
struct RunInfo {
  int64_t id = 0;  // assigned at ingest, never reused
  std::string content_sha256;
  std::string source;
  std::string host;
  std::string revision;
  RunTags tags;
  absl::Time run_time;
  absl::Time ingested_at;
  int64_t benchmark_count = 0;  // distinct run_names
  int64_t entry_count = 0;      // entries of the `benchmarks` array
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_RUN_INFO_H_
