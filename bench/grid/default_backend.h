// The grid area's registrations of the Grid/... fixtures on its own
// backends, one file each, as the fixtures were written before they were
// made backend-generic (so that each file's timed loops are compiled as
// they were): m8::Grid's cell, query and snapshot fixtures, and all of them
// on a library of the C interface (CGrid).
//
// Thread-safety: call from main only (backend_registry.h).
#ifndef M8_BENCH_GRID_DEFAULT_BACKEND_H_
#define M8_BENCH_GRID_DEFAULT_BACKEND_H_

#include "bench/support/backend.h"

namespace m8::bench {

void RegisterDefaultCellFixtures();
void RegisterDefaultQueryFixtures();
void RegisterDefaultIoFixtures();
void RegisterCInterfaceFixtures(const BackendInfo& info);

}  // namespace m8::bench

#endif  // M8_BENCH_GRID_DEFAULT_BACKEND_H_
