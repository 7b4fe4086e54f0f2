// Every Grid/... fixture on a library of the C interface (CGrid), for
// --m8_backend.
#include "bench/grid/backend_fixtures.h"
#include "bench/grid/default_backend.h"
#include "bench/support/c_backend.h"

namespace m8::bench {
namespace {

struct Unit {};

}  // namespace

void RegisterCInterfaceFixtures(const BackendInfo& info) {
  RegisterGridFixtures<CGrid, Unit>(info);
}

}  // namespace m8::bench
