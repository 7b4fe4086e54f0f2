#include "bench/support/signal_write.h"

#include <unistd.h>

#include <cstring>

namespace m8::bench {

void WriteStderr(const char* text) {
  size_t n = strlen(text);
  while (n > 0) {
    const ssize_t w = write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace m8::bench
