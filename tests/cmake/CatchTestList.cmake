# Run by catch_test_cases (CatchTests.cmake) after a test program is built: asks it for its test
# case names and writes a ctest file with one add_test per case. Names are kept whole, ';' too.
#   cmake -D TEST_EXECUTABLE=... -D TEST_WORKING_DIR=... -D TEST_ARGS=a|b -D TEST_PROPERTIES=p|v
#         [-D TEST_LABEL_TAGS=tag|tag] -D CTEST_FILE=... -P CatchTestList.cmake
execute_process(
  COMMAND "${TEST_EXECUTABLE}" --list-test-names-only
  OUTPUT_VARIABLE output
  RESULT_VARIABLE result
  WORKING_DIRECTORY "${TEST_WORKING_DIR}")
# Catch2 v2 exits with the number of test cases listed, at most 255 (its MaxExitCode).
if(NOT result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "unable to list the test cases of '${TEST_EXECUTABLE}': ${result}\n${output}")
endif()

# A bracket argument keeps any text as one argument, ';' included.
function(bracket text out)
  if(text MATCHES "]==]")
    message(FATAL_ERROR "unable to register test case '${text}': its name holds ']==]'")
  endif()
  set(${out} "[==[${text}]==]" PARENT_SCOPE)
endfunction()

# The test cases of each tag in TEST_LABEL_TAGS, as "<tag>:<name>" lines, ';' swapped for a byte
# that cannot occur in the text, as in the names read below.
string(ASCII 1 semicolon)
set(tagged "")
string(REPLACE "|" ";" label_tag_list "${TEST_LABEL_TAGS}")
foreach(tag IN LISTS label_tag_list)
  execute_process(COMMAND "${TEST_EXECUTABLE}" --list-test-names-only "[${tag}]"
    OUTPUT_VARIABLE names WORKING_DIRECTORY "${TEST_WORKING_DIR}")
  string(REPLACE ";" "${semicolon}" names "${names}")
  string(REGEX REPLACE "([^\n]+)" "${tag}:\\1" names "${names}")
  string(APPEND tagged "\n${names}")
endforeach()

set(args "")
string(REPLACE "|" ";" arg_list "${TEST_ARGS}")
foreach(a IN LISTS arg_list)
  bracket("${a}" q)
  string(APPEND args " ${q}")
endforeach()
# Properties, but LABELS apart: a test case may get more labels from its tags.
set(props "")
set(labels "")
set(next_is_labels FALSE)
string(REPLACE "|" ";" prop_list "${TEST_PROPERTIES}")
foreach(p IN LISTS prop_list)
  if(next_is_labels)
    set(labels "${p}")
    set(next_is_labels FALSE)
    continue()
  elseif(p STREQUAL "LABELS")
    set(next_is_labels TRUE)
    continue()
  endif()
  bracket("${p}" q)
  string(APPEND props " ${q}")
endforeach()

# One name a line. Swap ';' for that byte before making a list.
string(REPLACE ";" "${semicolon}" output "${output}")
string(REPLACE "\n" ";" lines "${output}")
set(script "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(REPLACE "${semicolon}" ";" name "${line}")
  # Catch2 prints a name that starts with '#' in quotes
  if(name MATCHES "^\"#.*\"$")
    string(REGEX REPLACE "^\"(.*)\"$" "\\1" name "${name}")
  endif()
  # The name as a Catch2 test spec: '\', ',' and '[' ']' escaped with '\'; a leading '~' or
  # '"' or '-' (an option to Catch's command line) too. A leading or trailing '*' would be a
  # wildcard (no test case name has one).
  set(spec "${name}")
  string(REPLACE "\\" "\\\\" spec "${spec}")
  foreach(c , [ ])
    string(REPLACE "${c}" "\\${c}" spec "${spec}")
  endforeach()
  if(spec MATCHES "^[~\"-]")
    set(spec "\\${spec}")
  endif()
  bracket("${name}" qname)
  bracket("${spec}" qspec)
  set(test_labels "${labels}")
  foreach(tag IN LISTS label_tag_list)
    string(FIND "${tagged}" "\n${tag}:${line}\n" at)
    if(at GREATER -1)
      list(APPEND test_labels "${tag}")
    endif()
  endforeach()
  set(label_prop "")
  if(NOT test_labels STREQUAL "")
    set(label_prop " LABELS [==[${test_labels}]==]")
  endif()
  string(APPEND script
    "add_test(${qname} [==[${TEST_EXECUTABLE}]==] ${qspec}${args})\n"
    "set_tests_properties(${qname} PROPERTIES WORKING_DIRECTORY [==[${TEST_WORKING_DIR}]==]${props}${label_prop})\n")
  math(EXPR count "${count} + 1")
endforeach()
# From 255 test cases on the exit status is 255 whatever their number (as after an error: then
# the names read are checked by the tests they register, each of which must run and pass).
set(listed ${count})
if(count GREATER 255)
  set(listed 255)
endif()
if(count EQUAL 0 OR NOT listed EQUAL result)
  message(FATAL_ERROR "unable to register the test cases of '${TEST_EXECUTABLE}': its exit "
                      "status says ${result} (at most 255), ${count} names read")
endif()
file(WRITE "${CTEST_FILE}" "${script}")
