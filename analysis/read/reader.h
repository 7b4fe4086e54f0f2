// Reading Google Benchmark JSON results (1.7.1 and newer, and the older files
// that compare.py still reads, where `run_name` or `run_type` may be missing)
// into typed ResultsFile values.
//
// Parsing uses simdjson's DOM parser (runtime-dispatched SIMD); bare NaN and
// Infinity tokens are handled as nonfinite.h describes. Any bad input gives
// an InvalidArgument (or NotFound/PermissionDenied for paths) status whose
// message is one line naming the file and the byte offset or the benchmark,
// with names shown through Printable (printable.h); nothing crashes and no
// exception escapes. Bad input includes a key that an entry, the context or
// the top level names twice (JSON leaves it to the reader which value
// counts; a results file should not make that choice for it).
//
// Thread-safe: each thread uses its own parser.

#ifndef M8_ANALYSIS_READ_READER_H_
#define M8_ANALYSIS_READ_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "analysis/read/results.h"

namespace m8::analysis {

struct ReadOptions {
  // Keep aggregate entries (mean, median, stddev, cv, BigO, RMS). Analyses
  // of the repetitions alone (trend) skip them: a third less to build.
  bool keep_aggregates = true;
  // The most bytes read from a pipe, a device or a file whose size the
  // kernel does not know (text_file.h); regular files have no cap.
  size_t max_stream_bytes = size_t{1} << 30;
};

// Parses `json` (the whole text of a results file). `source` names it in
// messages.
absl::StatusOr<ResultsFile> ParseResults(absl::string_view json,
                                         std::string source,
                                         const ReadOptions& options = {});

// Reads and parses the file at `path`: a regular file, or a stream such as
// a pipe from process substitution (text_file.h says how each is read).
absl::StatusOr<ResultsFile> ReadResultsFile(const std::string& path,
                                            const ReadOptions& options = {});

// Sets context->counters from the context's m8.counters key (metric.h), as
// reading a file does; for contexts built elsewhere, such as a run read back
// from the history. Errors (InvalidArgument, naming `source`): a malformed
// declaration.
absl::Status ParseCounterCatalogue(const std::string& source,
                                   Context* context);

// Reads several files on up to `threads` threads (0: one per core). Returns
// the files in the order given, or the error of the first bad one in that
// order.
absl::StatusOr<std::vector<ResultsFile>> ReadResultsFiles(
    absl::Span<const std::string> paths, int threads = 0);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_READER_H_
