#include "analysis/report/html_page.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "analysis/report/html_assets.h"
#include "analysis/report/html_data.h"
#include "analysis/report/html_escape.h"

namespace m8::analysis {
namespace {

// default-src 'none' forbids every fetch (scripts, styles, images, fonts,
// connections, frames); the three inline elements are allowed by their
// hashes. Chart.js sizes its canvases through the CSSOM, which style-src
// does not restrict. The policy is our own text (base64 hashes, no `"`, `<`
// or `&`), so it goes into the attribute as it is.
std::string ContentSecurityPolicy() {
  return absl::StrCat(
      "default-src 'none'; script-src '", ChartLibraryAsset().csp_hash, "' '",
      PageScriptAsset().csp_hash, "'; style-src '", PageStyleAsset().csp_hash,
      "'; img-src data:; base-uri 'none'; form-action 'none'");
}

std::string RunLine(const HtmlRun& run) {
  std::string line = EscapeHtml(run.label);
  if (!run.revision.empty()) {
    absl::StrAppend(&line, " <span class=\"rev\">", EscapeHtml(run.revision),
                    "</span>");
  }
  if (!run.date.empty()) {
    absl::StrAppend(&line, " <span class=\"date\">", EscapeHtml(run.date),
                    "</span>");
  }
  return line;
}

}  // namespace

std::string ToHtml(const HtmlReport& report) {
  const HtmlAsset style = PageStyleAsset();
  const HtmlAsset chart = ChartLibraryAsset();
  const HtmlAsset script = PageScriptAsset();
  const std::string title = EscapeHtml(report.title);
  std::string page;
  absl::StrAppend(
      &page,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"",
      ContentSecurityPolicy(),
      "\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"m8perf report\">\n<title>",
      title, "</title>\n<style>", style.text, "</style>\n</head>\n<body>\n");
  // The header is static, so that the page says what it is even before (or
  // without) its script.
  absl::StrAppend(
      &page, "<header class=\"top\">\n<h1>", title,
      "</h1>\n<p class=\"runs\">Latest run: ", RunLine(report.runs.back()));
  if (report.baseline) {
    absl::StrAppend(&page, " &middot; compared with ",
                    RunLine(*report.baseline));
  }
  absl::StrAppend(&page, " &middot; ", report.runs.size(),
                  report.runs.size() == 1 ? " run" : " runs", " &middot; ",
                  report.benchmarks.size(),
                  report.benchmarks.size() == 1 ? " benchmark" : " benchmarks",
                  "</p>\n</header>\n");
  absl::StrAppend(
      &page,
      "<noscript><p class=\"noscript\">This report draws its tables and "
      "charts with JavaScript; allow scripts for this file to see "
      "them.</p></noscript>\n"
      "<main id=\"report\"></main>\n<script type=\"application/json\" id=\"",
      kHtmlDataId, "\">", EscapeJsonForScript(HtmlReportData(report)),
      "</script>\n<script>", chart.text, "</script>\n<script>", script.text,
      "</script>\n</body>\n</html>\n");
  return page;
}

}  // namespace m8::analysis
