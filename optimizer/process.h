// Running a program as a child process: argv only (never a shell), standard
// output and error to files, a wall-clock timeout after which the child is
// killed. The one way m8perf starts benchmark binaries (tune, and any command
// that measures by running a binary).
//
// Thread-safe: each call is independent.

#ifndef M8_OPTIMIZER_PROCESS_H_
#define M8_OPTIMIZER_PROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace m8::optimizer {

struct ProcessOptions {
  // argv[0] is the program: a path, looked up in PATH only when it has no
  // slash.
  std::vector<std::string> argv;
  // Where the child's standard output and error go; empty: /dev/null.
  std::string stdout_path;
  std::string stderr_path;
  // Standard error goes where standard output goes (stderr_path unused).
  bool stderr_to_stdout = false;
  // Killed (SIGKILL) when still running after this long.
  absl::Duration timeout = absl::InfiniteDuration();
};

struct ProcessResult {
  int exit_code = -1;  // when the child exited normally, else -1
  int signal = 0;      // the signal that ended it, else 0
  bool timed_out = false;
  absl::Duration wall;  // from spawn to reaping

  bool Succeeded() const { return exit_code == 0; }
  // "exit status 2", "killed by signal 6 (Aborted)", "timed out after 30s".
  std::string Describe() const;
};

// Starts the program and waits for it. Errors (the child never ran): the
// program does not exist or is not executable (NotFound / PermissionDenied,
// naming it), or an output file cannot be opened. A child that crashes, times
// out or exits non-zero is a ProcessResult, not an error.
absl::StatusOr<ProcessResult> RunProcess(const ProcessOptions& options);

// Up to the last `max_bytes` of a file's text, its lines joined by " | ",
// control characters escaped: a child's stderr for a one-line message.
std::string TailOfFile(const std::string& path, size_t max_bytes = 400);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_PROCESS_H_
