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

// Registers every Grid/... fixture on backend B. `Unit` is a type declared
// in the unnamed namespace of the file that calls this: the fixtures then
// have internal linkage there, and the compiler inlines their timed loops
// as it does for fixtures written in that file (with external linkage it
// keeps a timed loop out of line, which costs a few ns an operation).
template <GridBackend B, typename Unit>
void RegisterGridFixtures(const BackendInfo&) {
  RegisterCellFixtures<B, Unit>();
  RegisterQueryFixtures<B, Unit>();
  RegisterIoFixtures<B, Unit>();
}

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_BACKEND_FIXTURES_H_
