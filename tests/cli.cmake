# Command-line behaviour: exit statuses, diagnostics, nothing half-written.
add_test(NAME spec/cli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/run.sh --folio $<TARGET_FILE:folio>)
set_tests_properties(spec/cli PROPERTIES LABELS spec TIMEOUT 120)
