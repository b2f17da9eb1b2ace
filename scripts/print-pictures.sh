#!/usr/bin/env bash
# Regenerates the printing pictures in docs/ from the seed post (run after
# scripts/build.sh; needs ../shared or FOLIO_SHARED):
#   docs/print-booklet-sheet1-front.png, -back.png   the A4 booklet's first sheet
#   docs/print-booklet-sheet2-front.png, -back.png   and its second, with --marks
#   docs/print-slides-3up.png                        a page of the 3-up slide handout
# At 50 dpi, as `pdftoppm -r 50` shows a sheet for checking by eye.
set -euo pipefail
cd "$(dirname "$0")/.."
folio=${FOLIO:-build/folio}
seed=${FOLIO_SHARED:-../shared}/seed/dpu-meetup/index.md
[ -f "$seed" ] || { echo "print-pictures: $seed not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs

"$folio" handout "$seed" --impose saddle -o "$tmp/booklet.pdf" -q
"$folio" handout "$seed" --impose saddle --marks -o "$tmp/marks.pdf" -q
side() { # pdf page → png
    pdftoppm -r 50 -png -f "$2" -l "$2" -singlefile "$1" "$tmp/p" && mv "$tmp/p.png" "$3"
}
side "$tmp/booklet.pdf" 1 docs/print-booklet-sheet1-front.png
side "$tmp/booklet.pdf" 2 docs/print-booklet-sheet1-back.png
side "$tmp/marks.pdf" 3 docs/print-booklet-sheet2-front.png
side "$tmp/marks.pdf" 4 docs/print-booklet-sheet2-back.png
"$folio" slides "$seed" --handout 3 -o "$tmp/slides3.pdf" -q
side "$tmp/slides3.pdf" 2 docs/print-slides-3up.png
ls -l docs/print-*.png
