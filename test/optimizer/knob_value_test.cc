#include "optimizer/knob_value.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using nlohmann::json;

TEST(KnobValueTest, IntegersPrintWithoutAFraction) {
  EXPECT_EQ(KnobValue::Number(4).ToJson(), "4");
  EXPECT_EQ(KnobValue::Number(4.0).ToJson(), "4");
  EXPECT_EQ(KnobValue::Number(-3).ToJson(), "-3");
  EXPECT_EQ(KnobValue::Number(0).ToJson(), "0");
  EXPECT_EQ(KnobValue::Number(65536).ToJson(), "65536");
  EXPECT_EQ(KnobValue::Number(123456789012345).ToJson(), "123456789012345");
  EXPECT_EQ(KnobValue::Number(4).ToText(), "4");
}

TEST(KnobValueTest, FractionsPrintShortest) {
  EXPECT_EQ(KnobValue::Number(0.25).ToJson(), "0.25");
  EXPECT_EQ(KnobValue::Number(0.1).ToJson(), "0.1");
  EXPECT_EQ(KnobValue::Number(-2.5).ToJson(), "-2.5");
  EXPECT_EQ(KnobValue::Number(0.25).ToText(), "0.25");
}

TEST(KnobValueTest, LargeAndSmallNumbersUseExponents) {
  EXPECT_EQ(KnobValue::Number(1e20).ToJson(), "1e+20");
  EXPECT_EQ(KnobValue::Number(1e-7).ToJson(), "1e-07");
}

// Whatever the text, JSON must read it back as the same double, bit for bit.
TEST(KnobValueTest, NumbersRoundTripThroughJson) {
  const std::vector<double> values = {
      0.1,    0.1 + 0.2, 1.0 / 3,   1e20,    1e15,    1e15 + 1, 2.5e-300,
      5e-324, -1e300,    123.456e7, 65536.5, 9.75e14, 4,        -7};
  for (const double v : values) {
    const std::string text = KnobValue::Number(v).ToJson();
    const json parsed = json::parse(text);
    ASSERT_TRUE(parsed.is_number()) << text;
    EXPECT_EQ(std::bit_cast<uint64_t>(parsed.get<double>()),
              std::bit_cast<uint64_t>(v))
        << v << " printed as " << text;
  }
}

TEST(KnobValueTest, StringsAreQuotedForJsonAndBareForText) {
  EXPECT_EQ(KnobValue::String("skip").ToJson(), "\"skip\"");
  EXPECT_EQ(KnobValue::String("skip").ToText(), "skip");
  EXPECT_EQ(KnobValue::String("").ToJson(), "\"\"");
  EXPECT_EQ(KnobValue::String("a\"b").ToJson(), "\"a\\\"b\"");
  EXPECT_EQ(KnobValue::String("a\\b").ToJson(), "\"a\\\\b\"");
}

TEST(KnobValueTest, ControlCharactersAreEscaped) {
  std::string all_controls;
  for (int c = 1; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  const std::vector<std::string> strings = {"line\nbreak",
                                            "tab\there",
                                            std::string("nul\0in", 6),
                                            all_controls,
                                            "quote\" back\\slash \x7f",
                                            "caf\xc3\xa9"};
  for (const std::string& s : strings) {
    const std::string text = KnobValue::String(s).ToJson();
    for (const char c : text) {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20)
          << "raw control character in " << text;
    }
    const json parsed = json::parse(text);
    ASSERT_TRUE(parsed.is_string()) << text;
    EXPECT_EQ(parsed.get<std::string>(), s) << text;
  }
}

TEST(KnobValueTest, Accessors) {
  const KnobValue n = KnobValue::Number(2.5);
  EXPECT_FALSE(n.is_string());
  EXPECT_EQ(n.number(), 2.5);
  const KnobValue s = KnobValue::String("x");
  EXPECT_TRUE(s.is_string());
  EXPECT_EQ(s.string(), "x");
  EXPECT_FALSE(KnobValue().is_string());
  EXPECT_EQ(KnobValue().number(), 0);
}

TEST(KnobValueTest, Equality) {
  EXPECT_EQ(KnobValue::Number(4), KnobValue::Number(4.0));
  EXPECT_EQ(KnobValue::String("a"), KnobValue::String("a"));
  EXPECT_FALSE(KnobValue::Number(4) == KnobValue::Number(5));
  EXPECT_FALSE(KnobValue::String("a") == KnobValue::String("b"));
  EXPECT_FALSE(KnobValue::Number(0) == KnobValue::String("0"));
  EXPECT_FALSE(KnobValue::String("4") == KnobValue::Number(4));
  EXPECT_FALSE(KnobValue::Number(0) == KnobValue::String(""));
  EXPECT_EQ(KnobValue(), KnobValue::Number(0));
}

TEST(KnobValueTest, NumbersOrderBeforeStrings) {
  const KnobValue n1 = KnobValue::Number(-5);
  const KnobValue n2 = KnobValue::Number(2);
  const KnobValue n3 = KnobValue::Number(1e9);
  const KnobValue s1 = KnobValue::String("");
  const KnobValue s2 = KnobValue::String("10");
  const KnobValue s3 = KnobValue::String("9");
  const KnobValue s4 = KnobValue::String("a");
  std::vector<KnobValue> values = {s4, n3, s3, n1, s2, n2, s1};
  std::sort(values.begin(), values.end());
  const std::vector<KnobValue> expected = {n1, n2, n3, s1, s2, s3, s4};
  EXPECT_EQ(values, expected);

  EXPECT_TRUE(n3 < s1);
  EXPECT_FALSE(s1 < n3);
  EXPECT_FALSE(n2 < n2);
  EXPECT_FALSE(s2 < s2);
  EXPECT_TRUE(s2 < s3);  // lexicographic, not numeric
}

}  // namespace
}  // namespace m8::optimizer
