// m8perf: see tools/m8perf/m8perf.h and analysis/README.md.

#include <unistd.h>

#include <iostream>

#include "tools/m8perf/m8perf.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return m8::perf::RunM8perf(
      argc, argv, {std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1});
}
