// Helpers for writing m8 fixtures on Google Benchmark 1.7.1.
//
// NamedFixture gives a fixture its registered name ("Grid/Recall/uniform"),
// so that variants of one fixture class register under stable names of
// the form Area/Operation/variant, followed by arg:value pairs (ArgNames).
//
// SharedInputs holds what every thread of a run shares (a filled grid, key
// arrays): Google Benchmark calls SetUp and TearDown once per thread and per
// trial run, on one fixture object, so the first thread's SetUp builds (or
// fetches from the ResourceCache) and the last holder's TearDown releases.
// TearDown runs even after a failed SetUp; only threads whose SetUp
// succeeded hold the inputs, so only they release them.
//
// Thread-safety: SharedInputs is thread-safe; the value it holds is shared
// read-only unless the fixture says otherwise. (The support layer locks with
// std::mutex rather than absl::Mutex: Debian's Abseil is not built for
// ThreadSanitizer, which then cannot see absl::Mutex's ordering.)
#ifndef M8_BENCH_SUPPORT_FIXTURE_H_
#define M8_BENCH_SUPPORT_FIXTURE_H_

#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/support/latency.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

class NamedFixture : public benchmark::Fixture {
 public:
  explicit NamedFixture(const std::string& name) { SetName(name.c_str()); }
};

// Registers a new F(args...) with Google Benchmark; returns it for ->Arg...
template <typename F, typename... Args>
benchmark::internal::Benchmark* RegisterFixture(Args&&... args) {
  return benchmark::internal::RegisterBenchmarkInternal(
      new F(std::forward<Args>(args)...));
}

template <typename T>
class SharedInputs {
 public:
  // Called from every thread's SetUp: the first caller of a run builds the
  // value, the others wait for it and share it. A failed build returns its
  // error to that caller only, which then holds nothing; the next caller
  // builds again.
  absl::Status Acquire(int thread_index,
                       absl::FunctionRef<absl::StatusOr<T>()> build) {
    std::lock_guard<std::mutex> lock(mu_);
    if (holders_.empty()) {
      absl::StatusOr<T> built = build();
      if (!built.ok()) return built.status();
      value_.emplace(*std::move(built));
    }
    holders_.insert(thread_index);
    return absl::OkStatus();
  }
  // Called from every thread's TearDown, whether or not its Acquire
  // succeeded: only a thread that holds the value lets go of it, and the
  // last holder destroys it. A thread whose SetUp failed therefore never
  // frees the value other threads are still using.
  void Release(int thread_index) {
    std::lock_guard<std::mutex> lock(mu_);
    if (holders_.erase(thread_index) == 1 && holders_.empty()) value_.reset();
  }

  // REQUIRES: between this thread's successful Acquire and its Release.
  T& get() ABSL_NO_THREAD_SAFETY_ANALYSIS { return *value_; }

 private:
  std::mutex mu_;
  // The threads (by Google Benchmark's thread index) holding the value.
  absl::flat_hash_set<int> holders_ ABSL_GUARDED_BY(mu_);
  std::optional<T> value_ ABSL_GUARDED_BY(mu_);
};

// SetUp's error path: records `status` on the state (the loop then runs no
// iteration). Returns whether it was OK.
inline bool OkOrSkip(benchmark::State& state, const absl::Status& status) {
  if (status.ok()) return true;
  state.SkipWithError(std::string(status.message()).c_str());
  return false;
}

// For BenchmarkCase: when SetUp failed, runs the (empty) loop so that the
// threads' start/stop barriers still meet, and returns true.
inline bool SkippedInSetUp(benchmark::State& state) {
  if (!state.error_occurred()) return false;
  for (auto _ : state) {
  }
  return true;
}

// Measure's error path: skips the run with `status` (not OK) and runs the
// (empty) loop so that the threads' start/stop barriers still meet.
inline void SkipRun(benchmark::State& state, const absl::Status& status) {
  state.SkipWithError(std::string(status.message()).c_str());
  SkippedInSetUp(state);
}

// A fixture whose threads share one Inputs value per run: SetUp acquires it
// through Build (first thread) and TearDown releases it; Measure runs the
// benchmark with it. A failed Build skips the benchmark with its error.
template <typename Inputs>
class InputsFixture : public NamedFixture {
 public:
  using NamedFixture::NamedFixture;

 protected:
  // Builds (or fetches from the ResourceCache) what every thread needs.
  virtual absl::StatusOr<Inputs> Build(const benchmark::State& state) = 0;
  // The benchmark itself, on every thread.
  virtual void Measure(benchmark::State& state, Inputs& inputs) = 0;

  // Merges the threads' latency histograms.
  SharedLatency& latency() { return latency_; }

 private:
  void SetUp(benchmark::State& state) final {
    OkOrSkip(state, inputs_.Acquire(state.thread_index(),
                                    [&] { return Build(state); }));
  }
  void TearDown(benchmark::State& state) final {
    inputs_.Release(state.thread_index());
  }
  void BenchmarkCase(benchmark::State& state) final {
    if (SkippedInSetUp(state)) return;
    Measure(state, inputs_.get());
  }

  SharedInputs<Inputs> inputs_;
  SharedLatency latency_;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_FIXTURE_H_
