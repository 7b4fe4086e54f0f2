#include "grid/grid_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "grid/option_table.h"
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

TEST(ParseGridConfigTest, RepeatedKeysAreNamed) {
  const struct {
    const char* json;
    const char* key;
  } kCases[] = {
      {R"({"alpha": 0.2, "alpha": 0.3})", "'alpha'"},
      {R"({"brick_edge": 2, "beta": 1, "brick_edge": 2})", "'brick_edge'"},
      // Unknown keys too: the repetition is the first thing wrong.
      {R"({"nope": 1, "nope": 2})", "'nope'"},
      // In a nested object (itself a type error) as well.
      {R"({"alpha": {"x": 1, "x": 2}})", "'x'"},
  };
  for (const auto& c : kCases) {
    const absl::Status s = ErrorOf(c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.key)) << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr("more than once"))
        << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr("cfg.json")) << c.json;
  }
  // The same key in two different objects is no repetition.
  EXPECT_THAT(
      std::string(
          ErrorOf(R"({"alpha": {"x": 1}, "beta": {"x": 1}})").message()),
      HasSubstr("must be a number"));
}

TEST(ParseGridConfigTest, KeysAndTextAreQuotedOnOneLine) {
  // A key or a value holding a newline or a quote stays on the error's one
  // line, escaped as JSON escapes it.
  EXPECT_EQ(ErrorOf(R"({"a\nb": 1})").message(),
            "cfg.json: unknown key 'a\\nb' (keys are the GridOptions field "
            "names and shard_count)");
  EXPECT_EQ(ErrorOf(R"({"x\"y": 1, "x\"y": 2})").message(),
            "cfg.json: key 'x\\\"y' appears more than once (which one "
            "should win?)");
  EXPECT_EQ(ErrorOf(R"({"edge_policy": "skip\nclamp"})").message(),
            "cfg.json: key 'edge_policy': must be \"clamp\" or \"skip\", "
            "got \"skip\\nclamp\"");
}

TEST(ParseGridConfigTest, TextIsNeverANumber) {
  // Strings that look like numbers, or like the bare tokens Google
  // Benchmark writes for non-finite values, for every numeric option.
  for (const OptionInfo& option : GridOptionTable()) {
    if (option.kind == OptionKind::kChoice) continue;
    for (const char* text :
         {"N", "Infini", "NaN", "Infinity", "-Infinity", "1", "0x10", ""}) {
      const std::string json =
          absl::StrCat("{\"", option.name, "\": \"", text, "\"}");
      const absl::Status s = ErrorOf(json);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << json;
      EXPECT_THAT(std::string(s.message()),
                  HasSubstr(absl::StrCat("key '", option.name, "': must be ")))
          << json;
      EXPECT_THAT(std::string(s.message()), HasSubstr("got string")) << json;
    }
  }
  // Bare, they are not JSON at all.
  for (const char* json : {R"({"alpha": N})", R"({"alpha": Infini})",
                           R"({"alpha": NaN})", R"({"alpha": Infinity})"}) {
    EXPECT_THAT(std::string(ErrorOf(json).message()),
                HasSubstr("malformed JSON"))
        << json;
  }
}

class LoadGridConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "m8_config_", ::getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
};

TEST_F(LoadGridConfigFileTest, ANamedPipeIsRefusedWithoutBlocking) {
  const std::string fifo = dir_ + "/config.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto load = std::async(std::launch::async,
                         [&] { return LoadGridConfig(fifo).status(); });
  if (load.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    // Let the blocked open go (a writer came and went: the reader then
    // sees the end of the file), then fail.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
    load.wait();
    FAIL() << "LoadGridConfig blocked on a named pipe";
  }
  const absl::Status s = load.get();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), fifo + ": is a named pipe, not a regular file");
}

TEST_F(LoadGridConfigFileTest, DirectoriesAndDevicesAreSaidForWhatTheyAre) {
  absl::Status s = LoadGridConfig(dir_).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), dir_ + ": is a directory");
  // An endless device is refused before it is read.
  s = LoadGridConfig("/dev/zero").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "/dev/zero: is a character device, not a regular file");
}

TEST_F(LoadGridConfigFileTest, SizeCapAtAndAboveTheBound) {
  // A valid config padded with spaces to exactly the cap reads...
  std::string text = R"({"brick_edge": 4})";
  text.append(1048576 - text.size(), ' ');
  absl::StatusOr<ConcurrentGridOptions> o =
      LoadGridConfig(Write("at_cap.json", text));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->grid.brick_edge, 4);
  // ...one byte more does not.
  const std::string over = Write("over_cap.json", text + " ");
  const absl::Status s = LoadGridConfig(over).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            over +
                ": the config file is 1048577 bytes, more than the "
                "1048576 a config file may have");
}

TEST_F(LoadGridConfigFileTest, OtherErrorsSayTheirOwnErrno) {
  const std::string file = Write("plain.json", "{}");
  const std::string loop = dir_ + "/loop.json";
  std::filesystem::create_symlink(loop, loop);
  const struct {
    std::string path;
    int err;
    absl::StatusCode code;
  } kCases[] = {
      {dir_ + "/missing.json", ENOENT, absl::StatusCode::kNotFound},
      {file + "/inside.json", ENOTDIR, absl::StatusCode::kNotFound},
      {loop, ELOOP, absl::StatusCode::kUnavailable},
      {dir_ + "/" + std::string(300, 'x'), ENAMETOOLONG,
       absl::StatusCode::kUnavailable},
  };
  for (const auto& c : kCases) {
    const absl::Status s = LoadGridConfig(c.path).status();
    EXPECT_EQ(s.code(), c.code) << c.path;
    EXPECT_EQ(s.message(),
              absl::StrCat(c.path, ": cannot open the config file: ",
                           std::strerror(c.err)));
  }
  // Not as root, whom permissions do not stop.
  if (::geteuid() != 0) {
    const std::string locked = Write("locked.json", "{}");
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    const absl::Status s = LoadGridConfig(locked).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::strerror(EACCES)));
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
