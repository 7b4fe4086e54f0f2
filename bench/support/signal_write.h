// Writing a line to stderr from a signal handler (write(2) only), for the
// handlers that end the process with one line: a crash inside a backend
// library, a conformance check that hangs.
//
// Thread-safety: async-signal-safe.
#ifndef M8_BENCH_SUPPORT_SIGNAL_WRITE_H_
#define M8_BENCH_SUPPORT_SIGNAL_WRITE_H_

namespace m8::bench {

// Writes `text` to stderr whole, or as much as write(2) takes.
void WriteStderr(const char* text);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_SIGNAL_WRITE_H_
