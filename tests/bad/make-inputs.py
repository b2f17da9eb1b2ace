#!/usr/bin/env python3
"""Writes the text inputs of the bad-input catalogue into DIR.

    make-inputs.py DIR

Each post is a file DIR/<name>.md (or a folder DIR/<name>/index.md when it
needs media/); the images come from gen_bad (tests/bad/gen_bad.c), which
run.sh calls into DIR/media first.  Nothing here is committed output: the
catalogue (tests/bad/catalogue) says what folio must do with each file.
"""
import os
import sys

d = sys.argv[1]
FM = "---\ntitle: 坏输入\ndate: 2024-05-01\n---\n\n"


def put(name, data):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# ---- the file ----
put("empty.md", b"")
put("nul.md", FM.encode() + b"text\x00with\x00NULs\x00\n")
put("binary.md", bytes(range(256)) * 64)
put("bad-utf8.md", FM.encode() + b"\xe4\xb8\xad\xe6\x96\x87 ok\n\nbroken \xff\xfe here \xe4\xb8\n")
put("bom-crlf.md", b"\xef\xbb\xbf" + FM.replace("\n", "\r\n").encode() + "正文第一行\r\n第二行\r\n".encode())
put("cr-only.md", FM.replace("\n", "\r").encode() + "旧式换行\r".encode())
put("bom-crlf-bad.md", b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n\r\nhe\xffllo\r\n")
os.makedirs(os.path.join(d, "folder.md"), exist_ok=True)
put("unreadable.md", FM + "不可读\n")

# ---- front matter ----
put("fm-unclosed.md", "---\ntitle: 没有结束\n\n正文\n")
put("fm-list.md", "---\n- a\n- b\n---\n\n正文\n")
put("fm-scalar.md", "---\njust a string\n---\n\n正文\n")
put("fm-syntax.md", "---\ntitle: [unclosed\ndate: 2024\n---\n\n正文\n")
put("fm-types.md", "---\ntitle: [a, b]\ndate: {y: 2024}\ndraft: maybe\n---\n\n正文\n")
put("fm-bad-date.md", "---\ntitle: 日期\ndate: 2023-02-30\n---\n\n正文\n")
put("fm-word-date.md", "---\ntitle: 日期\ndate: yesterday\n---\n\n正文\n")
laughs = '---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
prev = "a"
for i in range(1, 10):
    n = chr(ord("a") + i)
    laughs += "%s: &%s [%s]\n" % (n, n, ",".join(["*" + prev] * 9))
    prev = n
put("fm-laughs.md", laughs + "title: *j\n---\n\n正文\n")
put("fm-deep-flow.md", "---\ntitle: " + "[" * 10000 + "]" * 10000 + "\n---\n\n正文\n")
put("fm-deep-block.md", "---\n" + "".join("  " * i + "k%d:\n" % i for i in range(200)) + "---\n\n正文\n")
put("fm-huge-title.md", "---\ntitle: " + "长标题。" * 100000 + "\n---\n\n正文\n")
put("fm-10k-title.md", "---\ntitle: " + "长" * 10000 + "\n---\n\n正文\n")
put("fm-many-docs.md", "---\ntitle: one\n---\ntitle: two\n---\n\n正文\n")

# ---- body ----
put("body-1mb-para.md", FM + "这是一个很长的段落。" * 35000 + "\n")
put("body-1mb-latin.md", FM + "lorem ipsum dolor sit amet, consectetur. " * 25000 + "\n")
put("body-3000-sections.md", FM + "".join("## 第%d节\n\n内容 %d。\n\n" % (i, i) for i in range(3000)))
put("body-3000-talks.md", FM + "".join("**第%d个报告**\n\n讲者%d，某公司工程师。\n\n" % (i, i) for i in range(3000)))
put("body-400-quotes.md", FM + ">" * 400 + " 很深的引用\n")
put("body-400-lists.md", FM + "".join("  " * i + "- 项目\n" for i in range(400)))
put("body-400-inline-lists.md", FM + "- " * 400 + "项目\n")
put("body-unbreakable.md", FM + "a" * 3000 + "\n\n" + "字" * 3000 + "\n\n" +
    "https://example.com/" + "x" * 3000 + "\n\n`" + "c" * 3000 + "`\n")
put("body-long-heading.md", FM + "# " + "长" * 10000 + "\n\n正文\n")
put("body-1mb-heading.md", FM + "# " + "这是一个很长的标题。" * 35000 + "\n\n正文\n")
put("body-table-30.md", FM + "|" + "|".join("c%d" % i for i in range(30)) + "|\n|" +
    "|".join("---" for _ in range(30)) + "|\n" + ("|" + "|".join("值%d" % i for i in range(30)) + "|\n") * 20)
put("body-code-5000.md", FM + "```\n" + "代码 code line;\n" * 5000 + "```\n")
put("body-hard-breaks.md", FM + "一行诗  \n" * 2000 + "完\n")
put("body-html.md", FM + "前\n\n<script>alert(1)</script>\n\n<style>body{color:red}</style>\n\n"
    "<iframe src=\"https://evil.example/\"></iframe>\n\n后 <script>x()</script> 文 <object data=\"a.swf\"></object>\n")
put("body-control.md", FM + "控制 \x01\x02\x07\x1b[31m 红 \x7f 和 bidi \u202e 反转 \u202c \u2066 隔离 \u2069 零宽\u200b\u200d\ufeff 结束\n")
put("body-emoji.md", FM + "表情 😀👍🏽👨‍👩‍👧 🇨🇳 ❤️\n")
put("body-ext-b.md", FM + "扩展 B：𠀀𠀁𪚥\n")
put("body-scripts.md", FM + "Arabic: مرحبا بالعالم\n\nThai: สวัสดีชาวโลก\n\nDevanagari: नमस्ते दुनिया\n")
put("body-entities.md", FM + "&#0; &#xD800; &#x110000; &#99999999999; &bogus; &amp;\n")
put("body-links.md", FM + "[javascript](javascript:alert(1)) [空]() [file](file:///etc/passwd) <http://例子.测试>\n")

# ---- images (media/ is written by gen_bad) ----
imgs = [
    "missing.png", "truncated.jpg", "truncated-header.jpg", "truncated.png", "truncated-sig.png",
    "text.png", "empty.jpg", "huge-20000.png", "huge-65000.png", "huge-20000.jpg",
    "huge-65000.jpg", "header-only.jpg", "cmyk.jpg", "progressive.jpg", "grey.jpg", "photo.png",
    "rgb16.png", "palette.png", "palette-trns.png", "interlaced.png", "alpha.png",
    "grey-alpha16-interlaced.png", "photo.webp", "alpha.webp", "anim.gif", "icon.bmp",
    "logo.svg", "photo.jpg",
]
for name in imgs:
    stem = name.replace(".", "-")
    put("img/%s.md" % stem, FM + "![图 %s](media/%s)\n" % (name, name))
put("img/remote.md", FM + "![h](http://example.com/a.png)\n\n![s](https://example.com/b.jpg)\n\n"
    "![d](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==)\n\n"
    "![n](//cdn.example.com/c.png)\n\n<img src=\"https://example.com/d.png\">\n")
put("img/same-500.md", FM + "".join("![同一张 %d](media/photo.jpg)\n\n" % i for i in range(500)))
put("img/same-names.md", FM + "![a](media/photo.jpg)\n\n![b](./media/photo.jpg)\n\n![c](media/../media/photo.jpg)\n\n![d](media/photo%2Ejpg)\n")
put("img/huge-alt.md", FM + "![" + "很长的说明。" * 20000 + "](media/photo.jpg)\n")

# ---- escapes ----
put("img/esc-dotdot.md", FM + "![p](../../../../../../etc/passwd)\n")
put("img/esc-abs.md", FM + "![p](/etc/passwd)\n\n<img src=\"/etc/shadow\">\n")
put("img/esc-file-url.md", FM + "![p](file:///etc/passwd)\n\n![q](file://localhost/etc/passwd)\n")
put("img/esc-symlink.md", FM + "![p](media/link-out.png)\n\n![q](media/link-passwd.png)\n")
put("img/esc-percent.md", FM + "![p](%2e%2e/outside/secret.png)\n\n![q](media/%2e%2e/%2e%2e/outside/secret.png)\n")
put("img/esc-banner.md", "---\ntitle: t\nbanner: ../outside/secret.png\n---\n\n正文\n")
put("img/allowed.md", FM + "![p](media/link-out.png)\n\n![q](../outside/secret.png)\n")
put("outside/secret.png", b"")   # replaced by a real PNG in run.sh

# ---- output ----
put("ok.md", FM + "正文。\n\n![图](img/media/photo.jpg)\n")
