#include "bench/support/flags.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "grid/grid_config.h"

namespace m8::bench {
namespace {

// The value of `--name=value` in `arg`, if arg is that flag.
bool ValueOf(absl::string_view arg, absl::string_view name,
             absl::string_view* value) {
  if (!absl::ConsumePrefix(&arg, name) || !absl::ConsumePrefix(&arg, "=")) {
    return false;
  }
  *value = arg;
  return true;
}

}  // namespace

absl::StatusOr<M8Flags> ExtractM8Flags(int* argc, char** argv,
                                       const char* smoke_env) {
  M8Flags flags;
  flags.smoke = smoke_env != nullptr && absl::string_view(smoke_env) == "1";
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const absl::string_view arg = argv[i];
    if (!absl::StartsWith(arg, "--m8_")) {
      argv[kept++] = argv[i];
      continue;
    }
    absl::string_view value;
    if (ValueOf(arg, "--m8_config", &value)) {
      if (value.empty()) {
        return absl::InvalidArgumentError("--m8_config needs a file name");
      }
      flags.config_path = std::string(value);
    } else if (ValueOf(arg, "--m8_temp_dir", &value)) {
      if (value.empty()) {
        return absl::InvalidArgumentError("--m8_temp_dir needs a directory");
      }
      flags.temp_dir = std::string(value);
    } else if (ValueOf(arg, "--m8_backend", &value)) {
      if (value.empty()) {
        return absl::InvalidArgumentError(
            "--m8_backend needs a shared library (PATH.so)");
      }
      flags.backend_path = std::string(value);
    } else if (arg == "--m8_skip_conformance") {
      flags.skip_conformance = true;
    } else if (arg == "--m8_smoke" || arg == "--m8_smoke=true") {
      flags.smoke = true;
    } else if (arg == "--m8_smoke=false") {
      flags.smoke = false;
    } else if (arg == "--m8_latency" || arg == "--m8_latency=true") {
      flags.latency = true;
    } else if (arg == "--m8_latency=false") {
      flags.latency = false;
    } else if (ValueOf(arg, "--m8_slowdown", &value)) {
      if (!absl::SimpleAtod(value, &flags.slowdown) ||
          !(flags.slowdown >= 0 && flags.slowdown <= 10)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--m8_slowdown takes a fraction in [0, 10], got '", value, "'"));
      }
    } else if (arg == "--m8_progress" || arg == "--m8_progress=true") {
      flags.progress = true;
    } else if (arg == "--m8_progress=false") {
      flags.progress = false;
    } else if (arg == "--m8_help") {
      flags.help = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", arg, " (see --m8_help)"));
    }
  }
  argv[kept] = nullptr;
  *argc = kept;
  return flags;
}

absl::StatusOr<BenchSettings> MakeSettings(const M8Flags& flags,
                                           const char* tmpdir_env) {
  BenchSettings settings;
  settings.smoke = flags.smoke;
  settings.latency_sampling = flags.latency;
  settings.slowdown = flags.slowdown;
  if (!flags.temp_dir.empty()) {
    settings.temp_dir = flags.temp_dir;
  } else if (tmpdir_env != nullptr && *tmpdir_env != '\0') {
    settings.temp_dir = tmpdir_env;
  }
  if (!flags.config_path.empty()) {
    absl::StatusOr<ConcurrentGridOptions> options =
        LoadGridConfig(flags.config_path);
    if (!options.ok()) return options.status();
    settings.options = *options;
    settings.config_path = flags.config_path;
  }
  return settings;
}

const char* M8FlagsHelp() {
  return R"(m8 flags (before or among the --benchmark_* flags):
  --m8_config=FILE   grid options from a JSON object whose keys are the
                     GridOptions field names (alpha, beta, noise_floor,
                     blanket_threshold, active_threshold, reinforce_gain,
                     amplitude_max, relevance, familiarity, threat,
                     edge_policy ("clamp" or "skip"), max_cells, brick_edge
                     (1, 2, 4 or 8), frequency_buckets, expected_cells) and
                     shard_count (ConcurrentGrid, 1..4096). An unknown key or
                     a bad value is an error (exit 2).
  --m8_smoke         cap fills at 4096 cells and buffers at 4 MiB so that
                     every benchmark runs quickly (names are unchanged;
                     timings are not meaningful). Also M8_BENCH_SMOKE=1.
  --m8_temp_dir=DIR  directory for the Save/Load snapshots (default $TMPDIR,
                     else /tmp)
  --m8_latency=false no latency sampling: no p50_ns ... max_ns counters
                     (to measure what sampling costs; it is kept under 5%)
  --m8_slowdown=F    the validation fixtures (Validation/...) do the
                     fraction F more work per iteration (0.05: 5% more), to
                     check that comparisons find a known change; in [0, 10]
  --m8_progress      "benchmark k of n: NAME, ... ETA 3m10s" on stderr after
                     each benchmark (=false: none; default: on when stderr is
                     a terminal); the console table on stdout is unchanged
  --m8_backend=PATH.so  run the grid fixtures on a Mem|8 implementation
                     loaded through the C interface (bench/support/
                     m8_backend.h) instead of m8::Grid; names are unchanged,
                     the context says which backend ran (m8.backend)
  --m8_skip_conformance  measure a backend that fails the conformance
                     checks (run before any benchmark; m8bench_conformance
                     lists them); the context says so (m8.conformance)
  --m8_help          this help; --help lists Google Benchmark's flags
)";
}

}  // namespace m8::bench
