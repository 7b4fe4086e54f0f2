#include "grid/grid_options.h"

#include <cmath>
#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grid/concurrent_grid.h"
#include "grid/grid.h"
#include "gtest/gtest.h"

namespace m8 {
namespace {

using ::testing::HasSubstr;

TEST(GridOptionsTest, DefaultsAreTheModels) {
  GridOptions o;
  EXPECT_DOUBLE_EQ(o.alpha, 0.3);
  EXPECT_DOUBLE_EQ(o.beta, 0.5);
  EXPECT_DOUBLE_EQ(o.noise_floor, 0.1);
  EXPECT_DOUBLE_EQ(o.blanket_threshold, 0.5);
  EXPECT_DOUBLE_EQ(o.active_threshold, 0.01);
  EXPECT_DOUBLE_EQ(o.reinforce_gain, 0.1);
  EXPECT_DOUBLE_EQ(o.amplitude_max, 1000.0);
  EXPECT_EQ(o.edge_policy, EdgePolicy::kClamp);
  EXPECT_EQ(o.max_cells, 0u);
  EXPECT_TRUE(o.Validate().ok());
}

// One more cell than the 256 * 256 * 65536 coordinates.
constexpr size_t kPastTheAddressSpace = (size_t{1} << 32) + 1;

struct BadOption {
  std::string field;
  void (*apply)(GridOptions&);
};

TEST(GridOptionsTest, RejectsEachOutOfRangeFieldByName) {
  const BadOption cases[] = {
      {"alpha", [](GridOptions& o) { o.alpha = 1.5; }},
      {"alpha", [](GridOptions& o) { o.alpha = NAN; }},
      {"beta", [](GridOptions& o) { o.beta = -2; }},
      {"noise_floor", [](GridOptions& o) { o.noise_floor = -0.1; }},
      {"blanket_threshold", [](GridOptions& o) { o.blanket_threshold = 0.05; }},
      {"active_threshold", [](GridOptions& o) { o.active_threshold = -1; }},
      {"reinforce_gain", [](GridOptions& o) { o.reinforce_gain = 11; }},
      {"amplitude_max", [](GridOptions& o) { o.amplitude_max = 0; }},
      {"amplitude_max", [](GridOptions& o) { o.amplitude_max = INFINITY; }},
      {"relevance", [](GridOptions& o) { o.relevance = 0; }},
      {"familiarity", [](GridOptions& o) { o.familiarity = -1; }},
      {"threat", [](GridOptions& o) { o.threat = NAN; }},
      {"brick_edge", [](GridOptions& o) { o.brick_edge = 3; }},
      {"brick_edge", [](GridOptions& o) { o.brick_edge = 16; }},
      {"frequency_buckets", [](GridOptions& o) { o.frequency_buckets = 0; }},
      {"max_cells", [](GridOptions& o) { o.max_cells = kPastTheAddressSpace; }},
      {"expected_cells",
       [](GridOptions& o) { o.expected_cells = kPastTheAddressSpace; }},
  };
  for (const BadOption& c : cases) {
    GridOptions o;
    c.apply(o);
    const absl::Status s = o.Validate();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.field));
    EXPECT_FALSE(Grid::Create(o).ok()) << c.field;
  }
}

TEST(GridOptionsTest, MaxCellsGoesUpToTheAddressSpace) {
  GridOptions o;
  o.max_cells = size_t{1} << 32;  // 256 * 256 * 65536 coordinates.
  EXPECT_TRUE(o.Validate().ok()) << o.Validate();
  o.max_cells = (size_t{1} << 32) + 1;
  EXPECT_EQ(o.Validate().message(),
            "grid option max_cells = 4294967297 is out of range "
            "[0, 4294967296]");
}

TEST(GridOptionsTest, ExpectedCellsStopsWhereTheReservationAloneIsTooBig) {
  GridOptions o;
  o.expected_cells = 67108864;  // 2^26: a 2^27-slot table.
  EXPECT_TRUE(o.Validate().ok()) << o.Validate();
  for (const size_t above :
       {size_t{67108865}, size_t{1} << 32, size_t{1000000000000}, ~size_t{0}}) {
    o.expected_cells = above;
    const absl::Status s = o.Validate();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << above;
    EXPECT_EQ(s.message(), absl::StrCat("grid option expected_cells = ", above,
                                        " is out of range [0, 67108864]"));
  }
}

TEST(GridOptionsTest, FrequencyBucketsAtAndAboveTheBound) {
  GridOptions o;
  o.frequency_buckets = 1048576;
  EXPECT_TRUE(o.Validate().ok()) << o.Validate();
  o.frequency_buckets = 1048577;
  EXPECT_EQ(o.Validate().message(),
            "grid option frequency_buckets = 1048577 is out of range "
            "[1, 1048576]");
}

TEST(ConcurrentGridOptionsTest, ShardsAndBucketsAreBoundedTogether) {
  ConcurrentGridOptions o;
  o.shard_count = 4096;
  o.grid.frequency_buckets = 1024;  // 4096 * 1024 = 2^22 buckets in all.
  EXPECT_TRUE(o.Validate().ok()) << o.Validate();
  o.grid.frequency_buckets = 1025;
  EXPECT_EQ(o.Validate().message(),
            "grid options shard_count * frequency_buckets = 4096 * 1025 = "
            "4198400 is out of range [1, 4194304] (every shard has its own "
            "frequency index)");
  o.shard_count = 1;
  o.grid.frequency_buckets = 1048576;  // One shard may have every bucket.
  EXPECT_TRUE(o.Validate().ok()) << o.Validate();
  o.shard_count = 4097;
  o.grid.frequency_buckets = 1;
  EXPECT_EQ(o.Validate().message(),
            "grid option shard_count = 4097 is out of range [1, 4096]");
  o.shard_count = 0;
  EXPECT_EQ(o.Validate().message(),
            "grid option shard_count = 0 is out of range [1, 4096]");
}

TEST(GridOptionsTest, EdgePolicyParsesAndUnparses) {
  EdgePolicy p;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("skip", &p, &error));
  EXPECT_EQ(p, EdgePolicy::kSkip);
  EXPECT_TRUE(AbslParseFlag("clamp", &p, &error));
  EXPECT_EQ(p, EdgePolicy::kClamp);
  EXPECT_FALSE(AbslParseFlag("wrap", &p, &error));
  EXPECT_THAT(error, HasSubstr("wrap"));
  EXPECT_EQ(AbslUnparseFlag(EdgePolicy::kSkip), "skip");
  EXPECT_EQ(AbslUnparseFlag(EdgePolicy::kClamp), "clamp");
}

}  // namespace
}  // namespace m8
