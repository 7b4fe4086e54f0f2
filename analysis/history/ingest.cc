#include "analysis/history/ingest.h"

#include <string>
#include <thread>
#include <utility>

#include "absl/time/clock.h"
#include "analysis/history/content_hash.h"
#include "analysis/judge/trend.h"
#include "analysis/read/reader.h"
#include "analysis/status_macros.h"

namespace m8::analysis {

std::string RecordedRevision(const Context& context) {
  const std::string* revision = context.FindExtra(kRevisionContextKey);
  if (revision == nullptr || revision->empty() || *revision == "unknown") {
    return "";
  }
  return *revision;
}

absl::StatusOr<IngestedFile> IngestResultsFile(HistoryStore& store,
                                               const std::string& path,
                                               const IngestOptions& options) {
  IngestedFile ingested;
  ingested.path = path;
  // Hashing and parsing each read the whole file: one on another thread.
  absl::StatusOr<std::string> hashed;
  std::thread hasher([&] { hashed = Sha256OfFile(path); });
  absl::StatusOr<ResultsFile> parsed = ReadResultsFile(path);
  hasher.join();
  M8_ASSIGN_OR_RETURN(const std::string sha256, std::move(hashed));
  M8_ASSIGN_OR_RETURN(std::optional<int64_t> stored,
                      store.FindByContent(sha256));
  if (stored.has_value()) {
    ingested.run_id = *stored;
    ingested.already_stored = true;
    return ingested;
  }
  M8_ASSIGN_OR_RETURN(const ResultsFile file, std::move(parsed));
  const Context& context = file.context();
  const absl::Time now =
      options.now == absl::InfinitePast() ? absl::Now() : options.now;
  RunMetadata metadata;
  metadata.content_sha256 = sha256;
  metadata.source = path;
  metadata.host = options.host.empty() ? context.host_name : options.host;
  metadata.revision = options.revision;
  if (metadata.revision.empty()) metadata.revision = RecordedRevision(context);
  if (metadata.revision.empty()) metadata.revision = options.checkout_revision;
  metadata.tags = options.tags;
  absl::StatusOr<absl::Time> date = ParseContextDate(context.date);
  metadata.run_time = date.ok() ? *date : now;
  metadata.ingested_at = now;
  M8_ASSIGN_OR_RETURN(const IngestResult result,
                      store.Ingest(file, metadata, options.progress));
  ingested.run_id = result.run_id;
  ingested.already_stored = result.already_stored;
  if (!result.already_stored) {
    ingested.benchmarks = static_cast<int64_t>(file.benchmarks().size());
    ingested.entries = static_cast<int64_t>(file.entries().size());
    ingested.revision = metadata.revision;
    ingested.host = metadata.host;
  }
  return ingested;
}

}  // namespace m8::analysis
