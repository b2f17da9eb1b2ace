#!/usr/bin/env bash
# Regenerates the pictures in docs/ from real output (run after scripts/build.sh):
#   docs/demo-handout-1.png, docs/demo-handout-3.png   the demo handout's cover and first body page
#   docs/demo-contact.png                              the demo deck's contact sheet
#   docs/seed-handout-3.png, docs/seed-handout-4.png   two pages of the seed handout (needs ../shared)
#   docs/seed-contact.png                              the seed deck's contact sheet (needs ../shared)
#   docs/batch-catalogue-1.png                         the first page of a batch's OUTDIR/index.pdf,
#                                                      over an archive made from the demo post
#   docs/book-contents.png                             a book's cover and contents, over the same archive
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
# The catalogue: a made-up archive of the project's own material (the demo
# post and variations on it with its pictures as covers, some without
# one), batch-rendered; the first page of OUTDIR/index.pdf.
arc=$tmp/archive
demo_post() {   # demo_post SLUG TITLE DATE LANG COVER|-
    mkdir -p "$arc/$1"
    local img=""
    if [ "$5" != - ]; then cp "examples/demo/media/$5" "$arc/$1/"; img="![]($5)"; fi
    printf -- "---\ntitle: '%s'\ndate: '%s'\nauthor: 'OpenRiver 社区'\nlang: %s\n---\n\n%s\n\n%s\n" \
        "$2" "$3" "$4" "本文回顾了 OpenRiver 社区的这次活动：讲者、议题与现场交流，以及下一步的计划。欢迎更多开发者加入社区，一起参与。" \
        "$img" >"$arc/$1/index.md"
}
mkdir -p "$arc/2024/hangzhou-meetup"
cp -r examples/demo/index.md examples/demo/media "$arc/2024/hangzhou-meetup/"
demo_post 2024/devday '【回顾】OpenRiver 开发者大会 2024：开源硬件与系统软件的下一个十年' 2024-12-20 zh-CN venue.jpg
demo_post 2024/rust-wg 'Rust for Linux 工作组成立，首批维护者名单公布' 2024-09-03 zh-CN speaker-2.jpg
demo_post 2024/monthly-05 'OpenRiver 社区月报 · 2024 年 5 月' 2024-05-31 zh-CN -
demo_post 2024/rvv-shanghai 'RISC-V 向量扩展入门讲座（上海站）' 2024-04-13 zh-CN speaker-3.jpg
demo_post 2023/summit 'OpenRiver Community Summit 2023 Highlights' 2023-11-02 en group.png
demo_post 2023/firmware-sig '固件安全 SIG 第一次线上会议纪要' 2023-08-21 zh-CN -
"$folio" batch "$arc" -o "$tmp/batch" -j2 >/dev/null
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/batch/index.pdf" "$tmp/c" && mv "$tmp"/c-*1.png docs/batch-catalogue-1.png
# The book: the same archive's 2024 posts as one volume; its cover and
# contents side by side.
"$folio" book "$arc"/2024/* -o "$tmp/book.pdf" -q
pdftoppm -r 45 -png -f 1 -l 3 "$tmp/book.pdf" "$tmp/b"
python3 - "$tmp" <<'EOF'
import glob, sys
from PIL import Image
cover, contents = (Image.open(sorted(glob.glob(sys.argv[1] + "/b-*%d.png" % n))[0]) for n in (1, 3))
w, h = cover.size
sheet = Image.new("RGB", (2 * w + 12, h), (136, 136, 136))
sheet.paste(cover, (0, 0))
sheet.paste(contents, (w + 12, 0))
sheet.save("docs/book-contents.png", optimize=True)
EOF

ls -l docs/*.png
