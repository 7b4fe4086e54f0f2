#include "analysis/read/reader.h"

#include <cmath>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "analysis/read/nonfinite.h"
#include "analysis/read/samples.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/analysis/test_data.h"

namespace m8::analysis {
namespace {

using ::m8::analysis::testing::DataPath;
using ::testing::HasSubstr;

ResultsFile MustRead(const std::string& relative) {
  absl::StatusOr<ResultsFile> file = ReadResultsFile(DataPath(relative));
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : ResultsFile();
}

const Entry* FindEntry(const ResultsFile& file, absl::string_view name) {
  for (const Entry& entry : file.entries()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

TEST(NonFiniteTest, RewritesBareTokensInPlaceKeepingLength) {
  std::string text =
      R"({"a": NaN, "b": -NaN, "c": Infinity, "d": -Infinity, "e": [NaN,Infinity]})";
  const size_t size = text.size();
  absl::StatusOr<NonFiniteTokens> tokens =
      NonFiniteTokens::Rewrite(text.data(), text.size());
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->count(), 6);
  EXPECT_EQ(text.size(), size);
  EXPECT_EQ(
      text,
      R"({"a": "N", "b": "-N", "c": "Infini", "d": "-Infini", "e": ["N","Infini"]})");
  EXPECT_TRUE(std::isnan(*tokens->Decode("N")));
  EXPECT_TRUE(std::isnan(*tokens->Decode("-N")));
  EXPECT_EQ(*tokens->Decode("Infini"), INFINITY);
  EXPECT_EQ(*tokens->Decode("-Infini"), -INFINITY);
  EXPECT_FALSE(tokens->Decode("Infinity").has_value());
  EXPECT_EQ(tokens->TokenOf("-Infini"), "-Infinity");
  EXPECT_EQ(tokens->TokenOf("x"), "");
}

TEST(NonFiniteTest, LeavesStringsAndLongerWordsAlone) {
  std::string text =
      R"({"NaN": "a NaN, Infinity", "x": "q\"NaN", "y": NaNx, "z": Infinityy})";
  const std::string original = text;
  absl::StatusOr<NonFiniteTokens> tokens =
      NonFiniteTokens::Rewrite(text.data(), text.size());
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->count(), 0);
  EXPECT_EQ(text, original);
  // Nothing was rewritten, so no string stands for a number.
  EXPECT_FALSE(tokens->Decode("N").has_value());
  EXPECT_FALSE(NonFiniteTokens().Decode("Infini").has_value());
}

// A stand-in is only ever a string that no real string of the document
// equals, escapes undone, so that each decodes to what it was.
TEST(NonFiniteTest, StandInsAvoidTheDocumentsOwnStrings) {
  std::string text =
      R"({"l": "N", "m": "-\u004e", "n": "Infin\u0069", "v": [NaN, -NaN, Infinity]})";
  absl::StatusOr<NonFiniteTokens> tokens =
      NonFiniteTokens::Rewrite(text.data(), text.size());
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->count(), 3);
  EXPECT_FALSE(tokens->Decode("N").has_value());
  EXPECT_FALSE(tokens->Decode("-N").has_value());
  EXPECT_FALSE(tokens->Decode("Infini").has_value());
  // The first free characters after the usual ones: '!' in each case.
  EXPECT_EQ(
      text,
      R"({"l": "N", "m": "-\u004e", "n": "Infin\u0069", "v": ["!", "-!", "Infin!"]})");
  EXPECT_TRUE(std::isnan(*tokens->Decode("!")));
  EXPECT_TRUE(std::isnan(*tokens->Decode("-!")));
  EXPECT_EQ(*tokens->Decode("Infin!"), INFINITY);
}

TEST(NonFiniteTest, NoFreeStandInIsAnError) {
  // Every one-character string a stand-in for NaN could be, then a NaN.
  std::string text = "[";
  for (char c = '!'; c <= '~'; ++c) {
    if (c == '"' || c == '\\') continue;
    text += absl::StrCat("\"", std::string(1, c), "\",");
  }
  text += "NaN]";
  absl::StatusOr<NonFiniteTokens> tokens =
      NonFiniteTokens::Rewrite(text.data(), text.size());
  ASSERT_FALSE(tokens.ok());
  EXPECT_THAT(tokens.status().message(),
              HasSubstr("cannot read the bare NaN at offset"));
}

TEST(ReaderTest, ReadsRealGoogleBenchmarkOutput) {
  const ResultsFile file = MustRead("gbench/base.json");
  EXPECT_EQ(file.context().num_cpus, 2);
  EXPECT_EQ(file.context().library_build_type, "debug");
  EXPECT_FALSE(file.context().date.empty());

  const Benchmark* work = file.FindBenchmark("BM_Work/cells:64");
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->iterations.size(), 9);
  EXPECT_EQ(work->aggregates.size(), 4);  // mean, median, stddev, cv
  const Entry& first = file.entries()[work->iterations[0]];
  EXPECT_EQ(first.run_type, RunType::kIteration);
  EXPECT_EQ(first.repetition_index, 0);
  EXPECT_EQ(first.repetitions, 9);
  EXPECT_TRUE(first.usable());
  EXPECT_GT(first.real_time_ns, 0);
  EXPECT_TRUE(file.Value(first, "items_per_second").has_value());
  EXPECT_EQ(*file.Value(first, "hits"), 64);

  const Entry* cv = FindEntry(file, "BM_Work/cells:64_cv");
  ASSERT_NE(cv, nullptr);
  EXPECT_EQ(cv->run_type, RunType::kAggregate);
  EXPECT_EQ(cv->aggregate_name, "cv");
  EXPECT_TRUE(cv->percentage_unit);
}

TEST(ReaderTest, ReadsNanAndInfinityCountersAndLabels) {
  const ResultsFile file = MustRead("gbench/base.json");
  const Entry* special = FindEntry(file, "BM_Special");
  ASSERT_NE(special, nullptr);
  EXPECT_TRUE(std::isnan(*file.Value(*special, "nan_counter")));
  EXPECT_EQ(*file.Value(*special, "inf_counter"), INFINITY);
  EXPECT_EQ(*file.Value(*special, "neg_inf_counter"), -INFINITY);
  EXPECT_EQ(special->label, "special|label");
}

TEST(ReaderTest, ReadsErroredThreadedAndComplexityEntries) {
  const ResultsFile file = MustRead("gbench/base.json");
  const Entry* fails = FindEntry(file, "BM_Fails");
  ASSERT_NE(fails, nullptr);
  EXPECT_EQ(fails->status, RunStatus::kError);
  EXPECT_EQ(fails->message, "setup failed: no grid");
  EXPECT_FALSE(fails->usable());

  const Entry* two = FindEntry(file, "BM_Shared/real_time/threads:2");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->threads, 2);

  const Entry* big_o = FindEntry(file, "BM_Complexity_BigO");
  ASSERT_NE(big_o, nullptr);
  ASSERT_TRUE(big_o->big_o.has_value());
  EXPECT_EQ(big_o->big_o->big_o, "N");
  EXPECT_FALSE(big_o->has_times);
  const Entry* rms = FindEntry(file, "BM_Complexity_RMS");
  ASSERT_NE(rms, nullptr);
  EXPECT_TRUE(rms->rms.has_value());
  EXPECT_EQ(file.FindBenchmark("BM_Complexity")->aggregates.size(), 2);
}

TEST(ReaderTest, CanSkipAggregates) {
  absl::StatusOr<ResultsFile> file =
      ReadResultsFile(DataPath("gbench/base.json"), {.keep_aggregates = false});
  ASSERT_TRUE(file.ok()) << file.status();
  for (const Entry& entry : file->entries()) {
    EXPECT_EQ(entry.run_type, RunType::kIteration) << entry.name;
  }
  const Benchmark* work = file->FindBenchmark("BM_Work/cells:64");
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->iterations.size(), 9);
  EXPECT_TRUE(work->aggregates.empty());
  // Counters stay with their entries.
  EXPECT_EQ(*file->Value(file->entries()[work->iterations[8]], "hits"), 64);
}

TEST(ReaderTest, ReadsOldFilesWithoutRunNameOrRunType) {
  const ResultsFile file = MustRead("legacy/base.json");
  const Benchmark* old = file.FindBenchmark("BM_Old");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->iterations.size(), 5);
  const Benchmark* micro = file.FindBenchmark("BM_OldMicro");
  ASSERT_NE(micro, nullptr);
  // Microseconds are converted to nanoseconds.
  EXPECT_GT(file.entries()[micro->iterations[0]].real_time_ns, 2000);
  EXPECT_EQ(file.entries()[micro->iterations[0]].time_unit,
            TimeUnit::kMicrosecond);
  const Benchmark* aggregate = file.FindBenchmark("BM_Agg");
  ASSERT_NE(aggregate, nullptr);
  EXPECT_EQ(aggregate->aggregates.size(), 2);  // legacy: no aggregate_name
}

TEST(ReaderTest, ReadsNewerVersions) {
  const ResultsFile file = MustRead("newer/v1_9.json");
  const Context& context = file.context();
  EXPECT_EQ(context.json_schema_version, 1);
  EXPECT_EQ(context.library_version, "v1.9.4");
  EXPECT_EQ(context.aslr_enabled, false);
  EXPECT_EQ(context.cpu_scaling_enabled, true);
  ASSERT_EQ(context.caches.size(), 2);
  EXPECT_EQ(context.caches[1].size, 33554432);
  ASSERT_NE(context.FindExtra("m8.build_type"), nullptr);
  EXPECT_EQ(*context.FindExtra("m8.build_type"), "Release");
  EXPECT_EQ(*context.FindExtra("m8.topology"), R"({"packages":1,"cores":4})");

  const Entry* alloc = FindEntry(file, "BM_Alloc/8");
  ASSERT_NE(alloc, nullptr);
  EXPECT_DOUBLE_EQ(alloc->real_time_ns, 1250);
  EXPECT_DOUBLE_EQ(alloc->cpu_time_ns, 1500);
  EXPECT_EQ(alloc->memory.total_allocated_bytes, 8192);
  EXPECT_EQ(alloc->memory.net_heap_growth, -16);
  EXPECT_EQ(alloc->memory.max_bytes_used, 4096);
  EXPECT_EQ(*file.Value(*alloc, "bytes_per_second"), 1e9);
  const Entry* skip = FindEntry(file, "BM_Skip");
  ASSERT_NE(skip, nullptr);
  EXPECT_EQ(skip->status, RunStatus::kSkipped);
  EXPECT_EQ(skip->message, "needs 64 cores");
  EXPECT_EQ(FindEntry(file, "BM_Error")->status, RunStatus::kError);
}

TEST(ReaderTest, PointEstimateFallsBackToAggregates) {
  absl::StatusOr<ResultsFile> file = ParseResults(
      R"({"benchmarks": [
        {"name": "BM_A_mean", "run_name": "BM_A", "run_type": "aggregate",
         "aggregate_name": "mean", "real_time": 12, "cpu_time": 12, "time_unit": "us"},
        {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate",
         "aggregate_name": "median", "real_time": 10, "cpu_time": 11, "time_unit": "us"}]})",
      "aggregates-only.json");
  ASSERT_TRUE(file.ok()) << file.status();
  const Benchmark* a = file->FindBenchmark("BM_A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(*PointEstimate(*file, *a, MetricReader(*file, "real_time")), 10000);
}

struct BadInput {
  const char* file;
  const char* message;  // a part of the one-line error
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, GivesOneLineNamingTheFileAndPlace) {
  const std::string path = DataPath(std::string("bad/") + GetParam().file);
  absl::StatusOr<ResultsFile> file = ReadResultsFile(path);
  ASSERT_FALSE(file.ok());
  const std::string message(file.status().message());
  EXPECT_THAT(message, HasSubstr(path));
  EXPECT_THAT(message, HasSubstr(GetParam().message));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    EveryClass, BadInputTest,
    ::testing::Values(
        BadInput{"empty.json", "the file is empty"},
        BadInput{"not_json.json", "not JSON at offset 1 (line 1, column 2)"},
        BadInput{"truncated.json", "truncated at offset 3000"},
        BadInput{"top_level_array.json", "the top level must be an object"},
        BadInput{"no_benchmarks_field.json", "missing the 'benchmarks' array"},
        BadInput{"no_benchmarks.json", "no benchmarks"},
        BadInput{"wrong_type.json",
                 "benchmarks[1] 'BM_Bad': 'real_time' must be a number, got a "
                 "string"},
        BadInput{"missing_field.json",
                 "benchmarks[0] 'BM_NoTime': missing field 'real_time'"},
        BadInput{"missing_name.json",
                 "benchmarks[0]: missing required field 'name'"},
        BadInput{"duplicate.json",
                 "duplicate entry: benchmarks[2] 'BM_Dup' repeats "
                 "benchmarks[1] (same run_name and repetition_index 1)"},
        BadInput{"bad_time_unit.json",
                 "'time_unit' must be ns, us, ms or s, got 'fortnights'"},
        BadInput{"schema_v2.json", "json_schema_version 2 is not supported"},
        BadInput{"bad_context.json",
                 "context: 'num_cpus' must be an integer, got a string"}));

// Text that parses as JSON but is no results file, with the one-line error
// each gives.
struct BadText {
  const char* text;
  const char* message;
};

class BadTextTest : public ::testing::TestWithParam<BadText> {};

TEST_P(BadTextTest, GivesOneLineNamingThePlace) {
  absl::StatusOr<ResultsFile> file = ParseResults(GetParam().text, "t.json");
  ASSERT_FALSE(file.ok()) << GetParam().text;
  const std::string message(file.status().message());
  EXPECT_THAT(message, HasSubstr(GetParam().message));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

// A string in a number field is a type error, whatever it reads: the
// stand-ins for bare NaN and Infinity tokens used to be any string "N",
// "-N", "Infini" or "-Infini". And a bare token where a string belongs is
// no string.
INSTANTIATE_TEST_SUITE_P(
    StringsAreNotNumbers, BadTextTest,
    ::testing::Values(
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": "N",
                 "cpu_time": 1, "time_unit": "ns"}]})",
                "t.json: benchmarks[0] 'BM_a': 'real_time' must be a number, "
                "got a string"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": "-Infini", "time_unit": "ns"}]})",
                "'cpu_time' must be a number, got a string"},
        BadText{R"({"context": {"mhz_per_cpu": "Infini"},
                 "benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns"}]})",
                "t.json: context: 'mhz_per_cpu' must be a number, got a "
                "string"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": "N",
                 "cpu_time": NaN, "time_unit": "ns"}]})",
                "'real_time' must be a number, got a string"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns", "label": NaN}]})",
                "'label' must be a string, got a bare NaN"},
        BadText{R"({"benchmarks": [{"name": -Infinity, "real_time": 1}]})",
                "benchmarks[0]: 'name' must be a string, got a bare "
                "-Infinity"}));

// JSON leaves it to the reader which of two values of a key counts; a
// results file must not leave that choice.
INSTANTIATE_TEST_SUITE_P(
    DuplicateKeys, BadTextTest,
    ::testing::Values(
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "real_time": 2, "cpu_time": 1, "time_unit": "ns"}]})",
                "t.json: benchmarks[0] 'BM_a': duplicate key 'real_time'"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "name": "BM_b",
                 "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]})",
                "benchmarks[0] 'BM_a': duplicate key 'name'"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns", "hits": 1, "x": 2,
                 "hits": 3}]})",
                "benchmarks[0] 'BM_a': duplicate key 'hits'"},
        BadText{R"({"benchmarks": [
                 {"name": "BM_a", "real_time": 1, "cpu_time": 1,
                  "time_unit": "ns", "hits": 1},
                 {"name": "BM_b", "real_time": 1, "cpu_time": 1,
                  "time_unit": "ns", "hits": 1, "hits": "many"}]})",
                "benchmarks[1] 'BM_b': duplicate key 'hits'"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns", "note": "a",
                 "note": "b"}]})",
                "benchmarks[0] 'BM_a': duplicate key 'note'"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns", "v": "a", "v": 2}]})",
                "benchmarks[0] 'BM_a': duplicate key 'v'"},
        BadText{R"({"context": {"host_name": "a", "host_name": "b"},
                 "benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns"}]})",
                "t.json: context: duplicate key 'host_name'"},
        BadText{R"({"context": {"m8.counters": {"p99_ns": {"unit": "ns",
                 "direction": "lower"}, "p99_ns": {"unit": "ns",
                 "direction": "higher"}}},
                 "benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns"}]})",
                "t.json: context: duplicate key 'm8.counters.p99_ns'"},
        BadText{R"({"context": {"caches": [{"type": "Data", "level": 1,
                 "level": 2}]}, "benchmarks": [{"name": "BM_a",
                 "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]})",
                "t.json: context: duplicate key 'caches[].level'"},
        BadText{R"({"benchmarks": [{"name": "BM_a", "real_time": 1,
                 "cpu_time": 1, "time_unit": "ns"}], "benchmarks": []})",
                "t.json: the top level names 'benchmarks' twice"}));

// A real string that reads like a stand-in stays a string, and the bare
// tokens of the same file still read as numbers.
TEST(ReaderTest, RealStringsBesideBareTokens) {
  absl::StatusOr<ResultsFile> file = ParseResults(
      R"({"context": {"note": "N", "m8.inf": Infinity}, "benchmarks": [
        {"name": "Infini", "real_time": 1, "cpu_time": 1, "time_unit": "ns",
         "label": "N", "nan": NaN, "inf": -Infinity}]})",
      "mixed.json");
  ASSERT_TRUE(file.ok()) << file.status();
  const Entry& entry = file->entries()[0];
  EXPECT_EQ(entry.name, "Infini");
  EXPECT_EQ(entry.label, "N");
  EXPECT_TRUE(std::isnan(*file->Value(entry, "nan")));
  EXPECT_EQ(*file->Value(entry, "inf"), -INFINITY);
  EXPECT_EQ(*file->context().FindExtra("note"), "N");
  EXPECT_EQ(*file->context().FindExtra("m8.inf"), "inf");
}

TEST(ReaderTest, NamesInMessagesArePrintable) {
  absl::StatusOr<ResultsFile> file = ParseResults(
      R"({"benchmarks": [{"name": "BM_a\n\u001b[2J\u009b", "real_time": "x",
          "cpu_time": 1, "time_unit": "ns"}]})",
      "dir\n/t.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "dir\\n/t.json: benchmarks[0] 'BM_a\\n\\x1b[2J\\u009b': "
            "'real_time' must be a number, got a string");
}

TEST(ReaderTest, NumbersBeyondDoubleAreNotJsonForTheReader) {
  absl::StatusOr<ResultsFile> file = ParseResults(
      R"({"benchmarks": [{"name": "a", "real_time": 1e999}]})", "big.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "big.json: not JSON at offset 47 (line 1, column 48): number "
            "overflow parsing '1e999'");
}

TEST(ReaderTest, ReportsSyntaxErrorOffsetInTheMiddle) {
  absl::StatusOr<ResultsFile> file =
      ParseResults("{\"benchmarks\": [\n  {\"name\": \"x\",, }]}", "mid.json");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(std::string(file.status().message()),
              HasSubstr("mid.json: not JSON at offset 32 (line 2, column 16)"));
}

// Large files read as their text parses, whatever the size of their last
// page, NaN counters included, and the rewrite of the NaN tokens happens in
// m8perf's copy, never in the file.
TEST(ReaderTest, LargeFilesReadTheSameAsText) {
  std::string text = R"({"context": {}, "benchmarks": [)";
  for (int i = 0; text.size() < (size_t{17} << 20); ++i) {
    if (i > 0) text += ",";
    text +=
        R"({"name": "BM_Large/)" + std::to_string(i) +
        R"(", "run_type": "iteration", "real_time": 1.5, "cpu_time": 2.5, )"
        R"("time_unit": "us", "nan_counter": NaN, "inf_counter": -Infinity})";
  }
  text += "]}\n";
  // Pad to a last page holding 100 bytes (mapped) and 4080 (copied).
  for (size_t tail : {100, 4080}) {
    const size_t pad = (tail + 4096 - text.size() % 4096) % 4096;
    const std::string padded = text + std::string(pad, ' ');
    const std::string path = ::testing::TempDir() + "large.json";
    std::ofstream(path, std::ios::binary) << padded;
    absl::StatusOr<ResultsFile> from_file = ReadResultsFile(path);
    absl::StatusOr<ResultsFile> from_text = ParseResults(padded, path);
    ASSERT_TRUE(from_file.ok()) << from_file.status();
    ASSERT_TRUE(from_text.ok()) << from_text.status();
    ASSERT_EQ(from_file->entries().size(), from_text->entries().size());
    const Entry& last = from_file->entries().back();
    EXPECT_EQ(last.name, from_text->entries().back().name);
    EXPECT_DOUBLE_EQ(last.real_time_ns, 1500);
    EXPECT_TRUE(std::isnan(*from_file->Value(last, "nan_counter")));
    EXPECT_EQ(*from_file->Value(last, "inf_counter"), -INFINITY);
    // The file itself is untouched by the rewrite.
    EXPECT_EQ(testing::ReadText(path), padded);
  }
}

TEST(ReaderTest, UnreadablePaths) {
  absl::StatusOr<ResultsFile> missing =
      ReadResultsFile("/nonexistent/results.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("/nonexistent/results.json: cannot open"));
  absl::StatusOr<ResultsFile> directory = ReadResultsFile(DataPath("bad"));
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(std::string(directory.status().message()),
              HasSubstr("it is a directory"));
}

TEST(ReaderTest, ReadsSeveralFilesInOrder) {
  absl::StatusOr<std::vector<ResultsFile>> files = ReadResultsFiles(
      {DataPath("gbench/base.json"), DataPath("legacy/base.json"),
       DataPath("ties/base.json")},
      2);
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 3);
  EXPECT_EQ((*files)[1].source(), DataPath("legacy/base.json"));
  absl::StatusOr<std::vector<ResultsFile>> bad = ReadResultsFiles(
      {DataPath("gbench/base.json"), DataPath("bad/truncated.json")}, 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("truncated"));
}

}  // namespace
}  // namespace m8::analysis
