#include "optimizer/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using nlohmann::json;

constexpr int kJournalVersion = 1;

json IdentityToJson(const TuneIdentity& id) {
  return json{{"m8perf_tune_journal", kJournalVersion},
              {"binary", id.binary},
              {"binary_size", id.binary_size},
              {"binary_mtime", id.binary_mtime},
              {"filter", id.filter},
              {"space", id.space},
              {"settings", id.settings}};
}

// One journal line. Paths, the filter, the binary's arguments and failure
// messages (a binary's stderr) need not be UTF-8: bytes that are not are
// written as U+FFFD.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// `id` as the journal records it (and Resume reads it back).
TuneIdentity AsRecorded(const TuneIdentity& id) {
  const json j = json::parse(Dump(IdentityToJson(id)));
  TuneIdentity recorded = id;
  recorded.binary = j.at("binary").get<std::string>();
  recorded.filter = j.at("filter").get<std::string>();
  recorded.space = j.at("space").get<std::string>();
  recorded.settings = j.at("settings").get<std::string>();
  return recorded;
}

json RecordToJson(const JournalRecord& r) {
  json series = json::array();
  for (const Measurement::Series& s : r.result.measurement.series) {
    series.push_back({{"benchmark", s.benchmark},
                      {"metric", s.metric},
                      {"values", s.values}});
  }
  return json{{"sequence", r.sequence},
              {"purpose", r.purpose},
              {"config", r.config_json},
              {"repetitions", r.repetitions},
              {"ok", r.result.ok},
              {"failure", r.result.failure},
              {"wall_seconds", r.result.wall_seconds},
              {"output", r.result.output_path},
              {"series", series}};
}

JournalRecord RecordFromJson(const json& j) {
  JournalRecord r;
  r.sequence = j.at("sequence").get<int>();
  r.purpose = j.at("purpose").get<std::string>();
  r.config_json = j.at("config").get<std::string>();
  r.repetitions = j.at("repetitions").get<int>();
  r.result.ok = j.at("ok").get<bool>();
  r.result.failure = j.at("failure").get<std::string>();
  r.result.wall_seconds = j.at("wall_seconds").get<double>();
  r.result.output_path = j.at("output").get<std::string>();
  for (const json& s : j.at("series")) {
    r.result.measurement.series.push_back(
        {s.at("benchmark").get<std::string>(),
         s.at("metric").get<std::string>(),
         s.at("values").get<std::vector<double>>()});
  }
  return r;
}

absl::Status WriteAll(int fd, const std::string& text,
                      const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::DataLossError(
          absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    return absl::DataLossError(
        absl::StrCat(path, ": cannot sync: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// The first field in which two identities differ, for the error message.
std::string Difference(const TuneIdentity& a, const TuneIdentity& b) {
  if (a.binary != b.binary) {
    return absl::StrCat("another binary ('", a.binary, "')");
  }
  if (a.binary_size != b.binary_size || a.binary_mtime != b.binary_mtime) {
    return "the binary as it was before it was rebuilt";
  }
  if (a.filter != b.filter) {
    return absl::StrCat("another filter ('", a.filter, "')");
  }
  if (a.space != b.space) return "another knob space";
  return absl::StrCat("other settings (", a.settings, ")");
}

}  // namespace

Journal::Journal(Journal&& other) noexcept { *this = std::move(other); }

Journal& Journal::operator=(Journal&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    records_ = std::move(other.records_);
    next_ = other.next_;
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<Journal> Journal::Create(const std::string& path,
                                        const TuneIdentity& identity) {
  Journal journal;
  journal.path_ = path;
  journal.fd_ = ::open(
      path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (journal.fd_ < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(
          path,
          ": a journal is already there: resume it with --resume, or "
          "choose another --out"));
    }
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
  }
  if (absl::Status s =
          WriteAll(journal.fd_, Dump(IdentityToJson(identity)) + "\n", path);
      !s.ok()) {
    return s;
  }
  return journal;
}

absl::StatusOr<Journal> Journal::Resume(const std::string& path,
                                        const TuneIdentity& identity) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": no journal to resume: ", std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  // A line without its newline was cut short by a kill: drop it.
  const size_t complete =
      text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  Journal journal;
  journal.path_ = path;
  int line_number = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text).substr(0, complete), '\n',
                      absl::SkipEmpty())) {
    ++line_number;
    json j;
    try {
      j = json::parse(line.begin(), line.end());
      if (line_number == 1) {
        if (!j.is_object() || !j.contains("m8perf_tune_journal")) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": not a tune journal"));
        }
        if (j.at("m8perf_tune_journal").get<int>() != kJournalVersion) {
          return absl::InvalidArgumentError(absl::StrCat(
              path, ": journal version ", j.at("m8perf_tune_journal").dump(),
              " is not ", kJournalVersion));
        }
        TuneIdentity recorded;
        recorded.binary = j.at("binary").get<std::string>();
        recorded.binary_size = j.at("binary_size").get<int64_t>();
        recorded.binary_mtime = j.at("binary_mtime").get<int64_t>();
        recorded.filter = j.at("filter").get<std::string>();
        recorded.space = j.at("space").get<std::string>();
        recorded.settings = j.at("settings").get<std::string>();
        const TuneIdentity expected = AsRecorded(identity);
        if (!(recorded == expected)) {
          return absl::FailedPreconditionError(
              absl::StrCat(path, ": the journal belongs to a tune with ",
                           Difference(recorded, expected),
                           "; start a new tune with another --out"));
        }
        continue;
      }
      journal.records_.push_back(RecordFromJson(j));
    } catch (const json::exception& e) {
      return absl::DataLossError(absl::StrCat(path, ": line ", line_number,
                                              " is corrupt: ", e.what()));
    }
  }
  if (line_number == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty journal"));
  }
  // Cut the partial line off before appending.
  journal.fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (journal.fd_ < 0 || ::ftruncate(journal.fd_, complete) != 0 ||
      ::lseek(journal.fd_, 0, SEEK_END) < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot append: ", std::strerror(errno)));
  }
  return journal;
}

absl::StatusOr<std::optional<RunResult>> Journal::Replay(
    const std::string& purpose, const std::string& config_json,
    int repetitions) {
  if (next_ >= static_cast<int>(records_.size())) return std::nullopt;
  const JournalRecord& r = records_[next_];
  if (r.purpose != purpose || r.config_json != config_json ||
      r.repetitions != repetitions) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": record ", next_ + 1, " is '", r.purpose, "' ",
                     r.config_json, ", but the tune now asks for '", purpose,
                     "' ", config_json, ": the journal is not this tune's"));
  }
  ++next_;
  return r.result;
}

absl::Status Journal::Append(const JournalRecord& record) {
  return WriteAll(fd_, Dump(RecordToJson(record)) + "\n", path_);
}

}  // namespace m8::optimizer
