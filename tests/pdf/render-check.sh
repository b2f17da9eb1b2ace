#!/usr/bin/env bash
# Renders one post with the built folio and checks the PDF that comes out.
#
#   render-check.sh --folio BIN (--source POST.md | --shared-source REL)
#                   [--kind handout|slides]
#                   [--shared DIR] [--min-bookmarks N] [--images N] [--jpegs N]
#                   [--arg FOLIO-ARG]... [--qr URL] [--tofu N] [--keep]
#
# Checks, in order (each prints one "ok"/"FAIL" line):
#   1. `folio KIND POST.md -o OUT.pdf` exits 0 (its stderr is shown);
#   2. `qpdf --check` (reported only: pdfcheck's structure check judges it);
#   3. `DIR/tools/pdfcheck OUT --source POST --kind KIND` exits 0 (no errors);
#      skipped when the shared folder has no pdfcheck; with --tofu N (a post
#      with N characters no installed font has) its only errors must be
#      fonts errors for exactly N glyphs drawn as .notdef: the boxes folio
#      draws for them, which pdfcheck rightly calls tofu;
#   4. the outline has at least N entries (PyMuPDF's get_toc());
#   5. exactly N distinct images are drawn on the pages (handout; slides: at
#      least N); one image drawn twice (a cover photo, say) counts once;
#   6. at least N images are stored with pdfimages encoding `jpeg`
#      (JPEGs passed through, not re-encoded);
#   7. a second render is byte-identical (cmp);
#   8. with --qr URL (slides): the deck's PNG previews (--png) include a slide
#      whose QR code zbarimg decodes to URL.
# --arg passes one more argument to folio (e.g. --arg --aspect --arg 4:3).
#
# Exit status: 0 all passed, 1 a check failed, 77 skipped (CTest's
# SKIP_RETURN_CODE): the source is missing, or KIND is slides and this folio
# has no `slides` command yet.  FOLIO_SHARED in the environment overrides
# --shared (for pdfcheck and --shared-source).
set -uo pipefail

folio="" source="" shared_rel="" kind=handout shared="" min_bookmarks="" images="" jpegs="" keep=0
qr="" tofu="" extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$2; shift 2 ;;
        --source) source=$2; shift 2 ;;
        --shared-source) shared_rel=$2; shift 2 ;;
        --kind) kind=$2; shift 2 ;;
        --shared) shared=$2; shift 2 ;;
        --min-bookmarks) min_bookmarks=$2; shift 2 ;;
        --images) images=$2; shift 2 ;;
        --jpegs) jpegs=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --arg) extra+=("$2"); shift 2 ;;
        --qr) qr=$2; shift 2 ;;
        --tofu) tofu=$2; shift 2 ;;
        *) echo "render-check.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
shared=${FOLIO_SHARED:-$shared}
# --shared-source names a post inside the shared folder, resolved after the
# FOLIO_SHARED override so that both move together.
if [ -n "$shared_rel" ]; then source=${shared:+$shared/}$shared_rel; fi
if [ -z "$folio" ] || [ -z "$source" ]; then
    echo "usage: render-check.sh --folio BIN --source POST.md [--kind handout|slides] ..." >&2
    exit 2
fi
case "$kind" in handout|slides) ;; *) echo "render-check.sh: bad --kind '$kind'" >&2; exit 2 ;; esac

if [ ! -f "$source" ]; then
    echo "skipped: $source not found (set FOLIO_SHARED to the shared folder)"
    exit 77
fi
if [ "$kind" = slides ] && ! "$folio" slides --help >/dev/null 2>&1; then
    echo "skipped: '$folio slides --help' fails: no slides command yet"
    exit 77
fi

# PyMuPDF is a Debian package: use the system interpreter, not a PATH shim.
py=/usr/bin/python3
[ -x "$py" ] || py=python3

work=$(mktemp -d "${TMPDIR:-/tmp}/folio-pdf.XXXXXX")
if [ "$keep" = 1 ]; then
    echo "keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi
out=$work/out.pdf
. "$(dirname "${BASH_SOURCE[0]}")/../check-lib.sh"

# 1. Render.
"$folio" "$kind" "$source" -o "$out" "${extra[@]}" 2>"$work/stderr1"
rc=$?
if [ -s "$work/stderr1" ]; then sed 's/^/  folio: /' "$work/stderr1"; fi
if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
    fail "folio $kind exited $rc (expected 0 and a PDF)"
    echo "1 check(s) failed"
    exit 1
fi
ok "folio $kind exited 0 ($(stat -c %s "$out") bytes)"

# 2. qpdf --check, reported.
if command -v qpdf >/dev/null; then
    if qpdf --check "$out" >"$work/qpdf" 2>&1; then
        ok "qpdf --check: no problems"
    else
        echo "note  qpdf --check reports (not a failure here; see pdfcheck's structure check):"
        grep -v '^checking\|^PDF Version\|^File is not encrypted\|^File is not linearized' \
            "$work/qpdf" | head -5 | sed 's/^/  qpdf: /'
    fi
else
    echo "note  qpdf not installed: structure not checked"
fi

# 3. pdfcheck.
pdfcheck=${shared:+$shared/tools/pdfcheck}
if [ -z "$tofu" ]; then
    check_pdfcheck "$pdfcheck" "$out" --source "$source" --kind "$kind"
elif [ -z "$pdfcheck" ] || [ ! -x "$pdfcheck" ]; then
    echo "note  pdfcheck not found${pdfcheck:+ at $pdfcheck}: not run"
else
    "$pdfcheck" "$out" --source "$source" --kind "$kind" --json >"$work/check.json" 2>&1
    if verdict=$("$py" - "$work/check.json" "$tofu" <<'EOF' 2>&1
import json, re, sys
r = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
notdef, other = 0, []
for name, c in r["checks"].items():
    for f in c["details"]:
        if f["severity"] != "error":
            continue
        m = re.match(r"(\d+) glyph\(s\) drawn as \.notdef", f["detail"])
        if name == "fonts" and m:
            notdef += int(m.group(1))
        else:
            other.append(f"{name}: {f['detail']}")
if other or notdef != want:
    print(f"{notdef} .notdef glyph(s) (expected {want}); other errors: {other}")
    sys.exit(1)
print(f"{notdef} .notdef glyph(s), as expected, and no other error")
EOF
    ); then
        ok "pdfcheck: $verdict"
    else
        fail "pdfcheck: $verdict"
    fi
fi

# 4-5. Outline entries and image draws, read with PyMuPDF.
if facts=$("$py" - "$out" <<'EOF' 2>&1
import sys, fitz
doc = fitz.open(sys.argv[1])
draws, xrefs = [], set()
for page in doc:
    info = page.get_image_info(xrefs=True)
    draws.append(len(info))
    xrefs.update(i["xref"] for i in info if i["xref"])
print(len(doc.get_toc()), len(xrefs), sum(draws), ",".join(map(str, draws)))
EOF
); then
    read -r n_toc n_images n_draws per_page <<<"$facts"
    if [ -n "$min_bookmarks" ]; then
        if [ "$n_toc" -ge "$min_bookmarks" ]; then ok "outline: $n_toc entries (>= $min_bookmarks)"
        else fail "outline: $n_toc entries, expected at least $min_bookmarks"; fi
    fi
    if [ -n "$images" ]; then
        what="$n_images distinct image(s) in $n_draws draw(s), per page: $per_page"
        if [ "$kind" = handout ] && [ "$n_images" -eq "$images" ]; then
            ok "images: $what"
        elif [ "$kind" = slides ] && [ "$n_images" -ge "$images" ]; then
            ok "images: $what (>= $images)"
        else
            fail "images: $what; expected $images distinct"
        fi
    fi
else
    fail "PyMuPDF could not read the PDF: $facts"
fi

# 6. JPEG passthrough: pdfimages -list's enc column (9th) for image rows.
if [ -n "$jpegs" ]; then
    if command -v pdfimages >/dev/null; then
        pdfimages -list "$out" >"$work/images" 2>&1
        n_jpeg=$(awk 'NR > 2 && $3 == "image" && $9 == "jpeg"' "$work/images" | wc -l)
        if [ "$n_jpeg" -ge "$jpegs" ]; then ok "JPEG passthrough: $n_jpeg image(s) stored as jpeg (>= $jpegs)"
        else
            fail "JPEG passthrough: $n_jpeg image(s) stored as jpeg, expected at least $jpegs"
            sed 's/^/  /' "$work/images"
        fi
    else
        echo "note  pdfimages not installed: JPEG passthrough not checked"
    fi
fi

# 7. Determinism.
"$folio" "$kind" "$source" -o "$work/again.pdf" "${extra[@]}" 2>"$work/stderr2"
rc=$?
if [ $rc -ne 0 ]; then
    fail "second render exited $rc"
elif cmp -s "$out" "$work/again.pdf"; then
    ok "deterministic: a second render is byte-identical"
else
    fail "not deterministic: a second render differs ($(cmp "$out" "$work/again.pdf" 2>&1 | head -1))"
fi

# 8. QR codes on the closing slides decode to the link.
if [ -n "$qr" ]; then
    if ! command -v zbarimg >/dev/null; then
        echo "note  zbarimg not installed (zbar-tools): QR code not checked"
    elif ! "$folio" "$kind" "$source" -o "$work/qr.pdf" "${extra[@]}" --png "$work/png" 2>/dev/null; then
        fail "folio $kind --png failed"
    else
        found=0
        for png in "$work"/png/slide-*.png; do
            if zbarimg --quiet --raw "$png" 2>/dev/null | grep -qxF "$qr"; then
                found=1
                ok "QR code on $(basename "$png") decodes to $qr"
                break
            fi
        done
        [ $found = 1 ] || fail "no slide's QR code decodes to $qr"
    fi
fi

if [ $failed -gt 0 ]; then
    echo "$failed check(s) failed"
    exit 1
fi
echo "all checks passed"
exit 0
