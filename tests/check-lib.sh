# Helpers for the scripts that render PDFs and check them (tests/pdf/*.sh,
# tests/print/*.sh); sourced.  Each check prints one "ok"/"FAIL" line; a
# FAIL counts in $failed, which the script reports and exits with.
failed=0
ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }

# check_pdfcheck PDFCHECK PDF ARG...: runs pdfcheck PDF ARG... (--source,
# --kind): ok with its score line and the first warnings when it exits 0,
# else FAIL with its findings; a note when PDFCHECK is empty or missing.
check_pdfcheck() {
    local pdfcheck=$1 pdf=$2; shift 2
    if [ -z "$pdfcheck" ] || [ ! -x "$pdfcheck" ]; then
        echo "note  pdfcheck not found${pdfcheck:+ at $pdfcheck}: not run"
        return
    fi
    local log rc score
    log=$(mktemp)
    "$pdfcheck" "$pdf" "$@" >"$log" 2>&1
    rc=$?
    score=$(tail -n 1 "$log")
    if [ $rc -eq 0 ]; then
        ok "pdfcheck: $score"
        grep '^WARN' "$log" | head -20 | sed 's/^/  /'
    else
        fail "pdfcheck exited $rc: $score"
        grep -v '^info\|^score:' "$log" | head -40 | sed 's/^/  /'
    fi
    rm -f "$log"
}
