# ctest layers_check: cmake/CheckLayers.cmake on small fixture trees written under TL_WORK. A
# clean tree passes; each bad include fails the check with a message naming file, line and
# include; the white-box and allow-list exceptions pass.
#   cmake -DTL_CHECK=<CheckLayers.cmake> -DTL_WORK=<scratch dir> -P TestCheckLayers.cmake

cmake_minimum_required(VERSION 3.25) # the script's policies (IN_LIST ...)

foreach(var TL_CHECK TL_WORK)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "TestCheckLayers.cmake: -D${var}=... is required")
    endif()
endforeach()

set(case_no 0)
# A tree with src/a/{a.c,a_int.h}, src/b/{b.h,b_int.h} and tests/t.c; @p file gets @p include as
# its third line. Runs the check (TL_ALLOW @p allow) and expects @p expect: PASS, or FAIL with
# "<file>:3: #include <include>" in the output.
function(check_case expect file include allow)
    math(EXPR n "${case_no} + 1")
    set(case_no ${n} PARENT_SCOPE)
    set(root ${TL_WORK}/case${n})
    file(REMOVE_RECURSE ${root})
    set(good "#include <stdio.h>\n#include \"trilink/err.h\"\n")
    file(WRITE ${root}/src/a/a.c "${good}#include \"a_int.h\"\n")
    file(WRITE ${root}/src/a/a_int.h "#include \"trilink/err.h\"\n")
    file(WRITE ${root}/src/b/b.h "/* interface of b */\n")
    file(WRITE ${root}/src/b/b_int.h "/* private to b */\n")
    file(WRITE ${root}/tests/t.c "${good}\n")
    file(WRITE ${root}/${file} "/* case ${n} */\n\n${include}\nint x;\n")
    execute_process(COMMAND ${CMAKE_COMMAND} -DTL_ROOT=${root} -DTL_DIRS=src,tests
                            -DTL_ALLOW=${allow} -DTL_STAMP=${root}/stamp -P ${TL_CHECK}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    string(REGEX MATCH "[\"<][^\">]*[\">]" shown "${include}")
    if(expect STREQUAL "PASS")
        if(NOT rc EQUAL 0 OR NOT EXISTS ${root}/stamp)
            message(FATAL_ERROR "case ${n}: ${file} with '${include}' should pass:\n${out}")
        endif()
    else()
        string(FIND "${out}" "${file}:3: #include ${shown}" at)
        if(rc EQUAL 0 OR at LESS 0 OR EXISTS ${root}/stamp)
            message(FATAL_ERROR "case ${n}: ${file} with '${include}' should fail naming "
                    "'${file}:3: #include ${shown}' (exit ${rc}):\n${out}")
        endif()
    endif()
    message(STATUS "case ${n}: ${expect}: ${file}: ${include}")
endfunction()

check_case(PASS src/a/a2.c "#include \"trilink/geo.h\"" "")
check_case(PASS src/a/a2.c "#include \"a_int.h\"" "")
check_case(PASS src/a/a2.c "#include \"b.h\"" "") # resolves only if a's target links b
check_case(FAIL src/a/a2.c "#include \"../b/b_int.h\"" "")
check_case(FAIL src/a/a2.c "#include \"../b/b.h\"" "")
check_case(FAIL src/a/a2.c "#include \"b_int.h\"" "")
check_case(FAIL src/a/a2.c "#include \"src/b/b.h\"" "")
check_case(FAIL src/a/a2.c "#include \"trilink/../../src/b/b.h\"" "")
check_case(FAIL src/a/a2.c "#  include <../b/b_int.h>" "")
check_case(FAIL src/a/a2.c "#include <b_int.h>" "")
check_case(FAIL tests/t2.c "#include \"src/b/b_int.h\"" "")
check_case(FAIL src/b/b2.h "#include \"../a/a_int.h\" /* a comment */" "")
# White-box tests reach a module's private header through its _internal target.
check_case(PASS tests/t2.c "#include \"b_int.h\"" "")
# A TEMPORARY allow-list entry lets exactly that include through, and no other.
check_case(PASS src/a/a2.c "#include \"../b/b_int.h\"" "src/a/a2.c:../b/b_int.h")
check_case(FAIL src/a/a2.c "#include \"../b/b.h\"" "src/a/a2.c:../b/b_int.h")
message(STATUS "layers_check: PASS (${case_no} cases)")
