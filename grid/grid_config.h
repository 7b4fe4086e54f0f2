// The JSON form of the grid options: what a grid config file holds.
//
// A config is a JSON object whose keys are exactly the GridOptions field
// names, plus shard_count for ConcurrentGrid, e.g.
// {"brick_edge": 8, "alpha": 0.2, "edge_policy": "skip"}. Keys left out keep
// their defaults. The option table (option_table.h) lists the keys; the
// benchmarks' --m8_config and the optimizer read and write this form.
//
// Thread-safety: pure functions.
#ifndef M8_GRID_GRID_CONFIG_H_
#define M8_GRID_GRID_CONFIG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grid/concurrent_grid.h"
#include "grid/grid_options.h"

namespace m8 {

// Parses a config document. `source` names it in errors ("FILE: ...").
// Errors (InvalidArgument, one line, naming the source and the key): not a
// JSON object, malformed JSON, a key that appears twice in one object, an
// unknown key, a value of the wrong type (a string such as "1" or
// "Infinity" where a number belongs is one), a value out of range
// (GridOptions::Validate / ConcurrentGridOptions::Validate). A number beyond
// the range of a double is an error naming only the source.
absl::StatusOr<ConcurrentGridOptions> ParseGridConfig(absl::string_view json,
                                                      absl::string_view source);

// The largest config file LoadGridConfig reads. A config of every option
// takes about 400 bytes.
inline constexpr size_t kMaxGridConfigBytes = size_t{1} << 20;

// Reads and parses the config file at `path`. Besides ParseGridConfig's
// errors, each one line naming the file: NotFound (missing),
// PermissionDenied, InvalidArgument for a directory, a named pipe, a device
// or a socket (refused without blocking on it, so neither a FIFO with no
// writer nor /dev/zero can hang the reader) or for a file over
// kMaxGridConfigBytes, and the errno's own message for any other failure to
// open or read (ErrnoStatus, grid/internal/posix_file.h).
absl::StatusOr<ConcurrentGridOptions> LoadGridConfig(const std::string& path);

// Every option as (name, value) in the table's order, with the spelling the
// config file uses, e.g. ("edge_policy", "clamp"), ("shard_count", "16").
std::vector<std::pair<std::string, std::string>> DescribeGridOptions(
    const ConcurrentGridOptions& options);

// One string that differs whenever any option differs (a cache key).
std::string GridOptionsKey(const GridOptions& options);

}  // namespace m8

#endif  // M8_GRID_GRID_CONFIG_H_
