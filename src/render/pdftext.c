/* pdftext: see pdftext.h.
 *
 * Positions.  Pango gives each glyph an advance (width) and an offset; the
 * pen moves by the advance, the glyph is drawn at pen + offset.  A PDF
 * text object moves its pen by the width written in the font's /W (in
 * thousandths of the size); wherever that is not where Pango wants the
 * next glyph (justification, letter spacing, CJK punctuation squeezed by
 * the layout, kerning), a TJ number moves it.  The text position is
 * tracked with the same rounding as the numbers written, so errors do not
 * add up along a line.  A glyph moved up or down (y offset) starts a new
 * text matrix.
 *
 * Text.  Clusters are taken from Pango's glyph item (characters ↔
 * glyphs).  A cluster's first glyph puts the cluster's text in the font's
 * ToUnicode map; when that glyph already maps to other text (the same
 * glyph for two characters, a .notdef box for characters no font has),
 * the cluster's glyphs are wrapped in a marked-content span with
 * /ActualText, which extractors read instead.
 */
#include "render/pdftext.h"

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb.h>
#include <math.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "render/pdfobj.h"

/* What a PangoFont needs in a text object, found once per font. */
typedef struct font_info {
    PangoFont *font;             /* borrowed: the layout holds it */
    int f;                       /* pdffont index, -1: none */
    double size;                 /* points */
    bool embolden;               /* fontconfig asked for synthetic bold */
    double skew;                 /* synthetic slant (FC_MATRIX xy) */
} font_info;

typedef struct text_renderer {
    PangoRenderer parent;
    pdftext *t;
    buf *ops;
} text_renderer;

typedef struct text_renderer_class {
    PangoRendererClass parent_class;
} text_renderer_class;

struct pdftext {
    pdffont_set *fonts;
    font_info *infos;
    size_t ninfos, cap;
    size_t last;
    PangoRenderer *renderer;
    /* per-run scratch, grown as needed */
    int *cl_start, *cl_len;
    size_t scratch;
};

/* ---- fonts ---- */

static const font_info *info_for(pdftext *t, PangoFont *font)
{
    if (t->last < t->ninfos && t->infos[t->last].font == font) return &t->infos[t->last];
    for (size_t i = 0; i < t->ninfos; i++)
        if (t->infos[i].font == font) {
            t->last = i;
            return &t->infos[i];
        }
    font_info *fi = &MEM_PUSH(t->infos, t->ninfos, t->cap);
    t->last = t->ninfos - 1;
    *fi = (font_info){font, pdffont_lookup(t->fonts, font), 0, false, 0};
    /* Pango scales its HarfBuzz font to the size in Pango units. */
    hb_font_t *hf = pango_font_get_hb_font(font);
    int xs = 0, ys = 0;
    if (hf) hb_font_get_scale(hf, &xs, &ys);
    fi->size = ys / (double)PANGO_SCALE;
    if (PANGO_IS_FC_FONT(font)) {
        FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
        FcBool b = FcFalse;
        if (pat && FcPatternGetBool(pat, FC_EMBOLDEN, 0, &b) == FcResultMatch && b)
            fi->embolden = true;
        FcMatrix *m = NULL;
        if (pat && FcPatternGetMatrix(pat, FC_MATRIX, 0, &m) == FcResultMatch && m)
            fi->skew = m->xy;
    }
    return fi;
}

/* ---- colour ---- */

static void fill_color(buf *ops, double r, double g, double b)
{
    double v[3] = {r, g, b};
    pdf_add_nums(ops, v, 3);
    buf_add(ops, " rg\n");
}

static void part_color(text_renderer *r, PangoRenderPart part, bool stroke_too)
{
    PangoColor *c = pango_renderer_get_color(&r->parent, part);
    double v[3] = {0, 0, 0};
    if (c) v[0] = c->red / 65535., v[1] = c->green / 65535., v[2] = c->blue / 65535.;
    pdf_add_nums(r->ops, v, 3);
    buf_add(r->ops, " rg\n");
    if (stroke_too) {
        pdf_add_nums(r->ops, v, 3);
        buf_add(r->ops, " RG\n");
    }
}

/* ---- glyph runs ---- */

static void grow_scratch(pdftext *t, size_t n)
{
    if (n <= t->scratch) return;
    t->scratch = n + 64;
    t->cl_start = mem_realloc(t->cl_start, t->scratch * sizeof *t->cl_start);
    t->cl_len = mem_realloc(t->cl_len, t->scratch * sizeof *t->cl_len);
}

/* Which cluster each glyph belongs to: its text (offset and length in the
 * layout's text; -1 and 0 for none). */
static void clusters_of(pdftext *t, const char *text, PangoGlyphItem *gi)
{
    PangoGlyphString *gs = gi->glyphs;
    grow_scratch(t, (size_t)gs->num_glyphs);
    for (int i = 0; i < gs->num_glyphs; i++) t->cl_start[i] = -1, t->cl_len[i] = 0;
    PangoGlyphItemIter it;
    for (gboolean have = pango_glyph_item_iter_init_start(&it, gi, text); have;
         have = pango_glyph_item_iter_next_cluster(&it)) {
        int lo = it.start_glyph < it.end_glyph ? it.start_glyph : it.end_glyph + 1;
        int hi = it.start_glyph < it.end_glyph ? it.end_glyph : it.start_glyph + 1;
        for (int i = lo; i < hi && i < gs->num_glyphs; i++) {
            t->cl_start[i] = it.start_index;
            t->cl_len[i] = it.end_index - it.start_index;
        }
    }
}

/* A TJ array being written: open tells whether "[" has been written. */
typedef struct tj {
    buf *ops;
    bool open, hex;              /* inside "[", inside "<...>" */
} tj;

static void tj_open(tj *j)
{
    if (!j->open) buf_addc(j->ops, '['), j->open = true;
}

static void tj_close(tj *j)
{
    if (j->hex) buf_addc(j->ops, '>'), j->hex = false;
    if (j->open) buf_add(j->ops, "] TJ\n"), j->open = false;
}

static void tj_code(tj *j, unsigned code)
{
    tj_open(j);
    if (!j->hex) buf_addc(j->ops, '<'), j->hex = true;
    pdf_add_hex4(j->ops, code);
}

static void tj_adjust(tj *j, double n)
{
    tj_open(j);
    if (j->hex) buf_addc(j->ops, '>'), j->hex = false;
    pdf_add_num(j->ops, n);
}

static void text_matrix(buf *ops, const font_info *fi, double x, double y)
{
    double m[6] = {1, 0, fi->skew, -1, x, y};
    pdf_add_nums(ops, m, 6);
    buf_add(ops, " Tm\n");
}

/* Opens a text object in fi's font and the run's colour; synthetic bold
 * is a stroke: FreeType widens outlines by 1/24 em (what cairo-ft drew),
 * and a stroke of that width adds half on each side. */
static void begin_text(text_renderer *r, const font_info *fi)
{
    buf *ops = r->ops;
    part_color(r, PANGO_RENDER_PART_FOREGROUND, fi->embolden);
    buf_add(ops, "BT\n/");
    buf_add(ops, pdffont_resource(r->t->fonts, fi->f));
    buf_addc(ops, ' ');
    pdf_add_num(ops, fi->size);
    buf_add(ops, " Tf\n");
    if (fi->embolden) {
        buf_add(ops, "2 Tr ");
        pdf_add_num(ops, fi->size / 24);
        buf_add(ops, " w\n");
    }
}

static void end_text(buf *ops, const font_info *fi)
{
    buf_add(ops, fi->embolden ? "0 Tr\nET\n" : "ET\n");
}

static void draw_glyph_item(PangoRenderer *renderer, const char *text, PangoGlyphItem *gi, int x,
                            int y)
{
    text_renderer *r = (text_renderer *)renderer;
    pdftext *t = r->t;
    buf *ops = r->ops;
    const font_info *fi = info_for(t, gi->item->analysis.font);
    PangoGlyphString *gs = gi->glyphs;
    if (fi->f < 0 || fi->size <= 0 || gs->num_glyphs == 0) return;
    clusters_of(t, text, gi);
    begin_text(r, fi);
    double size = fi->size;
    double cur = 0, cur_y = 0;
    bool placed = false;
    tj j = {ops, false, false};
    /* The cluster (its text offset) whose text has been given, and the
     * one in an /ActualText span, if any. */
    int mapped_at = -1, span_at = -1;
    bool span = false;
    int pen = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *g = &gs->glyphs[i];
        int adv = g->geometry.width;
        if (g->glyph == PANGO_GLYPH_EMPTY) {
            pen += adv;
            continue;
        }
        PangoGlyph glyph = g->glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : g->glyph;
        unsigned code;
        double w;
        if (!pdffont_glyph(t->fonts, fi->f, glyph, &code, &w)) {
            pen += adv;
            continue;
        }
        double tx = (x + pen + g->geometry.x_offset) / (double)PANGO_SCALE;
        double ty = (y + g->geometry.y_offset) / (double)PANGO_SCALE;
        if (!placed || fabs(ty - cur_y) > 1e-6) {
            tj_close(&j);
            text_matrix(ops, fi, tx, ty);
            cur = tx;
            cur_y = ty;
            placed = true;
        } else if (fabs(tx - cur) > 0.5e-4 * size) {
            /* A TJ number n moves the pen by -n/1000 of the size. */
            double n = round((cur - tx) * 1000.0 / size * 1000.0) / 1000.0;
            if (n != 0) {
                tj_adjust(&j, n);
                cur -= n * size / 1000.0;
            }
        }
        /* The text this glyph stands for: a cluster's text goes with its
         * first glyph; the others (the hyphen Pango adds at a break inside
         * a word) keep what the face's cmap says (pdffont_write()).  When
         * the map cannot take the text, the cluster's glyphs are wrapped
         * in a span with /ActualText. */
        int cs = t->cl_start[i], cl = t->cl_len[i];
        if (span && cs != span_at) {
            tj_close(&j);
            buf_add(ops, "EMC\n");
            span = false;
        }
        bool first = cs >= 0 && cl > 0 && cs != mapped_at;
        if (first) {
            mapped_at = cs;
            if (!pdffont_map_text(t->fonts, fi->f, code, text + cs, (size_t)cl)) {
                tj_close(&j);
                buf_add(ops, "/Span << /ActualText <FEFF");
                pdf_add_utf16_hex(ops, text + cs, (size_t)cl);
                buf_add(ops, "> >> BDC\n");
                span = true;
                span_at = cs;
            }
        }
        tj_code(&j, code);
        cur += w * size / 1000.0;
        pen += adv;
    }
    tj_close(&j);
    if (span) buf_add(ops, "EMC\n");
    end_text(ops, fi);
}

static void draw_glyphs(PangoRenderer *renderer, PangoFont *font, PangoGlyphString *gs, int x,
                        int y)
{
    /* Only reached for glyph strings without an item (shape attributes,
     * which folio does not use): drawn without text. */
    text_renderer *r = (text_renderer *)renderer;
    const font_info *fi = info_for(r->t, font);
    if (fi->f < 0 || fi->size <= 0) return;
    buf *ops = r->ops;
    begin_text(r, fi);
    int pen = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *g = &gs->glyphs[i];
        unsigned code;
        double w;
        PangoGlyph glyph = g->glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : g->glyph;
        if (g->glyph != PANGO_GLYPH_EMPTY && pdffont_glyph(r->t->fonts, fi->f, glyph, &code, &w)) {
            text_matrix(ops, fi, (x + pen + g->geometry.x_offset) / (double)PANGO_SCALE,
                        (y + g->geometry.y_offset) / (double)PANGO_SCALE);
            buf_addc(ops, '<');
            pdf_add_hex4(ops, code);
            buf_add(ops, "> Tj\n");
        }
        pen += g->geometry.width;
    }
    end_text(ops, fi);
}

static void draw_rectangle(PangoRenderer *renderer, PangoRenderPart part, int x, int y, int w,
                           int h)
{
    text_renderer *r = (text_renderer *)renderer;
    part_color(r, part, false);
    double v[4] = {x / (double)PANGO_SCALE, y / (double)PANGO_SCALE, w / (double)PANGO_SCALE,
                   h / (double)PANGO_SCALE};
    pdf_add_nums(r->ops, v, 4);
    buf_add(r->ops, " re f\n");
}

static void draw_trapezoid(PangoRenderer *renderer, PangoRenderPart part, double y1, double x11,
                           double x21, double y2, double x12, double x22)
{
    text_renderer *r = (text_renderer *)renderer;
    part_color(r, part, false);
    double pts[8] = {x11, y1, x21, y1, x22, y2, x12, y2};
    for (int i = 0; i < 4; i++) {
        pdf_add_nums(r->ops, pts + 2 * i, 2);
        buf_add(r->ops, i ? " l\n" : " m\n");
    }
    buf_add(r->ops, "h f\n");
}

static void renderer_class_init(gpointer klass, gpointer data)
{
    (void)data;
    PangoRendererClass *rc = PANGO_RENDERER_CLASS(klass);
    rc->draw_glyph_item = draw_glyph_item;
    rc->draw_glyphs = draw_glyphs;
    rc->draw_rectangle = draw_rectangle;
    rc->draw_trapezoid = draw_trapezoid;
}

/* Registered on first use; g_once makes the registration safe. */
static GType renderer_type(void)
{
    static gsize type;
    if (g_once_init_enter(&type)) {
        GType ty = g_type_register_static_simple(PANGO_TYPE_RENDERER, "FolioPdfTextRenderer",
                                                 sizeof(text_renderer_class), renderer_class_init,
                                                 sizeof(text_renderer), NULL, 0);
        g_once_init_leave(&type, ty);
    }
    return (GType)type;
}

/* ---- the writer ---- */

pdftext *pdftext_new(pdffont_set *fonts)
{
    pdftext *t = mem_calloc(1, sizeof *t);
    t->fonts = fonts;
    t->renderer = g_object_new(renderer_type(), NULL);
    ((text_renderer *)t->renderer)->t = t;
    return t;
}

void pdftext_free(pdftext *t)
{
    if (!t) return;
    g_object_unref(t->renderer);
    free(t->infos);
    free(t->cl_start);
    free(t->cl_len);
    free(t);
}

void pdftext_collect_line(pdffont_set *fonts, PangoLayoutLine *line)
{
    for (GSList *l = line->runs; l; l = l->next) {
        PangoGlyphItem *gi = l->data;
        PangoFont *font = gi->item->analysis.font;
        if (!font) continue;
        for (int i = 0; i < gi->glyphs->num_glyphs; i++)
            pdffont_collect(fonts, font, gi->glyphs->glyphs[i].glyph);
    }
}

void pdftext_show_line(pdftext *t, buf *ops, PangoLayoutLine *line, int x, int y)
{
    text_renderer *r = (text_renderer *)t->renderer;
    r->ops = ops;
    pango_renderer_draw_layout_line(t->renderer, line, x, y);
    r->ops = NULL;
}

/* ---- outlines ---- */

typedef struct outline_ctx {
    buf *ops;
    double ox, oy;               /* glyph origin, points */
} outline_ctx;

/* HarfBuzz draws in the font's scale (Pango units), y up. */
static void pt(outline_ctx *c, float x, float y)
{
    pdf_add_num(c->ops, c->ox + x / PANGO_SCALE);
    buf_addc(c->ops, ' ');
    pdf_add_num(c->ops, c->oy - y / PANGO_SCALE);
}

static void move_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                    void *ud)
{
    (void)df, (void)st, (void)ud;
    pt(data, x, y);
    buf_add(((outline_ctx *)data)->ops, " m\n");
}

static void line_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                    void *ud)
{
    (void)df, (void)st, (void)ud;
    pt(data, x, y);
    buf_add(((outline_ctx *)data)->ops, " l\n");
}

static void cubic_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float c1x, float c1y,
                     float c2x, float c2y, float x, float y, void *ud)
{
    (void)df, (void)st, (void)ud;
    outline_ctx *c = data;
    pt(c, c1x, c1y);
    buf_addc(c->ops, ' ');
    pt(c, c2x, c2y);
    buf_addc(c->ops, ' ');
    pt(c, x, y);
    buf_add(c->ops, " c\n");
}

static void quadratic_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float cx, float cy,
                         float x, float y, void *ud)
{
    /* The cubic with the same curve: control points 2/3 of the way from
     * each end to the quadratic's. */
    float x0 = st->current_x, y0 = st->current_y;
    cubic_to(df, data, st, x0 + 2.f / 3.f * (cx - x0), y0 + 2.f / 3.f * (cy - y0),
             x + 2.f / 3.f * (cx - x), y + 2.f / 3.f * (cy - y), x, y, ud);
}

static void close_path(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, void *ud)
{
    (void)df, (void)st, (void)ud;
    buf_add(((outline_ctx *)data)->ops, "h\n");
}

static hb_draw_funcs_t *draw_funcs(void)
{
    static gsize once;
    static hb_draw_funcs_t *df;
    if (g_once_init_enter(&once)) {
        df = hb_draw_funcs_create();
        hb_draw_funcs_set_move_to_func(df, move_to, NULL, NULL);
        hb_draw_funcs_set_line_to_func(df, line_to, NULL, NULL);
        hb_draw_funcs_set_quadratic_to_func(df, quadratic_to, NULL, NULL);
        hb_draw_funcs_set_cubic_to_func(df, cubic_to, NULL, NULL);
        hb_draw_funcs_set_close_path_func(df, close_path, NULL, NULL);
        hb_draw_funcs_make_immutable(df);
        g_once_init_leave(&once, 1);
    }
    return df;
}

void pdftext_outline_line(buf *ops, PangoLayoutLine *line, int x, int y, uint32_t rgb)
{
    fill_color(ops, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
    int pen = x;
    bool any = false;
    for (GSList *l = line->runs; l; l = l->next) {
        PangoGlyphItem *gi = l->data;
        hb_font_t *hf = gi->item->analysis.font ? pango_font_get_hb_font(gi->item->analysis.font) : NULL;
        for (int i = 0; i < gi->glyphs->num_glyphs; i++) {
            const PangoGlyphInfo *g = &gi->glyphs->glyphs[i];
            if (hf && g->glyph != PANGO_GLYPH_EMPTY && !(g->glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
                outline_ctx c = {ops, (pen + g->geometry.x_offset) / (double)PANGO_SCALE,
                                 (y + g->geometry.y_offset) / (double)PANGO_SCALE};
                size_t before = ops->len;
                hb_font_get_glyph_shape(hf, g->glyph, draw_funcs(), &c);
                any |= ops->len != before;
            }
            pen += g->geometry.width;
        }
    }
    if (any) buf_add(ops, "f\n");
}
