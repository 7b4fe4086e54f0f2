// Google Benchmark writes NaN and infinities as the bare tokens `NaN`, `-NaN`,
// `Infinity` and `-Infinity`, which are not JSON. Strict parsers (simdjson,
// nlohmann) reject them, so the reader rewrites each such token outside
// strings, in place, into a JSON string of the same length (a stand-in), so
// that byte offsets in parse errors stay true, and maps the stand-ins back to
// doubles.
//
// A stand-in must never be taken for a real string, or a string value "N" in
// a number field would read as NaN. So the stand-ins are chosen per document:
// "N", "-N", "Infini" and "-Infini" when no string of the document (key or
// value, after unescaping) has that value, else another string of the same
// length that none has. A string field whose value is a stand-in held a bare
// token, and is a type error.
//
// NonFiniteTokens is a value type; thread-compatible.

#ifndef M8_ANALYSIS_READ_NONFINITE_H_
#define M8_ANALYSIS_READ_NONFINITE_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace m8::analysis {

// True when `text` may hold a bare non-finite token (a fast memmem pre-check;
// false positives are harmless).
bool MayContainNonFinite(absl::string_view text);

// The stand-ins of one document.
class NonFiniteTokens {
 public:
  // No token rewritten: no string stands for a number.
  NonFiniteTokens() = default;

  // Rewrites every bare non-finite token outside JSON strings of
  // `data[0, size)` into a stand-in. Tokens are recognised only when followed
  // by a delimiter (`,`, `]`, `}`, whitespace or the end), so `NaNx` stays
  // and fails to parse as before. InvalidArgument (naming the token, without
  // a source) in the one case that has no answer: a document whose strings
  // take every stand-in a token could have.
  static absl::StatusOr<NonFiniteTokens> Rewrite(char* data, size_t size);

  // The double that the string value `text` stands for, or nullopt when it
  // is a real string.
  std::optional<double> Decode(absl::string_view text) const;

  // The bare token ("NaN", "-Infinity", ...) that `text` stands for, or ""
  // when it is a real string.
  absl::string_view TokenOf(absl::string_view text) const;

  // How many tokens Rewrite rewrote.
  size_t count() const { return count_; }

 private:
  static constexpr size_t kTokenKinds = 4;  // -Infinity, Infinity, -NaN, NaN
  // The stand-in of each kind, as its unquoted value; empty for a kind the
  // document does not use.
  std::array<std::string, kTokenKinds> stand_ins_;
  size_t count_ = 0;
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_NONFINITE_H_
