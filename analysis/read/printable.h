// Printable: text from a results file, a command line or a file name made
// safe to show on a terminal and in a one-line message. Benchmark names,
// labels, counter names, context values, knob names and paths are chosen by
// whoever wrote the file or the command, and may hold newlines, terminal
// escape sequences or bytes that are not UTF-8.
//
// Every writer of a message or a console line passes such strings through
// Printable; the Markdown writers go on from it (report/format.h,
// MarkdownText).
//
// Free function; thread-safe.

#ifndef M8_ANALYSIS_READ_PRINTABLE_H_
#define M8_ANALYSIS_READ_PRINTABLE_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace m8::analysis {

// `text` with every character that could break a line or drive a terminal
// written as an escape:
//   - C0 controls as \n, \r, \t, or \xNN for the others (ESC is \x1b);
//   - DEL as \x7f;
//   - C1 controls (U+0080 to U+009F, which some terminals obey as ESC
//     sequences) as \u0080 to \u009f;
//   - each byte that is not part of well-formed UTF-8 (stray continuation
//     bytes, overlong forms, surrogates, truncated sequences) as \xNN.
// Everything else, backslashes and non-ASCII UTF-8 included, is kept, so
// that Printable(Printable(x)) == Printable(x): a message may be escaped
// where it is built and again where it is printed. The escapes are for the
// reader's eyes; a backslash already in the text is not doubled.
std::string Printable(absl::string_view text);

// True when Printable(text) would change nothing (the common case; lets a
// caller skip the copy).
bool IsPrintable(absl::string_view text);

// Length (1 to 4) of the well-formed UTF-8 sequence that starts at text[i],
// or 0 when the byte there does not start one. REQUIRES: i < text.size().
size_t Utf8SequenceLength(absl::string_view text, size_t i);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_PRINTABLE_H_
