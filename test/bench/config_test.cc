#include "bench/support/config.h"

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(SettingsTest, SmokeCapsSizes) {
  BenchSettings settings;
  SetSettings(settings);
  EXPECT_EQ(FillCells(4194304), 4194304u);
  settings.smoke = true;
  SetSettings(settings);
  EXPECT_EQ(FillCells(4194304), kSmokeMaxCells);
  EXPECT_EQ(FillCells(100), 100u);
  EXPECT_EQ(BufferBytes(size_t{256} << 20), kSmokeMaxBufferBytes);
  SetSettings(BenchSettings{});
}

}  // namespace
}  // namespace m8::bench
