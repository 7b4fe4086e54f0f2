// The options by which m8perf's commands take runs from the history as well
// as from files: --db URL and the selectors --host, --tag K=V, --since DATE,
// --rev REV, --last N; operands @ID, @last, @prev where a file is expected
// (analysis/history/selection.h does the work).

#ifndef M8_TOOLS_M8PERF_RUN_SOURCE_H_
#define M8_TOOLS_M8PERF_RUN_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "analysis/history/selection.h"

namespace m8::perf {

// The environment variable that names the history when --db does not.
inline constexpr char kHistoryEnvironment[] = "M8_HISTORY";

struct RunSelectionArgs {
  std::string db;
  std::string host;
  std::vector<std::string> tags;
  std::string since;
  std::string revision;
  int64_t last = 0;
};

// Adds --db, --host, --tag, --since, --rev and --last to `app`.
void AddRunSelectionOptions(CLI::App& app, RunSelectionArgs* args);

// Adds --db only (commands that name runs but select none).
void AddHistoryOption(CLI::App& app, std::string* db);

// The library's options from the command line and M8_HISTORY.
absl::StatusOr<analysis::RunSelectionOptions> SelectionOptions(
    const RunSelectionArgs& args);

// The history's location from --db and M8_HISTORY.
absl::StatusOr<analysis::HistoryLocation> HistoryLocationFor(
    const std::string& db);

// Help text for an operand that takes a file or a stored run.
inline constexpr char kRunOperandHelp[] =
    "a results file (JSON), or a stored run: @ID, @last, @prev (among the "
    "runs --host/--tag/--since/--rev select)";

}  // namespace m8::perf

#endif  // M8_TOOLS_M8PERF_RUN_SOURCE_H_
