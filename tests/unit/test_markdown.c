/* Unit tests for input/markdown.c: blocks, inline text, soft breaks
 * (docs/cjk.md §1), image hoisting, raw HTML, links, nesting caps. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc/doc_build.h"
#include "input/markdown.h"

/* Parses src as a body of "t.md" in /nonexistent (so every local image is
 * missing and nothing on the machine is read). */
static doc *parse(const char *src, diag_list **dl)
{
    doc *d = doc_new("t.md", "/nonexistent-folio-dir");
    markdown_opts o = {"t.md", NULL};
    *dl = diag_list_new();
    markdown_parse(d, src, strlen(src), &o, *dl);
    return d;
}

static const char *dline(const diag_list *dl, size_t i)
{
    static char line[512];
    const diag *d = diag_get(dl, i);
    if (!d) return NULL;
    diag_format(d, line, sizeof line);
    return line;
}

/* Paragraph text: input → the text of the only block. */
static const struct { const char *in, *out; } texts[] = {
    {"合作\n共赢", "合作共赢"},
    {"SIG Maintainer\n严海双分享了", "SIG Maintainer 严海双分享了"},
    {"OpenAtom\nopenEuler（简称\\\"openEuler\\\"） DPU\nMeetup苏州站",
     "OpenAtom openEuler（简称\"openEuler\"） DPU Meetup苏州站"},
    {"中文，\n中文", "中文，中文"},
    {"磐石DPU\n4.0的", "磐石DPU 4.0的"},
    {"共同为\nopenEuler DPU", "共同为 openEuler DPU"},
    {"한국어\n문장", "한국어 문장"},           /* Hangul keeps the space */
    {"  a   b  ", "a b"},
    {"a  \nb", "a\nb"},
    {"a\\\nb", "a\nb"},
    {"A &amp; B &#20013;", "A & B 中"},
    {"x <el-tag>标签</el-tag> y", "x 标签 y"},
    {"a <style>b { }</style> c", "a c"},
    {"a<br>b", "a\nb"},
    {"`co  de` x", "co  de x"},
    {"~~gone~~ kept", "gone kept"},
};

static void test_text(void)
{
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        diag_list *dl;
        doc *d = parse(texts[i].in, &dl);
        CHECK_INT(doc_nblocks(d), 1);
        if (doc_nblocks(d)) CHECK_STR(doc_block_at(d, 0)->text.s, texts[i].out);
        doc_free(d);
        diag_list_free(dl);
    }
}

static void test_spans(void)
{
    diag_list *dl;
    doc *d = parse("前 **粗体** 和 *斜体* [链接](https://a.com)\n**跨行\n粗体**", &dl);
    const doc_block *b = doc_block_at(d, 0);
    CHECK_STR(b->text.s, "前 粗体 和 斜体 链接跨行粗体");   /* wide|wide: joined */
    CHECK_INT(b->text.nspans, 4);
    if (b->text.nspans == 4) {
        CHECK_INT(b->text.spans[0].kind, SPAN_STRONG);
        CHECK_INT(b->text.spans[0].start, 4);    /* no space inside the span */
        CHECK_INT(b->text.spans[0].end, 10);
        CHECK_INT(b->text.spans[1].kind, SPAN_EM);
        CHECK_INT(b->text.spans[2].kind, SPAN_LINK);
        CHECK_STR(b->text.spans[2].href, "https://a.com");
        CHECK_INT(b->text.spans[3].kind, SPAN_STRONG);
        CHECK_INT(b->text.spans[3].end, b->text.len);
    }
    doc_free(d);
    diag_list_free(dl);

    /* A relative link keeps its text but no span (a SPAN_LINK has an href). */
    d = parse("[下一篇](../next.md) and [top](#top)", &dl);
    b = doc_block_at(d, 0);
    CHECK_INT(b->text.nspans, 1);
    if (b->text.nspans) CHECK_STR(b->text.spans[0].href, "#top");
    doc_free(d);
    diag_list_free(dl);
}

/* Spans of b as "kind:text" items (doc_span_kind numbers), e.g. "1:粗体 3:链接". */
static const char *span_list(const doc_block *b)
{
    static char out[1024];
    size_t w = 0;
    out[0] = 0;
    for (size_t i = 0; b && i < b->text.nspans && w < sizeof out - 1; i++) {
        const doc_span *sp = &b->text.spans[i];
        int n = snprintf(out + w, sizeof out - w, "%s%d:%.*s", i ? " " : "", (int)sp->kind,
                         (int)(sp->end - sp->start), b->text.s + sp->start);
        if (n < 0) break;
        w += (size_t)n;
    }
    return out;
}

/* Emphasis next to CJK punctuation (the CJK-friendly flanking rule). */
static const struct { const char *in, *text, *spans; } cjk_em[] = {
    /* The seed's last sentence: the closer follows '）' and precedes '查'. */
    {"可前往**视频号（OpenAtom-openEuler）**查看活动回顾", "可前往视频号（OpenAtom-openEuler）查看活动回顾",
     "1:视频号（OpenAtom-openEuler）"},
    {"进展。**openEuler Embedded适用于嵌入式。**openEuler 23.09", "进展。openEuler Embedded适用于嵌入式。openEuler 23.09",
     "1:openEuler Embedded适用于嵌入式。"},
    {"**开场致辞**", "开场致辞", "1:开场致辞"},
    {"中文*强调（注）*文字", "中文强调（注）文字", "0:强调（注）"},
    {"前***三星（注）***后", "前三星（注）后", "0:三星（注） 1:三星（注）"},
    {"和__下划线（注）__，", "和下划线（注），", "1:下划线（注）"},
    /* Links: pairs inside link text nest; pairs across a link edge stay. */
    {"前往[**视频号（A）**查看](https://a.com)吧", "前往视频号（A）查看吧",
     "3:视频号（A）查看 1:视频号（A）"},
    {"又**前往[链接（x）**后](https://b.com)", "又**前往链接（x）**后", "3:链接（x）**后"},
    {"[链接](https://a.com)说**重点（注）**是", "链接说重点（注）是", "3:链接 1:重点（注）"},
    /* `**甲。****乙**`: cmark's rule of 3 keeps the middle run in one span. */
    {"其中，**金奖。****武汉**与", "其中，金奖。武汉与", "1:金奖。武汉"},
    /* Left alone: no pair, spaces, code, escapes, entities, names, URLs. */
    {"5 * 3 = 15", "5 * 3 = 15", ""},
    {"(120cm*90cm)，竖向", "(120cm*90cm)，竖向", ""},
    {"**未配对（注）查看", "**未配对（注）查看", ""},
    {"现场。** 主题**海报", "现场。** 主题**海报", ""},
    {"代码`**视频号（A）**查看`外", "代码**视频号（A）**查看外", "2:**视频号（A）**查看"},
    {"转义\\*\\*视频号（A）\\*\\*查看", "转义**视频号（A）**查看", ""},
    {"实体&#42;&#42;视频号（A）&#42;&#42;查看", "实体**视频号（A）**查看", ""},
    {"snake__case__x，填写____和____。", "snake__case__x，填写____和____。", ""},
    {"见 https://a.com/中__文(x)__z 页", "见 https://a.com/中__文(x)__z 页",
     "3:https://a.com/中__文(x)__z"},
};

/* Bare URLs in Chinese text, where no space follows them: the link ends
 * before the first CJK or general punctuation mark; ideographs stay in
 * (an address may hold them); ASCII punctuation left at the end is not
 * part of it; the rest is text. */
static const struct { const char *in, *href, *after; } bare_urls[] = {
    {"详见https://a.com/x。下文", "https://a.com/x", "。下文"},
    {"见https://a.com/x/y，和", "https://a.com/x/y", "，和"},
    {"见 https://a.com/x……后文", "https://a.com/x", "……后文"},
    {"见 https://a.com/x——后文", "https://a.com/x", "——后文"},
    {"（https://a.com/x）", "https://a.com/x", "）"},
    {"见https://a.com/x.。", "https://a.com/x", ".。"},
    {"见 https://zh.wikipedia.org/wiki/中文 页", "https://zh.wikipedia.org/wiki/中文", " 页"},
    {"见 www.a.com/x。", "http://www.a.com/x", "。"},
    {"[文字。](https://a.com/y) 后", "https://a.com/y", " 后"},
    /* An escape its author wrote to keep "_" from starting emphasis. */
    {"见 https://a.com/p/RISC\\_V 后", "https://a.com/p/RISC_V", " 后"},
    {"*https://a.com/p/A\\_B\\_C*", "https://a.com/p/A_B_C", ""},
};

static void test_bare_urls(void)
{
    for (size_t i = 0; i < sizeof bare_urls / sizeof *bare_urls; i++) {
        diag_list *dl;
        doc *d = parse(bare_urls[i].in, &dl);
        const doc_block *b = doc_nblocks(d) ? doc_block_at(d, 0) : NULL;
        const doc_span *link = NULL;
        for (size_t k = 0; b && k < b->text.nspans; k++)
            if (b->text.spans[k].kind == SPAN_LINK) link = &b->text.spans[k];
        CHECK(link != NULL);
        if (link) {
            CHECK_STR(link->href, bare_urls[i].href);
            CHECK_STR(b->text.s + link->end, bare_urls[i].after);
        }
        size_t nl = 0;
        const char *const *links = doc_links(d, &nl);
        CHECK(nl == 1 && !strcmp(links[0], bare_urls[i].href));
        doc_free(d);
        diag_list_free(dl);
    }
}

static void test_cjk_emphasis(void)
{
    for (size_t i = 0; i < sizeof cjk_em / sizeof cjk_em[0]; i++) {
        diag_list *dl;
        doc *d = parse(cjk_em[i].in, &dl);
        CHECK_INT(doc_nblocks(d), 1);
        const doc_block *b = doc_nblocks(d) ? doc_block_at(d, 0) : NULL;
        if (b) {
            CHECK_STR(b->text.s, cjk_em[i].text);
            CHECK_STR(span_list(b), cjk_em[i].spans);
            for (size_t k = 0; k < b->text.nspans; k++)
                CHECK(b->text.spans[k].start < b->text.spans[k].end &&
                      b->text.spans[k].end <= b->text.len);
        }
        doc_free(d);
        diag_list_free(dl);
    }

    /* Headings, quotes, list items and table cells get the same pass; a
     * paragraph that is all bold stays one strong span (bold-only). */
    diag_list *dl;
    doc *d = parse("# 标题**重点（注）**说明\n\n> 引用**重点（注）**说明\n\n"
                   "| 列 |\n|---|\n| 格**重点（注）**说明 |\n\n**视频号（OpenAtom）**\n",
                   &dl);
    CHECK_INT(doc_nblocks(d), 4);
    if (doc_nblocks(d) == 4) {
        CHECK_STR(span_list(doc_block_at(d, 0)), "1:重点（注）");
        CHECK_STR(span_list(doc_block_at(d, 1)->child), "1:重点（注）");
        const doc_block *cell = doc_block_at(d, 2)->child->next->child;
        CHECK(cell && cell->kind == DOC_CELL);
        if (cell) CHECK_STR(span_list(cell), "1:重点（注）");
        const doc_block *b = doc_block_at(d, 3);
        CHECK_STR(b->text.s, "视频号（OpenAtom）");
        CHECK_INT(b->text.nspans, 1);
        CHECK(b->text.nspans == 1 && b->text.spans[0].kind == SPAN_STRONG &&
              b->text.spans[0].start == 0 && b->text.spans[0].end == b->text.len);
    }
    CHECK_INT(diag_count(dl), 0);
    doc_free(d);
    diag_list_free(dl);
}

static void test_images(void)
{
    diag_list *dl;
    doc *d = parse("前文![活动现场](media/a.png)后文\n\n![image2](media/a.png)\n\n"
                   "![x](https://e.com/a.png)\n\n<img src=\"/img/news/x.png\" alt=\"图片\">\n\n"
                   "![](data:image/png;base64,AAAA)",
                   &dl);
    static const doc_kind kinds[] = {DOC_PARA, DOC_IMAGE, DOC_PARA, DOC_IMAGE, DOC_IMAGE,
                                     DOC_IMAGE, DOC_IMAGE};
    CHECK_INT(doc_nblocks(d), 7);
    for (size_t i = 0; i < 7 && i < doc_nblocks(d); i++)
        CHECK_INT(doc_block_at(d, i)->kind, kinds[i]);
    CHECK_STR(doc_block_at(d, 0)->text.s, "前文");
    CHECK_STR(doc_block_at(d, 2)->text.s, "后文");
    CHECK_INT(doc_nimages(d), 4);
    const doc_image *im = doc_image_at(d, 0);
    CHECK_INT(im->uses, 2);
    CHECK_INT(im->status, DOC_IMG_MISSING);
    CHECK_STR(im->caption, "活动现场");
    CHECK_INT(im->line, 1);
    CHECK_INT(im->col, 3);
    CHECK_INT(doc_image_at(d, 1)->status, DOC_IMG_REMOTE);
    CHECK_INT(doc_image_at(d, 2)->status, DOC_IMG_REMOTE);
    CHECK_STR(doc_image_at(d, 2)->caption, NULL);
    CHECK_INT(diag_count(dl), 4);
    CHECK_STR(dline(dl, 0), "t.md:1:3: warning: image 'media/a.png' not found; drawing a placeholder");
    CHECK_STR(dline(dl, 1), "t.md:5:1: warning: image 'https://e.com/a.png' is remote (https); "
                            "never fetched; drawing a placeholder");
    CHECK_STR(dline(dl, 2), "t.md:7:1: warning: image '/img/news/x.png' is remote (site path); "
                            "never fetched; drawing a placeholder");
    CHECK_STR(dline(dl, 3), "t.md:9:1: warning: image 'data:image/png;base64,AAAA' is remote "
                            "(data); never fetched; drawing a placeholder");
    doc_free(d);
    diag_list_free(dl);

    d = parse("![up](../secret.png)", &dl);
    CHECK_INT(doc_image_at(d, 0)->status, DOC_IMG_OUTSIDE);
    CHECK_STR(dline(dl, 0), "t.md:1:1: warning: image '../secret.png' is outside the post's "
                            "folder; drawing a placeholder (--allow-outside DIR permits a folder)");
    doc_free(d);
    diag_list_free(dl);
}

static void test_alt(void)
{
    static const struct { const char *alt; bool ok; } alts[] = {
        {"活动现场", true}, {"Speaker on stage", true}, {"image2", false},
        {"image", false}, {"Image 3", false}, {"图片", false}, {"图片1", false},
        {"IMG_2031", false}, {"photo.jpg", false}, {"", false}, {"  ", false},
        {"123", false}, {"wechat-1", false}, {"openEuler", true},
    };
    for (size_t i = 0; i < sizeof alts / sizeof alts[0]; i++) {
        if (doc_alt_is_meaningful(alts[i].alt) != alts[i].ok)
            fprintf(stderr, "  alt '%s'\n", alts[i].alt);
        CHECK(doc_alt_is_meaningful(alts[i].alt) == alts[i].ok);
    }
}

static void test_html_blocks(void)
{
    diag_list *dl;
    doc *d = parse("<div class=\"markdown\">\n\n正文\n\n</div>\n\n"
                   "<p>A &amp; B &lt;3<br>next</p>\n<p>second</p>\n\n"
                   "<script>\nvar x = '<p>no</p>';\n</script>\n\n"
                   "<style>\np { color: red }\n</style>\n\n"
                   "<!-- comment -->\n\nend <a href=\"https://x.org\">x</a>\n",
                   &dl);
    CHECK_INT(doc_nblocks(d), 4);
    if (doc_nblocks(d) == 4) {
        CHECK_STR(doc_block_at(d, 0)->text.s, "正文");
        CHECK_STR(doc_block_at(d, 1)->text.s, "A & B <3\nnext");
        CHECK_STR(doc_block_at(d, 2)->text.s, "second");
        CHECK_STR(doc_block_at(d, 3)->text.s, "end x");
        CHECK_INT(doc_block_at(d, 3)->text.nspans, 1);
    }
    CHECK_INT(diag_count(dl), 0);
    size_t n;
    const char *const *links = doc_links(d, &n);
    CHECK_INT(n, 1);
    if (n) CHECK_STR(links[0], "https://x.org");
    doc_free(d);
    diag_list_free(dl);

    /* <script> split over inline nodes. */
    d = parse("a <script>x</script> b <script>\ny\n</script> c", &dl);
    CHECK_STR(doc_block_at(d, 0)->text.s, "a b c");
    doc_free(d);
    diag_list_free(dl);
}

static void test_structure(void)
{
    diag_list *dl;
    doc *d = parse("Title\n=====\n\n## Sub\n\n3. a\n4. b\n\n- x\n\n- y\n\n> quote\n\n"
                   "```c\nint x;\n```\n\n    indented\n\n---\n\n"
                   "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n"
                   "links [t](https://a.com) <https://b.com> www.c.com https://a.com\n",
                   &dl);
    static const doc_kind kinds[] = {DOC_HEADING, DOC_HEADING, DOC_LIST, DOC_LIST, DOC_QUOTE,
                                     DOC_CODE, DOC_CODE, DOC_RULE, DOC_TABLE, DOC_PARA};
    CHECK_INT(doc_nblocks(d), 10);
    for (size_t i = 0; i < 10 && i < doc_nblocks(d); i++)
        CHECK_INT(doc_block_at(d, i)->kind, kinds[i]);
    if (doc_nblocks(d) == 10) {
        CHECK_INT(doc_block_at(d, 0)->level, 1);
        CHECK_INT(doc_block_at(d, 1)->level, 2);
        const doc_block *l = doc_block_at(d, 2);
        CHECK(l->ordered && l->tight);
        CHECK_INT(l->start, 3);
        CHECK(l->child && l->child->kind == DOC_ITEM && l->child->next);
        CHECK(l->child->child && l->child->child->kind == DOC_PARA);
        CHECK(!doc_block_at(d, 3)->ordered && !doc_block_at(d, 3)->tight);
        CHECK_STR(doc_block_at(d, 4)->child->text.s, "quote");
        CHECK_STR(doc_block_at(d, 5)->text.s, "int x;");
        CHECK_STR(doc_block_at(d, 5)->info, "c");
        CHECK_STR(doc_block_at(d, 6)->text.s, "indented");
        const doc_block *t = doc_block_at(d, 8);
        CHECK(t->child && t->child->header && t->child->next && !t->child->next->header);
        const doc_block *c2 = t->child->child->next;
        CHECK(c2 && c2->kind == DOC_CELL && c2->align == 1);
        CHECK_STR(c2->text.s, "b");
        CHECK_INT(doc_block_at(d, 2)->line, 6);
    }
    size_t n;
    const char *const *links = doc_links(d, &n);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(links[0], "https://a.com");
        CHECK_STR(links[1], "https://b.com");
        CHECK_STR(links[2], "http://www.c.com");
    }
    doc_free(d);
    diag_list_free(dl);
}

static void test_depth(void)
{
    /* 200 nested quotes and lists: the tree is capped, never recursed. */
    char src[2048] = "";
    for (int i = 0; i < 200; i++) strcat(src, ">");
    strcat(src, " deep\n");
    diag_list *dl;
    doc *d = parse(src, &dl);
    CHECK_INT(doc_nblocks(d), 1);
    int depth = 0;
    const doc_block *b = doc_block_at(d, 0);
    while (b && b->child) {
        depth++;
        b = b->child;
    }
    CHECK(depth <= DOC_MAX_DEPTH);
    CHECK(b && b->kind == DOC_PARA);
    if (b) CHECK_STR(b->text.s, "deep");
    buf out = BUF_INIT;
    doc_dump_json(d, &out, false);
    CHECK(out.s && strstr(out.s, "deep"));
    buf_free(&out);
    doc_free(d);
    diag_list_free(dl);

    /* Deep emphasis nesting keeps its text. */
    buf e = BUF_INIT;
    for (int i = 0; i < 100; i++) buf_add(&e, "*a ");
    buf_add(&e, "x");
    for (int i = 0; i < 100; i++) buf_add(&e, "*");
    d = parse(e.s, &dl);
    CHECK(doc_nblocks(d) == 1);
    buf_free(&e);
    doc_free(d);
    diag_list_free(dl);
}

TEST_MAIN({
    test_text();
    test_spans();
    test_cjk_emphasis();
    test_bare_urls();
    test_images();
    test_alt();
    test_html_blocks();
    test_structure();
    test_depth();
})
