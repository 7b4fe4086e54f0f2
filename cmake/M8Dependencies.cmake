# Every dependency is a Debian 12 package installed by tools/setup.

find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(ZLIB REQUIRED)            # crc32 for grid snapshots
find_package(PkgConfig REQUIRED)

if(M8_BUILD_BENCHMARKS OR M8_BUILD_TESTS)
  find_package(benchmark REQUIRED)
  pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET hwloc)
endif()
if(M8_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# analysis/ and tools/
find_package(simdjson REQUIRED)        # fast reader for large result files
find_package(nlohmann_json REQUIRED)   # writing JSON and small config files
find_package(CLI11 REQUIRED)           # m8perf subcommands and typed options
find_package(Boost 1.74 REQUIRED)      # header-only Boost.Math distributions
