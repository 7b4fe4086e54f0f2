// The cell fixtures (cell_fixtures.h) on m8::Grid, the default backend.
#include "bench/grid/cell_fixtures.h"
#include "bench/grid/default_backend.h"
#include "grid/grid.h"

namespace m8::bench {
namespace {

struct Unit {};

}  // namespace

void RegisterDefaultCellFixtures() { RegisterCellFixtures<Grid, Unit>(); }

}  // namespace m8::bench
