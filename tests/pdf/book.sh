#!/usr/bin/env bash
# A book of real posts: the seed and four corpus posts as one volume.
#
#   book.sh --folio BIN --shared DIR [--keep]
#
# Checks (each prints one "ok"/"FAIL" line):
#   1. `folio book POSTS... -o OUT.pdf` exits 0 (its stderr is shown);
#   2. `DIR/tools/pdfcheck OUT --kind handout` reports 0 errors (no
#      --source: there are several posts);
#   3. the outline has one level-1 entry per post, titled as the post, in
#      date order, and every section of each post (from `folio inspect`)
#      nested under its post's entry, each entry on a page;
#   4. every internal link (the contents rows) resolves to a page, and
#      there is one per post and per top section of a post;
#   5. each post's first page is odd (a recto);
#   6. the metadata title is the years the posts span, "2023 – 2024";
#   7. a second render is byte-identical.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no shared folder).
# FOLIO_SHARED in the environment overrides --shared.
set -uo pipefail

folio="" shared="" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "book.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
shared=${FOLIO_SHARED:-$shared}
[ -n "$folio" ] || { echo "usage: book.sh --folio BIN --shared DIR" >&2; exit 2; }
# The seed given as its folder, the others as files; the order given is
# not the date order (the volume sorts them).
posts=("$shared/seed/dpu-meetup"
       "$shared/corpus/changsha-2403-meetup/index.md"
       "$shared/corpus/sz-robot-meetup-2023/index.md"
       "$shared/corpus/en-fossasia-2024/index.md"
       "$shared/corpus/wuhan-meetup-2024/index.md")
for p in "${posts[@]}"; do
    if [ ! -e "$p" ]; then
        echo "skipped: $p not found (set FOLIO_SHARED to the shared folder)"
        exit 77
    fi
done

py=/usr/bin/python3
[ -x "$py" ] || py=python3
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-book.XXXXXX")
if [ "$keep" = 1 ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
out=$work/book.pdf
. "$(dirname "${BASH_SOURCE[0]}")/../check-lib.sh"

# 1. Render.
"$folio" book "${posts[@]}" -o "$out" 2>"$work/stderr"
rc=$?
if [ -s "$work/stderr" ]; then sed 's/^/  folio: /' "$work/stderr"; fi
if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
    fail "folio book exited $rc (expected 0 and a PDF)"
    echo "1 check(s) failed"
    exit 1
fi
ok "folio book exited 0 ($(stat -c %s "$out") bytes)"

# 2. pdfcheck, as a handout, without a source.
check_pdfcheck "$shared/tools/pdfcheck" "$out" --kind handout

# 3-6. Outline, links, rectos, metadata, read with PyMuPDF; the posts'
# titles, dates and sections from folio inspect.
for i in "${!posts[@]}"; do
    p=${posts[$i]}
    [ -d "$p" ] && p=$p/index.md
    "$folio" inspect "$p" >"$work/post-$i.json" 2>/dev/null \
        || fail "folio inspect $p failed"
done
"$py" - "$out" "$work"/post-*.json <<'EOF_PY'
import json, sys
import fitz

pdf = fitz.open(sys.argv[1])
posts = [json.load(open(f)) for f in sys.argv[2:]]
# The volume's order: by date, oldest first (these posts all have one).
posts.sort(key=lambda p: p["meta"]["date"])
failed = 0
def check(cond, what):
    global failed
    print(("ok    " if cond else "FAIL  ") + what)
    failed += not cond

toc = pdf.get_toc(simple=False)
tops = [i for i, e in enumerate(toc) if e[0] == 1]
check(len(tops) == len(posts),
      f"outline: {len(tops)} level-1 entries for {len(posts)} posts ({len(toc)} entries in all)")
titles = [toc[i][1] for i in tops]
want = [p["meta"]["title"] for p in posts]
check(titles == want, "outline: level-1 entries are the posts' titles in date order"
      + ("" if titles == want else f": {titles} != {want}"))
nested_ok = True
for k, i in enumerate(tops[:len(posts)]):
    end = tops[k + 1] if k + 1 < len(tops) else len(toc)
    below = [e[1] for e in toc[i + 1:end]]
    levels = [e[0] for e in toc[i + 1:end]]
    secs = [s["title"] for s in posts[k]["sections"]]
    missing = [s for s in secs if s not in below]
    if missing or any(l < 2 for l in levels):
        nested_ok = False
        print(f"  post {k + 1}: sections not nested under it: {missing[:3]}, levels {levels[:8]}")
check(nested_ok, "outline: every post's sections are nested under its entry, at level 2 or deeper")
check(all(0 <= e[2] - 1 < pdf.page_count for e in toc), "outline: every entry points at a page")

starts = [toc[i][2] for i in tops]
check(all(p % 2 == 1 for p in starts), f"each post starts on an odd page: {starts}")

links = [l for page in pdf for l in page.get_links() if l["kind"] in (fitz.LINK_GOTO, fitz.LINK_NAMED)]
bad = [l for l in links if not (0 <= l.get("page", -1) < pdf.page_count)]
# The contents: a row per post and per top section (the shallowest level).
rows = len(posts) + sum(
    sum(1 for s in p["sections"] if s["level"] == min(t["level"] for t in p["sections"]))
    for p in posts)
check(len(links) == rows and not bad,
      f"links: {len(links)} internal links for {rows} contents rows, {len(bad)} not resolving to a page")
first_links = sorted({l["page"] + 1 for l in links} & set(starts))
check(first_links == sorted(starts), "links: the contents links to every post's first page")

title = pdf.metadata.get("title")
check(title == "2023 – 2024", f"metadata: title '{title}'")
sys.exit(1 if failed else 0)
EOF_PY
[ $? -eq 0 ] || failed=$((failed + 1))

# 7. Determinism.
"$folio" book "${posts[@]}" -o "$work/again.pdf" 2>/dev/null
if cmp -s "$out" "$work/again.pdf"; then ok "deterministic: a second render is byte-identical"
else fail "not deterministic: a second render differs"; fi

if [ $failed -gt 0 ]; then
    echo "$failed check(s) failed"
    exit 1
fi
echo "all checks passed"
