#include "analysis/read/name_filter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace m8::analysis {
namespace {

absl::StatusOr<std::shared_ptr<const re2::RE2>> Compile(
    const std::string& pattern, const re2::RE2::Options& options,
    const char* what) {
  auto regex = std::make_shared<const re2::RE2>(pattern, options);
  if (!regex->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", what, *what != '\0' ? " " : "",
                     "regular expression '", pattern, "': ", regex->error()));
  }
  return regex;
}

// RE2 reports a bad pattern in its status, not on stderr.
re2::RE2::Options QuietOptions() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return options;
}

}  // namespace

absl::StatusOr<NameFilter> NameFilter::Create(const std::string& pattern,
                                              const char* what) {
  if (pattern.empty()) return NameFilter(nullptr, false);
  absl::StatusOr<std::shared_ptr<const re2::RE2>> regex =
      Compile(pattern, QuietOptions(), what);
  if (!regex.ok()) return regex.status();
  return NameFilter(*std::move(regex), false);
}

absl::StatusOr<NameFilter> NameFilter::ForBenchmarkFilter(
    const std::string& spec) {
  if (spec.empty() || spec == "all") return NameFilter(nullptr, false);
  const bool negate = spec[0] == '-';
  re2::RE2::Options options = QuietOptions();
  options.set_posix_syntax(true);
  absl::StatusOr<std::shared_ptr<const re2::RE2>> regex =
      Compile(negate ? spec.substr(1) : spec, options, "--benchmark_filter");
  if (!regex.ok()) return regex.status();
  return NameFilter(*std::move(regex), negate);
}

bool NameFilter::Matches(absl::string_view name) const {
  if (regex_ == nullptr) return true;
  return re2::RE2::PartialMatch(re2::StringPiece(name.data(), name.size()),
                                *regex_) != negate_;
}

}  // namespace m8::analysis
