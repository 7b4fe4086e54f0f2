#include "analysis/read/nonfinite.h"

#include <array>
#include <cstring>
#include <limits>

namespace m8::analysis {
namespace {

// A bare token and the same-length JSON string that replaces it. The string
// bodies ("N", "Infini", ...) are what DecodeNonFinite recognises.
struct Token {
  absl::string_view bare;
  absl::string_view quoted;
  double value;
};

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr std::array<Token, 4> kTokens = {{
    {"-Infinity", "\"-Infini\"", -kInf},
    {"Infinity", "\"Infini\"", kInf},
    {"-NaN", "\"-N\"", -kNaN},
    {"NaN", "\"N\"", kNaN},
}};

bool IsDelimiter(char c) {
  return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' ||
         c == '\r' || c == '\t';
}

// Position of the quote that closes the string whose body starts at `i`, or
// `size` when the string is unterminated.
size_t SkipString(const char* data, size_t size, size_t i) {
  while (i < size) {
    const void* hit = std::memchr(data + i, '"', size - i);
    if (hit == nullptr) return size;
    size_t quote = static_cast<const char*>(hit) - data;
    // The quote is escaped when an odd number of backslashes precede it.
    size_t backslashes = 0;
    while (quote - backslashes > i && data[quote - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) return quote;
    i = quote + 1;
  }
  return size;
}

}  // namespace

bool MayContainNonFinite(absl::string_view text) {
  return text.find("NaN") != absl::string_view::npos ||
         text.find("Infinity") != absl::string_view::npos;
}

size_t RewriteNonFinite(char* data, size_t size) {
  size_t rewritten = 0;
  size_t i = 0;
  while (i < size) {
    const char c = data[i];
    if (c == '"') {
      i = SkipString(data, size, i + 1) + 1;
      continue;
    }
    if (c != 'N' && c != 'I' && c != '-') {
      ++i;
      continue;
    }
    bool matched = false;
    for (const Token& token : kTokens) {
      const size_t len = token.bare.size();
      if (size - i < len ||
          std::memcmp(data + i, token.bare.data(), len) != 0) {
        continue;
      }
      if (i + len < size && !IsDelimiter(data[i + len])) continue;
      std::memcpy(data + i, token.quoted.data(), len);
      i += len;
      ++rewritten;
      matched = true;
      break;
    }
    if (!matched) ++i;
  }
  return rewritten;
}

std::optional<double> DecodeNonFinite(absl::string_view text) {
  for (const Token& token : kTokens) {
    if (token.quoted.substr(1, token.quoted.size() - 2) == text) {
      return token.value;
    }
  }
  return std::nullopt;
}

}  // namespace m8::analysis
