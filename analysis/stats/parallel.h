// A minimal parallel loop for the embarrassingly parallel parts of analysis/
// (reading files, comparing benchmarks, fitting series).

#ifndef M8_ANALYSIS_STATS_PARALLEL_H_
#define M8_ANALYSIS_STATS_PARALLEL_H_

#include <cstddef>

#include "absl/functional/function_ref.h"

namespace m8::analysis {

// The number of worker threads to use for `requested` (0: one per core) and
// `items` pieces of work; at least 1.
int WorkerCount(int requested, size_t items);

// Calls body(i, worker) for every i in [0, n) on `workers` threads, where
// worker in [0, workers) identifies the calling thread (for per-thread
// scratch state). Items are handed out in small chunks in increasing order;
// returns when all are done. `body` must be safe to call concurrently for
// different i.
void ParallelFor(size_t n, int workers,
                 absl::FunctionRef<void(size_t i, int worker)> body);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_PARALLEL_H_
