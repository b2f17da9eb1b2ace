#!/usr/bin/env bash
# Slide handouts of a real post: the right slides on each printed page.
#
#   slides.sh --folio BIN --shared DIR --per N [--source REL] [--arg FOLIO-ARG]... [--keep]
#
# Renders the deck (`folio slides POST`) and its handout (`folio slides POST
# --handout N ARGS`).  Checks, each one line:
#   1. both exit 0; the handout has ceil(S / N) portrait pages for S slides;
#   2. the slide numbers "k / S" the slides carry, read with PyMuPDF from
#      each handout page and put in reading order (rows top to bottom, left
#      to right in a row), are exactly those of slides N(p-1)+1 .. Np that
#      carry one in the deck (the title slide carries none);
#   3. links: the same link targets as the deck, none outside the page;
#   4. pdfcheck OUT --source POST --kind handout exits 0 (no errors).  On
#      paper the title slide's photo sits above the title rather than
#      under it (slides_opts.print), so no text is printed over a photo
#      (pdfcheck's geometry check reports text over an image that is not a
#      page background);
#   5. a second render is byte-identical.
# Exit status: 0 passed, 1 failed, 77 skipped (no shared folder / post).
set -uo pipefail

folio="" shared="" rel=seed/dpu-meetup/index.md keep=0 per="" extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        --source) rel=$2; shift 2 ;;
        --per) per=$2; shift 2 ;;
        --arg) extra+=("$2"); shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "slides.sh: unknown argument '$1'" >&2; exit 2 ;;
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
out=$work/handout.pdf

if ! "$folio" slides "$source" -o "$work/deck.pdf" 2>"$work/err" ||
   ! "$folio" slides "$source" --handout "$per" "${extra[@]}" -o "$out" 2>>"$work/err"; then
    sed 's/^/  folio: /' "$work/err"
    fail "folio slides exited non-zero"
    exit 1
fi

# 1-3. Pages, slide numbers in reading order, links.
if res=$("$py" - "$work/deck.pdf" "$out" "$per" <<'EOF' 2>&1
import re, sys, fitz
deck, ho, per = fitz.open(sys.argv[1]), fitz.open(sys.argv[2]), int(sys.argv[3])
S = len(deck)
num = re.compile(r"^(\d+) / %d$" % S)
def numbers(page):
    # "k / S" as one line; its position is the line's top left.
    found = []
    for b in page.get_text("dict")["blocks"]:
        for l in b.get("lines", []):
            t = "".join(s["text"] for s in l["spans"]).strip()
            m = num.match(t)
            if m:
                found.append((l["bbox"][1], l["bbox"][0], int(m.group(1))))
    return found
carries = {i + 1 for i in range(S) if numbers(deck[i])}
bad = []
want_pages = (S + per - 1) // per
if len(ho) != want_pages:
    bad.append("%d pages, expected %d for %d slides %d-up" % (len(ho), want_pages, S, per))
for p, page in enumerate(ho):
    if page.rect.width >= page.rect.height:
        bad.append("page %d is not portrait" % (p + 1))
    got = numbers(page)
    # Reading order: rows (numbers within 5 pt of height), then across.
    got.sort(key=lambda g: (round(g[0] / 5), g[1]))
    got = [g[2] for g in got]
    want = [k for k in range(p * per + 1, min((p + 1) * per, S) + 1) if k in carries]
    print("page %d: %s" % (p + 1, " ".join(map(str, got)) or "-"))
    if got != want:
        bad.append("page %d shows slides %s, expected %s" % (p + 1, got, want))
# Links to one target on one page are one annotation (several
# rectangles), so compare targets, not annotations.
def targets(doc):
    return sorted({l.get("uri") or l.get("nameddest") or str(l.get("page")) for pg in doc for l in pg.get_links()})
for page in ho:
    for l in page.get_links():
        if not page.rect.contains(l["from"]):
            bad.append("page %d: link %s off the page" % (page.number + 1, l["from"]))
if targets(ho) != targets(deck):
    bad.append("link targets %s, the deck has %s" % (targets(ho), targets(deck)))
print("link targets: %s" % " ".join(targets(ho)))
for b in bad: print("FAIL " + b)
sys.exit(1 if bad else 0)
EOF
); then
    ok "slides ${per}-up: every page shows the right slides, in order"
    echo "$res" | sed 's/^/  /'
else
    fail "slides ${per}-up:"; echo "$res" | sed 's/^/  /'
fi

# 4. pdfcheck: no errors.
check_pdfcheck "$shared/tools/pdfcheck" "$out" --source "$source" --kind handout

"$folio" slides "$source" --handout "$per" "${extra[@]}" -o "$work/again.pdf" 2>/dev/null
cmp -s "$out" "$work/again.pdf" && ok "a second render is byte-identical" || fail "a second render differs"

[ $failed -eq 0 ] && { echo "all checks passed"; exit 0; }
echo "$failed check(s) failed"
exit 1
