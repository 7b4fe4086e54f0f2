// Reading a whole results file into memory, padded for simdjson: regular
// files, and the streams a shell hands over (`<(zcat run.json.gz)`, a named
// pipe, /dev/stdin, files under /proc whose size reads as 0), which are read
// until their end up to a size cap.
//
// The text is read with read(2) into memory the reader owns, never mapped:
// a mapped file that another process truncates kills the reader with SIGBUS
// when it touches the lost pages, while read(2) just returns fewer bytes,
// which ReadTextFile reports as a file that changed while being read.
//
// TextBuffer is thread-compatible (one per thread); ReadTextFile is
// thread-safe given distinct buffers.

#ifndef M8_ANALYSIS_READ_TEXT_FILE_H_
#define M8_ANALYSIS_READ_TEXT_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace m8::analysis {

// Memory for a file's text followed by simdjson's padding, reused from one
// file to the next. Large buffers are mapped with transparent huge pages
// where the kernel allows: on virtual machines a page fault per 4 KiB costs
// more than parsing that page, and zeroing fresh pages for every file of a
// long history costs as much again.
class TextBuffer {
 public:
  TextBuffer() = default;
  ~TextBuffer();
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  // Room for `size` bytes followed by zeroed padding; nullptr when out of
  // memory. Invalidates earlier pointers; the contents are not kept.
  char* Reserve(size_t size);

  // Room for `size` bytes followed by zeroed padding, keeping the first
  // `keep` bytes of the current contents; nullptr when out of memory (the
  // buffer is then empty). REQUIRES: keep <= size, keep <= the size last
  // reserved.
  char* Grow(size_t keep, size_t size);

 private:
  // Maps at least `needed` bytes; false when out of memory.
  bool Map(size_t needed, char** data, size_t* capacity);
  void Release();

  char* data_ = nullptr;
  size_t capacity_ = 0;
};

// The calling thread's buffer.
TextBuffer& ThreadTextBuffer();

struct TextFileOptions {
  // The most bytes read from a stream (a pipe, a device, a file whose size
  // the kernel does not know). A regular file may be any size memory allows.
  size_t max_stream_bytes = size_t{1} << 30;
};

// Reads the file at `path` whole into `buffer` and returns its text, which
// the caller may change in place (with simdjson::SIMDJSON_PADDING zeroed
// bytes after it). Errors, each one line
// naming the path: NotFound (no such file), PermissionDenied, and
// InvalidArgument for anything else: a directory, a socket, a read error (by
// errno), a stream larger than the cap, or a regular file that another
// process changed while it was read (truncated, rewritten or appended to).
absl::StatusOr<absl::Span<char>> ReadTextFile(
    const std::string& path, TextBuffer* buffer,
    const TextFileOptions& options = {});

// For tests: a function that ReadTextFile calls once the file is open and
// its size known, before it reads the bytes (nullptr for none). Set it only
// while no file is being read.
using ReadHookForTesting = void (*)(const std::string& path);
void SetReadHookForTesting(ReadHookForTesting hook);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_TEXT_FILE_H_
