#!/usr/bin/env bash
# A real post printed as a saddle-stitched booklet, read back from the PDF.
#
#   booklet.sh --folio BIN --shared DIR [--source REL] [--arg FOLIO-ARG]... [--keep]
#
# Renders `folio handout POST --impose saddle ARGS` and, for comparison, the
# same post on A5 pages (the booklet's pages).  Checks, each one line:
#   1. both renders exit 0; the booklet has ceil(N / 4) * 2 landscape sides;
#   2. the page numbers in the footers, read with `pdftotext -x -y -W -H`
#      from the left and the right half of every side, are the saddle order
#      (sheet 1 front = P, 1; back = 2, P-1; ...), the cover (page 1) and
#      the padding pages (after the last page) showing none;
#   3. read as the folded stack is read (front right, back left of each
#      sheet from the outside in, then back right, front left from the
#      inside out) the footers count 2, 3, ... N;
#   4. every outline entry points at the side whose text has its title, and
#      every link lies within one half of its side and its target shows text;
#   5. pdfcheck OUT --source POST --kind handout exits 0 (warnings allowed:
#      landscape sheets are not a "standard portrait paper size");
#   6. a second render is byte-identical.
# Exit status: 0 passed, 1 failed, 77 skipped (no shared folder / post).
set -uo pipefail

folio="" shared="" rel=seed/dpu-meetup/index.md keep=0 extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        --source) rel=$2; shift 2 ;;
        --arg) extra+=("$2"); shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "booklet.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
shared=${FOLIO_SHARED:-$shared}
source=$shared/$rel
if [ -z "$shared" ] || [ ! -f "$source" ]; then
    echo "skipped: $source not found (set FOLIO_SHARED to the shared folder)"
    exit 77
fi
py=/usr/bin/python3
[ -x "$py" ] || py=python3
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-print.XXXXXX")
if [ "$keep" = 1 ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
. "$(dirname "${BASH_SOURCE[0]}")/../check-lib.sh"
out=$work/booklet.pdf

# 1. Render the booklet and the plain A5 handout.
if ! "$folio" handout "$source" --impose saddle "${extra[@]}" -o "$out" 2>"$work/err" ||
   ! "$folio" handout "$source" --paper a5 -o "$work/a5.pdf" 2>>"$work/err"; then
    sed 's/^/  folio: /' "$work/err"
    fail "folio handout exited non-zero"
    exit 1
fi
n=$(pdfinfo "$work/a5.pdf" | awk '/^Pages:/ {print $2}')
sides=$(pdfinfo "$out" | awk '/^Pages:/ {print $2}')
read -r W H < <(pdfinfo "$out" | awk '/^Page size:/ {printf "%d %d\n", $3 + 0.5, $5 + 0.5}')
padded=$(( (n + 3) / 4 * 4 ))
if [ "$sides" -eq $((padded / 2)) ] && [ "$W" -gt "$H" ]; then
    ok "$n A5 pages → $sides sides of ${W}x${H} pt"
else
    fail "$n A5 pages gave $sides sides of ${W}x${H} pt, expected $((padded / 2)) landscape"
fi

# 2. Footers per half.  The footer's number is the last word of the bottom
# 12 % of each half; the cover and padding pages have no footer.
want() { # side (0-based) half → 1-based page number
    local side=$1 half=$2 k=$(( $1 / 2 ))
    if [ $((side % 2)) = 0 ]; then
        [ "$half" = 0 ] && echo $((padded - 2 * k)) || echo $((2 * k + 1))
    else
        [ "$half" = 0 ] && echo $((2 * k + 2)) || echo $((padded - 2 * k - 1))
    fi
}
footer() { # side (1-based) half → number or empty
    local y=$((H * 88 / 100)) hw=$((W / 2))
    pdftotext -f "$1" -l "$1" -x $(($2 * hw)) -y $y -W $hw -H $((H - y)) "$out" - 2>/dev/null |
        tr -s ' \n\f' '  ' | grep -oE '[0-9]+ *$' | tr -d ' '
}
order_ok=1
declare -A got
for ((s = 0; s < sides; s++)); do
    line=""
    for half in 0 1; do
        w=$(want $s $half)
        g=$(footer $((s + 1)) $half)
        got[$s,$half]=$g
        line+="${g:-·} "
        if [ "$w" -eq 1 ] || [ "$w" -gt "$n" ]; then
            [ -z "$g" ] || { order_ok=0; echo "  side $((s + 1)) half $half: page $w should show no number, shows '$g'"; }
        elif [ "$g" != "$w" ]; then
            order_ok=0
            echo "  side $((s + 1)) half $half: expected page $w, footer says '${g}'"
        fi
    done
    echo "  sheet $((s / 2 + 1)) $([ $((s % 2)) = 0 ] && echo front || echo back ): $line"
done
[ $order_ok = 1 ] && ok "footers on every half follow saddle order" || fail "footers out of saddle order"

# 3. Read the folded stack.
seq=()
for ((k = 0; k < padded / 4; k++)); do seq+=("${got[$((2 * k)),1]}" "${got[$((2 * k + 1)),0]}"); done
for ((k = padded / 4 - 1; k >= 0; k--)); do seq+=("${got[$((2 * k + 1)),1]}" "${got[$((2 * k)),0]}"); done
read_order=$(printf '%s ' "${seq[@]}" | tr -s ' ' | sed 's/^ //; s/ $//')
expect=$(seq 2 "$n" | tr '\n' ' ' | sed 's/ $//')
[ "$read_order" = "$expect" ] && ok "folded, the booklet reads $read_order" ||
    fail "folded, the booklet reads '$read_order', expected '$expect'"

# 4. Outline and links.
if res=$("$py" - "$out" <<'EOF' 2>&1
import sys, fitz
doc = fitz.open(sys.argv[1])
bad = []
def norm(s): return "".join(s.split())
for lvl, title, pno in doc.get_toc():
    if norm(title)[:8] not in norm(doc[pno - 1].get_text()):
        bad.append("outline '%s' → side %d, which does not show it" % (title, pno))
nlinks = 0
for page in doc:
    half = page.rect.width / 2
    for l in page.get_links():
        nlinks += 1
        r = l["from"]
        if r.x0 < half - 1 < r.x1:
            bad.append("side %d: link %s straddles the fold" % (page.number + 1, r))
        if l["kind"] == fitz.LINK_GOTO:
            t = doc[l["page"]]
            p = l["to"]
            # The destination is the top left of a heading: some word must
            # start within 2 pt of it (PyMuPDF's word boxes include the
            # font's ascent, so they reach above the point).
            clip = fitz.Rect(p.x - 2, p.y - 2, p.x + 40, p.y + 40)
            if not any(fitz.Rect(w[:4]).intersects(clip) and abs(w[0] - p.x) < 2
                       for w in t.get_text("words")):
                bad.append("side %d: link to side %d point %s finds no text" % (page.number + 1, l["page"] + 1, p))
print(len(doc.get_toc()), nlinks)
for b in bad: print(b)
sys.exit(1 if bad else 0)
EOF
); then
    ok "outline and links: $(echo "$res" | head -1) (entries, links) all land on the right half"
else
    fail "outline and links:"; echo "$res" | sed 's/^/  /'
fi

# 5. pdfcheck.
check_pdfcheck "$shared/tools/pdfcheck" "$out" --source "$source" --kind handout

# 6. Determinism.
"$folio" handout "$source" --impose saddle "${extra[@]}" -o "$work/again.pdf" 2>/dev/null
cmp -s "$out" "$work/again.pdf" && ok "a second render is byte-identical" || fail "a second render differs"

[ $failed -eq 0 ] && { echo "all checks passed"; exit 0; }
echo "$failed check(s) failed"
exit 1
