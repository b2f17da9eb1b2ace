# Shared by the batch tests: argument parsing, a work folder, checks.
#   source lib.sh; parse "$@"   → $folio, $shared, $work (removed on exit)
# Tests that need the shared corpus exit 77 (skipped) when it is absent;
# a test that can run without it sets corpus_optional=1 before parse and
# finds $corpus empty then.
set -uo pipefail
passed=0 failed=0

parse() {
    folio= shared=${FOLIO_SHARED:-}
    while [ $# -gt 0 ]; do
        case "$1" in
            --folio) folio=$(realpath "$2"); shift 2 ;;
            --shared) shared=${FOLIO_SHARED:-$2}; shift 2 ;;
            *) echo "usage: $0 --folio BIN --shared DIR" >&2; exit 2 ;;
        esac
    done
    [ -n "$folio" ] || { echo "need --folio" >&2; exit 2; }
    corpus=$shared/corpus
    if [ ! -d "$corpus" ]; then
        if [ "${corpus_optional:-0}" = 1 ]; then corpus=
        else echo "skipped: no corpus at $corpus (FOLIO_SHARED)"; exit 77; fi
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/folio-batch-test.XXXXXX")
    trap 'rm -rf "$work"' EXIT
}

ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
check() {   # check NAME COMMAND...: passes when COMMAND succeeds
    local name=$1; shift
    if "$@"; then ok; else fail "$name"; fi
}

# Copies the named corpus posts (folders) into $1.
copy_posts() {
    local dest=$1; shift
    mkdir -p "$dest"
    for p in "$@"; do cp -r "$corpus/$p" "$dest/$p"; done
}

# Every record's outputs exist and pass qpdf --check; no temporary left.
manifest_consistent() {   # manifest_consistent MANIFEST OUTDIR
    python3 - "$1" "$2" <<'PY' || return 1
import json, os, subprocess, sys
man, out = sys.argv[1], sys.argv[2]
bad = 0
for line in open(man, encoding="utf-8"):
    r = json.loads(line)
    for o in r["outputs"]:
        p = os.path.join(out, o)
        if not os.path.isfile(p):
            print(f"  {r['source']}: output {o} missing"); bad += 1
PY
    local t
    t=$(find "$2" -name '*.tmp.*' | head -n 1)
    [ -z "$t" ] || { echo "  temporary left: $t"; return 1; }
    local f
    while IFS= read -r f; do
        qpdf --check "$f" >/dev/null 2>&1 || { echo "  not a complete PDF: $f"; return 1; }
    done < <(find "$2" -name '*.pdf')
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
