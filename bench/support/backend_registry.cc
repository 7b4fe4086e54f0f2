#include "bench/support/backend_registry.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/support/c_backend.h"

namespace m8::bench {
namespace {

struct Offers {
  std::optional<BackendOffer> default_backend;
  std::optional<BackendOffer> c_interface;
  std::vector<BackendOffer> custom;
};

Offers& GlobalOffers() {
  static Offers* offers = new Offers();
  return *offers;
}

std::string& SelectedName() {
  static std::string* name = new std::string("m8::Grid");
  return *name;
}

}  // namespace

bool OfferDefaultBackend(BackendOffer offer) {
  GlobalOffers().default_backend = std::move(offer);
  return true;
}

bool OfferCustomBackend(BackendOffer offer) {
  GlobalOffers().custom.push_back(std::move(offer));
  return true;
}

bool OfferCInterfaceBackend(BackendOffer offer) {
  GlobalOffers().c_interface = std::move(offer);
  return true;
}

const std::string& SelectedBackendName() { return SelectedName(); }

absl::StatusOr<ContextEntries> SelectBackend(
    const BackendSelection& selection) {
  const Offers& offers = GlobalOffers();
  BackendOffer chosen;
  if (!selection.library_path.empty()) {
    if (!offers.c_interface) {
      return absl::InvalidArgumentError(
          absl::StrCat("--m8_backend=", selection.library_path,
                       ": this binary has no grid fixtures to run on a "
                       "backend (m8bench_grid and m8bench have)"));
    }
    if (absl::Status s = LoadCBackend(selection.library_path); !s.ok()) {
      return s;
    }
    chosen = *offers.c_interface;
    chosen.info = LoadedCBackend()->info();
  } else if (offers.custom.size() > 1) {
    std::vector<std::string> names;
    for (const BackendOffer& o : offers.custom) names.push_back(o.info.name);
    return absl::InvalidArgumentError(
        absl::StrCat("more than one backend registered with M8_GRID_BACKEND (",
                     absl::StrJoin(names, ", "), "): one binary measures one"));
  } else if (offers.custom.size() == 1) {
    chosen = offers.custom.front();
  } else if (offers.default_backend) {
    chosen = *offers.default_backend;
  } else {
    return ContextEntries{};
  }
  // A library that hangs in a check is stopped with one line naming it.
  const ConformanceReport report =
      chosen.info.dispatch == "c_abi"
          ? RunWithTimeLimit(chosen.conformance,
                             absl::StrCat("--m8_backend=", chosen.info.path))
          : chosen.conformance();
  std::string conformance = report.Summary();
  if (const CheckResult* failed = report.first_failure(); failed != nullptr) {
    if (!selection.skip_conformance) {
      return absl::FailedPreconditionError(absl::StrCat(
          "backend '", chosen.info.name, "' fails conformance check ",
          failed->name, ": ", failed->detail,
          " (m8bench_conformance lists every check; --m8_skip_conformance "
          "measures it anyway)"));
    }
    conformance =
        absl::StrCat("skipped by --m8_skip_conformance; ", conformance);
  }
  SelectedName() = chosen.info.name;
  chosen.register_fixtures(chosen.info);
  ContextEntries entries = {
      {"m8.backend", chosen.info.name},
      {"m8.backend_version", chosen.info.version},
      {"m8.backend_dispatch", chosen.info.dispatch},
      {"m8.conformance", conformance},
  };
  if (!chosen.info.path.empty()) {
    entries.emplace_back("m8.backend_path", chosen.info.path);
    entries.emplace_back("m8.backend_abi", LoadedCBackend()->abi());
  }
  entries.emplace_back("m8.unsupported", chosen.unsupported());
  return entries;
}

}  // namespace m8::bench
