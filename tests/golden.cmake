# Golden dumps of the document model and of laid-out boxes (label "spec").
add_test(NAME spec/golden
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/golden/run.sh --folio $<TARGET_FILE:folio>)
set_tests_properties(spec/golden PROPERTIES LABELS spec TIMEOUT 120
                     ENVIRONMENT "LC_ALL=C")
