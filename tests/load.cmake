# Load (issue 10): memory per report stays constant as a batch or a loan file grows. The
# sanitizer build runs the sizes of the issue (1,000 briefs against 100; 10 M loans against 1 M),
# the developer build smaller ones so that the suite stays quick. tests/e2e/check_load.py.
# The bound is the small run's peak + 15% + an allowance, for memory that fills and then stays
# bounded, such as each render thread's cache of laid-out texts (emptied at 4,000 texts,
# render_pdf.cpp). The developer build measured +23 MiB from 100 to 1,000 briefs (46 to 70 MiB)
# but only +8 MiB from 1,000 to 2,000 (70 to 78 MiB). Under AddressSanitizer, with its redzones,
# 100 to 1,000 took +57 MiB (217 to 274 MiB), one run in three just over 15% + 24 MiB: the
# sanitizer build allows 40 MiB.
if(SFPGEN_SANITIZE)
  set(load_briefs 1000 100)
  set(load_loans 10000000 1000000)
  set(load_allowance 40)
else()
  set(load_briefs 100 10)
  set(load_loans 200000 20000)
  set(load_allowance 24)
endif()
set(load_tmp ${CMAKE_CURRENT_BINARY_DIR}/load-tmp)
list(GET load_briefs 0 large)
list(GET load_briefs 1 small)
add_test(NAME "load: ${large} briefs in the memory of ${small}"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_load.py briefs
                 --sfpgen $<TARGET_FILE:sfpgen> --repo ${PROJECT_SOURCE_DIR}
                 --tmp ${load_tmp}/briefs --large ${large} --small ${small}
                 --allowance ${load_allowance})
set_tests_properties("load: ${large} briefs in the memory of ${small}"
                     PROPERTIES TIMEOUT 1800 PROCESSORS 2 LABELS load)
list(GET load_loans 0 large)
list(GET load_loans 1 small)
add_test(NAME "load: ${large} loans in the memory of ${small}"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_load.py loans
                 --sfpgen $<TARGET_FILE:sfpgen> --repo ${PROJECT_SOURCE_DIR}
                 --tmp ${load_tmp}/loans --large ${large} --small ${small}
                 --allowance ${load_allowance})
set_tests_properties("load: ${large} loans in the memory of ${small}"
                     PROPERTIES TIMEOUT 1800 PROCESSORS 2 LABELS load)
# Determinism across threads: 10 briefs with --jobs 2, eight times, against --jobs 1.
add_test(NAME "load: --jobs 2 writes the bytes of --jobs 1, run after run"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_load.py threads
                 --sfpgen $<TARGET_FILE:sfpgen> --repo ${PROJECT_SOURCE_DIR}
                 --tmp ${load_tmp}/threads --large 10 --small 8)
set_tests_properties("load: --jobs 2 writes the bytes of --jobs 1, run after run"
                     PROPERTIES TIMEOUT 900 PROCESSORS 2 LABELS load)
