// The order of Resonance hits: higher score first, ties by lower key. One
// definition for Grid's top-k selection and ConcurrentGrid's merge of its
// shards' hits, so that both rank alike.
//
// Thread-safety: a pure function.
#ifndef M8_GRID_INTERNAL_RESONANCE_ORDER_H_
#define M8_GRID_INTERNAL_RESONANCE_ORDER_H_

#include <cstdint>

namespace m8::internal {

inline bool RanksBefore(double score_a, uint32_t key_a, double score_b,
                        uint32_t key_b) {
  return score_a > score_b || (score_a == score_b && key_a < key_b);
}

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_RESONANCE_ORDER_H_
