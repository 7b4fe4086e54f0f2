#include "bench/support/resources.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/support/heap_counter.h"
#include "bench/support/latency.h"
#include "benchmark/benchmark.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(ResourcesTest, ThreadCpuTimeGrowsWithWork) {
  const absl::StatusOr<ThreadUsage> before = ReadThreadUsage();
  ASSERT_TRUE(before.ok()) << before.status();
  volatile double sink = 0;
  const int64_t start = NowNanos();
  while (NowNanos() - start < 50'000'000) sink = sink + 1.0;  // 50 ms.
  const absl::StatusOr<ThreadUsage> after = ReadThreadUsage();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(after->user_s + after->sys_s,
            before->user_s + before->sys_s + 0.01);
  EXPECT_GE(after->ctx_voluntary, before->ctx_voluntary);
}

TEST(ResourcesTest, PeakRssSeesTouchedMemoryAndFaults) {
  const absl::StatusOr<int64_t> before = ReadPeakRssBytes();
  ASSERT_TRUE(before.ok()) << before.status();
  const absl::StatusOr<ThreadUsage> usage_before = ReadThreadUsage();
  constexpr size_t kBytes = size_t{64} << 20;
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);
  benchmark::DoNotOptimize(block.get());
  const absl::StatusOr<int64_t> after = ReadPeakRssBytes();
  ASSERT_TRUE(after.ok());
  EXPECT_GE(*after, int64_t{kBytes});
  const absl::StatusOr<ThreadUsage> usage_after = ReadThreadUsage();
  // 64 MiB of fresh pages fault at least once per 2 MiB (huge pages) and
  // usually once per 4 KiB.
  EXPECT_GE(usage_after->minor_faults - usage_before->minor_faults, 32);
  block.reset();
  if (PeakRssIsPerBenchmark()) {
    ASSERT_TRUE(ResetPeakRss().ok());
    const int64_t reset_peak = *ReadPeakRssBytes();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // Sanitizers keep freed memory resident (quarantine), so the peak need
    // not drop; it restarts from the current RSS, which only allocations
    // made since can have raised.
    EXPECT_LE(reset_peak, *after + (int64_t{8} << 20));
#else
    // The block (far above malloc's mmap threshold) went back to the
    // system: the peak restarts well below it.
    EXPECT_LT(reset_peak, *after - int64_t{kBytes} / 2);
#endif
  }
}

TEST(ResourcesTest, ProcessIoIsReadableWhereTheKernelAllows) {
  const absl::StatusOr<ProcessIo> io = ReadProcessIo();
  EXPECT_EQ(io.ok(), ProcessIoAvailable());
  if (io.ok()) {
    EXPECT_GE(io->read_bytes, 0);
    EXPECT_GE(io->write_bytes, 0);
  }
}

TEST(HeapCounterTest, CountsThisThreadsAllocations) {
  ASSERT_TRUE(HeapCountingEnabled());  // The test links the hooks.
  const HeapCounts before = ThreadHeapCounts();
  auto* v = new std::vector<int>(1000);
  benchmark::DoNotOptimize(v);
  const HeapCounts after = ThreadHeapCounts();
  delete v;
  EXPECT_EQ(after.allocations - before.allocations, 2u);  // Vector, buffer.
  EXPECT_EQ(after.bytes - before.bytes, sizeof(std::vector<int>) + 4000);
}

TEST(LatencySamplerTest, CheapOperationsAreSampledSparsely) {
  LatencySampler sampler;
  uint64_t sum = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    sum += sampler.Run([&] { return i & 1; });
  }
  benchmark::DoNotOptimize(sum);
  EXPECT_GT(sampler.histogram().count(), 5u);
  EXPECT_LT(sampler.histogram().count(), 20000u);  // Under 2% sampled.
  EXPECT_GE(sampler.stride(), 64u);
}

TEST(LatencySamplerTest, SlowOperationsAreAllSampled) {
  LatencySampler sampler;
  for (int i = 0; i < 20; ++i) {
    sampler.Run([] {
      const int64_t start = NowNanos();
      while (NowNanos() - start < 200'000) {
      }
      return 0;
    });
  }
  EXPECT_GE(sampler.histogram().count(), 19u);
  EXPECT_GE(sampler.samples().ResolvedPercentile(0.5).value_or(0.0), 190'000.0);
}

}  // namespace
}  // namespace m8::bench
