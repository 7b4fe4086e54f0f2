// The parts of the load generator that run on several threads at once:
// executors sharing a ConcurrentGrid, and thread binding (labelled
// concurrent, so that the ThreadSanitizer build runs them).
#include <sched.h>

#include <set>
#include <thread>
#include <vector>

#include "bench/load/mix.h"
#include "bench/load/workload.h"
#include "bench/support/thread_binding.h"
#include "grid/concurrent_grid.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(LoadConcurrentTest, ExecutorsShareAConcurrentGrid) {
  const CellPopulation population(4096, 1024, 5);
  ConcurrentGrid grid;
  for (size_t i = 0; i < population.size(); ++i) {
    ASSERT_TRUE(grid.Put(population.present()[i], population.WaveOf(i)).ok());
  }
  constexpr int kThreads = 4;
  std::vector<OpStream> streams;
  for (int t = 0; t < kThreads; ++t) {
    // Half reads, half updates over the same cells (YCSB A, uniform).
    streams.push_back(*DrawOpStream(population, *YcsbMix('A'),
                                    KeyDistribution::kUniform, 20000, t));
  }
  std::vector<int> misses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      OpExecutor<ConcurrentGrid> executor(grid, t);
      for (const Op& op : streams[t].ops) {
        misses[t] += executor.Run(op) != OpOutcome::kHit;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(misses[t], 0);
  EXPECT_EQ(grid.size(), population.size());
  for (Coord c : population.present()) ASSERT_TRUE(grid.Contains(c));
}

cpu_set_t Affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  return set;
}

TEST(ThreadBindingTest, PlansWrapAroundThePus) {
  absl::StatusOr<int> pus = PuCount();
  ASSERT_TRUE(pus.ok()) << pus.status();
  ASSERT_GE(*pus, 1);
  for (BindingPolicy policy : kAllBindingPolicies) {
    absl::StatusOr<std::vector<int>> plan = PlanBinding(policy, 2 * *pus + 1);
    ASSERT_TRUE(plan.ok()) << plan.status();
    if (policy == BindingPolicy::kNone) {
      EXPECT_TRUE(plan->empty());
      continue;
    }
    ASSERT_EQ(plan->size(), size_t(2 * *pus + 1));
    // The first `pus` threads get distinct PUs; the rest wrap around.
    std::set<int> first(plan->begin(), plan->begin() + *pus);
    EXPECT_EQ(first.size(), size_t(*pus)) << BindingPolicyName(policy);
    for (int t = *pus; t < 2 * *pus + 1; ++t) {
      EXPECT_EQ((*plan)[t], (*plan)[t % *pus]);
    }
  }
  EXPECT_EQ(FormatPus({0, 1, 0}), "0,1,0");
  EXPECT_EQ(BindingPolicyName(BindingPolicy::kScatter), "scatter");
}

TEST(ThreadBindingTest, ThreadsBindAndRestore) {
  absl::StatusOr<int> pus = PuCount();
  ASSERT_TRUE(pus.ok());
  constexpr int kThreads = 4;
  const std::vector<int> plan = *PlanBinding(BindingPolicy::kCompact, kThreads);
  std::vector<std::thread> threads;
  std::vector<int> bound_ok(kThreads), restored(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const cpu_set_t before = Affinity();
      {
        ScopedThreadBinding binding(plan[t]);
        if (binding.status().ok()) {
          const cpu_set_t during = Affinity();
          bound_ok[t] = CPU_COUNT(&during) == 1 && CPU_ISSET(plan[t], &during);
        } else {
          bound_ok[t] = 1;  // Binding not allowed here: nothing to check.
        }
      }
      const cpu_set_t after = Affinity();
      restored[t] = CPU_EQUAL(&before, &after);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(bound_ok[t]) << "thread " << t;
    EXPECT_TRUE(restored[t]) << "thread " << t;
  }
}

}  // namespace
}  // namespace m8::bench
