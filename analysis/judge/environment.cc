#include "analysis/judge/environment.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/report/format.h"

namespace m8::analysis {
namespace {

constexpr absl::string_view kEnvPrefix = "m8.env.";

bool HasM8Environment(const Context& context) {
  return std::any_of(context.extra.begin(), context.extra.end(),
                     [](const auto& entry) {
                       return absl::StartsWith(entry.first, kEnvPrefix);
                     });
}

std::optional<double> ExtraNumber(const Context& context,
                                  absl::string_view key) {
  const std::string* text = context.FindExtra(key);
  double value;
  if (text == nullptr || !absl::SimpleAtod(*text, &value)) return std::nullopt;
  return value;
}

// The first (1-minute) figure of "0.52 0.58 0.59".
std::optional<double> OneMinuteLoad(const std::string* text) {
  if (text == nullptr) return std::nullopt;
  const std::vector<absl::string_view> fields =
      absl::StrSplit(*text, ' ', absl::SkipEmpty());
  double value;
  if (fields.empty() || !absl::SimpleAtod(fields[0], &value)) {
    return std::nullopt;
  }
  return value;
}

std::string Fixed2(double value) { return absl::StrFormat("%.2f", value); }

void CheckLoad(const Context& context, absl::string_view when,
               std::optional<double> load, const EnvironmentLimits& limits,
               std::vector<EnvironmentWarning>* warnings) {
  if (!load || context.num_cpus <= 0) return;
  const double per_cpu = *load / static_cast<double>(context.num_cpus);
  if (per_cpu <= limits.max_load_per_cpu) return;
  warnings->push_back(
      {"load",
       absl::StrCat("load average ", Fixed2(per_cpu), " per CPU at ", when,
                    " (", Fixed2(*load), " on ", context.num_cpus,
                    " CPUs), above ", FormatDouble(limits.max_load_per_cpu))});
}

}  // namespace

std::vector<EnvironmentWarning> EnvironmentWarnings(
    const Context& context, const EnvironmentLimits& limits) {
  std::vector<EnvironmentWarning> warnings;
  const bool m8 = HasM8Environment(context);
  if (context.library_build_type == "debug") {
    warnings.push_back({"library_build_type",
                        "Google Benchmark library built as debug "
                        "(library_build_type: debug)"});
  }
  if (const std::string* build = context.FindExtra("m8.build_type")) {
    if (*build != "Release") {
      warnings.push_back(
          {"build_type",
           absl::StrCat("m8bench not built as Release (m8.build_type: ", *build,
                        ")")});
    }
  }
  if (m8) {
    const std::string* scaling = context.FindExtra("m8.env.cpu_scaling");
    const std::string* governor = context.FindExtra("m8.env.cpu_governor");
    const std::string governor_text =
        governor != nullptr ? *governor : "unknown";
    if (scaling == nullptr || *scaling != "off") {
      warnings.push_back(
          {"cpu_scaling",
           scaling != nullptr && *scaling == "on"
               ? absl::StrCat("CPU frequency scaling on (governor ",
                              governor_text, ")")
               : "CPU frequency governor unknown (no cpufreq in sysfs): "
                 "frequency scaling cannot be ruled out"});
    }
  } else if (context.cpu_scaling_enabled.value_or(false)) {
    warnings.push_back(
        {"cpu_scaling", "CPU frequency scaling on (cpu_scaling_enabled)"});
  }
  const std::optional<double> load_start =
      m8 ? OneMinuteLoad(context.FindExtra("m8.env.load_avg_start"))
         : std::nullopt;
  CheckLoad(context, "start",
            load_start ? load_start
                       : (context.load_avg.empty()
                              ? std::nullopt
                              : std::optional<double>(context.load_avg[0])),
            limits, &warnings);
  if (m8) {
    CheckLoad(context, "end",
              OneMinuteLoad(context.FindExtra("m8.env.load_avg_end")), limits,
              &warnings);
    const std::optional<double> others =
        ExtraNumber(context, "m8.env.other_cpu_cores");
    if (others && *others > limits.max_other_cores) {
      warnings.push_back({"other_processes",
                          absl::StrCat("other processes used ", Fixed2(*others),
                                       " of a core during the run, above ",
                                       FormatDouble(limits.max_other_cores))});
    }
  }
  const std::string* aslr = m8 ? context.FindExtra("m8.env.aslr") : nullptr;
  if (aslr != nullptr ? absl::StartsWith(*aslr, "on")
                      : context.aslr_enabled.value_or(false)) {
    warnings.push_back(
        {"aslr",
         absl::StrCat("ASLR ", aslr != nullptr ? *aslr : "on (aslr_enabled)",
                      ": code and data addresses change from run to "
                      "run")});
  }
  if (m8) {
    const std::optional<double> requested =
        ExtraNumber(context, "m8.env.thread_binding_requested");
    const std::optional<double> bound =
        ExtraNumber(context, "m8.env.thread_binding_bound");
    if (requested && bound && *bound < *requested) {
      warnings.push_back(
          {"thread_binding",
           absl::StrCat("threads not bound: ", *requested - *bound, " of ",
                        *requested, " bindings a fixture asked for failed")});
    }
  }
  return warnings;
}

std::vector<std::string> LabelWarnings(
    absl::string_view label, const std::vector<EnvironmentWarning>& warnings) {
  std::vector<std::string> lines;
  lines.reserve(warnings.size());
  for (const EnvironmentWarning& w : warnings) {
    lines.push_back(absl::StrCat(label, ": ", w.message));
  }
  return lines;
}

std::vector<std::string> WarningLines(absl::Span<const LabelledWarnings> runs,
                                      size_t list_runs) {
  std::vector<std::string> lines;
  if (runs.size() <= list_runs) {
    for (const LabelledWarnings& run : runs) {
      for (std::string& line : LabelWarnings(run.label, run.warnings)) {
        lines.push_back(std::move(line));
      }
    }
    return lines;
  }
  // One line per check, in the order first seen.
  struct Group {
    int runs = 0;
    std::string first;
  };
  std::vector<std::string> order;
  absl::flat_hash_map<std::string, Group> groups;
  for (const LabelledWarnings& run : runs) {
    absl::flat_hash_map<std::string, bool> seen;
    for (const EnvironmentWarning& w : run.warnings) {
      if (!seen.emplace(w.check, true).second) continue;
      auto [it, inserted] = groups.try_emplace(w.check);
      if (inserted) {
        order.push_back(w.check);
        it->second.first = absl::StrCat(run.label, ": ", w.message);
      }
      ++it->second.runs;
    }
  }
  for (const std::string& check : order) {
    const Group& group = groups[check];
    lines.push_back(absl::StrCat(check, ": ", group.runs, " of ", runs.size(),
                                 " runs, first ", group.first));
  }
  return lines;
}

ContextFacts ComparableFacts(const Context& context) {
  ContextFacts facts;
  auto add = [&facts](absl::string_view name, const std::string& value) {
    if (!value.empty()) facts.emplace_back(std::string(name), value);
  };
  auto add_extra = [&](absl::string_view name, absl::string_view key) {
    if (const std::string* value = context.FindExtra(key)) add(name, *value);
  };
  add("host", context.host_name);
  add_extra("CPU model", "m8.env.cpu_model");
  if (context.num_cpus > 0) add("CPUs", absl::StrCat(context.num_cpus));
  add_extra("build type", "m8.build_type");
  add_extra("backend", "m8.backend");
  add_extra("backend version", "m8.backend_version");
  add("library build type", context.library_build_type);
  if (!context.library_version.empty()) {
    add("library version", context.library_version);
  } else {
    add_extra("library version", "m8.env.benchmark_version");
  }
  add_extra("smoke mode", "m8.smoke");
  std::vector<std::pair<std::string, std::string>> grid;
  for (const auto& [key, value] : context.extra) {
    if (absl::StartsWith(key, "m8.grid.")) grid.emplace_back(key, value);
  }
  std::sort(grid.begin(), grid.end());
  for (const auto& [key, value] : grid) {
    add(absl::StrCat("grid option ", key.substr(8)), value);
  }
  return facts;
}

std::vector<std::string> ContextDifferences(
    absl::Span<const LabelledFacts> runs) {
  constexpr size_t kValuesShown = 3;
  constexpr size_t kLabelsShown = 2;
  constexpr absl::string_view kNotRecorded = "(not recorded)";
  // Every fact name, in the order first seen.
  std::vector<std::string> names;
  absl::flat_hash_map<std::string, bool> known;
  for (const LabelledFacts& run : runs) {
    for (const auto& [name, value] : run.facts) {
      if (known.emplace(name, true).second) names.push_back(name);
    }
  }
  std::vector<std::string> lines;
  for (const std::string& name : names) {
    // Each distinct value with the runs that have it, in run order.
    std::vector<std::pair<std::string, std::vector<std::string>>> values;
    for (const LabelledFacts& run : runs) {
      std::string value(kNotRecorded);
      for (const auto& [fact, fact_value] : run.facts) {
        if (fact == name) value = fact_value;
      }
      auto it = std::find_if(values.begin(), values.end(),
                             [&](const auto& v) { return v.first == value; });
      if (it == values.end()) {
        values.push_back({value, {run.label}});
      } else {
        it->second.push_back(run.label);
      }
    }
    if (values.size() < 2) continue;
    std::vector<std::string> parts;
    for (size_t i = 0; i < values.size() && i < kValuesShown; ++i) {
      const auto& [value, labels] = values[i];
      std::vector<std::string> shown(
          labels.begin(), labels.begin() + static_cast<long>(std::min(
                                               kLabelsShown, labels.size())));
      std::string who = absl::StrJoin(shown, ", ");
      if (labels.size() > kLabelsShown) {
        absl::StrAppend(&who, " and ", labels.size() - kLabelsShown, " more");
      }
      parts.push_back(value == kNotRecorded
                          ? absl::StrCat(value, " (", who, ")")
                          : absl::StrCat("'", value, "' (", who, ")"));
    }
    if (values.size() > kValuesShown) {
      parts.push_back(
          absl::StrCat(values.size() - kValuesShown, " more values"));
    }
    lines.push_back(absl::StrCat("runs differ in ", name, ": ",
                                 absl::StrJoin(parts, ", ")));
  }
  return lines;
}

RunsCheck CheckRuns(absl::Span<const ResultsFile> files) {
  std::vector<LabelledWarnings> warnings;
  std::vector<LabelledFacts> facts;
  for (const ResultsFile& file : files) {
    warnings.push_back({file.source(), EnvironmentWarnings(file.context())});
    facts.push_back({file.source(), ComparableFacts(file.context())});
  }
  return {WarningLines(warnings), ContextDifferences(facts)};
}

}  // namespace m8::analysis
