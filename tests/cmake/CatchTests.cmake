# catch_test_cases(TARGET [ARGS arg...] [PROPERTIES name value...] [LABEL_TAGS tag...])
# Registers each Catch2 test case of TARGET as a ctest test of the same name, like Catch2 v2's
# catch_discover_tests (/usr/lib/cmake/Catch2/Catch.cmake), whose list script splits names at
# ';' (CMake's list separator) and so runs a test case named "a; b" as two tests that match
# nothing. The list is made after each build of TARGET (CatchTestList.cmake), so new test cases
# need no re-run of cmake. ARGS go to every run of the test program; PROPERTIES to every test.
# A test case with a Catch2 tag of LABEL_TAGS also gets that tag as a ctest label (ctest -L/-LE).
set(_CATCH_TEST_LIST_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/CatchTestList.cmake)

function(catch_test_cases TARGET)
  cmake_parse_arguments(PARSE_ARGV 1 "" "" "" "ARGS;PROPERTIES;LABEL_TAGS")
  set(tests_file "${CMAKE_CURRENT_BINARY_DIR}/${TARGET}_tests.cmake")
  # Lists go to the script with '|' between items, so none of their items may hold a '|'.
  if("${_ARGS};${_PROPERTIES}" MATCHES "[|]")
    message(FATAL_ERROR "catch_test_cases(${TARGET}): no argument or property may hold '|'")
  endif()
  string(REPLACE ";" "|" args "${_ARGS}")
  string(REPLACE ";" "|" properties "${_PROPERTIES}")
  string(REPLACE ";" "|" label_tags "${_LABEL_TAGS}")
  add_custom_command(TARGET ${TARGET} POST_BUILD
    BYPRODUCTS "${tests_file}"
    COMMAND "${CMAKE_COMMAND}"
            -D "TEST_EXECUTABLE=$<TARGET_FILE:${TARGET}>"
            -D "TEST_WORKING_DIR=${CMAKE_CURRENT_BINARY_DIR}"
            -D "TEST_ARGS=${args}"
            -D "TEST_PROPERTIES=${properties}"
            -D "TEST_LABEL_TAGS=${label_tags}"
            -D "CTEST_FILE=${tests_file}"
            -P "${_CATCH_TEST_LIST_SCRIPT}"
    VERBATIM)
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${TARGET}_include.cmake")
  file(WRITE "${include_file}"
    "if(EXISTS \"${tests_file}\")\n"
    "  include(\"${tests_file}\")\n"
    "else()\n"
    "  add_test(${TARGET}_NOT_BUILT ${TARGET}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
