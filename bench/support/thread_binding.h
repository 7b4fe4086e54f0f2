// Binding benchmark threads to processing units (PUs) with hwloc.
//
// A thread sweep runs under a binding policy:
//   none     the scheduler places threads (no binding);
//   compact  thread t on the t-th PU in hwloc's logical order, which fills
//            a core's hardware threads, then the next core, package by
//            package ("fill cores in order");
//   scatter  threads spread as evenly as hwloc_distrib spreads them over
//            packages, NUMA nodes and cores, one PU each.
// With more threads than PUs the plan wraps around (thread t takes the PU
// of thread t mod PUs): the threads are oversubscribed.
//
// A ScopedThreadBinding binds the calling thread for its lifetime and then
// restores the thread's previous binding, because Google Benchmark runs
// thread 0 of every benchmark on the main thread.
//
// Thread-safety: thread-safe (the topology is loaded once and only read).
#ifndef M8_BENCH_SUPPORT_THREAD_BINDING_H_
#define M8_BENCH_SUPPORT_THREAD_BINDING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct hwloc_bitmap_s;  // hwloc.h's cpuset.

namespace m8::bench {

enum class BindingPolicy { kNone, kCompact, kScatter };

inline constexpr BindingPolicy kAllBindingPolicies[] = {
    BindingPolicy::kNone, BindingPolicy::kCompact, BindingPolicy::kScatter};

// "none", "compact", "scatter": the spelling in benchmark names.
absl::string_view BindingPolicyName(BindingPolicy policy);

// PUs of this machine as hwloc sees them (loaded once).
absl::StatusOr<int> PuCount();

// The OS indexes of the PUs that threads 0 .. threads-1 take under
// `policy`; empty for kNone. REQUIRES: threads >= 1.
absl::StatusOr<std::vector<int>> PlanBinding(BindingPolicy policy, int threads);

// "0,1,0,1": a plan as a label fragment.
std::string FormatPus(const std::vector<int>& pus);

class ScopedThreadBinding {
 public:
  // Binds the calling thread to PU `os_index`; a negative index binds
  // nothing. Check status(): a failed binding leaves the thread unbound.
  explicit ScopedThreadBinding(int os_index);
  // Restores the binding the thread had before.
  ~ScopedThreadBinding();

  ScopedThreadBinding(const ScopedThreadBinding&) = delete;
  ScopedThreadBinding& operator=(const ScopedThreadBinding&) = delete;

  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
  hwloc_bitmap_s* saved_ = nullptr;  // The previous binding, when bound.
};

// The OS index of the PU the calling thread ran on most recently, or -1.
int CurrentPu();

// Bindings asked for (a ScopedThreadBinding with a PU) and made, since the
// process started: a run records them, so that a result says whether threads
// that were meant to be bound ran unbound.
struct BindingCounts {
  int64_t requested = 0;
  int64_t bound = 0;
};
BindingCounts ThreadBindingCounts();

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_THREAD_BINDING_H_
