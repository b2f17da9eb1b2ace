#!/usr/bin/python3
"""The seed post as input for the tools folio is compared with.

    bench/seed-to.py typst|html|markdown POST.md OUT

Writes the post's title, date, paragraphs, bold-only paragraphs (the
recap's section titles, as headings), inline bold and links, and images
(media paths relative to OUT's folder, which should be the post's) as a
Typst document, an HTML page with a CSS page box, or plain Markdown for
pandoc.  Each asks for an A4 page and the fonts folio's default handout uses
(Noto Serif CJK SC, Noto Sans CJK SC for headings), with the language set
to Chinese, so that every tool typesets the same text with the same fonts.
Only what the seed uses is understood: this is a benchmark fixture, not a
converter.
"""
import html
import re
import sys


def parse(path):
    text = open(path, encoding="utf-8").read()
    meta = {}
    if text.startswith("---\n"):
        end = text.index("\n---", 4)
        for line in text[4:end].splitlines():
            m = re.match(r"(\w+):\s*'?(.*?)'?\s*$", line)
            if m:
                meta[m.group(1)] = m.group(2)
        text = text[end + 4:]
    blocks = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        m = re.fullmatch(r"!\[[^\]]*\]\(([^)]+)\)", para)
        if m:
            blocks.append(("image", m.group(1)))
            continue
        m = re.fullmatch(r"\*\*(.+?)\*\*", para, re.S)
        if m:
            blocks.append(("heading", m.group(1).replace("\n", "")))
            continue
        # Soft breaks between CJK lines join without a space.
        para = re.sub(r"\n", "", para).replace('\\"', '"')
        blocks.append(("para", para))
    return meta, blocks


def inline(s, fmt):
    out, pos = [], 0
    for m in re.finditer(r"\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)]+)\)", s):
        out.append(esc(s[pos:m.start()], fmt))
        if m.group(1):
            b = esc(m.group(1), fmt)
            out.append({"typst": f"*{b}*", "html": f"<b>{b}</b>", "markdown": f"**{b}**"}[fmt])
        else:
            t, u = esc(m.group(2), fmt), m.group(3)
            out.append({"typst": f'#link("{u}")[{t}]', "html": f'<a href="{html.escape(u)}">{t}</a>',
                        "markdown": f"[{t}]({u})"}[fmt])
        pos = m.end()
    out.append(esc(s[pos:], fmt))
    return "".join(out)


def esc(s, fmt):
    if fmt == "html":
        return html.escape(s)
    if fmt == "typst":
        return re.sub(r"([#*_`<>@$\\\[\]])", r"\\\1", s)
    return s


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("typst", "html", "markdown"):
        print(__doc__.strip())
        return 2
    fmt, post, out = sys.argv[1:]
    meta, blocks = parse(post)
    title, date = meta.get("title", ""), meta.get("date", "")
    lines = []
    if fmt == "typst":
        lines += ['#set page(paper: "a4", margin: (x: 22mm, y: 20mm))',
                  '#set text(font: ("Noto Serif CJK SC"), lang: "zh", region: "cn", size: 10.5pt)',
                  '#set par(justify: true, leading: 0.8em)',
                  '#show heading: set text(font: "Noto Sans CJK SC")',
                  f"#text(size: 20pt, font: \"Noto Sans CJK SC\", weight: \"bold\")[{esc(title, fmt)}]", "",
                  f"{esc(date, fmt)}", ""]
        for kind, v in blocks:
            if kind == "image":
                lines += [f'#image("{v}", width: 100%)', ""]
            elif kind == "heading":
                lines += [f"== {inline(v, fmt)}", ""]
            else:
                lines += [inline(v, fmt), ""]
    elif fmt == "html":
        lines += ["<!DOCTYPE html>", '<html lang="zh-Hans"><head><meta charset="utf-8">',
                  f"<title>{esc(title, fmt)}</title>", "<style>",
                  "@page { size: A4; margin: 20mm 22mm }",
                  "body { font-family: 'Noto Serif CJK SC'; font-size: 10.5pt; line-height: 1.7;"
                  " text-align: justify }",
                  "h1, h2 { font-family: 'Noto Sans CJK SC' } img { width: 100% }",
                  "</style></head><body>", f"<h1>{esc(title, fmt)}</h1>", f"<p>{esc(date, fmt)}</p>"]
        for kind, v in blocks:
            if kind == "image":
                lines.append(f'<p><img src="{html.escape(v)}" alt=""></p>')
            elif kind == "heading":
                lines.append(f"<h2>{inline(v, fmt)}</h2>")
            else:
                lines.append(f"<p>{inline(v, fmt)}</p>")
        lines.append("</body></html>")
    else:
        lines += ["---", f"title: '{title}'", f"date: '{date}'", "lang: zh-CN", "---", ""]
        for kind, v in blocks:
            if kind == "image":
                lines += [f"![]({v})", ""]
            elif kind == "heading":
                lines += [f"## {v}", ""]
            else:
                lines += [v, ""]
    open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    return 0


sys.exit(main())
