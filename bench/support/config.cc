#include "bench/support/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <variant>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace m8::bench {
namespace {

using Member = std::variant<double GridOptions::*, int GridOptions::*,
                            size_t GridOptions::*, EdgePolicy GridOptions::*>;

struct Field {
  const char* name;
  Member member;
};

// Every GridOptions field, in declaration order, under its own name.
const Field kFields[] = {
    {"alpha", &GridOptions::alpha},
    {"beta", &GridOptions::beta},
    {"noise_floor", &GridOptions::noise_floor},
    {"blanket_threshold", &GridOptions::blanket_threshold},
    {"active_threshold", &GridOptions::active_threshold},
    {"reinforce_gain", &GridOptions::reinforce_gain},
    {"amplitude_max", &GridOptions::amplitude_max},
    {"relevance", &GridOptions::relevance},
    {"familiarity", &GridOptions::familiarity},
    {"threat", &GridOptions::threat},
    {"edge_policy", &GridOptions::edge_policy},
    {"max_cells", &GridOptions::max_cells},
    {"brick_edge", &GridOptions::brick_edge},
    {"frequency_buckets", &GridOptions::frequency_buckets},
    {"expected_cells", &GridOptions::expected_cells},
};
constexpr char kShardCount[] = "shard_count";

// The shortest text that reads back as `v`.
std::string FormatDouble(double v) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

const char* TypeName(const nlohmann::json& v) { return v.type_name(); }

absl::Status KeyError(absl::string_view source, absl::string_view key,
                      absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": key '", key, "': ", problem));
}

// Reads an unsigned integer in [0, max] from `v`.
absl::StatusOr<uint64_t> ReadUnsigned(const nlohmann::json& v,
                                      absl::string_view source,
                                      absl::string_view key, uint64_t max) {
  if (!v.is_number_integer()) {
    return KeyError(
        source, key,
        absl::StrCat("must be an integer, got ", TypeName(v), " ", v.dump()));
  }
  if (v.is_number_unsigned() && v.get<uint64_t>() <= max) {
    return v.get<uint64_t>();
  }
  return KeyError(
      source, key,
      absl::StrCat("must be an integer in [0, ", max, "], got ", v.dump()));
}

absl::Status SetField(const Field& field, const nlohmann::json& v,
                      absl::string_view source, GridOptions& options) {
  const absl::string_view key = field.name;
  if (auto* m = std::get_if<double GridOptions::*>(&field.member)) {
    if (!v.is_number()) {
      return KeyError(
          source, key,
          absl::StrCat("must be a number, got ", TypeName(v), " ", v.dump()));
    }
    options.*(*m) = v.get<double>();
  } else if (auto* m = std::get_if<int GridOptions::*>(&field.member)) {
    absl::StatusOr<uint64_t> n = ReadUnsigned(v, source, key, INT32_MAX);
    if (!n.ok()) return n.status();
    options.*(*m) = static_cast<int>(*n);
  } else if (auto* m = std::get_if<size_t GridOptions::*>(&field.member)) {
    absl::StatusOr<uint64_t> n = ReadUnsigned(v, source, key, SIZE_MAX);
    if (!n.ok()) return n.status();
    options.*(*m) = static_cast<size_t>(*n);
  } else if (auto* m = std::get_if<EdgePolicy GridOptions::*>(&field.member)) {
    if (!v.is_string()) {
      return KeyError(
          source, key,
          absl::StrCat("must be a string, got ", TypeName(v), " ", v.dump()));
    }
    std::string error;
    if (!AbslParseFlag(v.get<std::string>(), &(options.*(*m)), &error)) {
      return KeyError(source, key, error);
    }
  }
  return absl::OkStatus();
}

std::string FieldValue(const Field& field, const GridOptions& options) {
  return std::visit(
      [&](auto member) -> std::string {
        const auto& value = options.*member;
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, double>) {
          return FormatDouble(value);
        } else if constexpr (std::is_same_v<T, EdgePolicy>) {
          return AbslUnparseFlag(value);
        } else {
          return absl::StrCat(value);
        }
      },
      field.member);
}

}  // namespace

absl::StatusOr<ConcurrentGridOptions> ParseGridConfig(
    absl::string_view json, absl::string_view source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at ...".
    absl::string_view what = e.what();
    if (const size_t end = what.find("] "); end != absl::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": malformed JSON: ", what));
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": the config must be a JSON object of grid options, got ",
        TypeName(doc)));
  }
  ConcurrentGridOptions options;
  for (const auto& [key, value] : doc.items()) {
    if (key == kShardCount) {
      absl::StatusOr<uint64_t> n = ReadUnsigned(value, source, key, SIZE_MAX);
      if (!n.ok()) return n.status();
      options.shard_count = static_cast<size_t>(*n);
      continue;
    }
    const Field* field =
        std::find_if(std::begin(kFields), std::end(kFields),
                     [&](const Field& f) { return key == f.name; });
    if (field == std::end(kFields)) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": unknown key '", key,
          "' (keys are the GridOptions field names and shard_count)"));
    }
    if (absl::Status s = SetField(*field, value, source, options.grid);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = options.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return options;
}

absl::StatusOr<ConcurrentGridOptions> LoadGridConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    const std::string message =
        absl::StrCat(path, ": cannot read the config file: ",
                     error != 0 ? std::strerror(error) : "unknown error");
    return error == ENOENT ? absl::NotFoundError(message)
                           : absl::PermissionDeniedError(message);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat(path, ": read error on the config file"));
  }
  return ParseGridConfig(text.str(), path);
}

std::vector<std::pair<std::string, std::string>> DescribeGridOptions(
    const ConcurrentGridOptions& options) {
  std::vector<std::pair<std::string, std::string>> described;
  for (const Field& field : kFields) {
    described.emplace_back(field.name, FieldValue(field, options.grid));
  }
  described.emplace_back(kShardCount, absl::StrCat(options.shard_count));
  return described;
}

std::string GridOptionsKey(const GridOptions& options) {
  std::string key;
  for (const Field& field : kFields) {
    absl::StrAppend(&key, field.name, "=", FieldValue(field, options), ";");
  }
  return key;
}

namespace {
BenchSettings& MutableSettings() {
  static BenchSettings* settings = new BenchSettings();
  return *settings;
}
}  // namespace

const BenchSettings& Settings() { return MutableSettings(); }

void SetSettings(BenchSettings settings) {
  MutableSettings() = std::move(settings);
}

size_t FillCells(int64_t requested) {
  const auto n = static_cast<size_t>(std::max<int64_t>(requested, 1));
  return Settings().smoke ? std::min(n, kSmokeMaxCells) : n;
}

size_t BufferBytes(size_t requested) {
  return Settings().smoke ? std::min(requested, kSmokeMaxBufferBytes)
                          : requested;
}

}  // namespace m8::bench
