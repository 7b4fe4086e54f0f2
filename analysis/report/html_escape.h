// Escaping for the HTML report: text and attribute values of static HTML,
// and JSON embedded in a <script type="application/json"> data block.
//
// Pure functions; thread-safe.

#ifndef M8_ANALYSIS_REPORT_HTML_ESCAPE_H_
#define M8_ANALYSIS_REPORT_HTML_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace m8::analysis {

// Escapes `&`, `<`, `>`, `"` and `'` as character references, so that the
// result is inert both as element text and inside a quoted attribute value.
std::string EscapeHtml(absl::string_view text);

// Makes JSON text safe as the content of a <script> element: `<`, `>` and
// `&` become \u003c, \u003e and \u0026, and the line separators U+2028 and
// U+2029 become \u2028 and \u2029. In JSON these characters occur only inside
// strings, where the escapes mean the same characters, so JSON.parse of the
// result gives the same value; and the result contains no `</script`, `<!--`
// or `<script` that would end or confuse the element.
std::string EscapeJsonForScript(absl::string_view json);

// Whether `text` may be the content of a <script> or <style> element as it
// is: it contains none of `<!--`, `<script` and `</script`, `</style`
// (case-insensitive), which the HTML parser treats specially there.
bool IsSafeRawText(absl::string_view text);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_HTML_ESCAPE_H_
