#include "analysis/read/printable.h"

#include <cstddef>
#include <cstdint>

namespace m8::analysis {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

// Unicode's table of well-formed byte sequences: no overlong forms, no
// surrogates, nothing above U+10FFFF.
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) -> unsigned char {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  const unsigned char b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return IsContinuation(byte(1)) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const unsigned char c = byte(1);
    const bool second_ok = b == 0xe0   ? (c >= 0xa0 && c <= 0xbf)
                           : b == 0xed ? (c >= 0x80 && c <= 0x9f)
                                       : IsContinuation(c);
    return second_ok && IsContinuation(byte(2)) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const unsigned char c = byte(1);
    const bool second_ok = b == 0xf0   ? (c >= 0x90 && c <= 0xbf)
                           : b == 0xf4 ? (c >= 0x80 && c <= 0x8f)
                                       : IsContinuation(c);
    return second_ok && IsContinuation(byte(2)) && IsContinuation(byte(3)) ? 4
                                                                           : 0;
  }
  return 0;
}

namespace {

// A two-byte sequence that encodes a C1 control (U+0080 to U+009F).
bool IsC1(absl::string_view text, size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xc2 &&
         static_cast<unsigned char>(text[i + 1]) <= 0x9f;
}

constexpr char kHex[] = "0123456789abcdef";

void AppendHexByte(unsigned char c, std::string* out) {
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xf]);
}

}  // namespace

bool IsPrintable(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length <= 1 || (length == 2 && IsC1(text, i))) return false;
    i += length;
  }
  return true;
}

std::string Printable(absl::string_view text) {
  if (IsPrintable(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    switch (c) {
      case '\n':
        out.append("\\n");
        ++i;
        continue;
      case '\r':
        out.append("\\r");
        ++i;
        continue;
      case '\t':
        out.append("\\t");
        ++i;
        continue;
      default:
        break;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length <= 1) {  // another C0 control, DEL, or a byte out of place
      AppendHexByte(c, &out);
      ++i;
    } else if (length == 2 && IsC1(text, i)) {
      const auto low = static_cast<unsigned char>(text[i + 1]);
      out.append("\\u00");
      out.push_back(kHex[low >> 4]);
      out.push_back(kHex[low & 0xf]);
      i += 2;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace m8::analysis
