# Theme tests (label "themes"): the CLI cases of tests/themes/cli.sh, the
# seed rendered with every bundled theme as handout and deck (both aspects)
# through tests/pdf/render-check.sh (pdfcheck must find 0 errors), and the
# shared corpus with the non-default bundled themes (also labelled
# "corpus"; the default theme's corpus run is corpus/handout|slides).
# Tests whose input is absent exit 77 and are reported as skipped.

set(FOLIO_THEMES_DIR ${CMAKE_CURRENT_LIST_DIR}/themes)
set(FOLIO_THEME_WRAPPER ${FOLIO_THEMES_DIR}/folio-theme.sh)

add_test(NAME themes/cli COMMAND bash ${FOLIO_THEMES_DIR}/cli.sh --folio $<TARGET_FILE:folio>)
set_tests_properties(themes/cli PROPERTIES LABELS themes TIMEOUT 120)

# Each bundled theme on its own paper (default and dark A4, print A5) and
# as 16:9 and 4:3 decks: 7 photos, 6 of them JPEG, at least 7 bookmarks.
foreach(theme default print dark)
  set(common --shared-source seed/dpu-meetup/index.md --min-bookmarks 7 --images 7 --jpegs 6
             --arg --theme --arg ${theme})
  folio_pdf_test(themes/seed-${theme}-handout handout ${common})
  folio_pdf_test(themes/seed-${theme}-slides slides ${common})
  folio_pdf_test(themes/seed-${theme}-slides-4x3 slides ${common} --arg --aspect --arg 4:3)
  set_tests_properties(themes/seed-${theme}-handout themes/seed-${theme}-slides
                       themes/seed-${theme}-slides-4x3 PROPERTIES LABELS "themes;pdf")
endforeach()
# The user theme of docs/themes.md (3 lines: accent and CJK font).
folio_pdf_test(themes/seed-user-accent-handout handout --shared-source seed/dpu-meetup/index.md
               --images 7 --arg --theme --arg ${FOLIO_THEMES_DIR}/user-accent.yaml)
folio_pdf_test(themes/seed-user-accent-slides slides --shared-source seed/dpu-meetup/index.md
               --arg --theme --arg ${FOLIO_THEMES_DIR}/user-accent.yaml)
folio_pdf_test(themes/seed-two-columns-handout handout --shared-source seed/dpu-meetup/index.md
               --images 7 --min-bookmarks 7 --arg --theme --arg ${FOLIO_THEMES_DIR}/two-columns.yaml)
set_tests_properties(themes/seed-two-columns-handout themes/seed-user-accent-handout themes/seed-user-accent-slides
                     PROPERTIES LABELS "themes;pdf")

# The corpus with print and dark: tests/pdf/corpus.sh takes a binary, so it
# gets a wrapper that appends --theme (about 20 s each with 2 jobs).
foreach(theme print dark)
  foreach(kind handout slides)
    add_test(NAME themes/corpus-${theme}-${kind}
             COMMAND env FOLIO_BIN=$<TARGET_FILE:folio> FOLIO_THEME=${theme}
                     bash ${FOLIO_PDF_DIR}/corpus.sh --folio ${FOLIO_THEME_WRAPPER}
                     --kind ${kind} --shared ${FOLIO_SHARED} --jobs 2)
    set_tests_properties(themes/corpus-${theme}-${kind} PROPERTIES LABELS "themes;corpus"
                         TIMEOUT 900 SKIP_RETURN_CODE 77 PROCESSORS 2)
  endforeach()
endforeach()
