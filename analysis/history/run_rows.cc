#include "analysis/history/run_rows.h"

#include <bit>
#include <cstring>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "analysis/read/reader.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

// ---- Scalars ----------------------------------------------------------------

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

SqlValue OptionalBool(const std::optional<bool>& value) {
  return value.has_value() ? SqlValue::Int(*value ? 1 : 0) : SqlValue::Null();
}

std::optional<bool> ReadOptionalBool(const SqlRow& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Int(column) != 0;
}

absl::string_view RunTypeText(RunType type) {
  return type == RunType::kAggregate ? "aggregate" : "iteration";
}

absl::string_view StatusText(RunStatus status) {
  switch (status) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kError:
      return "error";
    case RunStatus::kSkipped:
      return "skipped";
  }
  return "ok";
}

absl::string_view TimeUnitText(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNanosecond:
      return "ns";
    case TimeUnit::kMicrosecond:
      return "us";
    case TimeUnit::kMillisecond:
      return "ms";
    case TimeUnit::kSecond:
      return "s";
  }
  return "ns";
}

// ---- Counters: a blob of (name position: u32, value: f64) little-endian ----

constexpr size_t kCounterBytes = 12;

void AppendCounter(uint32_t name, double value, std::string* blob) {
  char bytes[kCounterBytes];
  const uint64_t bits = std::bit_cast<uint64_t>(value);
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(name >> (8 * i));
  for (int i = 0; i < 8; ++i) {
    bytes[4 + i] = static_cast<char>(bits >> (8 * i));
  }
  blob->append(bytes, kCounterBytes);
}

void DecodeCounter(const char* bytes, uint32_t* name, double* value) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  uint32_t n = 0;
  for (int i = 3; i >= 0; --i) n = (n << 8) | b[i];
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | b[4 + i];
  *name = n;
  *value = std::bit_cast<double>(bits);
}

// ---- Optional doubles of an entry: NULL is absent, nan_mask marks NaN -------

enum NanBit : int64_t {
  kRmsNan = 1,
  kAllocsNan = 2,
  kMaxBytesNan = 4,
  kTotalAllocatedNan = 8,
  kNetHeapNan = 16,
};

SqlValue OptionalReal(const std::optional<double>& value, NanBit bit,
                      int64_t* nan_mask) {
  if (!value.has_value()) return SqlValue::Null();
  if (std::isnan(*value)) *nan_mask |= bit;
  return SqlValue::Real(*value);
}

std::optional<double> ReadOptionalReal(const SqlRow& row, int column,
                                       NanBit bit, int64_t nan_mask) {
  if (nan_mask & bit) return std::nan("");
  if (row.IsNull(column)) return std::nullopt;
  return row.Real(column);
}

// ---- Columns ----------------------------------------------------------------

constexpr absl::string_view kRunColumns[] = {"content_sha256",
                                             "source",
                                             "host",
                                             "revision",
                                             "run_time",
                                             "ingested_at",
                                             "benchmark_count",
                                             "entry_count",
                                             "date",
                                             "host_name",
                                             "executable",
                                             "num_cpus",
                                             "mhz_per_cpu",
                                             "cpu_scaling_enabled",
                                             "library_build_type",
                                             "library_version",
                                             "json_schema_version",
                                             "aslr_enabled"};

constexpr absl::string_view kEntryColumns[] = {"run_id",
                                               "position",
                                               "name",
                                               "run_name",
                                               "run_type",
                                               "aggregate_name",
                                               "percentage_unit",
                                               "family_index",
                                               "per_family_instance_index",
                                               "repetitions",
                                               "repetition_index",
                                               "threads",
                                               "status",
                                               "message",
                                               "label",
                                               "iterations",
                                               "real_time_ns",
                                               "cpu_time_ns",
                                               "has_times",
                                               "time_unit",
                                               "big_o",
                                               "big_o_cpu_coefficient",
                                               "big_o_real_coefficient",
                                               "rms",
                                               "allocs_per_iter",
                                               "max_bytes_used",
                                               "total_allocated_bytes",
                                               "net_heap_growth",
                                               "nan_mask",
                                               "counters"};
constexpr size_t kEntryColumnCount = std::size(kEntryColumns);

// Runs `sql` for its side effect, ignoring any rows.
absl::Status Run(HistoryBackend& backend, absl::string_view sql,
                 absl::Span<const SqlValue> params) {
  return backend.Query(sql, params,
                       [](const SqlRow&) { return absl::OkStatus(); });
}

std::string Placeholders(size_t count) {
  std::string text;
  for (size_t i = 1; i <= count; ++i) {
    absl::StrAppend(&text, i > 1 ? ", $" : "$", i);
  }
  return text;
}

std::string ColumnList(absl::Span<const absl::string_view> columns) {
  std::string text;
  for (absl::string_view column : columns) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", column);
  }
  return text;
}

// ---- Writing ----------------------------------------------------------------

absl::Status InsertEntries(HistoryBackend& backend, int64_t run_id,
                           const ResultsFile& file,
                           const IngestProgress& progress) {
  M8_ASSIGN_OR_RETURN(std::unique_ptr<SqlBulkInsert> insert,
                      backend.BulkInsert("entry", kEntryColumns));
  const std::vector<Entry>& entries = file.entries();
  const int64_t total = static_cast<int64_t>(entries.size());
  std::string counters;
  SqlValue row[kEntryColumnCount];
  for (int64_t position = 0; position < total; ++position) {
    const Entry& e = entries[position];
    counters.clear();
    for (const CounterValue& c : file.counters(e)) {
      AppendCounter(c.name, c.value, &counters);
    }
    int64_t nan_mask = 0;
    int i = 0;
    row[i++] = SqlValue::Int(run_id);
    row[i++] = SqlValue::Int(position);
    row[i++] = SqlValue::Text(e.name);
    row[i++] = SqlValue::Text(e.run_name);
    row[i++] = SqlValue::Text(RunTypeText(e.run_type));
    row[i++] = SqlValue::Text(e.aggregate_name);
    row[i++] = SqlValue::Int(e.percentage_unit ? 1 : 0);
    row[i++] = SqlValue::Int(e.family_index);
    row[i++] = SqlValue::Int(e.per_family_instance_index);
    row[i++] = SqlValue::Int(e.repetitions);
    row[i++] = SqlValue::Int(e.repetition_index);
    row[i++] = SqlValue::Int(e.threads);
    row[i++] = SqlValue::Text(StatusText(e.status));
    row[i++] = SqlValue::Text(e.message);
    row[i++] = SqlValue::Text(e.label);
    row[i++] = SqlValue::Real(e.iterations);
    row[i++] = SqlValue::Real(e.real_time_ns);
    row[i++] = SqlValue::Real(e.cpu_time_ns);
    row[i++] = SqlValue::Int(e.has_times ? 1 : 0);
    row[i++] = SqlValue::Text(TimeUnitText(e.time_unit));
    if (e.big_o.has_value()) {
      row[i++] = SqlValue::Text(e.big_o->big_o);
      row[i++] = SqlValue::Real(e.big_o->cpu_coefficient);
      row[i++] = SqlValue::Real(e.big_o->real_coefficient);
    } else {
      row[i++] = SqlValue::Null();
      row[i++] = SqlValue::Null();
      row[i++] = SqlValue::Null();
    }
    row[i++] = OptionalReal(e.rms, kRmsNan, &nan_mask);
    row[i++] = OptionalReal(e.memory.allocs_per_iter, kAllocsNan, &nan_mask);
    row[i++] = OptionalReal(e.memory.max_bytes_used, kMaxBytesNan, &nan_mask);
    row[i++] = OptionalReal(e.memory.total_allocated_bytes, kTotalAllocatedNan,
                            &nan_mask);
    row[i++] = OptionalReal(e.memory.net_heap_growth, kNetHeapNan, &nan_mask);
    row[i++] = SqlValue::Int(nan_mask);
    row[i++] = SqlValue::Blob(counters);
    M8_RETURN_IF_ERROR(insert->Add(row));
    if (progress && (position + 1) % 1024 == 0) progress(position + 1, total);
  }
  return insert->Finish();
}

// ---- Reading ----------------------------------------------------------------

absl::Status Corrupt(int64_t run_id, absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("run ", run_id, " is inconsistent: ", what));
}

// Decodes the entry rows of one run into `builder`. Counter names are
// interned as ReadResultsFile interns them: all of them, in stored order,
// when every entry is kept; in order of first use otherwise.
class EntryDecoder {
 public:
  EntryDecoder(int64_t run_id, const std::vector<std::string>* names,
               bool intern_all, ResultsBuilder* builder)
      : run_id_(run_id),
        names_(names),
        ids_(names->size(), kUnset),
        builder_(builder) {
    if (intern_all) {
      for (size_t i = 0; i < names->size(); ++i) {
        ids_[i] = builder->CounterId((*names)[i]);
      }
    }
  }

  absl::Status Decode(const SqlRow& row) {
    Entry e;
    int i = 0;
    e.name = std::string(row.Text(i++));
    e.run_name = std::string(row.Text(i++));
    const absl::string_view run_type = row.Text(i++);
    if (run_type == "iteration") {
      e.run_type = RunType::kIteration;
    } else if (run_type == "aggregate") {
      e.run_type = RunType::kAggregate;
    } else {
      return Corrupt(run_id_, absl::StrCat("run_type '", run_type, "'"));
    }
    e.aggregate_name = std::string(row.Text(i++));
    e.percentage_unit = row.Int(i++) != 0;
    e.family_index = row.Int(i++);
    e.per_family_instance_index = row.Int(i++);
    e.repetitions = row.Int(i++);
    e.repetition_index = row.Int(i++);
    e.threads = row.Int(i++);
    const absl::string_view status = row.Text(i++);
    if (status == "ok") {
      e.status = RunStatus::kOk;
    } else if (status == "error") {
      e.status = RunStatus::kError;
    } else if (status == "skipped") {
      e.status = RunStatus::kSkipped;
    } else {
      return Corrupt(run_id_, absl::StrCat("status '", status, "'"));
    }
    e.message = std::string(row.Text(i++));
    e.label = std::string(row.Text(i++));
    e.iterations = row.Real(i++);
    e.real_time_ns = row.Real(i++);
    e.cpu_time_ns = row.Real(i++);
    e.has_times = row.Int(i++) != 0;
    const absl::string_view unit = row.Text(i++);
    if (unit == "ns") {
      e.time_unit = TimeUnit::kNanosecond;
    } else if (unit == "us") {
      e.time_unit = TimeUnit::kMicrosecond;
    } else if (unit == "ms") {
      e.time_unit = TimeUnit::kMillisecond;
    } else if (unit == "s") {
      e.time_unit = TimeUnit::kSecond;
    } else {
      return Corrupt(run_id_, absl::StrCat("time_unit '", unit, "'"));
    }
    if (!row.IsNull(i)) {
      BigOFit fit;
      fit.big_o = std::string(row.Text(i));
      fit.cpu_coefficient = row.Real(i + 1);
      fit.real_coefficient = row.Real(i + 2);
      e.big_o = std::move(fit);
    }
    i += 3;
    const int optionals = i;
    const int64_t nan_mask = row.Int(optionals + 5);
    e.rms = ReadOptionalReal(row, optionals, kRmsNan, nan_mask);
    e.memory.allocs_per_iter =
        ReadOptionalReal(row, optionals + 1, kAllocsNan, nan_mask);
    e.memory.max_bytes_used =
        ReadOptionalReal(row, optionals + 2, kMaxBytesNan, nan_mask);
    e.memory.total_allocated_bytes =
        ReadOptionalReal(row, optionals + 3, kTotalAllocatedNan, nan_mask);
    e.memory.net_heap_growth =
        ReadOptionalReal(row, optionals + 4, kNetHeapNan, nan_mask);
    const absl::string_view blob = row.Blob(optionals + 6);
    if (blob.size() % kCounterBytes != 0) {
      return Corrupt(
          run_id_, absl::StrCat("entry '", e.name, "' has a counters blob of ",
                                blob.size(), " bytes"));
    }
    for (size_t at = 0; at < blob.size(); at += kCounterBytes) {
      uint32_t name = 0;
      double value = 0;
      DecodeCounter(blob.data() + at, &name, &value);
      if (name >= ids_.size()) {
        return Corrupt(
            run_id_, absl::StrCat("entry '", e.name, "' names counter ", name));
      }
      if (ids_[name] == kUnset) {
        ids_[name] = builder_->CounterId((*names_)[name]);
      }
      builder_->AddCounter(ids_[name], value);
    }
    builder_->AddEntry(std::move(e));
    return absl::OkStatus();
  }

 private:
  static constexpr uint32_t kUnset = ~uint32_t{0};
  int64_t run_id_;
  const std::vector<std::string>* names_;
  std::vector<uint32_t> ids_;  // stored position -> builder's id
  ResultsBuilder* builder_;
};

}  // namespace

absl::StatusOr<std::optional<int64_t>> InsertRunRow(
    HistoryBackend& backend, const ResultsFile& file,
    const RunMetadata& metadata) {
  const Context& c = file.context();
  const SqlValue values[] = {
      SqlValue::Text(metadata.content_sha256),
      SqlValue::Text(metadata.source),
      SqlValue::Text(metadata.host),
      SqlValue::Text(metadata.revision),
      SqlValue::Int(Micros(metadata.run_time)),
      SqlValue::Int(Micros(metadata.ingested_at)),
      SqlValue::Int(static_cast<int64_t>(file.benchmarks().size())),
      SqlValue::Int(static_cast<int64_t>(file.entries().size())),
      SqlValue::Text(c.date),
      SqlValue::Text(c.host_name),
      SqlValue::Text(c.executable),
      SqlValue::Int(c.num_cpus),
      SqlValue::Real(c.mhz_per_cpu),
      OptionalBool(c.cpu_scaling_enabled),
      SqlValue::Text(c.library_build_type),
      SqlValue::Text(c.library_version),
      c.json_schema_version.has_value() ? SqlValue::Int(*c.json_schema_version)
                                        : SqlValue::Null(),
      OptionalBool(c.aslr_enabled)};
  static_assert(std::size(values) == std::size(kRunColumns));
  std::optional<int64_t> id;
  M8_RETURN_IF_ERROR(backend.Query(
      absl::StrCat("INSERT INTO run (", ColumnList(kRunColumns), ") VALUES (",
                   Placeholders(std::size(kRunColumns)),
                   ") ON CONFLICT (content_sha256) DO NOTHING RETURNING id"),
      values, [&](const SqlRow& row) {
        id = row.Int(0);
        return absl::OkStatus();
      }));
  return id;
}

absl::Status InsertRunContents(HistoryBackend& backend, int64_t run_id,
                               const ResultsFile& file,
                               const RunMetadata& metadata,
                               const IngestProgress& progress) {
  const Context& c = file.context();
  {
    constexpr absl::string_view kColumns[] = {"run_id", "key", "value"};
    M8_ASSIGN_OR_RETURN(auto insert, backend.BulkInsert("run_tag", kColumns));
    for (const auto& [key, value] : metadata.tags) {
      const SqlValue row[] = {SqlValue::Int(run_id), SqlValue::Text(key),
                              SqlValue::Text(value)};
      M8_RETURN_IF_ERROR(insert->Add(row));
    }
    M8_RETURN_IF_ERROR(insert->Finish());
  }
  {
    constexpr absl::string_view kColumns[] = {"run_id", "position", "key",
                                              "value"};
    M8_ASSIGN_OR_RETURN(auto insert,
                        backend.BulkInsert("context_value", kColumns));
    for (size_t i = 0; i < c.extra.size(); ++i) {
      const SqlValue row[] = {
          SqlValue::Int(run_id), SqlValue::Int(static_cast<int64_t>(i)),
          SqlValue::Text(c.extra[i].first), SqlValue::Text(c.extra[i].second)};
      M8_RETURN_IF_ERROR(insert->Add(row));
    }
    M8_RETURN_IF_ERROR(insert->Finish());
  }
  {
    constexpr absl::string_view kColumns[] = {
        "run_id", "position", "type", "level", "size", "num_sharing"};
    M8_ASSIGN_OR_RETURN(auto insert, backend.BulkInsert("cache", kColumns));
    for (size_t i = 0; i < c.caches.size(); ++i) {
      const CacheInfo& cache = c.caches[i];
      const SqlValue row[] = {
          SqlValue::Int(run_id),      SqlValue::Int(static_cast<int64_t>(i)),
          SqlValue::Text(cache.type), SqlValue::Int(cache.level),
          SqlValue::Int(cache.size),  SqlValue::Int(cache.num_sharing)};
      M8_RETURN_IF_ERROR(insert->Add(row));
    }
    M8_RETURN_IF_ERROR(insert->Finish());
  }
  {
    constexpr absl::string_view kColumns[] = {"run_id", "position", "value"};
    M8_ASSIGN_OR_RETURN(auto insert,
                        backend.BulkInsert("load_average", kColumns));
    for (size_t i = 0; i < c.load_avg.size(); ++i) {
      const SqlValue row[] = {SqlValue::Int(run_id),
                              SqlValue::Int(static_cast<int64_t>(i)),
                              SqlValue::Real(c.load_avg[i])};
      M8_RETURN_IF_ERROR(insert->Add(row));
    }
    M8_RETURN_IF_ERROR(insert->Finish());
  }
  {
    constexpr absl::string_view kColumns[] = {"run_id", "position", "name"};
    M8_ASSIGN_OR_RETURN(auto insert,
                        backend.BulkInsert("counter_name", kColumns));
    const std::vector<std::string>& names = file.counter_names();
    for (size_t i = 0; i < names.size(); ++i) {
      const SqlValue row[] = {SqlValue::Int(run_id),
                              SqlValue::Int(static_cast<int64_t>(i)),
                              SqlValue::Text(names[i])};
      M8_RETURN_IF_ERROR(insert->Add(row));
    }
    M8_RETURN_IF_ERROR(insert->Finish());
  }
  return InsertEntries(backend, run_id, file, progress);
}

absl::StatusOr<std::vector<RunInfo>> SelectRunInfos(HistoryBackend& backend,
                                                    std::optional<int64_t> id) {
  std::vector<RunInfo> runs;
  absl::flat_hash_map<int64_t, size_t> index;
  const std::string where = id.has_value() ? " WHERE id = $1" : "";
  const std::string where_run = id.has_value() ? " WHERE run_id = $1" : "";
  std::vector<SqlValue> params;
  if (id.has_value()) params.push_back(SqlValue::Int(*id));
  M8_RETURN_IF_ERROR(backend.Query(
      absl::StrCat("SELECT id, content_sha256, source, host, revision, "
                   "run_time, ingested_at, benchmark_count, entry_count "
                   "FROM run",
                   where, " ORDER BY run_time, id"),
      params, [&](const SqlRow& row) {
        RunInfo run;
        run.id = row.Int(0);
        run.content_sha256 = std::string(row.Text(1));
        run.source = std::string(row.Text(2));
        run.host = std::string(row.Text(3));
        run.revision = std::string(row.Text(4));
        run.run_time = absl::FromUnixMicros(row.Int(5));
        run.ingested_at = absl::FromUnixMicros(row.Int(6));
        run.benchmark_count = row.Int(7);
        run.entry_count = row.Int(8);
        index[run.id] = runs.size();
        runs.push_back(std::move(run));
        return absl::OkStatus();
      }));
  M8_RETURN_IF_ERROR(
      backend.Query(absl::StrCat("SELECT run_id, key, value FROM run_tag",
                                 where_run, " ORDER BY run_id, key"),
                    params, [&](const SqlRow& row) {
                      auto it = index.find(row.Int(0));
                      if (it != index.end()) {
                        runs[it->second].tags.emplace_back(
                            std::string(row.Text(1)), std::string(row.Text(2)));
                      }
                      return absl::OkStatus();
                    }));
  return runs;
}

absl::StatusOr<ResultsFile> SelectRun(HistoryBackend& backend, int64_t id,
                                      const ReadRunOptions& options) {
  const SqlValue params[] = {SqlValue::Int(id)};
  std::optional<ResultsBuilder> builder;
  std::string source;
  int64_t entry_count = 0;
  M8_RETURN_IF_ERROR(backend.Query(
      "SELECT source, entry_count, date, host_name, executable, num_cpus, "
      "mhz_per_cpu, cpu_scaling_enabled, library_build_type, "
      "library_version, json_schema_version, aslr_enabled FROM run "
      "WHERE id = $1",
      params, [&](const SqlRow& row) {
        source =
            options.source.empty() ? std::string(row.Text(0)) : options.source;
        builder.emplace(source);
        entry_count = row.Int(1);
        Context& c = builder->context();
        c.date = std::string(row.Text(2));
        c.host_name = std::string(row.Text(3));
        c.executable = std::string(row.Text(4));
        c.num_cpus = row.Int(5);
        c.mhz_per_cpu = row.Real(6);
        c.cpu_scaling_enabled = ReadOptionalBool(row, 7);
        c.library_build_type = std::string(row.Text(8));
        c.library_version = std::string(row.Text(9));
        if (!row.IsNull(10)) c.json_schema_version = row.Int(10);
        c.aslr_enabled = ReadOptionalBool(row, 11);
        return absl::OkStatus();
      }));
  if (!builder.has_value()) {
    return absl::NotFoundError(absl::StrCat("no run @", id));
  }
  Context& context = builder->context();
  M8_RETURN_IF_ERROR(
      backend.Query("SELECT key, value FROM context_value WHERE run_id = $1 "
                    "ORDER BY position",
                    params, [&](const SqlRow& row) {
                      context.extra.emplace_back(std::string(row.Text(0)),
                                                 std::string(row.Text(1)));
                      return absl::OkStatus();
                    }));
  M8_RETURN_IF_ERROR(backend.Query(
      "SELECT type, level, size, num_sharing FROM cache WHERE run_id = $1 "
      "ORDER BY position",
      params, [&](const SqlRow& row) {
        context.caches.push_back(CacheInfo{std::string(row.Text(0)), row.Int(1),
                                           row.Int(2), row.Int(3)});
        return absl::OkStatus();
      }));
  M8_RETURN_IF_ERROR(backend.Query(
      "SELECT value FROM load_average WHERE run_id = $1 ORDER BY position",
      params, [&](const SqlRow& row) {
        context.load_avg.push_back(row.Real(0));
        return absl::OkStatus();
      }));
  M8_RETURN_IF_ERROR(ParseCounterCatalogue(source, &context));
  std::vector<std::string> names;
  M8_RETURN_IF_ERROR(backend.Query(
      "SELECT name FROM counter_name WHERE run_id = $1 ORDER BY position",
      params, [&](const SqlRow& row) {
        names.emplace_back(row.Text(0));
        return absl::OkStatus();
      }));
  EntryDecoder decoder(id, &names, options.keep_aggregates, &*builder);
  builder->Reserve(static_cast<size_t>(entry_count));
  std::string columns = ColumnList(
      absl::MakeConstSpan(kEntryColumns).subspan(2));  // not run_id, position
  M8_RETURN_IF_ERROR(backend.Query(
      absl::StrCat("SELECT ", columns, " FROM entry WHERE run_id = $1",
                   options.keep_aggregates ? "" : " AND run_type = 'iteration'",
                   " ORDER BY position"),
      params, [&](const SqlRow& row) { return decoder.Decode(row); }));
  int64_t first = -1;
  const int64_t duplicate = builder->Finish(&first);
  if (duplicate >= 0) {
    return Corrupt(id,
                   absl::StrCat("entry ", duplicate, " repeats entry ", first));
  }
  ResultsFile file = builder->Take();
  if (options.keep_aggregates &&
      static_cast<int64_t>(file.entries().size()) != entry_count) {
    return Corrupt(id, absl::StrCat(file.entries().size(), " of ", entry_count,
                                    " entries stored"));
  }
  return file;
}

}  // namespace m8::analysis
