/* fonts: a private fontconfig configuration and a Pango font map over it.
 *
 * Why private: with the machine's configuration `serif` resolves to a
 * Japanese sans face and the result depends on LANG and on whatever the
 * user installed (../shared/docs/stack.md).  folio builds an FcConfig from
 * fonts/fonts.conf only, hands it to a PangoCairoFcFontMap, and names
 * families explicitly everywhere, so the same post gives the same PDF.
 *
 * The font map is the expensive object; callers create one fontset per
 * process and a cheap PangoContext per document.
 */
#include "style/fonts.h"

#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"

/* The characters a list of families draws in the core configuration. */
typedef struct coverage {
    char *key;          /* the families, each followed by '\n' */
    FcCharSet *chars;   /* NULL: some family is not among the core faces */
} coverage;

struct fontset {
    char *dir;
    FcConfig *config;   /* fonts.conf: every face folio may fall back to */
    PangoFontMap *map;
    FcConfig *core_config; /* core.conf, NULL when absent */
    PangoFontMap *core_map;
    coverage *covers;
    size_t ncovers, covercap;
};

/* Which Debian package provides a family, for the error message. */
static const char *package_for(const char *family)
{
    if (strstr(family, "CJK")) return "fonts-noto-cjk";
    if (strstr(family, "Mono")) return "fonts-noto-mono";
    if (strncmp(family, "Noto", 4) == 0) return "fonts-noto-core";
    if (strncmp(family, "DejaVu", 6) == 0) return "fonts-dejavu-core";
    return NULL;
}

/* Exported by libpangocairo (G_DEFINE_TYPE) but not declared in its
 * headers: the class of every font folio's font map creates. */
GType pango_cairo_fc_font_get_type(void);
/* Exported by libpangoft2 (1.44 on) and declared only in its private
 * header: a font's ascent, descent, height, underline and strike-through
 * from HarfBuzz, as every Fc backend's metrics start. */
PangoFontMetrics *pango_fc_font_create_base_metrics_for_context(PangoFcFont *font, PangoContext *context);

typedef void (*glyph_extents_fn)(PangoFont *, PangoGlyph, PangoRectangle *, PangoRectangle *);
static glyph_extents_fn pangocairo_glyph_extents;

/* Pango 1.50 measures every line it lays out: pango_layout_check_lines
 * ends in pango_layout_get_size, and a line caches its ink and logical
 * extents together, so every glyph of every line is asked for both.
 * pangocairo answers through cairo_scaled_font_glyph_extents, and for a
 * CFF face FreeType then loads and scales the outline (about 60 000
 * instructions per CJK glyph, most of it clearing the CFF engine's state)
 * once per glyph and size; Pango's 256-entry cache in front of it is too
 * small for CJK text.  HarfBuzz, which already shaped the text at the
 * same scale in Pango units, gives the same rectangles without FreeType:
 * the advance from hmtx and the outline's control box from its own CFF /
 * glyf reader.  The logical rectangle's height is the font's, the same for
 * every glyph (pangocairo returns it for PANGO_GLYPH_EMPTY).
 *
 * What still goes to pangocairo: empty and unknown glyphs (hex boxes),
 * and faces fontconfig asks to embolden or slant (cairo changes their
 * outlines; HarfBuzz would not know).  folio never sets a vertical
 * gravity, whose advance this would not be.  Ink boxes may differ from
 * cairo's by FreeType's 1/64 pt rounding; folio's layout uses logical
 * rectangles only.  Measured in docs/performance.md ("Third round"). */
typedef struct {
    PangoGlyph glyph; /* 0 marks a free slot; glyphs are stored + 1 */
    PangoRectangle ink;
    int advance;
} extents_slot;

/* Per font, attached as qdata: what pangocairo's cache would have held,
 * for every glyph rather than 256. */
typedef struct {
    bool synthesized;
    PangoRectangle logical; /* the font's; width 0 */
    size_t n, cap;          /* cap a power of two */
    extents_slot *slots;
} extents_cache;

static void extents_cache_free(void *p)
{
    extents_cache *c = p;
    free(c->slots);
    free(c);
}

static extents_cache *extents_cache_of(PangoFont *font)
{
    static GQuark q;
    if (!q) q = g_quark_from_static_string("folio-glyph-extents");
    extents_cache *c = g_object_get_qdata(G_OBJECT(font), q);
    if (c) return c;
    c = mem_calloc(1, sizeof *c);
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcBool b = FcFalse;
    FcMatrix *m;
    c->synthesized = !pat || (FcPatternGetBool(pat, FC_EMBOLDEN, 0, &b) == FcResultMatch && b) ||
                     FcPatternGetMatrix(pat, FC_MATRIX, 0, &m) == FcResultMatch;
    pangocairo_glyph_extents(font, PANGO_GLYPH_EMPTY, NULL, &c->logical);
    c->cap = 256;
    c->slots = mem_calloc(c->cap, sizeof *c->slots);
    g_object_set_qdata_full(G_OBJECT(font), q, c, extents_cache_free);
    return c;
}

static extents_slot *extents_slot_for(extents_cache *c, PangoGlyph glyph, bool *fresh)
{
    if (2 * (c->n + 1) > c->cap) {
        size_t cap = c->cap * 2;
        extents_slot *slots = mem_calloc(cap, sizeof *slots);
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->slots[i].glyph) continue;
            size_t j = (c->slots[i].glyph * 2654435761u) & (cap - 1);
            while (slots[j].glyph) j = (j + 1) & (cap - 1);
            slots[j] = c->slots[i];
        }
        free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    size_t j = ((glyph + 1) * 2654435761u) & (c->cap - 1);
    while (c->slots[j].glyph && c->slots[j].glyph != glyph + 1) j = (j + 1) & (c->cap - 1);
    *fresh = !c->slots[j].glyph;
    return &c->slots[j];
}

/* Ink boxes in font units, per HarfBuzz face: Pango makes a font, and so a
 * cache above, for every size and style a post uses (a deck's slide
 * fitting tries several body sizes, and titles shrink to fit), and
 * reading a CFF outline for its box is the costly part (about 15 000
 * instructions per glyph).  An outline's box scales with the size (no
 * hinting), so each glyph's is read once per face and scaled for each
 * font; rounding may then differ from HarfBuzz's at that size by a Pango
 * unit, which only ink boxes see. */
typedef struct {
    extents_cache boxes;    /* ink in font units; advance 1 when the face has the glyph's box */
} face_extents;

static void face_extents_free(void *p)
{
    face_extents *f = p;
    free(f->boxes.slots);
    free(f);
}

static face_extents *face_extents_of(hb_face_t *face)
{
    static hb_user_data_key_t key;
    face_extents *f = hb_face_get_user_data(face, &key);
    if (f) return f;
    f = mem_calloc(1, sizeof *f);
    f->boxes.cap = 256;
    f->boxes.slots = mem_calloc(f->boxes.cap, sizeof *f->boxes.slots);
    if (!hb_face_set_user_data(face, &key, f, face_extents_free, false)) {
        face_extents_free(f);
        return NULL;
    }
    return f;
}

static int scale_units(int v, int scale, unsigned upem)
{
    double x = (double)v * scale / upem;
    return (int)(x < 0 ? x - 0.5 : x + 0.5);
}

/* The ink box of glyph in hb (Pango's font, scaled in Pango units) from
 * its face's cache; false when it has none (variations, no box). */
static bool scaled_ink(hb_font_t *hb, PangoGlyph glyph, PangoRectangle *ink)
{
    unsigned ncoords = 0;
    hb_font_get_var_coords_normalized(hb, &ncoords);
    if (ncoords) return false;
    hb_face_t *face = hb_font_get_face(hb);
    face_extents *f = face_extents_of(face);
    if (!f) return false;
    bool fresh;
    extents_slot *u = extents_slot_for(&f->boxes, glyph, &fresh);
    if (fresh) {
        /* A font at the face's units per em, made for the read: one kept
         * in the face's user data would hold the face, and the face it,
         * and neither would ever be freed. */
        hb_font_t *unscaled = hb_font_create(face);
        hb_glyph_extents_t x;
        bool ok = hb_font_get_glyph_extents(unscaled, glyph, &x);
        hb_font_destroy(unscaled);
        *u = (extents_slot){glyph + 1, {x.x_bearing, x.y_bearing, x.width, x.height}, ok};
        if (!ok) u->ink = (PangoRectangle){0, 0, 0, 0};
        f->boxes.n++;
    }
    if (!u->advance) return false;
    unsigned upem = hb_face_get_upem(face);
    int xs, ys;
    hb_font_get_scale(hb, &xs, &ys);
    if (!upem) return false;
    *ink = (PangoRectangle){scale_units(u->ink.x, xs, upem), -scale_units(u->ink.y, ys, upem),
                            scale_units(u->ink.width, xs, upem),
                            -scale_units(u->ink.height, ys, upem)};
    return true;
}

static void hb_glyph_extents(PangoFont *font, PangoGlyph glyph,
                             PangoRectangle *ink, PangoRectangle *logical)
{
    hb_font_t *hb;
    extents_cache *c;
    if (glyph == PANGO_GLYPH_EMPTY || (glyph & PANGO_GLYPH_UNKNOWN_FLAG) ||
        !(hb = pango_font_get_hb_font(font)) || (c = extents_cache_of(font))->synthesized) {
        pangocairo_glyph_extents(font, glyph, ink, logical);
        return;
    }
    bool fresh;
    extents_slot *e = extents_slot_for(c, glyph, &fresh);
    if (fresh) {
        PangoRectangle box;
        if (!scaled_ink(hb, glyph, &box)) {
            hb_glyph_extents_t x;
            if (!hb_font_get_glyph_extents(hb, glyph, &x)) {
                pangocairo_glyph_extents(font, glyph, ink, logical);
                return;
            }
            box = (PangoRectangle){x.x_bearing, -x.y_bearing, x.width, -x.height};
        }
        *e = (extents_slot){glyph + 1, box, hb_font_get_glyph_h_advance(hb, glyph)};
        c->n++;
    }
    if (ink) *ink = e->ink;
    if (logical) {
        *logical = c->logical;
        logical->width = e->advance;
    }
}

/* Pango 1.50 asks for a font's metrics for every run whose line it
 * measures (the run's height), so every font a post uses gets them.
 * pangocairo's answer takes the ascent, descent, height, underline and
 * strike-through from HarfBuzz (pango_fc_font_create_base_metrics_for_context,
 * which ignores its context), but first creates the font's cairo scaled
 * font, only to copy its options into a fresh context: cairo-ft then opens
 * the face with FreeType (for a Noto CJK face: its CFF charset, FDSelect
 * and charstring index, about 1 MB of pages touched), and then lays
 * out the language's sample sentence in that context to find the
 * approximate character and digit widths, with a fallback sort of its
 * own.  Seed handout: 15 scaled fonts and 16 sample layouts, 22.7 M of
 * 208 M instructions and 30 % of the process's page faults
 * (docs/performance.md, seventh round).  So the metrics here are Pango's
 * own base metrics, made once per font.
 *
 * The approximate character width is zero, on purpose.  Its one reader in
 * Pango 1.50 (besides other backends' boxes for missing glyphs) is the
 * line breaker (process_item in pango-layout.c): every break opportunity
 * within three approximate characters of the line's end is shaped again
 * from the start of the item, to learn its exact width, instead of taking
 * the sum of the characters' advances from the item's shaping.  In
 * Chinese every character is a break opportunity, so each line was shaped
 * up to six more times.  With zero, only the opportunity at the edge
 * itself is shaped again.  What the margin guards against, a prefix
 * shaped alone being wider than its share of the whole (a kern or a
 * ligature across the break), does not arise at the breaks folio's text
 * takes (between ideographs, at spaces, or before a hyphen Pango measures
 * anyway); all 166 PDFs of the corpus, seed and demo checks are
 * byte-identical with and without the margin, and the seed handout
 * shapes 7 192 characters instead of 8 641, its deck 14 301 instead of
 * 19 612 (eighth round).  The digit width is the widest digit's advance
 * (HarfBuzz), the same in every language. */
static PangoFontMetrics *hb_font_metrics(PangoFont *font, PangoLanguage *language)
{
    (void)language;
    static GQuark q;
    if (!q) q = g_quark_from_static_string("folio-font-metrics");
    PangoFontMetrics *m = g_object_get_qdata(G_OBJECT(font), q);
    if (m) return pango_font_metrics_ref(m);
    m = pango_fc_font_create_base_metrics_for_context(PANGO_FC_FONT(font), NULL);
    m->approximate_char_width = 0;
    m->approximate_digit_width = 0;
    hb_font_t *hb = pango_font_get_hb_font(font);
    for (gunichar c = '0'; hb && c <= '9'; c++) {
        hb_codepoint_t g;
        if (!hb_font_get_nominal_glyph(hb, c, &g)) continue;
        int w = hb_font_get_glyph_h_advance(hb, g);
        if (w > m->approximate_digit_width) m->approximate_digit_width = w;
    }
    g_object_set_qdata_full(G_OBJECT(font), q, m, (GDestroyNotify)pango_font_metrics_unref);
    return pango_font_metrics_ref(m);
}

static void install_hb_extents(void)
{
    static gsize done;
    if (!g_once_init_enter(&done)) return;
    PangoFontClass *k = g_type_class_ref(pango_cairo_fc_font_get_type());
    if (k->get_glyph_extents != hb_glyph_extents) {
        pangocairo_glyph_extents = k->get_glyph_extents;
        k->get_glyph_extents = hb_glyph_extents;
    }
    k->get_metrics = hb_font_metrics;
    /* The class stays referenced: the vfuncs must outlive every font. */
    g_once_init_leave(&done, 1);
}

static bool parse(FcConfig *config, const char *file)
{
    /* fontconfig resolves a relative file name against its own
     * configuration folder, not the current one. */
    char *abs = realpath(file, NULL);
    bool ok = FcConfigParseAndLoad(config, (const FcChar8 *)(abs ? abs : file), FcTrue);
    free(abs);
    return ok;
}

/* A configuration from file, then extra (NULL: none) parsed on top of it,
 * its fonts loaded, and the fonts in dir (folio's fonts folder) besides;
 * NULL on failure.  Two files rather than an <include>: fontconfig 2.14
 * substitutes a pattern through an included file's rules about 200 000
 * instructions slower (measured: 47 M per seed deck).  The folder is added
 * here rather than by a <dir prefix="relative"> in fonts.conf: fontconfig
 * 2.14 loses the folder's name it makes for that element when the file is
 * named by an absolute path, as parse() names it (28 bytes a parse, twice
 * per process, which every leak check reported). */
static FcConfig *load_config(const char *file, const char *extra, const char *dir)
{
    FcConfig *config = FcConfigCreate();
    if (!parse(config, file) || (extra && !parse(config, extra)) || !FcConfigBuildFonts(config)) {
        FcConfigDestroy(config);
        return NULL;
    }
    /* A folder with no fonts in it (the usual case) is no error. */
    char *abs = realpath(dir, NULL);
    FcConfigAppFontAddDir(config, (const FcChar8 *)(abs ? abs : dir));
    free(abs);
    return config;
}

static PangoFontMap *map_over(FcConfig *config)
{
    PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config);
    /* folio's contexts are at 72 dpi (context_over()); a context Pango
     * makes from the map itself (pangocairo's box for a missing glyph
     * loads its digits' font in one) is at the map's resolution, 96 by
     * default: a font pattern of another pixel size, and so another
     * fallback sort of every face.  This also once kept pangocairo's
     * metrics sample sentence on sorted fonts (147 of a corpus worker's
     * 282 sorts); hb_font_metrics() now lays out no sample at all. */
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
    install_hb_extents();
    return map;
}

/* The font maps are made when first asked for, not with the set: Pango
 * starts threads with its first font map (and two more for every new font
 * pattern), and a batch parent, which loads the fonts and then forks its
 * workers, never lays out text itself.  A child forked while one of those
 * threads holds a lock (fontconfig's, the allocator's) would wait for it
 * forever; this way the parent has none. */
static PangoFontMap *full_map(fontset *fs)
{
    if (!fs->map) fs->map = map_over(fs->config);
    return fs->map;
}

static PangoFontMap *core_map(fontset *fs)
{
    if (!fs->core_map && fs->core_config) fs->core_map = map_over(fs->core_config);
    return fs->core_map ? fs->core_map : full_map(fs);
}

fontset *fontset_new(const char *dir, diag_list *dl)
{
    char conf[4096];
    snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
    struct stat st;
    if (stat(conf, &st) != 0) {
        diag_add(dl, DIAG_ERROR, conf, 0, 0,
                 "font configuration not found; pass --fonts DIR or reinstall folio");
        return NULL;
    }
    FcConfig *config = load_config(conf, NULL, dir);
    if (!config) {
        diag_add(dl, DIAG_ERROR, conf, 0, 0, "font configuration could not be parsed, or its fonts loaded");
        return NULL;
    }
    fontset *fs = mem_calloc(1, sizeof *fs);
    fs->dir = mem_strdup(dir);
    fs->config = config;
    /* Pango's font map starts a thread that calls FcInit(), which would
     * load the machine's whole configuration (/etc/fonts and the cache of
     * every installed font: 25 M instructions and a few MB, measured) only
     * for folio never to use it.  With folio's configuration current,
     * FcInit() finds one and returns; nothing else in the process asks
     * fontconfig for the default. */
    FcConfigSetCurrent(config);
    char core[4096];
    snprintf(core, sizeof core, "%s/core.conf", dir);
    if (stat(core, &st) == 0) {
        fs->core_config = load_config(conf, core, dir);
        if (!fs->core_config) {
            diag_add(dl, DIAG_ERROR, core, 0, 0, "font configuration could not be parsed, or its fonts loaded");
            fontset_free(fs);
            return NULL;
        }
    }
    return fs;
}

void fontset_free(fontset *fs)
{
    if (!fs) return;
    for (size_t i = 0; i < fs->ncovers; i++) {
        free(fs->covers[i].key);
        if (fs->covers[i].chars) FcCharSetDestroy(fs->covers[i].chars);
    }
    free(fs->covers);
    fontset_drop_core(fs);
    if (fs->map) g_object_unref(fs->map);
    FcConfigDestroy(fs->config);
    free(fs->dir);
    free(fs);
}

bool fontset_require(fontset *fs, const char *family, diag_list *dl)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    FcFontSet *set = FcFontList(fs->config, pat, os);
    bool ok = set && set->nfont > 0;
    if (set) FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    if (!ok) {
        const char *pkg = package_for(family);
        if (pkg)
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "font family '%s' is not installed; install it with "
                     "'apt-get install %s' (or run scripts/setup.sh)", family, pkg);
        else
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "font family '%s' is not installed; put its files in %s",
                     family, fs->dir);
    }
    return ok;
}

PangoLanguage *fontset_language(const char *lang)
{
    if (!lang) return pango_language_from_string("zh-cn");
    if (strncmp(lang, "zh", 2) == 0) {
        if (strstr(lang, "Hant") || strstr(lang, "TW") || strstr(lang, "HK") ||
            strstr(lang, "tw") || strstr(lang, "hk"))
            return pango_language_from_string("zh-tw");
        return pango_language_from_string("zh-cn");
    }
    if (strncmp(lang, "ja", 2) == 0) return pango_language_from_string("ja");
    if (strncmp(lang, "ko", 2) == 0) return pango_language_from_string("ko");
    return pango_language_from_string("en");
}

static PangoContext *context_over(PangoFontMap *map, const char *lang)
{
    PangoContext *ctx = pango_font_map_create_context(map);
    pango_context_set_language(ctx, fontset_language(lang));
    /* Whole-point rounding is Pango's default even on a PDF surface; it
     * makes justified lines ragged by up to half a point per glyph. */
    pango_context_set_round_glyph_positions(ctx, FALSE);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(ctx, 72.0);
    return ctx;
}

PangoContext *fontset_context(fontset *fs, const char *lang)
{
    return context_over(full_map(fs), lang);
}

/* The characters every face of family draws in config; NULL when it has
 * no face there. */
static FcCharSet *family_chars(FcConfig *config, const char *family)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_CHARSET, (char *)NULL);
    FcFontSet *set = FcFontList(config, pat, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    FcCharSet *all = NULL;
    for (int i = 0; set && i < set->nfont; i++) {
        FcCharSet *cs;
        if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &cs) != FcResultMatch) continue;
        FcCharSet *next = all ? FcCharSetIntersect(all, cs) : FcCharSetCopy(cs);
        if (all) FcCharSetDestroy(all);
        all = next;
    }
    if (set) FcFontSetDestroy(set);
    return all;
}

/* The characters every face of every family draws among the core faces,
 * cached per list of families; NULL when some family has no core face. */
static const FcCharSet *core_coverage(fontset *fs, const char *const *families, size_t n)
{
    buf key = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (families[i]) buf_addf(&key, "%s\n", families[i]);
    const char *k = key.s ? key.s : "";
    for (size_t i = 0; i < fs->ncovers; i++)
        if (!strcmp(fs->covers[i].key, k)) {
            buf_free(&key);
            return fs->covers[i].chars;
        }
    FcCharSet *cover = NULL;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (!families[i]) continue;
        FcCharSet *cs = family_chars(fs->core_config, families[i]);
        ok = cs != NULL;
        if (cs && cover) {
            FcCharSet *both = FcCharSetIntersect(cover, cs);
            FcCharSetDestroy(cover);
            FcCharSetDestroy(cs);
            cover = both;
        } else if (cs) {
            cover = cs;
        }
    }
    if (!ok && cover) {
        FcCharSetDestroy(cover);
        cover = NULL;
    }
    coverage *c = &MEM_PUSH(fs->covers, fs->ncovers, fs->covercap);
    c->key = mem_strdup(k);
    c->chars = cover;
    buf_free(&key);
    return cover;
}

bool fontset_has_core(const fontset *fs) { return fs->core_config != NULL; }

bool fontset_core_covers(fontset *fs, const char *const *families, size_t nfamilies,
                         const char *text, size_t len)
{
    const FcCharSet *cover = fs->core_config ? core_coverage(fs, families, nfamilies) : NULL;
    for (size_t i = 0; cover && i < len;) {
        size_t adv;
        uint32_t c = utf8_decode(text + i, len - i, &adv);
        i += adv ? adv : 1;
        if (c != '\n' && c != '\t' && c != '\r' && !FcCharSetHasChar(cover, c)) return false;
    }
    return cover != NULL;
}

void fontset_drop_core(fontset *fs)
{
    if (fs->core_map) {
        /* Pango 1.50 keeps its reference to a font map's configuration
         * past the map's end; the whole set's stays reachable as
         * fontconfig's current one, this one must be let go. */
        pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fs->core_map), NULL);
        g_object_unref(fs->core_map);
    }
    if (fs->core_config) FcConfigDestroy(fs->core_config);
    fs->core_map = NULL;
    fs->core_config = NULL;
}

PangoContext *fontset_context_core(fontset *fs, const char *lang)
{
    return context_over(core_map(fs), lang);
}

const char *fontset_dir(const fontset *fs) { return fs->dir; }
