// InputsFixture run by Google Benchmark itself, with two threads whose
// SetUps race: one thread's build fails, the other's succeeds. The inputs
// must stay alive until the thread that holds them is done with them.
#include "bench/support/fixture.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// What the fixture saw, for the test to check.
struct Probe {
  std::atomic<int> builds{0};
  std::atomic<int> measuring{0};  // Threads inside Measure.
  std::atomic<int> destroyed{0};
  std::atomic<int> destroyed_while_measured{0};
};
Probe probe;

// The shared inputs; the live one (holding a token) records its end.
struct TrackedInputs {
  std::unique_ptr<int> token;
  explicit TrackedInputs(std::unique_ptr<int> t) : token(std::move(t)) {}
  TrackedInputs(TrackedInputs&&) = default;
  ~TrackedInputs() {
    if (token == nullptr) return;  // Moved from.
    ++probe.destroyed;
    if (probe.measuring.load() > 0) ++probe.destroyed_while_measured;
  }
};

class FirstBuildFails : public InputsFixture<TrackedInputs> {
 public:
  FirstBuildFails() : InputsFixture("Test/FirstBuildFails") {}

 protected:
  absl::StatusOr<TrackedInputs> Build(const benchmark::State&) override {
    if (probe.builds++ == 0) return absl::UnavailableError("build failed");
    return TrackedInputs(std::make_unique<int>(1));
  }
  void Measure(benchmark::State& state, TrackedInputs&) override {
    ++probe.measuring;
    for (auto _ : state) {
    }
    // Still using the inputs: the other thread, whose SetUp failed, runs
    // its TearDown meanwhile. Were it to release the inputs, they would be
    // destroyed now; give it ample time to do so.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (probe.destroyed.load() == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    --probe.measuring;
  }
};

const auto* const registered =
    RegisterFixture<FirstBuildFails>() -> Threads(2) -> Iterations(1);

class RunsReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      errors.push_back(run.error_occurred ? run.error_message : "");
    }
  }
  std::vector<std::string> errors;
};

TEST(InputsFixtureTest, AFailedSetUpReleasesNothing) {
  RunsReporter reporter;
  std::ostringstream sink;
  reporter.SetOutputStream(&sink);
  reporter.SetErrorStream(&sink);
  ASSERT_EQ(
      benchmark::RunSpecifiedBenchmarks(&reporter, "^Test/FirstBuildFails/"),
      1u);
  // The failed build shows in the run.
  ASSERT_EQ(reporter.errors.size(), 1u);
  EXPECT_EQ(reporter.errors[0], "build failed");
  EXPECT_EQ(probe.builds.load(), 2);
  // Destroyed exactly once, by the thread that held the inputs, after it
  // had finished with them.
  EXPECT_EQ(probe.destroyed.load(), 1);
  EXPECT_EQ(probe.destroyed_while_measured.load(), 0);
}

}  // namespace
}  // namespace m8::bench
