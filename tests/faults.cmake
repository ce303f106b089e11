# Faults, kills mid-run and output-path security (issue 10): tests/e2e/check_faults.py runs the
# real sfpgen on the sample report and checks each failure's exit code and diagnostic, that no
# output is ever partial and that the database holds all of a submission or none of it.
# `ctest -R "fault|kill|security"` runs the group. Cases needing `mount` (root) skip otherwise.
set(faults_work ${CMAKE_CURRENT_BINARY_DIR}/faults)
set(faults_good ${faults_work}/good-outputs)

function(sfpgen_fault name case)
  add_test(NAME "${name}"
           COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_faults.py
                   --sfpgen $<TARGET_FILE:sfpgen> --root ${PROJECT_SOURCE_DIR}
                   --work ${faults_work}/${case} --good ${faults_good} ${case})
  set_tests_properties("${name}" PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 ${ARGN})
endfunction()

sfpgen_fault("fault: good run for the fault tests" good FIXTURES_SETUP fault_good)
sfpgen_fault("fault: missing output folder is created" folder-missing FIXTURES_REQUIRED fault_good)
sfpgen_fault("fault: output path is a file or not writable" output-not-folder)
sfpgen_fault("fault: read-only output folder" read-only)
sfpgen_fault("fault: disk full at several points (file size limit)" disk-full
             FIXTURES_REQUIRED fault_good)
sfpgen_fault("fault: disk full (tiny tmpfs)" tmpfs-full)
sfpgen_fault("fault: figures and the chart gallery under a file size limit" figures-disk-full)
sfpgen_fault("fault: no font installed" font-missing)
sfpgen_fault("fault: database locked by another connection" db-locked)
sfpgen_fault("fault: corrupt database" db-corrupt)
sfpgen_fault("fault: disk full during ingest rolls it back" db-disk-full)
sfpgen_fault("fault: stale temporary files of dead runs are removed" stale-temp)
sfpgen_fault("kill: build killed at random points leaves no partial output" kill-build
             FIXTURES_REQUIRED fault_good)
sfpgen_fault("kill: ingest killed at random points is all or nothing" kill-ingest)
sfpgen_fault("security: output names cannot leave the output folder" security-names)
sfpgen_fault("security: a symlink named like an output is replaced, not followed"
             security-symlink FIXTURES_REQUIRED fault_good)
sfpgen_fault("security: SQL names are stored verbatim with bound parameters" security-sql)
sfpgen_fault("security: no shell or other program is started" security-no-shell)
# Spreadsheet formula injection is checked by tests/e2e/check_injection.py (tests/workbook.cmake).
