# The walls between layers, checked on the source text (cmake -P; the build runs it through the
# target trilink_check_layers, tests/CMakeLists.txt on fixture trees):
#   cmake -DTL_ROOT=<tree> -DTL_DIRS=src,cli,... [-DTL_ALLOW=file:include,...] [-DTL_STAMP=<file>]
#         -P CheckLayers.cmake
# Include directories decide what a layer sees (cmake/TrilinkLayers.cmake), but a path in a
# quoted include is resolved against the including file's folder first and so bypasses them.
# Refused, in every *.c and *.h under TL_DIRS:
#   - a quoted include naming a folder other than trilink/ ("../util/mat.h", "src/store/x.h");
#   - a quoted include of a *_int.h that is not in the including file's own folder, except under
#     tests/, where white-box tests reach one through trilink_<layer>_internal;
#   - an angle-bracket include with "..", a src/ path or a *_int.h.
# TL_ALLOW lists exceptions as "<file>:<include>" (relative to TL_ROOT). On failure every
# violation is named (file:line: the include: why) and the script fails; on success it touches
# TL_STAMP.

cmake_minimum_required(VERSION 3.25) # the script's policies (IN_LIST ...)

foreach(var TL_ROOT TL_DIRS)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "CheckLayers.cmake: -D${var}=... is required")
    endif()
endforeach()
string(REPLACE "," ";" dirs "${TL_DIRS}")
string(REPLACE "," ";" allow "${TL_ALLOW}")

# The reason @p name (delimiter @p delim, '"' or '<') may not be included from @p file, or "".
function(tl__include_verdict file name delim out)
    set(why "")
    get_filename_component(dir ${file} DIRECTORY)
    if("${file}:${name}" IN_LIST allow)
        set(why "")
    elseif(delim STREQUAL "<")
        if(name MATCHES "(^|/)\\.\\.(/|$)" OR name MATCHES "^src/" OR name MATCHES "_int\\.h$")
            set(why "a system include of a private path")
        endif()
    elseif(name MATCHES "/")
        if(NOT name MATCHES "^trilink/[A-Za-z0-9_.-]+\\.h$" OR name MATCHES "\\.\\.")
            string(CONCAT why "a quoted include may name no folder but trilink/: link the layer "
                   "that offers the header and include it by its name")
        endif()
    elseif(name MATCHES "_int\\.h$" AND NOT EXISTS ${TL_ROOT}/${dir}/${name}
           AND NOT file MATCHES "^tests/")
        set(why "another folder's private header (a *_int.h is for its own folder only)")
    endif()
    set(${out} "${why}" PARENT_SCOPE)
endfunction()

set(globs "")
foreach(d IN LISTS dirs)
    list(APPEND globs ${TL_ROOT}/${d}/*.c ${TL_ROOT}/${d}/*.h)
endforeach()
file(GLOB_RECURSE files RELATIVE ${TL_ROOT} ${globs})
list(SORT files)

set(violations "")
set(include_re "^[ \t]*#[ \t]*include[ \t]*([\"<])([^\">]*)[\">]")
foreach(file IN LISTS files)
    file(READ ${TL_ROOT}/${file} text)
    # file(STRINGS) keeps no line numbers: each include line is looked up in what follows the
    # previous one, and its number is one more than the newlines before it.
    file(STRINGS ${TL_ROOT}/${file} lines REGEX "^[ \t]*#[ \t]*include" ENCODING UTF-8)
    set(line_no 1)
    foreach(line IN LISTS lines)
        string(FIND "${text}" "${line}" at)
        if(at LESS 0)
            continue() # not expected: the line came from the same text
        endif()
        string(SUBSTRING "${text}" 0 ${at} before)
        string(REGEX REPLACE "[^\n]" "" newlines "${before}")
        string(LENGTH "${newlines}" n)
        math(EXPR line_no "${line_no} + ${n}")
        string(LENGTH "${line}" len)
        math(EXPR at "${at} + ${len}")
        string(SUBSTRING "${text}" ${at} -1 text)
        if(NOT line MATCHES "${include_re}")
            continue() # a computed include (#include MACRO)
        endif()
        tl__include_verdict(${file} "${CMAKE_MATCH_2}" "${CMAKE_MATCH_1}" why)
        if(why)
            if(CMAKE_MATCH_1 STREQUAL "<")
                set(shown "<${CMAKE_MATCH_2}>")
            else()
                set(shown "\"${CMAKE_MATCH_2}\"")
            endif()
            string(APPEND violations "  ${file}:${line_no}: #include ${shown}: ${why}\n")
        endif()
    endforeach()
endforeach()

if(violations)
    message(FATAL_ERROR "layer walls broken (cmake/CheckLayers.cmake):\n${violations}")
endif()
if(DEFINED TL_STAMP AND NOT TL_STAMP STREQUAL "")
    file(TOUCH ${TL_STAMP})
endif()
