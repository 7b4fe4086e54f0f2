// The query fixtures (query_fixtures.h) on m8::Grid, the default backend.
#include "bench/grid/default_backend.h"
#include "bench/grid/query_fixtures.h"
#include "grid/grid.h"

namespace m8::bench {
namespace {

struct Unit {};

}  // namespace

void RegisterDefaultQueryFixtures() { RegisterQueryFixtures<Grid, Unit>(); }

}  // namespace m8::bench
