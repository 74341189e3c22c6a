# shoal_library(NAME DEPS ...): one static library per folder, built from every
# .cc file in that folder (not recursing), exported as shoal::NAME.
function(shoal_library NAME)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB _sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER _sources EXCLUDE REGEX "_main\\.cc$|_fuzz\\.cc$")
  if(_sources)
    add_library(shoal_${NAME} STATIC ${_sources})
    target_include_directories(shoal_${NAME} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(shoal_${NAME} PUBLIC ${ARG_DEPS})
  else()  # headers only
    add_library(shoal_${NAME} INTERFACE)
    target_include_directories(shoal_${NAME} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(shoal_${NAME} INTERFACE ${ARG_DEPS})
  endif()
  add_library(shoal::${NAME} ALIAS shoal_${NAME})
endfunction()

# shoal_test(NAME LABEL SOURCES... DEPS ...): a GoogleTest binary registered with ctest.
function(shoal_test NAME)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  add_executable(${NAME} ${ARG_SOURCES})
  set_target_properties(${NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${NAME} COMMAND ${NAME})
  set_tests_properties(${NAME} PROPERTIES LABELS "${ARG_LABEL}"
    ENVIRONMENT "SHOAL_SOURCE_DIR=${PROJECT_SOURCE_DIR};SHOAL_BINARY_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# shoal_sql_test(NAME SOURCES... DEPS... [RUNS targets...] [SERIAL]):
# shoal_test once per SQL dialect, against the servers `scripts/db.sh start`
# runs: NAME with DIALECT replaced by mysql / pgsql, labelled mysql /
# postgresql, compiled with SHOAL_TEST_DIALECT. RUNS: binaries the test runs
# (built first). SERIAL: the test stops the shared server, so nothing else
# runs meanwhile.
function(shoal_sql_test NAME)
  cmake_parse_arguments(ARG "SERIAL" "" "SOURCES;DEPS;RUNS" ${ARGN})
  foreach(_dialect mysql pgsql)
    if(_dialect STREQUAL "mysql")
      set(_label mysql)
    else()
      set(_label postgresql)
    endif()
    string(REPLACE "DIALECT" ${_dialect} _name ${NAME})
    shoal_test(${_name} LABEL ${_label} SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS})
    target_compile_definitions(${_name} PRIVATE SHOAL_TEST_DIALECT="${_dialect}")
    if(ARG_SERIAL)
      set_tests_properties(${_name} PROPERTIES RUN_SERIAL TRUE)
    endif()
    if(ARG_RUNS)
      add_dependencies(${_name} ${ARG_RUNS})
    endif()
  endforeach()
endfunction()
