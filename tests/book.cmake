# folio book: the command line (label "spec": usage errors, a post that
# cannot be loaded, order, title) and a volume of real posts, the seed and
# four corpus posts (label "pdf": pdfcheck, outline, links, rectos; skipped
# without the shared folder).  The golden box dump of a two-post book is
# part of spec/golden (tests/golden/book/).
add_test(NAME spec/book-cli
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/book.sh --folio $<TARGET_FILE:folio>)
set_tests_properties(spec/book-cli PROPERTIES LABELS spec TIMEOUT 120)

add_test(NAME pdf/book
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pdf/book.sh --folio $<TARGET_FILE:folio>
                 --shared ${FOLIO_SHARED})
set_tests_properties(pdf/book PROPERTIES LABELS pdf TIMEOUT 300 SKIP_RETURN_CODE 77)
