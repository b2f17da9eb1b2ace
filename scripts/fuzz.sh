#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs
# each for a set time on a corpus seeded from the tests, the demo and
# ../shared (copied into a temporary folder; nothing is committed).
#
#   scripts/fuzz.sh [--time S] [TARGET...]     TARGET: frontmatter markdown theme layout manifest png
#
# --time S: seconds per target (default 120; CI uses 20).  Findings (crash-,
# leak-, timeout-, oom- files) are kept in build-fuzz/findings/<target>/;
# turn each into a file in tests/regress/<target>/ once it is fixed.
# Prints the executions per target; exits 1 when any target found something.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3
root=$(pwd)
secs=120 targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) secs=$2; shift 2 ;;
        frontmatter|markdown|theme|layout|manifest|png) targets+=("$1"); shift ;;
        *) echo "usage: scripts/fuzz.sh [--time S] [frontmatter|markdown|theme|layout|manifest|png]..." >&2; exit 2 ;;
    esac
done
[ ${#targets[@]} -eq 0 ] && targets=(frontmatter markdown theme layout manifest png)
shared=${FOLIO_SHARED:-$root/../shared}

command -v clang >/dev/null || bash scripts/setup.sh --test
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DFOLIO_FUZZ=ON \
    -DBUILD_TESTING=OFF >/dev/null || exit 3
cmake --build build-fuzz -j2 --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null || exit 3

work=$(mktemp -d "${TMPDIR:-/tmp}/folio-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# seed DIR MAXBYTES FILE...: copies the files no larger than MAXBYTES.
seed() {
    local dir=$1 max=$2 n=0; shift 2
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le "$max" ] || continue
        n=$((n + 1)); cp "$f" "$dir/seed-$n"
    done
}
posts=("$root"/tests/golden/cases/*.md "$root"/examples/demo/index.md
       "$shared"/seed/*/index.md "$shared"/corpus/*/index.md)
mkdir -p "$work/bad"
python3 "$root/tests/bad/make-inputs.py" "$work/bad" 2>/dev/null
mapfile -t bad < <(find "$work/bad" -name '*.md' -type f)

status=0
printf '%-12s %12s %10s  %s\n' target executions exec/s findings
for t in "${targets[@]}"; do
    corpus=$work/corpus-$t
    case "$t" in
        theme) seed "$corpus" 65536 "$root"/themes/*.yaml "$root"/tests/themes/*.yaml
               dict=fuzz/yaml.dict max_len=16384 ;;
        frontmatter) seed "$corpus" 65536 "${posts[@]}" "${bad[@]}"
               dict=fuzz/yaml.dict max_len=65536 ;;
        markdown) seed "$corpus" 65536 "${posts[@]}" "${bad[@]}"
               dict=fuzz/markdown.dict max_len=65536 ;;
        layout) seed "$corpus" 16384 "${posts[@]}" "${bad[@]}"
               dict=fuzz/markdown.dict max_len=16384 ;;
        manifest) seed "$corpus" 65536 "$root"/fuzz/manifest.seed.jsonl
               dict=fuzz/json.dict max_len=16384 ;;
        png) mapfile -t pngs < <(find "$root/examples" "$root/tests" "$shared/corpus" \
                                      "$shared/seed" -name '*.png' -size -64k 2>/dev/null)
             seed "$corpus" 65536 "${pngs[@]}"
             dict=fuzz/png.dict max_len=65536 ;;
    esac
    findings=build-fuzz/findings/$t
    mkdir -p "$findings"
    log=$work/$t.log
    # Leaks are checked by the valgrind tests (fontconfig and Pango keep
    # caches for the process's life, which LeakSanitizer would report on
    # every input); -timeout catches inputs that take over 10 s.
    ASAN_OPTIONS=detect_leaks=0 build-fuzz/fuzz/fuzz_$t "$corpus" -dict="$dict" \
        -max_len="$max_len" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    found=$(find "$findings" -type f -newer "$corpus" | wc -l)
    printf '%-12s %12s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$found"
    if [ "$found" -gt 0 ] || [ -z "$execs" ]; then
        status=1
        grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error' "$log" | head -20
        find "$findings" -type f -newer "$corpus" | sed 's/^/    finding: /'
    fi
done
exit $status
