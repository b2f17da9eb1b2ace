#!/usr/bin/python3
"""What a tight subsetter makes of the glyphs folio embeds.

    folio-bench glyphs POST.md | bench/tight-subset.py [--json]

Reads "FILE INDEX GID..." lines (one CJK face each, as folio-bench prints
them), cuts each face down to exactly those glyphs with fontTools (its
default options: hints and subroutines kept, notdef kept, no layout
closure), and prints the size of the resulting CFF table (what a PDF embeds
for a CFF font: FontFile3) raw and deflated at zlib's default level, as
cairo stores font streams.  Needs python3-fonttools (Debian).
"""
import io
import json
import sys
import zlib

from fontTools import subset
from fontTools.ttLib import TTFont


def main():
    rows = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) < 3:
            continue
        path, index, gids = parts[0], int(parts[1]), [int(g) for g in parts[2:]]
        font = TTFont(path, fontNumber=index, lazy=False)
        opts = subset.Options()
        opts.layout_features = []
        opts.notdef_outline = True
        opts.name_IDs = ["*"]
        sub = subset.Subsetter(options=opts)
        sub.populate(gids=gids)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        cff = TTFont(io.BytesIO(buf.getvalue())).reader["CFF "]
        name = font["name"].getDebugName(6) or path
        rows.append({"face": name, "glyphs": len(set(gids) | {0}), "cff": len(cff),
                     "cff_deflated": len(zlib.compress(cff, 6)), "otf": len(buf.getvalue())})
    if "--json" in sys.argv:
        print(json.dumps(rows))
        return 0
    for r in rows:
        print(f"{r['face']:<28} {r['glyphs']:>5} glyphs  CFF {r['cff']:>8}  deflated {r['cff_deflated']:>8}")
    print(f"total CFF {sum(r['cff'] for r in rows)}, deflated {sum(r['cff_deflated'] for r in rows)}")
    return 0


sys.exit(main())
