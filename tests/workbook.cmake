# Workbook read-back and LibreOffice recalculation tests (issue 7); docs/testing.md, "Workbook
# tests". Included from tests/CMakeLists.txt after the `sample` fixture (sample_out) is defined.

# LibreOffice recalculates every formula of the sample workbook from a copy without the stored
# values, to the values stored in the file (exit 77, skipped, where soffice is not installed).
# The Results sheet alone has about 4,000 results, most of them formulas: 2,000 is a floor that
# fails if aggregates stop being formulas.
add_test(NAME "workbook: LibreOffice recalculates the sample workbook's formulas"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/recalc_xlsx.py
                 ${sample_out}/gb-progress-sample.xlsx --min-formulas 2000)
# The same check on a copy with one stored value changed must report that cell and no other.
add_test(NAME "workbook: the recalculation check catches a wrong stored value"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/recalc_xlsx.py
                 ${sample_out}/gb-progress-sample.xlsx --expect-mismatch)
set_tests_properties("workbook: LibreOffice recalculates the sample workbook's formulas"
                     "workbook: the recalculation check catches a wrong stored value"
                     PROPERTIES FIXTURES_REQUIRED sample LABELS libreoffice TIMEOUT 600
                                RESOURCE_LOCK libreoffice SKIP_RETURN_CODE 77)
# The CGAP workbook's recalculation test is in tests/cgap.cmake (same label and lock).

# Layout, formulas (evaluated independently over the Data sheet) and stored values against the
# results JSON, conditional formats, charts and document properties.
add_test(NAME "workbook: the sample workbook reads back (layout, formulas, formats, charts)"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_workbook.py
                 ${sample_out}/gb-progress-sample.xlsx
                 ${sample_out}/gb-progress-sample.results.json --epoch 1767225600)
set_tests_properties("workbook: the sample workbook reads back (layout, formulas, formats, charts)"
                     PROPERTIES FIXTURES_REQUIRED sample)

# Formula injection: the sample report on data whose names, regions and a country look like
# formulas (tests/fixtures/workbook); the workbook must hold them as text.
set(injection_out ${CMAKE_CURRENT_BINARY_DIR}/injection-output)
add_test(NAME "workbook: sfpgen build on formula-looking names and regions"
         COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=1767225600
                 sh -c "rm -rf '${injection_out}' && '$<TARGET_FILE:sfpgen>' build \
'${CMAKE_CURRENT_SOURCE_DIR}/fixtures/workbook/report.toml' --output '${injection_out}' --format xlsx"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties("workbook: sfpgen build on formula-looking names and regions"
                     PROPERTIES FIXTURES_SETUP injection)
add_test(NAME "workbook: text that looks like a formula stays text"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_injection.py
                 ${injection_out}/gb-injection.xlsx "=HYPERLINK(\"http://x\",\"y\")" "@SUM(A1)"
                 "+1+1" "-2")
set_tests_properties("workbook: text that looks like a formula stays text"
                     PROPERTIES FIXTURES_REQUIRED injection)

# Constant-memory mode (automatic above 1,000,000 cells; forced here with --xlsx-streaming on the
# sample) must change the file's encoding only: same sheets, cells, formulas, stored values and
# number formats as the normal mode.
set(streaming_out ${CMAKE_CURRENT_BINARY_DIR}/sample-output-streaming)
add_test(NAME "workbook: sfpgen build --xlsx-streaming writes the sample workbook"
         COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=1767225600
                 $<TARGET_FILE:sfpgen> build --output ${streaming_out} --format xlsx
                 --xlsx-streaming
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties("workbook: sfpgen build --xlsx-streaming writes the sample workbook"
                     PROPERTIES FIXTURES_SETUP streaming)
add_test(NAME "workbook: constant-memory mode holds the same cells as the normal mode"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/compare_workbooks.py
                 ${sample_out}/gb-progress-sample.xlsx
                 ${streaming_out}/gb-progress-sample.xlsx)
set_tests_properties("workbook: constant-memory mode holds the same cells as the normal mode"
                     PROPERTIES FIXTURES_REQUIRED "sample;streaming")

# LibreOffice recalculates the injection fixture's workbook too: its regions "+1+1" and "-2"
# are SUMIFS criteria, and its test indicators use TRIMMEAN and SUMPRODUCT.
add_test(NAME "workbook: LibreOffice recalculates formulas over formula-looking regions"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/recalc_xlsx.py
                 ${injection_out}/gb-injection.xlsx --min-formulas 2000)
set_tests_properties("workbook: LibreOffice recalculates formulas over formula-looking regions"
                     PROPERTIES FIXTURES_REQUIRED injection LABELS libreoffice TIMEOUT 600
                                RESOURCE_LOCK libreoffice SKIP_RETURN_CODE 77)

# The data-problem list on a generated panel with about 90 findings: the PDF lists the first 10
# of each code (templates/gb-progress/document.toml, max_per_code) and counts the others; the
# workbook's "Data quality" sheet lists every finding, as many as "Issues by code" counts.
add_test(NAME "workbook: the PDF lists 10 findings of each code, the workbook every one"
         COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_issue_list.py
                 $<TARGET_FILE:sfpgen> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/issue-list-output)
