// libFuzzer target for the grid config parser (--m8_config, and the configs
// the optimizer writes): no input may crash ParseGridConfig, what it accepts
// is valid, and it describes itself as a config that parses back to the
// same options. Built with clang when M8_BUILD_FUZZERS=ON; ctest runs it for
// a bounded time (label "fuzz") from the seed corpus in corpus/config.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "grid/grid_config.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<m8::ConcurrentGridOptions> options =
      m8::ParseGridConfig(json, "fuzz.json");
  if (!options.ok()) {
    // One line, naming the source.
    const absl::string_view message = options.status().message();
    Check(absl::StartsWith(message, "fuzz.json: "));
    Check(message.find('\n') == absl::string_view::npos);
    return 0;
  }
  Check(options->Validate().ok());
  std::vector<std::string> fields;
  for (const auto& [name, value] : m8::DescribeGridOptions(*options)) {
    const bool text = name == "edge_policy";
    fields.push_back(absl::StrCat("\"", name, "\": ", text ? "\"" : "", value,
                                  text ? "\"" : ""));
  }
  absl::StatusOr<m8::ConcurrentGridOptions> again = m8::ParseGridConfig(
      absl::StrCat("{", absl::StrJoin(fields, ", "), "}"), "described");
  Check(again.ok());
  Check(m8::GridOptionsKey(again->grid) == m8::GridOptionsKey(options->grid));
  Check(again->shard_count == options->shard_count);
  return 0;
}
