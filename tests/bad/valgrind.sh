#!/usr/bin/env bash
# Memory errors and leaks under valgrind: a handful of runs through every
# stage (the demo as handout, deck with PNG previews and booklet, a post
# with every image variant, a post that fails in its front matter, inspect
# and a two-post batch).  Any memory error or definite leak fails, except
# the library leaks listed in tests/bad/valgrind.supp; "still reachable"
# blocks (fontconfig's and Pango's caches) are not counted.
#   tests/bad/valgrind.sh --folio BIN --gen GEN_BAD [--source DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folio="" gen="" src=""
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$(realpath "$2"); shift 2 ;;
        --gen) gen=$(realpath "$2"); shift 2 ;;
        --source) src=$(realpath "$2"); shift 2 ;;
        *) echo "usage: valgrind.sh --folio BIN --gen GEN_BAD [--source DIR]" >&2; exit 2 ;;
    esac
done
command -v valgrind >/dev/null || { echo "skipped: valgrind not installed"; exit 77; }
src=${src:-$(cd "$here/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-vg.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir -p img/media posts/a posts/b
"$gen" img/media || exit 1
{ printf -- '---\ntitle: 图片\n---\n\n'
  for f in img/media/*; do printf '![%s](media/%s)\n\n' "${f##*/}" "${f##*/}"; done; } > img/all.md
printf -- '---\ntitle: [unclosed\n---\n\ntext\n' > bad.md
cp "$src/examples/demo/index.md" posts/a/index.md
printf -- '---\ntitle: 第二篇\ndate: 2024-05-01\n---\n\n**开场**\n\n张三，工程师。\n' > posts/b/index.md
demo=$src/examples/demo/index.md

failed=0 runs=0
# vg NAME EXPECTED-STATUS FOLIO-ARGS...
vg() {
    local name=$1 want=$2; shift 2
    runs=$((runs + 1))
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --trace-children=yes --child-silent-after-fork=no \
        --suppressions="$here/valgrind.supp" --num-callers=60 \
        "$folio" "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" -ne "$want" ] || grep -q '^==[0-9]*== ' err.txt; then
        echo "FAIL  $name: exit $rc (expected $want)"
        grep '^==[0-9]*== ' err.txt | head -40 | sed 's/^/    /'
        failed=1
    fi
}
vg "handout demo" 0 handout "$demo" -o demo.pdf -q
vg "slides demo with previews" 0 slides "$demo" -o deck.pdf --png png -q
vg "booklet demo" 0 handout "$demo" -o booklet.pdf --impose saddle --marks -q
vg "every image variant" 0 handout img/all.md -o all.pdf -q
vg "bad front matter" 1 handout bad.md -o bad.pdf
vg "inspect" 0 inspect "$demo"
vg "batch of two" 0 batch posts -o out -j1 --timeout 0 --memory 0
[ "$failed" -eq 0 ] && echo "ok    $runs runs under valgrind: no memory errors, no definite leaks"
exit $failed
