// Coord: a point of the Mem|8 address space, 256 x 256 x 65536.
//
// x and y span the "visual" plane, z is temporal depth (one layer per time
// slice). A coordinate packs exactly into a 32-bit key, z << 16 | y << 8 | x,
// so keys of one layer are contiguous and x-neighbours differ by one.
//
// Thread-safety: a plain value type.
#ifndef M8_GRID_COORD_H_
#define M8_GRID_COORD_H_

#include <cstdint>
#include <utility>

namespace m8 {

struct Coord {
  uint8_t x = 0;
  uint8_t y = 0;
  uint16_t z = 0;

  uint32_t key() const {
    return static_cast<uint32_t>(z) << 16 | static_cast<uint32_t>(y) << 8 | x;
  }
  static Coord FromKey(uint32_t key) {
    return Coord{static_cast<uint8_t>(key), static_cast<uint8_t>(key >> 8),
                 static_cast<uint16_t>(key >> 16)};
  }

  friend bool operator==(const Coord& a, const Coord& b) {
    return a.key() == b.key();
  }
  friend bool operator!=(const Coord& a, const Coord& b) { return !(a == b); }

  template <typename H>
  friend H AbslHashValue(H h, const Coord& c) {
    return H::combine(std::move(h), c.key());
  }
};

inline constexpr uint32_t kMaxX = 255;
inline constexpr uint32_t kMaxY = 255;
inline constexpr uint32_t kMaxZ = 65535;
// Cells in the whole address space: 256 * 256 * 65536 = 2^32.
inline constexpr uint64_t kAddressSpaceCells =
    uint64_t{kMaxX + 1} * (kMaxY + 1) * (kMaxZ + 1);

}  // namespace m8

#endif  // M8_GRID_COORD_H_
