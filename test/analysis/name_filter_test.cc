// NameFilter: patterns keep the meaning they had (ECMAScript-style search in
// run_name; Google Benchmark's --benchmark_filter for the binaries' filters)
// and run in bounded stack on any name.

#include "analysis/read/name_filter.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8::analysis {
namespace {

using ::testing::HasSubstr;

bool Matches(const std::string& pattern, const std::string& name) {
  absl::StatusOr<NameFilter> filter = NameFilter::Create(pattern);
  EXPECT_TRUE(filter.ok()) << filter.status();
  return filter.ok() && filter->Matches(name);
}

// std::regex recurses once per repetition of a group: on this pattern and a
// 1 MB name, std::regex_search overflowed the stack and killed the process.
TEST(NameFilterTest, LongNameAgainstARecursivePattern) {
  const std::string name(1 << 20, 'a');
  EXPECT_FALSE(Matches("(a|b)*c", name));
  EXPECT_TRUE(Matches("(a|b)*$", name));
  EXPECT_TRUE(Matches("^(a|aa)+$", name));
  absl::StatusOr<NameFilter> gbench = NameFilter::ForBenchmarkFilter("(a|b)*c");
  ASSERT_TRUE(gbench.ok());
  EXPECT_FALSE(gbench->Matches(name));
}

// The patterns of the READMEs and tests, and ECMAScript features that names
// call for, with what each matches: searched, not anchored.
TEST(NameFilterTest, PatternsKeepTheirMeaning) {
  const std::string recall = "Grid/Recall/uniform/cells:4194304";
  EXPECT_TRUE(Matches("", recall));
  EXPECT_TRUE(Matches(".", recall));
  EXPECT_TRUE(Matches("Recall", recall));
  EXPECT_TRUE(Matches("^Grid/Recall/uniform/cells:4194304$", recall));
  EXPECT_FALSE(Matches("^Recall", recall));
  EXPECT_FALSE(Matches("cells:4096$", recall));
  EXPECT_TRUE(Matches("cells:4096$", "Grid/Put/uniform/cells:4096"));
  EXPECT_TRUE(Matches("^Grid/(Recall|Put)/", recall));
  EXPECT_TRUE(Matches("cells:\\d+$", recall));
  EXPECT_FALSE(Matches("cells:\\d{8}$", recall));
  EXPECT_TRUE(Matches("cells:\\d{7}$", recall));
  EXPECT_TRUE(Matches("\\bRecall\\b", recall));
  EXPECT_TRUE(Matches("[A-Z][a-z]+/uniform", recall));
  EXPECT_TRUE(Matches("(?i)grid/recall", recall));
  EXPECT_FALSE(Matches("grid/recall", recall));
  EXPECT_TRUE(Matches("threads:[2-4]$", "BM_Shared/real_time/threads:2"));
  EXPECT_TRUE(Matches("BM_Work/cells:(64|512)$", "BM_Work/cells:512"));
  EXPECT_FALSE(Matches("BM_Work/cells:(64|512)$", "BM_Work/cells:5120"));
  EXPECT_TRUE(Matches("a\\.b", "a.b"));
  EXPECT_FALSE(Matches("a\\.b", "axb"));
}

TEST(NameFilterTest, BadPatternIsOneLineNamingIt) {
  absl::StatusOr<NameFilter> unbalanced = NameFilter::Create("(Recall");
  ASSERT_FALSE(unbalanced.ok());
  EXPECT_EQ(unbalanced.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unbalanced.status().message()),
              HasSubstr("bad filter regular expression '(Recall': missing )"));
  absl::StatusOr<NameFilter> budget = NameFilter::Create("a[", "");
  ASSERT_FALSE(budget.ok());
  EXPECT_THAT(std::string(budget.status().message()),
              HasSubstr("bad regular expression 'a[': missing ]"));
  // ECMAScript's backreferences and lookaround have no linear-time
  // implementation: RE2 refuses them, by name.
  EXPECT_FALSE(NameFilter::Create("(a)\\1").ok());
  EXPECT_FALSE(NameFilter::Create("Grid(?=/Recall)").ok());
}

// Google Benchmark 1.7.1's --benchmark_filter: empty and `all` run every
// benchmark, a leading `-` runs those the rest does not match, and the rest
// is a POSIX extended regular expression, searched.
TEST(NameFilterTest, BenchmarkFilterSemantics) {
  auto runs = [](const std::string& spec, const std::string& name) {
    absl::StatusOr<NameFilter> filter = NameFilter::ForBenchmarkFilter(spec);
    EXPECT_TRUE(filter.ok()) << filter.status();
    return filter.ok() && filter->Matches(name);
  };
  const std::string recall = "Grid/Recall/uniform/cells:4096";
  const std::string put = "Grid/Put/uniform/cells:4096";
  EXPECT_TRUE(runs("", recall));
  EXPECT_TRUE(runs("all", recall));
  EXPECT_TRUE(runs(".", recall));
  EXPECT_TRUE(runs("Recall", recall));
  EXPECT_FALSE(runs("Recall", put));
  EXPECT_FALSE(runs("-Recall", recall));
  EXPECT_TRUE(runs("-Recall", put));
  EXPECT_TRUE(runs("-^Grid/(Put|Store)/", recall));
  EXPECT_FALSE(runs("-^Grid/(Put|Store)/", put));
  EXPECT_TRUE(runs("^Grid/Re[a-z]+/uniform/cells:[0-9]+$", recall));
  EXPECT_TRUE(runs("cells:4096$", recall));
  EXPECT_FALSE(runs("-", recall));  // the empty pattern matches every name
  absl::StatusOr<NameFilter> bad = NameFilter::ForBenchmarkFilter("-(Recall");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("bad --benchmark_filter regular expression '(Recall'"));
}

}  // namespace
}  // namespace m8::analysis
