#include "analysis/history/selection.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "analysis/stats/parallel.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

absl::StatusOr<HistoryLocation> Location(const RunSelectionOptions& options) {
  return ResolveHistoryLocation(options.db_url, options.environment);
}

absl::StatusOr<std::unique_ptr<HistoryStore>> OpenForReading(
    const RunSelectionOptions& options) {
  M8_ASSIGN_OR_RETURN(const HistoryLocation location, Location(options));
  HistoryOptions history;
  history.busy_timeout = options.busy_timeout;
  return HistoryStore::Open(location, history);
}

bool HasTags(const RunInfo& run, const RunTags& tags) {
  for (const auto& tag : tags) {
    if (std::find(run.tags.begin(), run.tags.end(), tag) == run.tags.end()) {
      return false;
    }
  }
  return true;
}

std::string DescribeSelector(const RunSelector& selector) {
  std::string text;
  if (!selector.host.empty()) absl::StrAppend(&text, " --host ", selector.host);
  for (const auto& [key, value] : selector.tags) {
    absl::StrAppend(&text, " --tag ", key, "=", value);
  }
  if (selector.since.has_value()) {
    absl::StrAppend(&text, " --since ",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *selector.since,
                                     absl::UTCTimeZone()));
  }
  if (!selector.revision.empty()) {
    absl::StrAppend(&text, " --rev ", selector.revision);
  }
  if (selector.last > 0) absl::StrAppend(&text, " --last ", selector.last);
  return text.empty() ? "" : absl::StrCat(" (", text.substr(1), ")");
}

}  // namespace

absl::StatusOr<RunTags> ParseTags(absl::Span<const std::string> specs) {
  RunTags tags;
  for (const std::string& spec : specs) {
    const size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tag takes K=V, got '", spec, "'"));
    }
    tags.emplace_back(spec.substr(0, equals), spec.substr(equals + 1));
  }
  std::stable_sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) {
    return a.first < b.first;
  });
  for (size_t i = 1; i < tags.size(); ++i) {
    if (tags[i].first == tags[i - 1].first) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tag ", tags[i].first, " is given twice"));
    }
  }
  return tags;
}

absl::StatusOr<absl::Time> ParseSince(absl::string_view text) {
  const std::string input(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string error;
  for (const char* format :
       {"%Y-%m-%d%ET%H:%M:%S%Ez", "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d%ET%H:%M:%S",
        "%Y-%m-%d%ET%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
        "%Y-%m-%d"}) {
    if (absl::ParseTime(format, input, absl::UTCTimeZone(), &time, &error)) {
      return time;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--since takes a date such as 2026-11-28 or 2026-11-28T06:00 (UTC) or "
      "2026-11-28T06:00:00+01:00, got '",
      text, "'"));
}

std::vector<RunInfo> SelectRuns(std::vector<RunInfo> runs,
                                const RunSelector& selector) {
  std::vector<RunInfo> selected;
  for (RunInfo& run : runs) {
    if (!selector.host.empty() && run.host != selector.host) continue;
    if (selector.since.has_value() && run.run_time < *selector.since) continue;
    if (!selector.revision.empty() &&
        !absl::StartsWith(run.revision, selector.revision)) {
      continue;
    }
    if (!HasTags(run, selector.tags)) continue;
    selected.push_back(std::move(run));
  }
  if (selector.last > 0 &&
      selected.size() > static_cast<size_t>(selector.last)) {
    selected.erase(selected.begin(), selected.end() - selector.last);
  }
  return selected;
}

std::string RunLabel(const RunInfo& run) {
  std::string label = absl::StrCat(
      "@", run.id, " (",
      absl::FormatTime("%Y-%m-%d %H:%M", run.run_time, absl::UTCTimeZone()));
  if (!run.revision.empty()) {
    absl::StrAppend(&label, ", ", run.revision.substr(0, 10));
  }
  return absl::StrCat(label, ")");
}

bool IsRunReference(absl::string_view operand) {
  return absl::StartsWith(operand, "@");
}

absl::StatusOr<RunInfo> ResolveRunReference(HistoryStore& store,
                                            absl::string_view reference,
                                            const RunSelector& selector) {
  absl::string_view name = reference;
  absl::ConsumePrefix(&name, "@");
  int64_t id = 0;
  if (absl::SimpleAtoi(name, &id) && id > 0) return store.GetRun(id);
  if (name != "last" && name != "prev") {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", reference,
        "' names no run: use @ID (a run id), @last or @prev (a file whose "
        "name starts with @: ./",
        reference, ")"));
  }
  M8_ASSIGN_OR_RETURN(std::vector<RunInfo> runs, store.ListRuns());
  const size_t stored = runs.size();
  std::vector<RunInfo> selected = SelectRuns(std::move(runs), selector);
  const size_t back = name == "last" ? 1 : 2;
  if (selected.size() < back) {
    return absl::NotFoundError(absl::StrCat(
        store.location(), ": ", reference, " needs ", back,
        back == 1 ? " run" : " runs", ", and ", selected.size(), " of the ",
        stored, " stored are selected", DescribeSelector(selector)));
  }
  return std::move(selected[selected.size() - back]);
}

absl::StatusOr<std::vector<RunSource>> ResolveRuns(
    absl::Span<const std::string> operands,
    const RunSelectionOptions& options) {
  std::unique_ptr<HistoryStore> store;
  auto open = [&]() -> absl::Status {
    if (store != nullptr) return absl::OkStatus();
    M8_ASSIGN_OR_RETURN(store, OpenForReading(options));
    return absl::OkStatus();
  };
  std::vector<RunSource> sources;
  if (operands.empty()) {
    M8_RETURN_IF_ERROR(open());
    M8_ASSIGN_OR_RETURN(std::vector<RunInfo> runs, store->ListRuns());
    const size_t stored = runs.size();
    for (RunInfo& run : SelectRuns(std::move(runs), options.selector)) {
      std::string label = RunLabel(run);
      sources.push_back({"", std::move(run), std::move(label)});
    }
    if (sources.empty()) {
      return absl::NotFoundError(
          absl::StrCat(store->location(), ": no run selected: ", stored,
                       " stored", DescribeSelector(options.selector)));
    }
    return sources;
  }
  for (const std::string& operand : operands) {
    if (!IsRunReference(operand)) {
      sources.push_back({operand, std::nullopt, operand});
      continue;
    }
    M8_RETURN_IF_ERROR(open());
    M8_ASSIGN_OR_RETURN(RunInfo run,
                        ResolveRunReference(*store, operand, options.selector));
    std::string label = RunLabel(run);
    sources.push_back({"", std::move(run), std::move(label)});
  }
  return sources;
}

absl::Status ForEachRun(
    absl::Span<const RunSource> sources, const RunSelectionOptions& options,
    const ReadOptions& read, int threads,
    const std::function<void(size_t i, ResultsFile file)>& use) {
  const int workers = WorkerCount(threads, sources.size());
  std::vector<std::unique_ptr<HistoryStore>> stores(workers);
  std::vector<absl::Status> errors(sources.size());
  ParallelFor(sources.size(), workers, [&](size_t i, int worker) {
    const RunSource& source = sources[i];
    absl::StatusOr<ResultsFile> file;
    if (!source.run.has_value()) {
      file = ReadResultsFile(source.path, read);
    } else {
      if (stores[worker] == nullptr) {
        absl::StatusOr<std::unique_ptr<HistoryStore>> store =
            OpenForReading(options);
        if (!store.ok()) {
          errors[i] = store.status();
          return;
        }
        stores[worker] = *std::move(store);
      }
      file = stores[worker]->ReadRun(
          source.run->id,
          {.keep_aggregates = read.keep_aggregates, .source = source.label});
    }
    if (!file.ok()) {
      errors[i] = file.status();
      return;
    }
    use(i, *std::move(file));
  });
  for (const absl::Status& error : errors) {
    if (!error.ok()) return error;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ResultsFile>> LoadRuns(
    absl::Span<const RunSource> sources, const RunSelectionOptions& options,
    const ReadOptions& read, int threads) {
  std::vector<ResultsFile> files(sources.size());
  M8_RETURN_IF_ERROR(ForEachRun(
      sources, options, read, threads,
      [&](size_t i, ResultsFile file) { files[i] = std::move(file); }));
  return files;
}

}  // namespace m8::analysis
