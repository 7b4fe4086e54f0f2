// Which backend the grid fixtures of a binary run on. At static
// initialisation a binary's areas offer backends: the grid area the default
// (m8::Grid) and the loader of C-interface libraries, a project of its own a
// C++ type through M8_GRID_BACKEND. The shared main then picks one
// (SelectBackend): the library of --m8_backend, else the one C++ backend a
// project registered, else the default; checks its conformance; and
// registers its fixtures under the same names whatever the backend.
//
// Thread-safety: offers happen during static initialisation, selection in
// main before the benchmarks run; nothing here is called concurrently.
#ifndef M8_BENCH_SUPPORT_BACKEND_REGISTRY_H_
#define M8_BENCH_SUPPORT_BACKEND_REGISTRY_H_

#include <string>

#include "absl/status/statusor.h"
#include "bench/support/backend.h"
#include "bench/support/conformance.h"
#include "bench/support/context.h"

namespace m8::bench {

// The optional operations a fresh B lacks: "none", or their names.
template <GridBackend B>
std::string UnsupportedOperations() {
  absl::StatusOr<B> probe = B::Create(GridOptions());
  std::string names;
  for (BackendOperation op : kOptionalOperations) {
    if (probe.ok() && Supports(*probe, op)) continue;
    if (!names.empty()) names += ", ";
    names += BackendOperationName(op);
  }
  return names.empty() ? "none" : names;
}

}  // namespace m8::bench

namespace m8::bench {

// A backend as an area offers it: what it is, how to check it and how to
// register its fixtures with Google Benchmark.
struct BackendOffer {
  BackendInfo info;
  ConformanceReport (*conformance)() = nullptr;
  void (*register_fixtures)(const BackendInfo& info) = nullptr;
  // The optional operations it lacks, for m8.unsupported ("none" or a
  // comma-separated list).
  std::string (*unsupported)() = nullptr;
};

// The default backend (the grid area offers m8::Grid).
bool OfferDefaultBackend(BackendOffer offer);
// The backend a project brings (M8_GRID_BACKEND); more than one is an
// error at selection.
bool OfferCustomBackend(BackendOffer offer);
// Fixtures and checks over a library loaded through the C interface (the
// grid area offers them for its C adapter). `info` is filled in from the
// library once it is loaded.
bool OfferCInterfaceBackend(BackendOffer offer);

struct BackendSelection {
  std::string library_path;       // --m8_backend, or ""
  bool skip_conformance = false;  // --m8_skip_conformance
};

// The backend chosen, checked and registered (see the top of this file);
// its context entries (m8.backend, m8.backend_version, m8.backend_dispatch,
// m8.conformance, m8.unsupported, and for a library m8.backend_path and
// m8.backend_abi), or none in a binary with no backend on
// offer and no --m8_backend. Errors (one line each): a library that cannot
// be loaded, --m8_backend in a binary without grid fixtures, two C++
// backends, a backend that fails a conformance check without
// skip_conformance.
absl::StatusOr<ContextEntries> SelectBackend(const BackendSelection& selection);

// The name of the backend SelectBackend chose ("m8::Grid" until then).
const std::string& SelectedBackendName();

}  // namespace m8::bench

// Registers the C++ type `Type` (a GridBackend, backend.h) as the backend
// of this binary, under `name` and `version` (strings): the grid fixtures
// then run on it. Use once, at namespace scope, in a file that includes
// "bench/grid/backend_fixtures.h".
#define M8_GRID_BACKEND(Type, name, version)                           \
  namespace {                                                          \
  struct M8GridBackendUnit {};                                         \
  }                                                                    \
  static const bool m8_grid_backend_registered_ =                      \
      ::m8::bench::OfferCustomBackend(::m8::bench::BackendOffer{       \
          ::m8::bench::BackendInfo{name, version, "static", ""},       \
          &::m8::bench::RunConformance<Type>,                          \
          &::m8::bench::RegisterGridFixtures<Type, M8GridBackendUnit>, \
          &::m8::bench::UnsupportedOperations<Type>})

#endif  // M8_BENCH_SUPPORT_BACKEND_REGISTRY_H_
