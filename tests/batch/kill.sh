#!/usr/bin/env bash
# SIGKILL a batch in the middle, run it again: every output is a complete
# PDF (qpdf --check), no temporary is left, the manifest is consistent and
# names every post.  Then SIGTERM: the batch stops cleanly (exit 143).
#   tests/batch/kill.sh --folio BIN --shared DIR
source "$(dirname "$0")/lib.sh"
parse "$@"
arc=$work/archive out=$work/out
copy_posts "$arc" odd2023-recap report-2024-09 summit2023-main sz-robot-meetup-2023 \
    beijing-innovation-meetup wuhan-meetup-2024 tc-meeting-2025 yantai-opengauss-meetup
nposts=8

wait_for_pdf() {   # waits (up to 60 s) until the first PDF appears in $out
    for _ in $(seq 600); do
        [ -n "$(find "$out" -name '*.pdf' 2>/dev/null | head -n 1)" ] && return 0
        sleep 0.1
    done
    return 1
}

"$folio" batch "$arc" -o "$out" -j2 >"$work/log1" 2>&1 &
pid=$!
check "a first PDF appears" wait_for_pdf
sleep 0.3
kill -KILL $pid
wait $pid 2>/dev/null
# Workers die with their parent (PR_SET_PDEATHSIG); give them a moment.
sleep 0.5
check "no worker left running" test -z "$(pgrep -f "batch $arc -o $out" || true)"

"$folio" batch "$arc" -o "$out" -j2 >"$work/log2" 2>&1
rc=$?
check "the rerun exits 0 (got $rc)" test $rc -eq 0
check "every output complete, manifest consistent" manifest_consistent "$out/manifest.jsonl" "$out"
check "manifest names every post" test "$(grep -c '"status":"ok"' "$out/manifest.jsonl")" -eq $nposts
check "every post has both PDFs" \
    test "$(find "$out" -name '*.pdf' ! -path "$out/index.pdf" | wc -l)" -eq $((2 * nposts))
check "the catalogue is complete" sh -c "qpdf --check '$out/index.pdf' >/dev/null 2>&1"

# SIGTERM: stops, says so, leaves no temporary, and the next run finishes.
"$folio" batch "$arc" -o "$out" -j2 --force >"$work/log3" 2>&1 &
pid=$!
# Once the first post is done, six or more are still to come.
for _ in $(seq 600); do grep -q '^ok ' "$work/log3" && break; sleep 0.1; done
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: exit 143 (got $rc)" test $rc -eq 143
check "SIGTERM: summary says interrupted" grep -q '^interrupted by SIGTERM' "$work/log3"
check "SIGTERM: consistent" manifest_consistent "$out/manifest.jsonl" "$out"
"$folio" batch "$arc" -o "$out" -j2 >"$work/log4" 2>&1
check "after SIGTERM: the rerun exits 0" test $? -eq 0
check "after SIGTERM: consistent" manifest_consistent "$out/manifest.jsonl" "$out"
if [ $failed -gt 0 ]; then tail -n 5 "$work"/log*; fi
finish
