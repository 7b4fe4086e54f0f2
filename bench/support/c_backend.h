// Grid backends in any language, through the C interface of m8_backend.h:
// CBackendLibrary loads and validates a shared library, and CGrid is the
// GridBackend (backend.h) that forwards every operation to the library the
// process loaded (LoadCBackend), so that the grid fixtures and the
// conformance checks run on it unchanged.
//
// A library that cannot be used is refused with one line naming the file
// and the problem: missing, not a shared object, no m8_backend_entry,
// another interface version, a table too short, required operations
// missing, capability bits that disagree with the pointers, a name that is
// not text. A crash inside the library ends the process with one line
// naming the library and the function it crashed in.
//
// Thread-safety: LoadCBackend from main only, before any CGrid exists. A
// CGrid is thread-compatible, as the library's grid is (m8_backend.h).
#ifndef M8_BENCH_SUPPORT_C_BACKEND_H_
#define M8_BENCH_SUPPORT_C_BACKEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/support/backend.h"
#include "bench/support/m8_backend.h"
#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/wave.h"

namespace m8::bench {

class CBackendLibrary {
 public:
  // Opens `path` and validates its table; InvalidArgument naming the path
  // and the failed check. The library stays loaded for the process.
  static absl::StatusOr<std::unique_ptr<CBackendLibrary>> Load(
      const std::string& path);

  const m8_backend_v1& table() const { return *table_; }
  const std::string& path() const { return path_; }
  // "1.0": the interface version the library returned.
  std::string abi() const;
  BackendInfo info() const;
  bool Supports(BackendOperation op) const;

 private:
  CBackendLibrary(std::string path, void* handle, const m8_backend_v1* table)
      : path_(std::move(path)), handle_(handle), table_(table) {}

  std::string path_;
  void* handle_;
  const m8_backend_v1* table_;
};

// Loads the library every CGrid of this process uses, and from then on
// turns a crash inside it into a one-line error naming it (exit code 2).
absl::Status LoadCBackend(const std::string& path);
// The library LoadCBackend loaded, or null.
const CBackendLibrary* LoadedCBackend();

class CGrid {
 public:
  // A grid of the loaded library with `options`; FailedPrecondition when no
  // library is loaded, the library's own error when its create fails.
  static absl::StatusOr<CGrid> Create(const GridOptions& options);

  CGrid(CGrid&& other) noexcept
      : lib_(other.lib_), grid_(std::exchange(other.grid_, nullptr)) {}
  CGrid& operator=(CGrid&& other) noexcept {
    std::swap(lib_, other.lib_);
    std::swap(grid_, other.grid_);
    return *this;
  }
  CGrid(const CGrid&) = delete;
  CGrid& operator=(const CGrid&) = delete;
  ~CGrid();

  absl::StatusOr<StoreOutcome> Store(Coord c, const Wave& w);
  absl::Status Put(Coord c, const Wave& w);
  std::optional<Wave> Recall(Coord c) const {
    m8_wave out;
    if (lib_->recall(grid_, ToC(c), &out) != M8_OK) return std::nullopt;
    return FromC(out);
  }
  bool Reinforce(Coord c, float gain) {
    return lib_->reinforce(grid_, ToC(c), gain) == M8_OK;
  }
  bool Forget(Coord c) { return lib_->forget(grid_, ToC(c)) == M8_OK; }
  size_t size() const { return lib_->size(grid_); }

  // REQUIRES: Supports() says so for each of these.
  double Interference(Coord c) const;
  DecayStats AdvanceTime(absl::Duration dt);
  std::vector<ResonanceHit> Resonance(const ResonanceQuery& q) const;
  std::vector<std::pair<Coord, Wave>> Region(uint8_t cx, uint8_t cy,
                                             double radius, uint16_t z_min,
                                             uint16_t z_max) const;
  LayerSum LayerScan(uint16_t z) const;

  bool Supports(BackendOperation op) const;

 private:
  CGrid(const m8_backend_v1* lib, m8_grid* grid) : lib_(lib), grid_(grid) {}

  static m8_coord ToC(Coord c) { return m8_coord{c.x, c.y, c.z}; }
  static Wave FromC(const m8_wave& w);
  static m8_wave ToC(const Wave& w);
  absl::Status Error(int32_t code, const char* operation) const;

  const m8_backend_v1* lib_;
  m8_grid* grid_;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_C_BACKEND_H_
