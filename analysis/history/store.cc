#include "analysis/history/store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "analysis/history/schema.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

// Tables that hold a run's rows, children before the run itself.
constexpr absl::string_view kRunTables[] = {"entry",         "counter_name",
                                            "load_average",  "cache",
                                            "context_value", "run_tag"};

// Creates the folder of the default history file (.m8bench).
absl::Status MakeParentFolder(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return absl::OkStatus();
  const std::string folder = path.substr(0, slash);
  if (::mkdir(folder.c_str(), 0777) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(absl::StrCat(
        folder,
        ": cannot create the history's folder: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<HistoryStore>> HistoryStore::Open(
    const HistoryLocation& location, const HistoryOptions& options) {
  BackendOptions backend_options;
  backend_options.create = options.create;
  backend_options.busy_timeout = options.busy_timeout;
  std::unique_ptr<HistoryBackend> backend;
  if (location.dialect == SqlDialect::kSqlite) {
    if (options.create && location.is_default) {
      M8_RETURN_IF_ERROR(MakeParentFolder(location.target));
    }
    M8_ASSIGN_OR_RETURN(backend,
                        OpenSqliteBackend(location.target, backend_options));
  } else {
    M8_ASSIGN_OR_RETURN(backend,
                        OpenPostgresBackend(location.target, location.display,
                                            backend_options));
  }
  return Attach(std::move(backend), options.create);
}

absl::StatusOr<std::unique_ptr<HistoryStore>> HistoryStore::Attach(
    std::unique_ptr<HistoryBackend> backend, bool create) {
  std::unique_ptr<HistoryStore> store(new HistoryStore(std::move(backend)));
  absl::Status migrated = Migrate(*store->backend_, create);
  if (!migrated.ok()) {
    // Migrate's own messages name the location; the engine's do not.
    if (absl::StartsWith(migrated.message(), store->location())) {
      return migrated;
    }
    return store->Annotate(migrated, "opening");
  }
  return store;
}

absl::Status HistoryStore::Annotate(const absl::Status& status,
                                    absl::string_view doing) const {
  return absl::Status(status.code(), absl::StrCat(location(), ": ", doing, ": ",
                                                  status.message()));
}

absl::StatusOr<std::optional<int64_t>> HistoryStore::FindByContent(
    absl::string_view content_sha256) {
  std::optional<int64_t> id;
  const SqlValue params[] = {SqlValue::Text(content_sha256)};
  absl::Status status =
      backend_->Query("SELECT id FROM run WHERE content_sha256 = $1", params,
                      [&](const SqlRow& row) {
                        id = row.Int(0);
                        return absl::OkStatus();
                      });
  if (!status.ok()) return Annotate(status, "looking up a run");
  return id;
}

absl::StatusOr<IngestResult> HistoryStore::Ingest(
    const ResultsFile& file, const RunMetadata& metadata,
    const IngestProgress& progress) {
  IngestResult result;
  absl::Status status = [&]() -> absl::Status {
    M8_RETURN_IF_ERROR(backend_->BeginWrite());
    M8_ASSIGN_OR_RETURN(std::optional<int64_t> id,
                        InsertRunRow(*backend_, file, metadata));
    if (!id.has_value()) {
      backend_->Rollback();
      M8_ASSIGN_OR_RETURN(std::optional<int64_t> stored,
                          FindByContent(metadata.content_sha256));
      if (!stored.has_value()) {
        return absl::AbortedError(
            "the same content was stored and forgotten "
            "meanwhile; ingest again");
      }
      result = {*stored, true};
      return absl::OkStatus();
    }
    M8_RETURN_IF_ERROR(
        InsertRunContents(*backend_, *id, file, metadata, progress));
    M8_RETURN_IF_ERROR(backend_->Commit());
    result = {*id, false};
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    backend_->Rollback();
    return absl::Status(
        status.code(),
        absl::StrCat(location(), ": cannot store ", file.source(), ": ",
                     status.message(), " (the history is unchanged)"));
  }
  return result;
}

absl::StatusOr<std::vector<RunInfo>> HistoryStore::ListRuns() {
  absl::StatusOr<std::vector<RunInfo>> runs = [&] {
    absl::Status begun = backend_->BeginRead();
    if (!begun.ok()) return absl::StatusOr<std::vector<RunInfo>>(begun);
    absl::StatusOr<std::vector<RunInfo>> read = SelectRunInfos(*backend_);
    backend_->Rollback();
    return read;
  }();
  if (!runs.ok()) return Annotate(runs.status(), "listing runs");
  return runs;
}

absl::StatusOr<RunInfo> HistoryStore::GetRun(int64_t id) {
  absl::StatusOr<std::vector<RunInfo>> runs = SelectRunInfos(*backend_, id);
  if (!runs.ok()) return Annotate(runs.status(), "reading a run");
  if (runs->empty()) {
    return absl::NotFoundError(absl::StrCat(location(), ": no run @", id));
  }
  return std::move(runs->front());
}

absl::StatusOr<ResultsFile> HistoryStore::ReadRun(
    int64_t id, const ReadRunOptions& options) {
  absl::Status begun = backend_->BeginRead();
  if (!begun.ok()) return Annotate(begun, "reading a run");
  absl::StatusOr<ResultsFile> file = SelectRun(*backend_, id, options);
  backend_->Rollback();
  if (!file.ok()) {
    if (absl::IsNotFound(file.status())) {
      return absl::NotFoundError(absl::StrCat(location(), ": no run @", id));
    }
    return Annotate(file.status(), absl::StrCat("reading run @", id));
  }
  return file;
}

absl::Status HistoryStore::ForgetRun(int64_t id) {
  bool found = false;
  absl::Status status = [&]() -> absl::Status {
    M8_RETURN_IF_ERROR(backend_->BeginWrite());
    const SqlValue params[] = {SqlValue::Int(id)};
    M8_RETURN_IF_ERROR(backend_->Query("SELECT 1 FROM run WHERE id = $1",
                                       params, [&](const SqlRow&) {
                                         found = true;
                                         return absl::OkStatus();
                                       }));
    if (!found) return absl::OkStatus();
    for (absl::string_view table : kRunTables) {
      M8_RETURN_IF_ERROR(backend_->Query(
          absl::StrCat("DELETE FROM ", table, " WHERE run_id = $1"), params,
          [](const SqlRow&) { return absl::OkStatus(); }));
    }
    M8_RETURN_IF_ERROR(
        backend_->Query("DELETE FROM run WHERE id = $1", params,
                        [](const SqlRow&) { return absl::OkStatus(); }));
    return backend_->Commit();
  }();
  if (!status.ok() || !found) backend_->Rollback();
  if (!status.ok()) return Annotate(status, absl::StrCat("forgetting @", id));
  if (!found) {
    return absl::NotFoundError(absl::StrCat(location(), ": no run @", id));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> HistoryStore::CheckConsistency() {
  std::vector<std::string> problems;
  absl::Status status = [&]() -> absl::Status {
    M8_ASSIGN_OR_RETURN(problems, backend_->CheckStorage());
    M8_RETURN_IF_ERROR(backend_->BeginRead());
    for (absl::string_view table : kRunTables) {
      M8_RETURN_IF_ERROR(backend_->Query(
          absl::StrCat("SELECT count(*) FROM ", table,
                       " WHERE run_id NOT IN (SELECT id FROM run)"),
          {}, [&](const SqlRow& row) {
            if (row.Int(0) > 0) {
              problems.push_back(absl::StrCat(row.Int(0), " rows of ", table,
                                              " belong to no run"));
            }
            return absl::OkStatus();
          }));
    }
    M8_RETURN_IF_ERROR(backend_->Query(
        "SELECT run.id, run.entry_count, count(entry.position) FROM run "
        "LEFT JOIN entry ON entry.run_id = run.id "
        "GROUP BY run.id, run.entry_count "
        "HAVING count(entry.position) <> run.entry_count",
        {}, [&](const SqlRow& row) {
          problems.push_back(absl::StrCat("run @", row.Int(0), " has ",
                                          row.Int(2), " of its ", row.Int(1),
                                          " entries"));
          return absl::OkStatus();
        }));
    return absl::OkStatus();
  }();
  backend_->Rollback();
  if (!status.ok()) return Annotate(status, "checking the history");
  return problems;
}

}  // namespace m8::analysis
