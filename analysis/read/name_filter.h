// NameFilter: which benchmarks a report covers, by a regular expression
// searched for in each run_name. Patterns run on RE2, which matches in time
// linear in the name and with bounded stack whatever the pattern (a
// backtracking engine such as std::regex recurses once per character and
// overflows the stack on a long name).
//
// Two dialects:
//   - Create: m8perf's own patterns (--filter of compare, trend, scale and
//     summary; a budget's "benchmark"). RE2 syntax, which for names is
//     ECMAScript's without backreferences and lookaround (\d, \w, \s, \b,
//     classes, anchors, alternation, repetition and (?i) all work).
//   - ForBenchmarkFilter: Google Benchmark's --benchmark_filter, for the
//     commands that hand their --filter to a benchmark binary: empty or
//     `all` keeps every name, a leading `-` keeps the names the rest does
//     not match, and the rest is a POSIX extended regular expression.
//
// Thread-safety: immutable after creation; safe to share.
#ifndef M8_ANALYSIS_READ_NAME_FILTER_H_
#define M8_ANALYSIS_READ_NAME_FILTER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace m8::analysis {

class NameFilter {
 public:
  // The filter for `pattern` (empty keeps every name), or InvalidArgument
  // naming the pattern and what is wrong with it ("bad <what> regular
  // expression '...': ..."; `what` may be empty).
  static absl::StatusOr<NameFilter> Create(const std::string& pattern,
                                           const char* what = "filter");

  // The names a benchmark binary runs for --benchmark_filter=`spec`, or
  // InvalidArgument as Create.
  static absl::StatusOr<NameFilter> ForBenchmarkFilter(const std::string& spec);

  bool Matches(absl::string_view name) const;

 private:
  NameFilter(std::shared_ptr<const re2::RE2> regex, bool negate)
      : regex_(std::move(regex)), negate_(negate) {}

  std::shared_ptr<const re2::RE2> regex_;  // Null: every name matches.
  bool negate_ = false;                    // keep the names it does not match
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_NAME_FILTER_H_
