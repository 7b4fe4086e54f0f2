#include "optimizer/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace m8::optimizer {
namespace {

absl::Status SpawnError(const std::string& program, int error) {
  const std::string message =
      absl::StrCat(program, ": cannot run: ", std::strerror(error));
  if (error == ENOENT || error == ENOTDIR) {
    return absl::NotFoundError(message);
  }
  if (error == EACCES || error == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::InternalError(message);
}

// Adds "open `path` (or /dev/null) as `fd`" to the child's file actions.
absl::Status RedirectTo(posix_spawn_file_actions_t* actions, int fd,
                        const std::string& path) {
  const char* target = path.empty() ? "/dev/null" : path.c_str();
  const int flags = path.empty() ? O_WRONLY : O_WRONLY | O_CREAT | O_TRUNC;
  if (const int e =
          posix_spawn_file_actions_addopen(actions, fd, target, flags, 0644);
      e != 0) {
    return absl::InternalError(
        absl::StrCat(target, ": cannot redirect to it: ", std::strerror(e)));
  }
  return absl::OkStatus();
}

// Checks up front what posix_spawn would only report as exit status 127.
absl::Status CheckOutputWritable(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  ::close(fd);
  return absl::OkStatus();
}

absl::Status CheckExecutable(const std::string& program) {
  if (program.find('/') == std::string::npos) return absl::OkStatus();
  if (::access(program.c_str(), X_OK) != 0) {
    return SpawnError(program, errno);
  }
  return absl::OkStatus();
}

// Waits for `pid` until `deadline`; true when it was reaped into `status`.
bool WaitUntil(pid_t pid, absl::Time deadline, int* status) {
#ifdef SYS_pidfd_open
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  const int pidfd = -1;
#endif
  absl::Cleanup close_pidfd = [pidfd] {
    if (pidfd >= 0) ::close(pidfd);
  };
  for (;;) {
    const pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // not our child any more
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    if (pidfd >= 0) {
      // Readable when the child has exited.
      pollfd p{pidfd, POLLIN, 0};
      const int64_t ms = std::min<int64_t>(
          absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))),
          1 << 30);
      ::poll(&p, 1, static_cast<int>(ms));
    } else {
      absl::SleepFor(std::min(left, absl::Milliseconds(5)));
    }
  }
}

}  // namespace

std::string ProcessResult::Describe() const {
  if (timed_out)
    return absl::StrCat("timed out after ", absl::FormatDuration(wall));
  if (signal != 0) {
    return absl::StrCat("killed by signal ", signal, " (", strsignal(signal),
                        ")");
  }
  return absl::StrCat("exit status ", exit_code);
}

absl::StatusOr<ProcessResult> RunProcess(const ProcessOptions& options) {
  if (options.argv.empty()) {
    return absl::InvalidArgumentError("RunProcess: empty argv");
  }
  const std::string& program = options.argv[0];
  if (absl::Status s = CheckExecutable(program); !s.ok()) return s;
  if (absl::Status s = CheckOutputWritable(options.stdout_path); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckOutputWritable(options.stderr_path); !s.ok()) {
    return s;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  absl::Cleanup destroy = [&actions] {
    posix_spawn_file_actions_destroy(&actions);
  };
  if (absl::Status s = RedirectTo(&actions, STDOUT_FILENO, options.stdout_path);
      !s.ok()) {
    return s;
  }
  if (options.stderr_to_stdout) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else if (absl::Status s =
                 RedirectTo(&actions, STDERR_FILENO, options.stderr_path);
             !s.ok()) {
    return s;
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);

  std::vector<char*> argv;
  argv.reserve(options.argv.size() + 1);
  for (const std::string& arg : options.argv) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);

  const absl::Time start = absl::Now();
  pid_t pid = 0;
  const int error = program.find('/') == std::string::npos
                        ? posix_spawnp(&pid, program.c_str(), &actions, nullptr,
                                       argv.data(), environ)
                        : posix_spawn(&pid, program.c_str(), &actions, nullptr,
                                      argv.data(), environ);
  if (error != 0) return SpawnError(program, error);

  ProcessResult result;
  int status = 0;
  const absl::Time deadline = options.timeout == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : start + options.timeout;
  if (!WaitUntil(pid, deadline, &status)) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.timed_out = true;
  }
  result.wall = absl::Now() - start;
  if (!result.timed_out) {
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  }
  return result;
}

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from =
      size > static_cast<std::streamoff>(max_bytes) ? size - max_bytes : 0;
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  std::vector<std::string> lines;
  for (absl::string_view line :
       absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    std::string clean;
    for (const char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) {
        if (c != '\r')
          absl::StrAppend(&clean, "\\x", absl::Hex(u, absl::kZeroPad2));
      } else {
        clean.push_back(c);
      }
    }
    lines.push_back(std::move(clean));
  }
  return absl::StrJoin(lines, " | ");
}

}  // namespace m8::optimizer
