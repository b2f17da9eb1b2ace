#!/usr/bin/python3
"""Contact sheets of every bundled theme, for docs/themes.md.

    docs/themes/make_sheets.py FOLIO POST.md [OUTDIR]

For each theme in themes/: the handout (pdftoppm -r 40, pages montaged
four to a row) as OUTDIR/<name>-handout.png, and the 16:9 deck's own
contact sheet (folio slides --png DIR writes DIR/contact.png) as
OUTDIR/<name>-slides.png.  PNGs are for people to look at, never goldens.
"""
import glob, os, subprocess, sys, tempfile
from PIL import Image

folio, post = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[3] if len(sys.argv) > 3 else here
themes = sorted(os.path.splitext(os.path.basename(p))[0]
                for p in glob.glob(os.path.join(here, "..", "..", "themes", "*.yaml")))
for name in themes:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "h.pdf")
        subprocess.run([folio, "handout", post, "--theme", name, "-o", pdf, "-q"], check=True)
        subprocess.run(["pdftoppm", "-r", "40", "-png", pdf, os.path.join(tmp, "p")], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(glob.glob(os.path.join(tmp, "p-*.png")))]
        per_row, gap = 4, 8
        w = max(p.width for p in pages); h = max(p.height for p in pages)
        rows = (len(pages) + per_row - 1) // per_row
        sheet = Image.new("RGB", (per_row * (w + gap) + gap, rows * (h + gap) + gap), "#8a8a8a")
        for i, p in enumerate(pages):
            sheet.paste(p, (gap + (i % per_row) * (w + gap), gap + (i // per_row) * (h + gap)))
        sheet.save(os.path.join(out, name + "-handout.png"), optimize=True)
        png = os.path.join(tmp, "png")
        subprocess.run([folio, "slides", post, "--theme", name, "-o", os.path.join(tmp, "s.pdf"),
                        "--png", png, "--png-width", "320", "-q"], check=True)
        Image.open(os.path.join(png, "contact.png")).save(os.path.join(out, name + "-slides.png"), optimize=True)
    print("wrote", name)
