#include "analysis/history/listing.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/report/format.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"

namespace m8::analysis {
namespace {

std::string IsoText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

std::string ShortRevision(const std::string& revision) {
  return revision.empty() ? "-" : revision.substr(0, 10);
}

void WriteRun(const RunInfo& run, JsonWriter& json) {
  json.BeginObject()
      .Field("id", run.id)
      .Field("date", IsoText(run.run_time))
      .Field("ingested_at", IsoText(run.ingested_at))
      .Field("host", run.host)
      .Field("revision", run.revision);
  json.Key("tags").BeginObject();
  for (const auto& [key, value] : run.tags) json.Field(key, value);
  json.EndObject();
  json.Field("benchmarks", run.benchmark_count)
      .Field("entries", run.entry_count)
      .Field("source", run.source)
      .Field("sha256", run.content_sha256)
      .EndObject();
}

std::string OptionalBoolText(const std::optional<bool>& value) {
  if (!value.has_value()) return "(not recorded)";
  return *value ? "true" : "false";
}

// The context as (key, value) lines: Google Benchmark's keys, then every
// other key in file order.
std::vector<std::pair<std::string, std::string>> ContextLines(
    const Context& c) {
  std::vector<std::pair<std::string, std::string>> lines = {
      {"date", c.date},
      {"host_name", c.host_name},
      {"executable", c.executable},
      {"num_cpus", absl::StrCat(c.num_cpus)},
      {"mhz_per_cpu", FormatDouble(c.mhz_per_cpu)},
      {"cpu_scaling_enabled", OptionalBoolText(c.cpu_scaling_enabled)}};
  std::vector<std::string> caches;
  for (const CacheInfo& cache : c.caches) {
    caches.push_back(absl::StrCat("L", cache.level, " ", cache.type, " ",
                                  FormatValue(cache.size, Unit::kBytes), " x",
                                  cache.num_sharing));
  }
  lines.emplace_back("caches", absl::StrJoin(caches, ", "));
  std::vector<std::string> load;
  for (double value : c.load_avg) load.push_back(FormatDouble(value));
  lines.emplace_back("load_avg", absl::StrJoin(load, ", "));
  lines.emplace_back("library_build_type", c.library_build_type);
  if (!c.library_version.empty()) {
    lines.emplace_back("library_version", c.library_version);
  }
  if (c.json_schema_version.has_value()) {
    lines.emplace_back("json_schema_version",
                       absl::StrCat(*c.json_schema_version));
  }
  if (c.aslr_enabled.has_value()) {
    lines.emplace_back("aslr_enabled", OptionalBoolText(c.aslr_enabled));
  }
  for (const auto& [key, value] : c.extra) lines.emplace_back(key, value);
  return lines;
}

std::vector<std::pair<std::string, std::string>> RunLines(const RunInfo& run) {
  return {{"date", DateText(run.run_time)},
          {"ingested", DateText(run.ingested_at)},
          {"host", run.host},
          {"revision", run.revision.empty() ? "(unknown)" : run.revision},
          {"tags", run.tags.empty() ? "(none)" : TagsText(run.tags)},
          {"benchmarks", absl::StrCat(run.benchmark_count, " (",
                                      run.entry_count, " entries)")},
          {"source", run.source},
          {"sha256", run.content_sha256}};
}

std::string KeyValueBlock(
    const std::vector<std::pair<std::string, std::string>>& lines) {
  size_t width = 0;
  for (const auto& [key, value] : lines) width = std::max(width, key.size());
  std::string out;
  for (const auto& [key, value] : lines) {
    absl::StrAppend(&out, key, std::string(width + 2 - key.size(), ' '), value,
                    "\n");
  }
  return out;
}

std::string MarkdownRows(
    const std::vector<std::pair<std::string, std::string>>& lines) {
  std::string out = "| key | value |\n|---|---|\n";
  for (const auto& [key, value] : lines) {
    absl::StrAppend(&out, "| ", MarkdownCode(key), " | ", MarkdownText(value),
                    " |\n");
  }
  return out;
}

}  // namespace

std::string TagsText(const RunTags& tags) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : tags) {
    parts.push_back(absl::StrCat(key, "=", value));
  }
  return absl::StrJoin(parts, ",");
}

std::string DateText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", time, absl::UTCTimeZone());
}

std::string ToJson(const HistoryListing& listing) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject()
      .Field("history", listing.location)
      .Field("stored", static_cast<int64_t>(listing.stored));
  json.Key("runs").BeginArray();
  for (const RunInfo& run : listing.runs) WriteRun(run, json);
  json.EndArray().EndObject();
  out += "\n";
  return out;
}

std::string ToJson(const RunDetail& detail) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject().Field("history", detail.location).Key("run");
  WriteRun(detail.run, json);
  const Context& c = detail.context;
  json.Key("context")
      .BeginObject()
      .Field("date", c.date)
      .Field("host_name", c.host_name)
      .Field("executable", c.executable)
      .Field("num_cpus", c.num_cpus)
      .Field("mhz_per_cpu", c.mhz_per_cpu);
  json.Key("cpu_scaling_enabled");
  if (c.cpu_scaling_enabled.has_value()) {
    json.Bool(*c.cpu_scaling_enabled);
  } else {
    json.Null();
  }
  json.Key("caches").BeginArray();
  for (const CacheInfo& cache : c.caches) {
    json.BeginObject()
        .Field("type", cache.type)
        .Field("level", cache.level)
        .Field("size", cache.size)
        .Field("num_sharing", cache.num_sharing)
        .EndObject();
  }
  json.EndArray();
  json.Key("load_avg").BeginArray();
  for (double value : c.load_avg) json.Number(value);
  json.EndArray();
  json.Field("library_build_type", c.library_build_type)
      .Field("library_version", c.library_version);
  json.Key("extra").BeginObject();
  for (const auto& [key, value] : c.extra) json.Field(key, value);
  json.EndObject().EndObject();
  json.Key("summary");
  // The summary is summary's own JSON document, nested.
  std::string summary = ToJson(detail.summary);
  absl::StripTrailingAsciiWhitespace(&summary);
  out += summary;
  out += "}\n";
  return out;
}

std::string ToConsole(const HistoryListing& listing,
                      const ConsoleOptions& options) {
  std::string out =
      absl::StrCat("History ", listing.location, ": ", listing.runs.size(),
                   " of ", listing.stored, " runs\n");
  if (listing.runs.empty()) return out;
  out += "\n";
  using Align = TextTable::Align;
  TextTable table(
      {"id", "date (UTC)", "host", "revision", "tags", "benchmarks", "source"},
      {Align::kRight, Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft,
       Align::kRight, Align::kLeft});
  for (const RunInfo& run : listing.runs) {
    table.AddRow({absl::StrCat("@", run.id), DateText(run.run_time), run.host,
                  ShortRevision(run.revision), TagsText(run.tags),
                  absl::StrCat(run.benchmark_count), run.source});
  }
  out += table.Render(options.colour);
  return out;
}

std::string ToMarkdown(const HistoryListing& listing) {
  std::string out = absl::StrCat(
      "### m8perf history: ", MarkdownCode(listing.location), "\n\n",
      listing.runs.size(), " of ", listing.stored, " runs\n");
  if (listing.runs.empty()) return out;
  out +=
      "\n| id | date (UTC) | host | revision | tags | benchmarks | source "
      "|\n|---:|---|---|---|---|---:|---|\n";
  for (const RunInfo& run : listing.runs) {
    absl::StrAppend(&out, "| @", run.id, " | ", DateText(run.run_time), " | ",
                    MarkdownText(run.host), " | ",
                    MarkdownCode(ShortRevision(run.revision)), " | ",
                    MarkdownText(TagsText(run.tags)), " | ",
                    run.benchmark_count, " | ", MarkdownCode(run.source),
                    " |\n");
  }
  return out;
}

std::string ToConsole(const RunDetail& detail, const ConsoleOptions& options) {
  std::string out =
      absl::StrCat("Run @", detail.run.id, " in ", detail.location, "\n\n");
  out += KeyValueBlock(RunLines(detail.run));
  out += "\nContext\n";
  out += KeyValueBlock(ContextLines(detail.context));
  out += "\n";
  out += ToConsole(detail.summary, options);
  return out;
}

std::string ToMarkdown(const RunDetail& detail) {
  std::string out = absl::StrCat("### m8perf history: run @", detail.run.id,
                                 " in ", MarkdownCode(detail.location), "\n\n");
  out += MarkdownRows(RunLines(detail.run));
  out += "\n#### Context\n\n";
  out += MarkdownRows(ContextLines(detail.context));
  out += "\n";
  out += ToMarkdown(detail.summary);
  return out;
}

}  // namespace m8::analysis
