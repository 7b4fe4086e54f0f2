#include "grid/internal/layer_index.h"

#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace m8::internal {
namespace {

// Checks every query of the index against a std::set of keys.
void ExpectMatches(const LayerIndex& index, const std::set<uint32_t>& keys,
                   std::mt19937& rng) {
  ASSERT_EQ(index.size(), keys.size());
  for (uint32_t key : keys) ASSERT_TRUE(index.Contains(key)) << key;
  for (int i = 0; i < 2000; ++i) {
    const uint32_t probe = rng() & 0x0003ffff;  // Layers 0..3.
    ASSERT_EQ(index.Contains(probe), keys.count(probe) == 1) << probe;
  }
  for (int q = 0; q < 50; ++q) {
    uint32_t x0 = rng() % 256, x1 = rng() % 256, y0 = rng() % 256,
             y1 = rng() % 256;
    if (x0 > x1) std::swap(x0, x1);
    if (y0 > y1) std::swap(y0, y1);
    const uint32_t z0 = rng() % 4, z1 = z0 + rng() % 3;
    std::vector<uint32_t> expected, got;
    for (uint32_t key : keys) {
      const uint32_t x = key & 0xff, y = (key >> 8) & 0xff, z = key >> 16;
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && z >= z0 && z <= z1) {
        expected.push_back(key);
      }
    }
    index.ForEachLayer(z0, z1, [&](uint32_t z, const LayerIndex::Layer& l) {
      l.ForEachInRect(x0, x1, y0, y1,
                      [&](uint32_t pos) { got.push_back(z << 16 | pos); });
    });
    ASSERT_EQ(got, expected);  // Same cells, ascending key order.
  }
}

TEST(LayerIndexTest, SparseAndDenseLayersAnswerAlike) {
  LayerIndex index;
  std::set<uint32_t> keys;
  std::mt19937 rng(17);
  // Layer 0 grows far past the bitmap threshold, layer 1 stays a list,
  // layer 3 hovers around the thresholds.
  auto add = [&](uint32_t key) {
    if (keys.insert(key).second) index.Insert(key);
  };
  auto remove = [&](uint32_t key) {
    if (keys.erase(key) == 1) index.Erase(key);
  };
  for (int i = 0; i < 5000; ++i) add(rng() & 0xffff);
  for (int i = 0; i < 100; ++i) add(1 << 16 | (rng() & 0xffff));
  for (int i = 0; i < 600; ++i) add(3 << 16 | (rng() & 0xffff));
  ASSERT_GT(index.layer(0)->size(), LayerIndex::kToBitmap);
  ExpectMatches(index, keys, rng);

  // Shrink layer 3 below the list threshold and layer 0 to nothing.
  std::vector<uint32_t> layer3, layer0;
  for (uint32_t k : keys) {
    if (k >> 16 == 3) layer3.push_back(k);
    if (k >> 16 == 0) layer0.push_back(k);
  }
  for (size_t i = 0; i + 50 < layer3.size(); ++i) remove(layer3[i]);
  ASSERT_LT(index.layer(3)->size(), LayerIndex::kToList);
  ExpectMatches(index, keys, rng);
  for (uint32_t k : layer0) remove(k);
  EXPECT_EQ(index.layer(0), nullptr);
  ExpectMatches(index, keys, rng);

  // Layers far apart (different chunks) and the edges of the space.
  for (uint32_t key : {0xffffffffu, 0xff000000u, 0x00ff00ffu}) add(key);
  EXPECT_TRUE(index.Contains(0xffffffffu));
  std::vector<uint32_t> zs;
  index.ForEachLayer(
      0, 65535, [&](uint32_t z, const LayerIndex::Layer&) { zs.push_back(z); });
  EXPECT_EQ(zs, (std::vector<uint32_t>{1, 3, 0xff, 0xff00, 0xffff}));
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_FALSE(index.Contains(0xffffffffu));
}

}  // namespace
}  // namespace m8::internal
