#!/usr/bin/env bash
# The bad-input catalogue (tests/bad/catalogue): runs folio on each case and
# checks what the catalogue expects, plus the limits every case shares.
#
#   tests/bad/run.sh --folio BIN --gen GEN_BAD [--shard K/N] [--only NAME]
#
# Inputs are made at run time in a temporary folder: text posts by
# make-inputs.py, images by gen_bad (tests/bad/gen_bad.c).  Environment:
#   FOLIO_BAD_SECONDS  time limit per case (default 20)
#   FOLIO_BAD_MEM_KB   peak RSS limit per case in KiB (default 524288 = 512
#                      MiB; 0 = not checked, e.g. under AddressSanitizer,
#                      whose shadow memory is not the program's)
# Prints one line per failed check and "N passed, M failed"; exits 1 on
# any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folio="" gen="" shard_k=1 shard_n=1 only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$(realpath "$2"); shift 2 ;;
        --gen) gen=$(realpath "$2"); shift 2 ;;
        --shard) shard_k=${2%/*}; shard_n=${2#*/}; shift 2 ;;
        --only) only=$2; shift 2 ;;
        *) echo "usage: run.sh --folio BIN --gen GEN_BAD [--shard K/N] [--only NAME]" >&2; exit 2 ;;
    esac
done
[ -x "$folio" ] && [ -x "$gen" ] || { echo "run.sh: --folio and --gen are required" >&2; exit 2; }
seconds=${FOLIO_BAD_SECONDS:-20}
mem_kb=${FOLIO_BAD_MEM_KB:-524288}

work=$(mktemp -d "${TMPDIR:-/tmp}/folio-bad.XXXXXX")
cleanup() { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
chmod 755 "$work"   # the "nobody" case must reach it
cd "$work" || exit 1

python3 "$here/make-inputs.py" . || { echo "make-inputs.py failed"; exit 1; }
mkdir -p img/media out tiny
"$gen" img/media || { echo "gen_bad failed"; exit 1; }
cp img/media/photo.png outside/secret.png
ln -s ../../outside/secret.png img/media/link-out.png
ln -s /etc/passwd img/media/link-passwd.png
mkfifo fifo.md
chmod 000 unreadable.md

passed=0 failed=0 skipped=0
fail() { echo "FAIL  $name: $*"; bad=1; }

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

i=0
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    i=$((i + 1))
    [ $(((i - 1) % shard_n)) -eq $((shard_k - 1)) ] || continue
    IFS='|' read -r f_name f_expect f_wrap f_args f_pattern <<<"$line"
    name=$(trim "$f_name") expect=$(trim "$f_expect") wrap=$(trim "$f_wrap")
    args=$(trim "$f_args") pattern=$(trim "${f_pattern:-}")
    [ -n "$only" ] && [ "$only" != "$name" ] && continue
    out=out/$name.pdf
    [ "$wrap" = tmpfs ] && out=tiny/$name.pdf
    read -r -a argv <<<"${args//OUT/$out}"
    post=${argv[1]} dest=""
    for ((k = 0; k < ${#argv[@]}; k++)); do
        [ "${argv[k]}" = -o ] && dest=${argv[k + 1]}
    done
    existed=0
    [ -n "$dest" ] && [ -e "$dest" ] && existed=1

    prefix=()
    case "$wrap" in
        -) ;;
        nobody)
            if [ "$(id -u)" -eq 0 ]; then
                prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups)
            fi ;;
        fsize) prefix=(bash -c 'ulimit -f 64 && exec "$@"' fsize) ;;
        tmpfs)
            if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
                echo "SKIP  $name: needs root and unshare -m for a tiny tmpfs"
                skipped=$((skipped + 1)); continue
            fi
            # In a private mount namespace, so nothing is left mounted; the
            # listing of the full file system is taken before it goes away.
            prefix=(unshare -m bash -c 'mount -t tmpfs -o size=64k tmpfs tiny || exit 99
                "$@"; rc=$?; ls -A tiny > tiny.ls; exit $rc' tmpfs) ;;
        *) echo "run.sh: unknown wrap '$wrap' in case $name" >&2; exit 2 ;;
    esac

    bad=0
    start=$(date +%s%N)
    timeout -s KILL $((seconds + 5)) /usr/bin/time -f '%M' -o mem.txt \
        "${prefix[@]}" "$folio" "${argv[@]}" >stdout.txt 2>stderr.txt
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    peak=$(tail -n 1 mem.txt 2>/dev/null)

    if [ "$ms" -gt $((seconds * 1000)) ]; then fail "took ${ms} ms (limit ${seconds} s)"; fi
    if [ "$mem_kb" -gt 0 ] && [ "${peak:-0}" -gt "$mem_kb" ] 2>/dev/null; then
        fail "peak RSS ${peak} KiB (limit ${mem_kb} KiB)"
    fi
    # Every diagnostic names the post or the output it is about.
    while IFS= read -r l; do
        case "$l" in
            "$post:"*|"$dest:"*) ;;
            *) fail "stderr line does not start with '$post:' or '$dest:': $l" ;;
        esac
    done <stderr.txt
    case "$expect" in
        ok|warn)
            [ "$rc" -eq 0 ] || fail "exit $rc, expected 0"
            if [ "$expect" = ok ]; then
                [ -s stderr.txt ] && fail "expected no diagnostics"
            else
                grep -Eq -- "$pattern" stderr.txt || fail "stderr does not match: $pattern"
            fi
            if [ -n "$dest" ]; then
                if [ ! -s "$dest" ]; then fail "$dest not written"
                else
                    qpdf --check "$dest" >qpdf.txt 2>&1
                    q=$?
                    [ "$q" -eq 0 ] || { fail "qpdf --check exit $q on $dest"; sed 's/^/    /' qpdf.txt | head -5; }
                fi
            fi ;;
        fail*)
            want=${expect#fail }
            [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want"
            grep -Eq -- "$pattern" stderr.txt || fail "stderr does not match: $pattern"
            if [ -n "$dest" ] && [ "$existed" -eq 0 ] && [ -e "$dest" ]; then
                fail "$dest was written"
            fi
            if [ "$wrap" = tmpfs ] && [ -s tiny.ls ]; then
                fail "left on the full file system: $(tr '\n' ' ' <tiny.ls)"
            fi ;;
        *) echo "run.sh: unknown expectation '$expect' in case $name" >&2; exit 2 ;;
    esac
    left=$(find . -name '*.tmp.*' 2>/dev/null | head -3)
    [ -n "$left" ] && { fail "temporary files left: $left"; find . -name '*.tmp.*' -delete; }
    if [ "$bad" -eq 1 ]; then
        failed=$((failed + 1))
        sed 's/^/    | /' stderr.txt | head -8
    else
        passed=$((passed + 1))
    fi
    rm -f out/*.pdf
done <"$here/catalogue"

[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
