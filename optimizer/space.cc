#include "optimizer/space.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/status_macros.h"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using nlohmann::json;

absl::Status SpaceError(absl::string_view source, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
}

absl::Status KnobError(absl::string_view source, absl::string_view knob,
                       absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": knob '", knob, "': ", what));
}

absl::StatusOr<KnobValue> ReadValue(const json& v, absl::string_view source,
                                    absl::string_view knob) {
  if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) return KnobError(source, knob, "value not finite");
    return KnobValue::Number(d);
  }
  if (v.is_string()) return KnobValue::String(v.get<std::string>());
  return KnobError(source, knob,
                   absl::StrCat("values must be numbers or strings, got ",
                                v.type_name(), " ", v.dump()));
}

absl::StatusOr<double> ReadNumber(const json& range, const char* key,
                                  absl::string_view source,
                                  absl::string_view knob,
                                  std::optional<double> fallback) {
  if (!range.contains(key)) {
    if (fallback) return *fallback;
    return KnobError(source, knob, absl::StrCat("range needs '", key, "'"));
  }
  const json& v = range.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    return KnobError(
        source, knob,
        absl::StrCat("range '", key, "' must be a number, got ", v.dump()));
  }
  return v.get<double>();
}

absl::StatusOr<std::vector<KnobValue>> ExpandRange(const json& range,
                                                   absl::string_view source,
                                                   absl::string_view knob) {
  if (!range.is_object()) {
    return KnobError(source, knob, "'range' must be an object");
  }
  for (const auto& [key, unused] : range.items()) {
    if (key != "min" && key != "max" && key != "scale" && key != "step") {
      return KnobError(source, knob,
                       absl::StrCat("unknown range key '", key,
                                    "' (keys: min, max, scale, step)"));
    }
  }
  M8_ASSIGN_OR_RETURN(const double min,
                      ReadNumber(range, "min", source, knob, std::nullopt));
  M8_ASSIGN_OR_RETURN(const double max,
                      ReadNumber(range, "max", source, knob, std::nullopt));
  if (max < min) return KnobError(source, knob, "range max is below min");
  std::string scale = "linear";
  if (range.contains("scale")) {
    if (!range.at("scale").is_string()) {
      return KnobError(source, knob, "range 'scale' must be a string");
    }
    scale = range.at("scale").get<std::string>();
  }
  std::vector<KnobValue> values;
  if (scale == "log2") {
    if (range.contains("step")) {
      return KnobError(source, knob, "a log2 range takes no 'step'");
    }
    if (min <= 0) return KnobError(source, knob, "a log2 range needs min > 0");
    for (double v = min; v <= max * (1 + 1e-12); v *= 2) {
      if (values.size() > kMaxKnobValues) break;
      values.push_back(KnobValue::Number(v));
    }
  } else if (scale == "linear") {
    M8_ASSIGN_OR_RETURN(const double step,
                        ReadNumber(range, "step", source, knob, 1.0));
    if (step <= 0) return KnobError(source, knob, "range step must be > 0");
    if ((max - min) / step >= kMaxKnobValues) {
      return KnobError(
          source, knob,
          absl::StrCat("range has more than ", kMaxKnobValues, " values"));
    }
    const auto count =
        static_cast<int64_t>(std::floor((max - min) / step + 1e-9));
    for (int64_t i = 0; i <= count; ++i) {
      // Multiplying (not accumulating) keeps 0.1-steps free of drift; the
      // rounding error left (0.1 + 2 * 0.1 = 0.30000000000000004) is snapped
      // to 12 decimals, but only when that moves the value by far less than
      // a step: large values (123456790, 1e300) are kept as computed.
      double v = min + static_cast<double>(i) * step;
      const double snapped = std::round(v * 1e12) / 1e12;
      if (std::fabs(snapped - v) <= 1e-9 * step) v = snapped;
      values.push_back(KnobValue::Number(v));
    }
  } else {
    return KnobError(source, knob,
                     absl::StrCat("range scale must be 'linear' or 'log2', "
                                  "got '",
                                  scale, "'"));
  }
  if (values.size() > kMaxKnobValues) {
    return KnobError(
        source, knob,
        absl::StrCat("range has more than ", kMaxKnobValues, " values"));
  }
  return values;
}

absl::StatusOr<Knob> ReadKnob(const json& k, absl::string_view source,
                              size_t index) {
  if (!k.is_object()) {
    return SpaceError(source,
                      absl::StrCat("knobs[", index, "] must be an object"));
  }
  if (!k.contains("name") || !k.at("name").is_string() ||
      k.at("name").get<std::string>().empty()) {
    return SpaceError(
        source,
        absl::StrCat("knobs[", index, "] needs a non-empty string 'name'"));
  }
  Knob knob;
  knob.name = k.at("name").get<std::string>();
  for (const auto& [key, unused] : k.items()) {
    if (key != "name" && key != "values" && key != "range") {
      return KnobError(
          source, knob.name,
          absl::StrCat("unknown key '", key, "' (keys: name, values, range)"));
    }
  }
  const bool has_values = k.contains("values");
  if (has_values == k.contains("range")) {
    return KnobError(source, knob.name,
                     "needs exactly one of 'values' and 'range'");
  }
  if (has_values) {
    const json& values = k.at("values");
    if (!values.is_array() || values.empty()) {
      return KnobError(source, knob.name, "'values' must be a non-empty array");
    }
    if (values.size() > kMaxKnobValues) {
      return KnobError(source, knob.name,
                       absl::StrCat("more than ", kMaxKnobValues, " values"));
    }
    for (const json& v : values) {
      M8_ASSIGN_OR_RETURN(KnobValue value, ReadValue(v, source, knob.name));
      for (const KnobValue& seen : knob.values) {
        if (seen == value) {
          return KnobError(
              source, knob.name,
              absl::StrCat("value ", value.ToJson(), " is listed twice"));
        }
      }
      knob.values.push_back(std::move(value));
    }
  } else {
    M8_ASSIGN_OR_RETURN(knob.values,
                        ExpandRange(k.at("range"), source, knob.name));
  }
  return knob;
}

}  // namespace

absl::StatusOr<Space> Space::Parse(absl::string_view text, std::string source) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    absl::string_view what = e.what();
    if (const size_t end = what.find("] "); end != absl::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return SpaceError(source, absl::StrCat("malformed JSON: ", what));
  }
  if (!doc.is_object()) {
    return SpaceError(source, "a knob space must be a JSON object");
  }
  for (const auto& [key, unused] : doc.items()) {
    if (key != "knobs" && key != "constraints") {
      return SpaceError(source, absl::StrCat("unknown key '", key,
                                             "' (keys: knobs, constraints)"));
    }
  }
  if (!doc.contains("knobs") || !doc.at("knobs").is_array() ||
      doc.at("knobs").empty()) {
    return SpaceError(source, "'knobs' must be a non-empty array");
  }
  Space space;
  space.source_ = std::move(source);
  const json& knobs = doc.at("knobs");
  for (size_t i = 0; i < knobs.size(); ++i) {
    M8_ASSIGN_OR_RETURN(Knob knob, ReadKnob(knobs[i], space.source_, i));
    for (const std::string& name : space.names_) {
      if (name == knob.name) {
        return KnobError(space.source_, knob.name, "is listed twice");
      }
    }
    space.names_.push_back(knob.name);
    space.knobs_.push_back(std::move(knob));
  }
  if (space.size() > kMaxSpacePoints) {
    // size() stops counting past the limit: name the factors instead.
    std::vector<size_t> counts;
    for (const Knob& knob : space.knobs_) counts.push_back(knob.values.size());
    return SpaceError(
        space.source_,
        absl::StrCat("the space has more than ", kMaxSpacePoints, " points (",
                     absl::StrJoin(counts, " x "), " values)"));
  }
  if (doc.contains("constraints")) {
    const json& constraints = doc.at("constraints");
    if (!constraints.is_array()) {
      return SpaceError(space.source_, "'constraints' must be an array");
    }
    for (const json& c : constraints) {
      if (!c.is_string()) {
        return SpaceError(
            space.source_,
            absl::StrCat("a constraint must be a string, got ", c.dump()));
      }
      absl::StatusOr<Constraint> parsed =
          Constraint::Parse(c.get<std::string>(), space.names_);
      if (!parsed.ok()) {
        return SpaceError(space.source_, parsed.status().message());
      }
      space.constraints_.push_back(*std::move(parsed));
    }
  }
  for (const Knob& knob : space.knobs_) {
    std::vector<std::string> values;
    for (const KnobValue& v : knob.values) values.push_back(v.ToJson());
    absl::StrAppend(&space.canonical_, knob.name, "=[",
                    absl::StrJoin(values, ","), "];");
  }
  for (const Constraint& c : space.constraints_) {
    absl::StrAppend(&space.canonical_, "if(", c.text(), ");");
  }
  // Every constraint must be evaluable on some point; report a type error
  // now rather than in the middle of a search.
  absl::StatusOr<std::vector<Config>> valid = space.ValidPoints();
  if (!valid.ok()) return SpaceError(space.source_, valid.status().message());
  if (valid->empty()) {
    return SpaceError(space.source_, "no point satisfies the constraints");
  }
  return space;
}

absl::StatusOr<Space> Space::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        path, ": cannot read the knob space: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(path, ": read error"));
  }
  return Parse(text.str(), path);
}

uint64_t Space::size() const {
  uint64_t n = 1;
  for (const Knob& knob : knobs_) {
    n *= knob.values.size();
    if (n > kMaxSpacePoints) return kMaxSpacePoints + 1;
  }
  return n;
}

absl::StatusOr<bool> Space::Allows(const Config& config) const {
  for (const Constraint& c : constraints_) {
    M8_ASSIGN_OR_RETURN(const bool ok, c.Evaluate(config));
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<std::vector<Config>> Space::ValidPoints() const {
  std::vector<Config> points;
  std::vector<size_t> index(knobs_.size(), 0);
  Config config(knobs_.size());
  for (;;) {
    for (size_t k = 0; k < knobs_.size(); ++k) {
      config[k] = knobs_[k].values[index[k]];
    }
    M8_ASSIGN_OR_RETURN(const bool ok, Allows(config));
    if (ok) points.push_back(config);
    // Odometer: the last knob turns fastest.
    size_t k = knobs_.size();
    while (k > 0) {
      --k;
      if (++index[k] < knobs_[k].values.size()) break;
      index[k] = 0;
      if (k == 0) return points;
    }
    if (knobs_.empty()) return points;
  }
}

std::string Space::Describe(const Config& config) const {
  std::vector<std::string> parts;
  for (size_t k = 0; k < knobs_.size() && k < config.size(); ++k) {
    parts.push_back(absl::StrCat(knobs_[k].name, "=", config[k].ToText()));
  }
  return absl::StrJoin(parts, " ");
}

std::string Space::ToJson(const Config& config) const {
  std::vector<std::string> parts;
  for (size_t k = 0; k < knobs_.size() && k < config.size(); ++k) {
    parts.push_back(absl::StrCat(KnobValue::String(knobs_[k].name).ToJson(),
                                 ": ", config[k].ToJson()));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

}  // namespace m8::optimizer
