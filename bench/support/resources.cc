#include "bench/support/resources.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/support/counters.h"

namespace m8::bench {
namespace {

absl::Status ErrnoError(absl::string_view what) {
  const int error = errno;
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(error)));
}

// The whole of a small /proc file.
absl::StatusOr<std::string> ReadProcFile(const char* path) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(path);
  std::string text;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status error = ErrnoError(path);
      close(fd);
      return error;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

// The number after "name:" in a "name: value [unit]" /proc file.
absl::StatusOr<int64_t> FindField(absl::string_view text,
                                  absl::string_view name, const char* path) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, name) || !absl::ConsumePrefix(&line, ":")) {
      continue;
    }
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, " kB");
    int64_t value;
    if (absl::SimpleAtoi(line, &value)) return value;
    return absl::DataLossError(absl::StrCat(path, ": bad ", name, " line"));
  }
  return absl::NotFoundError(absl::StrCat(path, ": no ", name, " line"));
}

double Seconds(const timeval& tv) { return tv.tv_sec + tv.tv_usec * 1e-6; }

}  // namespace

absl::StatusOr<ThreadUsage> ReadThreadUsage() {
  rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return ErrnoError("getrusage");
  return ThreadUsage{Seconds(ru.ru_utime), Seconds(ru.ru_stime), ru.ru_minflt,
                     ru.ru_majflt,         ru.ru_nvcsw,          ru.ru_nivcsw};
}

absl::StatusOr<ProcessIo> ReadProcessIo() {
  constexpr char kPath[] = "/proc/self/io";
  absl::StatusOr<std::string> text = ReadProcFile(kPath);
  if (!text.ok()) return text.status();
  absl::StatusOr<int64_t> read_bytes = FindField(*text, "read_bytes", kPath);
  if (!read_bytes.ok()) return read_bytes.status();
  absl::StatusOr<int64_t> write_bytes = FindField(*text, "write_bytes", kPath);
  if (!write_bytes.ok()) return write_bytes.status();
  return ProcessIo{*read_bytes, *write_bytes};
}

absl::StatusOr<int64_t> ReadPeakRssBytes() {
  constexpr char kPath[] = "/proc/self/status";
  absl::StatusOr<std::string> text = ReadProcFile(kPath);
  if (!text.ok()) return text.status();
  absl::StatusOr<int64_t> kib = FindField(*text, "VmHWM", kPath);
  if (!kib.ok()) return kib.status();
  return *kib * 1024;
}

absl::StatusOr<int64_t> ReadRssBytes() {
  constexpr char kPath[] = "/proc/self/status";
  absl::StatusOr<std::string> text = ReadProcFile(kPath);
  if (!text.ok()) return text.status();
  absl::StatusOr<int64_t> kib = FindField(*text, "VmRSS", kPath);
  if (!kib.ok()) return kib.status();
  return *kib * 1024;
}

absl::Status ResetPeakRss() {
  constexpr char kPath[] = "/proc/self/clear_refs";
  const int fd = open(kPath, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(kPath);
  const bool written = write(fd, "5", 1) == 1;
  absl::Status status = written ? absl::OkStatus() : ErrnoError(kPath);
  close(fd);
  return status;
}

bool PeakRssIsPerBenchmark() {
  static const bool resettable = ResetPeakRss().ok();
  return resettable;
}

bool ProcessIoAvailable() {
  static const bool available = ReadProcessIo().ok();
  return available;
}

ResourceMeter::ResourceMeter(const benchmark::State& state)
    : process_wide_(state.thread_index() == 0) {
  if (process_wide_) {
    if (PeakRssIsPerBenchmark()) ResetPeakRss().IgnoreError();
    io_ = ReadProcessIo().value_or(ProcessIo{});
  }
  usage_ = ReadThreadUsage().value_or(ThreadUsage{});
  heap_ = ThreadHeapCounts();  // Last, so that the reads above don't count.
}

void ResourceMeter::Finish(benchmark::State& state) {
  const HeapCounts heap = ThreadHeapCounts();  // First, for the same reason.
  const ThreadUsage usage = ReadThreadUsage().value_or(usage_);
  using benchmark::Counter;
  auto per_iteration = [&](const char* name, double value) {
    state.counters[name] = Counter(value, Counter::kAvgIterations);
  };
  per_iteration(kCpuUserS, usage.user_s - usage_.user_s);
  per_iteration(kCpuSysS, usage.sys_s - usage_.sys_s);
  per_iteration(kMinorFaults,
                static_cast<double>(usage.minor_faults - usage_.minor_faults));
  per_iteration(kMajorFaults,
                static_cast<double>(usage.major_faults - usage_.major_faults));
  per_iteration(kCtxVoluntary, static_cast<double>(usage.ctx_voluntary -
                                                   usage_.ctx_voluntary));
  per_iteration(kCtxInvoluntary, static_cast<double>(usage.ctx_involuntary -
                                                     usage_.ctx_involuntary));
  per_iteration(kHeapAllocs,
                static_cast<double>(heap.allocations - heap_.allocations));
  per_iteration(kHeapBytes, static_cast<double>(heap.bytes - heap_.bytes));
  // Process-wide values come from thread 0 only (counters are summed over
  // threads); the other threads add 0 so that every thread has the keys.
  ProcessIo io = io_;
  int64_t rss_peak = 0;
  if (process_wide_) {
    io = ReadProcessIo().value_or(io_);
    rss_peak = ReadPeakRssBytes().value_or(0);
  }
  per_iteration(kIoReadBytes,
                static_cast<double>(io.read_bytes - io_.read_bytes));
  per_iteration(kIoWriteBytes,
                static_cast<double>(io.write_bytes - io_.write_bytes));
  state.counters[kRssPeakBytes] = static_cast<double>(rss_peak);
}

}  // namespace m8::bench
