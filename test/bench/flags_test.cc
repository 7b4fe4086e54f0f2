#include "bench/support/flags.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// argv over copies of `args`, as main gets it.
struct Argv {
  explicit Argv(std::vector<std::string> args) : storage(std::move(args)) {
    for (std::string& s : storage) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    argc = static_cast<int>(storage.size());
  }
  std::vector<std::string> Remaining() const {
    return std::vector<std::string>(pointers.begin(), pointers.begin() + argc);
  }
  std::vector<std::string> storage;
  std::vector<char*> pointers;
  int argc;
};

TEST(ExtractM8FlagsTest, TakesOutOurFlagsAndKeepsTheRest) {
  Argv a({"m8bench", "--benchmark_filter=Grid", "--m8_config=c.json",
          "--m8_smoke", "--benchmark_repetitions=9", "--m8_temp_dir=/t",
          "--m8_latency=false"});
  absl::StatusOr<M8Flags> flags =
      ExtractM8Flags(&a.argc, a.pointers.data(), nullptr);
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->config_path, "c.json");
  EXPECT_TRUE(flags->smoke);
  EXPECT_FALSE(flags->latency);
  EXPECT_EQ(flags->temp_dir, "/t");
  EXPECT_EQ(a.Remaining(),
            (std::vector<std::string>{"m8bench", "--benchmark_filter=Grid",
                                      "--benchmark_repetitions=9"}));
  EXPECT_EQ(a.pointers[a.argc], nullptr);
}

TEST(ExtractM8FlagsTest, BackendAndSkipConformance) {
  Argv a({"m8bench", "--m8_backend=/x/libgrid.so", "--m8_skip_conformance",
          "--benchmark_filter=Grid"});
  absl::StatusOr<M8Flags> flags =
      ExtractM8Flags(&a.argc, a.pointers.data(), nullptr);
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->backend_path, "/x/libgrid.so");
  EXPECT_TRUE(flags->skip_conformance);
  EXPECT_EQ(a.Remaining(),
            (std::vector<std::string>{"m8bench", "--benchmark_filter=Grid"}));
  Argv b({"m8bench"});
  flags = ExtractM8Flags(&b.argc, b.pointers.data(), nullptr);
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->backend_path, "");
  EXPECT_FALSE(flags->skip_conformance);
}

TEST(ExtractM8FlagsTest, SmokeFromTheEnvironment) {
  Argv a({"m8bench"});
  EXPECT_TRUE(ExtractM8Flags(&a.argc, a.pointers.data(), "1")->smoke);
  Argv b({"m8bench"});
  EXPECT_FALSE(ExtractM8Flags(&b.argc, b.pointers.data(), "0")->smoke);
}

TEST(ExtractM8FlagsTest, UnknownOrEmptyFlagsAreErrors) {
  for (const char* bad : {"--m8_confg=x.json", "--m8_config=", "--m8_smoke=2",
                          "--m8_temp_dir=", "--m8_backend="}) {
    Argv a({"m8bench", bad});
    const absl::StatusOr<M8Flags> flags =
        ExtractM8Flags(&a.argc, a.pointers.data(), nullptr);
    EXPECT_EQ(flags.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(MakeSettingsTest, LoadsTheConfigAndPicksTheTempDir) {
  M8Flags flags;
  absl::StatusOr<BenchSettings> s = MakeSettings(flags, "/scratch");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->temp_dir, "/scratch");
  EXPECT_TRUE(s->config_path.empty());
  flags.config_path = "/nonexistent/c.json";
  s = MakeSettings(flags, nullptr);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace m8::bench
