#include "analysis/stats/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace m8::analysis {

int WorkerCount(int requested, size_t items) {
  int workers = requested > 0
                    ? requested
                    : static_cast<int>(std::thread::hardware_concurrency());
  workers = std::max(workers, 1);
  return static_cast<int>(
      std::min<size_t>(workers, std::max<size_t>(items, 1)));
}

void ParallelFor(size_t n, int workers,
                 absl::FunctionRef<void(size_t i, int worker)> body) {
  if (workers <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) body(i, 0);
    return;
  }
  // Chunks small enough to balance uneven items, large enough that the
  // shared counter is not contended.
  const size_t chunk =
      std::max<size_t>(1, n / (static_cast<size_t>(workers) * 16));
  std::atomic<size_t> next{0};
  auto run = [&](int worker) {
    for (;;) {
      const size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + chunk);
      for (size_t i = begin; i < end; ++i) body(i, worker);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (int w = 1; w < workers; ++w) threads.emplace_back(run, w);
  run(0);
  for (std::thread& t : threads) t.join();
}

}  // namespace m8::analysis
