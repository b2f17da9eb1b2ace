#!/usr/bin/python3
"""Measures folio's Chinese typesetting on a real PDF (docs/cjk.md, issue #5).

    bench/cjk-metrics.py OUT.pdf [--body-size PT] [--assert]

Reports, over the body text (glyphs of the body size):
  * Han/Latin boundaries: adjacent Han and Latin letter/digit pairs on one
    line (no full-width punctuation between), and the share with a gap of at
    least 0.2 em (folio's target: 100%);
  * justified lines ending flush: in paragraphs of two or more lines, every
    line but the last should reach the paragraph's right edge (within
    0.5 pt; a closing mark set half-width may overhang by half an em in the
    font's nominal box) (target: 100%);
  * single-character last lines: a paragraph's last line holding one
    character other than punctuation (target: 0).
With --assert the exit status is 1 when a target is missed.
Needs python3-fitz (PyMuPDF), which scripts/setup.sh --test installs.
"""
import sys
import unicodedata

import fitz

PUNCT_CLOSE = "，。、；：？！）」』】》〉〕］｝〗〙〛”’…—"


def is_han(c):
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF


def is_latin(c):
    return c.isascii() and c.isalnum()


def is_punct(c):
    return unicodedata.category(c).startswith("P") or c in "…—"


def lines_of(page, body):
    """Visual lines of body-size glyphs: [(y, [(char, x0, x1)])]."""
    glyphs = []
    for b in page.get_text("rawdict")["blocks"]:
        for l in b.get("lines", []):
            for s in l["spans"]:
                if abs(s["size"] - body) > 0.3:
                    continue
                for ch in s["chars"]:
                    glyphs.append((ch["origin"][1], ch["c"], ch["bbox"][0], ch["bbox"][2]))
    # Glyphs whose baselines agree within a quarter em share a line.
    glyphs.sort()
    rows = []
    for y, c, x0, x1 in glyphs:
        if rows and y - rows[-1][0] <= body / 4:
            rows[-1][1].append((c, x0, x1))
        else:
            rows.append((y, [(c, x0, x1)]))
    return [(y, sorted(g, key=lambda t: t[1])) for y, g in rows]


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    path = args[0]
    body = 10.5
    if "--body-size" in args:
        body = float(args[args.index("--body-size") + 1])
    em = body
    doc = fitz.open(path)
    boundaries = spaced = 0
    flush_total = flush_ok = 0
    lone = 0
    misses = []
    for pno, page in enumerate(doc, 1):
        lines = lines_of(page, body)
        # Han/Latin boundaries.
        for y, glyphs in lines:
            for (a, ax0, ax1), (b, bx0, bx1) in zip(glyphs, glyphs[1:]):
                if a == " " or b == " ":
                    continue
                if (is_han(a) and is_latin(b)) or (is_latin(a) and is_han(b)):
                    boundaries += 1
                    gap = bx0 - ax1
                    if gap >= 0.2 * em - 0.05:
                        spaced += 1
                    else:
                        misses.append(f"p{pno} '{a}{b}' gap {gap / em:.2f} em")
            # Gaps that hold a source space count as one boundary.
            for i in range(len(glyphs) - 2):
                a, s, b = glyphs[i][0], glyphs[i + 1][0], glyphs[i + 2][0]
                if s == " " and ((is_han(a) and is_latin(b)) or (is_latin(a) and is_han(b))):
                    boundaries += 1
                    if glyphs[i + 2][1] - glyphs[i][2] >= 0.2 * em - 0.05:
                        spaced += 1
        # Paragraphs: consecutive lines one pitch apart with a common left
        # edge (or an indent) form a block.
        # A paragraph ends where the baseline step is larger than the usual
        # line pitch (paragraph spacing) or the next line is indented.
        steps = sorted(round(b[0] - a[0], 1) for a, b in zip(lines, lines[1:]))
        pitch = steps[len(steps) // 2] if steps else body * 2
        left = min((g[0][1] for _, g in lines), default=0)
        blocks, cur, prev_y = [], [], None
        for y, glyphs in lines:
            indented = glyphs[0][1] > left + em
            if prev_y is not None and (y - prev_y > pitch * 1.1 or indented):
                blocks.append(cur)
                cur = []
            cur.append(glyphs)
            prev_y = y
        if cur:
            blocks.append(cur)
        for blk in blocks:
            if len(blk) < 2:
                continue
            # The right edge: where lines not ending in a closing mark end
            # (a mark set half-width overhangs in its nominal box).
            ends = [g[-1][2] for g in blk if g[-1][0] not in PUNCT_CLOSE]
            right = max(ends) if ends else max(g[-1][2] for g in blk)
            for g in blk[:-1]:
                last_c, _, x1 = g[-1]
                flush_total += 1
                ok = abs(x1 - right) <= 0.5 or (last_c in PUNCT_CLOSE and abs(x1 - em / 2 - right) <= 0.5) \
                    or (last_c in PUNCT_CLOSE and abs(x1 + em / 2 - right) <= 0.5)
                if ok:
                    flush_ok += 1
                else:
                    misses.append(f"p{pno} line ends {right - x1:.2f} pt short: ...{''.join(c for c, _, _ in g[-8:])}")
            letters = [c for c, _, _ in blk[-1] if not is_punct(c) and c != " "]
            if len(letters) == 1:
                lone += 1
                misses.append(f"p{pno} lone last character: {''.join(c for c, _, _ in blk[-1])}")
    pct = lambda a, b: 100.0 * a / b if b else 100.0
    print(f"file: {path}")
    print(f"Han/Latin boundaries with autospace: {spaced}/{boundaries} ({pct(spaced, boundaries):.1f}%)")
    print(f"justified lines ending flush:        {flush_ok}/{flush_total} ({pct(flush_ok, flush_total):.1f}%)")
    print(f"single-character last lines:         {lone}")
    for m in misses[:20]:
        print("  " + m)
    if "--assert" in args and (spaced < boundaries or flush_ok < flush_total or lone):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
