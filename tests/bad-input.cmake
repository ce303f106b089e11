# The bad-input catalogue (tests/bad-input/README.md): one ctest per case, each run by
# tests/e2e/check_bad_input.py (exit code, diagnostic with position, no output left, no crash).
# The data-problem corpus (tests/data-problems) is run through `sfpgen validate` as well.
file(GLOB bad_input_cases CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/bad-input
     ${CMAKE_CURRENT_SOURCE_DIR}/bad-input/*/case.toml)
file(GLOB data_problem_cases CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
     ${CMAKE_CURRENT_SOURCE_DIR}/data-problems/*/source.toml)
set(bad_input_names)
foreach(case_file IN LISTS bad_input_cases)
  get_filename_component(case_dir ${case_file} DIRECTORY)
  list(APPEND bad_input_names ${case_dir})
endforeach()
foreach(case_file IN LISTS data_problem_cases)
  get_filename_component(case_dir ${case_file} DIRECTORY)
  list(APPEND bad_input_names ${case_dir})
endforeach()
foreach(name IN LISTS bad_input_names)
  add_test(NAME "bad input: ${name}"
           COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_bad_input.py
                   --sfpgen $<TARGET_FILE:sfpgen> --repo ${PROJECT_SOURCE_DIR}
                   --tmp ${CMAKE_CURRENT_BINARY_DIR}/bad-input-tmp ${name})
  # The generated big files are sparse or a few hundred MB at most; two at once is enough.
  set_tests_properties("bad input: ${name}" PROPERTIES TIMEOUT 120)
endforeach()
