#include "bench/support/run.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <streambuf>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bench/support/environment.h"
#include "bench/support/progress.h"
#include "bench/support/results_file.h"
#include "bench/support/thread_binding.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

// Google Benchmark 1.7.1's own words, on the display reporter's error
// stream, for a filter that does not compile and one that matches nothing.
constexpr absl::string_view kNoMatchPrefixes[] = {
    "Could not compile benchmark re", "Failed to match any benchmarks"};

// The error stream given to the display reporter: passes every line through
// to `out`, except Google Benchmark's no-match lines, which it keeps (main
// says it in its own single line instead).
class NoMatchCatcher : public std::streambuf {
 public:
  explicit NoMatchCatcher(std::ostream* out) : out_(out) {}
  ~NoMatchCatcher() override {
    if (!line_.empty()) *out_ << line_ << std::flush;
  }

  const std::string& caught() const { return caught_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
    line_.push_back(traits_type::to_char_type(c));
    if (line_.back() == '\n') EndLine();
    return c;
  }
  int sync() override {
    out_->flush();
    return 0;
  }

 private:
  void EndLine() {
    bool no_match = false;
    for (absl::string_view prefix : kNoMatchPrefixes) {
      no_match = no_match || absl::StartsWith(line_, prefix);
    }
    if (no_match) {
      if (caught_.empty()) {
        caught_ = std::string(absl::StripSuffix(line_, "\n"));
      }
    } else {
      *out_ << line_;
    }
    line_.clear();
  }

  std::ostream* out_;
  std::string line_;
  std::string caught_;
};

// Google Benchmark 1.7.1's reading of a boolean flag's text: "" (the bare
// flag) and anything but 0/f/n/false/no/off (any case) are true.
bool Truthy(std::string value) {
  if (value.size() == 1) {
    const char v = value[0];
    return absl::ascii_isalnum(static_cast<unsigned char>(v)) && v != '0' &&
           v != 'f' && v != 'F' && v != 'n' && v != 'N';
  }
  absl::AsciiStrToLower(&value);
  return value != "false" && value != "no" && value != "off";
}

// The boolean flag --`name` as Google Benchmark reads it: the last
// "--name" or "--name=value" in argv, else `env_value`, else false.
bool BoolFlag(int argc, char** argv, absl::string_view name,
              const char* env_value) {
  std::optional<std::string> value;
  const std::string bare = absl::StrCat("--", name);
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == bare) {
      value = "";
    } else if (absl::ConsumePrefix(&arg, bare) &&
               absl::ConsumePrefix(&arg, "=")) {
      value = std::string(arg);
    }
  }
  if (!value && env_value != nullptr) value = env_value;
  return value.has_value() && Truthy(*value);
}

}  // namespace

RunPlan PlanRun(int argc, char** argv, std::optional<bool> progress,
                bool stderr_is_terminal) {
  RunPlan plan;
  plan.results_path = ResultsPath(argc, argv, std::getenv("BENCHMARK_OUT"));
  plan.results_json = !JsonResultsPath(argc, argv, std::getenv("BENCHMARK_OUT"),
                                       std::getenv("BENCHMARK_OUT_FORMAT"))
                           .empty();
  plan.filter =
      FlagValue(argc, argv, "benchmark_filter", std::getenv("BENCHMARK_FILTER"))
          .value_or("");
  plan.listing = BoolFlag(argc, argv, "benchmark_list_tests",
                          std::getenv("BENCHMARK_LIST_TESTS"));
  plan.progress = progress.value_or(stderr_is_terminal) && !plan.listing;
  int64_t repetitions;
  if (absl::SimpleAtoi(FlagValue(argc, argv, "benchmark_repetitions",
                                 std::getenv("BENCHMARK_REPETITIONS"))
                           .value_or("1"),
                       &repetitions) &&
      repetitions > 0) {
    plan.repetitions = repetitions;
  }
  if (plan.progress) {
    plan.benchmarks =
        CountBenchmarks(argc > 0 ? argv[0] : "m8bench", plan.filter);
  }
  return plan;
}

RunOutcome RunBenchmarks(const RunPlan& plan) {
  const EnvironmentPaths paths;
  const EnvironmentSnapshot start = TakeSnapshot(paths);
  for (const auto& [key, value] : StartEnvironmentContext(paths, start)) {
    benchmark::AddCustomContext(key, value);
  }
  RunOutcome outcome;
  NoMatchCatcher catcher(&std::cerr);
  std::ostream errors(&catcher);
  benchmark::BenchmarkReporter* display =
      benchmark::CreateDefaultDisplayReporter();
  display->SetErrorStream(&errors);
  if (plan.progress) {
    ProgressReporter reporter(
        display, ProgressCounter(plan.benchmarks, plan.repetitions), &std::cerr,
        /*in_place=*/isatty(STDERR_FILENO) != 0);
    reporter.SetErrorStream(&errors);
    outcome.matched = benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    outcome.matched = benchmark::RunSpecifiedBenchmarks(display);
  }
  display->SetErrorStream(&std::cerr);
  errors.flush();
  outcome.no_match_reason = catcher.caught();
  const EnvironmentSnapshot end = TakeSnapshot(paths);
  outcome.end_context = EndEnvironmentContext(start, end, ThreadBindingCounts(),
                                              sysconf(_SC_CLK_TCK));
  return outcome;
}

std::string NoMatchMessage(const RunPlan& plan, const RunOutcome& outcome) {
  const std::string filter =
      absl::StrCat("--benchmark_filter='", plan.filter, "'");
  absl::string_view reason = outcome.no_match_reason;
  if (absl::ConsumePrefix(&reason, "Could not compile benchmark re: ")) {
    return absl::StrCat(filter, " is not a valid regular expression: ", reason);
  }
  return absl::StrCat(filter,
                      " matches no benchmark (--benchmark_list_tests lists "
                      "them)");
}

}  // namespace m8::bench
