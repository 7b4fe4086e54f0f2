#include "optimizer/space.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSource[] = "spaces/test.json";

Space MustParse(const std::string& text) {
  absl::StatusOr<Space> space = Space::Parse(text, kSource);
  EXPECT_TRUE(space.ok()) << space.status();
  if (!space.ok()) {
    return *Space::Parse(R"({"knobs": [{"name": "x", "values": [0]}]})",
                         kSource);
  }
  return *std::move(space);
}

// The JSON texts of the values of the space's only knob.
std::vector<std::string> OnlyKnobTexts(const std::string& range) {
  const Space space = MustParse(
      absl::StrCat(R"({"knobs": [{"name": "k", "range": )", range, "}]}"));
  std::vector<std::string> texts;
  if (space.knobs().size() != 1) return texts;
  for (const KnobValue& v : space.knobs()[0].values) {
    texts.push_back(v.ToJson());
  }
  return texts;
}

KnobValue N(double v) { return KnobValue::Number(v); }
KnobValue S(const std::string& v) { return KnobValue::String(v); }

TEST(SpaceTest, ListedValuesKeepTheirOrder) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "brick_edge", "values": [4, 1, 8, 2]},
      {"name": "policy", "values": ["skip", "wrap"]}]})");
  ASSERT_EQ(space.knobs().size(), 2u);
  EXPECT_EQ(space.knobs()[0].name, "brick_edge");
  EXPECT_EQ(space.knobs()[0].values,
            (std::vector<KnobValue>{N(4), N(1), N(8), N(2)}));
  EXPECT_EQ(space.knobs()[1].values,
            (std::vector<KnobValue>{S("skip"), S("wrap")}));
  EXPECT_EQ(space.names(), (std::vector<std::string>{"brick_edge", "policy"}));
  EXPECT_EQ(space.source(), kSource);
  EXPECT_EQ(space.size(), 8u);
  EXPECT_TRUE(space.constraints().empty());
}

TEST(SpaceTest, Log2RangeDoubles) {
  // 16 = 2^4 ... 65536 = 2^16: 13 values.
  std::vector<std::string> expected;
  for (int e = 4; e <= 16; ++e) expected.push_back(std::to_string(1 << e));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 16, "max": 65536, "scale": "log2"})"),
            expected);
  EXPECT_EQ(expected.size(), 13u);
  // A max that is not on the ladder is not reached.
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 3, "max": 100, "scale": "log2"})"),
            (std::vector<std::string>{"3", "6", "12", "24", "48", "96"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 0.25, "max": 2, "scale": "log2"})"),
            (std::vector<std::string>{"0.25", "0.5", "1", "2"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 5, "max": 5, "scale": "log2"})"),
            (std::vector<std::string>{"5"}));
}

TEST(SpaceTest, LinearRangeStepsWithoutDrift) {
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 0.1, "max": 0.5, "step": 0.1})"),
            (std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 1, "max": 5})"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 1, "max": 5, "scale": "linear"})"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  // A step that does not divide the range stops below max.
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 0, "max": 1, "step": 0.3})"),
            (std::vector<std::string>{"0", "0.3", "0.6", "0.9"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": -1, "max": 1, "step": 0.5})"),
            (std::vector<std::string>{"-1", "-0.5", "0", "0.5", "1"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 0, "max": 1, "step": 0.01})").size(),
            101u);
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 0, "max": 1, "step": 0.01})")[29], "0.29");
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 7, "max": 7})"),
            (std::vector<std::string>{"7"}));
}

TEST(SpaceTest, LinearRangeKeepsLargeValuesExact) {
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 123456789, "max": 123456791})"),
            (std::vector<std::string>{"123456789", "123456790", "123456791"}));
  EXPECT_EQ(
      OnlyKnobTexts(R"({"min": 4503599627370496, "max": 4503599627370497})"),
      (std::vector<std::string>{"4503599627370496", "4503599627370497"}));
  EXPECT_EQ(OnlyKnobTexts(R"({"min": 1e300, "max": 1e300})"),
            (std::vector<std::string>{"1e+300"}));
}

// Steps far below the 12 decimals that 0.1-steps are rounded to stay
// distinct.
TEST(SpaceTest, TinyStepsGiveDistinctValues) {
  const std::vector<std::string> texts =
      OnlyKnobTexts(R"({"min": 0, "max": 4e-13, "step": 1e-13})");
  ASSERT_EQ(texts.size(), 5u);
  EXPECT_EQ(texts[0], "0");
  EXPECT_EQ(texts[1], "1e-13");
  for (size_t i = 1; i < texts.size(); ++i) {
    EXPECT_LT(std::stod(texts[i - 1]), std::stod(texts[i])) << i;
  }
}

TEST(SpaceTest, AKnobMayHaveExactlyTheMostValues) {
  const Space from_range = MustParse(
      absl::StrCat(R"({"knobs": [{"name": "k", "range": {"min": 1, "max": )",
                   kMaxKnobValues, "}}]}"));
  EXPECT_EQ(from_range.size(), kMaxKnobValues);
  std::vector<std::string> listed;
  for (size_t i = 0; i < kMaxKnobValues; ++i) listed.push_back(absl::StrCat(i));
  const Space from_list =
      MustParse(absl::StrCat(R"({"knobs": [{"name": "k", "values": [)",
                             absl::StrJoin(listed, ","), "]}]}"));
  EXPECT_EQ(from_list.size(), kMaxKnobValues);
}

TEST(SpaceTest, SizeIsTheProductOfTheKnobs) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "a", "values": [1, 2, 3, 4]},
      {"name": "b", "range": {"min": 16, "max": 65536, "scale": "log2"}},
      {"name": "c", "range": {"min": 0.1, "max": 0.5, "step": 0.1}}],
      "constraints": ["a < 3"]})");
  EXPECT_EQ(space.size(), 4u * 13u * 5u);  // constraints do not count
}

// The order and count of ValidPoints against nested loops written here.
TEST(SpaceTest, ValidPointsMatchBruteForce) {
  const Space space = MustParse(R"js({"knobs": [
      {"name": "a", "values": [1, 2, 3, 4]},
      {"name": "s", "values": ["x", "y", "z"]},
      {"name": "c", "range": {"min": 0, "max": 2}}],
      "constraints": ["a * c <= 4 || s == \"y\"", "!(a == 2 && c == 1)"]})js");
  std::vector<Config> expected;
  for (const int a : {1, 2, 3, 4}) {
    for (const char* s : {"x", "y", "z"}) {
      for (const int c : {0, 1, 2}) {
        const bool first = a * c <= 4 || std::string(s) == "y";
        const bool second = !(a == 2 && c == 1);
        if (first && second) expected.push_back({N(a), S(s), N(c)});
      }
    }
  }
  absl::StatusOr<std::vector<Config>> valid = space.ValidPoints();
  ASSERT_TRUE(valid.ok()) << valid.status();
  EXPECT_EQ(*valid, expected);
  // By hand: 36 points; c = 1 at a = 2 removes 3; a*c > 4 outside s == "y"
  // removes (3,2) and (4,2) for x and z: 4. 36 - 3 - 4 = 29.
  EXPECT_EQ(valid->size(), 29u);
  EXPECT_EQ(space.size(), 36u);
  for (const Config& c : expected) EXPECT_TRUE(*space.Allows(c));
  EXPECT_FALSE(*space.Allows({N(2), S("y"), N(1)}));
  EXPECT_FALSE(*space.Allows({N(4), S("x"), N(2)}));
}

TEST(SpaceTest, ValidPointsWithoutConstraintsTurnTheLastKnobFastest) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "a", "values": [2, 1]},
      {"name": "b", "values": ["q", "p", "r"]}]})");
  const std::vector<Config> expected = {{N(2), S("q")}, {N(2), S("p")},
                                        {N(2), S("r")}, {N(1), S("q")},
                                        {N(1), S("p")}, {N(1), S("r")}};
  EXPECT_EQ(*space.ValidPoints(), expected);
}

TEST(SpaceTest, AllowsReportsEvaluationErrors) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "a", "values": [1, 2]}], "constraints": ["a > 1"]})");
  EXPECT_FALSE(space.Allows({S("text")}).ok());
}

TEST(SpaceTest, DescribeAndToJson) {
  const Space space = MustParse(R"({"knobs": [
      {"name": "brick_edge", "values": [4, 8]},
      {"name": "we\"ird\\name\n", "values": ["skip", "a\"b"]},
      {"name": "alpha", "values": [0.25]}]})");
  const Config config = {N(4), S("a\"b"), N(0.25)};
  EXPECT_EQ(space.Describe({N(4), S("skip"), N(0.25)}),
            "brick_edge=4 we\"ird\\name\n=skip alpha=0.25");
  const std::string text = space.ToJson(config);
  const json parsed = json::parse(text);
  ASSERT_TRUE(parsed.is_object()) << text;
  EXPECT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed.at("brick_edge"), 4);
  EXPECT_TRUE(parsed.at("brick_edge").is_number_integer()) << text;
  EXPECT_EQ(parsed.at("we\"ird\\name\n"), "a\"b");
  EXPECT_EQ(parsed.at("alpha"), 0.25);
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  const Space plain = MustParse(R"({"knobs": [
      {"name": "brick_edge", "values": [4, 8]},
      {"name": "policy", "values": ["skip"]}]})");
  EXPECT_EQ(plain.ToJson({N(8), S("skip")}),
            R"({"brick_edge": 8, "policy": "skip"})");
  EXPECT_EQ(plain.Describe({N(8), S("skip")}), "brick_edge=8 policy=skip");
}

TEST(SpaceTest, CanonicalIgnoresFormatting) {
  const Space a = MustParse(
      R"({"knobs": [{"name": "a", "values": [1, 2, 3]},
                    {"name": "s", "values": ["x"]}],
          "constraints": ["a > 1"]})");
  const Space b = MustParse(
      "{\n  \"constraints\" : [ \"a > 1\" ] ,\n  \"knobs\":[{\"values\":"
      "[1.0,2e0,3],\"name\":\"a\"},{\"name\":\"s\",\"values\":[\"x\"]}]}");
  const Space c = MustParse(
      R"({"knobs": [{"name": "a", "range": {"min": 1, "max": 3}},
                    {"name": "s", "values": ["x"]}],
          "constraints": ["a > 1"]})");
  EXPECT_EQ(a.canonical(), b.canonical());
  EXPECT_EQ(a.canonical(), c.canonical());
  EXPECT_FALSE(a.canonical().empty());

  const std::vector<std::string> different = {
      // value order
      R"({"knobs": [{"name": "a", "values": [3, 2, 1]},
                    {"name": "s", "values": ["x"]}],
          "constraints": ["a > 1"]})",
      // a value
      R"({"knobs": [{"name": "a", "values": [1, 2, 4]},
                    {"name": "s", "values": ["x"]}],
          "constraints": ["a > 1"]})",
      // a knob's name
      R"({"knobs": [{"name": "b", "values": [1, 2, 3]},
                    {"name": "s", "values": ["x"]}],
          "constraints": ["b > 1"]})",
      // knob order
      R"({"knobs": [{"name": "s", "values": ["x"]},
                    {"name": "a", "values": [1, 2, 3]}],
          "constraints": ["a > 1"]})",
      // the constraint
      R"({"knobs": [{"name": "a", "values": [1, 2, 3]},
                    {"name": "s", "values": ["x"]}],
          "constraints": ["a > 2"]})",
      // no constraint
      R"({"knobs": [{"name": "a", "values": [1, 2, 3]},
                    {"name": "s", "values": ["x"]}]})",
      // a string value
      R"({"knobs": [{"name": "a", "values": [1, 2, 3]},
                    {"name": "s", "values": ["y"]}],
          "constraints": ["a > 1"]})",
  };
  for (const std::string& text : different) {
    absl::StatusOr<Space> other = Space::Parse(text, kSource);
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_NE(a.canonical(), other->canonical()) << text;
  }
  // A string is not the number it spells.
  const Space numbers =
      MustParse(R"({"knobs": [{"name": "a", "values": [1, 2, 3]}]})");
  const Space strings =
      MustParse(R"({"knobs": [{"name": "a", "values": [1, 2, "3"]}]})");
  EXPECT_NE(numbers.canonical(), strings.canonical());
}

TEST(SpaceTest, LoadReadsAFileAndNamesIt) {
  std::string dir = ::testing::TempDir() + "m8_space_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/space.json";
  {
    std::ofstream out(path);
    out << R"({"knobs": [{"name": "a", "values": [1, 2]}]})";
  }
  absl::StatusOr<Space> space = Space::Load(path);
  ASSERT_TRUE(space.ok()) << space.status();
  EXPECT_EQ(space->source(), path);
  EXPECT_EQ(space->size(), 2u);

  {
    std::ofstream out(path);
    out << R"({"knobs": [{"name": "a", "values": []}]})";
  }
  EXPECT_THAT(Space::Load(path).status().message(), HasSubstr(path));

  const std::string missing = dir + "/missing.json";
  const absl::Status status = Space::Load(missing).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(missing));
  std::filesystem::remove_all(dir);
}

struct BadSpace {
  std::string what;
  std::string json;
  std::string names;  // what the message must name beside the source
};

std::string Knobs(const std::string& knobs, const std::string& rest = "") {
  return absl::StrCat(R"({"knobs": [)", knobs, "]", rest, "}");
}

std::string ManyValues(size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; ++i) v.push_back(absl::StrCat(i));
  return absl::StrJoin(v, ",");
}

TEST(SpaceTest, EveryErrorIsOneLineNamingTheSourceAndTheKnob) {
  const std::string ok_knob = R"({"name": "alpha", "values": [1, 2]})";
  const std::vector<BadSpace> cases = {
      {"malformed JSON", "{\n  \"knobs\": [\n    {\"name\": \"alpha\",\n",
       "JSON"},
      {"malformed JSON, trailing comma",
       "{\"knobs\": [{\"name\": \"alpha\", \"values\": [1,]}]}\n", "JSON"},
      {"empty document", "", "JSON"},
      {"not an object", "[1, 2]", "object"},
      {"unknown top-level key", Knobs(ok_knob, R"(, "constrains": [])"),
       "constrains"},
      {"no knobs", "{}", "knobs"},
      {"empty knobs", R"({"knobs": []})", "knobs"},
      {"knobs not an array", R"({"knobs": {"name": "alpha"}})", "knobs"},
      {"knob not an object", Knobs("3"), "knobs[0]"},
      {"unknown knob key",
       Knobs(R"({"name": "alpha", "values": [1], "value": 2})"), "alpha"},
      {"missing name", Knobs(ok_knob + R"(, {"values": [1]})"), "knobs[1]"},
      {"empty name", Knobs(R"({"name": "", "values": [1]})"), "knobs[0]"},
      {"name not a string", Knobs(R"({"name": 4, "values": [1]})"), "knobs[0]"},
      {"duplicate knob", Knobs(ok_knob + "," + ok_knob), "alpha"},
      {"duplicate value", Knobs(R"({"name": "alpha", "values": [1, 2, 1.0]})"),
       "alpha"},
      {"duplicate string value",
       Knobs(R"({"name": "alpha", "values": ["x", "y", "x"]})"), "alpha"},
      {"empty values", Knobs(R"({"name": "alpha", "values": []})"), "alpha"},
      {"values not an array", Knobs(R"({"name": "alpha", "values": 3})"),
       "alpha"},
      {"both values and range",
       Knobs(R"({"name": "alpha", "values": [1], "range": {"min": 1,
       "max": 2}})"),
       "alpha"},
      {"neither values nor range", Knobs(R"({"name": "alpha"})"), "alpha"},
      {"range max < min",
       Knobs(R"({"name": "alpha", "range": {"min": 5, "max": 4}})"), "alpha"},
      {"range without min", Knobs(R"({"name": "alpha", "range": {"max": 4}})"),
       "alpha"},
      {"range without max", Knobs(R"({"name": "alpha", "range": {"min": 4}})"),
       "alpha"},
      {"range min not a number",
       Knobs(R"({"name": "alpha", "range": {"min": "1", "max": 4}})"), "alpha"},
      {"range not an object", Knobs(R"({"name": "alpha", "range": [1, 4]})"),
       "alpha"},
      {"unknown range key",
       Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 4, "steps": 1}})"),
       "alpha"},
      {"log2 with min 0",
       Knobs(R"({"name": "alpha", "range": {"min": 0, "max": 4,
       "scale": "log2"}})"),
       "alpha"},
      {"log2 with min < 0",
       Knobs(R"({"name": "alpha", "range": {"min": -4, "max": 4,
       "scale": "log2"}})"),
       "alpha"},
      {"log2 with a step",
       Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 4,
       "scale": "log2", "step": 2}})"),
       "alpha"},
      {"unknown scale", Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 4,
       "scale": "log10"}})"),
       "alpha"},
      {"scale not a string",
       Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 4,
       "scale": 2}})"),
       "alpha"},
      {"step 0",
       Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 4, "step": 0}})"),
       "alpha"},
      {"step < 0", Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 4,
       "step": -1}})"),
       "alpha"},
      {"too many listed values",
       Knobs(absl::StrCat(R"({"name": "alpha", "values": [)",
                          ManyValues(kMaxKnobValues + 1), "]}")),
       "alpha"},
      {"too many range values",
       Knobs(absl::StrCat(R"({"name": "alpha", "range": {"min": 1, "max": )",
                          kMaxKnobValues + 1, "}}")),
       "alpha"},
      {"too many tiny steps",
       Knobs(R"({"name": "alpha", "range": {"min": 0, "max": 1,
       "step": 1e-9}})"),
       "alpha"},
      {"a bool value", Knobs(R"({"name": "alpha", "values": [1, true]})"),
       "alpha"},
      {"a null value", Knobs(R"({"name": "alpha", "values": [null]})"),
       "alpha"},
      {"an object value", Knobs(R"({"name": "alpha", "values": [{"x": 1}]})"),
       "alpha"},
      {"an array value", Knobs(R"({"name": "alpha", "values": [[1]]})"),
       "alpha"},
      {"constraints not an array", Knobs(ok_knob, R"(, "constraints": "a")"),
       "constraints"},
      {"constraint not a string", Knobs(ok_knob, R"(, "constraints": [3])"),
       "constraint"},
      {"constraint syntax error",
       Knobs(ok_knob, R"(, "constraints": ["alpha =="])"), "alpha =="},
      {"constraint with an unknown name",
       Knobs(ok_knob, R"(, "constraints": ["beta == 1"])"), "beta"},
      {"constraint comparing a number with a string",
       Knobs(ok_knob, R"(, "constraints": ["alpha == \"x\""])"), "alpha"},
      {"constraint that is no condition",
       Knobs(ok_knob, R"(, "constraints": ["alpha + 1"])"), "alpha + 1"},
      {"no point satisfies the constraints",
       Knobs(ok_knob, R"(, "constraints": ["alpha > 100"])"), "constraints"},
      {"more than a million points",
       Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 1000}},
                {"name": "beta", "range": {"min": 1, "max": 1001}})"),
       "1000000"},
  };
  for (const BadSpace& c : cases) {
    const absl::Status status = Space::Parse(c.json, kSource).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_THAT(status.message(), HasSubstr(kSource)) << c.what;
    EXPECT_THAT(status.message(), HasSubstr(c.names)) << c.what;
    EXPECT_THAT(status.message(), Not(HasSubstr("\n"))) << c.what;
  }
}

// A space of more than a million points must not claim a wrong size.
TEST(SpaceTest, TooLargeSpaceReportsNoFalseCount) {
  const absl::Status status =
      Space::Parse(Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 1000}},
                   {"name": "beta", "range": {"min": 1, "max": 1001}})"),
                   kSource)
          .status();
  ASSERT_FALSE(status.ok());
  // 1000 * 1001 = 1001000 points.
  EXPECT_THAT(status.message(), Not(HasSubstr("1000001")));
}

TEST(SpaceTest, AMillionPointsAreAllowed) {
  // 1000 * 1000 = kMaxSpacePoints; the constraint keeps ValidPoints small.
  const Space space =
      MustParse(Knobs(R"({"name": "alpha", "range": {"min": 1, "max": 1000}},
               {"name": "beta", "range": {"min": 1, "max": 1000}})",
                      R"(, "constraints": ["alpha == beta"])"));
  EXPECT_EQ(space.size(), kMaxSpacePoints);
  EXPECT_EQ(space.ValidPoints()->size(), 1000u);
}

}  // namespace
}  // namespace m8::optimizer
