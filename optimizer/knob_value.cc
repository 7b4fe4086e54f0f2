#include "optimizer/knob_value.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace m8::optimizer {
namespace {

// The shortest text that reads back as `v`; integers without a fraction.
std::string FormatNumber(double v) {
  if (std::nearbyint(v) == v && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

std::string QuoteJson(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(u, absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string KnobValue::ToJson() const {
  return is_string_ ? QuoteJson(string_) : FormatNumber(number_);
}

std::string KnobValue::ToText() const {
  return is_string_ ? string_ : FormatNumber(number_);
}

bool KnobValue::operator<(const KnobValue& other) const {
  if (is_string_ != other.is_string_) return !is_string_;
  return is_string_ ? string_ < other.string_ : number_ < other.number_;
}

}  // namespace m8::optimizer
