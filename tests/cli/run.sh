#!/usr/bin/env bash
# Command-line behaviour: exit statuses, messages, what is (not) written.
#   tests/cli/run.sh --folio BIN
set -uo pipefail
[ "${1:-}" = --folio ] || { echo "usage: run.sh --folio BIN" >&2; exit 2; }
folio=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
. "$here/lib.sh"

mkdir -p post/media
cat > post/index.md <<'MD'
---
title: 测试
date: 2024-01-02
---

正文，一段文字。

![照片](media/nope.jpg)
MD
printf -- '---\ntitle: [unclosed\ndate: 2024\n---\n\ntext\n' > bad.md
printf -- '---\ntitle: 生僻字\n---\n\n𠀀𠀁 是 CJK 扩展 B 的字。\n' > extb.md

expect "no arguments" 2 "usage: folio" -- "$folio"
expect "unknown command" 2 "unknown command 'frobnicate'" -- "$folio" frobnicate x.md
expect "no post" 2 "handout needs a post" -- "$folio" handout
expect "bad paper" 2 "unknown paper size 'b5'" -- "$folio" handout post/index.md --paper b5
expect "bad aspect" 2 "unknown aspect '3:2'" -- "$folio" slides post/index.md --aspect 3:2
expect "--help" 0 "" -- "$folio" --help
expect "missing post" 1 "^missing\.md: error: " -- "$folio" handout missing.md -o m.pdf
absent "missing post" m.pdf
expect "bad front matter" 1 "^bad\.md:[0-9]+:[0-9]+: error: front matter" -- "$folio" handout bad.md -o bad.pdf
absent "bad front matter" bad.pdf
expect "no fonts folder" 3 "font configuration not found" -- "$folio" handout post/index.md --fonts "$work/nofonts" -o f.pdf
absent "no fonts folder" f.pdf
# A relative --fonts is relative to the current folder (fontconfig alone
# would look for it in its own configuration folder).
ln -s "$here/../../fonts" relfonts
expect "relative fonts folder" 0 "" -- "$folio" handout post/index.md --fonts relfonts -o rel.pdf -q
[ -s rel.pdf ] && pass || fail "relative fonts folder: nothing written"
mkdir -p emptyfonts
printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' > emptyfonts/fonts.conf
expect "fonts not installed" 3 "font family 'Noto Serif CJK SC' is not installed; install it with 'apt-get install fonts-noto-cjk'" \
    -- "$folio" handout post/index.md --fonts "$work/emptyfonts" -o f.pdf
expect "missing image: warning" 0 "^post/index\.md:8:1: warning: image 'media/nope\.jpg' not found; drawing a placeholder" \
    -- "$folio" handout post/index.md -o ok.pdf
[ -s ok.pdf ] && pass || fail "ok.pdf not written"
expect "-q silences warnings" 0 "" -- "$folio" handout post/index.md -o ok.pdf -q
expect "--strict fails on a warning" 1 "error: image 'media/nope\.jpg' not found" -- "$folio" handout post/index.md -o strict.pdf --strict
absent "--strict" strict.pdf
expect "characters no font has" 0 "warning: no installed font can draw 𠀀𠀁 \(U\+20000, U\+20001\)" -- "$folio" handout extb.md -o extb.pdf
mkdir -p outdir.pdf
expect "output is a folder" 1 "outdir\.pdf: error: cannot write output" -- "$folio" handout post/index.md -o outdir.pdf -q
expect "unwritable folder" 1 "error: cannot write output" -- "$folio" handout post/index.md -o /proc/folio-test.pdf -q
expect "default output name" 0 "" -- "$folio" handout post/index.md -q
[ -s post.handout.pdf ] && pass || fail "post.handout.pdf not written"
# Characters outside the core faces (fonts/core.conf) still find theirs:
# the post is then laid out over the whole font set.
printf -- '---\ntitle: 文字\n---\n\n泰文：สวัสดีชาวโลก，笔记 📝。\n' > scripts.md
expect "scripts beyond the core faces" 0 "" -- "$folio" handout scripts.md -o scripts.pdf -q
if command -v pdffonts >/dev/null; then
    pdffonts scripts.pdf >fonts.txt 2>&1
    grep -q "NotoSansThai\|NotoSerifThai\|NotoLoopedThai" fonts.txt && pass || fail "scripts: no Thai face in the PDF"
    grep -q "Symbola" fonts.txt && pass || fail "scripts: no Symbola (📝) in the PDF"
fi

# A post the core faces cover is laid out over them, a batch worker lays
# it out over the whole set: the bytes must not differ, also for what
# layout adds itself.  The nested-list bullet ◦ is in no Latin Noto face
# and falls back to a CJK face the core leaves out, so blocks_context()
# must send this post to the whole set (without that, both checks fail).
mkdir -p coreset/in/p coreset/one
printf -- '---\ntitle: 核心字体\nlang: zh-Hans\n---\n\n**开场致辞**\n\n- 第一项\n  - 嵌套的第二项\n    - 第三层\n\n1. 编号\n\n正文“引号”（括号）——破折号……省略号。Latin text, 2024.\n' > coreset/in/p/index.md
expect "core faces: handout" 0 "" -- "$folio" handout coreset/in/p/index.md -o coreset/one/p.handout.pdf -q
expect "core faces: slides" 0 "" -- "$folio" slides coreset/in/p/index.md -o coreset/one/p.slides.pdf -q
"$folio" batch coreset/in -o coreset/all -j1 --no-catalogue >coreset/log 2>&1 && pass || fail "core faces: batch failed"
for k in handout slides; do
    cmp -s coreset/one/p.$k.pdf coreset/all/p/p.$k.pdf && pass ||
        fail "core faces: the $k PDF differs from the whole set's"
done

# render: both formats from one process, the same bytes as the two commands.
expect "render" 0 "" -- "$folio" render post/index.md -o both/deeper -q
expect "slides for render" 0 "" -- "$folio" slides post/index.md -o post.slides.pdf -q
cmp -s both/deeper/post.handout.pdf post.handout.pdf && pass || fail "render: handout differs from folio handout"
cmp -s both/deeper/post.slides.pdf post.slides.pdf && pass || fail "render: slides differ from folio slides"
expect "render: default folder" 0 "" -- "$folio" render post/index.md -q
expect "render: --strict fails both" 1 "error: image 'media/nope\.jpg' not found" -- "$folio" render post/index.md -o strictboth --strict
absent "render --strict" strictboth/post.handout.pdf strictboth/post.slides.pdf
expect "render: missing post" 1 "nope\.md: error: cannot read" -- "$folio" render nope.md -o never
[ -e never ] && fail "render: folder made for a missing post" || pass
expect "render: output under a file" 3 "ok\.pdf/x: error: cannot make the output folder" -- "$folio" render post/index.md -o ok.pdf/x -q
expect "render: no printing options" 2 "render writes the plain handout and slides" -- "$folio" render post/index.md --impose saddle
expect "inspect" 0 "warning: image" -- "$folio" inspect post/index.md
grep -q '"title": "测试"' out.txt && pass || fail "inspect JSON"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
