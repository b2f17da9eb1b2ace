#!/usr/bin/env bash
# Sets up (with the test packages), builds and runs the whole test suite.
#
#   scripts/test.sh             Release build in build/, every test
#   scripts/test.sh --asan      Asan build in build-asan/: unit, spec, bad-input
#                               and regression tests
#   scripts/test.sh [--asan] -- CTEST-ARGS...   extra arguments for ctest
#                                               (e.g. -L pdf, -R corpus)
#
# Tests that cannot run here (no ../shared, no slides command yet) are
# reported as skipped.  The last line is "N passed, M failed" (skipped tests
# are in neither); the exit status is ctest's.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3

build_args=(--test) dir=build ctest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --asan) build_args+=(--asan); dir=build-asan; ctest_args+=(-L 'unit|spec|bad|regress'); shift ;;
        --) shift; ctest_args+=("$@"); break ;;
        *) echo "usage: scripts/test.sh [--asan] [-- CTEST-ARGS...]" >&2; exit 2 ;;
    esac
done

if ! bash scripts/build.sh "${build_args[@]}"; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# Library leaks LeakSanitizer cannot attribute more precisely.
if [ "$dir" = build-asan ]; then
    export LSAN_OPTIONS="suppressions=$(pwd)/tests/bad/lsan.supp:print_suppressions=0"
fi

log=$(mktemp "${TMPDIR:-/tmp}/folio-ctest.XXXXXX")
trap 'rm -f "$log"' EXIT
(cd "$dir" && ctest --output-on-failure -j2 "${ctest_args[@]}") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# ctest's summary: "83% tests passed, 1 tests failed out of 6"; skipped tests
# count as passed there, so take them out again.
total=$(sed -n 's/.*tests failed out of \([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
failed=$(sed -n 's/.*tests passed, \([0-9][0-9]*\) tests failed out of.*/\1/p' "$log" | tail -n 1)
skipped=$(grep -c '\*\*\*Skipped' "$log")
total=${total:-0} failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$total" -eq 0 ]; then failed=1; fi
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$((total - failed - skipped)) passed, $failed failed"
exit "$rc"
