// m8bench_conformance [--m8_backend=PATH.so] [--m8_temp_dir=DIR]
//
// Runs the model's semantic checks (conformance.h) on m8::Grid, or on the
// Mem|8 implementation in a C-interface library, and prints one line per
// check: PASS, FAIL with what differed, or NOT SUPPORTED with the operation
// the backend lacks. Exit status: 0 every check passed or is not
// supported; 1 a check failed; 2 bad usage or a library that cannot be
// used (one line naming it and the problem).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "bench/support/backend.h"
#include "bench/support/c_backend.h"
#include "bench/support/config.h"
#include "bench/support/conformance.h"
#include "bench/support/context.h"
#include "grid/grid.h"

namespace {

constexpr const char* kUsage =
    "usage: m8bench_conformance [--m8_backend=PATH.so] [--m8_temp_dir=DIR]\n";

int Fail(int code, absl::string_view message) {
  std::fprintf(stderr, "m8bench_conformance: %s\n",
               std::string(message).c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string library;
  std::string temp_dir = "/tmp";
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp) {
    temp_dir = tmp;
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--m8_backend=")) {
      library = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--m8_temp_dir=")) {
      temp_dir = std::string(arg);
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      return Fail(2, absl::StrCat("unknown argument '", arg, "'\n", kUsage));
    }
  }
  m8::bench::BenchSettings settings;
  settings.temp_dir = temp_dir;
  m8::bench::SetSettings(settings);
  m8::bench::BackendInfo info{"m8::Grid", m8::bench::PackageVersion(), "static",
                              ""};
  m8::bench::ConformanceReport report;
  if (!library.empty()) {
    if (absl::Status s = m8::bench::LoadCBackend(library); !s.ok()) {
      return Fail(2, s.message());
    }
    info = m8::bench::LoadedCBackend()->info();
    report = m8::bench::RunWithTimeLimit(
        &m8::bench::RunConformance<m8::bench::CGrid>,
        absl::StrCat("--m8_backend=", library));
  } else {
    report = m8::bench::RunConformance<m8::Grid>();
  }
  std::printf("backend %s %s (%s%s%s)\n", info.name.c_str(),
              info.version.c_str(), info.dispatch.c_str(),
              info.path.empty() ? "" : ": ", info.path.c_str());
  for (const m8::bench::CheckResult& check : report.checks) {
    std::printf("%-13s %s%s%s\n", m8::bench::CheckVerdictName(check.verdict),
                check.name.c_str(), check.detail.empty() ? "" : ": ",
                check.detail.c_str());
  }
  std::printf("%s: %s\n", report.conforms() ? "conforms" : "does not conform",
              report.Summary().c_str());
  return report.conforms() ? 0 : 1;
}
