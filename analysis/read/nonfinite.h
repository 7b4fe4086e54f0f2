// Google Benchmark writes NaN and infinities as the bare tokens `NaN`, `-NaN`,
// `Infinity` and `-Infinity`, which are not JSON. Strict parsers (simdjson,
// nlohmann) reject them, so the reader rewrites each such token outside
// strings, in place, into a JSON string of the same length ("N", "-N",
// "Infini", "-Infini"). Byte offsets in parse errors stay true, and
// DecodeNonFinite maps those strings back to doubles.
//
// Free functions over caller-owned buffers; thread-compatible.

#ifndef M8_ANALYSIS_READ_NONFINITE_H_
#define M8_ANALYSIS_READ_NONFINITE_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace m8::analysis {

// True when `text` may hold a bare non-finite token (a fast memmem pre-check;
// false positives are harmless).
bool MayContainNonFinite(absl::string_view text);

// Rewrites every bare non-finite token outside JSON strings of
// `data[0, size)` into a same-length string. Returns how many were rewritten.
// Tokens are recognised only when followed by a delimiter (`,`, `]`, `}`,
// whitespace or the end), so `NaNx` stays and fails to parse as before.
size_t RewriteNonFinite(char* data, size_t size);

// The double that a rewritten token stands for, or nullopt when `text` (the
// unquoted string) is not one of the sentinels.
std::optional<double> DecodeNonFinite(absl::string_view text);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_NONFINITE_H_
