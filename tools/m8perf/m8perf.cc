#include "tools/m8perf/m8perf.h"

#include <cstdlib>
#include <exception>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/read/printable.h"
#include "tools/m8perf/command.h"

namespace m8::perf {

const std::vector<Command>& Commands() {
  static const std::vector<Command>* const kCommands = new std::vector<Command>{
      CompareCommand(), CheckCommand(),     TrendCommand(),  ScaleCommand(),
      SummaryCommand(), ReportCommand(),    IngestCommand(), HistoryCommand(),
      TuneCommand(),    CalibrateCommand(), LoopCommand()};
  return *kCommands;
}

Format OutputOptions::format_value() const {
  if (format == "markdown") return Format::kMarkdown;
  if (format == "json") return Format::kJson;
  return Format::kConsole;
}

bool OutputOptions::UseColour(const Io& io) const {
  if (colour == "always") return true;
  if (colour == "never") return false;
  return io.out_is_terminal && std::getenv("NO_COLOR") == nullptr;
}

void AddOutputOptions(CLI::App& app, OutputOptions* options) {
  app.add_option("--format", options->format,
                 "Report format: console, markdown (pull-request comment) or "
                 "json")
      ->check(CLI::IsMember({"console", "markdown", "json"}))
      ->capture_default_str();
  app.add_option("--color", options->colour,
                 "Colour console output: auto (only on a terminal, unless "
                 "NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

absl::StatusOr<std::vector<std::pair<std::string, analysis::Direction>>>
ParseDirections(const std::vector<std::string>& specs) {
  std::vector<std::pair<std::string, analysis::Direction>> directions;
  for (const std::string& spec : specs) {
    const size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--direction takes NAME=lower|higher|neutral, got '", spec, "'"));
    }
    absl::StatusOr<analysis::Direction> direction =
        analysis::ParseDirection(spec.substr(equals + 1));
    if (!direction.ok()) return direction.status();
    directions.emplace_back(spec.substr(0, equals), *direction);
  }
  return directions;
}

int Fail(Io& io, const absl::Status& status) {
  io.err << "m8perf: error: " << analysis::Printable(status.message()) << "\n";
  return kExitUsage;
}

int FailOnContextDifferences(Io& io, bool strict,
                             const std::vector<std::string>& differences) {
  if (!strict || differences.empty()) return kExitOk;
  return Fail(io, absl::FailedPreconditionError(absl::StrCat(
                      "--strict-context: ", absl::StrJoin(differences, "; "))));
}

int RunM8perf(int argc, const char* const* argv, Io io) {
  try {
    CLI::App app(
        "Compares, checks and tracks Google Benchmark JSON results, and tunes "
        "grid options.\n"
        "Exit status: 0 success, 1 a regression or breach that was asked to "
        "fail, 2 bad usage or unreadable input.",
        "m8perf");
    app.require_subcommand(1);
    std::vector<std::pair<CLI::App*, Action>> actions;
    for (const Command& command : Commands()) {
      CLI::App* sub = app.add_subcommand(command.name, command.description);
      actions.emplace_back(sub, command.define(*sub));
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help
      app.exit(e, io.out, io.err);
      return kExitOk;
    } catch (const CLI::ParseError& e) {
      // One line, as every other error: the problem and where to look.
      io.err << "m8perf: error: " << analysis::Printable(e.what())
             << " (see m8perf "
             << (argc > 1 ? analysis::Printable(absl::StrCat(argv[1], " "))
                          : "")
             << "--help)\n";
      return kExitUsage;
    }
    for (auto& [sub, action] : actions) {
      if (sub->parsed()) return action(io);
    }
    return kExitUsage;
  } catch (const std::exception& e) {
    io.err << "m8perf: internal error: " << analysis::Printable(e.what())
           << "\n";
    return kExitUsage;
  }
}

}  // namespace m8::perf
