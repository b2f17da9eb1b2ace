#!/usr/bin/python3
"""Makes the before/after crops of docs/typography.md from folio's own
output of the seed post (../shared/seed/dpu-meetup/index.md).

    docs/typography/make.py [--folio build/folio] [--shared ../shared]

"before" is the same post with one rule turned off through a theme
(cjk.autospace: 0, cjk.rules: off, page.grid: none, or lang: ja for glyph
forms), "after" is the default theme.  Each crop is the line that shows the
rule, found by its text, rendered at 150 dpi with PyMuPDF.
"""
import os
import subprocess
import sys
import tempfile

import fitz

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
args = sys.argv[1:]
folio = args[args.index("--folio") + 1] if "--folio" in args else os.path.join(repo, "build/folio")
shared = args[args.index("--shared") + 1] if "--shared" in args else os.path.join(repo, "../shared")
seed = os.path.join(shared, "seed/dpu-meetup/index.md")
if not os.path.exists(seed):
    sys.exit(f"make.py: {seed} not found")

tmp = tempfile.mkdtemp()


def render(name, theme_yaml=None, post=seed):
    out = os.path.join(tmp, name + ".pdf")
    cmd = [folio, "handout", post, "-o", out, "-q"]
    if theme_yaml:
        path = os.path.join(tmp, name + ".yaml")
        with open(path, "w") as f:
            f.write("extends: default\n" + theme_yaml)
        cmd += ["--theme", path]
    subprocess.run(cmd, check=True)
    return fitz.open(out)


def crop(doc, needle, out, lines=1, width=None, dpi=150):
    """Renders the line holding needle (and lines-1 more below it)."""
    for page in doc:
        hits = page.search_for(needle)
        if not hits:
            continue
        r = hits[0]
        # The baseline of the hit's first character, from the text trace.
        base = None
        for b in page.get_text("rawdict")["blocks"]:
            for l in b.get("lines", []):
                for sp in l["spans"]:
                    for ch in sp["chars"]:
                        if base is None and ch["c"] == needle[0] and fitz.Rect(ch["bbox"]).intersects(r):
                            base = ch["origin"][1]
        pitch = 10.5 * 1.75   # the default theme's body line pitch
        top = base - 10.5 * 0.88 - (pitch - 10.5) / 2
        x0 = page.rect.x0 + 50 if width is None else r.x0 - 4
        x1 = page.rect.x1 - 50 if width is None else x0 + width
        clip = fitz.Rect(x0, top, x1, top + pitch * lines)
        page.get_pixmap(dpi=dpi, clip=clip).save(os.path.join(here, out))
        return
    sys.exit(f"make.py: '{needle}' not found")


after = render("after")
cases = [
    ("autospace", "cjk:\n  autospace: 0\n", "用的关键技术。8", 1),
    ("justify", "cjk:\n  rules: off\n", "移动云操作系统架构师", 4),
    ("lone", "cjk:\n  rules: off\n", "的美好", 2),
]
for name, theme, needle, n in cases:
    before = render("before-" + name, theme)
    crop(before, needle, f"{name}-before.png", n)
    crop(after, needle, f"{name}-after.png", n)

# Glyph forms: the same text tagged Japanese (what an untagged run gets
# from the default configuration) against Simplified Chinese.
with open(seed, encoding="utf-8") as f:
    text = f.read()
ja = os.path.join(tmp, "seed-ja.md")
with open(ja, "w", encoding="utf-8") as f:
    f.write(text.replace("author: 'openEuler'", "author: 'openEuler'\nlang: ja", 1))
crop(render("before-forms", post=ja), "直播回放", "forms-before.png", 1, width=60, dpi=400)
crop(after, "直播回放", "forms-after.png", 1, width=60, dpi=400)
print("written:", " ".join(sorted(f for f in os.listdir(here) if f.endswith(".png"))))
