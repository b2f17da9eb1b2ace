# Batch tests (label "batch"): tests/batch/*.sh run the built folio over
# copies of corpus posts (FOLIO_SHARED; skipped with 77 when absent), and
# the unit test of the batch stage's parts is labelled batch too.
foreach(name shards archive kill catalogue)
  add_test(NAME batch/${name}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/batch/${name}.sh
                   --folio $<TARGET_FILE:folio> --shared ${FOLIO_SHARED})
  set_tests_properties(batch/${name} PROPERTIES LABELS batch TIMEOUT 300
                       SKIP_RETURN_CODE 77 PROCESSORS 2)
endforeach()
set_tests_properties(unit/test_batch PROPERTIES LABELS "unit;batch")
