#include "analysis/read/nonfinite.h"

#include <bitset>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace m8::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A bare token and the shape of its stand-ins: a JSON string as long as the
// token, so a body of bare.size() - 2 bytes, `prefix` then one character
// (`usual` unless the document has a string of that value already).
struct Kind {
  absl::string_view bare;
  absl::string_view prefix;
  char usual;
  double value;
};

// Longest bare tokens first, so that `-NaN` is not read as `-` and `NaN`.
constexpr Kind kKinds[] = {
    {"-Infinity", "-Infin", 'i', -kInf},
    {"Infinity", "Infin", 'i', kInf},
    {"-NaN", "-", 'N', -kNaN},
    {"NaN", "", 'N', kNaN},
};
constexpr size_t kKindCount = sizeof(kKinds) / sizeof(kKinds[0]);

// The longest escaped text whose value can be as short as the longest
// stand-in body (7 bytes): seven \u00XX escapes.
constexpr size_t kLongestShortEscaped = 7 * 6;

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

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of \uXXXX at raw[i] (i at the 'u'), or -1.
int32_t Hex4(absl::string_view raw, size_t i) {
  if (i + 4 >= raw.size()) return -1;
  int32_t code = 0;
  for (size_t k = 1; k <= 4; ++k) {
    const int digit = HexDigit(raw[i + k]);
    if (digit < 0) return -1;
    code = code * 16 + digit;
  }
  return code;
}

void AppendUtf8(uint32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3f)));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (code >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3f)));
  }
}

// The value of the JSON string body `raw` (JSON's escapes undone). A
// malformed escape ends it early: the parser rejects such a document anyway.
std::string Unescape(absl::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out.push_back(raw[i]);
      continue;
    }
    if (++i == raw.size()) break;
    switch (raw[i]) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        int32_t code = Hex4(raw, i);
        if (code < 0) return out;
        i += 4;
        if (code >= 0xd800 && code < 0xdc00 && i + 2 < raw.size() &&
            raw[i + 1] == '\\' && raw[i + 2] == 'u') {
          const int32_t low = Hex4(raw, i + 2);
          if (low >= 0xdc00 && low < 0xe000) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            i += 6;
          }
        }
        AppendUtf8(static_cast<uint32_t>(code), &out);
        break;
      }
      default:  // \" \\ \/
        out.push_back(raw[i]);
    }
  }
  return out;
}

// The last characters that real strings of the document already use, per
// kind, for strings shaped like that kind's stand-ins.
class TakenStandIns {
 public:
  void Note(absl::string_view raw) {
    if (raw.size() > kLongestShortEscaped) return;
    if (raw.find('\\') == absl::string_view::npos) {
      NoteValue(raw);
    } else {
      NoteValue(Unescape(raw));
    }
  }

  bool Taken(size_t kind, char last) const {
    return taken_[kind][static_cast<unsigned char>(last)];
  }

 private:
  void NoteValue(absl::string_view value) {
    for (size_t k = 0; k < kKindCount; ++k) {
      const Kind& kind = kKinds[k];
      if (value.size() != kind.bare.size() - 2 ||
          !absl::StartsWith(value, kind.prefix)) {
        continue;
      }
      const auto last = static_cast<unsigned char>(value.back());
      if (last < 128) taken_[k].set(last);
    }
  }

  std::bitset<128> taken_[kKindCount];
};

}  // namespace

bool MayContainNonFinite(absl::string_view text) {
  return text.find("NaN") != absl::string_view::npos ||
         text.find("Infinity") != absl::string_view::npos;
}

absl::StatusOr<NonFiniteTokens> NonFiniteTokens::Rewrite(char* data,
                                                         size_t size) {
  // First pass: where the tokens are, and which stand-ins real strings take.
  std::vector<std::pair<size_t, uint8_t>> tokens;  // offset, kind
  TakenStandIns taken;
  size_t i = 0;
  while (i < size) {
    const char c = data[i];
    if (c == '"') {
      const size_t close = SkipString(data, size, i + 1);
      taken.Note(absl::string_view(data + i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    if (c != 'N' && c != 'I' && c != '-') {
      ++i;
      continue;
    }
    bool matched = false;
    for (size_t k = 0; k < kKindCount; ++k) {
      const absl::string_view bare = kKinds[k].bare;
      if (size - i < bare.size() ||
          std::memcmp(data + i, bare.data(), bare.size()) != 0) {
        continue;
      }
      if (i + bare.size() < size && !IsDelimiter(data[i + bare.size()])) {
        continue;
      }
      tokens.emplace_back(i, static_cast<uint8_t>(k));
      i += bare.size();
      matched = true;
      break;
    }
    if (!matched) ++i;
  }

  // The stand-in of each kind in use: the usual one, else the first free one.
  NonFiniteTokens result;
  result.count_ = tokens.size();
  for (const auto& [offset, k] : tokens) {
    std::string& stand_in = result.stand_ins_[k];
    if (!stand_in.empty()) continue;
    const Kind& kind = kKinds[k];
    char last = kind.usual;
    if (taken.Taken(k, last)) {
      last = 0;
      for (char candidate = '!'; candidate <= '~'; ++candidate) {
        if (candidate == '"' || candidate == '\\') continue;
        if (!taken.Taken(k, candidate)) {
          last = candidate;
          break;
        }
      }
      if (last == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cannot read the bare ", kind.bare, " at offset ", offset,
            ": the file's own strings take every same-length stand-in"));
      }
    }
    stand_in = absl::StrCat(kind.prefix, absl::string_view(&last, 1));
  }

  // Second pass: write them.
  for (const auto& [offset, k] : tokens) {
    const std::string& stand_in = result.stand_ins_[k];
    data[offset] = '"';
    std::memcpy(data + offset + 1, stand_in.data(), stand_in.size());
    data[offset + 1 + stand_in.size()] = '"';
  }
  return result;
}

std::optional<double> NonFiniteTokens::Decode(absl::string_view text) const {
  if (count_ == 0) return std::nullopt;
  for (size_t k = 0; k < kKindCount; ++k) {
    if (!stand_ins_[k].empty() && stand_ins_[k] == text) {
      return kKinds[k].value;
    }
  }
  return std::nullopt;
}

absl::string_view NonFiniteTokens::TokenOf(absl::string_view text) const {
  if (count_ == 0) return "";
  for (size_t k = 0; k < kKindCount; ++k) {
    if (!stand_ins_[k].empty() && stand_ins_[k] == text) return kKinds[k].bare;
  }
  return "";
}

}  // namespace m8::analysis
