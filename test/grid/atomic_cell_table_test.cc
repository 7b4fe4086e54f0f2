#include "grid/internal/atomic_cell_table.h"

#include <cstring>
#include <map>
#include <random>

#include "gtest/gtest.h"

namespace m8::internal {
namespace {

Wave WaveOf(uint32_t v) {
  Wave w;
  w.amplitude = static_cast<float>(v);
  w.frequency = static_cast<float>(v % 1000);
  w.tag = v * 2654435761u;
  w.access_count = v;
  return w;
}

bool SameBytes(const Wave& a, const Wave& b) {
  return std::memcmp(&a, &b, sizeof(Wave)) == 0;
}

// Every key of the oracle is found with its wave, and a sample of others is
// not.
void ExpectMatches(const AtomicCellTable& table,
                   const std::map<uint32_t, Wave>& oracle, uint32_t key_range) {
  ASSERT_EQ(table.size(), oracle.size());
  for (uint32_t key = 0; key < key_range; ++key) {
    Wave got;
    const auto it = oracle.find(key);
    ASSERT_EQ(table.Find(key, &got), it != oracle.end()) << key;
    ASSERT_EQ(table.Contains(key), it != oracle.end()) << key;
    if (it != oracle.end()) {
      EXPECT_TRUE(SameBytes(got, it->second)) << key;
    }
  }
}

TEST(AtomicCellTableTest, EmptyTableFindsNothing) {
  AtomicCellTable table;
  Wave w;
  EXPECT_FALSE(table.Find(0, &w));
  EXPECT_FALSE(table.Contains(12345));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.Erase(7));
}

// Random inserts, overwrites and removals against std::map, over key ranges
// small enough for long probe runs that wrap around the table's end (the
// backward shift of a removal must keep every other key findable), and
// growing through several tables.
TEST(AtomicCellTableTest, RandomSequencesAgreeWithAMap) {
  for (const uint32_t key_range : {8u, 40u, 300u, 5000u}) {
    for (const uint32_t stride : {1u, 65536u, 97u}) {
      AtomicCellTable table;
      std::map<uint32_t, Wave> oracle;
      std::mt19937 rng(key_range * 31 + stride);
      for (int step = 0; step < 20000; ++step) {
        const uint32_t key = (rng() % key_range) * stride;
        const uint32_t v = rng();
        if (rng() % 3 == 0) {
          EXPECT_EQ(table.Erase(key), oracle.erase(key) == 1);
        } else {
          table.Set(key, WaveOf(v));
          oracle[key] = WaveOf(v);
        }
        if (step % 4999 == 0) {
          ASSERT_EQ(table.size(), oracle.size());
          for (const auto& [k, w] : oracle) {
            Wave got;
            ASSERT_TRUE(table.Find(k, &got)) << k;
            EXPECT_TRUE(SameBytes(got, w));
          }
        }
      }
      for (const auto& [k, w] : oracle) {
        Wave got;
        ASSERT_TRUE(table.Find(k, &got)) << k;
        EXPECT_TRUE(SameBytes(got, w)) << k;
      }
      for (uint32_t i = 0; i < key_range; ++i) {
        EXPECT_EQ(table.Contains(i * stride), oracle.count(i * stride) == 1);
      }
    }
  }
}

TEST(AtomicCellTableTest, ReserveKeepsTheCells) {
  AtomicCellTable table;
  std::map<uint32_t, Wave> oracle;
  for (uint32_t key = 0; key < 100; ++key) {
    table.Set(key * 3, WaveOf(key));
    oracle[key * 3] = WaveOf(key);
  }
  table.Reserve(100000);
  ExpectMatches(table, oracle, 400);
  for (uint32_t key = 0; key < 400; key += 2) {
    EXPECT_EQ(table.Erase(key), oracle.erase(key) == 1);
  }
  ExpectMatches(table, oracle, 400);
}

}  // namespace
}  // namespace m8::internal
