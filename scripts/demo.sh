#!/usr/bin/env bash
# Sets up, builds and renders the demo post (examples/demo/index.md) into out/:
#   out/demo.handout.pdf     the printable handout (A4)
#   out/demo.slides.pdf      the slide deck (16:9),
#   out/demo-slides/         with a PNG contact sheet of the slides
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
mkdir -p out

folio=build/folio
post=examples/demo/index.md

"$folio" handout "$post" -o out/demo.handout.pdf
"$folio" slides "$post" -o out/demo.slides.pdf --png out/demo-slides
made=(out/demo.handout.pdf out/demo.slides.pdf out/demo-slides/contact.png)

echo "demo: written:"
for f in "${made[@]}"; do echo "  $PWD/$f"; done
