#include "analysis/report/format.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/read/printable.h"

namespace m8::analysis {
namespace {

// 3 significant digits with a suffix: 12.3, 123, 1.23.
std::string ThreeDigits(double value) {
  const double magnitude = std::fabs(value);
  // Thresholds just below 100 and 10, so that 99.97 prints "100", not "100.0".
  if (magnitude >= 99.95 || magnitude == 0)
    return absl::StrFormat("%.0f", value);
  if (magnitude >= 9.995) return absl::StrFormat("%.1f", value);
  return absl::StrFormat("%.2f", value);
}

struct Scale {
  double factor;
  const char* suffix;
};

std::string Scaled(double value, const Scale* scales, size_t count,
                   absl::string_view tail) {
  const double magnitude = std::fabs(value);
  for (size_t i = 0; i < count; ++i) {
    if (magnitude >= scales[i].factor * 0.9995 || i + 1 == count) {
      return absl::StrCat(ThreeDigits(value / scales[i].factor),
                          scales[i].suffix, tail);
    }
  }
  return ThreeDigits(value);
}

size_t VisibleWidth(absl::string_view text) {
  // Count UTF-8 code points, not bytes.
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xc0) != 0x80) ++width;
  }
  return width;
}

const char* AnsiCode(Colour colour) {
  switch (colour) {
    case Colour::kRed:
      return "\033[31m";
    case Colour::kGreen:
      return "\033[32m";
    case Colour::kYellow:
      return "\033[33m";
    case Colour::kCyan:
      return "\033[36m";
    case Colour::kBold:
      return "\033[1m";
    case Colour::kNone:
      return "";
  }
  return "";
}

// ASCII punctuation that Markdown gives a meaning somewhere (emphasis,
// links, code, headings, lists, tables, autolinks, math, entities). The
// rest (/ , ; ? % ' ") means nothing outside a link or a tag, and neither
// can start once these are escaped.
bool MarkdownMeaningful(char c) {
  switch (c) {
    case '/':
    case ',':
    case ';':
    case '?':
    case '%':
    case '\'':
    case '"':
      return false;
    default:
      return absl::ascii_ispunct(static_cast<unsigned char>(c));
  }
}

}  // namespace

std::string FormatValue(double value, Unit unit) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  static constexpr Scale kTimes[] = {
      {1e9, " s"}, {1e6, " ms"}, {1e3, " us"}, {1, " ns"}};
  static constexpr Scale kRates[] = {
      {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
  static constexpr Scale kBytes[] = {{1024.0 * 1024 * 1024, " GiB"},
                                     {1024.0 * 1024, " MiB"},
                                     {1024.0, " KiB"},
                                     {1, " B"}};
  switch (unit) {
    case Unit::kNanoseconds:
    case Unit::kMicroseconds:
    case Unit::kMilliseconds:
    case Unit::kSeconds:
      return Scaled(value * NanosecondsPer(unit), kTimes, 4, "");
    case Unit::kPerSecond:
      return Scaled(value, kRates, 4, "/s");
    case Unit::kBytesPerSecond:
      return Scaled(value, kBytes, 4, "/s");
    case Unit::kBytes:
      return Scaled(value, kBytes, 4, "");
    case Unit::kNone:
      break;
  }
  const double magnitude = std::fabs(value);
  if (magnitude != 0 && (magnitude >= 1e7 || magnitude < 1e-3)) {
    return absl::StrFormat("%.3g", value);
  }
  if (value == std::floor(value)) return absl::StrFormat("%.0f", value);
  return absl::StrFormat("%.4g", value);
}

std::string FormatChange(double ratio) {
  if (std::isnan(ratio)) return "-";
  if (std::isinf(ratio)) return "+inf%";
  const double percent = (ratio - 1) * 100;
  if (std::fabs(percent) >= 100) return absl::StrFormat("%+.0f%%", percent);
  return absl::StrFormat("%+.1f%%", percent);
}

std::string FormatPValue(double pvalue) {
  if (std::isnan(pvalue)) return "-";
  if (pvalue < 1e-9) return "<1e-09";
  if (pvalue < 1e-4) return absl::StrFormat("%.1e", pvalue);
  return absl::StrFormat("%.4f", pvalue);
}

std::string FormatDouble(double value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

TextTable::TextTable(std::vector<std::string> headers,
                     std::vector<Align> aligns)
    : headers_(std::move(headers)), aligns_(std::move(aligns)) {
  for (std::string& header : headers_) {
    if (!IsPrintable(header)) header = Printable(header);
  }
  aligns_.resize(headers_.size(), Align::kLeft);
}

void TextTable::AddRow(std::vector<std::string> cells,
                       std::vector<Colour> colours) {
  cells.resize(headers_.size());
  for (std::string& cell : cells) {
    if (!IsPrintable(cell)) cell = Printable(cell);
  }
  colours.resize(headers_.size(), Colour::kNone);
  rows_.push_back(std::move(cells));
  colours_.push_back(std::move(colours));
}

std::string TextTable::Render(bool colour) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) {
    widths[i] = VisibleWidth(headers_[i]);
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], VisibleWidth(row[i]));
    }
  }
  std::string out;
  auto append_row = [&](const std::vector<std::string>& cells,
                        const std::vector<Colour>* colours) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      const size_t pad = widths[i] - VisibleWidth(cells[i]);
      const bool last = i + 1 == cells.size();
      std::string cell = colours == nullptr
                             ? cells[i]
                             : Paint(cells[i], (*colours)[i], colour);
      if (aligns_[i] == Align::kRight) {
        line.append(pad, ' ');
        line += cell;
      } else {
        line += cell;
        if (!last) line.append(pad, ' ');
      }
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  append_row(headers_, nullptr);
  size_t total = 0;
  for (size_t w : widths) total += w;
  total += 2 * (widths.empty() ? 0 : widths.size() - 1);
  out.append(total, '-');
  out += '\n';
  for (size_t r = 0; r < rows_.size(); ++r) append_row(rows_[r], &colours_[r]);
  return out;
}

std::string Paint(absl::string_view text, Colour colour, bool enabled) {
  if (!enabled || colour == Colour::kNone) return std::string(text);
  return absl::StrCat(AnsiCode(colour), text, "\033[0m");
}

std::string MarkdownText(absl::string_view text) {
  // U+200D ZERO WIDTH JOINER: an `@` followed by it starts no mention.
  constexpr char kJoiner[] = "\xe2\x80\x8d";
  std::string out;
  for (const char c : Printable(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '@':
        out += '@';
        out += kJoiner;
        break;
      default:
        if (MarkdownMeaningful(c)) out += '\\';
        out += c;
    }
  }
  return out;
}

std::string MarkdownCode(absl::string_view text) {
  return absl::StrCat("<code>", MarkdownText(text), "</code>");
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) *out_ += ',';
    has_element_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  *out_ += '{';
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  has_element_.pop_back();
  *out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  *out_ += '[';
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  has_element_.pop_back();
  *out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  String(key);
  *out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  BeforeValue();
  *out_ += '"';
  size_t i = 0;
  while (i < value.size()) {
    const auto c = static_cast<unsigned char>(value[i]);
    switch (c) {
      case '"':
        *out_ += "\\\"";
        ++i;
        continue;
      case '\\':
        *out_ += "\\\\";
        ++i;
        continue;
      case '\n':
        *out_ += "\\n";
        ++i;
        continue;
      case '\r':
        *out_ += "\\r";
        ++i;
        continue;
      case '\t':
        *out_ += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    if (c >= 0x20 && c < 0x7f) {
      *out_ += static_cast<char>(c);
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(value, i);
    if (length == 0) {
      *out_ += "\\ufffd";  // not UTF-8: JSON cannot hold the byte
      ++i;
    } else if (length == 1) {
      *out_ += absl::StrFormat("\\u%04x", c);  // C0 or DEL
      ++i;
    } else if (length == 2 && c == 0xc2 &&
               static_cast<unsigned char>(value[i + 1]) <= 0x9f) {
      *out_ += absl::StrFormat("\\u%04x",
                               static_cast<unsigned char>(value[i + 1]));  // C1
      i += 2;
    } else {
      out_->append(value.data() + i, length);
      i += length;
    }
  }
  *out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::Number(double value) {
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_->append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_->append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  *out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  *out_ += "null";
  return *this;
}

}  // namespace m8::analysis
