// Keeping the runs that m8perf loop and m8perf calibrate make in the history
// of runs (analysis/history), beside their own stores, so that compare,
// trend and report can find them later with --tag.

#ifndef M8_TOOLS_M8PERF_KEEP_RUN_H_
#define M8_TOOLS_M8PERF_KEEP_RUN_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "analysis/history/run_info.h"

namespace m8::perf {

// The revision checked out in the current directory (git rev-parse HEAD),
// or empty outside a checkout or without git.
std::string CheckoutRevision();

// Stores each results file, tagged, in the history that `db` (--db) or
// M8_HISTORY names, creating it if need be; when neither names one, in the
// default history only if it exists already (a loop does not start a
// history of its own). Returns one line saying where the runs went, or
// nullopt when there is no history to keep them in. Errors: the history
// cannot be opened or written, or a file cannot be read (one line each).
absl::StatusOr<std::optional<std::string>> KeepRuns(
    const std::string& db, absl::Span<const std::string> paths,
    const analysis::RunTags& tags);

}  // namespace m8::perf

#endif  // M8_TOOLS_M8PERF_KEEP_RUN_H_
