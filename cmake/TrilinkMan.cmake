# Manual pages generated from the programs' own help, so they cannot drift from it:
#   trilink(1)           help2man on `trilink --help`, plus a COMMANDS section holding every
#                        `trilink COMMAND --help` verbatim (the commands are read from the
#                        command list of `trilink --help`);
#   trilinkd(8)          help2man on `trilinkd --help`;
#   trilink-scenario(5)  `trilink help scenario`, converted by cmake/man_page.cmake (help2man
#                        would refill the YAML examples into paragraphs).
# Each page is rebuilt only when its program is relinked.

if(TL_FUZZ)
    return() # fuzzing builds make harnesses, not documentation
endif()
find_program(HELP2MAN_EXECUTABLE help2man)
if(NOT HELP2MAN_EXECUTABLE)
    message(WARNING "help2man not found: no manual pages (scripts/install-deps installs it)")
    return()
endif()

set(TL_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(TL_MAN_SCRIPT ${CMAKE_SOURCE_DIR}/cmake/man_page.cmake)
set(TL_MAN_PAGES ${TL_MAN_DIR}/trilink.1 ${TL_MAN_DIR}/trilinkd.8 ${TL_MAN_DIR}/trilink-scenario.5)

add_custom_command(OUTPUT ${TL_MAN_DIR}/trilink.1
    COMMAND ${CMAKE_COMMAND} -DMODE=commands -DHELP2MAN=${HELP2MAN_EXECUTABLE}
            -DPROGRAM=$<TARGET_FILE:trilink_cli> -DSECTION=1 -DPAGE=trilink
            "-DSUMMARY=simulate, track, assess and share ballistic-missile warnings"
            "-DSEE_ALSO=trilinkd(8), trilink-scenario(5)"
            -DOUTPUT=${TL_MAN_DIR}/trilink.1 -P ${TL_MAN_SCRIPT}
    DEPENDS trilink_cli ${TL_MAN_SCRIPT}
    COMMENT "Manual page trilink(1) from trilink --help and each command's --help"
    VERBATIM)
add_custom_command(OUTPUT ${TL_MAN_DIR}/trilinkd.8
    COMMAND ${CMAKE_COMMAND} -DMODE=help2man -DHELP2MAN=${HELP2MAN_EXECUTABLE}
            -DPROGRAM=$<TARGET_FILE:trilinkd> -DSECTION=8 -DPAGE=trilinkd
            "-DSUMMARY=one nation's node of a trilink coalition"
            "-DSEE_ALSO=trilink(1), trilink-scenario(5)"
            -DOUTPUT=${TL_MAN_DIR}/trilinkd.8 -P ${TL_MAN_SCRIPT}
    DEPENDS trilinkd ${TL_MAN_SCRIPT}
    COMMENT "Manual page trilinkd(8) from trilinkd --help"
    VERBATIM)
add_custom_command(OUTPUT ${TL_MAN_DIR}/trilink-scenario.5
    COMMAND ${CMAKE_COMMAND} -DMODE=text -DPROGRAM=$<TARGET_FILE:trilink_cli>
            "-DHELP_ARGS=help scenario" -DSECTION=5 -DPAGE=trilink-scenario
            "-DSUMMARY=scenario and sensors files of trilink (YAML)"
            -DOUTPUT=${TL_MAN_DIR}/trilink-scenario.5 -P ${TL_MAN_SCRIPT}
    DEPENDS trilink_cli ${TL_MAN_SCRIPT}
    COMMENT "Manual page trilink-scenario(5) from trilink help scenario"
    VERBATIM)
add_custom_target(trilink_man ALL DEPENDS ${TL_MAN_PAGES})
