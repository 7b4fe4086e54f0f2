// The default knob space of m8perf tune (optimizer/spaces/grid.json, compiled
// in) against the grid's option table: it holds exactly the options that
// change only speed and memory, with values the grid accepts, so that an
// option added to the grid reaches the tuner or this test fails.

#include "optimizer/default_space.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "grid/grid_config.h"
#include "grid/option_table.h"
#include "gtest/gtest.h"
#include "optimizer/space.h"

namespace m8::optimizer {
namespace {

TEST(DefaultSpaceTest, HoldsEverySpeedOnlyOptionAndNothingElse) {
  absl::StatusOr<Space> space =
      Space::Parse(kDefaultSpaceJson, kDefaultSpaceSource);
  ASSERT_TRUE(space.ok()) << space.status();
  std::set<std::string> knobs(space->names().begin(), space->names().end());
  std::set<std::string> speed_only;
  for (const OptionInfo& option : GridOptionTable()) {
    if (option.effect == OptionEffect::kSpeedAndMemoryOnly) {
      speed_only.insert(option.name);
    }
  }
  // By hand: the four options that change neither answers nor capacity.
  EXPECT_EQ(speed_only,
            (std::set<std::string>{"brick_edge", "frequency_buckets",
                                   "expected_cells", "shard_count"}));
  EXPECT_EQ(knobs, speed_only);
}

TEST(DefaultSpaceTest, EveryValueIsAcceptedByTheGrid) {
  absl::StatusOr<Space> space =
      Space::Parse(kDefaultSpaceJson, kDefaultSpaceSource);
  ASSERT_TRUE(space.ok()) << space.status();
  for (const Knob& knob : space->knobs()) {
    EXPECT_GE(knob.values.size(), 2u) << knob.name;
    for (const KnobValue& value : knob.values) {
      const std::string config =
          absl::StrCat("{\"", knob.name, "\": ", value.ToJson(), "}");
      EXPECT_TRUE(ParseGridConfig(config, "default space").ok()) << config;
    }
  }
  absl::StatusOr<std::vector<Config>> points = space->ValidPoints();
  ASSERT_TRUE(points.ok());
  EXPECT_EQ(points->size(), 4u * 4u * 2u * 4u);
}

}  // namespace
}  // namespace m8::optimizer
