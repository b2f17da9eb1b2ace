#!/usr/bin/env bash
# Renders every post of the shared corpus and checks each PDF with pdfcheck.
#
#   corpus.sh --folio BIN [--kind handout|slides] [--shared DIR] [--jobs N] [--keep]
#
# For each DIR/corpus/*/index.md: `folio KIND index.md -o OUT.pdf` must exit 0
# and `pdfcheck OUT.pdf --source index.md --kind KIND` must report 0 errors
# and 0 loose-line warnings (docs/cjk.md §6: justification spreads space
# between all characters, never leaves holes).
# Prints one line per post (PASS/FAIL, the post's folder name and pdfcheck's
# score line; for a failure the error lines follow, indented), then
# "N passed, M failed".  Posts run in parallel, at most --jobs (default 2)
# at a time, each render limited to 120 s.
#
# Exit status: 0 all passed, 1 some failed, 77 skipped (CTest's
# SKIP_RETURN_CODE): no shared folder, or KIND is slides and this folio has no
# `slides` command yet.  FOLIO_SHARED in the environment overrides --shared.
set -uo pipefail

# Worker mode, run by xargs: corpus.sh --one FOLIO KIND PDFCHECK WORKDIR POST
if [ "${1:-}" = "--one" ]; then
    folio=$2 kind=$3 pdfcheck=$4 work=$5 post=$6
    slug=$(basename "$(dirname "$post")")
    out=$work/$slug.pdf
    res=$work/$slug.result
    timeout 120 "$folio" "$kind" "$post" -o "$out" 2>"$work/$slug.stderr"
    rc=$?
    if [ $rc -ne 0 ]; then
        why=""
        if [ $rc -eq 124 ]; then why=" (timed out after 120 s)"
        elif [ $rc -gt 128 ]; then why=" (killed by signal $((rc - 128)))"; fi
        {
            echo "FAIL  $slug: folio exited $rc$why"
            head -n 10 "$work/$slug.stderr" | sed 's/^/        /'
        } >"$res"
        exit 0
    fi
    "$pdfcheck" "$out" --source "$post" --kind "$kind" >"$work/$slug.pdfcheck" 2>&1
    prc=$?
    score=$(tail -n 1 "$work/$slug.pdfcheck")
    loose=$(sed -n 's/.*loose-lines \([0-9]*\)\/\([0-9]*\).*/\2/p' <<<"$score")
    if [ $prc -eq 0 ] && [ "${loose:-0}" = 0 ]; then
        echo "PASS  $slug: $score" >"$res"
    elif [ $prc -eq 0 ]; then
        {
            echo "FAIL  $slug: $loose loose-line warning(s): $score"
            grep '^WARN  loose-lines' "$work/$slug.pdfcheck" | head -n 10 | sed 's/^/        /'
        } >"$res"
    else
        {
            echo "FAIL  $slug: pdfcheck exited $prc: $score"
            grep '^ERROR' "$work/$slug.pdfcheck" | head -n 10 | sed 's/^/        /'
        } >"$res"
    fi
    exit 0
fi

folio="" kind=handout shared="" jobs=2 keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --kind) kind=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "corpus.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
shared=${FOLIO_SHARED:-$shared}
if [ -z "$folio" ]; then
    echo "usage: corpus.sh --folio BIN [--kind handout|slides] [--shared DIR] [--jobs N]" >&2
    exit 2
fi
case "$kind" in handout|slides) ;; *) echo "corpus.sh: bad --kind '$kind'" >&2; exit 2 ;; esac

if [ -z "$shared" ] || [ ! -d "$shared/corpus" ]; then
    echo "skipped: no corpus at '${shared:-<unset>}/corpus' (set FOLIO_SHARED)"
    exit 77
fi
pdfcheck=$shared/tools/pdfcheck
if [ ! -x "$pdfcheck" ]; then
    echo "skipped: $pdfcheck not found"
    exit 77
fi
if [ "$kind" = slides ] && ! "$folio" slides --help >/dev/null 2>&1; then
    echo "skipped: '$folio slides --help' fails: no slides command yet"
    exit 77
fi
folio=$(realpath "$folio")

work=$(mktemp -d "${TMPDIR:-/tmp}/folio-corpus.XXXXXX")
if [ "$keep" = 1 ]; then
    echo "keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

shopt -s nullglob
posts=("$shared"/corpus/*/index.md)
if [ ${#posts[@]} -eq 0 ]; then
    echo "skipped: no posts under $shared/corpus"
    exit 77
fi
printf '%s\0' "${posts[@]}" |
    xargs -0 -n 1 -P "$jobs" bash "$0" --one "$folio" "$kind" "$pdfcheck" "$work"

passed=0 failed=0
for post in "${posts[@]}"; do
    slug=$(basename "$(dirname "$post")")
    res=$work/$slug.result
    if [ ! -s "$res" ]; then
        echo "FAIL  $slug: no result (worker died)"
        failed=$((failed + 1))
        continue
    fi
    cat "$res"
    if head -n 1 "$res" | grep -q '^PASS'; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
