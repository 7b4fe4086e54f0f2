#include "bench/support/config.h"

#include <algorithm>
#include <utility>

namespace m8::bench {

namespace {
BenchSettings& MutableSettings() {
  static BenchSettings* settings = new BenchSettings();
  return *settings;
}
}  // namespace

const BenchSettings& Settings() { return MutableSettings(); }

void SetSettings(BenchSettings settings) {
  MutableSettings() = std::move(settings);
}

size_t FillCells(int64_t requested) {
  const auto n = static_cast<size_t>(std::max<int64_t>(requested, 1));
  return Settings().smoke ? std::min(n, kSmokeMaxCells) : n;
}

size_t BufferBytes(size_t requested) {
  return Settings().smoke ? std::min(requested, kSmokeMaxBufferBytes)
                          : requested;
}

}  // namespace m8::bench
