# Every dependency comes from Debian 12 packages (scripts/setup-deps installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo cairo-pdf cairo-png cairo-svg)
pkg_check_modules(PANGO REQUIRED IMPORTED_TARGET pangocairo)
# fontconfig (libfontconfig-dev): the PDF renderer shares Pango's font sorts (sfp/font_sort.hpp).
pkg_check_modules(FONTCONFIG REQUIRED IMPORTED_TARGET fontconfig)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
# zlib (zlib1g-dev): the PDF renderer sets the level of cairo's streams (sfp/pdf_deflate.hpp).
find_package(ZLIB REQUIRED)
if(SFPGEN_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  pkg_check_modules(POPPLER REQUIRED IMPORTED_TARGET poppler-cpp)
endif()
# libhyphen (Debian libhyphen-dev): dictionary hyphenation of justified text; no pkg-config file.
find_path(HYPHEN_INCLUDE_DIR hyphen.h REQUIRED)
find_library(HYPHEN_LIBRARY hyphen REQUIRED)
add_library(sfp_hyphen INTERFACE)
target_include_directories(sfp_hyphen INTERFACE ${HYPHEN_INCLUDE_DIR})
target_link_libraries(sfp_hyphen INTERFACE ${HYPHEN_LIBRARY})
# tcmalloc (Debian libtcmalloc-minimal4, gperftools' allocator without its profiler): the memory
# allocator of the executables that render reports (sfp_allocator). Cairo allocates and frees
# for every drawing operation and structure tag, on two threads at once; glibc's malloc spent
# 11% of the reference-size report's processor time (docs/performance.md). The library has no
# pkg-config file and its -dev package pulls in the profiler, so the runtime library is linked
# by its file name. Not with the sanitizers (ASan brings its own allocator); -DSFPGEN_TCMALLOC=OFF
# builds with glibc's malloc.
option(SFPGEN_TCMALLOC "Link the executables with tcmalloc (libtcmalloc-minimal4)" ON)
add_library(sfp_allocator INTERFACE)
if(SFPGEN_TCMALLOC AND NOT SFPGEN_SANITIZE)
  find_library(TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(NOT TCMALLOC_LIBRARY)
    message(FATAL_ERROR "libtcmalloc_minimal.so.4 not found: run scripts/setup-deps (Debian "
                        "package libtcmalloc-minimal4), or configure with -DSFPGEN_TCMALLOC=OFF")
  endif()
  # Linked even though no symbol is referenced: it replaces malloc for the whole process.
  target_link_libraries(sfp_allocator INTERFACE "-Wl,--push-state,--no-as-needed"
                        ${TCMALLOC_LIBRARY} "-Wl,--pop-state")
  # tcmalloc's heap in huge pages (generator/allocator, sfp/huge_pages.hpp): compiled into each
  # executable, whose definition of tc_get_sysalloc_override tcmalloc then calls.
  target_sources(sfp_allocator INTERFACE ${PROJECT_SOURCE_DIR}/generator/allocator/huge_pages.cpp)
  target_include_directories(sfp_allocator INTERFACE ${PROJECT_SOURCE_DIR}/generator/allocator/include)
  target_compile_definitions(sfp_allocator INTERFACE SFPGEN_HUGE_PAGES=1)
endif()
