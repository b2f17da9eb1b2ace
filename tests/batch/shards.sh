#!/usr/bin/env bash
# Shards 1/3, 2/3 and 3/3 of the whole corpus, run as three local
# processes one after another, cover every post exactly once; their
# manifests merge into one with every post.
#   tests/batch/shards.sh --folio BIN --shared DIR
source "$(dirname "$0")/lib.sh"
parse "$@"
out=$work/out
for k in 1 2 3; do
    "$folio" batch "$corpus" -o "$out" --formats handout -j2 --shard $k/3 >"$work/log$k" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok; else fail "shard $k/3 exited $rc"; tail -n 20 "$work/log$k"; fi
done
check "each shard wrote its own manifest" test -s "$out/manifest-1-of-3.jsonl" -a \
    -s "$out/manifest-2-of-3.jsonl" -a -s "$out/manifest-3-of-3.jsonl"

(cd "$corpus" && find . -name index.md -not -path '*/.*' | sed 's|^\./||' | sort) >"$work/expected"
python3 - "$out" >"$work/got" <<'PY'
import json, sys
for k in (1, 2, 3):
    for line in open(f"{sys.argv[1]}/manifest-{k}-of-3.jsonl", encoding="utf-8"):
        r = json.loads(line)
        print(r["source"], r["status"])
PY
check "every post in exactly one shard, rendered" \
    diff <(sed 's/$/ ok/' "$work/expected") <(sort "$work/got")
for k in 1 2 3; do
    n=$(wc -l <"$out/manifest-$k-of-3.jsonl")
    check "shard $k/3 is not empty" test "$n" -gt 0
done

"$folio" batch --merge-manifests "$out"/manifest-{1,2,3}-of-3.jsonl -o "$work/merged.jsonl"
check "merge exits 0" test $? -eq 0
check "merged manifest has every post once" \
    diff <(sed 's/$/ ok/' "$work/expected") \
         <(python3 -c 'import json,sys
for l in open(sys.argv[1]): r=json.loads(l); print(r["source"], r["status"])' "$work/merged.jsonl")
check "merged outputs are complete PDFs" manifest_consistent "$work/merged.jsonl" "$out"

# A shard run again does nothing.
"$folio" batch "$corpus" -o "$out" --formats handout -j2 --shard 2/3 >"$work/again" 2>&1
check "a shard run again skips everything" grep -q '^0 rendered, [0-9]* skipped' "$work/again"
finish
