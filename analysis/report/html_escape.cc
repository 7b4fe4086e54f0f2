#include "analysis/report/html_escape.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace m8::analysis {

std::string EscapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
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
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeJsonForScript(absl::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 64);
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    switch (c) {
      case '<':
        out += "\\u003c";
        continue;
      case '>':
        out += "\\u003e";
        continue;
      case '&':
        out += "\\u0026";
        continue;
      default:
        break;
    }
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < json.size() &&
        static_cast<unsigned char>(json[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(json[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(json[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(json[i + 2]) == 0xA8 ? "\\u2028"
                                                             : "\\u2029";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

bool IsSafeRawText(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  return !absl::StrContains(lower, "<!--") &&
         !absl::StrContains(lower, "<script") &&
         !absl::StrContains(lower, "</script") &&
         !absl::StrContains(lower, "</style");
}

}  // namespace m8::analysis
