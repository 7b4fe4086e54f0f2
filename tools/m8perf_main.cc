// m8perf: see tools/m8perf/m8perf.h and analysis/README.md.

#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "tools/m8perf/m8perf.h"

namespace {

// Reading large results files costs mostly page faults on virtual machines
// (one per 4 KiB of parser buffers). glibc backs malloc with transparent huge
// pages when started with glibc.malloc.hugetlb=1, a tunable that must be in
// the environment at startup: so for inputs above 8 MiB, m8perf re-executes
// itself once with it set. Output and exit status are unchanged; if the
// re-exec fails, m8perf simply goes on.
void ReexecWithHugePagesForLargeInputs(int argc, char** argv) {
  constexpr const char kTunable[] = "glibc.malloc.hugetlb=1";
  constexpr off_t kLargeInput = off_t{8} << 20;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb")) {
    return;  // already set (by us or by the user)
  }
  off_t input_bytes = 0;
  for (int i = 1; i < argc; ++i) {
    struct stat info;
    if (::stat(argv[i], &info) == 0 && S_ISREG(info.st_mode)) {
      input_bytes += info.st_size;
    }
  }
  if (input_bytes < kLargeInput) return;
  const std::string value =
      tunables == nullptr ? kTunable : std::string(tunables) + ":" + kTunable;
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
}

// A history of results files allocates and frees buffers of the same sizes
// file after file; keep freed memory for reuse instead of handing it back to
// the kernel, which would make every file fault (and zero) it afresh.
void KeepFreedMemory() {
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
}

}  // namespace

int main(int argc, char** argv) {
  ReexecWithHugePagesForLargeInputs(argc, argv);
  KeepFreedMemory();
  std::ios::sync_with_stdio(false);
  return m8::perf::RunM8perf(
      argc, argv, {std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1});
}
