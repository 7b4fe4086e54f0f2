#include "analysis/read/name_filter.h"

#include "absl/strings/str_cat.h"

namespace m8::analysis {

absl::StatusOr<NameFilter> NameFilter::Create(const std::string& pattern,
                                              const char* what) {
  if (pattern.empty()) return NameFilter(nullptr);
  try {
    return NameFilter(
        std::make_shared<const std::regex>(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", what, *what != '\0' ? " " : "",
                     "regular expression '", pattern, "': ", e.what()));
  }
}

}  // namespace m8::analysis
