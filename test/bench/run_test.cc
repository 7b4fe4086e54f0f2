// What the shared main reads from the command line before Google Benchmark
// takes it (PlanRun), and the line it prints when nothing matched.
#include "bench/support/run.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

RunPlan Plan(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  // No progress: PlanRun then runs no listing pass.
  return PlanRun(static_cast<int>(argv.size()), argv.data(), false, false);
}

TEST(PlanRunTest, ListingIsReadAsGoogleBenchmarkReadsIt) {
  // A bare boolean flag is true; the last one wins; 0/f/n/false/no/off
  // (any case) are false, anything else true.
  EXPECT_TRUE(Plan({"m8bench", "--benchmark_list_tests"}).listing);
  EXPECT_TRUE(Plan({"m8bench", "--benchmark_list_tests=true"}).listing);
  EXPECT_TRUE(Plan({"m8bench", "--benchmark_list_tests=Y"}).listing);
  EXPECT_TRUE(Plan({"m8bench", "--benchmark_list_tests=on"}).listing);
  EXPECT_FALSE(Plan({"m8bench", "--benchmark_list_tests=false"}).listing);
  EXPECT_FALSE(Plan({"m8bench", "--benchmark_list_tests=0"}).listing);
  EXPECT_FALSE(Plan({"m8bench", "--benchmark_list_tests=No"}).listing);
  EXPECT_FALSE(Plan({"m8bench", "--benchmark_list_tests=OFF"}).listing);
  EXPECT_FALSE(
      Plan({"m8bench", "--benchmark_list_tests", "--benchmark_list_tests=f"})
          .listing);
  EXPECT_FALSE(Plan({"m8bench", "--benchmark_list_testsx"}).listing);
  EXPECT_FALSE(Plan({"m8bench"}).listing);
}

TEST(PlanRunTest, ResultsPathAndFormat) {
  RunPlan plan = Plan({"m8bench", "--benchmark_out=r.csv",
                       "--benchmark_out_format=csv", "--benchmark_filter=x"});
  EXPECT_EQ(plan.results_path, "r.csv");
  EXPECT_FALSE(plan.results_json);
  EXPECT_EQ(plan.filter, "x");
  plan = Plan({"m8bench", "--benchmark_out=r.json"});
  EXPECT_EQ(plan.results_path, "r.json");
  EXPECT_TRUE(plan.results_json);
}

TEST(NoMatchMessageTest, SaysWhyInOneLine) {
  RunPlan plan;
  plan.filter = "(";
  RunOutcome outcome;
  outcome.no_match_reason =
      "Could not compile benchmark re: Mismatched '(' and ')' in regular "
      "expression";
  EXPECT_EQ(NoMatchMessage(plan, outcome),
            "--benchmark_filter='(' is not a valid regular expression: "
            "Mismatched '(' and ')' in regular expression");
  plan.filter = "^Nope$";
  outcome.no_match_reason =
      "Failed to match any benchmarks against regex: ^Nope$";
  EXPECT_EQ(NoMatchMessage(plan, outcome),
            "--benchmark_filter='^Nope$' matches no benchmark "
            "(--benchmark_list_tests lists them)");
}

}  // namespace
}  // namespace m8::bench
