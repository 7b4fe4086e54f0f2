# m8_add_test(NAME <name> SOURCES <files...> [LIBS <targets...>] [LABELS <labels...>])
#
# One GoogleTest executable registered with ctest. Every test gets the "unit"
# label unless LABELS says otherwise; "concurrent" marks the tests that the
# ThreadSanitizer build runs.
function(m8_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if("concurrent" IN_LIST T_LABELS)
    add_dependencies(m8_concurrent_tests ${T_NAME})
  endif()
  set_tests_properties(${T_NAME} PROPERTIES
    LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "M8_TEST_DATA=${PROJECT_SOURCE_DIR}/test/data")
endfunction()
