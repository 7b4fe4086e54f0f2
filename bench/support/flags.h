// The m8 flags of a benchmark binary, taken out of argv before Google
// Benchmark parses the rest.
//
//   --m8_config=FILE    grid options from a JSON file (see config.h)
//   --m8_smoke          cap fill and buffer sizes (quick smoke runs); also
//                       set by the environment variable M8_BENCH_SMOKE=1
//   --m8_temp_dir=DIR   where Save/Load fixtures write snapshots
//                       (default: $TMPDIR, else /tmp)
//   --m8_latency=false  no latency sampling (no p50_ns ... max_ns), to
//                       measure what sampling costs
//   --m8_slowdown=F     the validation fixtures do the fraction F more
//                       work per iteration (0.05: 5% more), in [0, 10]
//   --m8_progress       benchmark k of n and an ETA on stderr
//                       (--m8_progress=false: none; default: on when
//                       stderr is a terminal)
//   --m8_backend=PATH   the grid fixtures run on this C-interface library
//   --m8_skip_conformance  measure a backend that fails a conformance check
//   --m8_help           print this help
//
// Thread-safety: call from main before anything else runs.
#ifndef M8_BENCH_SUPPORT_FLAGS_H_
#define M8_BENCH_SUPPORT_FLAGS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "bench/support/config.h"

namespace m8::bench {

struct M8Flags {
  std::string config_path;  // Empty: defaults.
  bool smoke = false;
  std::string temp_dir;  // Empty: $TMPDIR or /tmp.
  bool latency = true;
  double slowdown = 0;
  bool help = false;
  std::string backend_path;  // Empty: the binary's own backend.
  bool skip_conformance = false;
  std::optional<bool> progress;  // nullopt: on when stderr is a terminal
};

// Removes every --m8_* argument from argv (updating *argc) and returns what
// they said. InvalidArgument for an unknown --m8_ flag or a missing value.
// `smoke_env` is the value of M8_BENCH_SMOKE (null when unset).
absl::StatusOr<M8Flags> ExtractM8Flags(int* argc, char** argv,
                                       const char* smoke_env);

// The settings the flags ask for: loads and validates the config file.
// Errors name the file and the key (see LoadGridConfig).
absl::StatusOr<BenchSettings> MakeSettings(const M8Flags& flags,
                                           const char* tmpdir_env);

// The --m8_help text.
const char* M8FlagsHelp();

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_FLAGS_H_
