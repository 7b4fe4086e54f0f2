#include "bench/support/results_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
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

absl::StatusOr<std::string> AddContextEntries(absl::string_view json,
                                              const ContextEntries& entries) {
  // Scan the top-level object for the key "context" and its object, keeping
  // track of strings (which may hold braces) and nesting.
  int depth = 0;
  bool in_string = false;
  size_t string_start = 0;
  std::string last_key;
  size_t context_open = absl::string_view::npos;
  size_t context_close = absl::string_view::npos;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1) {
          last_key = std::string(json.substr(string_start, i - string_start));
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      string_start = i + 1;
    } else if (c == '{' || c == '[') {
      if (c == '{' && depth == 1 && last_key == "context" &&
          context_open == absl::string_view::npos) {
        context_open = i;
      }
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth == 1 && context_open != absl::string_view::npos &&
          context_close == absl::string_view::npos && c == '}') {
        context_close = i;
        break;
      }
      if (depth < 0) break;
    } else if (c == ',' && depth == 1) {
      last_key.clear();
    }
  }
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

absl::Status AddContextEntriesToFile(const std::string& path,
                                     const ContextEntries& entries) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  in.close();
  absl::StatusOr<std::string> amended = AddContextEntries(text.str(), entries);
  if (!amended.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", amended.status().message()));
  }
  const std::string temp = absl::StrCat(path, ".m8tmp.", ::getpid());
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return ErrnoError("cannot create", temp);
  absl::Status status = WriteAll(fd, *amended, temp);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError("fsync", temp);
  if (::close(fd) != 0 && status.ok()) status = ErrnoError("close", temp);
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    status = ErrnoError("rename", temp);
  }
  if (!status.ok()) {
    std::remove(temp.c_str());
    return status;
  }
  // The rename is durable once the directory is.
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return absl::OkStatus();
}

}  // namespace m8::bench
