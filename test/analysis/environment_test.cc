// Environment warnings and context differences on crafted contexts: each
// threshold at its limit (no warning) and just beyond it (a warning).

#include "analysis/judge/environment.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// An m8bench context with nothing to warn about.
Context CleanM8Context() {
  Context context;
  context.host_name = "vm";
  context.num_cpus = 2;
  context.library_build_type = "release";
  context.load_avg = {0.2, 0.2, 0.2};
  context.extra = {
      {"m8.build_type", "Release"},
      {"m8.grid.brick_edge", "4"},
      {"m8.env.benchmark_version", "1.7.1"},
      {"m8.env.cpu_model", "Example CPU"},
      {"m8.env.cpu_governor", "performance"},
      {"m8.env.cpu_scaling", "off"},
      {"m8.env.aslr", "off (randomize_va_space 0)"},
      {"m8.env.load_avg_start", "0.40 0.30 0.20"},
      {"m8.env.load_avg_end", "0.60 0.30 0.20"},
      {"m8.env.other_cpu_cores", "0.0500"},
      {"m8.env.thread_binding_requested", "8"},
      {"m8.env.thread_binding_bound", "8"},
  };
  return context;
}

void Set(Context* context, const std::string& key, const std::string& value) {
  for (auto& [k, v] : context->extra) {
    if (k == key) {
      v = value;
      return;
    }
  }
  context->extra.emplace_back(key, value);
}

std::vector<std::string> Checks(const Context& context) {
  std::vector<std::string> checks;
  for (const EnvironmentWarning& w : EnvironmentWarnings(context)) {
    checks.push_back(w.check);
  }
  return checks;
}

TEST(EnvironmentWarningsTest, CleanRunHasNone) {
  EXPECT_THAT(EnvironmentWarnings(CleanM8Context()), IsEmpty());
}

TEST(EnvironmentWarningsTest, DebugLibraryAndNonReleaseBuild) {
  Context context = CleanM8Context();
  context.library_build_type = "debug";
  Set(&context, "m8.build_type", "Debug");
  const std::vector<EnvironmentWarning> warnings = EnvironmentWarnings(context);
  ASSERT_THAT(warnings, SizeIs(2));
  EXPECT_EQ(warnings[0].message,
            "Google Benchmark library built as debug (library_build_type: "
            "debug)");
  EXPECT_EQ(warnings[1].message,
            "m8bench not built as Release (m8.build_type: Debug)");
  Set(&context, "m8.build_type", "Release+sanitize=address,undefined");
  EXPECT_THAT(Checks(context), ElementsAre("library_build_type", "build_type"));
}

TEST(EnvironmentWarningsTest, ScalingOnOrGovernorUnknown) {
  Context context = CleanM8Context();
  Set(&context, "m8.env.cpu_scaling", "on");
  Set(&context, "m8.env.cpu_governor", "powersave");
  ASSERT_THAT(EnvironmentWarnings(context), SizeIs(1));
  EXPECT_EQ(EnvironmentWarnings(context)[0].message,
            "CPU frequency scaling on (governor powersave)");
  Set(&context, "m8.env.cpu_scaling", "unknown");
  Set(&context, "m8.env.cpu_governor", "unknown");
  ASSERT_THAT(EnvironmentWarnings(context), SizeIs(1));
  EXPECT_THAT(EnvironmentWarnings(context)[0].message,
              HasSubstr("governor unknown"));
}

TEST(EnvironmentWarningsTest, LoadAtTheLimitPassesBeyondItWarns) {
  Context context = CleanM8Context();
  // 2 CPUs: 1.00 is exactly 0.5 per CPU.
  Set(&context, "m8.env.load_avg_start", "1.00 0.5 0.5");
  Set(&context, "m8.env.load_avg_end", "1.00 0.5 0.5");
  EXPECT_THAT(EnvironmentWarnings(context), IsEmpty());
  Set(&context, "m8.env.load_avg_start", "1.02 0.5 0.5");
  ASSERT_THAT(EnvironmentWarnings(context), SizeIs(1));
  EXPECT_EQ(EnvironmentWarnings(context)[0].message,
            "load average 0.51 per CPU at start (1.02 on 2 CPUs), above 0.5");
  Set(&context, "m8.env.load_avg_start", "0.1 0.5 0.5");
  Set(&context, "m8.env.load_avg_end", "3.00 0.5 0.5");
  ASSERT_THAT(EnvironmentWarnings(context), SizeIs(1));
  EXPECT_THAT(EnvironmentWarnings(context)[0].message,
              HasSubstr("1.50 per CPU at end"));
}

TEST(EnvironmentWarningsTest, OtherProcessesAtTheLimitPassBeyondWarn) {
  Context context = CleanM8Context();
  Set(&context, "m8.env.other_cpu_cores", "0.1000");
  EXPECT_THAT(EnvironmentWarnings(context), IsEmpty());
  Set(&context, "m8.env.other_cpu_cores", "0.1001");
  ASSERT_THAT(EnvironmentWarnings(context), SizeIs(1));
  EXPECT_EQ(EnvironmentWarnings(context)[0].message,
            "other processes used 0.10 of a core during the run, above 0.1");
  Set(&context, "m8.env.other_cpu_cores", "unknown");
  EXPECT_THAT(EnvironmentWarnings(context), IsEmpty());
}

TEST(EnvironmentWarningsTest, AslrOn) {
  Context context = CleanM8Context();
  Set(&context, "m8.env.aslr", "on (randomize_va_space 2)");
  ASSERT_THAT(Checks(context), ElementsAre("aslr"));
  EXPECT_THAT(EnvironmentWarnings(context)[0].message,
              HasSubstr("ASLR on (randomize_va_space 2)"));
}

TEST(EnvironmentWarningsTest, UnboundThreads) {
  Context context = CleanM8Context();
  Set(&context, "m8.env.thread_binding_bound", "7");
  ASSERT_THAT(Checks(context), ElementsAre("thread_binding"));
  EXPECT_EQ(EnvironmentWarnings(context)[0].message,
            "threads not bound: 1 of 8 bindings a fixture asked for failed");
  // No binding asked for: nothing to warn about.
  Set(&context, "m8.env.thread_binding_requested", "0");
  Set(&context, "m8.env.thread_binding_bound", "0");
  EXPECT_THAT(EnvironmentWarnings(context), IsEmpty());
}

TEST(EnvironmentWarningsTest, OtherProjectsFilesUseTheStandardContext) {
  Context context;
  context.num_cpus = 4;
  context.library_build_type = "release";
  context.load_avg = {2.0, 1, 1};  // 0.5 per CPU: at the limit
  context.cpu_scaling_enabled = false;
  EXPECT_THAT(EnvironmentWarnings(context), IsEmpty());
  context.load_avg = {2.04, 1, 1};
  context.cpu_scaling_enabled = true;
  context.library_build_type = "debug";
  context.aslr_enabled = true;
  EXPECT_THAT(Checks(context),
              ElementsAre("library_build_type", "cpu_scaling", "load", "aslr"));
  // Without a governor key, an unknown cpu_scaling_enabled says nothing.
  context.cpu_scaling_enabled.reset();
  EXPECT_THAT(Checks(context),
              ElementsAre("library_build_type", "load", "aslr"));
}

TEST(EnvironmentWarningsTest, LinesAreLabelledOrGroupedByCheck) {
  const std::vector<EnvironmentWarning> warnings = {
      {"load", "load average high"}, {"aslr", "ASLR on"}};
  EXPECT_THAT(LabelWarnings("a.json", warnings),
              ElementsAre("a.json: load average high", "a.json: ASLR on"));
  std::vector<LabelledWarnings> runs = {{"a.json", warnings},
                                        {"b.json", {{"aslr", "ASLR on"}}}};
  EXPECT_THAT(WarningLines(runs), SizeIs(3));
  runs.push_back({"c.json", {}});
  runs.push_back({"d.json", {{"aslr", "ASLR on"}}});
  EXPECT_THAT(WarningLines(runs, /*list_runs=*/3),
              ElementsAre("load: 1 of 4 runs, first a.json: load average high",
                          "aslr: 3 of 4 runs, first a.json: ASLR on"));
}

TEST(ContextDifferencesTest, SameRunsAgree) {
  const ContextFacts facts = ComparableFacts(CleanM8Context());
  EXPECT_THAT(facts,
              ElementsAre(std::make_pair("host", "vm"),
                          std::make_pair("CPU model", "Example CPU"),
                          std::make_pair("CPUs", "2"),
                          std::make_pair("build type", "Release"),
                          std::make_pair("library build type", "release"),
                          std::make_pair("library version", "1.7.1"),
                          std::make_pair("grid option brick_edge", "4")));
  const std::vector<LabelledFacts> runs = {{"a", facts}, {"b", facts}};
  EXPECT_THAT(ContextDifferences(runs), IsEmpty());
}

TEST(ContextDifferencesTest, EachDifferingFactIsOneLine) {
  Context other = CleanM8Context();
  other.host_name = "vm2";
  Set(&other, "m8.build_type", "Debug");
  Set(&other, "m8.grid.brick_edge", "8");
  other.library_version = "1.9.1";  // newer files say it themselves
  const std::vector<LabelledFacts> runs = {
      {"a.json", ComparableFacts(CleanM8Context())},
      {"b.json", ComparableFacts(other)}};
  EXPECT_THAT(
      ContextDifferences(runs),
      ElementsAre("runs differ in host: 'vm' (a.json), 'vm2' (b.json)",
                  "runs differ in build type: 'Release' (a.json), 'Debug' "
                  "(b.json)",
                  "runs differ in library version: '1.7.1' (a.json), "
                  "'1.9.1' (b.json)",
                  "runs differ in grid option brick_edge: '4' (a.json), '8' "
                  "(b.json)"));
}

TEST(ContextDifferencesTest, RunsOfTwoBackendsSayWhichIsWhich) {
  Context ours = CleanM8Context();
  Set(&ours, "m8.backend", "m8::Grid");
  Set(&ours, "m8.backend_version", "0.1.0");
  Context theirs = CleanM8Context();
  Set(&theirs, "m8.backend", "naive-c");
  Set(&theirs, "m8.backend_version", "1.0");
  const std::vector<LabelledFacts> runs = {
      {"ours.json", ComparableFacts(ours)},
      {"theirs.json", ComparableFacts(theirs)}};
  EXPECT_THAT(ContextDifferences(runs),
              ElementsAre("runs differ in backend: 'm8::Grid' (ours.json), "
                          "'naive-c' (theirs.json)",
                          "runs differ in backend version: '0.1.0' "
                          "(ours.json), '1.0' (theirs.json)"));
}

TEST(ContextDifferencesTest, AFactOnlySomeRunsRecordIsADifference) {
  Context plain;
  plain.host_name = "vm";
  std::vector<LabelledFacts> runs;
  for (const char* label : {"r1", "r2", "r3", "r4"}) {
    runs.push_back({label, ComparableFacts(CleanM8Context())});
  }
  runs.push_back({"plain", ComparableFacts(plain)});
  const std::vector<std::string> lines = ContextDifferences(runs);
  ASSERT_THAT(lines, SizeIs(6));  // all but host
  EXPECT_EQ(lines[0],
            "runs differ in CPU model: 'Example CPU' (r1, r2 and 2 more), "
            "(not recorded) (plain)");
}

}  // namespace
}  // namespace m8::analysis
