#include "grid/option_table.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "grid/concurrent_grid.h"
#include "grid/grid_config.h"
#include "grid/grid_options.h"
#include "grid/internal/option_fields.h"
#include "gtest/gtest.h"

namespace m8 {
namespace {

using ::testing::HasSubstr;

constexpr double kLargest = std::numeric_limits<double>::max();

// Converts to the type of any field; only used unevaluated.
struct AnyField {
  template <typename T>
  operator T() const;  // NOLINT: implicit on purpose.
};

// The number of fields of the aggregate T, read from the struct itself: the
// most initializers T{...} accepts.
template <typename T, typename... Fields>
constexpr size_t FieldCount() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) {
    return FieldCount<T, Fields..., AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

bool IsShardCount(const OptionInfo& option) {
  return std::holds_alternative<size_t ConcurrentGridOptions::*>(
      internal::FieldOf(option));
}

// Where the field `option` names lives inside `o`.
const void* AddressIn(const ConcurrentGridOptions& o,
                      const OptionInfo& option) {
  return std::visit(
      [&](auto member) -> const void* {
        using Member = decltype(member);
        if constexpr (std::is_same_v<Member, size_t ConcurrentGridOptions::*>) {
          return &(o.*member);
        } else {
          return &(o.grid.*member);
        }
      },
      internal::FieldOf(option));
}

std::vector<std::string> TableNames() {
  std::vector<std::string> names;
  for (const OptionInfo& option : GridOptionTable()) {
    names.push_back(option.name);
  }
  return names;
}

TEST(OptionTableTest, NamesEveryFieldOnceInDeclarationOrder) {
  const ConcurrentGridOptions o;
  // Declaration order, as in grid_options.h and concurrent_grid.h.
  const struct {
    const char* name;
    const void* field;
  } kExpected[] = {
      {"alpha", &o.grid.alpha},
      {"beta", &o.grid.beta},
      {"noise_floor", &o.grid.noise_floor},
      {"blanket_threshold", &o.grid.blanket_threshold},
      {"active_threshold", &o.grid.active_threshold},
      {"reinforce_gain", &o.grid.reinforce_gain},
      {"amplitude_max", &o.grid.amplitude_max},
      {"relevance", &o.grid.relevance},
      {"familiarity", &o.grid.familiarity},
      {"threat", &o.grid.threat},
      {"edge_policy", &o.grid.edge_policy},
      {"max_cells", &o.grid.max_cells},
      {"brick_edge", &o.grid.brick_edge},
      {"frequency_buckets", &o.grid.frequency_buckets},
      {"expected_cells", &o.grid.expected_cells},
      {"shard_count", &o.shard_count},
  };
  // A field added to either struct changes these counts.
  ASSERT_EQ(FieldCount<GridOptions>(), std::size(kExpected) - 1);
  ASSERT_EQ(FieldCount<ConcurrentGridOptions>(), 2u);  // grid, shard_count

  const absl::Span<const OptionInfo> table = GridOptionTable();
  ASSERT_EQ(table.size(), std::size(kExpected));
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_STREQ(table[i].name, kExpected[i].name);
    EXPECT_EQ(AddressIn(o, table[i]), kExpected[i].field) << table[i].name;
    EXPECT_EQ(FindGridOption(table[i].name), &table[i]);
    // Declaration order is address order within each struct.
    if (i > 0 && !IsShardCount(table[i])) {
      EXPECT_TRUE(std::less<const void*>()(AddressIn(o, table[i - 1]),
                                           AddressIn(o, table[i])))
          << table[i].name;
    }
  }
  EXPECT_EQ(FindGridOption("brick_size"), nullptr);
  EXPECT_EQ(FindGridOption(""), nullptr);

  // The JSON form describes exactly the table's options, in its order.
  std::vector<std::string> described;
  for (const auto& [name, value] : DescribeGridOptions(o)) {
    described.push_back(name);
  }
  EXPECT_EQ(described, TableNames());
  EXPECT_EQ(std::set<std::string>(described.begin(), described.end()).size(),
            described.size());
}

// The JSON text of `v` for an option of `kind`.
std::string Json(OptionKind kind, double v) {
  if (kind == OptionKind::kInteger) return absl::StrCat(int64_t(v));
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

// A config setting `name` to the JSON `value`. Validate also requires
// noise_floor <= blanket_threshold and bounds shard_count *
// frequency_buckets, so a test of one of these sets the other where it never
// gets in the way.
std::string Config(absl::string_view name, absl::string_view value) {
  std::string config = absl::StrCat("{\"", name, "\": ", value);
  if (name == "frequency_buckets") {
    absl::StrAppend(&config, ", \"shard_count\": 1");
  } else if (name == "noise_floor") {
    absl::StrAppend(&config, ", \"blanket_threshold\": ",
                    Json(OptionKind::kNumber, kLargest));
  } else if (name == "blanket_threshold") {
    absl::StrAppend(&config, ", \"noise_floor\": 0");
  }
  return config + "}";
}

void ExpectAccepted(const OptionInfo& option, const std::string& value) {
  const std::string config = Config(option.name, value);
  const absl::StatusOr<ConcurrentGridOptions> parsed =
      ParseGridConfig(config, "table");
  EXPECT_TRUE(parsed.ok()) << config << ": " << parsed.status();
}

void ExpectRejected(const OptionInfo& option, const std::string& value) {
  const std::string config = Config(option.name, value);
  const absl::Status s = ParseGridConfig(config, "table").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << config;
  EXPECT_THAT(std::string(s.message()), HasSubstr(option.name)) << config;
}

TEST(OptionTableTest, RangesAgreeWithValidate) {
  for (const OptionInfo& option : GridOptionTable()) {
    SCOPED_TRACE(option.name);
    if (option.kind == OptionKind::kChoice) {
      ASSERT_FALSE(option.choices.empty());
      for (const std::string& choice : option.choices) {
        ExpectAccepted(option, absl::StrCat("\"", choice, "\""));
      }
      ExpectRejected(option, "\"wrap\"");
      ExpectRejected(option, "\"\"");
      continue;
    }
    ASSERT_LE(option.min, option.max);
    const OptionKind kind = option.kind;
    ExpectAccepted(option, Json(kind, option.min));
    if (kind == OptionKind::kNumber) {
      ExpectRejected(option, Json(kind, std::nextafter(option.min, -HUGE_VAL)));
    } else {
      ExpectRejected(option, Json(kind, option.min - 1));
      // An integer option takes no fractional number, not even 1.0.
      ExpectRejected(option, absl::StrCat(Json(kind, option.min), ".0"));
    }
    if (std::isinf(option.max)) {
      // No upper bound, but the value must be finite; JSON cannot say
      // infinity, so check Validate directly.
      ASSERT_EQ(kind, OptionKind::kNumber);
      ExpectAccepted(option, Json(kind, kLargest));
      ConcurrentGridOptions o;
      o.grid.*std::get<double GridOptions::*>(internal::FieldOf(option)) =
          HUGE_VAL;
      if (absl::string_view(option.name) == "noise_floor") {
        o.grid.blanket_threshold = HUGE_VAL;
      }
      EXPECT_THAT(std::string(o.Validate().message()), HasSubstr(option.name));
    } else {
      ExpectAccepted(option, Json(kind, option.max));
      ExpectRejected(option,
                     kind == OptionKind::kNumber
                         ? Json(kind, std::nextafter(option.max, HUGE_VAL))
                         : Json(kind, option.max + 1));
    }
    if (!option.choices.empty()) {
      // An integer restricted to a set: each listed value and no other.
      ASSERT_EQ(kind, OptionKind::kInteger);
      const std::set<std::string> allowed(option.choices.begin(),
                                          option.choices.end());
      for (auto v = int64_t(option.min); v <= int64_t(option.max); ++v) {
        if (allowed.contains(absl::StrCat(v))) {
          ExpectAccepted(option, absl::StrCat(v));
        } else {
          ExpectRejected(option, absl::StrCat(v));
        }
      }
    }
  }
}

TEST(OptionTableTest, KnownRangesAndChoices) {
  // Spot checks against the definitions (grid_options.h, coord.h).
  EXPECT_EQ(FindGridOption("brick_edge")->choices,
            (std::vector<std::string>{"1", "2", "4", "8"}));
  EXPECT_EQ(FindGridOption("edge_policy")->choices,
            (std::vector<std::string>{"clamp", "skip"}));
  EXPECT_EQ(FindGridOption("edge_policy")->kind, OptionKind::kChoice);
  EXPECT_EQ(FindGridOption("alpha")->kind, OptionKind::kNumber);
  EXPECT_EQ(FindGridOption("shard_count")->kind, OptionKind::kInteger);
  EXPECT_EQ(FindGridOption("max_cells")->max, 4294967296.0);     // 2^32
  EXPECT_EQ(FindGridOption("expected_cells")->max, 67108864.0);  // 2^26
  EXPECT_EQ(FindGridOption("shard_count")->max, 4096.0);
  EXPECT_EQ(FindGridOption("frequency_buckets")->max, 1048576.0);
  for (const OptionInfo& option : GridOptionTable()) {
    EXPECT_NE(std::string(option.description), "") << option.name;
    EXPECT_EQ(std::string(option.description).find('\n'), std::string::npos);
  }
}

TEST(OptionTableTest, OnlyTheSpeedOptionsAreSpeedOnly) {
  // The options grid_options.h and concurrent_grid.h say never change
  // results.
  const std::set<std::string> kSpeedOnly = {"brick_edge", "frequency_buckets",
                                            "expected_cells", "shard_count"};
  for (const std::string& name : kSpeedOnly) {
    ASSERT_NE(FindGridOption(name), nullptr) << name;
  }
  for (const OptionInfo& option : GridOptionTable()) {
    EXPECT_EQ(option.effect, kSpeedOnly.contains(option.name)
                                 ? OptionEffect::kSpeedAndMemoryOnly
                                 : OptionEffect::kChangesResults)
        << option.name;
  }
}

}  // namespace
}  // namespace m8
