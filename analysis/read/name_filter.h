// NameFilter: which benchmarks a report covers, by an ECMAScript regular
// expression searched for in each run_name (an empty pattern keeps all).
//
// Thread-safety: immutable after creation; safe to share.
#ifndef M8_ANALYSIS_READ_NAME_FILTER_H_
#define M8_ANALYSIS_READ_NAME_FILTER_H_

#include <memory>
#include <regex>
#include <string>

#include "absl/status/statusor.h"

namespace m8::analysis {

class NameFilter {
 public:
  // The filter for `pattern`, or InvalidArgument naming the pattern and
  // what is wrong with it ("bad <what> regular expression '...': ...";
  // `what` may be empty).
  static absl::StatusOr<NameFilter> Create(const std::string& pattern,
                                           const char* what = "filter");

  bool Matches(const std::string& name) const {
    return regex_ == nullptr || std::regex_search(name, *regex_);
  }

 private:
  explicit NameFilter(std::shared_ptr<const std::regex> regex)
      : regex_(std::move(regex)) {}

  std::shared_ptr<const std::regex> regex_;  // Null: every name matches.
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_NAME_FILTER_H_
