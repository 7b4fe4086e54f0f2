#include "optimizer/constraint.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::optimizer {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kNames = {"a", "b", "c", "s"};

Constraint MustParse(const std::string& text,
                     const std::vector<std::string>& names = kNames) {
  absl::StatusOr<Constraint> c = Constraint::Parse(text, names);
  EXPECT_TRUE(c.ok()) << text << ": " << c.status();
  if (!c.ok()) return *Constraint::Parse("1 == 1", names);
  return *std::move(c);
}

std::vector<KnobValue> Values(double a, double b, double c,
                              const std::string& s = "x") {
  return {KnobValue::Number(a), KnobValue::Number(b), KnobValue::Number(c),
          KnobValue::String(s)};
}

// Evaluates `text` on (a, b, c); fails the test on an error.
bool Eval(const std::string& text, double a, double b, double c,
          const std::string& s = "x") {
  absl::StatusOr<bool> r = MustParse(text).Evaluate(Values(a, b, c, s));
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() && *r;
}

absl::Status EvalStatus(const std::string& text, double a, double b, double c,
                        const std::string& s = "x") {
  return MustParse(text).Evaluate(Values(a, b, c, s)).status();
}

absl::Status ParseStatus(const std::string& text) {
  return Constraint::Parse(text, kNames).status();
}

// Each expression beside the same expression in C++, whose precedence the
// grammar follows. Integers in [-3, 3] keep % and / well defined for C++'s
// integer operators (b is never 0 where it divides).
struct Oracle {
  std::string text;
  std::function<bool(int, int, int)> expected;
};

TEST(ConstraintTest, AgreesWithCPrecedenceOnEverySmallCombination) {
  const std::vector<Oracle> oracles = {
      {"a*2 <= b || !(c == 3)",
       [](int a, int b, int c) { return a * 2 <= b || !(c == 3); }},
      {"a + b * c == 2", [](int a, int b, int c) { return a + b * c == 2; }},
      {"(a + b) * c == 2",
       [](int a, int b, int c) { return (a + b) * c == 2; }},
      {"a - b - c == 0", [](int a, int b, int c) { return a - b - c == 0; }},
      {"a - (b - c) == 0",
       [](int a, int b, int c) { return a - (b - c) == 0; }},
      {"a < b && b < c || c == 0",
       [](int a, int b, int c) { return (a < b && b < c) || c == 0; }},
      {"a < b || b < c && c == 0",
       [](int a, int b, int c) { return a < b || (b < c && c == 0); }},
      {"!(a < b) && c >= 1 || a != b",
       [](int a, int b, int c) { return (!(a < b) && c >= 1) || a != b; }},
      {"-a * b == 2", [](int a, int b, int) { return -a * b == 2; }},
      {"- - a == a", [](int, int, int) { return true; }},
      {"a * -b > c", [](int a, int b, int c) { return a * -b > c; }},
      {"!!(a > b)", [](int a, int b, int) { return a > b; }},
      {"a >= b", [](int a, int b, int) { return a >= b; }},
      {"a<=b", [](int a, int b, int) { return a <= b; }},
      {"a!=b", [](int a, int b, int) { return a != b; }},
      {"a>b", [](int a, int b, int) { return a > b; }},
      {"a<b", [](int a, int b, int) { return a < b; }},
      {"a<-b", [](int a, int b, int) { return a < -b; }},
      {"!(a==b)", [](int a, int b, int) { return !(a == b); }},
      {"((((a)))) == ((b))", [](int a, int b, int) { return a == b; }},
      {"a + b * c - a * b >= c * c - 1",
       [](int a, int b, int c) { return a + b * c - a * b >= c * c - 1; }},
  };
  int checked = 0;
  for (const Oracle& o : oracles) {
    const Constraint constraint = MustParse(o.text);
    for (int a = -3; a <= 3; ++a) {
      for (int b = -3; b <= 3; ++b) {
        for (int c = -3; c <= 3; ++c) {
          absl::StatusOr<bool> r = constraint.Evaluate(Values(a, b, c));
          ASSERT_TRUE(r.ok()) << o.text << ": " << r.status();
          EXPECT_EQ(*r, o.expected(a, b, c))
              << o.text << " at a=" << a << " b=" << b << " c=" << c;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 21 * 7 * 7 * 7);
}

TEST(ConstraintTest, DivisionAndModuloAgreeWithC) {
  const Constraint div = MustParse("a / b == c");
  const Constraint mod = MustParse("a % b == c");
  const Constraint mixed = MustParse("a * b / c + a % c * 2 == a");
  for (int a = -7; a <= 7; ++a) {
    for (int b = -3; b <= 3; ++b) {
      if (b == 0) continue;
      for (int c = -3; c <= 3; ++c) {
        // Division is real division: 7 / 2 == 3.5, not 3.
        EXPECT_EQ(*div.Evaluate(Values(a, b, c)),
                  static_cast<double>(a) / b == c);
        EXPECT_EQ(*mod.Evaluate(Values(a, b, c)), a % b == c)
            << a << " % " << b << " == " << c;
        if (c != 0) {
          EXPECT_EQ(*mixed.Evaluate(Values(a, b, c)),
                    static_cast<double>(a) * b / c + std::fmod(a, c) * 2 == a);
        }
      }
    }
  }
  EXPECT_TRUE(Eval("a / b == 3.5", 7, 2, 0));
  EXPECT_TRUE(Eval("a % b == 1.5", 7.5, 2, 0));
}

TEST(ConstraintTest, NumbersInManyForms) {
  EXPECT_TRUE(Eval("a == 0.25", 0.25, 0, 0));
  EXPECT_TRUE(Eval("a == .5", 0.5, 0, 0));
  EXPECT_TRUE(Eval("a == 1e3", 1000, 0, 0));
  EXPECT_TRUE(Eval("a == 65536", 65536, 0, 0));
  EXPECT_TRUE(Eval("a == -2", -2, 0, 0));
  EXPECT_TRUE(Eval("a == 2.5e-3", 0.0025, 0, 0));
  EXPECT_TRUE(Eval("a == 1e+3-1", 999, 0, 0));
  // Decimal only.
  EXPECT_EQ(ParseStatus("a == 0x10").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ConstraintTest, StringsCompareAsStrings) {
  EXPECT_TRUE(Eval("s == \"skip\"", 0, 0, 0, "skip"));
  EXPECT_FALSE(Eval("s == \"skip\"", 0, 0, 0, "keep"));
  EXPECT_TRUE(Eval("s != \"skip\"", 0, 0, 0, "keep"));
  // As numbers 10 > 9; as strings "10" < "9".
  EXPECT_TRUE(Eval("s < \"9\"", 0, 0, 0, "10"));
  EXPECT_TRUE(Eval("s >= \"abc\"", 0, 0, 0, "abd"));
  EXPECT_FALSE(Eval("s > \"abc\"", 0, 0, 0, "ab"));
  EXPECT_TRUE(Eval("\"a b\" == s", 0, 0, 0, "a b"));
  EXPECT_TRUE(Eval("s == \"\"", 0, 0, 0, ""));
}

TEST(ConstraintTest, NumberAgainstStringIsAnEvaluationError) {
  // Parsing succeeds: the types are known only at evaluation.
  for (const std::string text :
       {"a == \"1\"", "s == 1", "s < a", "s + 1 == 2", "-s == \"x\""}) {
    const absl::Status status = EvalStatus(text, 1, 0, 0, "1");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ConstraintTest, ArithmeticOnStringsIsAnError) {
  EXPECT_EQ(EvalStatus("s + s == \"xx\"", 0, 0, 0).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ConstraintTest, DivisionByZeroIsAnError) {
  for (const std::string text : {"a / b == 1", "a % b == 0", "a / (c - c) > 0",
                                 "a / 0 == 1", "a % 0 == 1"}) {
    const absl::Status status = EvalStatus(text, 1, 0, 0);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(status.message(), HasSubstr("division by zero")) << text;
  }
  // Short-circuit: the right side of a decided || is not evaluated.
  EXPECT_TRUE(Eval("b == 0 || a / b > 0", 1, 0, 0));
  EXPECT_FALSE(Eval("b != 0 && a / b > 0", 1, 0, 0));
}

TEST(ConstraintTest, NonBooleanResultIsAnError) {
  for (const std::string text : {"a", "a + 1", "s", "\"x\"", "3", "-a"}) {
    const absl::Status status = EvalStatus(text, 1, 2, 3);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
  }
  // Conditions are no numbers.
  for (const std::string text :
       {"!a", "(a == 1) + 1 == 2", "a && b == 1", "b == 0 || a", "-(a == 1)"}) {
    const absl::Status status = EvalStatus(text, 1, 2, 3);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ConstraintTest, UnknownNameIsNamed) {
  const absl::Status status = ParseStatus("a == 1 || brick_edge > 2");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("brick_edge"));
  // Names are whole words: "ab" is not "a".
  EXPECT_THAT(ParseStatus("ab == 1").message(), HasSubstr("'ab'"));
}

TEST(ConstraintTest, NamesWithDigitsUnderscoresAndDots) {
  const Constraint c = MustParse("brick_edge * x2 == grid.shards && _ok == 1",
                                 {"brick_edge", "x2", "grid.shards", "_ok"});
  EXPECT_TRUE(*c.Evaluate({KnobValue::Number(2), KnobValue::Number(3),
                           KnobValue::Number(6), KnobValue::Number(1)}));
  EXPECT_FALSE(*c.Evaluate({KnobValue::Number(2), KnobValue::Number(3),
                            KnobValue::Number(5), KnobValue::Number(1)}));
  EXPECT_EQ(c.text(), "brick_edge * x2 == grid.shards && _ok == 1");
}

// The position is 1-based, counted by hand on each text.
TEST(ConstraintTest, SyntaxErrorsNameThePosition) {
  struct Case {
    std::string text;
    int character;
  };
  const std::vector<Case> cases = {
      {"a == ", 6},            // ends too soon
      {"a == 1 )", 8},         // trailing text
      {"a == (1", 8},          // missing ')'
      {"a == 1 && @", 11},     // bad character
      {"a == zz", 6},          // unknown name, at its start
      {"a = 1", 3},            // '=' alone is no operator
      {"a > = 1", 5},          // '> =' is not '>='
      {"a == \"x", 6},         // unterminated string (position after it)
      {"a | b", 3},            // single '|'
      {"a == 1 & b == 2", 8},  // single '&'
      {"", 1},                 // empty
      {"(a == 1", 8},          // missing ')'
      {"a ==== 1", 5},         // '==' then '=='
  };
  for (const Case& c : cases) {
    const absl::Status status = ParseStatus(c.text);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.text;
    if (c.text == "a == \"x") {
      EXPECT_THAT(status.message(), HasSubstr("unterminated"));
      continue;
    }
    EXPECT_THAT(status.message(),
                HasSubstr(absl::StrCat("at character ", c.character)))
        << c.text;
  }
}

TEST(ConstraintTest, ChainedComparisonsAreRefused) {
  for (const std::string text :
       {"a < b < c", "a == b == c", "a <= b != c", "1 < a >= 0"}) {
    const absl::Status status = ParseStatus(text);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(status.message(), HasSubstr("chain")) << text;
  }
  EXPECT_THAT(ParseStatus("a < b < c").message(), HasSubstr("at character 7"));
  // With parentheses and && they are fine.
  EXPECT_TRUE(Eval("a < b && b < c", 1, 2, 3));
}

TEST(ConstraintTest, DeepNestingIsRefusedWithoutCrashing) {
  const std::string deep =
      std::string(10000, '(') + "a == 1" + std::string(10000, ')');
  const absl::Status status = ParseStatus(deep);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("nested"));

  EXPECT_EQ(ParseStatus(std::string(10000, '!') + "(a == 1)").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseStatus("a == " + std::string(10000, '-') + "1").code(),
            absl::StatusCode::kInvalidArgument);
  // An unclosed deep nest is refused too.
  EXPECT_EQ(ParseStatus(std::string(100000, '(')).code(),
            absl::StatusCode::kInvalidArgument);

  // Moderate nesting works: 50 pairs, 51 '!'.
  EXPECT_TRUE(
      Eval(std::string(50, '(') + "a == 1" + std::string(50, ')'), 1, 0, 0));
  EXPECT_FALSE(Eval(std::string(51, '!') + "(a == 1)", 1, 0, 0));
}

TEST(ConstraintTest, LongFlatExpressionsWork) {
  std::string any_of;
  std::string all_of;
  std::string sum = "0";
  for (int i = 0; i < 1000; ++i) {
    absl::StrAppend(&any_of, i == 0 ? "" : " || ", "a == ", i);
    absl::StrAppend(&all_of, i == 0 ? "" : " && ", "a != ", i);
    absl::StrAppend(&sum, " + a");
  }
  const Constraint any = MustParse(any_of);
  const Constraint all = MustParse(all_of);
  const Constraint total = MustParse(sum + " == b");
  for (const int a : {0, 1, 500, 998, 999, 1000, -1}) {
    const bool in = a >= 0 && a < 1000;
    EXPECT_EQ(*any.Evaluate(Values(a, 0, 0)), in) << a;
    EXPECT_EQ(*all.Evaluate(Values(a, 0, 0)), !in) << a;
    EXPECT_TRUE(*total.Evaluate(Values(a, 1000.0 * a, 0))) << a;
  }
}

// Very long flat expressions must not crash either (evaluation recurses
// over the tree): they work or are refused with an error.
TEST(ConstraintTest, HugeFlatExpressionsDoNotCrash) {
  std::string any_of;
  std::string sum = "0";
  std::string shorter_sum = "0";
  for (int i = 0; i < 200000; ++i) {
    absl::StrAppend(&any_of, i == 0 ? "" : " || ", "a == ", i);
    absl::StrAppend(&sum, " + 1");
    if (i < 1150) absl::StrAppend(&shorter_sum, " + 100");
  }
  absl::StrAppend(&shorter_sum, " + 85000");
  for (const std::string& text :
       {any_of, sum + " == a", shorter_sum + " == a"}) {
    absl::StatusOr<Constraint> c = Constraint::Parse(text, kNames);
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    absl::StatusOr<bool> r = c->Evaluate(Values(200000, 0, 0));
    ASSERT_TRUE(r.ok()) << r.status();
    // 200000 = 200000 * 1 = 1150 * 100 + 85000.
    EXPECT_EQ(*r, text != any_of);
  }
}

TEST(ConstraintTest, WhitespaceIsIgnored) {
  EXPECT_TRUE(Eval(" \t a\n==\t1 ", 1, 0, 0));
  EXPECT_TRUE(Eval("a==1&&b==2||c==3", 1, 2, 0));
}

}  // namespace
}  // namespace m8::optimizer
