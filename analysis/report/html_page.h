// The HTML report page (m8perf report --html): one self-contained file that
// opens offline. Its script, the chart library and its style sheet are
// inlined (html_assets.h); the data is one JSON block (html_data.h) that the
// page script turns into the page, setting text with textContent only. A
// Content-Security-Policy allows exactly those inline elements, by hash, and
// no network access at all (default-src 'none').
//
// Pure function; thread-safe.

#ifndef M8_ANALYSIS_REPORT_HTML_PAGE_H_
#define M8_ANALYSIS_REPORT_HTML_PAGE_H_

#include <string>

#include "analysis/report/html_report.h"

namespace m8::analysis {

// The id of the data block: <script type="application/json" id="m8-data">.
inline constexpr char kHtmlDataId[] = "m8-data";

// The whole page.
std::string ToHtml(const HtmlReport& report);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_HTML_PAGE_H_
