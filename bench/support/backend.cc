#include "bench/support/backend.h"

#include "absl/strings/str_cat.h"

namespace m8::bench {

const char* BackendOperationName(BackendOperation op) {
  switch (op) {
    case BackendOperation::kInterference:
      return "Interference";
    case BackendOperation::kAdvanceTime:
      return "AdvanceTime";
    case BackendOperation::kResonance:
      return "Resonance";
    case BackendOperation::kRegion:
      return "Region";
    case BackendOperation::kLayerScan:
      return "LayerScan";
    case BackendOperation::kSnapshot:
      return "Save/Load";
  }
  return "?";
}

std::string UnsupportedMessage(const std::string& backend,
                               BackendOperation op) {
  return absl::StrCat("not supported: backend '", backend, "' has no ",
                      BackendOperationName(op));
}

}  // namespace m8::bench
