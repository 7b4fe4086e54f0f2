#include "analysis/read/reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "analysis/read/metric.h"
#include "analysis/read/nonfinite.h"
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
// read: 'x'". Keep the part after the location.
std::string ShortReason(const std::string& message) {
  size_t colon = message.find(": ");
  std::string reason =
      colon == std::string::npos ? message : message.substr(colon + 2);
  return reason;
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

absl::string_view TypeName(dom::element value) {
  switch (value.type()) {
    case ElementType::ARRAY:
      return "an array";
    case ElementType::OBJECT:
      return "an object";
    case ElementType::INT64:
    case ElementType::UINT64:
    case ElementType::DOUBLE:
      return "a number";
    case ElementType::STRING:
      return "a string";
    case ElementType::BOOL:
      return "a boolean";
    case ElementType::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

// A number, or one of the rewritten non-finite tokens.
std::optional<double> AsNumber(dom::element value) {
  switch (value.type()) {
    case ElementType::INT64:
      return static_cast<double>(int64_t(value));
    case ElementType::UINT64:
      return static_cast<double>(uint64_t(value));
    case ElementType::DOUBLE:
      return double(value);
    case ElementType::STRING:
      return DecodeNonFinite(StringOf(value));
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
  FieldReader(const std::string& source, std::string where)
      : source_(source), where_(std::move(where)) {}

  void set_where(std::string where) { where_ = std::move(where); }

  absl::Status WrongType(absl::string_view field, absl::string_view expected,
                         dom::element value) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", where_, ": '", field, "' must be ",
                     expected, ", got ", TypeName(value)));
  }
  absl::Status Invalid(absl::string_view detail) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", where_, ": ", detail));
  }

  absl::Status String(absl::string_view field, dom::element value,
                      std::string* out) const {
    if (value.type() != ElementType::STRING) {
      return WrongType(field, "a string", value);
    }
    *out = std::string(StringOf(value));
    return absl::OkStatus();
  }
  absl::Status Number(absl::string_view field, dom::element value,
                      double* out) const {
    std::optional<double> number = AsNumber(value);
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
  const std::string& source_;
  std::string where_;
};

#define M8_RETURN_IF_ERROR(expr)             \
  do {                                       \
    absl::Status m8_status_ = (expr);        \
    if (!m8_status_.ok()) return m8_status_; \
  } while (false)

// ---- Context ---------------------------------------------------------------

// Text of a value for Context::extra: strings unquoted, others as JSON.
std::string ValueText(dom::element value) {
  if (value.type() == ElementType::STRING) {
    const absl::string_view text = StringOf(value);
    if (std::optional<double> number = DecodeNonFinite(text)) {
      return absl::StrCat(*number);  // a bare NaN or Infinity, rewritten
    }
    return std::string(text);
  }
  return simdjson::minify(value);
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

absl::Status ParseContext(const std::string& source, dom::element value,
                          Context* context) {
  FieldReader reader(source, "context");
  if (value.type() != ElementType::OBJECT) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": 'context' must be an object, got ", TypeName(value)));
  }
  for (dom::key_value_pair field : dom::object(value)) {
    const absl::string_view key = View(field.key);
    dom::element v = field.value;
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
      context->extra.emplace_back(std::string(key), ValueText(v));
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
  return reader.Invalid(
      absl::StrCat("'time_unit' must be ns, us, ms or s, got '", unit, "'"));
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

 private:
  ResultsBuilder* builder_;
  std::vector<std::pair<std::string, uint32_t>> recent_;
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

absl::Status ParseEntry(const std::string& source, size_t index,
                        dom::element value, const ReadOptions& options,
                        CounterNames* names, ResultsBuilder* builder) {
  FieldReader reader(source, absl::StrCat("benchmarks[", index, "]"));
  if (value.type() != ElementType::OBJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": benchmarks[", index,
                     "] must be an object, got ", TypeName(value)));
  }
  dom::object object(value);
  Entry entry;
  // Name the entry in later messages; find it first.
  dom::element name_value;
  if (object["name"].get(name_value) != simdjson::SUCCESS) {
    return reader.Invalid("missing required field 'name'");
  }
  M8_RETURN_IF_ERROR(reader.String("name", name_value, &entry.name));
  reader.set_where(absl::StrCat("benchmarks[", index, "] '", entry.name, "'"));
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
  for (dom::key_value_pair field : object) {
    const absl::string_view key = View(field.key);
    dom::element v = field.value;
    switch (ClassifyField(key)) {
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
              "'run_type' must be 'iteration' or 'aggregate', got '", run_type,
              "'"));
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
        std::optional<double> number = AsNumber(v);
        if (number) {
          builder->AddCounter(names->Id(counter_position++, key), *number);
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

absl::StatusOr<ResultsFile> BuildResults(dom::element root, std::string source,
                                         const ReadOptions& options) {
  if (root.type() != ElementType::OBJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     ": the top level must be an object with "
                     "'context' and 'benchmarks', got ",
                     TypeName(root)));
  }
  ResultsBuilder builder(source);
  dom::object top(root);
  dom::element context;
  if (top["context"].get(context) == simdjson::SUCCESS) {
    M8_RETURN_IF_ERROR(ParseContext(source, context, &builder.context()));
    M8_RETURN_IF_ERROR(ParseCounterCatalogue(source, &builder.context()));
  }
  dom::element benchmarks;
  if (top["benchmarks"].get(benchmarks) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": missing the 'benchmarks' array"));
  }
  if (benchmarks.type() != ElementType::ARRAY) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": 'benchmarks' must be an array, got ", TypeName(benchmarks)));
  }
  builder.Reserve(dom::array(benchmarks).size());
  CounterNames names(&builder);
  size_t index = 0;
  for (dom::element item : dom::array(benchmarks)) {
    M8_RETURN_IF_ERROR(
        ParseEntry(source, index, item, options, &names, &builder));
    ++index;
  }
  if (index == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": no benchmarks (the 'benchmarks' array is empty)"));
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
            : absl::StrCat("aggregate '", entry.aggregate_name, "'");
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": duplicate entry: benchmarks[", duplicate, "] '", entry.name,
        "' repeats benchmarks[", first, "] (same ", identity, ")"));
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
  if (MayContainNonFinite(absl::string_view(data, size))) {
    RewriteNonFinite(data, size);
  }
  dom::element root;
  const simdjson::error_code error =
      ThreadParser()
          .parse(reinterpret_cast<const uint8_t*>(data), size,
                 /*realloc_if_needed=*/false)
          .get(root);
  if (error != simdjson::SUCCESS) {
    return SyntaxError(absl::string_view(data, size), source, error);
  }
  return BuildResults(root, std::move(source), options);
}

// Memory for a file's text plus simdjson's padding, reused by each thread
// from one file to the next. Large buffers are mapped with transparent huge
// pages where the kernel allows: on virtual machines a page fault per 4 KiB
// costs more than parsing that page, and zeroing fresh pages for every file
// of a long history costs as much again.
class TextBuffer {
 public:
  TextBuffer() = default;
  ~TextBuffer() { Release(); }
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  // Room for `size` bytes followed by zeroed padding; nullptr when out of
  // memory. Invalidates earlier pointers.
  char* Reserve(size_t size) {
    const size_t needed = size + simdjson::SIMDJSON_PADDING;
    if (needed > capacity_) {
      Release();
      constexpr size_t kHugePage = size_t{2} << 20;
      capacity_ = (needed + kHugePage - 1) & ~(kHugePage - 1);
      void* p = ::mmap(nullptr, capacity_, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        capacity_ = 0;
        return nullptr;
      }
      ::madvise(p, capacity_, MADV_HUGEPAGE);
      data_ = static_cast<char*>(p);
    }
    std::memset(data_ + size, 0, simdjson::SIMDJSON_PADDING);
    return data_;
  }

 private:
  void Release() {
    if (data_ != nullptr) ::munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
  }

  char* data_ = nullptr;
  size_t capacity_ = 0;
};

TextBuffer& ThreadTextBuffer() {
  thread_local TextBuffer buffer;
  return buffer;
}

// Parses a large file straight from the page cache when the zero-filled
// tail of its last page can serve as simdjson's padding: no copy, and no
// fresh memory to fault in and zero (which on virtual machines costs more
// than the parsing). Returns false, leaving `out` alone, when the file does
// not qualify or cannot be mapped.
bool ParseMapped(int fd, size_t size, const std::string& path,
                 const ReadOptions& options, absl::StatusOr<ResultsFile>* out) {
  constexpr size_t kWorthMapping = size_t{16} << 20;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t tail = size % page;
  if (size < kWorthMapping || tail == 0 ||
      page - tail < simdjson::SIMDJSON_PADDING) {
    return false;
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) return false;
  char* text = static_cast<char*>(p);
  struct Unmapper {
    void* p;
    size_t size;
    ~Unmapper() { ::munmap(p, size); }
  } unmap{p, size};
  // The non-finite rewrite writes into the text: copy-on-write pages, only
  // where it writes.
  if (MayContainNonFinite(absl::string_view(text, size)) &&
      ::mprotect(p, size, PROT_READ | PROT_WRITE) != 0) {
    return false;
  }
  *out = ParseBuffer(text, size, path, options);
  return true;
}

}  // namespace

absl::StatusOr<ResultsFile> ParseResults(absl::string_view json,
                                         std::string source,
                                         const ReadOptions& options) {
  char* text = ThreadTextBuffer().Reserve(json.size());
  if (text == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat(source, ": out of memory for ", json.size(), " bytes"));
  }
  std::memcpy(text, json.data(), json.size());
  return ParseBuffer(text, json.size(), std::move(source), options);
}

absl::StatusOr<ResultsFile> ReadResultsFile(const std::string& path,
                                            const ReadOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string message =
        absl::StrCat(path, ": cannot open: ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::InvalidArgumentError(message);
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  if (S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read: it is a directory"));
  }
  const size_t size = static_cast<size_t>(info.st_size);
  if (absl::StatusOr<ResultsFile> mapped;
      ParseMapped(fd, size, path, options, &mapped)) {
    return mapped;
  }
  char* text = ThreadTextBuffer().Reserve(size);
  if (text == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": out of memory for ", size, " bytes"));
  }
  size_t done = 0;
  while (done < size) {
    const ssize_t got =
        ::pread(fd, text + done, size - done, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
    }
    if (got == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(got);
  }
  if (done < size) std::memset(text + done, 0, simdjson::SIMDJSON_PADDING);
  return ParseBuffer(text, done, path, options);
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
