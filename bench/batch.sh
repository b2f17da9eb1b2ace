#!/usr/bin/env bash
# Batch throughput: the shared corpus replicated to >= 500 posts, rendered
# cold and incrementally at -j1 and -j2; medians of several runs.
#
#   bench/batch.sh [--folio BIN] [--posts N] [--runs R] [--formats LIST] [--shared DIR]
#
# Defaults: build/folio (a Release build: scripts/build.sh), 500 posts,
# 3 runs, handout,slides, ../shared.  Prints the machine, the versions,
# posts/s cold and incremental per -j, the -j2/-j1 speed-up, the
# incremental/cold time ratio and the peak resident memory of a worker
# (getrusage of each reaped worker, as folio batch reports it).  Needs
# ~25 MB of temporary space per corpus copy.  Timing lives here, never in
# tests.  Other processes on the machine skew the -j2 figure most: each
# run line shows the load average (about j when the machine is quiet).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3
folio=build/folio posts=500 runs=3 formats=handout,slides shared=${FOLIO_SHARED:-../shared}
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --posts) posts=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --formats) formats=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        *) sed -n '2,14p' "$0"; exit 2 ;;
    esac
done
corpus=$shared/corpus
[ -x "$folio" ] || { echo "no folio at $folio (scripts/build.sh)" >&2; exit 3; }
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 3; }
folio=$(realpath "$folio")
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Replicate: copy i of post p goes to archive/cNN/p/, real copies (no links).
mapfile -t slugs < <(cd "$corpus" && find . -mindepth 2 -maxdepth 2 -name index.md | sed 's|^\./||; s|/index.md$||' | sort)
copies=$(( (posts + ${#slugs[@]} - 1) / ${#slugs[@]} ))
for ((c = 1; c <= copies; c++)); do
    d=$(printf '%s/archive/c%02d' "$work" "$c")
    mkdir -p "$d"
    for s in "${slugs[@]}"; do cp -r "$corpus/$s" "$d/$s"; done
done
total=$((copies * ${#slugs[@]}))

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "kernel:  $(uname -sr)"
echo "folio:   $("$folio" --version) ($folio)"
echo "libs:    cairo $(pkg-config --modversion cairo 2>/dev/null), pango $(pkg-config --modversion pango 2>/dev/null), harfbuzz $(pkg-config --modversion harfbuzz 2>/dev/null)"
echo "archive: $total posts ($copies copies of ${#slugs[@]} corpus posts), formats $formats, $runs runs each"
echo

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }

declare -A cold inc rss
for j in 1 2; do
    : >"$work/cold$j" ; : >"$work/inc$j" ; : >"$work/rss$j"
    for ((r = 1; r <= runs; r++)); do
        rm -rf "$work/out"
        t0=$(now)
        "$folio" batch "$work/archive" -o "$work/out" -j$j --formats "$formats" >"$work/log" 2>&1
        rc=$?
        t1=$(now)
        "$folio" batch "$work/archive" -o "$work/out" -j$j --formats "$formats" >"$work/log2" 2>&1
        t2=$(now)
        if [ $rc -ne 0 ] || ! grep -q "^$total rendered, 0 skipped, 0 failed\|^$total rendered, 0 skipped (up to date), 0 failed" "$work/log" ||
           ! grep -q "^0 rendered, $total skipped" "$work/log2"; then
            echo "run failed (-j$j):"; tail -n 5 "$work/log" "$work/log2"; exit 1
        fi
        echo "$t1 - $t0" | bc -l >>"$work/cold$j"
        echo "$t2 - $t1" | bc -l >>"$work/inc$j"
        sed -n 's/^peak memory of a worker: \([0-9]*\) MB/\1/p' "$work/log" >>"$work/rss$j"
        printf -- '-j%d run %d: cold %.2f s, incremental %.3f s (load average %s)\n' $j $r \
            "$(tail -n 1 "$work/cold$j")" "$(tail -n 1 "$work/inc$j")" "$(cut -d' ' -f1-3 /proc/loadavg)"
    done
    cold[$j]=$(median <"$work/cold$j")
    inc[$j]=$(median <"$work/inc$j")
    rss[$j]=$(sort -n "$work/rss$j" | tail -n 1)
done

echo
printf '%-4s %12s %10s %14s %12s %16s\n' "" "cold s" "posts/s" "incremental s" "posts/s" "peak RSS/worker"
for j in 1 2; do
    printf -- '-j%-2s %12.2f %10.1f %14.3f %12.0f %13s MB\n' $j "${cold[$j]}" \
        "$(echo "$total / ${cold[$j]}" | bc -l)" "${inc[$j]}" "$(echo "$total / ${inc[$j]}" | bc -l)" "${rss[$j]}"
done
printf 'speed-up -j2 over -j1 (cold medians): %.2fx\n' "$(echo "${cold[1]} / ${cold[2]}" | bc -l)"
printf 'incremental / cold at -j2: %.1f%%\n' "$(echo "100 * ${inc[2]} / ${cold[2]}" | bc -l)"
