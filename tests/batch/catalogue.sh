#!/usr/bin/env bash
# The archive catalogue, OUTDIR/index.pdf (issue #6; src/batch/index.h).
#
# A small archive made here (always runs): odd titles and paths, a long
# title and summary, a rotated photo, a panorama, posts without a date or
# without a photo, a failed post and a draft.  The catalogue lists every
# ok post once, with its title, newest first; its links open files that
# exist; qpdf --check and pdfcheck --kind handout find no error; a second
# run leaves it alone (same bytes, same mtime); editing, removing a post
# or changing the theme rebuilds it; the same records give the same bytes;
# shards write none, and --merge-manifests --catalogue makes the same one.
# Then the shared corpus, when FOLIO_SHARED has it.
#   tests/batch/catalogue.sh --folio BIN --shared DIR
corpus_optional=1
source "$(dirname "$0")/lib.sh"
parse "$@"
py=/usr/bin/python3    # with fitz (PyMuPDF) and PIL, as pdfcheck needs
pdfcheck=$shared/tools/pdfcheck
arc=$work/archive out=$work/out

# --- the archive ------------------------------------------------------
post() {   # post REL-DIR FRONT-MATTER BODY
    mkdir -p "$arc/$1"
    printf -- '---\n%s\n---\n\n%s\n' "$2" "$3" >"$arc/$1/index.md"
}
long=$(printf '这是一段很长的摘要，用来检查目录只显示三行并以省略号结束。%.0s' $(seq 12))
post "2024/spring-meetup" \
"title: '<Meetup> & \"引号\" (括号) \\\\ 反斜杠 — 春季 😀'
date: 2024-03-05
author: 开源社区
summary: '$long'" \
"![合影](media/group.jpg)

正文第一段。"
post "2024/panorama" \
"title: A panorama banner, and an English post with a rather long title that will need to be cut short in the catalogue because it goes on and on
date: 2024-11-20
author: Jane Doe
banner: media/wide.png
lang: en" \
"The first paragraph says what this post is about, since it has no summary."
post "2023/no-photo" "title: 没有图片的文章
date: 2023-07-01" "第一段就是摘要：没有 summary 时目录显示它。"
post "undated" "title: 'Undated: no date at all'
author: Someone
lang: en" "Nothing but text."
post "(weird) dir/中文 目录" "title: 路径里有空格和括号
date: 2022-02-02
summary: 链接要指向带空格、括号和中文的路径。" "![图](pic.webp)

正文。"
post "broken" "title: [unclosed" "这篇的 front matter 坏了。"
post "drafts/wip" "title: 草稿
draft: true" "草稿不列出。"
"$py" - "$arc" <<'PY'
import sys
from PIL import Image
arc = sys.argv[1]
# A 1200 x 900 photo stored sideways: EXIF orientation 6 shows it upright.
im = Image.new("RGB", (1200, 900), (200, 60, 40))
im.paste((40, 90, 200), (0, 0, 600, 450))
exif = Image.Exif(); exif[0x0112] = 6
import os
os.makedirs(f"{arc}/2024/spring-meetup/media", exist_ok=True)
im.save(f"{arc}/2024/spring-meetup/media/group.jpg", quality=90, exif=exif.tobytes())
os.makedirs(f"{arc}/2024/panorama/media", exist_ok=True)
Image.new("RGB", (2400, 300), (30, 140, 90)).save(f"{arc}/2024/panorama/media/wide.png")
Image.new("RGB", (640, 480), (240, 200, 40)).save(f"{arc}/(weird) dir/中文 目录/pic.webp")
PY

# The catalogue's facts, checked with fitz: prints one line per problem.
check_catalogue() {   # check_catalogue OUTDIR [MANIFEST]
    "$py" - "$1" "${2:-$1/manifest.jsonl}" <<'PY'
import json, os, re, sys
import fitz
out, man = sys.argv[1], sys.argv[2]
pdf = os.path.join(out, "index.pdf")
recs = [json.loads(l) for l in open(man, encoding="utf-8")]
ok = [r for r in recs if r["status"] == "ok"]
bad = [r for r in recs if r["status"] != "ok"]
doc = fitz.open(pdf)
norm = lambda s: re.sub(r"\s+", "", s)
text = norm("".join(p.get_text() for p in doc))
links = {}   # file -> pages
for p in doc:
    for l in p.get_links():
        if l.get("kind") != fitz.LINK_LAUNCH and l.get("kind") != fitz.LINK_GOTOR:
            print(f"  p{p.number + 1}: a link that is not to a file: {l}"); continue
        f = l.get("file") or ""
        if not os.path.isfile(os.path.join(out, f)):
            print(f"  p{p.number + 1}: link to a missing file '{f}'")
        links.setdefault(f, set()).add(p.number)
for r in ok:
    pdfs = [o for o in r["outputs"] if o.endswith(".pdf")]
    for o in pdfs:
        if o not in links: print(f"  {r['source']}: no link to {o}")
        elif len(links[o]) != 1: print(f"  {r['source']}: listed on pages {sorted(links[o])}")
    head = norm(r["title"])[:12]
    if head not in text: print(f"  {r['source']}: title '{r['title'][:30]}' not in the text")
for r in bad:
    for o in r["outputs"]:
        if o in links: print(f"  failed post {r['source']} is linked")
listed = {f for f in links}
known = {o for r in ok for o in r["outputs"]}
for f in listed - known: print(f"  links to '{f}', which no ok record names")
# Newest first: the order of the handout links on the pages follows the dates.
order = []
for p in doc:
    for l in sorted(p.get_links(), key=lambda l: (l["from"].y0, l["from"].x0)):
        f = l.get("file")
        if f and f.endswith(".handout.pdf") and f not in order: order.append(f)
date = {o: (r.get("date") or "") for r in ok for o in r["outputs"]}
dated = [date[f] for f in order if date[f]]
if dated != sorted(dated, reverse=True): print(f"  not newest first: {dated}")
if any(date[f] for f in order[len(dated):]): print("  an undated post before a dated one")
years = sorted({d[:4] for d in dated}, reverse=True)
toc = [t[1] for t in doc.get_toc()]
if [t for t in toc if t[:1].isdigit()] != years: print(f"  bookmarks {toc}, years {years}")
if not doc.metadata.get("title"): print("  no title in the metadata")
PY
}
pdfcheck_clean() {   # pdfcheck_clean PDF: no error (warnings allowed)
    local log=$work/pdfcheck.log
    "$pdfcheck" "$1" --kind handout >"$log" 2>&1
    local rc=$?
    [ $rc -eq 0 ] || { grep -E '^ERROR|^score' "$log" | head -n 20; return 1; }
}
qpdf_ok() { qpdf --check "$1" >/dev/null 2>&1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
mtime() { stat -c %Y.%y "$1"; }

# --- first run --------------------------------------------------------
"$folio" batch "$arc" -o "$out" -j2 >"$work/log1" 2>&1
rc=$?
check "exit 1: one post failed (got $rc)" test $rc -eq 1
check "the summary names the catalogue" \
    grep -q "^catalogue: $out/index.pdf, 5 posts on [0-9]* page" "$work/log1"
check "index.pdf written" test -s "$out/index.pdf"
check "index.key beside it" test -s "$out/index.key"
check "qpdf --check" qpdf_ok "$out/index.pdf"
probs=$(check_catalogue "$out")
check "every ok post listed once, links resolve, newest first" test -z "$probs"
[ -n "$probs" ] && echo "$probs"
if [ -x "$pdfcheck" ]; then check "pdfcheck --kind handout: no error" pdfcheck_clean "$out/index.pdf"
else echo "pdfcheck not found at $pdfcheck: skipped"; fi
check "manifest records the facts" \
    grep -q '"source":"2023/no-photo/index.md".*"title":"没有图片的文章","date":"2023-07-01","author":null,"summary":"第一段就是摘要' "$out/manifest.jsonl"
check "thumbnail of the rotated photo: upright, 240 x 320" \
    "$py" -c 'import sys; from PIL import Image; im = Image.open(sys.argv[1]); sys.exit(im.size != (240, 320) or im.format != "JPEG")' \
    "$out/2024/spring-meetup/spring-meetup.thumb.jpg"
check "thumbnail of the panorama keeps 160 px of height" \
    "$py" -c 'import sys; from PIL import Image; sys.exit(Image.open(sys.argv[1]).size != (1280, 160))' \
    "$out/2024/panorama/panorama.thumb.jpg"
check "a WebP cover in an odd folder has its thumbnail" \
    test -s "$out/(weird) dir/中文 目录/中文 目录.thumb.jpg"
check "no thumbnail without a photo" test ! -e "$out/2023/no-photo/no-photo.thumb.jpg"
check "the thumbnail is an output in the manifest" \
    grep -q '"outputs":\[[^]]*spring-meetup.thumb.jpg"\]' "$out/manifest.jsonl"
check "the failed post is not listed" sh -c "! pdftotext '$out/index.pdf' - | grep -q '坏了'"
check "the draft is not listed" sh -c "! pdftotext '$out/index.pdf' - | grep -q 草稿"
check "the title is in the text" sh -c "pdftotext '$out/index.pdf' - | grep -q '没有图片的文章'"
check "the long summary is cut with …" sh -c "pdftotext '$out/index.pdf' - | grep -q '…'"
[ $failed -gt 0 ] && cat "$work/log1"

# --- incremental --------------------------------------------------------
sum1=$(sha "$out/index.pdf") t1=$(mtime "$out/index.pdf")
sleep 1
"$folio" batch "$arc" -o "$out" -j2 >"$work/log2" 2>&1
check "rerun: the catalogue is up to date" grep -q "^catalogue: $out/index.pdf is up to date (5 posts)" "$work/log2"
check "rerun: index.pdf not rewritten (bytes, mtime)" \
    test "$(sha "$out/index.pdf")" = "$sum1" -a "$(mtime "$out/index.pdf")" = "$t1"
# A bare touch changes no input hash: nothing is rendered, nothing rebuilt.
touch "$arc/2023/no-photo/index.md"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log3" 2>&1
check "touched post: catalogue left alone" test "$(mtime "$out/index.pdf")" = "$t1"
# An edited post is rendered again, and the catalogue with it.
sed -i 's/^title: 没有图片的文章$/title: 改过标题的文章/' "$arc/2023/no-photo/index.md"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log4" 2>&1
check "edited post: rendered" grep -q '^1 rendered, 4 skipped' "$work/log4"
check "edited post: catalogue rebuilt" test "$(mtime "$out/index.pdf")" != "$t1"
check "edited post: the new title is listed" sh -c "pdftotext '$out/index.pdf' - | grep -q '改过标题的文章'"
check "edited post: consistent" test -z "$(check_catalogue "$out")"
# A deleted index.pdf or key is rebuilt; the same records give the same bytes.
sum2=$(sha "$out/index.pdf")
rm "$out/index.pdf" "$out/index.key"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log5" 2>&1
check "deleted: rebuilt, byte-identical" test "$(sha "$out/index.pdf")" = "$sum2"
# A post removed from the archive leaves the catalogue.
rm -r "$arc/undated"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log6" 2>&1
check "vanished post: 4 listed" grep -q "^catalogue: $out/index.pdf, 4 posts" "$work/log6"
check "vanished post: not linked" sh -c "! pdftotext '$out/index.pdf' - | grep -q 'Undated: no date'"
# Another theme: posts and catalogue rendered again.
t2=$(mtime "$out/index.pdf")
sleep 1
"$folio" batch "$arc" -o "$out" -j2 --theme dark >"$work/log7" 2>&1
check "theme changed: catalogue rebuilt" test "$(mtime "$out/index.pdf")" != "$t2"
check "theme changed: consistent" test -z "$(check_catalogue "$out")"
# --no-catalogue writes none.
"$folio" batch "$arc" -o "$work/out-none" -j2 --no-catalogue >"$work/log8" 2>&1
check "--no-catalogue: no index.pdf" test ! -e "$work/out-none/index.pdf"
check "--no-catalogue: the summary says nothing of it" sh -c "! grep -q '^catalogue:' '$work/log8'"
"$folio" batch "$arc" -o "$work/out-none" -j2 >"$work/log9" 2>&1
check "catalogue on again: written without rendering" \
    grep -q "^0 rendered, 4 skipped.*" "$work/log9"
check "catalogue on again: index.pdf" test -s "$work/out-none/index.pdf"

# --- shards and merging -----------------------------------------------------
sh_out=$work/out-shards
for k in 1 2; do "$folio" batch "$arc" -o "$sh_out" -j1 --shard $k/2 >"$work/shard$k" 2>&1; done
check "shards write no catalogue" test ! -e "$sh_out/index.pdf"
"$folio" batch --merge-manifests "$sh_out"/manifest-{1,2}-of-2.jsonl -o "$sh_out/manifest.jsonl" \
    --catalogue "$sh_out" >"$work/merge" 2>&1
check "merge --catalogue: exit 0" test $? -eq 0
check "merge --catalogue: says so" grep -q "^catalogue: $sh_out/index.pdf, 4 posts" "$work/merge"
check "merge --catalogue: consistent" test -z "$(check_catalogue "$sh_out")"
"$folio" batch "$arc" -o "$work/out-one" -j2 >/dev/null 2>&1
check "merged catalogue = a single run's, byte for byte" \
    cmp -s "$sh_out/index.pdf" "$work/out-one/index.pdf"
"$folio" batch --merge-manifests "$sh_out"/manifest-{1,2}-of-2.jsonl -o "$sh_out/manifest.jsonl" \
    --catalogue "$sh_out" >"$work/merge2" 2>&1
check "merge again: up to date" grep -q "is up to date" "$work/merge2"
"$folio" batch "$arc" -o "$out" --catalogue "$out" >/dev/null 2>&1
check "--catalogue without --merge-manifests: exit 2" test $? -eq 2

# --- the shared corpus --------------------------------------------------------
if [ -n "$corpus" ]; then
    cout=$work/corpus-out
    "$folio" batch "$corpus" -o "$cout" -j2 >"$work/corpus.log" 2>&1
    check "corpus: exit 0" test $? -eq 0
    n=$(grep -c '"status":"ok"' "$cout/manifest.jsonl")
    check "corpus: every post listed ($n)" grep -q "^catalogue: $cout/index.pdf, $n posts" "$work/corpus.log"
    check "corpus: qpdf --check" qpdf_ok "$cout/index.pdf"
    probs=$(check_catalogue "$cout")
    check "corpus: listed once, links resolve, newest first" test -z "$probs"
    [ -n "$probs" ] && echo "$probs"
    [ -x "$pdfcheck" ] && check "corpus: pdfcheck --kind handout: no error" pdfcheck_clean "$cout/index.pdf"
else
    echo "corpus part skipped: no corpus (FOLIO_SHARED)"
fi
finish
