#include "bench/support/results_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace m8::bench {
namespace {

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// "path: what: strerror(err)", ResourceExhausted for a full disk or a file
// size limit.
absl::Status ErrnoError(int err, const std::string& path,
                        absl::string_view what) {
  const std::string message =
      absl::StrCat(path, ": ", what, ": ", std::strerror(err));
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::UnavailableError(message);
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, path, "write failed");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadAll(const std::string& file,
                                    const std::string& path) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, path, "cannot read the results back");
  std::string text;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoError(err, path, "cannot read the results back");
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

// Where in the top-level object `json` its "context" object opens and
// closes, and whether the document is complete: scans strings (which may
// hold braces) and nesting once.
struct Shape {
  size_t context_open = absl::string_view::npos;
  size_t context_close = absl::string_view::npos;
  bool has_benchmarks = false;
  // Offset of the '}' that closes the top-level object, if it closes.
  size_t end = absl::string_view::npos;
};

Shape ScanResults(absl::string_view json) {
  Shape shape;
  int depth = 0;
  bool in_string = false;
  size_t string_start = 0;
  std::string last_key;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1) {
          last_key = std::string(json.substr(string_start, i - string_start));
          if (last_key == "benchmarks") shape.has_benchmarks = true;
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      string_start = i + 1;
    } else if (c == '{' || c == '[') {
      if (c == '{' && depth == 1 && last_key == "context" &&
          shape.context_open == absl::string_view::npos) {
        shape.context_open = i;
      }
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth == 1 && shape.context_open != absl::string_view::npos &&
          shape.context_close == absl::string_view::npos && c == '}') {
        shape.context_close = i;
      }
      if (depth == 0) {
        shape.end = i;
        break;
      }
      if (depth < 0) break;
    } else if (c == ',' && depth == 1) {
      last_key.clear();
    }
  }
  return shape;
}

}  // namespace

std::optional<std::string> FlagValue(int argc, char** argv,
                                     absl::string_view name,
                                     const char* env_value) {
  const std::string prefix = absl::StrCat("--", name, "=");
  std::optional<std::string> value;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, prefix)) value = std::string(arg);
  }
  if (!value && env_value != nullptr) value = env_value;
  return value;
}

std::string JsonResultsPath(int argc, char** argv, const char* out_env,
                            const char* format_env) {
  const std::optional<std::string> out =
      FlagValue(argc, argv, "benchmark_out", out_env);
  const std::string format =
      FlagValue(argc, argv, "benchmark_out_format", format_env)
          .value_or("json");
  if (!out || out->empty() || format != "json") return "";
  return *out;
}

std::string ResultsPath(int argc, char** argv, const char* out_env) {
  return FlagValue(argc, argv, "benchmark_out", out_env).value_or("");
}

absl::StatusOr<std::string> AddContextEntries(absl::string_view json,
                                              const ContextEntries& entries) {
  const Shape shape = ScanResults(json);
  const size_t context_open = shape.context_open;
  const size_t context_close = shape.context_close;
  if (context_close == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "no complete \"context\" object (an empty or truncated file?)");
  }
  // Insert after the last value, before the whitespace that precedes '}'.
  size_t insert_at = context_close;
  while (insert_at > context_open &&
         absl::ascii_isspace(static_cast<unsigned char>(json[insert_at - 1]))) {
    --insert_at;
  }
  bool need_comma = insert_at - 1 != context_open;
  std::string added;
  for (const auto& [key, value] : entries) {
    absl::StrAppend(&added, need_comma ? "," : "", "\n    ", JsonString(key),
                    ": ", JsonString(value));
    need_comma = true;
  }
  std::string out;
  out.reserve(json.size() + added.size());
  absl::StrAppend(&out, json.substr(0, insert_at), added,
                  json.substr(insert_at));
  return out;
}

absl::Status CheckCompleteResults(absl::string_view json) {
  const Shape shape = ScanResults(json);
  const size_t first = json.find_first_not_of(" \t\r\n");
  if (first == absl::string_view::npos || json[first] != '{') {
    return absl::InvalidArgumentError("not a JSON object");
  }
  if (shape.end == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the JSON ends after ", json.size(), " bytes, before its last '}'"));
  }
  if (json.find_first_not_of(" \t\r\n", shape.end + 1) !=
      absl::string_view::npos) {
    return absl::InvalidArgumentError("text after the JSON object");
  }
  if (!shape.has_benchmarks) {
    return absl::InvalidArgumentError("no \"benchmarks\" member");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ResultsFile>> ResultsFile::Create(
    const std::string& path, bool json) {
  for (int attempt = 0;; ++attempt) {
    std::string temp = absl::StrCat(path, ".m8tmp.", ::getpid());
    if (attempt > 0) absl::StrAppend(&temp, ".", attempt);
    // 0666: the umask decides, as for any new file.
    const int fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return std::unique_ptr<ResultsFile>(
          new ResultsFile(path, std::move(temp), json));
    }
    if (errno != EEXIST || attempt == 100) {
      return ErrnoError(errno, path, "cannot create the results file");
    }
  }
}

ResultsFile::~ResultsFile() {
  if (!committed_) ::unlink(temp_path_.c_str());
}

absl::Status ResultsFile::Commit(const ContextEntries& entries) {
  absl::StatusOr<std::string> text = ReadAll(temp_path_, path_);
  if (!text.ok()) return text.status();
  std::optional<std::string> amended;
  if (json_) {
    if (absl::Status complete = CheckCompleteResults(*text); !complete.ok()) {
      return absl::DataLossError(absl::StrCat(
          path_, ": the results are incomplete (", complete.message(),
          "): a write failed, was the disk full?"));
    }
    absl::StatusOr<std::string> with = AddContextEntries(*text, entries);
    if (!with.ok()) {
      return absl::DataLossError(
          absl::StrCat(path_, ": ", with.status().message()));
    }
    amended = *std::move(with);
  } else if (text->empty()) {
    return absl::DataLossError(
        absl::StrCat(path_,
                     ": the results are empty: a write failed, was "
                     "the disk full?"));
  }
  const int fd = ::open(temp_path_.c_str(),
                        O_WRONLY | O_CLOEXEC | (amended ? O_TRUNC : 0));
  if (fd < 0) return ErrnoError(errno, path_, "cannot write the results");
  absl::Status status =
      amended ? WriteAll(fd, *amended, path_) : absl::OkStatus();
  if (status.ok() && ::fsync(fd) != 0) {
    status = ErrnoError(errno, path_, "fsync failed");
  }
  if (::close(fd) != 0 && status.ok()) {
    status = ErrnoError(errno, path_, "close failed");
  }
  if (!status.ok()) return status;
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return ErrnoError(errno, path_, "rename failed");
  }
  committed_ = true;
  // The rename is durable once the directory is.
  std::filesystem::path dir = std::filesystem::path(path_).parent_path();
  if (dir.empty()) dir = ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return ErrnoError(errno, path_,
                      absl::StrCat("cannot open the directory ", dir.string()));
  }
  status = ::fsync(dir_fd) == 0
               ? absl::OkStatus()
               : ErrnoError(errno, path_,
                            absl::StrCat("fsync of the directory ",
                                         dir.string(), " failed"));
  ::close(dir_fd);
  return status;
}

std::vector<std::string> WithResultsPath(int argc, char** argv,
                                         const std::string& path) {
  std::vector<std::string> args;
  bool replaced = false;
  for (int i = 0; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (i > 0 && absl::ConsumePrefix(&arg, "--benchmark_out=")) {
      args.push_back(absl::StrCat("--benchmark_out=", path));
      replaced = true;
    } else {
      args.emplace_back(argv[i]);
    }
  }
  if (!replaced) args.push_back(absl::StrCat("--benchmark_out=", path));
  return args;
}

}  // namespace m8::bench
