/* subset: see subset.h.
 *
 * Collecting.  Every BOX_LINE of every page (and of every placed page) is
 * walked run by run; a run's PangoFont names the face through its HarfBuzz
 * face, which Pango creates once per font file and index and shares
 * between sizes, so glyph sets are kept per hb_face_t.  A face qualifies
 * when it has a 'CFF ' table, no 'fvar' and the font is not emboldened by
 * fontconfig (FC_EMBOLDEN: cairo would have to synthesise the outlines).
 *
 * Cutting.  hb-subset gets the glyph ids (notdef is always kept) and no
 * code points, over a view of the face without its cmap (see
 * table_without_cmap()), so nothing but the glyphs drawn survives.  Layout tables
 * are dropped: the subset face is never shaped with, and GSUB closure
 * would only pull in glyphs no line uses.  Glyph ids are renumbered; the
 * plan's old-to-new map turns Pango's ids into the subset's when drawing.
 * Charstrings are desubroutinized (see cut()); hints are kept.  The
 * result is loaded with FreeType from memory and wrapped in a cairo font
 * face, which owns the FreeType face and the blob through user data (cairo
 * may keep a face after subset_free(), in its font caches).
 *
 * Drawing.  A PangoRenderer subclass does what pango-cairo's renderer
 * does: Pango's base class walks the runs and their attributes (colours,
 * background, underline, strike-through, rise) and calls back here; glyph
 * runs go to cairo_show_text_glyphs() with the run's text and clusters
 * (so ToUnicode and text extraction stay right), positions computed as
 * pango-cairo computes them: the pen advances by each glyph's width, and
 * each glyph is shifted by its x and y offsets.  A run whose font is not
 * subset is drawn by pango_cairo_show_glyph_item(), as before.  A
 * character no font has is drawn as the font's .notdef glyph (a box) under
 * its own cluster, not as pango-cairo's box of hex digits.
 */
#include "render/subset.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/mem.h"

typedef struct face_entry {
    hb_face_t *src;              /* Pango's face, referenced */
    hb_set_t *glyphs;            /* ids in src */
    hb_subset_plan_t *plan;      /* NULL when the face could not be cut */
    const hb_map_t *old_to_new;  /* borrowed from plan */
    cairo_font_face_t *face;     /* the subset, NULL when not cut */
    char *file;                  /* the font file and face index, for subset_describe() */
    int index;
} face_entry;

typedef struct font_entry {
    PangoFont *font;             /* referenced */
    int face;                    /* index into faces, -1: not subset */
    cairo_scaled_font_t *scaled; /* NULL until first drawn, or on failure */
} font_entry;

/* A FreeType library shared by the subset and every face cut from it:
 * cairo may keep a face after subset_free(), so the last one out frees it. */
typedef struct ft_lib {
    FT_Library lib;
    int refs;
} ft_lib;

static void ft_lib_unref(ft_lib *l)
{
    if (l && --l->refs == 0) {
        FT_Done_FreeType(l->lib);
        free(l);
    }
}

struct subset_cache {
    ft_lib *ft;
    face_entry *faces;           /* glyphs: every glyph cut so far */
    size_t nfaces, facecap;
    font_entry *fonts;
    size_t nfonts, fontcap;
    size_t last;                 /* index of the last font looked up */
};

struct subset {
    subset_cache *c;
    bool own;                    /* c was made for this subset alone */
    hb_set_t **used;             /* per face of c: the glyphs this document shows */
    size_t nused;
    PangoRenderer *renderer;
};

/* ---- collecting ---- */

static bool face_qualifies(PangoFont *font, hb_face_t *hf)
{
    if (!PANGO_IS_FC_FONT(font)) return false;
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcBool embolden = FcFalse;
    if (pat && FcPatternGetBool(pat, FC_EMBOLDEN, 0, &embolden) == FcResultMatch && embolden)
        return false;
    if (hb_ot_var_has_data(hf)) return false;
    hb_blob_t *cff = hb_face_reference_table(hf, HB_TAG('C', 'F', 'F', ' '));
    bool ok = hb_blob_get_length(cff) > 0;
    hb_blob_destroy(cff);
    return ok;
}

static font_entry *find_font(subset_cache *c, PangoFont *font)
{
    if (c->last < c->nfonts && c->fonts[c->last].font == font) return &c->fonts[c->last];
    for (size_t i = 0; i < c->nfonts; i++)
        if (c->fonts[i].font == font) {
            c->last = i;
            return &c->fonts[i];
        }
    return NULL;
}

static font_entry *add_font(subset_cache *ss, PangoFont *font)
{
    font_entry *fe = find_font(ss, font);
    if (fe) return fe;
    fe = &MEM_PUSH(ss->fonts, ss->nfonts, ss->fontcap);
    fe->font = g_object_ref(font);
    fe->face = -1;
    fe->scaled = NULL;
    ss->last = ss->nfonts - 1;
    hb_font_t *hbf = pango_font_get_hb_font(font);
    hb_face_t *hf = hbf ? hb_font_get_face(hbf) : NULL;
    if (!hf || !face_qualifies(font, hf)) return fe;
    for (size_t i = 0; i < ss->nfaces; i++)
        if (ss->faces[i].src == hf) {
            fe->face = (int)i;
            return fe;
        }
    face_entry *e = &MEM_PUSH(ss->faces, ss->nfaces, ss->facecap);
    *e = (face_entry){hb_face_reference(hf), hb_set_create(), NULL, NULL, NULL, NULL, 0};
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8 *file = NULL;
    if (FcPatternGetString(pat, FC_FILE, 0, &file) == FcResultMatch) e->file = mem_strdup((const char *)file);
    FcPatternGetInteger(pat, FC_INDEX, 0, &e->index);
    fe->face = (int)(ss->nfaces - 1);
    return fe;
}

static bool run_has_unknown(const PangoGlyphString *gs)
{
    for (int i = 0; i < gs->num_glyphs; i++)
        if (gs->glyphs[i].glyph != PANGO_GLYPH_EMPTY &&
            (gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
            return true;
    return false;
}

static void collect_line(subset *ss, PangoLayoutLine *line)
{
    for (GSList *l = line ? line->runs : NULL; l; l = l->next) {
        PangoGlyphItem *run = l->data;
        font_entry *fe = add_font(ss->c, run->item->analysis.font);
        if (fe->face < 0) continue;
        while (ss->nused <= (size_t)fe->face) {
            ss->used = mem_realloc(ss->used, (ss->nused + 1) * sizeof *ss->used);
            ss->used[ss->nused++] = hb_set_create();
        }
        hb_set_t *set = ss->used[fe->face];
        for (int i = 0; i < run->glyphs->num_glyphs; i++) {
            PangoGlyph g = run->glyphs->glyphs[i].glyph;
            if (g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG)) hb_set_add(set, g);
        }
    }
}

/* depth: placed pages nest one level (impose.c); the limit guards a cycle. */
static void collect_page(subset *ss, const page *pg, int depth)
{
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind == BOX_LINE)
            collect_line(ss, pango_layout_get_line_readonly(b->layout, b->line));
        else if (b->kind == BOX_PLACED && depth < 4)
            collect_page(ss, b->placed, depth + 1);
    }
}

/* ---- cutting ---- */

typedef struct face_owner {
    ft_lib *ft;
    FT_Face face;
    hb_blob_t *blob;
} face_owner;

static const cairo_user_data_key_t owner_key;

static void owner_free(void *p)
{
    face_owner *o = p;
    FT_Done_Face(o->face);
    hb_blob_destroy(o->blob);
    ft_lib_unref(o->ft);
    free(o);
}

/* Pango's face without its cmap: given glyph ids, hb-subset 6.0 would
 * otherwise build a map of all 44 000 code points of a CJK face per
 * document just to learn which of them the kept glyphs carry, and the
 * subset face needs none (text goes to cairo with every run). */
static hb_blob_t *table_without_cmap(hb_face_t *face, hb_tag_t tag, void *src)
{
    (void)face;
    if (tag == HB_TAG('c', 'm', 'a', 'p')) return hb_blob_get_empty();
    return hb_face_reference_table(src, tag);
}

static void release_face(void *p) { hb_face_destroy(p); }

static void cut(subset_cache *ss, face_entry *e)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return;
    hb_set_union(hb_subset_input_glyph_set(in), e->glyphs);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    static const hb_tag_t dropped[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
        HB_TAG('D', 'S', 'I', 'G'),
    };
    for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++) hb_set_add(drop, dropped[i]);
    /* Charstrings without subroutines: cairo's own CFF subsetter (which
     * still runs over the result) keeps every subroutine a kept glyph
     * calls, unshared; flat charstrings came out 11 % smaller for the seed
     * and halve hb-subset's time. */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_face_t *src = hb_face_create_for_tables(table_without_cmap, hb_face_reference(e->src),
                                               release_face);
    e->plan = hb_subset_plan_create_or_fail(src, in);
    hb_face_destroy(src);
    hb_subset_input_destroy(in);
    if (!e->plan) return;
    hb_face_t *cutf = hb_subset_plan_execute_or_fail(e->plan);
    if (!cutf) return;
    hb_blob_t *blob = hb_face_reference_blob(cutf);
    hb_face_destroy(cutf);
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    FT_Face ftf = NULL;
    if (!len || FT_New_Memory_Face(ss->ft->lib, (const FT_Byte *)data, (FT_Long)len, 0, &ftf)) {
        hb_blob_destroy(blob);
        return;
    }
    /* Outlines as they are: no hinting, like the rest of folio's PDF text. */
    cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(ftf, FT_LOAD_NO_HINTING);
    face_owner *o = mem_calloc(1, sizeof *o);
    *o = (face_owner){ss->ft, ftf, blob};
    ss->ft->refs++;
    if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS ||
        cairo_font_face_set_user_data(cf, &owner_key, o, owner_free) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(cf);
        owner_free(o);
        return;
    }
    e->face = cf;
    e->old_to_new = hb_subset_plan_old_to_new_glyph_mapping(e->plan);
}

/* Makes e's face hold its glyphs again after they grew: the old face and
 * the fonts made from it go (cairo keeps what it still draws with). */
static void recut(subset_cache *c, size_t i)
{
    face_entry *e = &c->faces[i];
    for (size_t k = 0; k < c->nfonts; k++)
        if (c->fonts[k].face == (int)i && c->fonts[k].scaled) {
            cairo_scaled_font_destroy(c->fonts[k].scaled);
            c->fonts[k].scaled = NULL;
        }
    if (e->face) cairo_font_face_destroy(e->face);
    if (e->plan) hb_subset_plan_destroy(e->plan);
    e->face = NULL;
    e->plan = NULL;
    e->old_to_new = NULL;
    if (c->ft) cut(c, e);
}

/* The font to draw fe's glyphs with: the subset face at the size, shear
 * and options of the font Pango shaped with. */
static cairo_scaled_font_t *scaled_for(subset_cache *ss, font_entry *fe)
{
    if (fe->scaled || fe->face < 0 || !ss->faces[fe->face].face) return fe->scaled;
    cairo_scaled_font_t *ps = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(fe->font));
    if (!ps) return NULL;
    cairo_matrix_t fm, ctm;
    cairo_scaled_font_get_font_matrix(ps, &fm);
    cairo_scaled_font_get_ctm(ps, &ctm);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_scaled_font_get_font_options(ps, fo);
    cairo_scaled_font_t *sf = cairo_scaled_font_create(ss->faces[fe->face].face, &fm, &ctm, fo);
    cairo_font_options_destroy(fo);
    if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_scaled_font_destroy(sf);
        fe->face = -1;
        return NULL;
    }
    return fe->scaled = sf;
}

/* ---- the renderer ---- */

typedef struct subset_renderer {
    PangoRenderer parent;
    cairo_t *cr;
    subset *ss;
} subset_renderer;

typedef struct subset_renderer_class {
    PangoRendererClass parent_class;
} subset_renderer_class;


/* pango-cairo's set_color(): the part's colour and alpha from the
 * attributes, else the source as it is (the caller's black). */
static void set_color(subset_renderer *r, PangoRenderPart part)
{
    PangoColor *c = pango_renderer_get_color(&r->parent, part);
    guint16 a = pango_renderer_get_alpha(&r->parent, part);
    if (!a && !c) return;
    double red = 0, green = 0, blue = 0, alpha = 1;
    if (c) {
        red = c->red / 65535.;
        green = c->green / 65535.;
        blue = c->blue / 65535.;
    } else {
        cairo_pattern_t *p = cairo_get_source(r->cr);
        if (p && cairo_pattern_get_type(p) == CAIRO_PATTERN_TYPE_SOLID)
            cairo_pattern_get_rgba(p, &red, &green, &blue, &alpha);
    }
    if (a) alpha = a / 65535.;
    cairo_set_source_rgba(r->cr, red, green, blue, alpha);
}

/* The run through pango-cairo, at (x, y) Pango units. */
static void show_with_pango(subset_renderer *r, const char *text, PangoGlyphItem *gi, int x,
                            int y)
{
    cairo_save(r->cr);
    set_color(r, PANGO_RENDER_PART_FOREGROUND);
    cairo_move_to(r->cr, x / (double)PANGO_SCALE, y / (double)PANGO_SCALE);
    pango_cairo_show_glyph_item(r->cr, text, gi);
    cairo_restore(r->cr);
}

/* A run holding characters no font has (layout warned about them), in a
 * font that is not subset: pango-cairo would draw each as a box with the
 * code point's hex digits in a tiny two-row font, text that reads as stray
 * letters piled on one another.  Drawn instead with the font's .notdef
 * glyph (glyph 0: a box in the Noto, DejaVu and Symbola faces) under the
 * character's own cluster, as the subset path does, so the text still
 * holds the character. */
static void show_with_notdef(subset_renderer *r, const char *text, PangoGlyphItem *gi, int x,
                             int y)
{
    PangoGlyphItem *copy = pango_glyph_item_copy(gi);
    PangoGlyphString *gs = copy->glyphs;
    for (int i = 0; i < gs->num_glyphs; i++)
        if (gs->glyphs[i].glyph != PANGO_GLYPH_EMPTY && (gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
            gs->glyphs[i].glyph = 0;
    show_with_pango(r, text, copy, x, y);
    pango_glyph_item_free(copy);
}

static void draw_glyph_item(PangoRenderer *renderer, const char *text, PangoGlyphItem *gi, int x,
                            int y)
{
    subset_renderer *r = (subset_renderer *)renderer;
    font_entry *fe = find_font(r->ss->c, gi->item->analysis.font);
    cairo_scaled_font_t *sf = fe ? scaled_for(r->ss->c, fe) : NULL;
    PangoGlyphString *gs = gi->glyphs;
    if (!sf) {
        if (run_has_unknown(gs)) show_with_notdef(r, text, gi, x, y);
        else show_with_pango(r, text, gi, x, y);
        return;
    }
    const hb_map_t *map = r->ss->c->faces[fe->face].old_to_new;
    cairo_glyph_t stack_glyphs[64];
    cairo_text_cluster_t stack_clusters[64];
    cairo_glyph_t *glyphs = gs->num_glyphs <= 64 ? stack_glyphs
                                                  : mem_alloc(sizeof *glyphs * (size_t)gs->num_glyphs);
    cairo_text_cluster_t *clusters =
        gs->num_glyphs <= 64 ? stack_clusters : mem_alloc(sizeof *clusters * (size_t)gs->num_glyphs);
    int count = 0, x_position = 0;
    bool mapped = true;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *g = &gs->glyphs[i];
        if (g->glyph != PANGO_GLYPH_EMPTY) {
            /* A character no font has: the face's .notdef (glyph 0, kept
             * in every subset), a box in Noto's faces, under the cluster
             * of the real character, so the text still reads it. */
            hb_codepoint_t ng = g->glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : hb_map_get(map, g->glyph);
            if (ng == HB_MAP_VALUE_INVALID) mapped = false;
            glyphs[count].index = ng;
            glyphs[count].x = (double)(x + x_position + g->geometry.x_offset) / PANGO_SCALE;
            glyphs[count].y = (double)(y + g->geometry.y_offset) / PANGO_SCALE;
            count++;
        }
        x_position += g->geometry.width;
    }
    /* Clusters as pango-cairo makes them: bytes and glyphs per cluster,
     * empty glyphs not counted. */
    bool backwards = gi->item->analysis.level & 1;
    int nclusters = 0;
    PangoGlyphItemIter it;
    for (gboolean have = pango_glyph_item_iter_init_start(&it, gi, text); have && nclusters < gs->num_glyphs;
         have = pango_glyph_item_iter_next_cluster(&it)) {
        int nglyphs = backwards ? it.start_glyph - it.end_glyph : it.end_glyph - it.start_glyph;
        int lo = it.start_glyph < it.end_glyph + 1 ? it.start_glyph : it.end_glyph + 1;
        int hi = it.start_glyph + 1 > it.end_glyph ? it.start_glyph + 1 : it.end_glyph;
        for (int i = lo; i < hi; i++)
            if (gs->glyphs[i].glyph == PANGO_GLYPH_EMPTY) nglyphs--;
        clusters[nclusters].num_bytes = it.end_index - it.start_index;
        clusters[nclusters].num_glyphs = nglyphs;
        nclusters++;
    }
    if (!mapped) {
        show_with_pango(r, text, gi, x, y);
    } else {
        cairo_t *cr = r->cr;
        cairo_save(cr);
        set_color(r, PANGO_RENDER_PART_FOREGROUND);
        cairo_set_scaled_font(cr, sf);
        cairo_show_text_glyphs(cr, text + gi->item->offset, gi->item->length, glyphs, count,
                               clusters, nclusters,
                               backwards ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
        cairo_restore(cr);
    }
    if (glyphs != stack_glyphs) free(glyphs);
    if (clusters != stack_clusters) free(clusters);
}

static void draw_glyphs(PangoRenderer *renderer, PangoFont *font, PangoGlyphString *gs, int x,
                        int y)
{
    /* Only reached for glyph strings without an item (shape attributes,
     * which folio does not use): pango-cairo's way, without clusters. */
    subset_renderer *r = (subset_renderer *)renderer;
    cairo_save(r->cr);
    set_color(r, PANGO_RENDER_PART_FOREGROUND);
    cairo_move_to(r->cr, x / (double)PANGO_SCALE, y / (double)PANGO_SCALE);
    pango_cairo_show_glyph_string(r->cr, font, gs);
    cairo_restore(r->cr);
}

static void draw_rectangle(PangoRenderer *renderer, PangoRenderPart part, int x, int y, int w,
                           int h)
{
    subset_renderer *r = (subset_renderer *)renderer;
    cairo_save(r->cr);
    set_color(r, part);
    cairo_rectangle(r->cr, (double)x / PANGO_SCALE, (double)y / PANGO_SCALE,
                    (double)w / PANGO_SCALE, (double)h / PANGO_SCALE);
    cairo_fill(r->cr);
    cairo_restore(r->cr);
}

static void draw_trapezoid(PangoRenderer *renderer, PangoRenderPart part, double y1, double x11,
                           double x21, double y2, double x12, double x22)
{
    subset_renderer *r = (subset_renderer *)renderer;
    cairo_save(r->cr);
    set_color(r, part);
    cairo_move_to(r->cr, x11, y1);
    cairo_line_to(r->cr, x21, y1);
    cairo_line_to(r->cr, x22, y2);
    cairo_line_to(r->cr, x12, y2);
    cairo_close_path(r->cr);
    cairo_fill(r->cr);
    cairo_restore(r->cr);
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

/* The GType, registered on first use (GObject's registry is per process;
 * g_once makes the registration itself safe). */
static GType renderer_type(void)
{
    static gsize type;
    if (g_once_init_enter(&type)) {
        GType t = g_type_register_static_simple(PANGO_TYPE_RENDERER, "FolioSubsetRenderer",
                                                sizeof(subset_renderer_class), renderer_class_init,
                                                sizeof(subset_renderer), NULL, 0);
        g_once_init_leave(&type, t);
    }
    return (GType)type;
}

/* ---- giving back font pages ---- */

/* Drops this process's resident copy of the pages of [p, p + n), a
 * read-only file mapping: they stay in the page cache and come back on the
 * next access, as a minor fault.  Mappings start on a page boundary. */
static void release_pages(const void *p, size_t n)
{
    long pagesz = sysconf(_SC_PAGESIZE);
    if (!p || !n || pagesz <= 0 || (uintptr_t)p % (uintptr_t)pagesz) return;
    madvise((void *)p, n, MADV_DONTNEED);
}

/* The CJK collections are 19-27 MB each and both FreeType and HarfBuzz map
 * them whole; shaping, glyph extents and subsetting leave tens of MB of
 * them resident (measured: 44 MB of file pages after laying out the seed,
 * 62 MB after subsetting), which is most of a process's peak.  Once the
 * subsets exist no page of them is needed for this document, so they are
 * given back; the next document faults in what it touches. */
static void release_font_files(subset_cache *ss)
{
    for (size_t i = 0; i < ss->nfaces; i++) {
        hb_blob_t *b = hb_face_reference_blob(ss->faces[i].src);
        unsigned len = 0;
        const char *data = hb_blob_get_data(b, &len);
        release_pages(data, len);
        hb_blob_destroy(b);
    }
    for (size_t i = 0; i < ss->nfonts; i++) {
        if (ss->fonts[i].face < 0) continue;
        cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(ss->fonts[i].font));
        FT_Face f = sf ? cairo_ft_scaled_font_lock_face(sf) : NULL;
        if (!f) continue;
        /* FreeType maps a font file into stream->base (memory streams
         * have no pathname); read-through streams have no base. */
        if (f->stream && f->stream->base && f->stream->pathname.pointer)
            release_pages(f->stream->base, f->stream->size);
        cairo_ft_scaled_font_unlock_face(sf);
    }
}

/* ---- the subset ---- */

subset_cache *subset_cache_new(void)
{
    subset_cache *c = mem_calloc(1, sizeof *c);
    FT_Library lib;
    if (!FT_Init_FreeType(&lib)) {
        c->ft = mem_calloc(1, sizeof *c->ft);
        *c->ft = (ft_lib){lib, 1};
    }
    return c;
}

void subset_cache_free(subset_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nfonts; i++) {
        g_object_unref(c->fonts[i].font);
        if (c->fonts[i].scaled) cairo_scaled_font_destroy(c->fonts[i].scaled);
    }
    for (size_t i = 0; i < c->nfaces; i++) {
        face_entry *e = &c->faces[i];
        if (e->face) cairo_font_face_destroy(e->face);
        if (e->plan) hb_subset_plan_destroy(e->plan);
        hb_set_destroy(e->glyphs);
        hb_face_destroy(e->src);
        free(e->file);
    }
    free(c->fonts);
    free(c->faces);
    /* Faces cairo still holds keep the library alive (owner_free()). */
    ft_lib_unref(c->ft);
    free(c);
}

subset *subset_new(const pageset *ps, subset_cache *cache)
{
    subset *ss = mem_calloc(1, sizeof *ss);
    ss->own = !cache;
    ss->c = cache ? cache : subset_cache_new();
    for (size_t i = 0; i < pageset_npages(ps); i++) collect_page(ss, pageset_page_const(ps, i), 0);
    /* Before cutting too: what shaping left resident would otherwise add
     * to what subsetting touches. */
    release_font_files(ss->c);
    bool cut_any = false;
    for (size_t i = 0; i < ss->nused; i++) {
        face_entry *e = &ss->c->faces[i];
        if (hb_set_is_empty(ss->used[i]) || hb_set_is_subset(ss->used[i], e->glyphs)) continue;
        hb_set_union(e->glyphs, ss->used[i]);
        recut(ss->c, i);
        cut_any = true;
    }
    if (cut_any) release_font_files(ss->c);
    ss->renderer = g_object_new(renderer_type(), NULL);
    ((subset_renderer *)ss->renderer)->ss = ss;
    return ss;
}

void subset_free(subset *ss)
{
    if (!ss) return;
    g_object_unref(ss->renderer);
    for (size_t i = 0; i < ss->nused; i++) hb_set_destroy(ss->used[i]);
    free(ss->used);
    if (ss->own) subset_cache_free(ss->c);
    free(ss);
}

void subset_show_line(subset *ss, cairo_t *cr, PangoLayoutLine *line, int x, int y)
{
    if (!ss) {
        cairo_move_to(cr, x / (double)PANGO_SCALE, y / (double)PANGO_SCALE);
        pango_cairo_show_layout_line(cr, line);
        return;
    }
    subset_renderer *r = (subset_renderer *)ss->renderer;
    r->cr = cr;
    pango_renderer_draw_layout_line(ss->renderer, line, x, y);
    r->cr = NULL;
}

void subset_stats(const subset *ss, int *faces, int *glyphs)
{
    int n = 0, g = 0;
    for (size_t i = 0; ss && i < ss->nused; i++)
        if (ss->c->faces[i].face && !hb_set_is_empty(ss->used[i])) {
            n++;
            g += (int)hb_set_get_population(ss->used[i]);
        }
    if (faces) *faces = n;
    if (glyphs) *glyphs = g;
}

void subset_describe(const subset *ss, buf *out)
{
    for (size_t i = 0; i < ss->nused; i++) {
        const face_entry *e = &ss->c->faces[i];
        if (!e->face || hb_set_is_empty(ss->used[i])) continue;
        buf_addf(out, "%s %d", e->file ? e->file : "?", e->index);
        hb_codepoint_t g = HB_SET_VALUE_INVALID;
        while (hb_set_next(ss->used[i], &g)) buf_addf(out, " %u", g);
        buf_addc(out, '\n');
    }
}
