// The main of every m8 benchmark binary: our flags and context, then Google
// Benchmark's own main loop over whichever areas the binary links.
//
// Exit status: 0 the benchmarks ran and their results (if asked for) were
// written; 1 the results file could not be written (a full disk, an I/O
// error: the previous file at that path is left as it was); 2 bad usage: an
// unknown m8 flag, a bad --m8_config, a --benchmark_out that cannot be
// created, a --benchmark_filter that is not a regular expression or
// matches nothing, a --m8_backend library that cannot be used, or a backend
// that fails a conformance check (without --m8_skip_conformance). Every error
// is one line on stderr.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/support/backend_registry.h"
#include "bench/support/config.h"
#include "bench/support/context.h"
#include "bench/support/flags.h"
#include "bench/support/results_file.h"
#include "bench/support/run.h"
#include "benchmark/benchmark.h"

namespace {

int Fail(const char* program, int code, absl::string_view message) {
  std::fprintf(stderr, "%s: %s\n", program, std::string(message).c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const char* program = argc > 0 ? argv[0] : "m8bench";
  absl::StatusOr<m8::bench::M8Flags> flags =
      m8::bench::ExtractM8Flags(&argc, argv, std::getenv("M8_BENCH_SMOKE"));
  if (!flags.ok()) return Fail(program, 2, flags.status().message());
  if (flags->help) {
    std::fputs(m8::bench::M8FlagsHelp(), stdout);
    return 0;
  }
  absl::StatusOr<m8::bench::BenchSettings> settings =
      m8::bench::MakeSettings(*flags, std::getenv("TMPDIR"));
  if (!settings.ok()) return Fail(program, 2, settings.status().message());
  m8::bench::SetSettings(*std::move(settings));
  // The backend the grid fixtures run on, checked and registered before
  // anything counts or lists the benchmarks.
  absl::StatusOr<m8::bench::ContextEntries> backend =
      m8::bench::SelectBackend(m8::bench::BackendSelection{
          flags->backend_path, flags->skip_conformance});
  if (!backend.ok()) return Fail(program, 2, backend.status().message());

  // Read before Google Benchmark takes its flags out of argv.
  const m8::bench::RunPlan plan = m8::bench::PlanRun(
      argc, argv, flags->progress, isatty(STDERR_FILENO) != 0);
  // Google Benchmark writes the results into a new file beside the one asked
  // for; it replaces that one only once they are complete (results_file.h).
  std::unique_ptr<m8::bench::ResultsFile> results;
  std::vector<std::string> args(argv, argv + argc);
  if (!plan.results_path.empty()) {
    absl::StatusOr<std::unique_ptr<m8::bench::ResultsFile>> created =
        m8::bench::ResultsFile::Create(plan.results_path, plan.results_json);
    if (!created.ok()) return Fail(program, 2, created.status().message());
    results = *std::move(created);
    args = m8::bench::WithResultsPath(argc, argv, results->temp_path());
  }
  // Google Benchmark keeps pointers into these for the whole run.
  std::vector<char*> benchmark_argv;
  for (std::string& arg : args) benchmark_argv.push_back(arg.data());
  benchmark_argv.push_back(nullptr);
  int benchmark_argc = static_cast<int>(args.size());
  benchmark::Initialize(&benchmark_argc, benchmark_argv.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc,
                                             benchmark_argv.data())) {
    return 1;
  }
  for (const auto& [key, value] : m8::bench::M8Context(m8::bench::Settings())) {
    benchmark::AddCustomContext(key, value);
  }
  for (const auto& [key, value] : *backend) {
    benchmark::AddCustomContext(key, value);
  }
  const m8::bench::RunOutcome outcome = m8::bench::RunBenchmarks(plan);
  benchmark::Shutdown();
  if (outcome.matched == 0) {
    return Fail(program, 2, m8::bench::NoMatchMessage(plan, outcome));
  }
  // A listing measured nothing: the results file is left as it was.
  if (results != nullptr && !plan.listing) {
    if (absl::Status s =
            results->Commit(plan.results_json ? outcome.end_context
                                              : m8::bench::ContextEntries{});
        !s.ok()) {
      return Fail(program, 1, s.message());
    }
  }
  return 0;
}
