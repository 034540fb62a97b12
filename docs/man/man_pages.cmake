# Writes the man pages from the program's own --help text (cmake -P, at build time), so that they
# can never disagree with it: tombstone.1 from 'tombstone --help', and one page per command,
# tombstone-COMMAND.1 (tombstone-backups-import.1 for a command of a group), from
# 'tombstone COMMAND --help'. The commands are read from the "Commands:" list of --help.
# Inputs: -DTOMBSTONE=<the built program> -DVERSION=<x.y.z> -DOUT=<directory> -DHELP2MAN=<path>
foreach(var TOMBSTONE VERSION OUT HELP2MAN)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "man_pages.cmake: -D${var}= is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT})
file(GLOB old ${OUT}/*.1)
if(old)
  file(REMOVE ${old})
endif()

execute_process(COMMAND ${TOMBSTONE} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "unable to run '${TOMBSTONE} --help': exit ${rc}")
endif()

# help2man names a page after its program: a link named tombstone-COMMAND gives the page its name.
function(page name help_option description)
  set(program ${OUT}/links/${name})
  file(MAKE_DIRECTORY ${OUT}/links)
  file(CREATE_LINK ${TOMBSTONE} ${program} SYMBOLIC)
  execute_process(
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1 --version-string=${VERSION}
            "--help-option=${help_option}" "--name=${description}" --output=${OUT}/${name}.1
            ${program}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "unable to write man page ${name}.1: ${err}")
  endif()
endfunction()

page(tombstone --help "re-apply erasures to restored PostgreSQL databases")

string(REPLACE "\n" ";" lines "${help}")
set(in_commands FALSE)
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "Commands:")
    set(in_commands TRUE)
    continue()
  endif()
  # A long synopsis puts its summary on the next line, indented further: not a command.
  if(in_commands AND line MATCHES "^   ")
    continue()
  endif()
  if(in_commands AND NOT line MATCHES "^  [a-z]")
    break()
  endif()
  if(NOT in_commands)
    continue()
  endif()
  # "  backups import --from TOOL FILE|- import a backup ..." or "  replay [--dsn DSN] ..."
  if(line MATCHES "^  ([a-z]+) ([a-z]+)( |$)" AND NOT CMAKE_MATCH_2 STREQUAL "")
    set(command "${CMAKE_MATCH_1} ${CMAKE_MATCH_2}")
  elseif(line MATCHES "^  ([a-z]+)")
    set(command "${CMAKE_MATCH_1}")
  endif()
  string(REPLACE " " "-" name "tombstone-${command}")
  page(${name} "${command} --help" "tombstone ${command}")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "unable to find the commands in '${TOMBSTONE} --help'")
endif()
file(REMOVE_RECURSE ${OUT}/links)
message(STATUS "man pages: tombstone.1 and ${count} command pages in ${OUT}")
