// m8perf on hostile input, driven in-process: names, labels, counter names,
// context values, knob names and file names that hold newlines, terminal
// escape sequences, C1 controls, bytes that are not UTF-8, HTML, Markdown
// links and @mentions. Every error stays one line, the console never
// receives a control character, Markdown renders them as text, and JSON
// stays valid.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/m8perf/m8perf.h"

namespace m8::perf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int status;
  std::string out;
  std::string err;
};

Result M8perf(std::vector<std::string> args) {
  args.insert(args.begin(), "m8perf");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int status =
      RunM8perf(static_cast<int>(argv.size()), argv.data(), {out, err, false});
  return {status, out.str(), err.str()};
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Where `text` would drive a terminal or break a line: the offset of the
// first C0 control other than a newline, DEL, C1 control (U+0080 to U+009F
// in UTF-8) or byte outside a UTF-8 sequence; npos when there is none. A
// check of its own, written apart from the code under test.
size_t FirstUnsafeByte(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') continue;
    if (c < 0x20 || c == 0x7f) return i;
    if (c < 0x80) continue;
    const int length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (length == 0 || c > 0xf4 || i + length > text.size()) return i;
    for (int k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return i;
    }
    if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) return i;
    i += length - 1;
  }
  return std::string::npos;
}

void ExpectSafeForATerminal(const std::string& text, const std::string& what) {
  const size_t at = FirstUnsafeByte(text);
  EXPECT_EQ(at, std::string::npos)
      << what << ": unsafe byte at " << at << " in:\n"
      << text;
}

void ExpectOneErrorLine(const Result& r, const std::string& what) {
  EXPECT_EQ(r.status, kExitUsage) << what;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1)
      << what << ": " << r.err;
  ExpectSafeForATerminal(r.err, what);
}

// The JSON text of a hostile string: a newline, a screen clear, a title
// change, a C1 CSI, DEL, HTML, a Markdown link, a table pipe, a mention, a
// code fence and a folded block's end.
constexpr char kHostile[] =
    R"(<img src=x onerror=alert(1)>\n[click](https://evil.example)|@octocat )"
    R"(\u001b[2J\u001b]0;pwned\u0007\u009b31m\u007f ``` </details>)";

// A results file of one thread sweep (threads 1, 2, 4), 5 repetitions each,
// named, labelled and counted hostilely, with a hostile context.
std::string HostileResults(const std::string& host, double time) {
  std::string benchmarks;
  for (int threads : {1, 2, 4}) {
    for (int rep = 0; rep < 5; ++rep) {
      const std::string name =
          absl::StrCat("BM_", kHostile, "/threads:", threads);
      absl::StrAppend(
          &benchmarks, benchmarks.empty() ? "" : ",", R"({"name": ")", name,
          R"(", "run_name": ")", name,
          R"(", "run_type": "iteration", "repetitions": 5, )",
          R"("repetition_index": )", rep, R"(, "threads": )", threads,
          R"(, "iterations": 1000, "real_time": )",
          time * (1 + 0.01 * rep) / threads, R"(, "cpu_time": )",
          time * (1 + 0.01 * rep) / threads,
          R"(, "time_unit": "ns", "items_per_second": )",
          1e9 * threads / (time * (1 + 0.01 * rep)), R"(, "label": ")",
          kHostile, R"(", "evil\ncounter\u001b[31m@octocat": )", 3 + rep, "}");
    }
  }
  return absl::StrCat(
      R"({"context": {"date": "2026-01-01T00:00:00+00:00", "host_name": ")",
      host,
      R"(", "executable": "x", "num_cpus": 2, "mhz_per_cpu": 1000, )"
      R"("library_build_type": ")",
      kHostile, R"(", "m8.build_type": ")", kHostile, R"(", ")", kHostile,
      R"(": "value"}, "benchmarks": [)", benchmarks, "]}");
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A file name with a newline, an escape sequence and a byte that is not
    // UTF-8.
    base_ = WriteTemp("base\n\x1b[2J\xff.json",
                      HostileResults(R"(host-a\n\u001b[2J)", 100));
    new_ = WriteTemp("new.json", HostileResults(R"(host-b\u009b)", 200));
    budgets_ = WriteTemp("hostile_budgets.json", R"({"budgets": [
        {"benchmark": "octocat", "metric": "evil\ncounter\u001b[31m@octocat",
         "max": 1},
        {"benchmark": "<img", "metric": "nothing\u001b[2J", "max": 1}]})");
  }

  std::string base_, new_, budgets_;
};

// Each report, in each format: the console is safe, Markdown renders the
// crafted text as text, JSON parses as strict JSON.
TEST_F(HostileInputTest, EveryReportInEveryFormat) {
  const std::vector<std::vector<std::string>> commands = {
      {"compare", base_, new_, "--all-metrics"},
      {"check", new_, "--budgets", budgets_, "--baseline", base_},
      {"trend", base_, new_, base_, new_},
      {"scale", base_},
      {"summary", base_},
  };
  for (const std::vector<std::string>& command : commands) {
    for (const char* format : {"console", "markdown", "json"}) {
      std::vector<std::string> args = command;
      args.push_back(absl::StrCat("--format=", format));
      const Result r = M8perf(args);
      const std::string what = absl::StrCat(command[0], " ", format);
      ASSERT_TRUE(r.status == kExitOk || r.status == kExitFailed)
          << what << ": " << r.err;
      ExpectSafeForATerminal(r.err, what + " stderr");
      if (std::string(format) == "console") {
        ExpectSafeForATerminal(r.out, what);
        // The newline in every name is shown as \n, never taken.
        for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
          EXPECT_FALSE(absl::StartsWith(line, "[click]")) << what;
          EXPECT_FALSE(absl::StartsWith(line, "counter")) << what;
        }
      } else if (std::string(format) == "markdown") {
        ExpectSafeForATerminal(r.out, what);
        EXPECT_THAT(r.out, Not(HasSubstr("<img"))) << what;
        EXPECT_THAT(r.out, Not(HasSubstr("]("))) << what;  // no link or image
        EXPECT_THAT(r.out, Not(HasSubstr("@octocat"))) << what;
        EXPECT_THAT(r.out, Not(HasSubstr("```"))) << what;
        EXPECT_THAT(r.out, HasSubstr("@\xe2\x80\x8doctocat")) << what;
        // Only the report's own fold, when it has one, is closed.
        size_t closes = 0;
        for (size_t at = r.out.find("</details>"); at != std::string::npos;
             at = r.out.find("</details>", at + 1)) {
          ++closes;
        }
        EXPECT_EQ(closes, r.out.find("<details>") == std::string::npos ? 0 : 1)
            << what;
        // Each table row keeps its cells: as many unescaped pipes as the
        // header row above it.
        size_t header_pipes = 0;
        for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
          if (!absl::StartsWith(line, "|")) {
            header_pipes = 0;
            continue;
          }
          size_t pipes = 0;
          for (size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
          }
          if (header_pipes == 0) header_pipes = pipes;
          EXPECT_EQ(pipes, header_pipes) << what << ": " << line;
        }
      } else {
        const nlohmann::json parsed =
            nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
        EXPECT_FALSE(parsed.is_discarded()) << what << ": " << r.out;
      }
    }
  }
}

TEST_F(HostileInputTest, ErrorsNamingHostileNamesAreOneLine) {
  // A type error in an entry with a hostile name.
  const std::string bad = WriteTemp(
      "bad_type.json",
      absl::StrCat(
          R"({"benchmarks": [{"name": "BM_)", kHostile,
          R"(", "real_time": "fast", "cpu_time": 1, "time_unit": "ns"}]})"));
  const Result type_error = M8perf({"compare", bad, new_});
  ExpectOneErrorLine(type_error, "type error");
  EXPECT_THAT(type_error.err, HasSubstr("\\n[click]"));
  EXPECT_THAT(type_error.err, HasSubstr("\\x1b[2J"));
  EXPECT_THAT(type_error.err, HasSubstr("\\u009b31m\\x7f"));

  // A path that names no file: its newline, escape and stray byte escaped.
  const Result missing = M8perf({"summary", "no\nsuch\x1b[2J\xff.json"});
  ExpectOneErrorLine(missing, "missing file");
  EXPECT_THAT(missing.err, HasSubstr("no\\nsuch\\x1b[2J\\xff.json"));

  // A bad filter and a bad budget pattern, quoted in their messages.
  ExpectOneErrorLine(M8perf({"compare", base_, new_, "--filter", "(\n\x1b[2J"}),
                     "bad filter");
  const std::string bad_budget = WriteTemp(
      "bad_budget.json",
      R"({"budgets": [{"benchmark": "(\n\u001b[2J", "metric": "x", "max": 1}]})");
  ExpectOneErrorLine(M8perf({"check", new_, "--budgets", bad_budget}),
                     "bad budget pattern");

  // A bad option value, quoted by the command-line parser.
  ExpectOneErrorLine(M8perf({"compare", base_, new_, "--alpha", "\x1b[2J\n"}),
                     "bad option");
  // A duplicate key named in the message.
  const std::string duplicate = WriteTemp(
      "duplicate_key.json",
      R"({"benchmarks": [{"name": "BM_a", "real_time": 1, "cpu_time": 1,
          "time_unit": "ns", "x\n\u001b[2J": 1, "x\n\u001b[2J": 2}]})");
  const Result dup = M8perf({"scale", duplicate});
  ExpectOneErrorLine(dup, "duplicate key");
  EXPECT_THAT(dup.err, HasSubstr("duplicate key 'x\\n\\x1b[2J'"));
}

// Knob names and constraints come from the space file: a newline or an
// escape sequence in one used to break the one-line error of m8perf tune.
TEST(HostileTuneInputTest, KnobNamesAndConstraintsInErrors) {
  const std::string knob = WriteTemp(
      "hostile_knob.json",
      R"({"knobs": [{"name": "brick\nedge\u001b[2J", "values": []}]})");
  const Result knob_error = M8perf(
      {"tune", "--binary", "/bin/true", "--filter", "x", "--space", knob});
  ExpectOneErrorLine(knob_error, "knob");
  EXPECT_THAT(knob_error.err, HasSubstr("knob 'brick\\nedge\\x1b[2J'"));

  const std::string constraint =
      WriteTemp("hostile_constraint.json",
                R"({"knobs": [{"name": "a", "values": [1, 2]}],
          "constraints": ["a >\n\u001b[2J\u009b"]})");
  const Result constraint_error =
      M8perf({"tune", "--binary", "/bin/true", "--filter", "x", "--space",
              constraint});
  ExpectOneErrorLine(constraint_error, "constraint");
  EXPECT_THAT(constraint_error.err, HasSubstr("\\n\\x1b[2J\\u009b"));
}

// A filter that is not UTF-8 reaches the journal, which is JSON: it used to
// throw out of the library ("internal error"). It is written as U+FFFD, and
// the tune goes on to find that /bin/true is no benchmark binary.
TEST(HostileTuneInputTest, FilterThatIsNotUtf8) {
  const std::string out = ::testing::TempDir() + "hostile_tune";
  std::filesystem::remove_all(out);
  const Result r = M8perf(
      {"tune", "--binary", "/bin/true", "--filter", "BM_\xff\n", "--out", out});
  ExpectOneErrorLine(r, "filter not UTF-8");
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
  std::ifstream journal(out + "/journal.jsonl");
  std::string first_line;
  ASSERT_TRUE(std::getline(journal, first_line));
  const nlohmann::json identity = nlohmann::json::parse(first_line);
  EXPECT_EQ(identity["filter"], "BM_\xef\xbf\xbd\n");
}

}  // namespace
}  // namespace m8::perf
