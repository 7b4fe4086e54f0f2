#include "bench/support/resource_cache.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace m8::bench {
namespace {

TEST(ResourceCacheTest, BuildsOnceAndShares) {
  ResourceCache cache(1000);
  int builds = 0;
  auto build = [&]() -> absl::StatusOr<std::shared_ptr<const std::string>> {
    ++builds;
    return std::make_shared<const std::string>("grid");
  };
  auto a = cache.GetOrBuild<const std::string>("k", 10, build);
  auto b = cache.GetOrBuild<const std::string>("k", 10, build);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(cache.bytes_held(), 10u);
}

TEST(ResourceCacheTest, ErrorsAreNotCached) {
  ResourceCache cache(1000);
  int builds = 0;
  auto failing = [&]() -> absl::StatusOr<std::shared_ptr<int>> {
    ++builds;
    return absl::InternalError("no");
  };
  EXPECT_FALSE(cache.GetOrBuild<int>("k", 1, failing).ok());
  EXPECT_FALSE(cache.GetOrBuild<int>("k", 1, failing).ok());
  EXPECT_EQ(builds, 2);
}

TEST(ResourceCacheTest, EvictsLeastRecentlyUsedOverBudget) {
  ResourceCache cache(25);
  int builds = 0;
  auto get = [&](const std::string& key) {
    return *cache.GetOrBuild<int>(
        key, 10, [&]() -> absl::StatusOr<std::shared_ptr<int>> {
          ++builds;
          return std::make_shared<int>(builds);
        });
  };
  std::shared_ptr<int> a = get("a");
  get("b");
  get("a");  // a is now the most recent.
  get("c");  // Over budget: b goes.
  EXPECT_EQ(builds, 3);
  EXPECT_EQ(cache.entry_count(), 2u);
  get("a");
  EXPECT_EQ(builds, 3);
  get("b");
  EXPECT_EQ(builds, 4);
  EXPECT_EQ(*a, 1);  // A holder keeps an evicted value alive.
}

TEST(ResourceCacheTest, BuildersMayNest) {
  ResourceCache cache(1000);
  auto outer = cache.GetOrBuild<int>(
      "outer", 1, [&]() -> absl::StatusOr<std::shared_ptr<int>> {
        auto inner = cache.GetOrBuild<int>(
            "inner", 1, []() -> absl::StatusOr<std::shared_ptr<int>> {
              return std::make_shared<int>(20);
            });
        if (!inner.ok()) return inner.status();
        return std::make_shared<int>(**inner + 1);
      });
  ASSERT_TRUE(outer.ok());
  EXPECT_EQ(**outer, 21);
}

TEST(ResourceCacheTest, AnotherTypeUnderAKeyIsAnError) {
  ResourceCache cache(1000);
  ASSERT_TRUE(
      cache
          .GetOrBuild<int>("k", 1,
                           []() -> absl::StatusOr<std::shared_ptr<int>> {
                             return std::make_shared<int>(1);
                           })
          .ok());
  auto wrong = cache.GetOrBuild<double>(
      "k", 1, []() -> absl::StatusOr<std::shared_ptr<double>> {
        return std::make_shared<double>(1);
      });
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace m8::bench
