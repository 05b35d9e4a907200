# ctest shared_link: libtrilink.so exports the TL_API functions and no tl__ internal, and the
# programs use it (NEEDED libtrilink.so.0) instead of carrying a static copy of the library.
#   cmake -DTL_NM=nm -DTL_READELF=readelf -DTL_LIB=<libtrilink.so> -DTL_PROGRAMS=<exe>,<exe>
#         -P TestSharedLink.cmake

cmake_minimum_required(VERSION 3.25) # the script's policies (IN_LIST ...)

foreach(var TL_NM TL_READELF TL_LIB TL_PROGRAMS)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "TestSharedLink.cmake: -D${var}=... is required")
    endif()
endforeach()
string(REPLACE "," ";" programs "${TL_PROGRAMS}")

function(run out)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${ARGN} failed (${rc}): ${err}")
    endif()
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

run(exports ${TL_NM} -D --defined-only ${TL_LIB})
string(REGEX MATCHALL "[^\n]* tl__[^\n]*" internal "${exports}")
if(internal)
    message(FATAL_ERROR "${TL_LIB} exports tl__ internals:\n${internal}")
endif()
string(REGEX MATCHALL " T tl_[a-z0-9_]+" api "${exports}")
list(LENGTH api n_api)
if(n_api LESS 50 OR NOT exports MATCHES " T tl_parse_number\n")
    message(FATAL_ERROR "${TL_LIB} exports ${n_api} tl_ functions (tl_parse_number among them?)")
endif()
message(STATUS "${TL_LIB}: ${n_api} tl_ functions exported, no tl__")

foreach(prog IN LISTS programs)
    run(dynamic ${TL_READELF} -d ${prog})
    if(NOT dynamic MATCHES "\\(NEEDED\\)[^\n]*\\[libtrilink\\.so\\.0\\]")
        message(FATAL_ERROR "${prog} does not need libtrilink.so.0:\n${dynamic}")
    endif()
    # Global functions only: a public header's static inline functions (t) are the program's own.
    run(defined ${TL_NM} --defined-only ${prog})
    if(defined MATCHES " T tl_[a-z0-9_]+")
        message(FATAL_ERROR "${prog} defines library function ${CMAKE_MATCH_0} itself")
    endif()
    message(STATUS "${prog}: NEEDED libtrilink.so.0, no library code of its own")
endforeach()
