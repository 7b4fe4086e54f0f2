#include "analysis/judge/quantity.h"

#include <array>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace m8::analysis {
namespace {

struct Suffix {
  absl::string_view text;
  double factor;
};

// Splits "12.5us" into 12.5 and "us".
bool SplitNumber(absl::string_view text, double* number,
                 absl::string_view* suffix) {
  text = absl::StripAsciiWhitespace(text);
  size_t end = 0;
  while (end < text.size() &&
         (absl::ascii_isdigit(text[end]) || text[end] == '.' ||
          text[end] == '-' || text[end] == '+' || text[end] == 'e' ||
          text[end] == 'E')) {
    // Stop at an 'e' that starts a unit rather than an exponent.
    if ((text[end] == 'e' || text[end] == 'E') &&
        (end + 1 >= text.size() ||
         !(absl::ascii_isdigit(text[end + 1]) || text[end + 1] == '-' ||
           text[end + 1] == '+'))) {
      break;
    }
    ++end;
  }
  *suffix = absl::StripAsciiWhitespace(text.substr(end));
  return absl::SimpleAtod(text.substr(0, end), number);
}

}  // namespace

absl::StatusOr<double> ParseQuantity(absl::string_view text, Unit unit) {
  double number = 0;
  absl::string_view suffix;
  if (!SplitNumber(text, &number, &suffix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a number"));
  }
  if (suffix.empty()) return number;
  if (IsTimeUnit(unit)) {
    static constexpr std::array<Suffix, 5> kTimes = {
        {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6}, {"s", 1e9}}};
    for (const Suffix& s : kTimes) {
      if (suffix == s.text) return number * s.factor / NanosecondsPer(unit);
    }
  }
  if (unit == Unit::kBytes || unit == Unit::kBytesPerSecond) {
    absl::string_view bytes = suffix;
    absl::ConsumeSuffix(&bytes, "/s");
    static constexpr std::array<Suffix, 4> kBytes = {
        {{"B", 1}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}}};
    for (const Suffix& s : kBytes) {
      if (bytes == s.text) return number * s.factor;
    }
  }
  absl::string_view scaled = suffix;
  absl::ConsumeSuffix(&scaled, "/s");
  if (scaled.empty() && unit == Unit::kPerSecond) return number;
  static constexpr std::array<Suffix, 3> kScales = {
      {{"k", 1e3}, {"M", 1e6}, {"G", 1e9}}};
  for (const Suffix& s : kScales) {
    if (scaled == s.text) return number * s.factor;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "': unknown unit '", suffix, "' for a metric in ",
                   unit == Unit::kNone ? "plain numbers" : UnitSuffix(unit)));
}

absl::StatusOr<double> ParseRelativeChange(absl::string_view text) {
  double number = 0;
  absl::string_view suffix;
  if (!SplitNumber(text, &number, &suffix) ||
      !(suffix.empty() || suffix == "%")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not a relative change (write 0.05 or \"5%\")"));
  }
  if (suffix == "%") number /= 100;
  if (number < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "': a relative change limit must be >= 0"));
  }
  return number;
}

}  // namespace m8::analysis
