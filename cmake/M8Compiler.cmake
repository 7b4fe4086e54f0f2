# Warnings, sanitizers and the build description recorded in benchmark context.

add_compile_options(-Wall -Wextra)
# g++ 12 warns on designated initializers that leave fields to their default
# member initializers (Options{.k = 5}), which is the idiom our Options
# structs are built for.
add_compile_options(-Wno-missing-field-initializers)

if(M8_SANITIZE)
  if(NOT M8_SANITIZE MATCHES "^(address,undefined|undefined,address|address|undefined|thread)$")
    message(FATAL_ERROR "M8_SANITIZE must be 'address,undefined' or 'thread', got '${M8_SANITIZE}'")
  endif()
  # -O1 -g1: fast to build, fast enough to run, and line tables for the
  # sanitizers' stack traces.
  add_compile_options(-fsanitize=${M8_SANITIZE} -fno-omit-frame-pointer -O1 -g1)
  if(M8_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_link_options(-fsanitize=${M8_SANITIZE})
endif()

if(M8_BUILD_FUZZERS AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "M8_BUILD_FUZZERS needs clang (-DCMAKE_CXX_COMPILER=clang++)")
endif()

# Recorded in the m8.* benchmark context: our build, not the library's.
set(M8_BUILD_DESCRIPTION
    "${CMAKE_BUILD_TYPE}")
if(M8_SANITIZE)
  string(APPEND M8_BUILD_DESCRIPTION "+sanitize=${M8_SANITIZE}")
endif()
set(M8_COMPILER_DESCRIPTION
    "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
