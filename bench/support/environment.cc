#include "bench/support/environment.h"

#include <sys/personality.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/support/build_info.h"

namespace m8::bench {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<absl::string_view> Fields(absl::string_view text) {
  return absl::StrSplit(text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
}

std::string Seconds(double seconds) { return absl::StrFormat("%.3f", seconds); }

}  // namespace

absl::StatusOr<std::string> ParseLoadAverage(absl::string_view loadavg) {
  const std::vector<absl::string_view> fields = Fields(loadavg);
  if (fields.size() < 3) {
    return absl::InvalidArgumentError("loadavg: fewer than 3 fields");
  }
  for (int i = 0; i < 3; ++i) {
    double value;
    if (!absl::SimpleAtod(fields[i], &value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("loadavg: '", fields[i], "' is not a load"));
    }
  }
  return absl::StrJoin(fields.begin(), fields.begin() + 3, " ");
}

absl::StatusOr<uint64_t> ParseBusyTicks(absl::string_view proc_stat) {
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    const std::vector<absl::string_view> fields = Fields(line);
    if (fields.empty() || fields[0] != "cpu") continue;
    // cpu user nice system idle iowait irq softirq steal [guest guest_nice]
    if (fields.size() < 9) {
      return absl::InvalidArgumentError("/proc/stat: short cpu line");
    }
    uint64_t ticks[8];
    for (int i = 0; i < 8; ++i) {
      if (!absl::SimpleAtoi(fields[i + 1], &ticks[i])) {
        return absl::InvalidArgumentError(
            absl::StrCat("/proc/stat: '", fields[i + 1], "' is not a count"));
      }
    }
    return ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
  }
  return absl::InvalidArgumentError("/proc/stat: no cpu line");
}

absl::StatusOr<uint64_t> ParseProcessTicks(absl::string_view pid_stat) {
  const size_t close = pid_stat.rfind(')');
  if (close == absl::string_view::npos) {
    return absl::InvalidArgumentError("stat: no command name");
  }
  // After "pid (comm)" come the fields from 3 (state) on: utime is field 14,
  // the 12th after the command name.
  const std::vector<absl::string_view> fields =
      Fields(pid_stat.substr(close + 1));
  if (fields.size() < 15) return absl::InvalidArgumentError("stat: too short");
  uint64_t total = 0;
  for (int i = 11; i < 15; ++i) {
    uint64_t ticks;
    if (!absl::SimpleAtoi(fields[i], &ticks)) {
      return absl::InvalidArgumentError(
          absl::StrCat("stat: '", fields[i], "' is not a count"));
    }
    total += ticks;
  }
  return total;
}

absl::StatusOr<std::string> DescribeAslr(absl::string_view randomize_va_space,
                                         bool process_no_randomize) {
  const absl::string_view value =
      absl::StripAsciiWhitespace(randomize_va_space);
  int level;
  if (!absl::SimpleAtoi(value, &level) || level < 0 || level > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("randomize_va_space: unexpected '", value, "'"));
  }
  if (process_no_randomize) return "off (this process: ADDR_NO_RANDOMIZE)";
  return absl::StrCat(level == 0 ? "off" : "on", " (randomize_va_space ", level,
                      ")");
}

std::string ParseCpuModel(absl::string_view cpuinfo) {
  for (absl::string_view line : absl::StrSplit(cpuinfo, '\n')) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (absl::StripAsciiWhitespace(line.substr(0, colon)) == "model name") {
      const absl::string_view model =
          absl::StripAsciiWhitespace(line.substr(colon + 1));
      if (!model.empty()) return std::string(model);
    }
  }
  return "unknown";
}

GovernorSummary SummarizeGovernors(const std::vector<std::string>& governors) {
  std::set<std::string> distinct;
  for (const std::string& g : governors) {
    const absl::string_view name = absl::StripAsciiWhitespace(g);
    if (!name.empty()) distinct.emplace(name);
  }
  if (distinct.empty()) return {"unknown", "unknown"};
  const bool fixed = distinct.size() == 1 && *distinct.begin() == "performance";
  return {absl::StrJoin(distinct, ","), fixed ? "off" : "on"};
}

std::vector<std::string> ReadGovernors(const EnvironmentPaths& paths) {
  std::vector<std::string> governors;
  std::error_code error;
  const std::filesystem::path cpus =
      std::filesystem::path(paths.sys) / "devices/system/cpu";
  for (const auto& entry : std::filesystem::directory_iterator(cpus, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StartsWith(name, "cpu") || name.size() == 3 ||
        !std::all_of(name.begin() + 3, name.end(), absl::ascii_isdigit)) {
      continue;
    }
    if (std::optional<std::string> governor =
            ReadFile((entry.path() / "cpufreq/scaling_governor").string())) {
      governors.push_back(*governor);
    }
  }
  return governors;
}

EnvironmentSnapshot TakeSnapshot(const EnvironmentPaths& paths) {
  EnvironmentSnapshot snapshot;
  snapshot.wall_seconds =
      std::chrono::duration<double>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count();
  if (std::optional<std::string> text = ReadFile(paths.proc + "/loadavg")) {
    if (absl::StatusOr<std::string> load = ParseLoadAverage(*text); load.ok()) {
      snapshot.load_average = *load;
    }
  }
  if (std::optional<std::string> text = ReadFile(paths.proc + "/stat")) {
    if (absl::StatusOr<uint64_t> ticks = ParseBusyTicks(*text); ticks.ok()) {
      snapshot.busy_ticks = *ticks;
    }
  }
  if (std::optional<std::string> text = ReadFile(paths.proc + "/self/stat")) {
    if (absl::StatusOr<uint64_t> ticks = ParseProcessTicks(*text); ticks.ok()) {
      snapshot.self_ticks = *ticks;
    }
  }
  return snapshot;
}

ContextEntries StartEnvironmentContext(const EnvironmentPaths& paths,
                                       const EnvironmentSnapshot& start) {
  const GovernorSummary governors = SummarizeGovernors(ReadGovernors(paths));
  std::string aslr = "unknown";
  if (std::optional<std::string> text =
          ReadFile(paths.proc + "/sys/kernel/randomize_va_space")) {
    const int persona = personality(0xffffffff);
    absl::StatusOr<std::string> described =
        DescribeAslr(*text, persona != -1 && (persona & ADDR_NO_RANDOMIZE));
    if (described.ok()) aslr = *described;
  }
  const std::optional<std::string> cpuinfo = ReadFile(paths.proc + "/cpuinfo");
  return {
      {"m8.env.benchmark_version", M8_BENCH_BENCHMARK_VERSION},
      {"m8.env.cpu_model", cpuinfo ? ParseCpuModel(*cpuinfo) : "unknown"},
      {"m8.env.cpu_governor", governors.governors},
      {"m8.env.cpu_scaling", governors.scaling},
      {"m8.env.aslr", aslr},
      {"m8.env.load_avg_start", start.load_average.value_or("unknown")},
  };
}

ContextEntries EndEnvironmentContext(const EnvironmentSnapshot& start,
                                     const EnvironmentSnapshot& end,
                                     const BindingCounts& binding,
                                     int64_t ticks_per_second) {
  const double wall = std::max(0.0, end.wall_seconds - start.wall_seconds);
  std::string other_seconds = "unknown";
  std::string other_cores = "unknown";
  if (start.busy_ticks && end.busy_ticks && start.self_ticks &&
      end.self_ticks && ticks_per_second > 0) {
    const double all = static_cast<double>(*end.busy_ticks) -
                       static_cast<double>(*start.busy_ticks);
    const double self = static_cast<double>(*end.self_ticks) -
                        static_cast<double>(*start.self_ticks);
    // The two counters tick independently: a few ticks of skew can make the
    // difference slightly negative.
    const double others =
        std::max(0.0, (all - self) / static_cast<double>(ticks_per_second));
    other_seconds = Seconds(others);
    if (wall > 0) other_cores = absl::StrFormat("%.4f", others / wall);
  }
  return {
      {"m8.env.load_avg_end", end.load_average.value_or("unknown")},
      {"m8.env.run_seconds", Seconds(wall)},
      {"m8.env.other_cpu_seconds", other_seconds},
      {"m8.env.other_cpu_cores", other_cores},
      {"m8.env.thread_binding_requested", absl::StrCat(binding.requested)},
      {"m8.env.thread_binding_bound", absl::StrCat(binding.bound)},
  };
}

}  // namespace m8::bench
