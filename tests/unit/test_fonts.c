/* fonts: the glyph extents folio's font map answers Pango with
 * (style/fonts.c) must be cairo's: the same logical rectangle (the font's
 * height, the glyph's advance) and the same ink box up to FreeType's
 * 1/64 pt rounding, for CJK and Latin faces, regular and bold, and for
 * more glyphs than Pango's own 256-entry cache holds.  And the core faces
 * (fonts/core.conf) cover a post only when every face it can be set in
 * draws every character of it.  A font's metrics are HarfBuzz's, and
 * asking for them opens no face through cairo and FreeType.  A font put in
 * the fonts folder itself is found. */
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "check.h"
#include "config.h"
#include "style/fonts.h"

static fontset *fs;
static PangoContext *ctx;

/* Pango units per 1/64 pt, plus one for rounding twice. */
#define INK_SLACK (PANGO_SCALE / 64 + 1)

static int close_to(int a, int b, int slack) { return abs(a - b) <= slack; }

static PangoFont *load(const char *family, int weight, double size_pt)
{
    PangoFontDescription *d = pango_font_description_new();
    pango_font_description_set_family(d, family);
    pango_font_description_set_weight(d, (PangoWeight)weight);
    pango_font_description_set_size(d, (int)(size_pt * PANGO_SCALE));
    PangoFont *font = pango_font_map_load_font(pango_context_get_font_map(ctx), ctx, d);
    pango_font_description_free(d);
    return font;
}

/* Every glyph of text shaped with font: ours against cairo's.  Returns how
 * many distinct glyphs were compared. */
static int compare(const char *family, int weight, double size_pt, const char *text)
{
    PangoFont *font = load(family, weight, size_pt);
    CHECK(font != NULL);
    if (!font) return 0;

    PangoGlyphString *gs = pango_glyph_string_new();
    PangoAnalysis an = {0};
    an.font = font;
    an.language = pango_language_from_string("zh-cn");
    pango_shape(text, (int)strlen(text), &an, gs);

    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
    cairo_font_extents_t fe;
    cairo_scaled_font_extents(sf, &fe);
    int ok_logical = 0, ok_ink = 0, ok_again = 0, n = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        PangoGlyph g = gs->glyphs[i].glyph;
        if (g & PANGO_GLYPH_UNKNOWN_FLAG) continue;
        PangoRectangle ink, log, ink2, log2;
        pango_font_get_glyph_extents(font, g, &ink, &log);
        cairo_glyph_t cg = {g, 0, 0};
        cairo_text_extents_t te;
        cairo_scaled_font_glyph_extents(sf, &cg, 1, &te);
        n++;
        ok_logical += close_to(log.width, pango_units_from_double(te.x_advance), 1) &&
                      log.x == 0 && log.y == -pango_units_from_double(fe.ascent) &&
                      log.height == pango_units_from_double(fe.ascent + fe.descent);
        ok_ink += close_to(ink.x, pango_units_from_double(te.x_bearing), INK_SLACK) &&
                  close_to(ink.y, pango_units_from_double(te.y_bearing), INK_SLACK) &&
                  close_to(ink.width, pango_units_from_double(te.width), 2 * INK_SLACK) &&
                  close_to(ink.height, pango_units_from_double(te.height), 2 * INK_SLACK);
        /* A second question, after the cache has grown, gets the same answer. */
        pango_font_get_glyph_extents(font, g, &ink2, NULL);
        pango_font_get_glyph_extents(font, g, NULL, &log2);
        ok_again += !memcmp(&ink, &ink2, sizeof ink) && !memcmp(&log, &log2, sizeof log);
    }
    CHECK_INT(ok_logical, n);
    CHECK_INT(ok_ink, n);
    CHECK_INT(ok_again, n);

    /* The empty glyph keeps pangocairo's answer: no ink, the font's height. */
    PangoRectangle ink, log;
    pango_font_get_glyph_extents(font, PANGO_GLYPH_EMPTY, &ink, &log);
    CHECK(ink.width == 0 && ink.height == 0 && log.width == 0 &&
          log.height == pango_units_from_double(fe.ascent + fe.descent));

    pango_glyph_string_free(gs);
    g_object_unref(font);
    return n;
}

/* How many times the file is mapped into this process. */
static int mappings_of(const char *file)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, file)) n++;
    if (f) fclose(f);
    return n;
}

/* Runs before anything here asks cairo for a scaled font. */
static void test_metrics(void)
{
    PangoFont *font = load("Noto Serif CJK SC", 400, 10);
    CHECK(font != NULL);
    if (!font) return;
    FcChar8 *file = NULL;
    FcPatternGetString(pango_fc_font_get_pattern(PANGO_FC_FONT(font)), FC_FILE, 0, &file);
    CHECK(file != NULL);
    pango_font_get_hb_font(font); /* HarfBuzz maps the file once */
    int before = mappings_of((const char *)file);

    PangoFontMetrics *zh = pango_font_get_metrics(font, pango_language_from_string("zh-cn"));
    PangoFontMetrics *zh2 = pango_font_get_metrics(font, pango_language_from_string("zh-cn"));
    PangoFontMetrics *en = pango_font_get_metrics(font, pango_language_from_string("en"));
    /* No second mapping: cairo-ft did not open the face with FreeType. */
    CHECK_INT(mappings_of((const char *)file), before);
    CHECK(zh == zh2); /* made once per font */
    CHECK(zh == en);  /* nothing in them depends on the language */

    /* Ascent and descent are the font's (hhea), as cairo measures them. */
    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
    cairo_font_extents_t fe;
    cairo_scaled_font_extents(sf, &fe);
    int asc = pango_font_metrics_get_ascent(zh), desc = pango_font_metrics_get_descent(zh);
    CHECK(close_to(asc, pango_units_from_double(fe.ascent), 1));
    CHECK(close_to(desc, pango_units_from_double(fe.descent), 1));
    CHECK(pango_font_metrics_get_height(zh) >= asc + desc);
    CHECK(pango_font_metrics_get_underline_thickness(zh) > 0);
    CHECK(pango_font_metrics_get_underline_position(zh) < 0);
    CHECK(pango_font_metrics_get_strikethrough_position(zh) > 0);
    CHECK_INT(pango_font_metrics_get_ascent(en), asc);
    /* No approximate character width: Pango's line breaker would shape
     * every break opportunity within three of them of a line's end again
     * (style/fonts.c).  Digits are narrower than an em. */
    const int em = 10 * PANGO_SCALE;
    CHECK_INT(pango_font_metrics_get_approximate_char_width(zh), 0);
    int digit = pango_font_metrics_get_approximate_digit_width(zh);
    CHECK(digit > em / 4 && digit <= em);
    pango_font_metrics_unref(zh);
    pango_font_metrics_unref(zh2);
    pango_font_metrics_unref(en);
    g_object_unref(font);
}

/* Over 256 distinct ideographs, so that the extents cache grows past its
 * first size and rehashes. */
static char *many_ideographs(int count)
{
    char *s = malloc((size_t)count * 3 + 1), *p = s;
    for (int i = 0; i < count; i++) {
        unsigned cp = 0x4E00 + (unsigned)i * 7;
        *p++ = (char)(0xE0 | (cp >> 12));
        *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p++ = (char)(0x80 | (cp & 0x3F));
    }
    *p = 0;
    return s;
}

static bool covers(const char *const *families, size_t n, const char *text)
{
    return fontset_core_covers(fs, families, n, text, strlen(text));
}

static void test_core_coverage(void)
{
    const char *serif_cjk[] = {"Noto Serif CJK SC", NULL, "Noto Sans CJK SC"};
    const char *latin[] = {"Noto Serif", "Noto Sans", "Noto Sans Mono"};
    CHECK(covers(serif_cjk, 3, "开场致辞：DPU 技术沙龙（北京）——“数据处理单元”。\n"));
    CHECK(covers(latin, 3, "Quick brown fox, 0.5%! Ärger über Öl\n"));
    CHECK(covers(latin, 3, ""));
    /* Characters no core face has, or not every listed face. */
    CHECK(!covers(serif_cjk, 3, "泰文：สวัสดี"));
    CHECK(!covers(latin, 3, "📝 notes"));
    CHECK(!covers(latin, 3, "开场"));
    /* A family that is not among the core faces. */
    const char *thai[] = {"Noto Sans Thai"};
    CHECK(!covers(thai, 1, "abc"));
    /* Only the Simplified Chinese CJK faces are core faces. */
    const char *jp[] = {"Noto Sans CJK JP"};
    CHECK(!covers(jp, 1, "abc"));
    const char *nosuch[] = {"No Such Family"};
    CHECK(!covers(nosuch, 1, "abc"));

    /* The core context is over another, smaller font map. */
    PangoContext *core = fontset_context_core(fs, "zh-Hans");
    CHECK(pango_context_get_font_map(core) != pango_context_get_font_map(ctx));
    g_object_unref(core);
}

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char chunk[65536];
    size_t n;
    bool ok = in && out;
    while (ok && (n = fread(chunk, 1, sizeof chunk, in)) > 0) ok = fwrite(chunk, 1, n, out) == n;
    if (in) fclose(in);
    if (out && fclose(out) != 0) ok = false;
    return ok;
}

/* A fonts folder whose fonts.conf names no font folder at all: its one
 * face, copied into it, is found all the same; nothing else is. */
static void test_fonts_folder(void)
{
    char dir[] = "/tmp/folio-fonts.XXXXXX", conf[64], face[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
    snprintf(face, sizeof face, "%s/NotoSans-Regular.ttf", dir);
    FILE *f = fopen(conf, "w");
    CHECK(f != NULL);
    if (f) {
        fprintf(f, "<?xml version=\"1.0\"?>\n<fontconfig><cachedir>%s</cachedir></fontconfig>\n", dir);
        fclose(f);
    }
    CHECK(copy_file("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", face));
    diag_list *dl = diag_list_new();
    fontset *own = fontset_new(dir, dl);
    CHECK(own != NULL);
    if (own) {
        CHECK(fontset_require(own, "Noto Sans", dl));
        CHECK(!fontset_require(own, "Noto Serif", dl));
        fontset_free(own);
    }
    diag_list_free(dl);
    /* fontconfig writes its cache of the folder there. */
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

TEST_MAIN({
    diag_list *dl = diag_list_new();
    fs = fontset_new(FOLIO_SOURCE_DIR "/fonts", dl);
    CHECK(fs != NULL);
    if (fs) {
        ctx = fontset_context(fs, "zh-Hans");
        test_metrics();
        char *han = many_ideographs(400);
        const char *mixed =
            "开场致辞：DPU 技术沙龙，第 3 期（北京）——“数据处理单元”。Quick brown fox, 0.5%!";
        CHECK(compare("Noto Serif CJK SC", 400, 10.5, han) >= 390);
        CHECK(compare("Noto Sans CJK SC", 700, 24, han) >= 390);
        CHECK(compare("Noto Serif CJK SC", 400, 10.5, mixed) > 40);
        CHECK(compare("Noto Serif", 400, 10.5, "Typesetting fi ffl Quick brown fox, 0.5%!") > 30);
        CHECK(compare("Noto Serif", 700, 17, "Bold headings: Ärger über Öl") > 20);
        CHECK(compare("Noto Sans Mono", 400, 9, "int main(void) { return 0; }") > 20);
        free(han);
        test_core_coverage();
        g_object_unref(ctx);
        fontset_free(fs);
    }
    test_fonts_folder();
    diag_list_free(dl);
})
