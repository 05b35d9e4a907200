# Install rules (GNUInstallDirs), the pkg-config file and the .deb (cpack -G DEB).
#   bin/trilink, bin/trilinkd            the programs (RPATH $ORIGIN/../LIBDIR to libtrilink.so.0)
#   LIBDIR/libtrilink.a, .so.0.1.0       the library, SONAME libtrilink.so.0
#   include/trilink/*.h                  its API, with the generated trilink/version.h
#   LIBDIR/pkgconfig/trilink.pc          relocatable (prefix from ${pcfiledir})
#   share/trilink/                       vehicles.yaml, warn-rules.yaml, scenarios/*.yaml, areas/
#   share/man/man{1,5,8}/                trilink(1), trilink-scenario(5), trilinkd(8)
#   share/bash-completion/completions/   trilink, trilinkd
#   share/doc/trilink/                   README.md, LICENSE, CHANGELOG.md

install(TARGETS trilink_cli trilinkd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS trilink trilink_shared
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/trilink DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_BINARY_DIR}/include/trilink/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/trilink)

# From LIBDIR/pkgconfig back up to the prefix: ../.. for lib, ../../.. for lib/<multiarch>.
file(RELATIVE_PATH TL_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" TL_PC_TO_PREFIX "${TL_PC_TO_PREFIX}")
# libtrilink.a's own dependencies, as the linker names them: proj, yaml, sqlite3 (from their
# pkg-config modules), jansson, libcrypto, Cyclone DDS, threads, libm.
set(TL_PC_LIBS_PRIVATE "")
foreach(l IN LISTS PROJ_LIBRARIES YAML_LIBRARIES SQLITE_LIBRARIES JANSSON_LIBRARIES GEOS_LIBRARIES
               LIBXML2_LIBRARIES ITEMS crypto ddsc)
    string(APPEND TL_PC_LIBS_PRIVATE "-l${l} ")
endforeach()
string(APPEND TL_PC_LIBS_PRIVATE "-pthread -lm")
configure_file(${CMAKE_SOURCE_DIR}/packaging/trilink.pc.in ${CMAKE_BINARY_DIR}/trilink.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/trilink.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES ${CMAKE_SOURCE_DIR}/data/vehicles.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/trilink)
install(FILES ${TL_SCENARIO_FILES} DESTINATION ${CMAKE_INSTALL_DATADIR}/trilink/scenarios)
# The warning areas (data/areas, vendored by scripts/vendor-areas), read by tl_areas_load.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/areas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/trilink/areas
        FILES_MATCHING PATTERN "*.geojson" PATTERN "README.md")
install(FILES ${CMAKE_SOURCE_DIR}/data/warn-rules.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/trilink)

if(TARGET trilink_man)
    install(FILES ${TL_MAN_DIR}/trilink.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
    install(FILES ${TL_MAN_DIR}/trilink-scenario.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
    install(FILES ${TL_MAN_DIR}/trilinkd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
endif()

# bash-completion loads completions/NAME on the first TAB after NAME: one script serves both.
foreach(prog trilink trilinkd)
    install(FILES ${CMAKE_SOURCE_DIR}/completions/trilink.bash
            DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${prog})
endforeach()

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE
              ${CMAKE_SOURCE_DIR}/CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The .deb: cpack -G DEB in the build tree gives trilink_VERSION_ARCH.deb. Its Depends are filled
# in by dpkg-shlibdeps from the programs and the library (libc6, libproj25, libyaml, libsqlite3,
# libssl3, libddsc0debian, libjansson4 ...); the DDS Security plugins come with libddsc0debian.
set(TL_PACKAGE_CONTACT "trilink maintainers <maintainers@trilink.invalid>" CACHE STRING
    "Maintainer of the .deb (name <email>)")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trilink)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${TL_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_VENDOR trilink)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "reference implementation of multinational ballistic-missile warning data sharing")
# One line per control-file line (CPack indents them by one space).
set(CPACK_PACKAGE_DESCRIPTION "trilink simulates ballistic-missile launches and the radar and
space-infrared sensors that watch them, tracks the missiles (IMM of boost,
ballistic and reentry models), assesses launch and impact points with their
uncertainty, and shares tracks and assessments between national nodes
(trilinkd) over Eclipse Cyclone DDS with DDS Security: release policies per
partner, a relaying hub, track fusion, a hash-chained audit log.
Includes the library (shared and static), its headers and pkg-config file,
manual pages and bash completion.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shlibs file for libtrilink.so.0 ("libtrilink 0 trilink (>= 0.1.0)"), for packages built
# against it. CPack also adds postinst and postrm scripts that run ldconfig, as it does for every
# package with a shared library in /usr/lib.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# gnuplot for trilink score --plot; the -dev packages (their .so links) to link libtrilink.a.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "gnuplot-nox, libproj-dev, libyaml-dev, libsqlite3-dev, libssl-dev, cyclonedds-dev")
set(CPACK_STRIP_FILES ON)
include(CPack)
