#!/usr/bin/python3
"""Where the bytes of a PDF go: embedded fonts, images, the rest.

    bench/pdf-bytes.py OUT.pdf [--json]

Prints, per embedded font file (FontFile, FontFile2, FontFile3), its base
font name, stored (compressed) and decoded length; per image XObject its
filter and stored length; and the totals.  Uses python3-fitz (PyMuPDF),
which scripts/setup.sh --test installs.
"""
import json
import re
import sys

import fitz


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip())
        return 2
    doc = fitz.open(sys.argv[1])
    fonts, images = [], []
    seen = set()
    for x in range(1, doc.xref_length()):
        try:
            obj = doc.xref_object(x, compressed=False)
        except Exception:
            continue
        m = re.search(r"/FontFile[23]? (\d+) 0 R", obj)
        if m and "/FontName" in obj:
            ref = int(m.group(1))
            if ref in seen:
                continue
            seen.add(ref)
            name = re.search(r"/FontName /([^\s/]+)", obj).group(1)
            stored = len(doc.xref_stream_raw(ref))
            decoded = len(doc.xref_stream(ref))
            fonts.append({"name": name, "stored": stored, "decoded": decoded})
        elif "/Subtype /Image" in obj and doc.xref_is_stream(x):
            f = re.search(r"/Filter /(\w+)", obj)
            images.append({"xref": x, "filter": f.group(1) if f else "none",
                           "stored": len(doc.xref_stream_raw(x))})
    total = sum(len(doc.xref_stream_raw(x)) for x in range(1, doc.xref_length()) if doc.xref_is_stream(x))
    import os
    size = os.path.getsize(sys.argv[1])
    res = {"file": size, "fonts": fonts, "images": images,
           "font_stored": sum(f["stored"] for f in fonts),
           "cjk_font_stored": sum(f["stored"] for f in fonts if "CJK" in f["name"]),
           "image_stored": sum(i["stored"] for i in images), "streams": total}
    if "--json" in sys.argv:
        print(json.dumps(res))
        return 0
    for f in fonts:
        print(f"font  {f['name']:<36} {f['stored']:>9} stored {f['decoded']:>9} decoded")
    for i in images:
        print(f"image xref {i['xref']:<5} {i['filter']:<12} {i['stored']:>9} stored")
    print(f"file {size}, fonts {res['font_stored']} (CJK {res['cjk_font_stored']}), "
          f"images {res['image_stored']}, other {size - res['font_stored'] - res['image_stored']}")
    return 0


sys.exit(main())
