#include "bench/support/thread_binding.h"

#include <hwloc.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace m8::bench {
namespace {

struct BitmapDeleter {
  void operator()(hwloc_bitmap_s* b) const { hwloc_bitmap_free(b); }
};
using Bitmap = std::unique_ptr<hwloc_bitmap_s, BitmapDeleter>;

// The topology, loaded once per process and never modified after, which
// hwloc allows to be read from any thread.
class Topology {
 public:
  static absl::StatusOr<const Topology*> Get() {
    static const Topology* const topology = new Topology();
    if (!topology->status_.ok()) return topology->status_;
    return topology;
  }

  hwloc_topology_t get() const { return topology_; }
  int pu_count() const {
    return hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_PU);
  }
  // The OS index of the PU with logical index `i`.
  int PuOsIndex(int i) const {
    return static_cast<int>(
        hwloc_get_obj_by_type(topology_, HWLOC_OBJ_PU, i)->os_index);
  }

 private:
  Topology() {
    if (hwloc_topology_init(&topology_) != 0) {
      status_ = absl::UnavailableError("hwloc_topology_init failed");
      return;
    }
    if (hwloc_topology_load(topology_) != 0) {
      status_ = absl::UnavailableError("hwloc_topology_load failed");
      return;
    }
    if (pu_count() < 1) status_ = absl::UnavailableError("hwloc found no PU");
  }

  hwloc_topology_t topology_ = nullptr;
  absl::Status status_;
};

absl::Status ErrnoStatus(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

std::atomic<int64_t> bindings_requested{0};
std::atomic<int64_t> bindings_made{0};

// hwloc_distrib's spread of `n` single-PU sets over the whole machine.
std::vector<int> Scatter(const Topology& topology, int n) {
  std::vector<hwloc_bitmap_t> sets(n);
  hwloc_obj_t root = hwloc_get_root_obj(topology.get());
  hwloc_distrib(topology.get(), &root, 1, sets.data(), n, INT_MAX, 0);
  std::vector<int> pus;
  pus.reserve(n);
  for (hwloc_bitmap_t set : sets) {
    hwloc_bitmap_singlify(set);
    pus.push_back(hwloc_bitmap_first(set));
    hwloc_bitmap_free(set);
  }
  return pus;
}

}  // namespace

absl::string_view BindingPolicyName(BindingPolicy policy) {
  switch (policy) {
    case BindingPolicy::kNone:
      return "none";
    case BindingPolicy::kCompact:
      return "compact";
    case BindingPolicy::kScatter:
      return "scatter";
  }
  return "unknown";
}

absl::StatusOr<int> PuCount() {
  absl::StatusOr<const Topology*> topology = Topology::Get();
  if (!topology.ok()) return topology.status();
  return (*topology)->pu_count();
}

absl::StatusOr<std::vector<int>> PlanBinding(BindingPolicy policy,
                                             int threads) {
  if (policy == BindingPolicy::kNone) return std::vector<int>();
  absl::StatusOr<const Topology*> topology = Topology::Get();
  if (!topology.ok()) return topology.status();
  const int pus = (*topology)->pu_count();
  const int distinct = std::min(threads, pus);
  std::vector<int> plan;
  if (policy == BindingPolicy::kCompact) {
    for (int i = 0; i < distinct; ++i)
      plan.push_back((*topology)->PuOsIndex(i));
  } else {
    plan = Scatter(**topology, distinct);
  }
  for (int t = distinct; t < threads; ++t) plan.push_back(plan[t % distinct]);
  return plan;
}

std::string FormatPus(const std::vector<int>& pus) {
  return absl::StrJoin(pus, ",");
}

ScopedThreadBinding::ScopedThreadBinding(int os_index) {
  if (os_index < 0) return;
  bindings_requested.fetch_add(1, std::memory_order_relaxed);
  absl::StatusOr<const Topology*> topology = Topology::Get();
  if (!topology.ok()) {
    status_ = topology.status();
    return;
  }
  hwloc_topology_t t = (*topology)->get();
  Bitmap saved(hwloc_bitmap_alloc());
  if (hwloc_get_cpubind(t, saved.get(), HWLOC_CPUBIND_THREAD) != 0) {
    status_ = ErrnoStatus("hwloc_get_cpubind");
    return;
  }
  Bitmap target(hwloc_bitmap_alloc());
  hwloc_bitmap_only(target.get(), static_cast<unsigned>(os_index));
  if (hwloc_set_cpubind(t, target.get(), HWLOC_CPUBIND_THREAD) != 0) {
    status_ = ErrnoStatus(absl::StrCat("binding to PU ", os_index));
    return;
  }
  saved_ = saved.release();
  bindings_made.fetch_add(1, std::memory_order_relaxed);
}

ScopedThreadBinding::~ScopedThreadBinding() {
  if (saved_ == nullptr) return;
  absl::StatusOr<const Topology*> topology = Topology::Get();
  if (topology.ok()) {
    hwloc_set_cpubind((*topology)->get(), saved_, HWLOC_CPUBIND_THREAD);
  }
  hwloc_bitmap_free(saved_);
}

BindingCounts ThreadBindingCounts() {
  return {bindings_requested.load(std::memory_order_relaxed),
          bindings_made.load(std::memory_order_relaxed)};
}

int CurrentPu() {
  absl::StatusOr<const Topology*> topology = Topology::Get();
  if (!topology.ok()) return -1;
  Bitmap set(hwloc_bitmap_alloc());
  if (hwloc_get_last_cpu_location((*topology)->get(), set.get(),
                                  HWLOC_CPUBIND_THREAD) != 0) {
    return -1;
  }
  return hwloc_bitmap_first(set.get());
}

}  // namespace m8::bench
