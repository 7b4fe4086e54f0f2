// libFuzzer target for the results reader, and for the analyses and report
// writers that run on whatever it accepts: no input may crash m8perf, put a
// control character on the console, or a tag of its own into Markdown. Built
// with clang when M8_BUILD_FUZZERS=ON; ctest runs it for a bounded time
// (label "fuzz").

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"
#include "analysis/read/reader.h"
#include "analysis/report/console.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"

namespace {

// Console text (without colour) holds no control character but newlines.
void CheckConsole(const std::string& text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\n') || u == 0x7f) __builtin_trap();
  }
}

// Every '<' in Markdown opens one of the writers' own tags.
void CheckMarkdown(const std::string& text) {
  static constexpr absl::string_view kOwnTags[] = {"<details>", "</details>",
                                                   "<summary>", "</summary>",
                                                   "<code>",    "</code>"};
  for (size_t at = text.find('<'); at != std::string::npos;
       at = text.find('<', at + 1)) {
    bool own = false;
    for (absl::string_view tag : kOwnTags) {
      own = own || absl::string_view(text).substr(at, tag.size()) == tag;
    }
    if (!own) __builtin_trap();
  }
  CheckConsole(text);
}

template <typename Report>
void WriteEveryFormat(const Report& report) {
  m8::analysis::ToJson(report);
  CheckConsole(m8::analysis::ToConsole(report, {}));
  CheckMarkdown(m8::analysis::ToMarkdown(report));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace m8::analysis;
  absl::StatusOr<ResultsFile> file =
      ParseResults(absl::string_view(reinterpret_cast<const char*>(data), size),
                   "fuzz.json");
  if (!file.ok()) return 0;
  CompareOptions options;
  options.bootstrap.resamples = 200;
  options.threads = 1;
  absl::StatusOr<CompareReport> report = Compare(*file, *file, options);
  if (report.ok()) WriteEveryFormat(*report);
  options.include_aggregates = true;
  Compare(*file, *file, options).IgnoreError();
  absl::StatusOr<ScaleReport> scale = AnalyzeScalability(*file, {});
  if (scale.ok()) WriteEveryFormat(*scale);
  absl::StatusOr<SummaryReport> summary = Summarize(*file, {});
  if (summary.ok()) WriteEveryFormat(*summary);
  std::vector<RunSummary> runs = {SummarizeRun(*file, {}),
                                  SummarizeRun(*file, {})};
  TrendOptions trend;
  trend.threads = 1;
  absl::StatusOr<TrendReport> trend_report = AnalyzeTrend(runs, trend);
  if (trend_report.ok()) WriteEveryFormat(*trend_report);
  return 0;
}
