// The subcommands of m8perf, dispatched through a table (Commands()). Each
// command declares its options on a CLI11 subcommand and returns the action
// to run once the command line has been parsed.

#ifndef M8_TOOLS_M8PERF_COMMAND_H_
#define M8_TOOLS_M8PERF_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analysis/read/metric.h"
#include "analysis/report/console.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"
#include "tools/m8perf/m8perf.h"

namespace m8::perf {

// Runs a parsed command; returns the exit status.
using Action = std::function<int(Io& io)>;

struct Command {
  const char* name;
  const char* description;
  // Adds the command's options to `app` (bound to state the action owns) and
  // returns the action.
  std::function<Action(CLI::App& app)> define;
};

// Every subcommand, in the order `m8perf --help` lists them.
const std::vector<Command>& Commands();

Command CompareCommand();
Command CheckCommand();
Command TrendCommand();
Command ScaleCommand();
Command SummaryCommand();
Command TuneCommand();
Command CalibrateCommand();
Command LoopCommand();
Command IngestCommand();
Command HistoryCommand();
Command ReportCommand();

// ---- Helpers shared by the commands -----------------------------------------

enum class Format { kConsole, kMarkdown, kJson };

// Options every reporting command has.
struct OutputOptions {
  std::string format = "console";
  std::string colour = "auto";

  Format format_value() const;
  // Colour for console output: `always`, or `auto` on a terminal when
  // NO_COLOR is unset.
  bool UseColour(const Io& io) const;
};

// Adds --format and --color to `app`.
void AddOutputOptions(CLI::App& app, OutputOptions* options);

// Prints "m8perf: error: <message>" and returns kExitUsage. The message is
// shown through analysis::Printable: one line, whatever names it quotes.
int Fail(Io& io, const absl::Status& status);

// With --strict-context, runs whose contexts differ are an error: fails (one
// line naming every difference) when `differences` is not empty and `strict`.
// Returns kExitOk otherwise.
int FailOnContextDifferences(Io& io, bool strict,
                             const std::vector<std::string>& differences);

// Writes `report` to io.out in the chosen format.
// `console` chooses the console rows; its colour is output's.
template <typename Report>
void Emit(const Report& report, const OutputOptions& output, Io& io,
          analysis::ConsoleOptions console = {}) {
  switch (output.format_value()) {
    case Format::kConsole:
      console.colour = output.UseColour(io);
      io.out << analysis::ToConsole(report, console);
      break;
    case Format::kMarkdown:
      io.out << analysis::ToMarkdown(report);
      break;
    case Format::kJson:
      io.out << analysis::ToJson(report);
      break;
  }
  io.out.flush();
}

// Parses NAME=lower|higher|neutral overrides (--direction).
absl::StatusOr<std::vector<std::pair<std::string, analysis::Direction>>>
ParseDirections(const std::vector<std::string>& specs);

}  // namespace m8::perf

#endif  // M8_TOOLS_M8PERF_COMMAND_H_
