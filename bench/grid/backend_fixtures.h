// Every Grid/... fixture of the grid area, on backend B: the cell
// operations, the queries and sweeps, and the snapshots. The names are the
// same whatever B, so that results of two backends compare operation by
// operation. Included by a file that registers a backend of its own with
// M8_GRID_BACKEND (bench/support/backend_registry.h).
#ifndef M8_BENCH_GRID_BACKEND_FIXTURES_H_
#define M8_BENCH_GRID_BACKEND_FIXTURES_H_

#include "bench/grid/cell_fixtures.h"
#include "bench/grid/io_fixtures.h"
#include "bench/grid/query_fixtures.h"
#include "bench/support/backend.h"
#include "bench/support/backend_registry.h"

namespace m8::bench {

template <GridBackend B>
void RegisterGridFixtures(const BackendInfo&) {
  RegisterCellFixtures<B>();
  RegisterQueryFixtures<B>();
  RegisterIoFixtures<B>();
}

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_BACKEND_FIXTURES_H_
