# PDF tests: render real posts with the built folio and check the PDFs
# (tests/pdf/render-check.sh, tests/pdf/corpus.sh).  Labels: "pdf" for one
# post at a time, "corpus" for the whole shared corpus.
#
# The shared folder (seed post, corpus, pdfcheck) is FOLIO_SHARED: taken from
# the environment at configure time, else ../shared beside the source tree.
# Setting FOLIO_SHARED when running ctest overrides it again.  Tests whose
# input is absent exit 77 and are reported as skipped; so are the slides
# tests while `folio slides --help` fails.

# (FOLIO_SHARED itself is set in tests/CMakeLists.txt, before any *.cmake.)

set(FOLIO_PDF_DIR ${CMAKE_CURRENT_LIST_DIR}/pdf)
get_filename_component(FOLIO_REPO_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

# folio_pdf_test(NAME KIND SOURCE [ARGS...]): one post, every check.
# SOURCE is "--source PATH" or "--shared-source PATH-IN-SHARED".
function(folio_pdf_test name kind)
  add_test(NAME ${name}
           COMMAND bash ${FOLIO_PDF_DIR}/render-check.sh
                   --folio $<TARGET_FILE:folio> --kind ${kind}
                   --shared ${FOLIO_SHARED} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS pdf TIMEOUT 300
                       SKIP_RETURN_CODE 77)
endfunction()

# The seed: 8 bold-only paragraphs of which one is the lead-in line, so at
# least 7 outline entries; 7 photos, 6 of them JPEG.
folio_pdf_test(pdf/seed-handout handout --shared-source seed/dpu-meetup/index.md
               --min-bookmarks 7 --images 7 --jpegs 6)
folio_pdf_test(pdf/seed-slides slides --shared-source seed/dpu-meetup/index.md
               --min-bookmarks 7 --images 7 --jpegs 6
               --qr https://gitee.com/openeuler/presentations/tree/master/meetup)
folio_pdf_test(pdf/seed-slides-4x3 slides --shared-source seed/dpu-meetup/index.md
               --min-bookmarks 7 --images 7 --jpegs 6 --arg --aspect --arg 4:3
               --qr https://gitee.com/openeuler/presentations/tree/master/meetup)
foreach(paper a5 letter)
  folio_pdf_test(pdf/seed-handout-${paper} handout --shared-source seed/dpu-meetup/index.md
                 --min-bookmarks 7 --images 7 --jpegs 6 --arg --paper --arg ${paper})
endforeach()

# The demo: 8 bold-only paragraphs (one the lead-in) and one ## heading,
# so at least 8 entries; 8 pictures, 7 of them JPEG.
set(DEMO_POST ${FOLIO_REPO_DIR}/examples/demo/index.md)
folio_pdf_test(pdf/demo-handout handout --source ${DEMO_POST}
               --min-bookmarks 8 --images 8 --jpegs 7)
folio_pdf_test(pdf/demo-slides slides --source ${DEMO_POST}
               --min-bookmarks 8 --images 8 --jpegs 7)

# Characters no installed font has (two private-use ones, a new emoji, a
# CJK Extension B ideograph): drawn as the faces' .notdef boxes, which
# pdfcheck reports as tofu, four glyphs and nothing else; no stray hex
# digits that it would read as glyphs piled on one another.
foreach(kind handout slides)
  folio_pdf_test(pdf/missing-glyphs-${kind} ${kind} --tofu 4
                 --source ${FOLIO_REPO_DIR}/tests/data/missing-glyphs/index.md)
endforeach()

foreach(kind handout slides)
  add_test(NAME corpus/${kind}
           COMMAND bash ${FOLIO_PDF_DIR}/corpus.sh --folio $<TARGET_FILE:folio>
                   --kind ${kind} --shared ${FOLIO_SHARED} --jobs 2)
  set_tests_properties(corpus/${kind} PROPERTIES LABELS corpus TIMEOUT 900
                       SKIP_RETURN_CODE 77 PROCESSORS 2)
endforeach()
