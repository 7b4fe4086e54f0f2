#include "bench/support/resources.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/support/heap_counter.h"
#include "bench/support/latency.h"
#include "benchmark/benchmark.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// This thread's CPU time in seconds, from the kernel's per-thread clock (not
// the getrusage call under test).
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Spins until this thread has used `seconds` of CPU time: a fixed amount of
// work however busy the machine is (a loaded machine only makes it take
// longer on the wall clock).
void SpinCpu(double seconds) {
  volatile double sink = 0;
  const double start = ThreadCpuSeconds();
  while (ThreadCpuSeconds() - start < seconds) sink = sink + 1.0;
}

TEST(ResourcesTest, ThreadCpuTimeCountsTheThreadsOwnWork) {
  const absl::StatusOr<ThreadUsage> before = ReadThreadUsage();
  ASSERT_TRUE(before.ok()) << before.status();
  const double clock_before = ThreadCpuSeconds();
  SpinCpu(0.05);
  const double clock_after = ThreadCpuSeconds();
  const absl::StatusOr<ThreadUsage> after = ReadThreadUsage();
  ASSERT_TRUE(after.ok());
  const double used =
      (after->user_s + after->sys_s) - (before->user_s + before->sys_s);
  // getrusage brackets the clock's reads, so it saw at least the clock's
  // 50 ms, and little more (only the reads themselves lie outside).
  EXPECT_GE(used, clock_after - clock_before - 1e-4);
  EXPECT_LE(used, clock_after - clock_before + 0.005);
}

TEST(ResourcesTest, EachSleepIsAVoluntarySwitch) {
  const absl::StatusOr<ThreadUsage> before = ReadThreadUsage();
  ASSERT_TRUE(before.ok()) << before.status();
  for (int i = 0; i < 10; ++i) {
    const timespec one_ms = {0, 1000000};
    nanosleep(&one_ms, nullptr);
  }
  const absl::StatusOr<ThreadUsage> after = ReadThreadUsage();
  ASSERT_TRUE(after.ok());
  // A thread that blocks gives up the CPU: one switch per sleep, at least.
  EXPECT_GE(after->ctx_voluntary - before->ctx_voluntary, 10);
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

// write_bytes of /proc/self/io, read here with sscanf (not the parser under
// test); -1 when the file cannot be read.
int64_t RawWriteBytes() {
  FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return -1;
  char line[256];
  long long value = -1;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::sscanf(line, "write_bytes: %lld", &value) == 1) break;
  }
  std::fclose(f);
  return value;
}

TEST(ResourcesTest, ProcessIoCountsBytesWrittenToStorage) {
  const int64_t raw_0 = RawWriteBytes();
  const absl::StatusOr<ProcessIo> before = ReadProcessIo();
  const int64_t raw_1 = RawWriteBytes();
  ASSERT_EQ(before.ok(), ProcessIoAvailable());
  if (!before.ok()) {
    EXPECT_EQ(raw_0, -1) << "the file is readable: " << before.status();
    return;
  }
  // The parser reads the field the kernel wrote: between two raw reads.
  EXPECT_GE(before->write_bytes, raw_0);
  EXPECT_LE(before->write_bytes, raw_1);
  // 1 MiB written and synced to a file in the test's directory: the kernel
  // counts it in write_bytes when the pages are dirtied, on any file system
  // with a backing device (not on tmpfs).
  const std::string path =
      ::testing::TempDir() + "m8_resources_io_" + std::to_string(getpid());
  constexpr int64_t kBytes = int64_t{1} << 20;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  const std::vector<char> block(kBytes, 'x');
  const ssize_t written = write(fd, block.data(), kBytes);
  const int synced = fsync(fd);
  close(fd);
  struct statfs fs;
  const int stat_result = statfs(path.c_str(), &fs);
  unlink(path.c_str());
  ASSERT_EQ(written, kBytes);
  ASSERT_EQ(synced, 0);
  ASSERT_EQ(stat_result, 0);
  const int64_t raw_2 = RawWriteBytes();
  const absl::StatusOr<ProcessIo> after = ReadProcessIo();
  const int64_t raw_3 = RawWriteBytes();
  ASSERT_TRUE(after.ok());
  EXPECT_GE(after->write_bytes, raw_2);
  EXPECT_LE(after->write_bytes, raw_3);
  if (fs.f_type != TMPFS_MAGIC) {
    EXPECT_GE(after->write_bytes - before->write_bytes, kBytes);
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
      // 200 us of this thread's CPU time: at least 200 us on the wall
      // clock the sampler reads, however busy the machine.
      SpinCpu(200e-6);
      return 0;
    });
  }
  EXPECT_GE(sampler.histogram().count(), 19u);
  EXPECT_GE(sampler.samples().ResolvedPercentile(0.5).value_or(0.0), 190'000.0);
}

}  // namespace
}  // namespace m8::bench
