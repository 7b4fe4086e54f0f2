#include "grid/grid_config.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace m8 {
namespace {

using ::testing::HasSubstr;

absl::Status ErrorOf(const std::string& json) {
  return ParseGridConfig(json, "cfg.json").status();
}

TEST(ParseGridConfigTest, EmptyObjectGivesDefaults) {
  absl::StatusOr<ConcurrentGridOptions> o = ParseGridConfig("{}", "cfg.json");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(GridOptionsKey(o->grid), GridOptionsKey(GridOptions{}));
  EXPECT_EQ(o->shard_count, ConcurrentGridOptions{}.shard_count);
}

TEST(ParseGridConfigTest, SetsEveryKindOfField) {
  absl::StatusOr<ConcurrentGridOptions> o = ParseGridConfig(
      R"({"brick_edge": 8, "alpha": 0.2, "edge_policy": "skip",
          "max_cells": 1000000, "beta": 1, "shard_count": 64})",
      "cfg.json");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->grid.brick_edge, 8);
  EXPECT_DOUBLE_EQ(o->grid.alpha, 0.2);
  EXPECT_DOUBLE_EQ(o->grid.beta, 1.0);  // An integer is a fine number.
  EXPECT_EQ(o->grid.edge_policy, EdgePolicy::kSkip);
  EXPECT_EQ(o->grid.max_cells, 1000000u);
  EXPECT_EQ(o->shard_count, 64u);
}

TEST(ParseGridConfigTest, DescribedOptionsParseBackToTheSameOptions) {
  ConcurrentGridOptions options;
  options.grid.alpha = 0.123456789;
  options.grid.edge_policy = EdgePolicy::kSkip;
  options.grid.frequency_buckets = 1000;
  options.shard_count = 3;
  std::vector<std::string> fields;
  for (const auto& [name, value] : DescribeGridOptions(options)) {
    const bool text = name == "edge_policy";
    fields.push_back(absl::StrCat("\"", name, "\": ", text ? "\"" : "", value,
                                  text ? "\"" : ""));
  }
  absl::StatusOr<ConcurrentGridOptions> parsed = ParseGridConfig(
      absl::StrCat("{", absl::StrJoin(fields, ", "), "}"), "described");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(GridOptionsKey(parsed->grid), GridOptionsKey(options.grid));
  EXPECT_EQ(parsed->shard_count, 3u);
  EXPECT_EQ(DescribeGridOptions(options).size(), 16u);
}

TEST(ParseGridConfigTest, UnknownKeyIsNamed) {
  const absl::Status s = ErrorOf(R"({"brick_edge": 8, "brick_size": 4})");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cfg.json"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("'brick_size'"));
}

TEST(ParseGridConfigTest, WrongTypesAreNamed) {
  const struct {
    const char* json;
    const char* key;
  } kCases[] = {
      {R"({"alpha": "0.2"})", "'alpha'"},
      {R"({"alpha": true})", "'alpha'"},
      {R"({"brick_edge": 4.0})", "'brick_edge'"},
      {R"({"max_cells": -1})", "'max_cells'"},
      {R"({"edge_policy": 1})", "'edge_policy'"},
      {R"({"edge_policy": "wrap"})", "'edge_policy'"},
      {R"({"shard_count": "16"})", "'shard_count'"},
      {R"({"frequency_buckets": 1e12})", "'frequency_buckets'"},
  };
  for (const auto& c : kCases) {
    const absl::Status s = ErrorOf(c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.key)) << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr("cfg.json")) << c.json;
  }
}

TEST(ParseGridConfigTest, OutOfRangeValuesAreNamed) {
  const struct {
    const char* json;
    const char* field;
  } kCases[] = {
      {R"({"brick_edge": 3})", "brick_edge"},
      {R"({"alpha": 5})", "alpha"},
      {R"({"noise_floor": 0.9})", "blanket_threshold"},
      {R"({"frequency_buckets": 0})", "frequency_buckets"},
      {R"({"shard_count": 0})", "shard_count"},
  };
  for (const auto& c : kCases) {
    const absl::Status s = ErrorOf(c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.field)) << c.json;
  }
}

TEST(ParseGridConfigTest, MalformedOrNonObjectDocuments) {
  for (const char* json : {"{", "{\"alpha\": }", "", "[1, 2]", "8", "null"}) {
    const absl::Status s = ErrorOf(json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(std::string(s.message()), HasSubstr("cfg.json")) << json;
    EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
  }
}

TEST(ParseGridConfigTest, NumberBeyondADoubleIsAnErrorNotAnException) {
  for (const char* json : {R"({"alpha": 1e999})", R"({"beta": -1e999})"}) {
    const absl::Status s = ErrorOf(json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(std::string(s.message()), HasSubstr("cfg.json")) << json;
    EXPECT_THAT(std::string(s.message()), HasSubstr("overflow")) << json;
    EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
  }
}

TEST(LoadGridConfigTest, MissingFileIsNotFoundNamingIt) {
  const absl::StatusOr<ConcurrentGridOptions> o =
      LoadGridConfig("/nonexistent/m8.json");
  EXPECT_EQ(o.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(o.status().message()),
              HasSubstr("/nonexistent/m8.json"));
}

TEST(LoadGridConfigTest, ReadsAFile) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/m8_config_test.json");
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(R"({"brick_edge": 2})", f);
  std::fclose(f);
  const absl::StatusOr<ConcurrentGridOptions> o = LoadGridConfig(path);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->grid.brick_edge, 2);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace m8
