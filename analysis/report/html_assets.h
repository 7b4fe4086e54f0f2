// The text the HTML report inlines: the chart library (Chart.js from
// Debian's libjs-chart.js, read when m8perf is built) and the page's own
// script and style sheet (analysis/report/html/). Each comes with the
// SHA-256 of its exact bytes, which the page's Content-Security-Policy
// names, so that the browser runs these elements and nothing else.
//
// Constant data; thread-safe.

#ifndef M8_ANALYSIS_REPORT_HTML_ASSETS_H_
#define M8_ANALYSIS_REPORT_HTML_ASSETS_H_

#include "absl/strings/string_view.h"

namespace m8::analysis {

struct HtmlAsset {
  absl::string_view text;
  // "sha256-<base64 of the digest of text>", as a CSP source expression
  // takes it (without the quotes).
  absl::string_view csp_hash;
  // Where the text came from (a path), for messages and tests.
  absl::string_view origin;
};

// Chart.js (chart.min.js, its UMD bundle: defines the global `Chart`).
HtmlAsset ChartLibraryAsset();
// The page script: builds the report from its JSON data block.
HtmlAsset PageScriptAsset();
// The page style sheet.
HtmlAsset PageStyleAsset();

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_HTML_ASSETS_H_
