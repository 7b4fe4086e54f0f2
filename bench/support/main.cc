// The main of every m8 benchmark binary: our flags and context, then Google
// Benchmark's own main loop over whichever areas the binary links.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/support/config.h"
#include "bench/support/context.h"
#include "bench/support/flags.h"
#include "bench/support/run.h"
#include "benchmark/benchmark.h"

int main(int argc, char** argv) {
  const char* program = argc > 0 ? argv[0] : "m8bench";
  absl::StatusOr<m8::bench::M8Flags> flags =
      m8::bench::ExtractM8Flags(&argc, argv, std::getenv("M8_BENCH_SMOKE"));
  if (!flags.ok()) {
    std::fprintf(stderr, "%s: %s\n", program,
                 std::string(flags.status().message()).c_str());
    return 2;
  }
  if (flags->help) {
    std::fputs(m8::bench::M8FlagsHelp(), stdout);
    return 0;
  }
  absl::StatusOr<m8::bench::BenchSettings> settings =
      m8::bench::MakeSettings(*flags, std::getenv("TMPDIR"));
  if (!settings.ok()) {
    std::fprintf(stderr, "%s: %s\n", program,
                 std::string(settings.status().message()).c_str());
    return 2;
  }
  m8::bench::SetSettings(*std::move(settings));

  // Read before Google Benchmark takes its flags out of argv.
  const m8::bench::RunPlan plan = m8::bench::PlanRun(
      argc, argv, flags->progress, isatty(STDERR_FILENO) != 0);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const auto& [key, value] : m8::bench::M8Context(m8::bench::Settings())) {
    benchmark::AddCustomContext(key, value);
  }
  if (absl::Status run = m8::bench::RunBenchmarks(plan); !run.ok()) {
    std::fprintf(stderr,
                 "%s: warning: end-of-run environment not recorded: %s\n",
                 program, std::string(run.message()).c_str());
  }
  benchmark::Shutdown();
  return 0;
}
