// Building blocks of the report writers: human-readable numbers with units,
// plain-text tables with optional ANSI colour, and a streaming JSON writer.
//
// Value types and a writer over a caller's string; thread-compatible.

#ifndef M8_ANALYSIS_REPORT_FORMAT_H_
#define M8_ANALYSIS_REPORT_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "analysis/read/metric.h"

namespace m8::analysis {

// "12.3 ns", "4.56 us", "1.20 s" (times, scaled to a readable unit),
// "3.40M/s" (rates), "64.0 MiB" (bytes), "1234" or "1.23e+09" otherwise;
// 3 significant digits. "-" for NaN.
std::string FormatValue(double value, Unit unit);

// A relative change as a signed percentage: ratio 1.052 -> "+5.2%".
// "-" for NaN; "+inf%" for an infinite ratio.
std::string FormatChange(double ratio);

// A p-value: "0.0312", "<1e-09" for tiny ones, "-" for NaN.
std::string FormatPValue(double pvalue);

// A double in the shortest form that reads back exactly ("0.1", "1e-05").
std::string FormatDouble(double value);

// ANSI colours for terminal output.
enum class Colour { kNone, kRed, kGreen, kYellow, kCyan, kBold };

// A text table: columns sized to their widest cell, numbers right-aligned.
// Headers and cells are shown through Printable (read/printable.h), so a
// cell cannot break its row or drive the terminal.
class TextTable {
 public:
  enum class Align { kLeft, kRight };

  explicit TextTable(std::vector<std::string> headers,
                     std::vector<Align> aligns);

  // Adds a row; `colours` (optional, one per cell) apply when rendering with
  // colour.
  void AddRow(std::vector<std::string> cells, std::vector<Colour> colours = {});

  size_t rows() const { return rows_.size(); }

  // Renders with two spaces between columns and a rule under the header.
  std::string Render(bool colour) const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<Colour>> colours_;
};

// Wraps `text` in the ANSI codes of `colour` when `enabled`.
std::string Paint(absl::string_view text, Colour colour, bool enabled);

// `text` as literal GitHub-flavoured Markdown, for a paragraph, a list item
// or a table cell: whatever a benchmark name, label, counter name, context
// value or path holds renders as those characters and nothing else. After
// Printable (no line breaks, no control characters): `&`, `<`, `>` become
// HTML entities (no tags, no comments: `</details>` cannot close the report's
// fold); the other ASCII punctuation that Markdown gives a meaning is
// backslash-escaped (no emphasis, links `[x](y)`, images, headings, lists,
// code spans, autolinks, math, and `|` cannot end a table cell), all but
// / , ; ? % ' " which mean nothing once the others are escaped; `@` is
// followed by a zero-width joiner, so that `@user` mentions nobody.
std::string MarkdownText(absl::string_view text);

// MarkdownText in <code></code>: monospace, and as literal.
std::string MarkdownCode(absl::string_view text);

// Streams JSON into a string. Objects and arrays nest; commas are inserted
// automatically. Non-finite numbers are written as null (JSON has no NaN).
// Strings are always valid JSON: control characters (C0, DEL and C1) are
// written as \u escapes, and each byte that is not well-formed UTF-8 as
// U+FFFD.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Number(double value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Key followed by a value.
  JsonWriter& Field(absl::string_view key, absl::string_view value) {
    return Key(key).String(value);
  }
  JsonWriter& Field(absl::string_view key, const char* value) {
    return Key(key).String(value);
  }
  JsonWriter& Field(absl::string_view key, const std::string& value) {
    return Key(key).String(value);
  }
  JsonWriter& Field(absl::string_view key, double value) {
    return Key(key).Number(value);
  }
  JsonWriter& Field(absl::string_view key, int value) {
    return Key(key).Int(value);
  }
  JsonWriter& Field(absl::string_view key, int64_t value) {
    return Key(key).Int(value);
  }
  JsonWriter& Field(absl::string_view key, bool value) {
    return Key(key).Bool(value);
  }
  // Key followed by an array of strings.
  JsonWriter& Field(absl::string_view key,
                    const std::vector<std::string>& values) {
    Key(key).BeginArray();
    for (const std::string& v : values) String(v);
    return EndArray();
  }

 private:
  void BeforeValue();

  std::string* out_;
  // Per open container: whether it already has an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_FORMAT_H_
