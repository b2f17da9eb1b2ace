#!/usr/bin/env bash
# Golden tests: the document model (folio inspect) and the laid-out boxes
# (folio handout --dump boxes) of small posts, and the boxes of a book of
# two (folio book, book/), compared with the expected dumps beside them.  On a difference it prints the diff and keeps the
# actual output as NAME.actual; `run.sh --folio BIN --update` rewrites the
# expected files (read the diff before committing them).
#
#   tests/golden/run.sh --folio BIN [--update]
set -uo pipefail
folio="" update=0
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --update) update=1; shift ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
folio=$(realpath "$folio")
repo=$(cd "$here/../.." && pwd)
passed=0 failed=0

check() {   # check NAME EXPECTED-FILE COMMAND...
    local name=$1 expected=$2; shift 2
    local actual="$expected.actual"
    "$@" >"$actual" 2>&1
    if [ "$update" = 1 ]; then
        mv "$actual" "$expected"
        echo "updated $name"
        passed=$((passed + 1))
    elif [ -f "$expected" ] && diff -u "$expected" "$actual"; then
        rm -f "$actual"
        passed=$((passed + 1))
    else
        echo "FAIL  $name (expected $expected, got $actual)"
        failed=$((failed + 1))
    fi
}

# Run from the post's folder with a relative path: dumps carry no absolute paths.
for md in "$here"/cases/*.md; do
    name=$(basename "$md" .md)
    check "$name.inspect" "$here/cases/$name.inspect.json" \
        bash -c "cd '$here/cases' && '$folio' inspect '$name.md'"
    check "$name.boxes" "$here/cases/$name.boxes" \
        bash -c "cd '$here/cases' && '$folio' handout '$name.md' --dump boxes"
done
check demo.inspect "$here/demo.inspect.json" \
    bash -c "cd '$repo/examples/demo' && '$folio' inspect index.md"
# A book of two tiny posts (folio book): spring/ given as its folder, the
# older autumn.md put first by date; one contents (autumn's ### section is
# in the outline only), one outline, dests prefixed p1-, p2-.
check book.boxes "$here/book/book.boxes" \
    bash -c "cd '$here/book' && '$folio' book spring autumn.md --dump boxes"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
