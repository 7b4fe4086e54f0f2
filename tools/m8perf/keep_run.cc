#include "tools/m8perf/keep_run.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "analysis/history/ingest.h"
#include "analysis/history/listing.h"
#include "analysis/history/store.h"
#include "optimizer/process.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {

std::string CheckoutRevision() {
  char path[] = "/tmp/m8perf-revision-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return "";
  ::close(fd);
  optimizer::ProcessOptions process;
  process.argv = {"git", "rev-parse", "--verify", "--quiet", "HEAD"};
  process.stdout_path = path;
  process.timeout = absl::Seconds(10);
  absl::StatusOr<optimizer::ProcessResult> result =
      optimizer::RunProcess(process);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  if (!result.ok() || !result->Succeeded()) return "";
  std::string revision(absl::StripAsciiWhitespace(text.str()));
  for (char c : revision) {
    if (!absl::ascii_isxdigit(c)) return "";
  }
  return revision;
}

absl::StatusOr<std::optional<std::string>> KeepRuns(
    const std::string& db, absl::Span<const std::string> paths,
    const analysis::RunTags& tags) {
  absl::StatusOr<analysis::HistoryLocation> location = HistoryLocationFor(db);
  if (!location.ok()) return location.status();
  analysis::HistoryOptions history;
  history.create = !location->is_default;
  absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
      analysis::HistoryStore::Open(*location, history);
  if (absl::IsNotFound(store.status()) && location->is_default) {
    return std::nullopt;
  }
  if (!store.ok()) return store.status();
  analysis::IngestOptions options;
  options.tags = tags;
  options.checkout_revision = CheckoutRevision();
  std::vector<std::string> ids;
  for (const std::string& path : paths) {
    absl::StatusOr<analysis::IngestedFile> ingested =
        analysis::IngestResultsFile(**store, path, options);
    if (!ingested.ok()) return ingested.status();
    ids.push_back(absl::StrCat("@", ingested->run_id));
  }
  return absl::StrCat("stored as ", absl::StrJoin(ids, ", "), " in ",
                      (*store)->location(), " (tags ", analysis::TagsText(tags),
                      ")");
}

}  // namespace m8::perf
