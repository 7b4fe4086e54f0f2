#include "grid/grid_options.h"

#include <cmath>
#include <cstddef>
#include <string>

#include "gmock/gmock.h"
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

TEST(GridOptionsTest, CellCountsGoUpToTheAddressSpace) {
  GridOptions o;
  o.max_cells = size_t{1} << 32;
  o.expected_cells = size_t{1} << 32;
  EXPECT_TRUE(o.Validate().ok()) << o.Validate();

  o.expected_cells = size_t{10000000000000};
  const absl::Status s = o.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "grid option expected_cells = 10000000000000 is out of range "
            "[0, 4294967296]");
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
