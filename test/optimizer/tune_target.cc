// m8_tune_target: a benchmark binary whose speed depends on its --m8_config
// in a known way, so that the end-to-end tests of `m8perf tune` know the
// right answer in advance.
//
//   m8_tune_target [--m8_config=FILE] [--benchmark_...]
//
// FILE is a JSON object with these keys, all optional:
//
//   spin   integer in [0, 100000], default 2000: extra work units per
//          iteration of Tune/Work (one unit is a few ns of dependent integer
//          mixing). The lower, the faster: the best value of a space is its
//          smallest.
//   inert  integer in [0, 1000], default 0: read, validated, and otherwise
//          ignored. A knob with no effect at all.
//   bloat  integer in [0, 1], default 0: 1 makes Tune/Work do only half of
//          its spin units (faster) but report its p99_ns counter 3x larger
//          than the same timing would otherwise give. A faster candidate that
//          a guard on p99_ns must block.
//   crash  integer in [0, 1], default 0: 1 makes the binary call std::abort()
//          before it runs any benchmark. --benchmark_list_tests still lists
//          them and exits 0, so a dry run accepts the configuration (it is a
//          valid one; only running it fails).
//
// An unknown key, a value of the wrong type (2000.0 is not an integer) or out
// of range, an unreadable file or malformed JSON: one line on stderr naming
// the file and the key, exit status 2, also with --benchmark_list_tests. So
// is any other --m8_ flag, a repeated --m8_config, and any argument that
// Google Benchmark does not recognise.
//
// Benchmarks (stable names):
//   Tune/Work   kBaseUnits + spin units (spin / 2 when bloat) per iteration.
//   Tune/Other  kBaseUnits per iteration; no knob changes it.
// Both count one item per iteration (items_per_second) and report p99_ns =
// 1.5 x the measured wall-clock ns per iteration (x 3 more for Tune/Work
// when bloat). The context key m8.config holds the configuration in effect,
// defaults included, as compact JSON.

#include <benchmark/benchmark.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace {

constexpr char kProgram[] = "m8_tune_target";
constexpr char kConfigFlag[] = "--m8_config";

// Work units of Tune/Work and Tune/Other that no knob changes: with the
// default spin (2000), Tune/Work does 6x the work of spin 0.
constexpr int64_t kBaseUnits = 400;

// p99_ns is this multiple of the measured wall-clock ns per iteration (and 3x
// that again for Tune/Work under bloat).
constexpr double kP99Factor = 1.5;
constexpr double kBloatP99Factor = 3.0;

struct Config {
  int64_t spin = 2000;
  int64_t inert = 0;
  int64_t bloat = 0;
  int64_t crash = 0;
};

struct Knob {
  const char* name;
  int64_t Config::*member;
  int64_t max;  // values are integers in [0, max]
};

constexpr Knob kKnobs[] = {
    {"spin", &Config::spin, 100000},
    {"inert", &Config::inert, 1000},
    {"bloat", &Config::bloat, 1},
    {"crash", &Config::crash, 1},
};

std::string KnobNames() {
  std::string names;
  for (const Knob& knob : kKnobs) {
    if (!names.empty()) names += ", ";
    names += knob.name;
  }
  return names;
}

// Newlines and other control characters of `text` as spaces: every error is
// one line.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (std::iscntrl(static_cast<unsigned char>(c))) c = ' ';
  }
  return text;
}

// Reads and validates FILE; on error, the one-line message (without the
// program name) in `error`.
std::optional<Config> ReadConfig(const std::string& path, std::string* error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = path + ": cannot read the config file: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    text.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  if (failed) {
    *error =
        path + ": cannot read the config file: " + std::strerror(read_errno);
    return std::nullopt;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at ...".
    std::string_view what = e.what();
    if (const size_t end = what.find("] "); end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    *error = path + ": malformed JSON: " + std::string(what);
    return std::nullopt;
  }
  if (!doc.is_object()) {
    *error = path + ": the config must be a JSON object, got " +
             std::string(doc.type_name());
    return std::nullopt;
  }
  Config config;
  for (const auto& [key, value] : doc.items()) {
    const Knob* knob = nullptr;
    for (const Knob& k : kKnobs) {
      if (key == k.name) knob = &k;
    }
    if (knob == nullptr) {
      *error =
          path + ": unknown key '" + key + "' (keys are " + KnobNames() + ")";
      return std::nullopt;
    }
    const std::string range = "[0, " + std::to_string(knob->max) + "]";
    if (!value.is_number_integer()) {
      *error = path + ": key '" + key + "': must be an integer in " + range +
               ", got " + value.type_name() + " " + value.dump();
      return std::nullopt;
    }
    // Negative values are number_integer, the others number_unsigned.
    if (!value.is_number_unsigned() ||
        value.get<uint64_t>() > static_cast<uint64_t>(knob->max)) {
      *error = path + ": key '" + key + "': must be an integer in " + range +
               ", got " + value.dump();
      return std::nullopt;
    }
    config.*(knob->member) = value.get<int64_t>();
  }
  return config;
}

std::string ConfigJson(const Config& config) {
  nlohmann::json doc = nlohmann::json::object();
  for (const Knob& knob : kKnobs) doc[knob.name] = config.*(knob.member);
  return doc.dump();
}

// Whether Google Benchmark will only list the benchmarks: the last
// --benchmark_list_tests[=VALUE] of argv, else the BENCHMARK_LIST_TESTS
// environment variable, read as the library reads a boolean flag.
bool IsTruthy(std::string value) {
  if (value.size() == 1) {
    const char c = value[0];
    return std::isalnum(static_cast<unsigned char>(c)) && c != '0' &&
           c != 'f' && c != 'F' && c != 'n' && c != 'N';
  }
  if (value.empty()) return true;
  for (char& c : value) c = std::tolower(static_cast<unsigned char>(c));
  return value != "false" && value != "no" && value != "off";
}

bool ListsTestsOnly(int argc, char** argv) {
  constexpr std::string_view kFlag = "--benchmark_list_tests";
  std::optional<bool> list;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == kFlag) {
      list = true;
    } else if (arg.size() > kFlag.size() &&
               arg.substr(0, kFlag.size()) == kFlag &&
               arg[kFlag.size()] == '=') {
      list = IsTruthy(std::string(arg.substr(kFlag.size() + 1)));
    }
  }
  if (list.has_value()) return *list;
  const char* env = std::getenv("BENCHMARK_LIST_TESTS");
  return env != nullptr && IsTruthy(env);
}

// `units` rounds of a dependent 64-bit mixing chain (two multiplies and two
// xor-shifts, about ten cycles of latency): each round needs the previous
// result, so the compiler can neither vectorise nor skip it. Unsigned
// arithmetic wraps, no undefined behaviour.
uint64_t Mix(uint64_t x, int64_t units) {
  for (int64_t i = 0; i < units; ++i) {
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
  }
  return x;
}

// Runs `units` of work per iteration; reports items (one per iteration) and
// p99_ns = p99_factor x the measured wall-clock ns per iteration.
void RunWork(benchmark::State& state, int64_t units, double p99_factor) {
  uint64_t x = 0x243f6a8885a308d3ULL;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(x);
    x = Mix(x, units);
    benchmark::DoNotOptimize(x);
  }
  const auto stop = std::chrono::steady_clock::now();
  const auto iterations = state.iterations();
  state.SetItemsProcessed(iterations);
  if (iterations > 0) {
    const double ns_per_iteration =
        std::chrono::duration<double, std::nano>(stop - start).count() /
        static_cast<double>(iterations);
    state.counters["p99_ns"] =
        benchmark::Counter(p99_factor * ns_per_iteration);
  }
}

bool Starts(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

int main(int argc, char** argv) {
  // Our flags out of argv before Google Benchmark sees it.
  std::optional<std::string> config_path;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!Starts(arg, "--m8_")) {
      argv[kept++] = argv[i];
      continue;
    }
    const std::string_view prefix = std::string_view(kConfigFlag);
    if (!Starts(arg, prefix) ||
        (arg.size() > prefix.size() && arg[prefix.size()] != '=')) {
      std::fprintf(stderr,
                   "%s: unknown flag '%s' (the only --m8_ flag is %s=FILE)\n",
                   kProgram, OneLine(std::string(arg)).c_str(), kConfigFlag);
      return 2;
    }
    if (arg.size() <= prefix.size() + 1) {
      std::fprintf(stderr, "%s: %s needs a file name: %s=FILE\n", kProgram,
                   kConfigFlag, kConfigFlag);
      return 2;
    }
    if (config_path.has_value()) {
      std::fprintf(stderr, "%s: %s given twice\n", kProgram, kConfigFlag);
      return 2;
    }
    config_path = std::string(arg.substr(prefix.size() + 1));
  }
  argc = kept;
  argv[argc] = nullptr;

  Config config;
  if (config_path.has_value()) {
    std::string error;
    std::optional<Config> read = ReadConfig(*config_path, &error);
    if (!read.has_value()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, OneLine(error).c_str());
      return 2;
    }
    config = *read;
  }

  // Before Initialize, which takes the --benchmark_ flags out of argv.
  const bool list_only = ListsTestsOnly(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  if (config.crash != 0 && !list_only) std::abort();

  benchmark::AddCustomContext("m8.config", ConfigJson(config));
  const int64_t work_units =
      kBaseUnits + (config.bloat != 0 ? config.spin / 2 : config.spin);
  const double work_p99_factor =
      config.bloat != 0 ? kP99Factor * kBloatP99Factor : kP99Factor;
  benchmark::RegisterBenchmark(
      "Tune/Work", [work_units, work_p99_factor](benchmark::State& state) {
        RunWork(state, work_units, work_p99_factor);
      });
  benchmark::RegisterBenchmark("Tune/Other", [](benchmark::State& state) {
    RunWork(state, kBaseUnits, kP99Factor);
  });
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
