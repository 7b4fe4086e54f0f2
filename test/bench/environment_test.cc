// The environment readers on fake /proc and /sys contents, and the context
// keys they produce.

#include "bench/support/environment.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(EnvironmentParseTest, LoadAverage) {
  EXPECT_EQ(*ParseLoadAverage("0.52 0.58 0.59 1/234 5678\n"), "0.52 0.58 0.59");
  EXPECT_FALSE(ParseLoadAverage("0.52 0.58").ok());
  EXPECT_FALSE(ParseLoadAverage("high 0.58 0.59 1/2 3").ok());
}

TEST(EnvironmentParseTest, BusyTicksLeaveOutIdleAndIowait) {
  // user nice system idle iowait irq softirq steal guest guest_nice
  const std::string stat =
      "cpu  100 2 30 5000 40 5 6 7 8 0\n"
      "cpu0 50 1 15 2500 20 2 3 3 4 0\n"
      "intr 12345\n";
  EXPECT_EQ(*ParseBusyTicks(stat), 100u + 2 + 30 + 5 + 6 + 7);
  EXPECT_FALSE(ParseBusyTicks("cpu0 1 2 3 4 5 6 7 8\n").ok());
  EXPECT_FALSE(ParseBusyTicks("cpu 1 2 3\n").ok());
}

TEST(EnvironmentParseTest, ProcessTicksAfterACommandWithSpaces) {
  // Fields 14-17 are utime stime cutime cstime.
  const std::string stat =
      "4242 (m8 (bench) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 "
      "250 40 3 2 20 0 3 0 12345 1000000 500 18446744073709551615\n";
  EXPECT_EQ(*ParseProcessTicks(stat), 250u + 40 + 3 + 2);
  EXPECT_FALSE(ParseProcessTicks("4242 m8bench R 1").ok());
  EXPECT_FALSE(ParseProcessTicks("4242 (m8bench) R 1 2 3").ok());
}

TEST(EnvironmentParseTest, Aslr) {
  EXPECT_EQ(*DescribeAslr("2\n", false), "on (randomize_va_space 2)");
  EXPECT_EQ(*DescribeAslr("1", false), "on (randomize_va_space 1)");
  EXPECT_EQ(*DescribeAslr("0\n", false), "off (randomize_va_space 0)");
  EXPECT_EQ(*DescribeAslr("2\n", true),
            "off (this process: ADDR_NO_RANDOMIZE)");
  EXPECT_FALSE(DescribeAslr("3", false).ok());
  EXPECT_FALSE(DescribeAslr("", false).ok());
}

TEST(EnvironmentParseTest, CpuModel) {
  EXPECT_EQ(ParseCpuModel("processor\t: 0\nvendor_id\t: GenuineIntel\n"
                          "model name\t: Intel(R) Xeon(R) CPU @ 2.10GHz\n"
                          "processor\t: 1\nmodel name\t: Other\n"),
            "Intel(R) Xeon(R) CPU @ 2.10GHz");
  EXPECT_EQ(ParseCpuModel("processor : 0\n"), "unknown");
}

TEST(EnvironmentParseTest, Governors) {
  EXPECT_EQ(SummarizeGovernors({}).governors, "unknown");
  EXPECT_EQ(SummarizeGovernors({}).scaling, "unknown");
  EXPECT_EQ(SummarizeGovernors({"performance\n", "performance\n"}).scaling,
            "off");
  const GovernorSummary mixed =
      SummarizeGovernors({"powersave\n", "performance\n", "powersave\n"});
  EXPECT_EQ(mixed.governors, "performance,powersave");
  EXPECT_EQ(mixed.scaling, "on");
  EXPECT_EQ(SummarizeGovernors({"schedutil"}).scaling, "on");
}

class FakeTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(root_);
    paths_.proc = (root_ / "proc").string();
    paths_.sys = (root_ / "sys").string();
    Write("proc/loadavg", "1.50 1.00 0.50 2/100 999\n");
    Write("proc/stat", "cpu  1000 0 200 9000 0 0 0 0 0 0\n");
    Write("proc/self/stat", "7 (m8bench) R 1 1 1 0 -1 0 0 0 0 0 300 100 0 0\n");
    Write("proc/sys/kernel/randomize_va_space", "2\n");
    Write("proc/cpuinfo", "model name\t: Fake CPU\n");
  }
  void Write(const std::string& relative, const std::string& text) {
    const std::filesystem::path path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  std::filesystem::path root_;
  EnvironmentPaths paths_;
};

TEST_F(FakeTreeTest, GovernorsOfEveryCpuDirectoryOnly) {
  EXPECT_THAT(ReadGovernors(paths_), IsEmpty());  // no sysfs: unknown
  Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "powersave\n");
  Write("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave\n");
  Write("sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "x\n");
  Write("sys/devices/system/cpu/cpuidle/scaling_governor", "x\n");
  EXPECT_THAT(ReadGovernors(paths_), ElementsAre("powersave\n", "powersave\n"));
}

TEST_F(FakeTreeTest, StartAndEndKeys) {
  const EnvironmentSnapshot start = TakeSnapshot(paths_);
  EXPECT_EQ(start.load_average, "1.50 1.00 0.50");
  EXPECT_EQ(start.busy_ticks, 1200u);
  EXPECT_EQ(start.self_ticks, 400u);
  const ContextEntries begin = StartEnvironmentContext(paths_, start);
  EXPECT_THAT(begin, Contains(Pair("m8.env.cpu_model", "Fake CPU")));
  EXPECT_THAT(begin, Contains(Pair("m8.env.cpu_governor", "unknown")));
  EXPECT_THAT(begin, Contains(Pair("m8.env.cpu_scaling", "unknown")));
  EXPECT_THAT(begin,
              Contains(Pair("m8.env.aslr", "on (randomize_va_space 2)")));
  EXPECT_THAT(begin, Contains(Pair("m8.env.load_avg_start", "1.50 1.00 0.50")));

  // 10 s later: all processes 800 more busy ticks, this one 600 of them.
  Write("proc/loadavg", "0.25 0.75 0.50 1/100 999\n");
  Write("proc/stat", "cpu  1700 0 300 9900 0 0 0 0 0 0\n");
  Write("proc/self/stat", "7 (m8bench) R 1 1 1 0 -1 0 0 0 0 0 800 200 0 0\n");
  EnvironmentSnapshot end = TakeSnapshot(paths_);
  end.wall_seconds = start.wall_seconds + 10;
  EXPECT_THAT(
      EndEnvironmentContext(start, end, {.requested = 4, .bound = 3}, 100),
      ElementsAre(Pair("m8.env.load_avg_end", "0.25 0.75 0.50"),
                  Pair("m8.env.run_seconds", "10.000"),
                  Pair("m8.env.other_cpu_seconds", "2.000"),
                  Pair("m8.env.other_cpu_cores", "0.2000"),
                  Pair("m8.env.thread_binding_requested", "4"),
                  Pair("m8.env.thread_binding_bound", "3")));
}

TEST_F(FakeTreeTest, UnreadableFilesSayUnknown) {
  std::filesystem::remove(root_ / "proc/stat");
  std::filesystem::remove(root_ / "proc/loadavg");
  std::filesystem::remove(root_ / "proc/sys/kernel/randomize_va_space");
  const EnvironmentSnapshot start = TakeSnapshot(paths_);
  EXPECT_FALSE(start.busy_ticks.has_value());
  EXPECT_THAT(StartEnvironmentContext(paths_, start),
              Contains(Pair("m8.env.aslr", "unknown")));
  const ContextEntries end = EndEnvironmentContext(start, start, {}, 100);
  EXPECT_THAT(end, Contains(Pair("m8.env.other_cpu_cores", "unknown")));
  EXPECT_THAT(end, Contains(Pair("m8.env.load_avg_end", "unknown")));
}

TEST(EnvironmentTest, ThisMachineHasTheKernelFiles) {
  const EnvironmentSnapshot snapshot = TakeSnapshot({});
  EXPECT_TRUE(snapshot.load_average.has_value());
  EXPECT_TRUE(snapshot.busy_ticks.has_value());
  EXPECT_TRUE(snapshot.self_ticks.has_value());
}

TEST(EnvironmentTest, BindingsAskedForAndMadeAreCounted) {
  const BindingCounts before = ThreadBindingCounts();
  { ScopedThreadBinding none(-1); }
  EXPECT_EQ(ThreadBindingCounts().requested, before.requested);
  bool bound;
  {
    ScopedThreadBinding binding(0);
    bound = binding.status().ok();
  }
  const BindingCounts after = ThreadBindingCounts();
  EXPECT_EQ(after.requested, before.requested + 1);
  EXPECT_EQ(after.bound, before.bound + (bound ? 1 : 0));
}

}  // namespace
}  // namespace m8::bench
