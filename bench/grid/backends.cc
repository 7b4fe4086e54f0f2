// The backends the grid area offers (bench/support/backend_registry.h):
// m8::Grid, the default, and any library of the C interface loaded with
// --m8_backend (through CGrid). Both get every Grid/... fixture of
// backend_fixtures.h under the same names (default_backend.h).
#include "bench/grid/default_backend.h"
#include "bench/support/backend.h"
#include "bench/support/backend_registry.h"
#include "bench/support/c_backend.h"
#include "bench/support/conformance.h"
#include "bench/support/context.h"
#include "grid/grid.h"

namespace m8::bench {
namespace {

static_assert(GridBackend<Grid>);
static_assert(HasInterference<Grid> && HasAdvanceTime<Grid> &&
              HasResonance<Grid> && HasRegion<Grid> && HasLayerScan<Grid> &&
              HasSnapshot<Grid>);
static_assert(GridBackend<CGrid>);

void RegisterDefaultFixtures(const BackendInfo&) {
  RegisterDefaultCellFixtures();
  RegisterDefaultQueryFixtures();
  RegisterDefaultIoFixtures();
}

const bool kOffered =
    OfferDefaultBackend(
        BackendOffer{BackendInfo{"m8::Grid", PackageVersion(), "static", ""},
                     &RunConformance<Grid>, &RegisterDefaultFixtures,
                     &UnsupportedOperations<Grid>}) &&
    OfferCInterfaceBackend(BackendOffer{BackendInfo{}, &RunConformance<CGrid>,
                                        &RegisterCInterfaceFixtures,
                                        &UnsupportedOperations<CGrid>});

}  // namespace
}  // namespace m8::bench
