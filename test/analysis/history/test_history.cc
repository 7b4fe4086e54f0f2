#include "test/analysis/history/test_history.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace m8::analysis::testing {
namespace {

std::atomic<int> next_id{0};

// The server's URL, or empty after recording why there is none.
std::string ServerUrl() {
  const char* file = std::getenv("M8_TEST_POSTGRES_URL_FILE");
  if (file == nullptr) {
    ADD_FAILURE() << "M8_TEST_POSTGRES_URL_FILE is not set: run the tests "
                     "through ctest, whose fixture 'postgres' starts the "
                     "PostgreSQL server";
    return "";
  }
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string url(absl::StripAsciiWhitespace(text.str()));
  if (url.empty()) {
    ADD_FAILURE() << "no PostgreSQL server: cannot read its URL from " << file
                  << " (did the fixture test postgres_server_start fail? "
                     "see its output)";
  }
  return url;
}

}  // namespace

std::string DialectName(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? "sqlite" : "postgres";
}

std::string NewFolder(const std::string& name) {
  const std::string folder =
      absl::StrCat(::testing::TempDir(), "m8hist_", ::getpid(), "_",
                   next_id.fetch_add(1), "_", name);
  ::mkdir(folder.c_str(), 0777);
  return folder;
}

std::unique_ptr<TestHistory> TestHistory::Create(SqlDialect dialect) {
  std::unique_ptr<TestHistory> history(new TestHistory());
  history->dialect_ = dialect;
  history->folder_ = NewFolder(DialectName(dialect));
  if (dialect == SqlDialect::kSqlite) {
    history->path_ = history->folder_ + "/history.db";
    history->url_ = "sqlite:" + history->path_;
    return history;
  }
  history->server_url_ = ServerUrl();
  if (history->server_url_.empty()) return nullptr;
  history->schema_ = absl::StrCat("t_", ::getpid(), "_", next_id.fetch_add(1));
  absl::StatusOr<std::unique_ptr<HistoryBackend>> admin =
      OpenPostgresBackend(history->server_url_, history->server_url_, {});
  if (!admin.ok()) {
    ADD_FAILURE() << "no PostgreSQL server: " << admin.status();
    return nullptr;
  }
  if (absl::Status created =
          (*admin)->Execute("CREATE SCHEMA " + history->schema_);
      !created.ok()) {
    ADD_FAILURE() << created;
    return nullptr;
  }
  // libpq passes options to the server: this connection's tables live in
  // the test's own schema.
  history->url_ = absl::StrCat(history->server_url_,
                               "?options=-csearch_path%3D", history->schema_);
  return history;
}

TestHistory::~TestHistory() {
  if (dialect_ == SqlDialect::kPostgres && !schema_.empty()) {
    absl::StatusOr<std::unique_ptr<HistoryBackend>> admin =
        OpenPostgresBackend(server_url_, server_url_, {});
    if (admin.ok()) {
      (*admin)->Execute("DROP SCHEMA " + schema_ + " CASCADE").IgnoreError();
    }
  }
}

HistoryLocation TestHistory::location() const { return *ParseHistoryUrl(url_); }

absl::StatusOr<std::unique_ptr<HistoryStore>> TestHistory::Open(
    bool create) const {
  HistoryOptions options;
  options.create = create;
  return HistoryStore::Open(location(), options);
}

}  // namespace m8::analysis::testing

namespace m8::analysis::testing {
namespace {

bool SameDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

bool SameOptional(const std::optional<double>& a,
                  const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a.has_value() || SameDouble(*a, *b);
}

std::string Fmt(double value) { return absl::StrFormat("%.17g", value); }

}  // namespace

std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string SyntheticResults(int benchmarks, int repetitions, int seed,
                             const std::string& date,
                             const std::string& revision) {
  std::string out = absl::StrCat(
      "{\n  \"context\": {\n    \"date\": \"", date,
      "\",\n    \"host_name\": \"vm\",\n    \"executable\": \"./m8bench\",\n"
      "    \"num_cpus\": 2,\n    \"mhz_per_cpu\": 2096,\n"
      "    \"cpu_scaling_enabled\": false,\n    \"caches\": [\n"
      "      {\"type\": \"Data\", \"level\": 1, \"size\": 32768, "
      "\"num_sharing\": 1},\n"
      "      {\"type\": \"Unified\", \"level\": 3, \"size\": 33554432, "
      "\"num_sharing\": 2}\n    ],\n"
      "    \"load_avg\": [0.25,0.5,1.125],\n"
      "    \"library_build_type\": \"debug\",\n"
      "    \"m8.build_type\": \"Release\",\n");
  if (!revision.empty()) {
    absl::StrAppend(&out, "    \"m8.git_revision\": \"", revision, "\",\n");
  }
  absl::StrAppend(
      &out,
      "    \"m8.counters\": {\"p99_ns\": {\"unit\": \"ns\", \"direction\": "
      "\"lower\", \"measured_if\": \"hits\"}, \"items_per_second\": "
      "{\"unit\": \"/s\", \"direction\": \"higher\"}},\n"
      "    \"m8.seed\": \"",
      seed, "\"\n  },\n  \"benchmarks\": [\n");
  uint64_t state = 0x9e3779b97f4a7c15ull * (seed + 1);
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return 1.0 + static_cast<double>(state % 1000000) / 1e7;
  };
  bool first = true;
  auto add = [&](const std::string& fields) {
    absl::StrAppend(&out, first ? "" : ",\n", "    {", fields, "}");
    first = false;
  };
  for (int b = 0; b < benchmarks; ++b) {
    const std::string name = absl::StrCat("Synth/Op", b % 7, "/cells:", b);
    const std::string common = absl::StrCat(
        "\"family_index\": ", b, ", \"per_family_instance_index\": 0, ",
        "\"run_name\": \"", name, "\", \"repetitions\": ", repetitions,
        ", \"threads\": 1, ");
    if (b == benchmarks - 1) {
      add(absl::StrCat("\"name\": \"", name, "\", ", common,
                       "\"run_type\": \"iteration\", \"repetition_index\": 0, "
                       "\"error_occurred\": true, \"error_message\": "
                       "\"setup failed\", \"iterations\": 0, \"real_time\": 0, "
                       "\"cpu_time\": 0, \"time_unit\": \"ns\""));
      continue;
    }
    const double base = 100.0 * (b + 1);
    for (int r = 0; r < repetitions; ++r) {
      const double t = base * next();
      add(absl::StrCat(
          "\"name\": \"", name, "\", ", common,
          "\"run_type\": \"iteration\", \"repetition_index\": ", r,
          ", \"iterations\": ", 1000 + b, ", \"real_time\": ", Fmt(t),
          ", \"cpu_time\": ", Fmt(t * next()),
          ", \"time_unit\": \"ns\", \"hits\": 4096, \"items_per_second\": ",
          Fmt(1e9 / t), ", \"p99_ns\": ", Fmt(t * 2.5 * next()),
          b % 5 == 0 ? ", \"label\": \"cold cache\"" : ""));
    }
    if (repetitions < 2) continue;
    for (const char* aggregate : {"mean", "median", "stddev", "cv"}) {
      const bool cv = std::string(aggregate) == "cv";
      add(absl::StrCat(
          "\"name\": \"", name, "_", aggregate, "\", ", common,
          "\"run_type\": \"aggregate\", \"aggregate_name\": \"", aggregate,
          "\", \"aggregate_unit\": \"", cv ? "percentage" : "time",
          "\", \"iterations\": ", repetitions,
          ", \"real_time\": ", Fmt(cv ? 0.01 * next() : base * next()),
          ", \"cpu_time\": ", Fmt(cv ? 0.01 * next() : base * next()),
          ", \"time_unit\": \"ns\", \"hits\": 4096, \"items_per_second\": ",
          Fmt(1e9 / base), ", \"p99_ns\": ", Fmt(base * 2.5)));
    }
  }
  out += "\n  ]\n}\n";
  return out;
}

::testing::AssertionResult SameResults(const ResultsFile& expected,
                                       const ResultsFile& actual) {
  auto fail = [](auto&&... parts) {
    return ::testing::AssertionFailure() << absl::StrCat(parts...);
  };
  if (expected.source() != actual.source()) {
    return fail("source '", expected.source(), "' read back as '",
                actual.source(), "'");
  }
  const Context& a = expected.context();
  const Context& b = actual.context();
  if (a.date != b.date || a.host_name != b.host_name ||
      a.executable != b.executable || a.num_cpus != b.num_cpus ||
      !SameDouble(a.mhz_per_cpu, b.mhz_per_cpu) ||
      a.cpu_scaling_enabled != b.cpu_scaling_enabled ||
      a.library_build_type != b.library_build_type ||
      a.library_version != b.library_version ||
      a.json_schema_version != b.json_schema_version ||
      a.aslr_enabled != b.aslr_enabled) {
    return fail("a typed context key differs");
  }
  if (a.caches.size() != b.caches.size()) return fail("caches differ");
  for (size_t i = 0; i < a.caches.size(); ++i) {
    const CacheInfo& x = a.caches[i];
    const CacheInfo& y = b.caches[i];
    if (x.type != y.type || x.level != y.level || x.size != y.size ||
        x.num_sharing != y.num_sharing) {
      return fail("cache ", i, " differs");
    }
  }
  if (a.load_avg.size() != b.load_avg.size()) return fail("load_avg differs");
  for (size_t i = 0; i < a.load_avg.size(); ++i) {
    if (!SameDouble(a.load_avg[i], b.load_avg[i])) {
      return fail("load_avg[", i, "] differs");
    }
  }
  if (a.extra != b.extra) return fail("the other context keys differ");
  if (expected.counter_names() != actual.counter_names()) {
    return fail("counter names differ");
  }
  if (a.counters.size() != b.counters.size()) {
    return fail("declared counters differ");
  }
  for (const std::string& name : expected.counter_names()) {
    const CounterDeclaration* x = a.counters.Find(name);
    const CounterDeclaration* y = b.counters.Find(name);
    if ((x == nullptr) != (y == nullptr) ||
        (x != nullptr &&
         (x->direction != y->direction || x->unit != y->unit ||
          x->unit_name != y->unit_name || x->measured_if != y->measured_if))) {
      return fail("the declaration of counter ", name, " differs");
    }
  }
  if (expected.entries().size() != actual.entries().size()) {
    return fail(expected.entries().size(), " entries read back as ",
                actual.entries().size());
  }
  for (size_t i = 0; i < expected.entries().size(); ++i) {
    const Entry& x = expected.entries()[i];
    const Entry& y = actual.entries()[i];
    const bool same_big_o =
        x.big_o.has_value() == y.big_o.has_value() &&
        (!x.big_o.has_value() ||
         (x.big_o->big_o == y.big_o->big_o &&
          SameDouble(x.big_o->cpu_coefficient, y.big_o->cpu_coefficient) &&
          SameDouble(x.big_o->real_coefficient, y.big_o->real_coefficient)));
    if (x.name != y.name || x.run_name != y.run_name ||
        x.run_type != y.run_type || x.aggregate_name != y.aggregate_name ||
        x.percentage_unit != y.percentage_unit ||
        x.family_index != y.family_index ||
        x.per_family_instance_index != y.per_family_instance_index ||
        x.repetitions != y.repetitions ||
        x.repetition_index != y.repetition_index || x.threads != y.threads ||
        x.status != y.status || x.message != y.message || x.label != y.label ||
        !SameDouble(x.iterations, y.iterations) ||
        !SameDouble(x.real_time_ns, y.real_time_ns) ||
        !SameDouble(x.cpu_time_ns, y.cpu_time_ns) ||
        x.has_times != y.has_times || x.time_unit != y.time_unit ||
        !same_big_o || !SameOptional(x.rms, y.rms) ||
        !SameOptional(x.memory.allocs_per_iter, y.memory.allocs_per_iter) ||
        !SameOptional(x.memory.max_bytes_used, y.memory.max_bytes_used) ||
        !SameOptional(x.memory.total_allocated_bytes,
                      y.memory.total_allocated_bytes) ||
        !SameOptional(x.memory.net_heap_growth, y.memory.net_heap_growth) ||
        x.counters_begin != y.counters_begin ||
        x.counters_end != y.counters_end) {
      return fail("entry ", i, " '", x.name, "' differs");
    }
    const auto cx = expected.counters(x);
    const auto cy = actual.counters(y);
    for (size_t c = 0; c < cx.size(); ++c) {
      if (cx[c].name != cy[c].name || !SameDouble(cx[c].value, cy[c].value)) {
        return fail("counter ", c, " of entry ", i, " '", x.name, "' differs");
      }
    }
  }
  if (expected.benchmarks().size() != actual.benchmarks().size()) {
    return fail("the benchmark index differs");
  }
  for (size_t i = 0; i < expected.benchmarks().size(); ++i) {
    const Benchmark& x = expected.benchmarks()[i];
    const Benchmark& y = actual.benchmarks()[i];
    if (x.run_name != y.run_name || x.threads != y.threads ||
        x.iterations != y.iterations || x.aggregates != y.aggregates ||
        actual.FindBenchmark(x.run_name) == nullptr) {
      return fail("benchmark ", i, " '", x.run_name, "' differs");
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace m8::analysis::testing
