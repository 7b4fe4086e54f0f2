// m8perf ingest RESULTS... [--db URL] [--rev REV] [--host NAME] [--tag K=V]

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/ingest.h"
#include "analysis/history/selection.h"
#include "analysis/history/store.h"
#include "analysis/report/format.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/keep_run.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

struct IngestArgs {
  std::vector<std::string> files;
  std::string db;
  std::string revision;
  std::string host;
  std::vector<std::string> tags;
  OutputOptions output;
};

void Print(const analysis::IngestedFile& file, const std::string& location,
           Format format, analysis::JsonWriter* json, Io& io) {
  if (format == Format::kJson) {
    json->BeginObject()
        .Field("path", file.path)
        .Field("id", file.run_id)
        .Field("already_stored", file.already_stored);
    if (!file.already_stored) {
      json->Field("benchmarks", file.benchmarks)
          .Field("entries", file.entries)
          .Field("revision", file.revision)
          .Field("host", file.host);
    }
    json->EndObject();
    return;
  }
  std::string line;
  if (file.already_stored) {
    line = absl::StrCat(file.path, ": already stored as @", file.run_id,
                        " (the same content); nothing written");
  } else {
    line = absl::StrCat(
        file.path, ": stored as @", file.run_id, " in ", location, " (",
        file.benchmarks, " benchmarks, ", file.entries, " entries, revision ",
        file.revision.empty() ? "unknown" : file.revision.substr(0, 10),
        ", host ", file.host, ")");
  }
  if (format == Format::kMarkdown) {
    io.out << "- " << analysis::MarkdownText(line) << "\n";
  } else {
    io.out << line << "\n";
  }
  io.out.flush();
}

int RunIngest(const IngestArgs& args, Io& io) {
  absl::StatusOr<analysis::RunTags> tags = analysis::ParseTags(args.tags);
  if (!tags.ok()) return Fail(io, tags.status());
  absl::StatusOr<analysis::HistoryLocation> location =
      HistoryLocationFor(args.db);
  if (!location.ok()) return Fail(io, location.status());
  analysis::HistoryOptions history;
  history.create = true;
  absl::StatusOr<std::unique_ptr<analysis::HistoryStore>> store =
      analysis::HistoryStore::Open(*location, history);
  if (!store.ok()) return Fail(io, store.status());
  analysis::IngestOptions options;
  options.revision = args.revision;
  options.host = args.host;
  options.tags = *std::move(tags);
  if (options.revision.empty()) options.checkout_revision = CheckoutRevision();
  const Format format = args.output.format_value();
  std::string json_text;
  analysis::JsonWriter json(&json_text);
  if (format == Format::kJson) {
    json.BeginObject().Field("history", (*store)->location());
    json.Key("runs").BeginArray();
  }
  for (const std::string& path : args.files) {
    absl::StatusOr<analysis::IngestedFile> ingested =
        analysis::IngestResultsFile(**store, path, options);
    if (!ingested.ok()) return Fail(io, ingested.status());
    Print(*ingested, (*store)->location(), format, &json, io);
  }
  if (format == Format::kJson) {
    json.EndArray().EndObject();
    io.out << json_text << "\n";
    io.out.flush();
  }
  return kExitOk;
}

}  // namespace

Command IngestCommand() {
  return Command{
      "ingest",
      "Store results files in the history of runs (SQLite or PostgreSQL), "
      "each whole and once, with its git revision, host, date and tags.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<IngestArgs>();
        app.add_option("RESULTS", args->files, "Results files (JSON)")
            ->required();
        AddHistoryOption(app, &args->db);
        app.add_option("--rev", args->revision,
                       "The git revision to record (default: the file's "
                       "m8.git_revision, else git rev-parse HEAD here)");
        app.add_option("--host", args->host,
                       "The host to record (default: the file's host_name)");
        app.add_option("--tag", args->tags,
                       "Tag the runs K=V (repeatable), e.g. branch=main");
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunIngest(*args, io); };
      }};
}

}  // namespace m8::perf
