#include "grid/grid_config.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <variant>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "grid/internal/option_fields.h"
#include "grid/internal/posix_file.h"
#include "grid/option_table.h"
#include "nlohmann/json.hpp"

namespace m8 {
namespace {

using internal::FieldOf;
using internal::OptionField;

// The struct that holds a field: the GridOptions inside, or the whole.
template <typename T>
GridOptions& Holder(ConcurrentGridOptions& options, T GridOptions::*) {
  return options.grid;
}
template <typename T>
ConcurrentGridOptions& Holder(ConcurrentGridOptions& options,
                              T ConcurrentGridOptions::*) {
  return options;
}
template <typename T>
const GridOptions& Holder(const ConcurrentGridOptions& options,
                          T GridOptions::*) {
  return options.grid;
}
template <typename T>
const ConcurrentGridOptions& Holder(const ConcurrentGridOptions& options,
                                    T ConcurrentGridOptions::*) {
  return options;
}

// The shortest text that reads back as `v`.
std::string FormatDouble(double v) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

// A value as the config file spells it.
template <typename T>
std::string Format(T value) {
  if constexpr (std::is_same_v<T, double>) {
    return FormatDouble(value);
  } else if constexpr (std::is_same_v<T, EdgePolicy>) {
    return AbslUnparseFlag(value);
  } else {
    return absl::StrCat(value);
  }
}

std::string FieldValue(const OptionField& field,
                       const ConcurrentGridOptions& options) {
  return std::visit(
      [&](auto member) { return Format(Holder(options, member).*member); },
      field);
}

const char* TypeName(const nlohmann::json& v) { return v.type_name(); }

// e.what() without its "[json.exception.parse_error.101] " prefix.
absl::string_view Problem(const nlohmann::json::exception& e) {
  absl::string_view what = e.what();
  if (const size_t end = what.find("] "); end != absl::string_view::npos) {
    what.remove_prefix(end + 2);
  }
  return what;
}

// A key as the error messages quote it: 'alpha'. Escaped as JSON escapes
// it, so that a key holding a newline or a quote cannot break the one-line
// message.
std::string Quoted(absl::string_view key) {
  const std::string json = nlohmann::json(std::string(key)).dump();
  return absl::StrCat("'", absl::string_view(json).substr(1, json.size() - 2),
                      "'");
}

absl::Status KeyError(absl::string_view source, absl::string_view key,
                      absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": key ", Quoted(key), ": ", problem));
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

// Read(v, source, key, out) stores the value of `v` in *out, or says why
// `v` is not a value of that type. Ranges are Validate's business.
absl::Status Read(const nlohmann::json& v, absl::string_view source,
                  absl::string_view key, double* out) {
  if (!v.is_number()) {
    return KeyError(
        source, key,
        absl::StrCat("must be a number, got ", TypeName(v), " ", v.dump()));
  }
  *out = v.get<double>();
  return absl::OkStatus();
}

absl::Status Read(const nlohmann::json& v, absl::string_view source,
                  absl::string_view key, int* out) {
  absl::StatusOr<uint64_t> n = ReadUnsigned(v, source, key, INT32_MAX);
  if (!n.ok()) return n.status();
  *out = static_cast<int>(*n);
  return absl::OkStatus();
}

absl::Status Read(const nlohmann::json& v, absl::string_view source,
                  absl::string_view key, size_t* out) {
  absl::StatusOr<uint64_t> n = ReadUnsigned(v, source, key, SIZE_MAX);
  if (!n.ok()) return n.status();
  *out = static_cast<size_t>(*n);
  return absl::OkStatus();
}

absl::Status Read(const nlohmann::json& v, absl::string_view source,
                  absl::string_view key, EdgePolicy* out) {
  if (!v.is_string()) {
    return KeyError(
        source, key,
        absl::StrCat("must be a string, got ", TypeName(v), " ", v.dump()));
  }
  std::string error;
  if (!AbslParseFlag(v.get<std::string>(), out, &error)) {
    // The flag parser's message quotes the text as it is; v.dump() escapes.
    return KeyError(
        source, key,
        absl::StrCat("must be \"clamp\" or \"skip\", got ", v.dump()));
  }
  return absl::OkStatus();
}

absl::Status SetField(const OptionInfo& option, const nlohmann::json& v,
                      absl::string_view source,
                      ConcurrentGridOptions& options) {
  return std::visit(
      [&](auto member) {
        return Read(v, source, option.name, &(Holder(options, member).*member));
      },
      FieldOf(option));
}

}  // namespace

absl::StatusOr<ConcurrentGridOptions> ParseGridConfig(
    absl::string_view json, absl::string_view source) {
  // nlohmann keeps the last of two equal keys without a word: the parser
  // callback sees every key, so that a repeated one is reported instead.
  std::vector<absl::flat_hash_set<std::string>> open_objects;
  std::optional<std::string> repeated;
  const nlohmann::json::parser_callback_t find_repeated_keys =
      [&](int /*depth*/, nlohmann::json::parse_event_t event,
          nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start) {
          open_objects.emplace_back();
        } else if (event == Event::object_end) {
          open_objects.pop_back();
        } else if (event == Event::key && !open_objects.empty()) {
          std::string key = parsed.get<std::string>();
          if (!open_objects.back().insert(key).second && !repeated) {
            repeated = std::move(key);
          }
        }
        return true;
      };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json.begin(), json.end(), find_repeated_keys);
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": malformed JSON: ", Problem(e)));
  } catch (const nlohmann::json::exception& e) {
    // A number beyond the range of a double (out_of_range.406).
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", Problem(e)));
  }
  if (repeated) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": key ", Quoted(*repeated),
                     " appears more than once (which one should win?)"));
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": the config must be a JSON object of grid options, got ",
        TypeName(doc)));
  }
  ConcurrentGridOptions options;
  for (const auto& [key, value] : doc.items()) {
    const OptionInfo* option = FindGridOption(key);
    if (option == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": unknown key ", Quoted(key),
          " (keys are the GridOptions field names and shard_count)"));
    }
    if (absl::Status s = SetField(*option, value, source, options); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = options.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return options;
}

absl::StatusOr<ConcurrentGridOptions> LoadGridConfig(const std::string& path) {
  absl::StatusOr<internal::RegularFile> file =
      internal::OpenRegularFile(path, path, "cannot open the config file");
  if (!file.ok()) return file.status();
  if (file->size > kMaxGridConfigBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": the config file is ", file->size, " bytes, more than the ",
        kMaxGridConfigBytes, " a config file may have"));
  }
  // One byte more than the cap: a file that grew since it was opened is
  // still refused.
  std::string text(kMaxGridConfigBytes + 1, '\0');
  absl::StatusOr<size_t> n =
      internal::ReadUpTo(file->fd.get(), text.data(), text.size(), path);
  if (!n.ok()) return n.status();
  if (*n > kMaxGridConfigBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the config file grew past the ",
                     kMaxGridConfigBytes, " bytes a config file may have"));
  }
  text.resize(*n);
  return ParseGridConfig(text, path);
}

std::vector<std::pair<std::string, std::string>> DescribeGridOptions(
    const ConcurrentGridOptions& options) {
  std::vector<std::pair<std::string, std::string>> described;
  for (const OptionInfo& option : GridOptionTable()) {
    described.emplace_back(option.name, FieldValue(FieldOf(option), options));
  }
  return described;
}

std::string GridOptionsKey(const GridOptions& options) {
  ConcurrentGridOptions holder;
  holder.grid = options;
  std::string key;
  for (const OptionInfo& option : GridOptionTable()) {
    const OptionField& field = FieldOf(option);
    // Only the GridOptions fields: shard_count is not a GridOptions field.
    if (std::holds_alternative<size_t ConcurrentGridOptions::*>(field)) {
      continue;
    }
    absl::StrAppend(&key, option.name, "=", FieldValue(field, holder), ";");
  }
  return key;
}

}  // namespace m8
