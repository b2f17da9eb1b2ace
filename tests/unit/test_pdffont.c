/* Unit tests for render/pdffont: the fonts folio embeds in its PDFs.
 *
 * A one-page PDF is built with pdfobj and pdffont from text shaped with
 * Pango: Chinese in Noto Sans CJK SC (a CID-keyed CFF in a collection),
 * regular and bold, and at two sizes (one PDF font), Latin in Noto Sans
 * (TrueType) with a ligature and a character it lacks (drawn as .notdef),
 * and a face looked up only after pdffont_prepare().  The test then reads
 * the file as a viewer would, with its own small parser: each font's
 * dictionaries, /W, the ToUnicode map, and the embedded program, inflated
 * and loaded with FreeType.  The glyph each code selects there (a CID in a
 * bare CFF, which FreeType maps through the charset as a PDF viewer does;
 * a glyph id in a TrueType) must have the original glyph's outline and
 * advance, /W must hold the width pdffont_glyph() gave, and ToUnicode the
 * text each code was drawn for.  Twice the same document gives the same
 * bytes.  And all of it again with every face embedded whole (the
 * fallback when a face cannot be cut).
 *
 * With FOLIO_KEEP_PDF set, the PDF is kept and its path printed (for
 * pdffonts, pdftotext and pdftoppm). */
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <math.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "check.h"
#include "config.h"
#include "render/pdffont.h"
#include "render/pdfobj.h"
#include "style/fonts.h"

static fontset *fset;
static PangoContext *ctx;
static FT_Library ft;

/* A line of text in one font, shaped. */
typedef struct run {
    const char *family;
    int weight;
    double size;
    const char *text;
    bool late;              /* looked up only after pdffont_prepare() */
    PangoFont *font;
    PangoGlyphString *gs;
} run;

static run runs[] = {
    {"Noto Sans CJK SC", 400, 24, "中文排版：骨直复，“测试”。", false, NULL, NULL},
    {"Noto Sans", 400, 24, "Hello, office fi 0.5% \xe0\xb8\x81!", false, NULL, NULL},
    {"Noto Sans CJK SC", 700, 24, "粗体中文骨", false, NULL, NULL},
    {"Noto Sans CJK SC", 400, 12, "中文小字", false, NULL, NULL},
    {"Noto Serif", 400, 24, "A", true, NULL, NULL},
};
#define NRUNS (sizeof runs / sizeof *runs)

/* A glyph drawn: what the PDF must give back for it. */
typedef struct drawn {
    int f;
    unsigned code;
    PangoGlyph glyph;       /* in the original face; 0 for .notdef */
    PangoFont *font;
    double width;           /* pdffont_glyph()'s */
    char text[32];          /* the text mapped, "" when none */
} drawn;

static drawn draws[256];
static size_t ndraws;
static int fonts_used[8], nfonts_used;

static void shape_runs(void)
{
    for (size_t i = 0; i < NRUNS; i++) {
        run *r = &runs[i];
        PangoFontDescription *d = pango_font_description_new();
        pango_font_description_set_family(d, r->family);
        pango_font_description_set_weight(d, (PangoWeight)r->weight);
        pango_font_description_set_size(d, (int)(r->size * PANGO_SCALE));
        r->font = pango_font_map_load_font(pango_context_get_font_map(ctx), ctx, d);
        pango_font_description_free(d);
        CHECK(r->font != NULL);
        r->gs = pango_glyph_string_new();
        PangoAnalysis an = {0};
        an.font = r->font;
        an.language = pango_language_from_string("zh-cn");
        an.script = PANGO_SCRIPT_COMMON;
        pango_shape(r->text, (int)strlen(r->text), &an, r->gs);
    }
}

/* The bytes of r's text that glyph i was drawn for: its cluster, for the
 * first glyph of the cluster only. */
static size_t cluster_text(const run *r, int i, const char **s)
{
    const int *lc = r->gs->log_clusters;
    if (i > 0 && lc[i - 1] == lc[i]) return 0;
    int end = (int)strlen(r->text);
    for (int j = 0; j < r->gs->num_glyphs; j++)
        if (lc[j] > lc[i] && lc[j] < end) end = lc[j];
    *s = r->text + lc[i];
    return (size_t)(end - lc[i]);
}

/* The whole document: catalog, pages, one page, its content and fonts.
 * keep_api: record the glyphs drawn and check the API's answers. */
static void build(buf *out, bool record, bool whole)
{
    pdffont_set *fs = pdffont_set_new();
    pdffont_set_embed_whole(fs, whole);
    for (size_t i = 0; i < NRUNS; i++)
        for (int k = 0; !runs[i].late && k < runs[i].gs->num_glyphs; k++)
            pdffont_collect(fs, runs[i].font, runs[i].gs->glyphs[k].glyph);
    pdffont_collect(fs, runs[0].font, PANGO_GLYPH_EMPTY);
    pdffont_prepare(fs);

    pdfobj *w = pdfobj_new();
    int catalog = pdfobj_reserve(w), pages = pdfobj_reserve(w), page = pdfobj_reserve(w),
        content = pdfobj_reserve(w);
    buf c = BUF_INIT, res = BUF_INIT;
    int fonts[NRUNS];
    if (record) ndraws = 0, nfonts_used = 0;
    for (size_t i = 0; i < NRUNS; i++) {
        run *r = &runs[i];
        int f = fonts[i] = pdffont_lookup(fs, r->font);
        CHECK(f >= 0);
        if (f < 0) continue;
        bool first = true;
        for (size_t j = 0; j < i; j++) first = first && fonts[j] != f;
        if (first) {
            buf_addf(&res, " /%s %d 0 R", pdffont_resource(fs, f), pdffont_objnum(fs, w, f));
            if (record) fonts_used[nfonts_used++] = f;
        }
        buf_addf(&c, "BT /%s ", pdffont_resource(fs, f));
        pdf_add_num(&c, r->size);
        buf_addf(&c, " Tf 1 0 0 1 50 %d Tm <", 760 - 40 * (int)i);
        for (int k = 0; k < r->gs->num_glyphs; k++) {
            PangoGlyph g = r->gs->glyphs[k].glyph;
            if (g == PANGO_GLYPH_EMPTY) continue;
            if (g & PANGO_GLYPH_UNKNOWN_FLAG) g = 0;
            unsigned code = 0;
            double width = 0;
            bool ok = pdffont_glyph(fs, f, g, &code, &width);
            if (r->late) {
                /* Not collected: only .notdef is in the cut face. */
                CHECK(!ok);
                g = 0;
                ok = pdffont_glyph(fs, f, g, &code, &width);
            }
            CHECK(ok);
            if (!ok) continue;
            buf_addf(&c, "%04X", code);
            const char *s = NULL;
            size_t n = r->late ? 0 : cluster_text(r, k, &s);
            bool mapped = n && pdffont_map_text(fs, f, code, s, n);
            if (record && ndraws < sizeof draws / sizeof *draws) {
                drawn *d = &draws[ndraws++];
                *d = (drawn){f, code, g, r->font, width, ""};
                if (mapped && n < sizeof d->text) memcpy(d->text, s, n), d->text[n] = 0;
            }
        }
        buf_add(&c, "> Tj ET\n");
    }
    if (record) {
        /* The two sizes of the regular CJK face are one font; bold is another. */
        CHECK_INT(fonts[3], fonts[0]);
        CHECK(fonts[2] != fonts[0]);
        CHECK_STR(pdffont_resource(fs, fonts[0]), "F1");
        CHECK_STR(pdffont_resource(fs, fonts[1]), "F2");
        /* First text wins. */
        CHECK(!pdffont_map_text(fs, fonts[0], draws[0].code, "x", 1));
        CHECK(pdffont_map_text(fs, fonts[0], draws[0].code, "中", 3));
        CHECK(!pdffont_glyph(fs, fonts[0], PANGO_GLYPH_EMPTY, NULL, NULL));
        CHECK_INT(pdffont_lookup(fs, NULL), -1);
        int nf = 0, ng = 0;
        pdffont_stats(fs, &nf, &ng);
        CHECK_INT(nf, 3);
        buf desc = BUF_INIT;
        pdffont_describe(fs, &desc);
        /* Two CFF faces, each "FILE INDEX gid...", SC being index 2. */
        CHECK(desc.s && strstr(desc.s, "NotoSansCJK-Regular.ttc 2 ") != NULL);
        CHECK(desc.s && strstr(desc.s, "NotoSansCJK-Bold.ttc 2 ") != NULL);
        CHECK(desc.s && !strstr(desc.s, "NotoSans-Regular"));
        buf_free(&desc);
    }
    buf_add(&c, "\n");
    pdfobj_write_stream(w, content, NULL, c.s, c.len, true);
    buf b = BUF_INIT;
    buf_addf(&b, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font <<%s >> >>"
                 " /Contents %d 0 R >>",
             pages, res.s, content);
    pdfobj_write(w, page, b.s, b.len);
    buf_truncate(&b, 0);
    buf_addf(&b, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page);
    pdfobj_write(w, pages, b.s, b.len);
    buf_truncate(&b, 0);
    buf_addf(&b, "<< /Type /Catalog /Pages %d 0 R >>", pages);
    pdfobj_write(w, catalog, b.s, b.len);
    CHECK(pdffont_write(fs, w));
    CHECK(pdfobj_finish(w, catalog, 0, out));
    buf_free(&b);
    buf_free(&c);
    buf_free(&res);
    pdfobj_free(w);
    pdffont_set_free(fs);
}

/* ---- reading the PDF back ---- */

static const buf *pdf;

/* Object num's text, up to "endobj" (its stream included). */
static const char *object(int num, size_t *len)
{
    char head[32];
    int n = snprintf(head, sizeof head, "\n%d 0 obj\n", num);
    const char *p = memmem(pdf->s, pdf->len, head, (size_t)n);
    if (!p) return NULL;
    p += n;
    const char *end = memmem(p, pdf->len - (size_t)(p - pdf->s), "\nendobj", 7);
    *len = end ? (size_t)(end - p) : 0;
    return end ? p : NULL;
}

/* The integer after key in object num's dictionary ("/FontFile3 12 0 R"
 * gives 12); -1 when absent. */
static long entry(int num, const char *key)
{
    size_t len;
    const char *o = object(num, &len);
    const char *k = o ? memmem(o, len, key, strlen(key)) : NULL;
    if (!k) return -1;
    k += strlen(key);
    if (*k == '[') k++;
    return strtol(k, NULL, 10);
}

static bool has(int num, const char *s)
{
    size_t len;
    const char *o = object(num, &len);
    return o && memmem(o, len, s, strlen(s)) != NULL;
}

/* Object num's stream data, inflated when it says /FlateDecode. */
static bool stream(int num, buf *out)
{
    size_t len;
    const char *o = object(num, &len);
    const char *s = o ? memmem(o, len, ">>\nstream\n", 10) : NULL;
    long n = entry(num, "/Length ");
    if (!s || n < 0) return false;
    s += 10;
    if (!has(num, "/FlateDecode")) {
        buf_addn(out, s, (size_t)n);
        return true;
    }
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK) return false;
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    int rc;
    do {
        buf_reserve(out, 1 << 16);
        z.next_out = (Bytef *)out->s + out->len;
        z.avail_out = 1 << 16;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len = (size_t)((char *)z.next_out - out->s);
    } while (rc == Z_OK);
    inflateEnd(&z);
    return rc == Z_STREAM_END;
}

/* The width /W gives code, else /DW; -1 when neither is there. */
static long w_width(int cidfont, unsigned code)
{
    size_t len;
    const char *o = object(cidfont, &len);
    const char *p = o ? memmem(o, len, "/W [", 4) : NULL;
    long dw = entry(cidfont, "/DW ");
    if (!p) return dw;
    p += 4;
    while (*p && *p != ']') {
        char *e;
        unsigned long first = strtoul(p, &e, 10);
        p = e;
        while (*p == ' ') p++;
        if (*p != '[') return -1;
        p++;
        for (unsigned long c = first; *p != ']'; c++) {
            long v = strtol(p, &e, 10);
            if (e == p) return -1;
            if (c == code) return v;
            p = e;
            while (*p == ' ') p++;
        }
        p++;
        while (*p == ' ') p++;
    }
    return dw;
}

/* Text as UTF-16BE hex, as a ToUnicode destination. */
static void utf16(const char *s, buf *out)
{
    for (size_t i = 0, n = strlen(s), adv; i < n; i += adv) {
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        if (cp >= 0x10000)
            buf_addf(out, "%04X%04X", 0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + (cp & 0x3FF));
        else
            buf_addf(out, "%04X", cp);
    }
}

static FT_Face original_face(PangoFont *font)
{
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8 *file = NULL;
    int index = 0;
    FcPatternGetString(pat, FC_FILE, 0, &file);
    FcPatternGetInteger(pat, FC_INDEX, 0, &index);
    FT_Face f = NULL;
    if (!file || FT_New_Face(ft, (const char *)file, index, &f)) return NULL;
    return f;
}

/* Glyph g of face, in font units, unhinted: outline points and advance. */
typedef struct outline {
    bool ok;
    int npoints, ncontours;
    long advance;
    unsigned long sum;      /* a checksum of every coordinate and contour end */
} outline;

static outline load(FT_Face face, unsigned g)
{
    outline o = {0};
    if (FT_Load_Glyph(face, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING)) return o;
    FT_Outline *ol = &face->glyph->outline;
    o.ok = true;
    o.npoints = ol->n_points;
    o.ncontours = ol->n_contours;
    o.advance = face->glyph->metrics.horiAdvance;
    for (int i = 0; i < ol->n_points; i++)
        o.sum = o.sum * 31 + (unsigned long)(ol->points[i].x * 7 + ol->points[i].y);
    for (int i = 0; i < ol->n_contours; i++) o.sum = o.sum * 17 + (unsigned long)ol->contours[i];
    return o;
}

/* The glyphs a TrueType subset of font f's drawn glyphs must hold:
 * .notdef, the glyphs drawn and the components of composite glyphs among
 * them, through any depth. */
static unsigned closure(int f)
{
    FT_UInt set[512];
    unsigned n = 0;
    FT_Face orig = NULL;
    set[n++] = 0;
    for (size_t k = 0; k < ndraws; k++) {
        if (draws[k].f != f) continue;
        if (!orig) orig = original_face(draws[k].font);
        bool seen = false;
        for (unsigned j = 0; j < n; j++) seen = seen || set[j] == draws[k].glyph;
        if (!seen) set[n++] = draws[k].glyph;
    }
    for (unsigned i = 0; orig && i < n; i++) {
        if (FT_Load_Glyph(orig, set[i], FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE) ||
            orig->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
            continue;
        for (FT_UInt s = 0; s < orig->glyph->num_subglyphs; s++) {
            FT_Int index, flags, arg1, arg2;
            FT_Matrix m;
            FT_Get_SubGlyph_Info(orig->glyph, s, &index, (FT_UInt *)&flags, &arg1, &arg2, &m);
            bool seen = false;
            for (unsigned j = 0; j < n; j++) seen = seen || set[j] == (FT_UInt)index;
            if (!seen && n < 512) set[n++] = (FT_UInt)index;
        }
    }
    if (orig) FT_Done_Face(orig);
    return n;
}

/* Every check on the document in p, built with faces cut (whole false) or
 * embedded whole. */
static void check_pdf(const buf *p, bool whole)
{
    pdf = p;
    int type0_of[8] = {0};
    /* The Type0 object of each font: the page's /Resources name it. */
    for (int i = 0; i < nfonts_used; i++) {
        char key[16];
        snprintf(key, sizeof key, "/F%d ", fonts_used[i] + 1);
        const char *k = memmem(pdf->s, pdf->len, key, strlen(key));
        CHECK(k != NULL);
        type0_of[fonts_used[i]] = k ? atoi(k + strlen(key)) : 0;
    }
    int checked = 0, same = 0, widths = 0, texts = 0, notdefs = 0;
    for (int i = 0; i < nfonts_used; i++) {
        int f = fonts_used[i], t0 = type0_of[f];
        CHECK(has(t0, "/Subtype /Type0") && has(t0, "/Encoding /Identity-H"));
        int cid = (int)entry(t0, "/DescendantFonts ");
        int desc = (int)entry(cid, "/FontDescriptor ");
        bool cff = has(cid, "/Subtype /CIDFontType0 ");
        CHECK(cff || (has(cid, "/Subtype /CIDFontType2") && has(cid, "/CIDToGIDMap /Identity")));
        CHECK(has(cid, "/Registry (Adobe) /Ordering (Identity) /Supplement 0"));
        int file = (int)entry(desc, cff ? "/FontFile3 " : "/FontFile2 ");
        buf prog = BUF_INIT, cmap = BUF_INIT;
        CHECK(file > 0 && stream(file, &prog));
        if (cff) CHECK(has(file, "/Subtype /CIDFontType0C"));
        else CHECK_INT(entry(file, "/Length1 "), prog.len);
        /* The subset name: six capitals, "+", the PostScript name. */
        size_t len;
        const char *o = object(desc, &len);
        const char *nm = o ? memmem(o, len, "/FontName /", 11) : NULL;
        CHECK(nm != NULL);
        if (nm) {
            nm += 11;
            bool tag = true;
            for (int k = 0; k < 6; k++) tag = tag && nm[k] >= 'A' && nm[k] <= 'Z';
            CHECK(tag && nm[6] == '+');
            CHECK(!strncmp(nm + 7, "NotoSans", 8) || !strncmp(nm + 7, "NotoSerif", 9));
            if (cff) CHECK(!strncmp(nm + 7, "NotoSansCJKsc-", 14));
        }
        long tu = entry(t0, "/ToUnicode ");
        if (tu > 0) CHECK(stream((int)tu, &cmap));
        CHECK(!cmap.len || (strstr(cmap.s, "begincmap") && strstr(cmap.s, "endcmap") &&
                            strstr(cmap.s, "1 begincodespacerange\n<0000> <FFFF>")));

        FT_Face sub = NULL;
        CHECK(FT_New_Memory_Face(ft, (const FT_Byte *)prog.s, (FT_Long)prog.len, 0, &sub) == 0);
        if (!sub) continue;
        if (cff) {
            FT_Bool cidkeyed = 0;
            FT_Get_CID_Is_Internally_CID_Keyed(sub, &cidkeyed);
            CHECK(cidkeyed);
        }
        /* Distinct glyphs of this font, and the glyphs the program holds. */
        unsigned distinct = 0;
        bool notdef = false;
        for (size_t k = 0; k < ndraws; k++) {
            if (draws[k].f != f) continue;
            bool seen = false;
            for (size_t j = 0; j < k; j++) seen = seen || (draws[j].f == f && draws[j].code == draws[k].code);
            distinct += !seen;
            notdef = notdef || draws[k].glyph == 0;
        }
        if (!whole) {
            /* In a bare CID-keyed CFF FreeType counts CIDs up to the
             * highest and loads only those in the charset. */
            unsigned loadable = 0;
            for (long g = 0; g < sub->num_glyphs; g++)
                loadable += !FT_Load_Glyph(sub, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
            unsigned want = cff ? distinct + !notdef : closure(f);
            CHECK_INT(loadable, want);
            printf("font F%d: %u glyphs drawn, %u in the program\n", f + 1, distinct + !notdef,
                   loadable);
        }
        FT_Face orig = NULL;
        for (size_t k = 0; k < ndraws; k++) {
            drawn *d = &draws[k];
            if (d->f != f) continue;
            if (!orig) orig = original_face(d->font);
            CHECK(orig != NULL);
            if (!orig) break;
            checked++;
            outline a = load(orig, d->glyph), b = load(sub, d->code);
            if (a.ok && b.ok && a.npoints == b.npoints && a.ncontours == b.ncontours && a.sum == b.sum &&
                a.advance == b.advance)
                same++;
            else
                fprintf(stderr, "  font %d code %04X glyph %u: %d/%d points, advance %ld/%ld\n", f,
                        d->code, d->glyph, a.npoints, b.npoints, a.advance, b.advance);
            long want = lround(a.advance * 1000.0 / orig->units_per_EM);
            widths += w_width(cid, d->code) == want && d->width == want;
            notdefs += d->glyph == 0 && a.npoints > 0;
            if (d->text[0]) {
                buf e = BUF_INIT;
                buf_addf(&e, "<%04X> <", d->code);
                utf16(d->text, &e);
                buf_add(&e, ">\n");
                texts += cmap.s && strstr(cmap.s, e.s) != NULL;
                buf_free(&e);
            } else {
                texts++;
            }
        }
        if (orig) FT_Done_Face(orig);
        FT_Done_Face(sub);
        buf_free(&prog);
        buf_free(&cmap);
    }
    CHECK(checked > 30);
    CHECK_INT(same, checked);
    CHECK_INT(widths, checked);
    CHECK_INT(texts, checked);
    CHECK(notdefs >= 2);    /* the Thai character and the late face: boxes */
}

static void keep(const buf *b, const char *name)
{
    if (!getenv("FOLIO_KEEP_PDF")) return;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
    FILE *f = fopen(path, "wb");
    if (f && fwrite(b->s, 1, b->len, f) == b->len) printf("kept %s\n", path);
    if (f) fclose(f);
}

static void run_all(void)
{
    diag_list *dl = diag_list_new();
    fset = fontset_new(FOLIO_SOURCE_DIR "/fonts", dl);
    CHECK(fset != NULL);
    CHECK(FT_Init_FreeType(&ft) == 0);
    if (fset) {
        ctx = fontset_context(fset, "zh-Hans");
        shape_runs();

        buf a = BUF_INIT, b = BUF_INIT;
        build(&a, true, false);
        build(&b, false, false);
        CHECK(a.len > 0 && a.len == b.len && memcmp(a.s, b.s, a.len) == 0);
        /* Cut to a few dozen glyphs: small. */
        CHECK(a.len < 60000);
        check_pdf(&a, false);
        keep(&a, "test_pdffont.pdf");

        buf c = BUF_INIT;
        build(&c, true, true);
        CHECK(c.len > 1000000);
        check_pdf(&c, true);
        keep(&c, "test_pdffont_whole.pdf");

        buf_free(&a);
        buf_free(&b);
        buf_free(&c);
        for (size_t i = 0; i < NRUNS; i++) {
            pango_glyph_string_free(runs[i].gs);
            g_object_unref(runs[i].font);
        }
        g_object_unref(ctx);
        fontset_free(fset);
    }
    FT_Done_FreeType(ft);
    diag_list_free(dl);
}

TEST_MAIN(run_all())
