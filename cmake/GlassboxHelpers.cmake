# SPDX-License-Identifier: MIT

# Debian's libtorch calls the system libblas.so.3, which is netlib's reference BLAS unless the
# alternatives point elsewhere. Linking OpenBLAS directly makes sgemm_ resolve to it regardless.
set(GLASSBOX_OPENBLAS /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0)
function(glassbox_link_fast_blas target)
  if(EXISTS ${GLASSBOX_OPENBLAS})
    target_link_libraries(${target} PRIVATE "-Wl,--no-as-needed" ${GLASSBOX_OPENBLAS} "-Wl,--as-needed")
  endif()
endfunction()

# glassbox_add_test(<name> LABELS <labels...> SOURCES <files...> [LIBS <libs...>] [TIMEOUT s])
# One QtTest executable per area, registered with CTest under its labels.
function(glassbox_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "LABELS;SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE glassbox_testutils ${T_LIBS} Qt6::Test)
  glassbox_link_fast_blas(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS "${T_LABELS}"
    TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;GLASSBOX_TEST_DATA=${PROJECT_SOURCE_DIR}/tests/fixtures;GLASSBOX_BUILD_DIR=${PROJECT_BINARY_DIR}")
endfunction()
