# Print tests: booklets and slide handouts of the seed post, read back from
# the PDFs (tests/print/booklet.sh, tests/print/slides.sh).  Label "print".
# They need the shared folder (FOLIO_SHARED, see tests/CMakeLists.txt) for
# the seed and pdfcheck, and exit 77 (skipped) without it.  The saddle
# order itself, for 1 to 17 pages, is unit/test_impose.

set(FOLIO_PRINT_DIR ${CMAKE_CURRENT_LIST_DIR}/print)

# folio_print_test(NAME SCRIPT [ARGS...])
function(folio_print_test name script)
  add_test(NAME ${name}
           COMMAND bash ${FOLIO_PRINT_DIR}/${script} --folio $<TARGET_FILE:folio>
                   --shared ${FOLIO_SHARED} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS print TIMEOUT 300
                       SKIP_RETURN_CODE 77)
endfunction()

folio_print_test(print/booklet-a4 booklet.sh)
folio_print_test(print/booklet-letter-marks-creep booklet.sh
                 --arg --sheet --arg letter --arg --marks --arg --creep --arg 1.5)
foreach(n 1 2 3 4 6)
  folio_print_test(print/slides-${n}up slides.sh --per ${n})
endforeach()
folio_print_test(print/slides-3up-letter slides.sh --per 3 --arg --sheet --arg letter)
