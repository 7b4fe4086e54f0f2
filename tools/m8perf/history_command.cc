// m8perf history list|show RUN|forget RUN|verify [--db URL]

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/listing.h"
#include "analysis/history/selection.h"
#include "analysis/history/store.h"
#include "analysis/judge/environment.h"
#include "analysis/judge/summary.h"
#include "analysis/report/format.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

struct HistoryArgs {
  RunSelectionArgs selection;
  std::string run;  // show, forget
  OutputOptions output;
};

absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> OpenHistory(
    const analysis::RunSelectionOptions& options) {
  absl::StatusOr<analysis::HistoryLocation> location =
      analysis::ResolveHistoryLocation(options.db_url, options.environment);
  if (!location.ok()) return location.status();
  return analysis::HistoryStore::Open(*location, {});
}

template <typename Report>
void EmitHistory(const Report& report, const OutputOptions& output, Io& io) {
  switch (output.format_value()) {
    case Format::kConsole:
      io.out << analysis::ToConsole(report, {.colour = output.UseColour(io)});
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

int RunList(const HistoryArgs& args, Io& io) {
  absl::StatusOr<analysis::RunSelectionOptions> options =
      SelectionOptions(args.selection);
  if (!options.ok()) return Fail(io, options.status());
  absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
      OpenHistory(*options);
  if (!store.ok()) return Fail(io, store.status());
  absl::StatusOr<std::vector<analysis::RunInfo>> runs = (*store)->ListRuns();
  if (!runs.ok()) return Fail(io, runs.status());
  analysis::HistoryListing listing;
  listing.location = (*store)->location();
  listing.stored = runs->size();
  listing.runs = analysis::SelectRuns(*std::move(runs), options->selector);
  EmitHistory(listing, args.output, io);
  return kExitOk;
}

int RunShow(const HistoryArgs& args, Io& io) {
  absl::StatusOr<analysis::RunSelectionOptions> options =
      SelectionOptions(args.selection);
  if (!options.ok()) return Fail(io, options.status());
  absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
      OpenHistory(*options);
  if (!store.ok()) return Fail(io, store.status());
  absl::StatusOr<analysis::RunInfo> run =
      analysis::ResolveRunReference(**store, args.run, options->selector);
  if (!run.ok()) return Fail(io, run.status());
  absl::StatusOr<analysis::ResultsFile> file =
      (*store)->ReadRun(run->id, {.source = analysis::RunLabel(*run)});
  if (!file.ok()) return Fail(io, file.status());
  absl::StatusOr<analysis::SummaryReport> summary =
      analysis::Summarize(*file, {});
  if (!summary.ok()) return Fail(io, summary.status());
  summary->warnings =
      analysis::CheckRuns(absl::MakeConstSpan(&*file, 1)).warnings;
  analysis::RunDetail detail;
  detail.location = (*store)->location();
  detail.run = *std::move(run);
  detail.context = file->context();
  detail.summary = *std::move(summary);
  EmitHistory(detail, args.output, io);
  return kExitOk;
}

int RunForget(const HistoryArgs& args, Io& io) {
  absl::StatusOr<analysis::RunSelectionOptions> options =
      SelectionOptions(args.selection);
  if (!options.ok()) return Fail(io, options.status());
  absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
      OpenHistory(*options);
  if (!store.ok()) return Fail(io, store.status());
  absl::StatusOr<analysis::RunInfo> run =
      analysis::ResolveRunReference(**store, args.run, options->selector);
  if (!run.ok()) return Fail(io, run.status());
  if (absl::Status forgotten = (*store)->ForgetRun(run->id); !forgotten.ok()) {
    return Fail(io, forgotten);
  }
  const std::string line =
      absl::StrCat("forgot ", analysis::RunLabel(*run), " (", run->source,
                   ") from ", (*store)->location());
  switch (args.output.format_value()) {
    case Format::kJson: {
      std::string out;
      analysis::JsonWriter json(&out);
      json.BeginObject()
          .Field("history", (*store)->location())
          .Field("forgotten", run->id)
          .Field("source", run->source)
          .EndObject();
      io.out << out << "\n";
      break;
    }
    case Format::kMarkdown:
      io.out << analysis::MarkdownText(line) << "\n";
      break;
    case Format::kConsole:
      io.out << line << "\n";
      break;
  }
  return kExitOk;
}

int RunVerify(const HistoryArgs& args, Io& io) {
  absl::StatusOr<analysis::RunSelectionOptions> options =
      SelectionOptions(args.selection);
  if (!options.ok()) return Fail(io, options.status());
  absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
      OpenHistory(*options);
  if (!store.ok()) return Fail(io, store.status());
  absl::StatusOr<std::vector<std::string>> problems =
      (*store)->CheckConsistency();
  if (!problems.ok()) return Fail(io, problems.status());
  absl::StatusOr<std::vector<analysis::RunInfo>> runs = (*store)->ListRuns();
  if (!runs.ok()) return Fail(io, runs.status());
  const std::string verdict =
      problems->empty() ? absl::StrCat((*store)->location(), ": consistent (",
                                       runs->size(), " runs)")
                        : absl::StrCat((*store)->location(), ": ",
                                       problems->size(), " problems");
  switch (args.output.format_value()) {
    case Format::kJson: {
      std::string out;
      analysis::JsonWriter json(&out);
      json.BeginObject()
          .Field("history", (*store)->location())
          .Field("runs", static_cast<int64_t>(runs->size()))
          .Field("problems", *problems)
          .EndObject();
      io.out << out << "\n";
      break;
    }
    case Format::kMarkdown:
      io.out << analysis::MarkdownText(verdict) << "\n\n";
      for (const std::string& problem : *problems) {
        io.out << "- " << analysis::MarkdownText(problem) << "\n";
      }
      break;
    case Format::kConsole:
      io.out << verdict << "\n";
      for (const std::string& problem : *problems) {
        io.out << "  " << problem << "\n";
      }
      break;
  }
  return problems->empty() ? kExitOk : kExitFailed;
}

}  // namespace

Command HistoryCommand() {
  return Command{
      "history",
      "The history of runs: list the stored runs, show one, forget one, "
      "verify the store.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<HistoryArgs>();
        app.require_subcommand(1);
        CLI::App* list = app.add_subcommand(
            "list", "The stored runs (those the selectors pick), oldest first");
        CLI::App* show =
            app.add_subcommand("show",
                               "One stored run: identity, context, "
                               "and a summary of its benchmarks");
        CLI::App* forget =
            app.add_subcommand("forget", "Remove a stored run for good");
        CLI::App* verify = app.add_subcommand(
            "verify", "Check the history's consistency (exit 1 on problems)");
        for (CLI::App* sub : {list, show, forget, verify}) {
          AddRunSelectionOptions(*sub, &args->selection);
          AddOutputOptions(*sub, &args->output);
        }
        for (CLI::App* sub : {show, forget}) {
          sub->add_option("RUN", args->run,
                          "The run: @ID (or ID), @last or @prev")
              ->required();
        }
        return [args, list, show, forget](Io& io) {
          if (list->parsed()) return RunList(*args, io);
          if (show->parsed()) return RunShow(*args, io);
          if (forget->parsed()) return RunForget(*args, io);
          return RunVerify(*args, io);
        };
      }};
}

}  // namespace m8::perf
