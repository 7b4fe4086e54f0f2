// The grid backend interface: what a Mem|8 implementation offers so that the
// grid fixtures can measure it. The fixtures are templates over a type B
// that satisfies GridBackend<B>; m8::Grid satisfies it as it is, so the
// default backend's fixtures compile to the same code as fixtures written
// against m8::Grid (dispatch is at compile time, nothing is added).
//
// The core operations are required. Every other operation of grid/grid.h is
// optional, one concept each (HasInterference<B>, ...): a fixture of an
// operation the backend lacks is skipped with a message that names the
// operation, never run on something else. A backend whose support is known
// only at run time (a library loaded through the C interface) also provides
// `bool Supports(BackendOperation) const`.
//
// A backend type is registered with M8_GRID_BACKEND (backend_registry.h).
//
// Thread-safety: the fixtures call a const operation from several threads
// at once only on a backend shared read-only, and never mutate a backend
// from two threads; a backend must allow that (thread-compatible).
#ifndef M8_BENCH_SUPPORT_BACKEND_H_
#define M8_BENCH_SUPPORT_BACKEND_H_

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/grid_options.h"
#include "grid/wave.h"

namespace m8::bench {

// The required operations, with grid/grid.h's contracts:
//   B::Create(options)   a backend with these options, or InvalidArgument
//   Store(c, w)          through the Memory Blanket: what it did
//   Put(c, w)            raw insert or overwrite
//   Recall(c)            the wave at c, or nullopt; no side effects
//   Reinforce(c, gain)   false when the cell is empty
//   Forget(c)            false when the cell was empty
//   size()               cells held
template <typename B>
concept GridBackend = std::movable<B> &&
    requires(B& b, const B& cb, Coord c, const Wave& w, const GridOptions& o) {
  { B::Create(o) } -> std::same_as<absl::StatusOr<B>>;
  { b.Store(c, w) } -> std::same_as<absl::StatusOr<StoreOutcome>>;
  { b.Put(c, w) } -> std::same_as<absl::Status>;
  { cb.Recall(c) } -> std::same_as<std::optional<Wave>>;
  { b.Reinforce(c, 0.1f) } -> std::same_as<bool>;
  { b.Forget(c) } -> std::same_as<bool>;
  { cb.size() } -> std::convertible_to<size_t>;
};

// ---- Optional operations ---------------------------------------------------

template <typename B>
concept HasInterference = requires(const B& b, Coord c) {
  { b.Interference(c) } -> std::same_as<double>;
};

template <typename B>
concept HasAdvanceTime = requires(B& b, absl::Duration dt) {
  { b.AdvanceTime(dt) } -> std::same_as<DecayStats>;
};

template <typename B>
concept HasResonance = requires(const B& b, const ResonanceQuery& q) {
  { b.Resonance(q) } -> std::same_as<std::vector<ResonanceHit>>;
};

template <typename B>
concept HasRegion = requires(const B& b, uint8_t xy, double r, uint16_t z) {
  {
    b.Region(xy, xy, r, z, z)
    } -> std::same_as<std::vector<std::pair<Coord, Wave>>>;
};

template <typename B>
concept HasLayerScan = requires(const B& b, uint16_t z) {
  { b.LayerScan(z) } -> std::same_as<LayerSum>;
};

template <typename B>
concept HasSnapshot = requires(const B& b, const std::string& path) {
  { b.Save(path) } -> std::same_as<absl::Status>;
  { B::Load(path) } -> std::same_as<absl::StatusOr<B>>;
};

// The optional operations by name, for run-time support and messages.
enum class BackendOperation : uint8_t {
  kInterference,
  kAdvanceTime,
  kResonance,
  kRegion,
  kLayerScan,
  kSnapshot,
};
inline constexpr BackendOperation kOptionalOperations[] = {
    BackendOperation::kInterference, BackendOperation::kAdvanceTime,
    BackendOperation::kResonance,    BackendOperation::kRegion,
    BackendOperation::kLayerScan,    BackendOperation::kSnapshot,
};
const char* BackendOperationName(BackendOperation op);

template <typename B>
concept HasRuntimeSupport = requires(const B& b, BackendOperation op) {
  { b.Supports(op) } -> std::same_as<bool>;
};

// Whether B has `op` at compile time.
template <typename B>
constexpr bool DeclaresOperation(BackendOperation op) {
  switch (op) {
    case BackendOperation::kInterference:
      return HasInterference<B>;
    case BackendOperation::kAdvanceTime:
      return HasAdvanceTime<B>;
    case BackendOperation::kResonance:
      return HasResonance<B>;
    case BackendOperation::kRegion:
      return HasRegion<B>;
    case BackendOperation::kLayerScan:
      return HasLayerScan<B>;
    case BackendOperation::kSnapshot:
      return HasSnapshot<B>;
  }
  return false;
}

// Whether the backend `b` supports `op`: declared by its type and, for a
// backend that says so at run time, supported by this instance.
template <typename B>
bool Supports(const B& b, BackendOperation op) {
  if (!DeclaresOperation<B>(op)) return false;
  if constexpr (HasRuntimeSupport<B>) {
    return b.Supports(op);
  } else {
    return true;
  }
}

// The message a fixture of an unsupported operation is skipped with.
std::string UnsupportedMessage(const std::string& backend, BackendOperation op);

// What the results say about a backend (the m8.backend* context keys).
struct BackendInfo {
  std::string name;      // "m8::Grid", or the backend's own name
  std::string version;   // the backend's version
  std::string dispatch;  // "static" (a C++ type) or "c_abi" (a loaded library)
  std::string path;      // the library of a c_abi backend, else ""
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_BACKEND_H_
