// The PostgreSQL engine of the history (backend.h), over libpq: parameters
// go as text (blobs as binary), results come back as text, bulk rows go
// through COPY ... FROM STDIN in text format. Doubles travel in their
// shortest exact decimal form both ways (extra_float_digits = 3), so values
// read back bit for bit.

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "analysis/history/backend.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

// Any constant: the key of the advisory lock that serialises schema
// migrations ("m8hist" in ASCII).
constexpr int64_t kSchemaLockKey = 0x6d3868697374;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

absl::Status PostgresError(PGconn* conn, const PGresult* result,
                           absl::string_view doing) {
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn);
  message = absl::StrCat(OneLine(message), " [", doing, "]");
  const char* state = result != nullptr
                          ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          : nullptr;
  const absl::string_view sqlstate = state != nullptr ? state : "";
  if (PQstatus(conn) == CONNECTION_BAD) return absl::UnavailableError(message);
  if (sqlstate == "53100") return absl::ResourceExhaustedError(message);
  if (absl::StartsWith(sqlstate, "58") || absl::StartsWith(sqlstate, "53")) {
    return absl::UnavailableError(message);
  }
  if (absl::StartsWith(sqlstate, "42501")) {
    return absl::PermissionDeniedError(message);
  }
  if (absl::StartsWith(sqlstate, "23")) {
    return absl::FailedPreconditionError(message);
  }
  return absl::InternalError(message);
}

// The shortest decimal that reads back as exactly `value`.
void AppendReal(double value, std::string* out) {
  if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kHex[] = "0123456789abcdef";

class PostgresRow : public SqlRow {
 public:
  PostgresRow(const PGresult* result, int row) : result_(result), row_(row) {}

  bool IsNull(int column) const override {
    return PQgetisnull(result_, row_, column) != 0;
  }
  int64_t Int(int column) const override {
    const absl::string_view text = Text(column);
    int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  double Real(int column) const override {
    if (IsNull(column)) return std::nan("");
    const absl::string_view text = Text(column);
    if (text == "NaN") return std::nan("");
    if (text == "Infinity") return HUGE_VAL;
    if (text == "-Infinity") return -HUGE_VAL;
    double value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  absl::string_view Text(int column) const override {
    return absl::string_view(PQgetvalue(result_, row_, column),
                             PQgetlength(result_, row_, column));
  }
  // bytea arrives in hex form: \x0a1b...
  absl::string_view Blob(int column) const override {
    absl::string_view text = Text(column);
    decoded_.clear();
    if (!absl::ConsumePrefix(&text, "\\x")) return decoded_;
    decoded_.reserve(text.size() / 2);
    for (size_t i = 0; i + 1 < text.size(); i += 2) {
      decoded_.push_back(
          static_cast<char>(HexDigit(text[i]) * 16 + HexDigit(text[i + 1])));
    }
    return decoded_;
  }

 private:
  const PGresult* result_;
  int row_;
  mutable std::string decoded_;
};

class PostgresBackend;

// COPY table (columns) FROM STDIN, text format: a row per line, values
// separated by tabs, \N for NULL, backslash escapes in text.
class PostgresBulkInsert : public SqlBulkInsert {
 public:
  explicit PostgresBulkInsert(PostgresBackend* backend) : backend_(backend) {}
  ~PostgresBulkInsert() override;
  absl::Status Add(absl::Span<const SqlValue> row) override;
  absl::Status Finish() override;

 private:
  absl::Status Flush();

  PostgresBackend* backend_;
  std::string buffer_;
  bool finished_ = false;
};

class PostgresBackend : public HistoryBackend {
 public:
  PostgresBackend(PGconn* conn, std::string display)
      : conn_(conn), display_(std::move(display)) {}
  ~PostgresBackend() override { PQfinish(conn_); }

  const std::string& location() const override { return display_; }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  absl::Status Execute(absl::string_view sql) override {
    const std::string text(sql);
    Result result(PQexec(conn_, text.c_str()));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return PostgresError(conn_, result.get(), "executing statements");
    }
    return absl::OkStatus();
  }

  absl::Status Query(absl::string_view sql, absl::Span<const SqlValue> params,
                     const RowCallback& callback) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size());
    std::vector<int> formats(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& p = params[i];
      switch (p.type) {
        case SqlValue::Type::kNull:
          values[i] = nullptr;
          continue;
        case SqlValue::Type::kInt:
          texts[i] = absl::StrCat(p.integer);
          break;
        case SqlValue::Type::kReal:
          AppendReal(p.real, &texts[i]);
          break;
        case SqlValue::Type::kText:
          texts[i] = std::string(p.bytes);
          break;
        case SqlValue::Type::kBlob:
          texts[i] = std::string(p.bytes);
          formats[i] = 1;  // binary: the bytes as they are
          break;
      }
      values[i] = texts[i].c_str();
      lengths[i] = static_cast<int>(texts[i].size());
    }
    const std::string text(sql);
    Result result(PQexecParams(conn_, text.c_str(),
                               static_cast<int>(params.size()), nullptr,
                               values.data(), lengths.data(), formats.data(),
                               /*resultFormat=*/0));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return PostgresError(conn_, result.get(), FirstWords(sql));
    }
    const int rows = PQntuples(result.get());
    for (int row = 0; row < rows; ++row) {
      M8_RETURN_IF_ERROR(callback(PostgresRow(result.get(), row)));
    }
    return absl::OkStatus();
  }

  absl::Status BeginWrite() override { return Begin("BEGIN"); }
  absl::Status BeginRead() override {
    return Begin("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }

  absl::Status Commit() override {
    Result result(PQexec(conn_, "COMMIT"));
    in_transaction_ = false;
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return PostgresError(conn_, result.get(), "COMMIT");
    }
    // COMMIT of a failed transaction rolls back without an error.
    if (absl::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      return absl::AbortedError("the transaction was rolled back [COMMIT]");
    }
    return absl::OkStatus();
  }

  void Rollback() override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    Result result(PQexec(conn_, "ROLLBACK"));
  }

  absl::Status LockSchema() override {
    const SqlValue key[] = {SqlValue::Int(kSchemaLockKey)};
    return Query("SELECT pg_advisory_xact_lock($1)", key,
                 [](const SqlRow&) { return absl::OkStatus(); });
  }

  absl::StatusOr<bool> TableExists(absl::string_view table) override {
    bool exists = false;
    const SqlValue params[] = {SqlValue::Text(table)};
    M8_RETURN_IF_ERROR(
        Query("SELECT 1 FROM information_schema.tables WHERE table_schema = "
              "current_schema() AND table_name = $1",
              params, [&](const SqlRow&) {
                exists = true;
                return absl::OkStatus();
              }));
    return exists;
  }

  absl::StatusOr<std::unique_ptr<SqlBulkInsert>> BulkInsert(
      absl::string_view table,
      absl::Span<const absl::string_view> columns) override {
    std::string sql = absl::StrCat("COPY ", table, " (");
    for (size_t i = 0; i < columns.size(); ++i) {
      absl::StrAppend(&sql, i ? ", " : "", columns[i]);
    }
    absl::StrAppend(&sql, ") FROM STDIN");
    Result result(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COPY_IN) {
      return PostgresError(conn_, result.get(), FirstWords(sql));
    }
    return std::make_unique<PostgresBulkInsert>(this);
  }

  // The server checks its own storage; nothing to add.
  absl::StatusOr<std::vector<std::string>> CheckStorage() override {
    return std::vector<std::string>{};
  }

  PGconn* conn() const { return conn_; }

 private:
  static std::string FirstWords(absl::string_view sql) {
    size_t end = 0;
    for (int words = 0; end < sql.size() && words < 3; ++words) {
      end = sql.find(' ', end + 1);
      if (end == absl::string_view::npos) end = sql.size();
    }
    return std::string(sql.substr(0, end));
  }

  absl::Status Begin(const char* sql) {
    Result result(PQexec(conn_, sql));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return PostgresError(conn_, result.get(), "BEGIN");
    }
    in_transaction_ = true;
    return absl::OkStatus();
  }

  PGconn* conn_;
  std::string display_;
  bool in_transaction_ = false;
};

void AppendCopyText(absl::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

absl::Status PostgresBulkInsert::Add(absl::Span<const SqlValue> row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) buffer_.push_back('\t');
    const SqlValue& v = row[i];
    switch (v.type) {
      case SqlValue::Type::kNull:
        buffer_.append("\\N");
        break;
      case SqlValue::Type::kInt:
        absl::StrAppend(&buffer_, v.integer);
        break;
      case SqlValue::Type::kReal:
        AppendReal(v.real, &buffer_);
        break;
      case SqlValue::Type::kText:
        AppendCopyText(v.bytes, &buffer_);
        break;
      case SqlValue::Type::kBlob:
        // bytea's hex input, its backslash escaped for COPY.
        buffer_.append("\\\\x");
        for (unsigned char c : v.bytes) {
          buffer_.push_back(kHex[c >> 4]);
          buffer_.push_back(kHex[c & 15]);
        }
        break;
    }
  }
  buffer_.push_back('\n');
  if (buffer_.size() >= (1 << 20)) return Flush();
  return absl::OkStatus();
}

absl::Status PostgresBulkInsert::Flush() {
  if (buffer_.empty()) return absl::OkStatus();
  if (PQputCopyData(backend_->conn(), buffer_.data(),
                    static_cast<int>(buffer_.size())) != 1) {
    return PostgresError(backend_->conn(), nullptr, "COPY");
  }
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status PostgresBulkInsert::Finish() {
  finished_ = true;
  absl::Status status = Flush();
  PGconn* conn = backend_->conn();
  if (PQputCopyEnd(conn, status.ok() ? nullptr : "aborted") != 1 &&
      status.ok()) {
    status = PostgresError(conn, nullptr, "COPY");
  }
  while (PGresult* raw = PQgetResult(conn)) {
    Result result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && status.ok()) {
      status = PostgresError(conn, raw, "COPY");
    }
  }
  return status;
}

PostgresBulkInsert::~PostgresBulkInsert() {
  if (finished_) return;
  // An abandoned COPY (an error elsewhere): end it so that the connection
  // can roll back.
  PGconn* conn = backend_->conn();
  PQputCopyEnd(conn, "abandoned");
  while (PGresult* raw = PQgetResult(conn)) PQclear(raw);
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

absl::StatusOr<std::unique_ptr<HistoryBackend>> OpenPostgresBackend(
    const std::string& url, const std::string& display, const BackendOptions&) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat(display, ": cannot connect: ", reason));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto backend = std::make_unique<PostgresBackend>(conn, display);
  if (absl::Status status = backend->Execute(
          "SET client_min_messages = warning; SET extra_float_digits = 3");
      !status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat(display, ": ", status.message()));
  }
  return backend;
}

}  // namespace m8::analysis
