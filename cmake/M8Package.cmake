# The installed package: `cmake --install` puts the grid library, the bench
# support library with the suite's main, their headers (at their tree paths,
# so that `#include "grid/grid.h"` works outside the tree), m8perf and the
# CMake package m8bench under the prefix. A project outside the tree writes
#
#   find_package(m8bench REQUIRED)
#   m8_add_bench_area(NAME mine SOURCES mine_benchmarks.cc)
#
# or links m8bench::bench_support (and m8bench::grid) into an executable of
# its own. A project with a Mem|8 implementation of its own registers it
# with M8_GRID_BACKEND in a file that includes "bench/grid/backend_fixtures.h"
# and links m8bench::grid_fixtures: every Grid/... fixture then runs on it.
include(CMakePackageConfigHelpers)

set(M8_PACKAGE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/m8bench")

# The grid's include directory is the source tree only while building; the
# installed headers are found under the prefix.
set_target_properties(m8_grid PROPERTIES
  EXPORT_NAME grid
  INTERFACE_INCLUDE_DIRECTORIES
    "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>;$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
set_target_properties(m8_grid_config PROPERTIES EXPORT_NAME grid_config)
set_target_properties(m8_bench_support PROPERTIES
  EXPORT_NAME bench_support_library)
set_target_properties(m8_bench_entry PROPERTIES EXPORT_NAME bench_main)
set_target_properties(m8_bench_grid_fixtures PROPERTIES
  EXPORT_NAME grid_fixtures)
set_target_properties(m8_bench_package_support PROPERTIES
  EXPORT_NAME bench_support)
add_library(m8bench::grid ALIAS m8_grid)
add_library(m8bench::bench_support ALIAS m8_bench_package_support)

install(TARGETS
    m8_grid m8_grid_config m8_bench_support m8_bench_entry
    m8_bench_package_support m8_bench_grid_fixtures
  EXPORT m8benchTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS m8perf m8bench_conformance
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/grid
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h"
  PATTERN fuzz EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/bench/support
    ${PROJECT_SOURCE_DIR}/bench/grid
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/bench
  FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_SOURCE_DIR}/bench/support/M8BenchArea.cmake
  DESTINATION ${M8_PACKAGE_CMAKE_DIR})

install(EXPORT m8benchTargets
  NAMESPACE m8bench::
  DESTINATION ${M8_PACKAGE_CMAKE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/m8benchConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/m8benchConfig.cmake
  INSTALL_DESTINATION ${M8_PACKAGE_CMAKE_DIR}
  NO_SET_AND_CHECK_MACRO
  NO_CHECK_REQUIRED_COMPONENTS_MACRO)
# While the version is 0.x a minor version may break what it exports.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/m8benchConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
    ${CMAKE_CURRENT_BINARY_DIR}/m8benchConfig.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/m8benchConfigVersion.cmake
  DESTINATION ${M8_PACKAGE_CMAKE_DIR})
