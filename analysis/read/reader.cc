#include "analysis/read/reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "analysis/read/metric.h"
#include "analysis/read/nonfinite.h"
#include "analysis/read/printable.h"
#include "analysis/read/text_file.h"
#include "analysis/stats/parallel.h"
#include "nlohmann/json.hpp"
#include "simdjson.h"

namespace m8::analysis {
namespace {

namespace dom = simdjson::dom;
using ElementType = dom::element_type;

// Abseil here is built with its own string_view type; simdjson hands out
// std::string_view.
absl::string_view View(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// REQUIRES: value.type() == ElementType::STRING.
absl::string_view StringOf(dom::element value) {
  return View(std::string_view(value));
}

// What every part of a parse needs: how messages name the file, and which
// strings stand for bare NaN and Infinity tokens in this document.
struct Document {
  std::string shown;  // Printable(source)
  NonFiniteTokens tokens;
};

// ---- Diagnostics for text that is not JSON
// -----------------------------------

// Records where nlohmann's SAX parser gives up. Used only after simdjson has
// rejected a document, to name the byte offset (simdjson's DOM parser does
// not report one).
class ErrorFinder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    failed = true;
    this->position = position;
    this->last_token = last_token;
    message = ex.what();
    return false;
  }

  bool failed = false;
  size_t position = 0;
  std::string last_token;
  std::string message;
};

std::string LineAndColumn(absl::string_view text, size_t offset) {
  size_t line = 1;
  size_t line_start = 0;
  offset = std::min(offset, text.size());
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return absl::StrCat("line ", line, ", column ", offset - line_start + 1);
}

// nlohmann's messages read "[json.exception.parse_error.101] parse error at
// line 3, column 4: syntax error while parsing value - invalid literal; last
// read: 'x'", or "[json.exception.out_of_range.406] number overflow parsing
// '1e999'". Keep the part after the location, without the exception's name.
std::string ShortReason(const std::string& message) {
  absl::string_view reason = message;
  if (absl::StartsWith(reason, "[json.exception.")) {
    const size_t end = reason.find("] ");
    if (end != absl::string_view::npos) reason.remove_prefix(end + 2);
  }
  const size_t colon = reason.find(": ");
  if (absl::StartsWith(reason, "parse error") &&
      colon != absl::string_view::npos) {
    reason.remove_prefix(colon + 2);
  }
  return Printable(reason);
}

absl::Status SyntaxError(absl::string_view text, const std::string& source,
                         simdjson::error_code simdjson_error) {
  if (text.find_first_not_of(" \t\r\n") == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": the file is empty (did the benchmark run write it?)"));
  }
  ErrorFinder finder;
  try {
    nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
  } catch (const std::exception& e) {
    finder.failed = true;
    finder.message = e.what();
  }
  if (!finder.failed) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a valid results file: ",
                     simdjson::error_message(simdjson_error)));
  }
  // nlohmann counts characters read; the offending byte is the last one.
  const size_t offset = finder.position == 0 ? 0 : finder.position - 1;
  if (finder.position >= text.size() &&
      finder.message.find("end of input") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": truncated at offset ", text.size(),
        ": the JSON document ends early (did the benchmark crash while "
        "writing it?)"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      source, ": not JSON at offset ", offset, " (",
      LineAndColumn(text, offset), "): ", ShortReason(finder.message)));
}

// ---- Typed access to DOM values --------------------------------------------

// What `value` is, for messages; a stand-in string is the bare token it
// replaced.
std::string TypeName(dom::element value, const NonFiniteTokens& tokens) {
  switch (value.type()) {
    case ElementType::ARRAY:
      return "an array";
    case ElementType::OBJECT:
      return "an object";
    case ElementType::INT64:
    case ElementType::UINT64:
    case ElementType::DOUBLE:
      return "a number";
    case ElementType::STRING: {
      const absl::string_view token = tokens.TokenOf(StringOf(value));
      return token.empty() ? "a string" : absl::StrCat("a bare ", token);
    }
    case ElementType::BOOL:
      return "a boolean";
    case ElementType::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

// A number, or one of the rewritten non-finite tokens.
std::optional<double> AsNumber(dom::element value,
                               const NonFiniteTokens& tokens) {
  switch (value.type()) {
    case ElementType::INT64:
      return static_cast<double>(int64_t(value));
    case ElementType::UINT64:
      return static_cast<double>(uint64_t(value));
    case ElementType::DOUBLE:
      return double(value);
    case ElementType::STRING:
      return tokens.Decode(StringOf(value));
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> AsInteger(dom::element value) {
  if (value.type() == ElementType::INT64) return int64_t(value);
  if (value.type() == ElementType::UINT64) {
    uint64_t u = uint64_t(value);
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(u);
    }
  }
  return std::nullopt;
}

// Reads one JSON object's fields with uniform error messages that say where
// the object is ("context", "benchmarks[17] 'BM_x'").
class FieldReader {
 public:
  FieldReader(const Document& document, std::string where)
      : document_(document), where_(std::move(where)) {}

  void set_where(std::string where) { where_ = std::move(where); }

  absl::Status WrongType(absl::string_view field, absl::string_view expected,
                         dom::element value) const {
    return absl::InvalidArgumentError(absl::StrCat(
        document_.shown, ": ", where_, ": '", Printable(field), "' must be ",
        expected, ", got ", TypeName(value, document_.tokens)));
  }
  absl::Status Invalid(absl::string_view detail) const {
    return absl::InvalidArgumentError(
        absl::StrCat(document_.shown, ": ", where_, ": ", detail));
  }
  absl::Status DuplicateKey(absl::string_view key) const {
    return Invalid(absl::StrCat(
        "duplicate key '", Printable(key),
        "' (a JSON object must name each key once; which value was meant?)"));
  }

  // A string; a stand-in for a bare NaN or Infinity is a number, not one.
  absl::Status String(absl::string_view field, dom::element value,
                      std::string* out) const {
    if (value.type() != ElementType::STRING ||
        !document_.tokens.TokenOf(StringOf(value)).empty()) {
      return WrongType(field, "a string", value);
    }
    *out = std::string(StringOf(value));
    return absl::OkStatus();
  }
  absl::Status Number(absl::string_view field, dom::element value,
                      double* out) const {
    std::optional<double> number = AsNumber(value, document_.tokens);
    if (!number) return WrongType(field, "a number", value);
    *out = *number;
    return absl::OkStatus();
  }
  absl::Status Integer(absl::string_view field, dom::element value,
                       int64_t* out) const {
    std::optional<int64_t> number = AsInteger(value);
    if (!number) return WrongType(field, "an integer", value);
    *out = *number;
    return absl::OkStatus();
  }
  absl::Status Bool(absl::string_view field, dom::element value,
                    bool* out) const {
    if (value.type() != ElementType::BOOL) {
      return WrongType(field, "a boolean", value);
    }
    *out = bool(value);
    return absl::OkStatus();
  }

 private:
  const Document& document_;
  std::string where_;
};

#define M8_RETURN_IF_ERROR(expr)             \
  do {                                       \
    absl::Status m8_status_ = (expr);        \
    if (!m8_status_.ok()) return m8_status_; \
  } while (false)

// ---- Context ---------------------------------------------------------------

// Text of a value for Context::extra: strings unquoted, others as JSON.
std::string ValueText(dom::element value, const NonFiniteTokens& tokens) {
  if (value.type() == ElementType::STRING) {
    const absl::string_view text = StringOf(value);
    if (std::optional<double> number = tokens.Decode(text)) {
      return absl::StrCat(*number);  // a bare NaN or Infinity, rewritten
    }
    return std::string(text);
  }
  return simdjson::minify(value);
}

// A key that an object inside `value` names twice, at any depth, or nullopt.
std::optional<std::string> NestedDuplicateKey(dom::element value) {
  if (value.type() == ElementType::ARRAY) {
    for (dom::element item : dom::array(value)) {
      if (auto key = NestedDuplicateKey(item)) return key;
    }
  } else if (value.type() == ElementType::OBJECT) {
    absl::flat_hash_set<absl::string_view> seen;
    for (dom::key_value_pair field : dom::object(value)) {
      if (!seen.insert(View(field.key)).second) {
        return std::string(View(field.key));
      }
      if (auto key = NestedDuplicateKey(field.value)) return key;
    }
  }
  return std::nullopt;
}

absl::Status ParseCaches(const FieldReader& reader, dom::element value,
                         std::vector<CacheInfo>* caches) {
  if (value.type() != ElementType::ARRAY) {
    return reader.WrongType("caches", "an array", value);
  }
  for (dom::element item : dom::array(value)) {
    if (item.type() != ElementType::OBJECT) {
      return reader.WrongType("caches[]", "an object", item);
    }
    CacheInfo cache;
    if (std::optional<std::string> key = NestedDuplicateKey(item)) {
      return reader.DuplicateKey(absl::StrCat("caches[].", *key));
    }
    for (dom::key_value_pair field : dom::object(item)) {
      if (View(field.key) == "type") {
        M8_RETURN_IF_ERROR(
            reader.String("caches[].type", field.value, &cache.type));
      } else if (View(field.key) == "level") {
        M8_RETURN_IF_ERROR(
            reader.Integer("caches[].level", field.value, &cache.level));
      } else if (View(field.key) == "size") {
        M8_RETURN_IF_ERROR(
            reader.Integer("caches[].size", field.value, &cache.size));
      } else if (View(field.key) == "num_sharing") {
        M8_RETURN_IF_ERROR(reader.Integer("caches[].num_sharing", field.value,
                                          &cache.num_sharing));
      }
    }
    caches->push_back(std::move(cache));
  }
  return absl::OkStatus();
}

absl::Status ParseContext(const Document& document, dom::element value,
                          Context* context) {
  FieldReader reader(document, "context");
  if (value.type() != ElementType::OBJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat(document.shown, ": 'context' must be an object, got ",
                     TypeName(value, document.tokens)));
  }
  absl::flat_hash_set<absl::string_view> keys;
  for (dom::key_value_pair field : dom::object(value)) {
    const absl::string_view key = View(field.key);
    dom::element v = field.value;
    if (!keys.insert(key).second) return reader.DuplicateKey(key);
    if (key == "date") {
      M8_RETURN_IF_ERROR(reader.String(key, v, &context->date));
    } else if (key == "host_name") {
      M8_RETURN_IF_ERROR(reader.String(key, v, &context->host_name));
    } else if (key == "executable") {
      M8_RETURN_IF_ERROR(reader.String(key, v, &context->executable));
    } else if (key == "num_cpus") {
      M8_RETURN_IF_ERROR(reader.Integer(key, v, &context->num_cpus));
    } else if (key == "mhz_per_cpu") {
      M8_RETURN_IF_ERROR(reader.Number(key, v, &context->mhz_per_cpu));
    } else if (key == "cpu_scaling_enabled") {
      bool enabled = false;
      M8_RETURN_IF_ERROR(reader.Bool(key, v, &enabled));
      context->cpu_scaling_enabled = enabled;
    } else if (key == "aslr_enabled") {
      bool enabled = false;
      M8_RETURN_IF_ERROR(reader.Bool(key, v, &enabled));
      context->aslr_enabled = enabled;
    } else if (key == "caches") {
      M8_RETURN_IF_ERROR(ParseCaches(reader, v, &context->caches));
    } else if (key == "load_avg") {
      if (v.type() != ElementType::ARRAY) {
        return reader.WrongType(key, "an array", v);
      }
      for (dom::element item : dom::array(v)) {
        double load = 0;
        M8_RETURN_IF_ERROR(reader.Number("load_avg[]", item, &load));
        context->load_avg.push_back(load);
      }
    } else if (key == "library_build_type") {
      M8_RETURN_IF_ERROR(reader.String(key, v, &context->library_build_type));
    } else if (key == "library_version") {
      M8_RETURN_IF_ERROR(reader.String(key, v, &context->library_version));
    } else if (key == "json_schema_version") {
      int64_t version = 0;
      M8_RETURN_IF_ERROR(reader.Integer(key, v, &version));
      if (version != 1) {
        return reader.Invalid(
            absl::StrCat("json_schema_version ", version,
                         " is not supported (this reader knows version 1)"));
      }
      context->json_schema_version = version;
    } else {
      if (std::optional<std::string> nested = NestedDuplicateKey(v)) {
        return reader.DuplicateKey(absl::StrCat(key, ".", *nested));
      }
      context->extra.emplace_back(std::string(key),
                                  ValueText(v, document.tokens));
    }
  }
  return absl::OkStatus();
}

}  // namespace

// Files from older m8bench versions hold a sentence under m8.counters, not a
// JSON object: those declare nothing.
absl::Status ParseCounterCatalogue(const std::string& source,
                                   Context* context) {
  const std::string* text = context->FindExtra(kCountersContextKey);
  if (text == nullptr) return absl::OkStatus();
  const absl::string_view value = absl::StripLeadingAsciiWhitespace(*text);
  if (!absl::StartsWith(value, "{")) return absl::OkStatus();
  absl::StatusOr<CounterCatalogue> catalogue = CounterCatalogue::Parse(value);
  if (!catalogue.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": context '", kCountersContextKey,
                     "': ", catalogue.status().message()));
  }
  context->counters = *std::move(catalogue);
  return absl::OkStatus();
}

namespace {

// ---- Benchmark entries -----------------------------------------------------

enum class Field {
  kCounter,  // anything not listed: a user counter when numeric
  kName,
  kFamilyIndex,
  kPerFamilyInstanceIndex,
  kRunName,
  kRunType,
  kRepetitions,
  kRepetitionIndex,
  kThreads,
  kAggregateName,
  kAggregateUnit,
  kErrorOccurred,
  kErrorMessage,
  kSkipped,
  kSkipMessage,
  kIterations,
  kRealTime,
  kCpuTime,
  kTimeUnit,
  kCpuCoefficient,
  kRealCoefficient,
  kBigO,
  kRms,
  kAllocsPerIter,
  kMaxBytesUsed,
  kTotalAllocatedBytes,
  kNetHeapGrowth,
  kLabel,
};

struct FieldName {
  absl::string_view key;
  Field field;
};

constexpr FieldName kFieldNames[] = {
    {"name", Field::kName},
    {"family_index", Field::kFamilyIndex},
    {"per_family_instance_index", Field::kPerFamilyInstanceIndex},
    {"run_name", Field::kRunName},
    {"run_type", Field::kRunType},
    {"repetitions", Field::kRepetitions},
    {"repetition_index", Field::kRepetitionIndex},
    {"threads", Field::kThreads},
    {"aggregate_name", Field::kAggregateName},
    {"aggregate_unit", Field::kAggregateUnit},
    {"error_occurred", Field::kErrorOccurred},
    {"error_message", Field::kErrorMessage},
    {"skipped", Field::kSkipped},
    {"skip_message", Field::kSkipMessage},
    {"iterations", Field::kIterations},
    {"real_time", Field::kRealTime},
    {"cpu_time", Field::kCpuTime},
    {"time_unit", Field::kTimeUnit},
    {"cpu_coefficient", Field::kCpuCoefficient},
    {"real_coefficient", Field::kRealCoefficient},
    {"big_o", Field::kBigO},
    {"rms", Field::kRms},
    {"allocs_per_iter", Field::kAllocsPerIter},
    {"max_bytes_used", Field::kMaxBytesUsed},
    {"total_allocated_bytes", Field::kTotalAllocatedBytes},
    {"net_heap_growth", Field::kNetHeapGrowth},
    {"label", Field::kLabel},
};

// The known field a key names. Called for every key of every entry, so it
// dispatches on the first byte and the length before comparing.
Field ClassifyField(absl::string_view key) {
  for (const FieldName& known : kFieldNames) {
    if (known.key.size() == key.size() && known.key[0] == key[0] &&
        known.key == key) {
      return known.field;
    }
  }
  return Field::kCounter;
}

absl::StatusOr<double> NanosecondsPerUnit(const FieldReader& reader,
                                          absl::string_view unit,
                                          TimeUnit* time_unit) {
  if (unit == "ns") {
    *time_unit = TimeUnit::kNanosecond;
    return 1.0;
  }
  if (unit == "us") {
    *time_unit = TimeUnit::kMicrosecond;
    return 1e3;
  }
  if (unit == "ms") {
    *time_unit = TimeUnit::kMillisecond;
    return 1e6;
  }
  if (unit == "s") {
    *time_unit = TimeUnit::kSecond;
    return 1e9;
  }
  return reader.Invalid(absl::StrCat(
      "'time_unit' must be ns, us, ms or s, got '", Printable(unit), "'"));
}

// Interns counter names. Entries list their counters in the same order, so
// remembering the name seen at each position avoids most hash lookups.
class CounterNames {
 public:
  explicit CounterNames(ResultsBuilder* builder) : builder_(builder) {}

  uint32_t Id(size_t position, absl::string_view name) {
    if (position < recent_.size() && recent_[position].first == name) {
      return recent_[position].second;
    }
    const uint32_t id = builder_->CounterId(name);
    if (position >= recent_.size()) recent_.resize(position + 1);
    recent_[position] = {std::string(name), id};
    return id;
  }

  // Notes that counter `id` appears in entry `entry`; false when it did
  // already (the entry names it twice).
  bool FirstInEntry(uint32_t id, size_t entry) {
    if (id >= entry_of_.size()) entry_of_.resize(id + 1, 0);
    if (entry_of_[id] == entry + 1) return false;
    entry_of_[id] = entry + 1;
    return true;
  }

  // Whether a counter called `name` appears in entry `entry`.
  bool InEntry(absl::string_view name, size_t entry) const {
    const int id = builder_->FindCounter(name);
    return id >= 0 && static_cast<size_t>(id) < entry_of_.size() &&
           entry_of_[id] == entry + 1;
  }

 private:
  ResultsBuilder* builder_;
  std::vector<std::pair<std::string, uint32_t>> recent_;
  std::vector<size_t> entry_of_;  // per counter id: last entry + 1, or 0
};

struct RawTimes {
  std::optional<double> real_time;
  std::optional<double> cpu_time;
  std::optional<double> cpu_coefficient;
  std::optional<double> real_coefficient;
  std::string big_o;
  bool has_big_o = false;
  std::string time_unit;
  bool has_time_unit = false;
};

absl::Status ParseEntry(const Document& document, size_t index,
                        dom::element value, const ReadOptions& options,
                        CounterNames* names, ResultsBuilder* builder) {
  FieldReader reader(document, absl::StrCat("benchmarks[", index, "]"));
  if (value.type() != ElementType::OBJECT) {
    return absl::InvalidArgumentError(absl::StrCat(
        document.shown, ": benchmarks[", index, "] must be an object, got ",
        TypeName(value, document.tokens)));
  }
  dom::object object(value);
  Entry entry;
  // Name the entry in later messages; find it first.
  dom::element name_value;
  if (object["name"].get(name_value) != simdjson::SUCCESS) {
    return reader.Invalid("missing required field 'name'");
  }
  M8_RETURN_IF_ERROR(reader.String("name", name_value, &entry.name));
  reader.set_where(
      absl::StrCat("benchmarks[", index, "] '", Printable(entry.name), "'"));
  if (!options.keep_aggregates) {
    dom::element run_type;
    if (object["run_type"].get(run_type) == simdjson::SUCCESS &&
        run_type.type() == ElementType::STRING &&
        StringOf(run_type) == "aggregate") {
      return absl::OkStatus();  // not wanted: skip it whole
    }
  }

  RawTimes raw;
  bool has_run_name = false;
  size_t counter_position = 0;
  uint64_t known_fields = 0;  // a bit per Field seen
  // Keys that are neither known nor numbers (fields of newer versions);
  // rare, so a list.
  std::vector<absl::string_view> other_keys;
  for (dom::key_value_pair field : object) {
    const absl::string_view key = View(field.key);
    dom::element v = field.value;
    const Field kind = ClassifyField(key);
    if (kind != Field::kCounter) {
      const uint64_t bit = uint64_t{1} << static_cast<int>(kind);
      if ((known_fields & bit) != 0) return reader.DuplicateKey(key);
      known_fields |= bit;
    }
    switch (kind) {
      case Field::kName:
        break;
      case Field::kFamilyIndex:
        M8_RETURN_IF_ERROR(reader.Integer(key, v, &entry.family_index));
        break;
      case Field::kPerFamilyInstanceIndex:
        M8_RETURN_IF_ERROR(
            reader.Integer(key, v, &entry.per_family_instance_index));
        break;
      case Field::kRunName:
        M8_RETURN_IF_ERROR(reader.String(key, v, &entry.run_name));
        has_run_name = true;
        break;
      case Field::kRunType: {
        std::string run_type;
        M8_RETURN_IF_ERROR(reader.String(key, v, &run_type));
        if (run_type == "iteration") {
          entry.run_type = RunType::kIteration;
        } else if (run_type == "aggregate") {
          entry.run_type = RunType::kAggregate;
        } else {
          return reader.Invalid(absl::StrCat(
              "'run_type' must be 'iteration' or 'aggregate', got '",
              Printable(run_type), "'"));
        }
        break;
      }
      case Field::kRepetitions:
        M8_RETURN_IF_ERROR(reader.Integer(key, v, &entry.repetitions));
        break;
      case Field::kRepetitionIndex:
        M8_RETURN_IF_ERROR(reader.Integer(key, v, &entry.repetition_index));
        break;
      case Field::kThreads:
        M8_RETURN_IF_ERROR(reader.Integer(key, v, &entry.threads));
        break;
      case Field::kAggregateName:
        M8_RETURN_IF_ERROR(reader.String(key, v, &entry.aggregate_name));
        break;
      case Field::kAggregateUnit: {
        std::string unit;
        M8_RETURN_IF_ERROR(reader.String(key, v, &unit));
        entry.percentage_unit = unit == "percentage";
        break;
      }
      case Field::kErrorOccurred: {
        bool error = false;
        M8_RETURN_IF_ERROR(reader.Bool(key, v, &error));
        if (error) entry.status = RunStatus::kError;
        break;
      }
      case Field::kSkipped: {
        bool skipped = false;
        M8_RETURN_IF_ERROR(reader.Bool(key, v, &skipped));
        if (skipped && entry.status == RunStatus::kOk) {
          entry.status = RunStatus::kSkipped;
        }
        break;
      }
      case Field::kErrorMessage:
      case Field::kSkipMessage:
        M8_RETURN_IF_ERROR(reader.String(key, v, &entry.message));
        break;
      case Field::kIterations:
        M8_RETURN_IF_ERROR(reader.Number(key, v, &entry.iterations));
        break;
      case Field::kRealTime:
        M8_RETURN_IF_ERROR(reader.Number(key, v, &raw.real_time.emplace()));
        break;
      case Field::kCpuTime:
        M8_RETURN_IF_ERROR(reader.Number(key, v, &raw.cpu_time.emplace()));
        break;
      case Field::kTimeUnit:
        M8_RETURN_IF_ERROR(reader.String(key, v, &raw.time_unit));
        raw.has_time_unit = true;
        break;
      case Field::kCpuCoefficient:
        M8_RETURN_IF_ERROR(
            reader.Number(key, v, &raw.cpu_coefficient.emplace()));
        break;
      case Field::kRealCoefficient:
        M8_RETURN_IF_ERROR(
            reader.Number(key, v, &raw.real_coefficient.emplace()));
        break;
      case Field::kBigO:
        M8_RETURN_IF_ERROR(reader.String(key, v, &raw.big_o));
        raw.has_big_o = true;
        break;
      case Field::kRms:
        M8_RETURN_IF_ERROR(reader.Number(key, v, &entry.rms.emplace()));
        break;
      case Field::kAllocsPerIter:
        M8_RETURN_IF_ERROR(
            reader.Number(key, v, &entry.memory.allocs_per_iter.emplace()));
        break;
      case Field::kMaxBytesUsed:
        M8_RETURN_IF_ERROR(
            reader.Number(key, v, &entry.memory.max_bytes_used.emplace()));
        break;
      case Field::kTotalAllocatedBytes:
        M8_RETURN_IF_ERROR(reader.Number(
            key, v, &entry.memory.total_allocated_bytes.emplace()));
        break;
      case Field::kNetHeapGrowth:
        M8_RETURN_IF_ERROR(
            reader.Number(key, v, &entry.memory.net_heap_growth.emplace()));
        break;
      case Field::kLabel:
        M8_RETURN_IF_ERROR(reader.String(key, v, &entry.label));
        break;
      case Field::kCounter: {
        // User counters are numbers; other unknown fields (from newer
        // versions) are ignored.
        const bool listed = !other_keys.empty() &&
                            std::find(other_keys.begin(), other_keys.end(),
                                      key) != other_keys.end();
        std::optional<double> number = AsNumber(v, document.tokens);
        if (number) {
          const uint32_t id = names->Id(counter_position++, key);
          if (listed || !names->FirstInEntry(id, index)) {
            return reader.DuplicateKey(key);
          }
          builder->AddCounter(id, *number);
        } else {
          if (listed || names->InEntry(key, index)) {
            return reader.DuplicateKey(key);
          }
          other_keys.push_back(key);
        }
        break;
      }
    }
  }
  if (!has_run_name) entry.run_name = entry.name;

  const bool has_some_time = raw.real_time || raw.cpu_time;
  if (has_some_time) {
    if (!raw.real_time) return reader.Invalid("missing field 'real_time'");
    if (!raw.cpu_time) return reader.Invalid("missing field 'cpu_time'");
    if (!raw.has_time_unit) return reader.Invalid("missing field 'time_unit'");
  }
  double scale = 1.0;
  if (raw.has_time_unit) {
    absl::StatusOr<double> per_unit =
        NanosecondsPerUnit(reader, raw.time_unit, &entry.time_unit);
    if (!per_unit.ok()) return per_unit.status();
    // Percentage aggregates (cv) hold fractions whatever time_unit says.
    scale = entry.percentage_unit ? 1.0 : *per_unit;
  }
  if (has_some_time) {
    entry.has_times = true;
    entry.real_time_ns = *raw.real_time * scale;
    entry.cpu_time_ns = *raw.cpu_time * scale;
  } else if (entry.run_type == RunType::kIteration &&
             entry.status == RunStatus::kOk) {
    return reader.Invalid(
        "missing required field 'real_time' (an iteration entry must hold a "
        "measurement)");
  }
  if (raw.has_big_o || raw.cpu_coefficient || raw.real_coefficient) {
    BigOFit fit;
    fit.cpu_coefficient = raw.cpu_coefficient.value_or(0) * scale;
    fit.real_coefficient = raw.real_coefficient.value_or(0) * scale;
    fit.big_o = raw.big_o;
    entry.big_o = std::move(fit);
  }
  builder->AddEntry(std::move(entry));
  return absl::OkStatus();
}

// The first key that the top-level object names twice, or nullopt.
std::optional<absl::string_view> TopLevelDuplicateKey(dom::object top) {
  absl::flat_hash_set<absl::string_view> seen;
  for (dom::key_value_pair field : top) {
    if (!seen.insert(View(field.key)).second) return View(field.key);
  }
  return std::nullopt;
}

absl::StatusOr<ResultsFile> BuildResults(dom::element root, std::string source,
                                         const Document& document,
                                         const ReadOptions& options) {
  const std::string& shown = document.shown;
  if (root.type() != ElementType::OBJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown,
                     ": the top level must be an object with "
                     "'context' and 'benchmarks', got ",
                     TypeName(root, document.tokens)));
  }
  dom::object top(root);
  if (std::optional<absl::string_view> key = TopLevelDuplicateKey(top)) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ": the top level names '", Printable(*key),
                     "' twice (which one was meant?)"));
  }
  ResultsBuilder builder(std::move(source));
  dom::element context;
  if (top["context"].get(context) == simdjson::SUCCESS) {
    M8_RETURN_IF_ERROR(ParseContext(document, context, &builder.context()));
    M8_RETURN_IF_ERROR(ParseCounterCatalogue(shown, &builder.context()));
  }
  dom::element benchmarks;
  if (top["benchmarks"].get(benchmarks) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ": missing the 'benchmarks' array"));
  }
  if (benchmarks.type() != ElementType::ARRAY) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ": 'benchmarks' must be an array, got ",
                     TypeName(benchmarks, document.tokens)));
  }
  builder.Reserve(dom::array(benchmarks).size());
  CounterNames names(&builder);
  size_t index = 0;
  for (dom::element item : dom::array(benchmarks)) {
    M8_RETURN_IF_ERROR(
        ParseEntry(document, index, item, options, &names, &builder));
    ++index;
  }
  if (index == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        shown, ": no benchmarks (the 'benchmarks' array is empty)"));
  }
  int64_t first = -1;
  const int64_t duplicate = builder.Finish(&first);
  ResultsFile file = builder.Take();
  if (duplicate >= 0) {
    const Entry& entry = file.entries()[duplicate];
    const std::string identity =
        entry.run_type == RunType::kIteration
            ? absl::StrCat("run_name and repetition_index ",
                           entry.repetition_index)
            : absl::StrCat("aggregate '", Printable(entry.aggregate_name), "'");
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ": duplicate entry: benchmarks[", duplicate, "] '",
                     Printable(entry.name), "' repeats benchmarks[", first,
                     "] (same ", identity, ")"));
  }
  return file;
}

// One parser per thread: simdjson parsers keep their buffers between
// documents, and must not be shared.
dom::parser& ThreadParser() {
  thread_local dom::parser parser;
  return parser;
}

// Parses `size` bytes at `data`, followed by at least
// simdjson::SIMDJSON_PADDING readable bytes. Rewrites non-finite tokens in
// place first.
absl::StatusOr<ResultsFile> ParseBuffer(char* data, size_t size,
                                        std::string source,
                                        const ReadOptions& options) {
  Document document;
  document.shown = Printable(source);
  if (MayContainNonFinite(absl::string_view(data, size))) {
    absl::StatusOr<NonFiniteTokens> tokens =
        NonFiniteTokens::Rewrite(data, size);
    if (!tokens.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(document.shown, ": ", tokens.status().message()));
    }
    document.tokens = *std::move(tokens);
  }
  dom::element root;
  const simdjson::error_code error =
      ThreadParser()
          .parse(reinterpret_cast<const uint8_t*>(data), size,
                 /*realloc_if_needed=*/false)
          .get(root);
  if (error != simdjson::SUCCESS) {
    return SyntaxError(absl::string_view(data, size), document.shown, error);
  }
  return BuildResults(root, std::move(source), document, options);
}

}  // namespace

absl::StatusOr<ResultsFile> ParseResults(absl::string_view json,
                                         std::string source,
                                         const ReadOptions& options) {
  char* text = ThreadTextBuffer().Reserve(json.size());
  if (text == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat(
        Printable(source), ": out of memory for ", json.size(), " bytes"));
  }
  std::memcpy(text, json.data(), json.size());
  return ParseBuffer(text, json.size(), std::move(source), options);
}

absl::StatusOr<ResultsFile> ReadResultsFile(const std::string& path,
                                            const ReadOptions& options) {
  absl::StatusOr<absl::Span<char>> text =
      ReadTextFile(path, &ThreadTextBuffer(),
                   {.max_stream_bytes = options.max_stream_bytes});
  if (!text.ok()) return text.status();
  return ParseBuffer(text->data(), text->size(), path, options);
}

absl::StatusOr<std::vector<ResultsFile>> ReadResultsFiles(
    absl::Span<const std::string> paths, int threads) {
  std::vector<absl::StatusOr<ResultsFile>> read(paths.size());
  ParallelFor(paths.size(), WorkerCount(threads, paths.size()),
              [&](size_t i, int) { read[i] = ReadResultsFile(paths[i]); });
  std::vector<ResultsFile> files;
  files.reserve(paths.size());
  for (absl::StatusOr<ResultsFile>& file : read) {
    if (!file.ok()) return file.status();
    files.push_back(*std::move(file));
  }
  return files;
}

}  // namespace m8::analysis
