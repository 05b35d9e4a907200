# The data the programs read at run time: the shipped scenarios and sensors files, and the vehicle
# catalogue (compiled in; shipped for reference). Installed under DATADIR/trilink; the build tree
# gets a copy in ${CMAKE_BINARY_DIR}/share/trilink, so the programs find both by a path relative
# to themselves (cli/cli_data.c) and no absolute path of this machine is compiled in.

file(GLOB TL_SCENARIO_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*.yaml)
set(TL_BUILD_DATA_DIR ${CMAKE_BINARY_DIR}/share/trilink)
# configure_file copies only when the content differs (a reconfigure touches nothing) and reruns
# cmake when a source file changes.
foreach(f IN LISTS TL_SCENARIO_FILES)
    get_filename_component(name ${f} NAME)
    configure_file(${f} ${TL_BUILD_DATA_DIR}/scenarios/${name} COPYONLY)
endforeach()
configure_file(${CMAKE_SOURCE_DIR}/data/vehicles.yaml ${TL_BUILD_DATA_DIR}/vehicles.yaml COPYONLY)
# The warning stage's rules (defaults).
configure_file(${CMAKE_SOURCE_DIR}/data/warn-rules.yaml ${TL_BUILD_DATA_DIR}/warn-rules.yaml COPYONLY)
file(GLOB TL_AREA_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/areas/*.geojson
     ${CMAKE_SOURCE_DIR}/data/areas/README.md)
foreach(f IN LISTS TL_AREA_FILES)
    get_filename_component(name ${f} NAME)
    configure_file(${f} ${TL_BUILD_DATA_DIR}/areas/${name} COPYONLY)
endforeach()

# Relative paths from the folder of the executables to the data: installed (BINDIR ->
# DATADIR/trilink, ../share/trilink with the default layout) and in the build tree (the
# executables are at the top of the build tree).
file(RELATIVE_PATH TL_DATA_REL_INSTALL ${CMAKE_INSTALL_FULL_BINDIR}
     ${CMAKE_INSTALL_FULL_DATADIR}/trilink)
if(CMAKE_RUNTIME_OUTPUT_DIRECTORY)
    set(tl_exe_dir ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
else()
    set(tl_exe_dir ${CMAKE_BINARY_DIR})
endif()
file(RELATIVE_PATH TL_DATA_REL_BUILD ${tl_exe_dir} ${TL_BUILD_DATA_DIR})
# On the one source file that uses them, so a change of prefix recompiles that file only.
set_property(SOURCE ${CMAKE_SOURCE_DIR}/cli/cli_data.c APPEND PROPERTY COMPILE_DEFINITIONS
             TL_DATA_REL_INSTALL="${TL_DATA_REL_INSTALL}" TL_DATA_REL_BUILD="${TL_DATA_REL_BUILD}")
