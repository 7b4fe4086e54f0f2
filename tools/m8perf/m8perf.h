// m8perf: post-processing of Google Benchmark JSON results (compare, check,
// trend, scale, summary). The binary's main() only calls RunM8perf, so tests
// drive the whole tool in-process.

#ifndef M8_TOOLS_M8PERF_M8PERF_H_
#define M8_TOOLS_M8PERF_M8PERF_H_

#include <ostream>

namespace m8::perf {

// Exit statuses (architecture.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed =
    1;  // a regression/breach the user asked to fail on
inline constexpr int kExitUsage = 2;  // bad usage or unreadable input

// Where the tool writes, and whether `out` is a terminal (colour).
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;
};

// Runs `m8perf <subcommand> ...` and returns the exit status. Never throws.
int RunM8perf(int argc, const char* const* argv, Io io);

}  // namespace m8::perf

#endif  // M8_TOOLS_M8PERF_M8PERF_H_
