// libFuzzer target for the results reader, and for the analyses that run on
// whatever it accepts: no input may crash m8perf. Built with clang when
// M8_BUILD_FUZZERS=ON; ctest runs it for a bounded time (label "fuzz").

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"
#include "analysis/read/reader.h"
#include "analysis/report/json.h"

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
  if (report.ok()) ToJson(*report);
  options.include_aggregates = true;
  Compare(*file, *file, options).IgnoreError();
  absl::StatusOr<ScaleReport> scale = AnalyzeScalability(*file, {});
  if (scale.ok()) ToJson(*scale);
  absl::StatusOr<SummaryReport> summary = Summarize(*file, {});
  if (summary.ok()) ToJson(*summary);
  std::vector<RunSummary> runs = {SummarizeRun(*file, {}),
                                  SummarizeRun(*file, {})};
  TrendOptions trend;
  trend.threads = 1;
  absl::StatusOr<TrendReport> trend_report = AnalyzeTrend(runs, trend);
  if (trend_report.ok()) ToJson(*trend_report);
  return 0;
}
