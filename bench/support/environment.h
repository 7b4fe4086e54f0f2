// The environment a benchmark run happens in, recorded as m8.env.* context
// keys so that m8perf can warn about runs measured on a noisy or
// misconfigured machine: CPU frequency governor, ASLR, load average and the
// CPU time other processes used, at the start and at the end of the run,
// and whether thread bindings that fixtures asked for succeeded.
//
// The readers take the /proc and /sys roots (EnvironmentPaths), and the
// parsers take file contents, so that tests can feed them fake files.
//
// Thread-safety: the functions are thread-safe; call them from main.
#ifndef M8_BENCH_SUPPORT_ENVIRONMENT_H_
#define M8_BENCH_SUPPORT_ENVIRONMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/support/context.h"
#include "bench/support/thread_binding.h"

namespace m8::bench {

// Where the readers look (tests point these at fake trees).
struct EnvironmentPaths {
  std::string proc = "/proc";
  std::string sys = "/sys";
};

// ---- Parsers of file contents -----------------------------------------------

// /proc/loadavg: "0.52 0.58 0.59 1/234 5678" -> "0.52 0.58 0.59".
absl::StatusOr<std::string> ParseLoadAverage(absl::string_view loadavg);

// CPU ticks all processes spent busy: user + nice + system + irq + softirq
// + steal of /proc/stat's "cpu" line (guest time is already in user).
absl::StatusOr<uint64_t> ParseBusyTicks(absl::string_view proc_stat);

// CPU ticks of one process and its waited-for children: utime + stime +
// cutime + cstime of /proc/<pid>/stat (fields 14-17, counted after the
// command name, which may hold spaces and parentheses).
absl::StatusOr<uint64_t> ParseProcessTicks(absl::string_view pid_stat);

// "on (randomize_va_space 2)", "off (randomize_va_space 0)", or
// "off (this process: ADDR_NO_RANDOMIZE)" when `process_no_randomize` (the
// binary runs under `setarch -R`). InvalidArgument for other contents.
absl::StatusOr<std::string> DescribeAslr(absl::string_view randomize_va_space,
                                         bool process_no_randomize);

// The "model name" of /proc/cpuinfo's first processor, or "unknown".
std::string ParseCpuModel(absl::string_view cpuinfo);

// The distinct governors, comma-separated in sorted order ("performance",
// "performance,powersave"), or "unknown" when there are none; and scaling
// "off" when every CPU runs "performance", "on" otherwise, "unknown" with no
// governor at all.
struct GovernorSummary {
  std::string governors;
  std::string scaling;
};
GovernorSummary SummarizeGovernors(const std::vector<std::string>& governors);

// ---- Readers --------------------------------------------------------------

// The scaling_governor of every CPU in sys/devices/system/cpu (empty when
// cpufreq is absent, as on most virtual machines).
std::vector<std::string> ReadGovernors(const EnvironmentPaths& paths);

// What changes during a run, read at its start and at its end. A field is
// empty when its file could not be read.
struct EnvironmentSnapshot {
  double wall_seconds = 0;  // a steady clock
  std::optional<std::string> load_average;
  std::optional<uint64_t> busy_ticks;  // every process
  std::optional<uint64_t> self_ticks;  // this process
};
EnvironmentSnapshot TakeSnapshot(const EnvironmentPaths& paths);

// ---- Context keys -----------------------------------------------------------

// Known before the run: m8.env.benchmark_version, m8.env.cpu_model,
// m8.env.cpu_governor, m8.env.cpu_scaling, m8.env.aslr and
// m8.env.load_avg_start.
ContextEntries StartEnvironmentContext(const EnvironmentPaths& paths,
                                       const EnvironmentSnapshot& start);

// Known only at the end: m8.env.load_avg_end, m8.env.run_seconds,
// m8.env.other_cpu_seconds, m8.env.other_cpu_cores (other processes' CPU
// time over the run's wall time; "unknown" when /proc/stat or
// /proc/self/stat could not be read), m8.env.thread_binding_requested and
// m8.env.thread_binding_bound. `ticks_per_second` is sysconf(_SC_CLK_TCK).
ContextEntries EndEnvironmentContext(const EnvironmentSnapshot& start,
                                     const EnvironmentSnapshot& end,
                                     const BindingCounts& binding,
                                     int64_t ticks_per_second);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_ENVIRONMENT_H_
