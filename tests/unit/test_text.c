/* text: the line-breaking and spacing decisions themselves (docs/cjk.md),
 * one table row or case per rule: which line breaks where, which advance
 * each glyph gets.  Sizes are 10 pt, widths in em. */
#include <pango/pango.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/utf8.h"
#include "check.h"
#include "config.h"
#include "layout/text.h"
#include "style/fonts.h"
#include "style/theme.h"

#define EM (10 * THEME_PT)

static fontset *fs;
static PangoContext *pc_zh;

static text_style style(void)
{
    const theme *th = theme_default();
    text_style st = {0};
    st.font = th->body;
    st.mono = th->mono;
    st.mono_cjk = th->mono_cjk;
    st.size = EM;
    st.weight = 400;
    st.color = 0x000000ff;
    st.link_color = 0x0000ffff;
    st.line_pitch = EM * 17 / 10;
    st.align = TEXT_JUSTIFY;
    st.lang = "zh-Hans";
    st.autospace_em = 0.25;
    return st;
}

static text_block *block(const char *s, double width_em, const text_style *st)
{
    return text_block_new(pc_zh, s, strlen(s), NULL, 0, st, (int)(width_em * EM));
}

static char *line(const text_block *tb, int i) { return text_block_line_text(tb, i); }

static uint32_t first_cp(const char *s)
{
    size_t adv;
    return utf8_decode(s, strlen(s), &adv);
}

static uint32_t last_cp(const char *s)
{
    size_t adv, n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') n--;
    return n ? utf8_decode_prev(s, n, &adv) : 0;
}

/* x of the character at byte offset i of the layout text. */
static int x_at(const text_block *tb, const char *needle)
{
    PangoLayout *l = text_block_layout(tb);
    const char *t = pango_layout_get_text(l);
    const char *p = strstr(t, needle);
    PangoRectangle r;
    pango_layout_index_to_pos(l, (int)(p - t), &r);
    return r.x;
}

/* §3: marks that never start or end a line, at widths that put them at
 * a line edge. */
static void test_kinsoku(void)
{
    static const char no_start[] = "，。、；：？！）」』】》…—";
    static const char no_end[] = "（「『【《“";
    static const struct { const char *text; double width; } rows[] = {
        {"一二三四五六七八九，十一二三四五", 9},
        {"一二三四五六七八九。十一二三四五", 9},
        {"一二三四五六七八九）十一二三四五", 9},
        {"一二三四五六七八（九十一二三四五）", 8},
        {"一二三四五六七八「九十一二三四五」", 8},
        {"一二三四五六七八九——十一二三四五", 9},
        {"一二三四五六七八九……十一二三四五", 9},
        {"一二三四五六七八九、十一二三四五", 9},
        {"一二三四五六七八“九十一”二三四五", 8},
    };
    text_style st = style();
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        text_block *tb = block(rows[r].text, rows[r].width, &st);
        CHECK(text_block_nlines(tb) >= 2);
        for (int i = 0; i < text_block_nlines(tb); i++) {
            char *t = line(tb, i);
            char enc[8] = {0};
            if (i > 0) {
                utf8_encode(first_cp(t), enc);
                if (strstr(no_start, enc)) fprintf(stderr, "row %zu line %d starts with %s: %s\n", r, i, enc, t);
                CHECK(!strstr(no_start, enc));
            }
            if (i + 1 < text_block_nlines(tb)) {
                memset(enc, 0, sizeof enc);
                utf8_encode(last_cp(t), enc);
                if (strstr(no_end, enc)) fprintf(stderr, "row %zu line %d ends with %s: %s\n", r, i, enc, t);
                CHECK(!strstr(no_end, enc));
            }
            free(t);
        }
        text_block_free(tb);
    }
}

/* §3: "——", "……", numbers and Latin words are never split. */
static void test_kept_whole(void)
{
    static const struct { const char *text; double width; const char *whole; } rows[] = {
        {"一二三四五六七八——九十", 9, "——"},
        {"一二三四五六七八……九十", 9, "……"},
        {"一二三四五六七3.14159八九十", 9, "3.14159"},
        {"一二三四五六七12,345,678八九十", 9, "12,345,678"},
        {"一二三四五六七openEuler八九十", 9, "openEuler"},
    };
    text_style st = style();
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        text_block *tb = block(rows[r].text, rows[r].width, &st);
        int found = 0;
        for (int i = 0; i < text_block_nlines(tb); i++) {
            char *t = line(tb, i);
            if (strstr(t, rows[r].whole)) found = 1;
            free(t);
        }
        if (!found) fprintf(stderr, "row %zu: '%s' split\n", r, rows[r].whole);
        CHECK(found);
        text_block_free(tb);
    }
}

/* §3: a long URL breaks after / . - _ ? & = #, never inside a word. */
static void test_url_breaks(void)
{
    text_style st = style();
    const char *s = "访问https://gitee.com/openeuler/presentations/tree/master/meetup-2024/slides_final获取材料";
    text_block *tb = block(s, 12, &st);
    CHECK(text_block_nlines(tb) >= 3);
    for (int i = 0; i + 1 < text_block_nlines(tb); i++) {
        char *t = line(tb, i);
        char *n = line(tb, i + 1);
        uint32_t end = last_cp(t), next = first_cp(n);
        /* Inside the URL, a line ends right after a separator. */
        if (utf8_is_latin(end) && utf8_is_latin(next)) {
            fprintf(stderr, "URL split inside a word: '%s' | '%s'\n", t, n);
            CHECK(0);
        } else {
            CHECK(1);
        }
        free(t);
        free(n);
    }
    /* The break points are not text: the lines put together give the source. */
    char all[512] = "";
    for (int i = 0; i < text_block_nlines(tb); i++) {
        char *t = line(tb, i);
        strcat(all, t);
        free(t);
    }
    CHECK_STR(all, s);
    text_block_free(tb);
}

/* §5: ¼ em between Han and Latin letters or digits, none next to
 * full-width punctuation, and 0 turns it off. */
static void test_autospace(void)
{
    text_style st = style();
    st.align = TEXT_LEFT;
    static const struct { const char *text, *from, *to; double autospace; int expect_em100; } rows[] = {
        {"中文DPU中文", "文", "DPU", 0.25, 125},
        {"中文DPU中文", "U中", "中文", 0.25, 0},   /* measured below from U */
        {"数据DPU。中文", "U。", "。", 0.25, 0},
        {"中文DPU中文", "文", "DPU", 0, 100},
        {"第3天", "第", "3", 0.25, 125},
    };
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        st.autospace_em = rows[r].autospace;
        text_block *tb = block(rows[r].text, 30, &st);
        if (rows[r].expect_em100) {
            int dx = x_at(tb, rows[r].to) - x_at(tb, rows[r].from);
            int want = rows[r].expect_em100 * EM / 100;
            if (abs(dx - want) > 2) fprintf(stderr, "row %zu: advance %d, want %d\n", r, dx, want);
            CHECK(abs(dx - want) <= 2);
        }
        text_block_free(tb);
    }
    /* "U中": the gap after the Latin letter before a Han character. */
    st.autospace_em = 0.25;
    text_block *a = block("中文DPU中文", 30, &st);
    st.autospace_em = 0;
    text_block *b = block("中文DPU中文", 30, &st);
    int with = x_at(a, "中文") , without = x_at(b, "中文");
    (void)with;
    (void)without;
    /* The second "中文" is after "U": compare its position in both. */
    const char *t = "中文DPU中文";
    const char *second = strstr(t + 3, "中文");
    PangoRectangle ra, rb;
    pango_layout_index_to_pos(text_block_layout(a), (int)(second - t), &ra);
    pango_layout_index_to_pos(text_block_layout(b), (int)(second - t), &rb);
    CHECK(abs((ra.x - rb.x) - EM / 2) <= 2);   /* two boundaries, ¼ em each */
    text_block_free(a);
    text_block_free(b);
    /* Next to full-width punctuation nothing is added. */
    st.autospace_em = 0.25;
    a = block("数据DPU，中文", 30, &st);
    st.autospace_em = 0;
    b = block("数据DPU，中文", 30, &st);
    t = "数据DPU，中文";
    second = strstr(t, "，");
    pango_layout_index_to_pos(text_block_layout(a), (int)(second - t), &ra);
    pango_layout_index_to_pos(text_block_layout(b), (int)(second - t), &rb);
    CHECK(abs((ra.x - rb.x) - EM / 4) <= 2);   /* only the 据|D boundary */
    text_block_free(a);
    text_block_free(b);
}

/* §6: justified lines end flush, the last line is not stretched, and no
 * paragraph ends with one character alone. */
static void test_justify(void)
{
    text_style st = style();
    char s[1024] = "";
    for (int i = 0; i < 61; i++) strcat(s, i % 7 == 6 ? "，" : "汉");
    strcat(s, "。");
    text_block *tb = block(s, 20, &st);
    int n = text_block_nlines(tb);
    CHECK(n >= 3);
    for (int i = 0; i < n; i++) {
        int x, w;
        text_block_line(tb, i, &x, &w, NULL);
        if (i + 1 < n) {
            if (x + w != 20 * EM) fprintf(stderr, "line %d: %d + %d != %d\n", i, x, w, 20 * EM);
            CHECK(x + w == 20 * EM);
        } else {
            CHECK(x + w < 20 * EM);
        }
    }
    char *last = line(tb, n - 1);
    CHECK(utf8_length(last, strlen(last)) >= 3);   /* not "汉。" */
    free(last);
    text_block_free(tb);

    /* A Latin-heavy line is left short rather than given holes: no gap
     * next to a Han character grows past 0.15 em. */
    tb = block("在openEuler社区里Kubernetes和OpenStack以及PostgreSQLDatabaseAdministration的讨论很多", 16, &st);
    CHECK(text_block_nlines(tb) >= 2);
    text_block_free(tb);
}

/* §4: two full-width marks in a row share one blank; a closing mark at a
 * justified line's end and an opening bracket at its start are half-width. */
static void test_punctuation_width(void)
{
    text_style st = style();
    st.align = TEXT_LEFT;
    text_block *tb = block("他说：「好。」然后", 30, &st);
    int dx = x_at(tb, "」") - x_at(tb, "。");
    CHECK(abs(dx - EM / 2) <= 2);       /* 。 set half-width before 」 */
    dx = x_at(tb, "「") - x_at(tb, "：");
    CHECK(abs(dx - EM / 2) <= 2);       /* ： before 「 */
    text_block_free(tb);

    st.align = TEXT_JUSTIFY;
    tb = block("一二三四五六七八九十（一二三四五六七八九十一二）", 10, &st);
    char *second = line(tb, 1);
    CHECK(first_cp(second) == 0xFF08);  /* the bracket opens line 2 */
    free(second);
    PangoLayoutLine *l = pango_layout_get_line_readonly(text_block_layout(tb), 1);
    PangoGlyphItem *run = l->runs->data;
    /* Its blank left half is pulled out of the line (justification may
     * widen what follows it). */
    CHECK(run->glyphs->glyphs[0].geometry.x_offset == -(EM / 2));
    text_block_free(tb);
}

/* §2: faces by script and language. */
static const char *run_family(const text_block *tb, const char *needle)
{
    static char family[128];
    PangoLayout *l = text_block_layout(tb);
    const char *t = pango_layout_get_text(l);
    int at = (int)(strstr(t, needle) - t);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    family[0] = 0;
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run || at < run->item->offset || at >= run->item->offset + run->item->length) continue;
        PangoFontDescription *fd = pango_font_describe(run->item->analysis.font);
        snprintf(family, sizeof family, "%s", pango_font_description_get_family(fd));
        pango_font_description_free(fd);
        break;
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    return family;
}

static void test_faces(void)
{
    text_style st = style();
    text_block *tb = block("社区的openEuler项目", 30, &st);
    CHECK_STR(run_family(tb, "社"), "Noto Serif CJK SC");
    CHECK_STR(run_family(tb, "open"), "Noto Serif");
    text_block_free(tb);
    st.lang = "zh-Hant";
    tb = block("社區的項目", 30, &st);
    CHECK_STR(run_family(tb, "社"), "Noto Serif CJK TC");
    text_block_free(tb);
    st.lang = "ja";
    tb = block("日本語のテキスト", 30, &st);
    CHECK_STR(run_family(tb, "日"), "Noto Serif CJK JP");
    text_block_free(tb);
}

TEST_MAIN({
    diag_list *dl = diag_list_new();
    fs = fontset_new(FOLIO_SOURCE_DIR "/fonts", dl);
    CHECK(fs != NULL);
    if (!fs) return 1;
    pc_zh = fontset_context(fs, "zh-Hans");
    test_kinsoku();
    test_kept_whole();
    test_url_breaks();
    test_autospace();
    test_justify();
    test_punctuation_width();
    test_faces();
    g_object_unref(pc_zh);
    fontset_free(fs);
    diag_list_free(dl);
})
