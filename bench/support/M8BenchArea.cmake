# m8_add_bench_area(NAME <area> SOURCES <files...> [LIBS <targets...>])
#
# A benchmark area: its fixtures as an OBJECT library m8_bench_area_<area>
# (so that their static registration is never dropped by the linker) and a
# binary m8bench_<area> running them with the suite's main, flags, context
# and counters. The area is recorded in the global property
# M8_BENCH_AREA_LIBRARIES (a binary linking every area can be made from it)
# and the binary in M8_BENCH_BINARIES.
#
# What a binary links besides its areas is M8_BENCH_ENTRY_LIBRARIES: the
# suite's own targets in the m8bench tree, m8bench::bench_support in a
# project that found the installed package.

# m8_add_bench_binary(<name> <area object libraries...>)
# A benchmark executable: the suite's main and the given areas.
function(m8_add_bench_binary name)
  add_executable(${name})
  target_link_libraries(${name} PRIVATE ${M8_BENCH_ENTRY_LIBRARIES} ${ARGN})
  set_property(GLOBAL APPEND PROPERTY M8_BENCH_BINARIES ${name})
endfunction()

function(m8_add_bench_area)
  cmake_parse_arguments(A "" "NAME" "SOURCES;LIBS" ${ARGN})
  if(NOT A_NAME OR NOT A_SOURCES)
    message(FATAL_ERROR "m8_add_bench_area: NAME and SOURCES are required")
  endif()
  set(library m8_bench_area_${A_NAME})
  add_library(${library} OBJECT ${A_SOURCES})
  target_link_libraries(${library} PUBLIC ${M8_BENCH_SUPPORT_LIBRARY} ${A_LIBS})
  m8_add_bench_binary(m8bench_${A_NAME} ${library})
  set_property(GLOBAL APPEND PROPERTY M8_BENCH_AREA_LIBRARIES ${library})
endfunction()
