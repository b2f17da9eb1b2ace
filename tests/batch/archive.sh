#!/usr/bin/env bash
# A few corpus posts plus broken ones: bad YAML, a binary file named
# index.md, an image bomb (a PNG header declaring 60000x60000 px), a draft.
# The good posts render, the bad ones are named in the summary with their
# errors, the exit status is 1; then incremental behaviour.
#   tests/batch/archive.sh --folio BIN --shared DIR
source "$(dirname "$0")/lib.sh"
parse "$@"
arc=$work/archive out=$work/out
copy_posts "$arc" arcvideo-joins tc-election-2023 release-23-09
mkdir -p "$arc/broken/bad-yaml" "$arc/broken/binary" "$arc/broken/bomb" "$arc/drafts/wip"
printf -- '---\ntitle: [unclosed\ndate: 2024-01-01\n---\n\n正文\n' >"$arc/broken/bad-yaml/index.md"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR binary, not Markdown\0\0\0' >"$arc/broken/binary/index.md"
python3 - "$arc/broken/bomb/bomb.png" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
printf -- '---\ntitle: 炸弹\n---\n\n![大图](bomb.png)\n\n正文。\n' >"$arc/broken/bomb/index.md"
printf -- '---\ntitle: wip\ndraft: true\n---\n\n草稿\n' >"$arc/drafts/wip/index.md"

"$folio" batch "$arc" -o "$out" -j2 >"$work/log" 2>&1
rc=$?
check "exit status 1 when a post failed (got $rc)" test $rc -eq 1
check "summary counts" grep -q '^4 rendered, 0 skipped (up to date), 2 failed, .*1 draft left out' "$work/log"
check "bad YAML named with its error" \
    grep -q '^  broken/bad-yaml/index.md: .*bad-yaml/index.md:3:5: error: front matter' "$work/log"
check "binary file named with its error" \
    grep -q '^  broken/binary/index.md: .*error: not a text file (NUL byte' "$work/log"
for p in arcvideo-joins tc-election-2023 release-23-09; do
    check "$p rendered" test -s "$out/$p/$p.handout.pdf" -a -s "$out/$p/$p.slides.pdf"
done
check "image bomb rendered with a placeholder" test -s "$out/broken/bomb/bomb.handout.pdf"
check "image bomb counted a warning" \
    grep -q '"source":"broken/bomb/index.md".*"status":"ok","pages":[0-9]*,"warnings":[1-9]' "$out/manifest.jsonl"
check "failed posts recorded as failed" test "$(grep -c '"status":"failed"' "$out/manifest.jsonl")" -eq 2
check "no output for a failed post" test ! -e "$out/broken/bad-yaml/bad-yaml.handout.pdf"
check "draft not rendered" test ! -e "$out/drafts/wip"
check "manifest consistent" manifest_consistent "$out/manifest.jsonl" "$out"
[ $failed -gt 0 ] && cat "$work/log"

# Again: good posts skipped, failed ones tried again.
"$folio" batch "$arc" -o "$out" -j2 >"$work/log2" 2>&1
check "rerun: only the failed tried again" grep -q '^0 rendered, 4 skipped (up to date), 2 failed' "$work/log2"

# Fix the broken posts: they render, the rest stays skipped.
rm -rf "$arc/broken/bad-yaml" "$arc/broken/binary"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log3" 2>&1
check "fixed: exit 0" test $? -eq 0
check "fixed: their records dropped" test "$(wc -l <"$out/manifest.jsonl")" -eq 4

# A touched (same bytes) image: hashed again, still up to date.
img=$(find "$arc/release-23-09" -name '*.png' -o -name '*.jp*g' | head -n 1)
touch -d '2001-01-01' "$img"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log4" 2>&1
check "touched image: nothing rendered" grep -q '^0 rendered, 4 skipped' "$work/log4"
# A changed image or post: that post alone.
printf 'x' >>"$img"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log5" 2>&1
check "changed image: its post rendered" grep -q '^ok      release-23-09/index.md' "$work/log5"
check "changed image: one rendered" grep -q '^1 rendered, 3 skipped' "$work/log5"
printf '\n补充一段。\n' >>"$arc/tc-election-2023/index.md"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log6" 2>&1
check "changed post: one rendered" grep -q '^1 rendered, 3 skipped' "$work/log6"
# A deleted output: rendered again.
rm "$out/arcvideo-joins/arcvideo-joins.slides.pdf"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log7" 2>&1
check "deleted output: rendered again" grep -q '^1 rendered, 3 skipped' "$work/log7"
# --force renders everything; --formats changes the outputs.
"$folio" batch "$arc" -o "$out" -j2 --force --formats handout >"$work/log8" 2>&1
check "--force renders all" grep -q '^4 rendered, 0 skipped' "$work/log8"
# A crash-free hang: a 1 s limit on a post that is made to take longer is
# not portable; a timeout of 0 is accepted as none.
"$folio" batch "$arc" -o "$out" --formats handout --timeout 0 >"$work/log9" 2>&1
check "--timeout 0 accepted" test $? -eq 0
# A worker budget of 1 MB: every post is done by a fresh worker, and the
# result is the same PDFs (a post's bytes never depend on the worker).
cp "$out/release-23-09/release-23-09.handout.pdf" "$work/before.pdf"
"$folio" batch "$arc" -o "$out" -j1 --force --formats handout --worker-rss 1 >"$work/log10" 2>&1
check "--worker-rss 1: all rendered" grep -q '^4 rendered, 0 skipped' "$work/log10"
check "--worker-rss 1: same bytes" cmp -s "$out/release-23-09/release-23-09.handout.pdf" "$work/before.pdf"

# Usage errors.
"$folio" batch "$arc" >/dev/null 2>&1; check "no -o: exit 2" test $? -eq 2
"$folio" batch -o "$out" >/dev/null 2>&1; check "no folder: exit 2" test $? -eq 2
"$folio" batch "$arc" -o "$out" --shard 4/3 >/dev/null 2>&1; check "bad shard: exit 2" test $? -eq 2
"$folio" batch "$work/nope" -o "$out" >/dev/null 2>&1; check "missing folder: exit 2" test $? -eq 2
finish
