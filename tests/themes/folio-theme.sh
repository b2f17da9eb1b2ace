#!/usr/bin/env bash
# folio with `--theme $FOLIO_THEME` appended: lets the corpus and render
# scripts of tests/pdf/ (which take a folio binary, not extra arguments)
# run every post with one theme.  FOLIO_BIN is the real binary.
exec "$FOLIO_BIN" "$@" ${FOLIO_THEME:+--theme "$FOLIO_THEME"}
