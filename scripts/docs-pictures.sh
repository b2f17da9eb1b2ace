#!/usr/bin/env bash
# Regenerates the pictures in docs/ from real output (run after scripts/build.sh):
#   docs/demo-handout-1.png, docs/demo-handout-3.png   the demo handout's cover and first body page
#   docs/demo-contact.png                              the demo deck's contact sheet
#   docs/seed-handout-3.png, docs/seed-handout-4.png   two pages of the seed handout (needs ../shared)
#   docs/seed-contact.png                              the seed deck's contact sheet (needs ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
folio=build/folio
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs

"$folio" handout examples/demo/index.md -o "$tmp/demo.pdf" -q
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/demo.pdf" "$tmp/d" && mv "$tmp"/d-*1.png docs/demo-handout-1.png
pdftoppm -r 60 -png -f 3 -l 3 "$tmp/demo.pdf" "$tmp/e" && mv "$tmp"/e-*3.png docs/demo-handout-3.png
"$folio" slides examples/demo/index.md -o "$tmp/demo-slides.pdf" --png "$tmp/demo-png" -q
cp "$tmp/demo-png/contact.png" docs/demo-contact.png

seed=${FOLIO_SHARED:-../shared}/seed/dpu-meetup/index.md
if [ -f "$seed" ]; then
    "$folio" handout "$seed" -o "$tmp/seed.pdf" -q
    for p in 3 4; do
        pdftoppm -r 60 -png -f $p -l $p "$tmp/seed.pdf" "$tmp/s$p" && mv "$tmp"/s$p-*$p.png docs/seed-handout-$p.png
    done
    "$folio" slides "$seed" -o "$tmp/seed-slides.pdf" --png "$tmp/seed-png" -q
    cp "$tmp/seed-png/contact.png" docs/seed-contact.png
else
    echo "docs-pictures: $seed not found; seed pictures left as they are" >&2
fi
ls -l docs/*.png
