// Printable (terminal and one-line messages), MarkdownText (pull-request
// comments) and JsonWriter strings on hostile text. Expected escapes are
// written out by hand from the definitions: C0 and DEL as \xNN, C1 as
// \u00NN, bytes outside well-formed UTF-8 (Unicode's table 3-7) as \xNN.

#include "analysis/read/printable.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "analysis/report/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace m8::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PrintableTest, PlainTextAndUtf8StayAsTheyAre) {
  for (const std::string text :
       {"", "Grid/Recall/uniform/cells:4096", "a\\nb (a backslash and n)",
        "±5% µs → ✓", "\xf0\x9f\x98\x80 (U+1F600)", "\xc2\xa0 (U+00A0)"}) {
    EXPECT_TRUE(IsPrintable(text)) << text;
    EXPECT_EQ(Printable(text), text);
  }
}

TEST(PrintableTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(Printable("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(Printable(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(Printable("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(Printable("del\x7f"), "del\\x7f");
  // C1 controls as UTF-8: U+0085 (NEL), U+009B (CSI), U+009F.
  EXPECT_EQ(Printable("\xc2\x85\xc2\x9b"
                      "31m\xc2\x9f"),
            "\\u0085\\u009b31m\\u009f");
  EXPECT_FALSE(IsPrintable("\xc2\x9b"));
}

TEST(PrintableTest, BytesThatAreNotUtf8AreEscaped) {
  EXPECT_EQ(Printable("caf\xe9.json"), "caf\\xe9.json");  // Latin-1
  EXPECT_EQ(Printable("\x80\xbf"), "\\x80\\xbf");         // stray continuations
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");         // overlong '/'
  EXPECT_EQ(Printable("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");  // overlong
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate D800
  EXPECT_EQ(Printable("\xf4\x90\x80\x80"),
            "\\xf4\\x90\\x80\\x80");               // above U+10FFFF
  EXPECT_EQ(Printable("\xe2\x82"), "\\xe2\\x82");  // truncated sequence
  EXPECT_EQ(Printable("\xff\xfe"), "\\xff\\xfe");
}

TEST(PrintableTest, EscapingTwiceChangesNothing) {
  const std::string hostile = "a\nb\x1b[31m\xc2\x9b\xff\x7f";
  EXPECT_EQ(Printable(Printable(hostile)), Printable(hostile));
  EXPECT_TRUE(IsPrintable(Printable(hostile)));
}

// Markdown that a crafted name could use to inject into a pull-request
// comment, and what each must render as: the characters themselves.
TEST(MarkdownTextTest, CraftedNamesRenderAsText) {
  EXPECT_EQ(MarkdownText("BM_a"), "BM\\_a");
  EXPECT_EQ(MarkdownText("<img src=x onerror=alert(1)>"),
            "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;");
  EXPECT_EQ(MarkdownText("</details><script>"),
            "&lt;/details&gt;&lt;script&gt;");
  EXPECT_EQ(MarkdownText("[click](https://evil.example)"),
            "\\[click\\]\\(https\\://evil\\.example\\)");
  EXPECT_EQ(MarkdownText("![x](y)"), "\\!\\[x\\]\\(y\\)");
  EXPECT_EQ(MarkdownText("a|b"), "a\\|b");
  EXPECT_EQ(MarkdownText("**bold** `code` ~~s~~ # h"),
            "\\*\\*bold\\*\\* \\`code\\` \\~\\~s\\~\\~ \\# h");
  EXPECT_EQ(MarkdownText("a&amp;b"), "a&amp;amp;b");
  EXPECT_EQ(MarkdownText("Grid/Recall/cells:4096, 5% \"q\" 'a'?;"),
            "Grid/Recall/cells\\:4096, 5% \"q\" 'a'?;");
  EXPECT_EQ(MarkdownText("cc @octocat"), "cc @\xe2\x80\x8doctocat");
  EXPECT_EQ(MarkdownText("line\nbreak"), "line\\\\nbreak");  // "\n" shown
  EXPECT_EQ(MarkdownText("\x1b[2J"), "\\\\x1b\\[2J");
  EXPECT_EQ(MarkdownCode("a<b"), "<code>a&lt;b</code>");
}

TEST(MarkdownTextTest, EveryAsciiPunctuationIsInert) {
  for (char c = '!'; c <= '~'; ++c) {
    if (std::isalnum(static_cast<unsigned char>(c))) continue;
    const std::string md = MarkdownText(std::string(1, c));
    if (std::string("/,;?%'\"").find(c) != std::string::npos) {
      EXPECT_EQ(md, std::string(1, c));  // inert without the others
    } else if (c == '&' || c == '<' || c == '>') {
      EXPECT_EQ(md[0], '&') << c;
    } else if (c == '@') {
      EXPECT_EQ(md, "@\xe2\x80\x8d");
    } else {
      EXPECT_EQ(md, std::string("\\") + c);
    }
  }
}

TEST(JsonWriterTest, StringsAreAlwaysValidJson) {
  std::string out;
  JsonWriter json(&out);
  json.BeginArray()
      .String("a\x1b[2J")
      .String("del\x7f")
      .String("\xc2\x9b")
      .String("caf\xe9")
      .String("ok \xc2\xb5s")
      .EndArray();
  EXPECT_EQ(out,
            "[\"a\\u001b[2J\",\"del\\u007f\",\"\\u009b\",\"caf\\ufffd\","
            "\"ok \xc2\xb5s\"]");
  const nlohmann::json parsed = nlohmann::json::parse(out);  // strict UTF-8
  EXPECT_EQ(parsed[3], "caf\xef\xbf\xbd");
}

TEST(TextTableTest, CellsCannotBreakTheirRow) {
  TextTable table({"Benchmark", "Metric\n"},
                  {TextTable::Align::kLeft, TextTable::Align::kLeft});
  table.AddRow({"BM_a\nfake row\x1b[2J", "p99_ns\x7f"});
  const std::string text = table.Render(/*colour=*/false);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);  // header, rule,
                                                             // one row
  EXPECT_THAT(text, HasSubstr("BM_a\\nfake row\\x1b[2J"));
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, HasSubstr("Metric\\n"));
}

}  // namespace
}  // namespace m8::analysis
