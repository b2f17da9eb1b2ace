#!/usr/bin/env bash
# Guarantee: a SIGKILL at any moment leaves either the previous output or
# the complete new one.  The output starts as an older PDF (the post as a
# deck); folio then writes the handout over it and is killed after a
# random delay between 0 and a full run's duration, 20 times.  After each
# kill the output must be byte-identical to the old deck or to the new
# handout (runs are deterministic), and pass qpdf --check.  The temporary
# file a kill leaves beside it is allowed (the next run does not reuse it;
# batch runs remove them) but must never be the output itself.
#   tests/bad/sigkill.sh --folio BIN [--source DIR]
set -uo pipefail
folio="" src=""
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$(realpath "$2"); shift 2 ;;
        --source) src=$(realpath "$2"); shift 2 ;;
        *) echo "usage: sigkill.sh --folio BIN [--source DIR]" >&2; exit 2 ;;
    esac
done
src=${src:-$(cd "$(dirname "$0")/../.." && pwd)}
post=$src/examples/demo/index.md
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-kill.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$folio" slides "$post" -o old.pdf -q || { echo "FAIL  cannot render the old deck"; exit 1; }
start=$(date +%s%N)
"$folio" handout "$post" -o new.pdf -q || { echo "FAIL  cannot render the handout"; exit 1; }
full_ms=$((($(date +%s%N) - start) / 1000000 + 20))
cmp -s old.pdf new.pdf && { echo "FAIL  old and new outputs are the same"; exit 1; }

failed=0 old=0 new=0
for i in $(seq 1 20); do
    cp old.pdf out.pdf
    "$folio" handout "$post" -o out.pdf -q &
    pid=$!
    delay=$((RANDOM % full_ms))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if cmp -s out.pdf old.pdf; then old=$((old + 1))
    elif cmp -s out.pdf new.pdf; then new=$((new + 1))
    else
        echo "FAIL  kill $i after ${delay} ms: out.pdf is neither the old nor the new PDF"
        failed=1
    fi
    qpdf --check out.pdf >/dev/null 2>&1 || { echo "FAIL  kill $i: out.pdf fails qpdf --check"; failed=1; }
    rm -f out.pdf.tmp.*
done
echo "20 kills: $old left the old PDF, $new the complete new one (a run takes ${full_ms} ms)"
exit $failed
