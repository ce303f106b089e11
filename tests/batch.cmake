# Batch runs of `sfpgen build` (issue 8): --for, --param, --lang, --output-name, --jobs, --force,
# --dry-run, --shard, --manifest, incremental skips and partial failures, on the constituent
# brief (templates/constituent-brief) over the sample data. tests/e2e/check_batch.py runs each
# check in its own folder (a copy of templates/ and data/) and computes what to expect from the
# configuration, the data CSV and data/reference/countries.csv. docs/scaling.md, docs/cli.md.
# `ctest -L batch` runs them all; `-LE batch-heavy` leaves out the 74-report one.
set(batch_tmp ${CMAKE_CURRENT_BINARY_DIR}/batch-tmp)

# PROCESSORS: checks that run sfpgen with --jobs 2 take both cores, so that `ctest -j2` runs
# nothing beside them.
function(sfpgen_batch_test check processors labels title)
  set(name "batch: ${title}")
  add_test(NAME "${name}"
           COMMAND ${SFPGEN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/check_batch.py ${check}
                   --sfpgen $<TARGET_FILE:sfpgen> --repo ${PROJECT_SOURCE_DIR}
                   --tmp ${batch_tmp}/${check})
  set_tests_properties("${name}" PROPERTIES LABELS "${labels}" PROCESSORS ${processors}
                                            TIMEOUT 900)
endfunction()

sfpgen_batch_test(all-countries 2 "batch;batch-heavy"
  "every country of the sample in EN and FR, read back, then skipped, then forced")
sfpgen_batch_test(incremental 2 batch "changing one KEN row rebuilds KEN's reports only")
sfpgen_batch_test(partial-failure 1 batch
  "a unit whose PDF path is a directory fails alone (exit 6)")
sfpgen_batch_test(dry-run 1 batch "--dry-run prints the plan and writes nothing")
sfpgen_batch_test(shard 1 batch "--shard i/n partitions the plan, bad shards exit 2")
sfpgen_batch_test(param 1 batch "--param country=KEN builds one report")
sfpgen_batch_test(output-name 1 batch "--output-name patterns, progress lines and --quiet")
sfpgen_batch_test(constituent-language 1 batch
  "--lang constituent (SEN in French, BOL in Spanish)")
sfpgen_batch_test(exit-codes 1 batch
  "exit codes 0, 2, 3, 4 and 5 with nothing written on errors")
