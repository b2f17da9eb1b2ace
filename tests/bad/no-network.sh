#!/usr/bin/env bash
# Guarantee: folio opens no network connection, and every PDF it writes
# passes qpdf --check without warnings.  A batch over the whole shared
# corpus, the seed post and the demo (handouts and decks, two workers)
# runs under strace, tracing the
# network system calls; the only ones allowed are the socketpair(AF_UNIX)
# pairs the batch uses to talk to its workers (src/batch/pool.c).  Then
# every output is checked with qpdf.
#   tests/bad/no-network.sh --folio BIN --shared DIR [--source DIR]   (77 = skipped)
set -uo pipefail
folio="" shared=${FOLIO_SHARED:-} src=$(cd "$(dirname "$0")/../.." && pwd)
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$(realpath "$2"); shift 2 ;;
        --shared) shared=${FOLIO_SHARED:-$2}; shift 2 ;;
        --source) src=$(realpath "$2"); shift 2 ;;
        *) echo "usage: no-network.sh --folio BIN --shared DIR [--source DIR]" >&2; exit 2 ;;
    esac
done
command -v strace >/dev/null || { echo "skipped: strace not installed"; exit 77; }
[ -d "$shared/corpus" ] || { echo "skipped: no corpus at $shared/corpus"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-net.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

# --seccomp-bpf: only the traced calls stop the process, so the batch runs
# at nearly full speed (strace 5.3 and later).
sopt=(-f -qq -e trace=network -o "$work/trace")
strace --seccomp-bpf -e trace=network -o /dev/null true 2>/dev/null && sopt=(--seccomp-bpf "${sopt[@]}")
strace "${sopt[@]}" "$folio" batch "$shared/corpus" "$shared/seed" "$src/examples" \
    -o "$work/out" -j2 >"$work/log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "FAIL  batch exit $rc"; tail -5 "$work/log"; failed=1
fi
calls=$(grep -cE '^[0-9]+ +[a-z_]+\(' "$work/trace")
others=$(grep -E '^[0-9]+ +[a-z_]+\(' "$work/trace" | grep -v 'socketpair(AF_UNIX' |
         grep -vE '^[0-9]+ +(sendmsg|recvmsg|sendto|recvfrom|shutdown|getsockopt|setsockopt)\([0-9]+, ' || true)
# sendmsg/recvmsg/... on an existing descriptor are allowed only because
# the only sockets that exist are the socketpairs: a socket( or connect(
# line would be listed here.
if [ -n "$others" ]; then
    echo "FAIL  network system calls other than socketpair(AF_UNIX):"
    echo "$others" | head -10 | sed 's/^/    /'
    failed=1
else
    echo "ok    $calls network-class calls, all on socketpair(AF_UNIX) worker channels"
fi
n=0 bad=0
while IFS= read -r f; do
    n=$((n + 1))
    if ! qpdf --check "$f" >"$work/q" 2>&1; then
        bad=$((bad + 1)); echo "FAIL  qpdf --check: $f"; sed 's/^/    /' "$work/q" | head -3
    fi
done < <(find "$work/out" -name '*.pdf')
[ "$n" -gt 0 ] || { echo "FAIL  no PDF written"; failed=1; }
[ "$bad" -eq 0 ] && echo "ok    qpdf --check clean on all $n PDFs" || failed=1
exit $failed
