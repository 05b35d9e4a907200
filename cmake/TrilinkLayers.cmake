# The library's layers: one OBJECT library per folder of src/ (src/CMakeLists.txt), so that a
# source file's quoted includes resolve only to what its layer may see:
#   - its own folder (PRIVATE): its sources and its *_int.h;
#   - the public API, include/trilink/ (trilink_api);
#   - the internal interface headers of the layers it links, for those that offer some
#     (INTERFACE_DIR: util's mat.h, roots.h, yamltree.h; boost_yaml.h; sensor_yaml.h);
#   - the external packages it names (EXTERNAL): only share compiles against Cyclone DDS.
# libtrilink.a and libtrilink.so.0 are made from the objects of every layer (tl_layer_objects).
# A relative include ("../x/y.h", "src/x/y.h") would bypass all of this; cmake/CheckLayers.cmake,
# run by the build before any layer compiles (tl_layer_check), refuses them.
#
# tl_layer(<name> SOURCES <file>... [INTERFACE_DIR <dir>] [DEPENDS <layer>...]
#          [PUBLIC_DEPENDS <layer>...] [EXTERNAL <target>...])
#   <name>          the folder src/<name>; the target is trilink_<name>
#   SOURCES         relative to src/<name>, or absolute (generated files)
#   INTERFACE_DIR   the folder (relative to src/<name>, "." for itself) whose headers the layers
#                   linking this one may include; it may hold no *_int.h
#   DEPENDS         layers whose functions this one calls or whose interface headers it includes
#   PUBLIC_DEPENDS  the same, for layers whose interface headers this one's interface headers include
#   EXTERNAL        imported targets the sources use (PkgConfig::SQLITE, CycloneDDS::ddsc ...)
# It also defines trilink_<name>_internal, an INTERFACE target giving the layer's own folder (its
# *_int.h) to white-box tests; only targets under tests/ may link one (tl_layer_guard).

include(CheckCCompilerFlag)
# Under -fPIC alone the compiler must assume a TL_API function may be interposed, so it neither
# inlines nor calls it directly from the library's own code; the library never relies on
# interposition, so those calls stay as direct (and inlinable) as in a non-PIC build.
check_c_compiler_flag(-fno-semantic-interposition TL_HAVE_NO_SEMANTIC_INTERPOSITION)

# The public API, for every layer and (through the libraries) for every program.
add_library(trilink_api INTERFACE)
target_include_directories(trilink_api INTERFACE ${CMAKE_SOURCE_DIR}/include
                           ${CMAKE_BINARY_DIR}/include)

# Compile-time usage (include directories, definitions) of @p dep, without linking it: for the
# _internal targets, which must not pull a layer's objects or generated sources into a test.
function(tl__layer_compile_usage target dep)
    target_include_directories(${target} INTERFACE
        $<TARGET_PROPERTY:${dep},INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_definitions(${target} INTERFACE
        $<TARGET_PROPERTY:${dep},INTERFACE_COMPILE_DEFINITIONS>)
endfunction()

function(tl_layer name)
    cmake_parse_arguments(PARSE_ARGV 1 L "" "INTERFACE_DIR" "SOURCES;DEPENDS;PUBLIC_DEPENDS;EXTERNAL")
    if(L_UNPARSED_ARGUMENTS OR NOT L_SOURCES)
        message(FATAL_ERROR "tl_layer(${name}): SOURCES needed; unknown '${L_UNPARSED_ARGUMENTS}'")
    endif()
    set(dir ${CMAKE_CURRENT_SOURCE_DIR}/${name})
    set(target trilink_${name})
    list(TRANSFORM L_SOURCES PREPEND ${dir}/ REGEX "^[^/]")
    list(TRANSFORM L_DEPENDS PREPEND trilink_)
    list(TRANSFORM L_PUBLIC_DEPENDS PREPEND trilink_)

    add_library(${target} OBJECT ${L_SOURCES})
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    if(TL_HAVE_NO_SEMANTIC_INTERPOSITION)
        target_compile_options(${target} PRIVATE -fno-semantic-interposition)
    endif()
    target_include_directories(${target} PRIVATE ${dir})
    if(DEFINED L_INTERFACE_DIR)
        cmake_path(ABSOLUTE_PATH L_INTERFACE_DIR BASE_DIRECTORY ${dir} NORMALIZE
                   OUTPUT_VARIABLE idir)
        string(REGEX REPLACE "/$" "" idir "${idir}")
        file(GLOB private_headers ${idir}/*_int.h)
        if(private_headers)
            message(FATAL_ERROR "tl_layer(${name}): INTERFACE_DIR ${idir} holds ${private_headers}: "
                    "a *_int.h is never on another layer's include path; move the interface "
                    "headers to a folder of their own")
        endif()
        target_include_directories(${target} INTERFACE ${idir})
    endif()
    target_link_libraries(${target} PUBLIC trilink_api ${L_PUBLIC_DEPENDS}
                          PRIVATE ${L_DEPENDS} ${L_EXTERNAL})
    # The walls are checked before anything compiles (and again whenever a source changes).
    add_dependencies(${target} trilink_check_layers)

    add_library(${target}_internal INTERFACE)
    target_include_directories(${target}_internal INTERFACE ${dir})
    target_link_libraries(${target}_internal INTERFACE trilink_api)
    foreach(dep IN LISTS L_PUBLIC_DEPENDS L_EXTERNAL)
        tl__layer_compile_usage(${target}_internal ${dep})
    endforeach()

    set_property(GLOBAL APPEND PROPERTY TL_LAYERS ${name})
    set_property(GLOBAL APPEND PROPERTY TL_LAYER_EXTERNAL ${L_EXTERNAL})
endfunction()

# Into @p out: $<TARGET_OBJECTS:...> of every layer, in the order they were declared.
function(tl_layer_objects out)
    get_property(layers GLOBAL PROPERTY TL_LAYERS)
    set(objects "")
    foreach(name IN LISTS layers)
        list(APPEND objects $<TARGET_OBJECTS:trilink_${name}>)
    endforeach()
    set(${out} ${objects} PARENT_SCOPE)
endfunction()

# Into @p out: the external libraries of all layers (the imported ones), without duplicates; not
# this project's own targets (trilink_idl: its generated code is among share's objects).
function(tl_layer_external out)
    get_property(deps GLOBAL PROPERTY TL_LAYER_EXTERNAL)
    list(REMOVE_DUPLICATES deps)
    set(libs "")
    foreach(dep IN LISTS deps)
        get_target_property(imported ${dep} IMPORTED)
        if(imported)
            list(APPEND libs ${dep})
        endif()
    endforeach()
    set(${out} ${libs} PARENT_SCOPE)
endfunction()

# The custom target trilink_check_layers: cmake/CheckLayers.cmake over the sources of @p dirs
# (relative to the source tree), each relative include in @p allow ("file:include", TEMPORARY
# exceptions) let through. It reruns when any of those files changes or one is added.
function(tl_layer_check)
    cmake_parse_arguments(PARSE_ARGV 0 C "" "" "DIRS;ALLOW")
    set(globs "")
    foreach(d IN LISTS C_DIRS)
        list(APPEND globs ${CMAKE_SOURCE_DIR}/${d}/*.c ${CMAKE_SOURCE_DIR}/${d}/*.h)
    endforeach()
    file(GLOB_RECURSE checked CONFIGURE_DEPENDS ${globs})
    # Lists go to the script joined by commas: a ';' would split the command's argument.
    string(REPLACE ";" "," dirs "${C_DIRS}")
    string(REPLACE ";" "," allow "${C_ALLOW}")
    set(stamp ${CMAKE_BINARY_DIR}/check_layers.stamp)
    add_custom_command(OUTPUT ${stamp}
        COMMAND ${CMAKE_COMMAND} -DTL_ROOT=${CMAKE_SOURCE_DIR} -DTL_DIRS=${dirs}
                -DTL_ALLOW=${allow} -DTL_STAMP=${stamp} -P ${CMAKE_SOURCE_DIR}/cmake/CheckLayers.cmake
        DEPENDS ${checked} ${CMAKE_SOURCE_DIR}/cmake/CheckLayers.cmake
        COMMENT "Checking the layer walls (no relative or cross-folder private includes)"
        VERBATIM)
    add_custom_target(trilink_check_layers DEPENDS ${stamp})
endfunction()

# Refuses any target outside tests/ that links a trilink_<layer>_internal target: those give a
# module's private headers to its white-box tests only. Call once, after all targets exist.
function(tl_layer_guard)
    set(pending ${CMAKE_SOURCE_DIR})
    while(pending)
        list(POP_FRONT pending dir)
        get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
        list(APPEND pending ${subdirs})
        cmake_path(IS_PREFIX CMAKE_SOURCE_DIR ${dir} inside)
        if(dir MATCHES "^${CMAKE_SOURCE_DIR}/tests(/|$)" OR NOT inside)
            continue()
        endif()
        get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
        foreach(t IN LISTS targets)
            get_target_property(libs ${t} LINK_LIBRARIES)
            get_target_property(ilibs ${t} INTERFACE_LINK_LIBRARIES)
            foreach(lib IN LISTS libs ilibs)
                if(lib MATCHES "^trilink_.*_internal$")
                    message(FATAL_ERROR "${t} (${dir}) links ${lib}: the _internal targets are "
                            "for white-box tests under tests/ only")
                endif()
            endforeach()
        endforeach()
    endwhile()
endfunction()
