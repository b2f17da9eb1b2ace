/* pdffont: see pdffont.h.
 *
 * Collecting.  pdffont_collect() is called for every glyph of a document,
 * so it does no allocation: the PangoFont is found through a one-entry
 * cache in front of a hash table (font -> face), and the glyph goes into
 * the face's hb_set_t.  A face is usable when Pango built it from a file
 * (PangoFcFont) and it has a 'CFF ' or a 'glyf' table; a CFF2-only or
 * bitmap-only face has no PDF font type that folio writes, and its fonts
 * look up as -1.
 *
 * Cutting.  A CID-keyed CFF face (Noto CJK) is written from its store of
 * flat glyph programs (render/cffcut.h, cut_from_store()), which
 * hb-subset fills with the glyphs the face has not met in this process;
 * other faces, and a CFF the store cannot take, are cut by hb-subset
 * alone.  hb-subset gets the glyph ids (notdef always kept, with its
 * outline: it is the box drawn for a character no font has) and no code
 * points, over a view of the face without its cmap (table_without_cmap()),
 * so nothing but the glyphs drawn survives (and, in a TrueType face, the
 * components of composite glyphs among them).  Layout tables are dropped
 * (the cut face is never shaped with), and for a CFF face every table but
 * the CFF itself, since only that table is embedded.  Charstrings are
 * desubroutinized; hints are kept.  A variable TrueType face is cut as it
 * is with its variation tables dropped: what remains is its default
 * instance, the only one a PDF can show (no installed Noto face is
 * variable).  When hb-subset fails, the face is embedded whole: its CFF
 * table, or its tables as one sfnt, codes then taken from the original
 * charset or glyph ids.
 *
 * Codes.  Every font is Type0 / Identity-H, so a two-byte code is a CID.
 * For a TrueType face (CIDFontType2, /CIDToGIDMap /Identity) the CID is
 * the glyph id in the embedded program.  For a CFF face (CIDFontType0),
 * ISO 32000-1 §9.7.4.2: a CID-keyed CFF (Noto CJK, ROS operator in its Top
 * DICT) selects the glyph through its charset, which maps glyph ids to
 * CIDs, so the code is the CID that the embedded CFF's charset gives the
 * glyph (read here, cffcut_cids(), because hb-subset may renumber CIDs or
 * keep the original ones); a name-keyed CFF is indexed by CID = glyph id.
 * Each collected glyph gets a slot: its code, its width as written in /W
 * and the text it maps to in ToUnicode; two hash maps find a slot from
 * the original glyph id (pdffont_glyph()) and from the code
 * (pdffont_map_text()).
 *
 * Widths are the face's hmtx advances in thousandths of an em, rounded
 * once: /W and pdffont_glyph() give the same integer, so the text writer
 * can position glyphs exactly against them.
 *
 * Font files.  Pango's faces map the whole 16-27 MB CJK collections, and
 * shaping and cutting leave tens of MB of them resident; once the faces
 * are cut nothing of them is needed for this document, so each face's
 * pages are given back once hb-subset has cut it (release_font_file(): the
 * seed handout's peak is 34 MB with it, 38 MB without; the largest corpus
 * post's 46 against 67 MB).  A cut from the store alone reads none of the
 * file, and its pages stay for the next document's shaping.
 *
 * pdffont_set_embed_whole() turns cutting off, so that tests can check
 * the fallback path on real fonts.
 */
#include "render/pdffont.h"

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <math.h>
#include <pango/pangofc-font.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "render/cffcut.h"

enum { KIND_NONE, KIND_CFF, KIND_TRUETYPE };

/* What the PDF knows of one glyph drawn. */
typedef struct glyph_slot {
    unsigned code;   /* the two-byte code: CID (CFF) or glyph id in the program */
    int width;       /* advance in thousandths of an em, as written in /W */
    size_t text;     /* offset of its text in face_entry.text */
    unsigned ntext;  /* bytes of text; 0: none given yet */
} glyph_slot;

typedef struct face_entry {
    hb_face_t *src;           /* Pango's face, referenced */
    int kind;                 /* KIND_*; KIND_NONE: unusable */
    hb_set_t *glyphs;         /* collected, ids in src */
    char *file;               /* font file and face index, for pdffont_describe() */
    int index;
    bool prepared;
    hb_blob_t *program;       /* the bytes embedded: CFF table or sfnt */
    hb_map_t *slot_of_glyph;  /* id in src -> slot */
    hb_map_t *slot_of_code;   /* code -> slot */
    glyph_slot *slots;        /* in order of original glyph id */
    unsigned nslots;
    buf text;                 /* ToUnicode texts, UTF-8, back to back */
    int font;                 /* index in lookup order, -1: not looked up */
    int objnum;               /* Type0 object, 0: none reserved */
    char resource[16];
} face_entry;

struct pdffont_set {
    face_entry *faces;
    size_t nfaces, facecap;
    GHashTable *fonts;        /* PangoFont (referenced) -> face index + 2; 1: unusable */
    PangoFont *last_font;     /* one-entry cache in front of fonts */
    int last_face;
    int *order;               /* font index -> face index */
    size_t norder, ordercap;
    bool prepared;
    bool no_cut;              /* pdffont_set_embed_whole() */
};

/* ---- reading font tables ---- */

static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The table tag of face as bytes; len 0 when absent.  Returns the blob to
 * destroy. */
static hb_blob_t *table(hb_face_t *face, hb_tag_t tag, const uint8_t **data, unsigned *len)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    *data = (const uint8_t *)hb_blob_get_data(b, len);
    return b;
}

/* ---- cutting ---- */

/* Pango's face without its cmap: given glyph ids, hb-subset 6.0 would
 * otherwise build a map of all 44 000 code points of a CJK face per
 * document just to learn which of them the kept glyphs carry, and the
 * embedded font needs none (the PDF selects glyphs by CID, text comes
 * from ToUnicode).  Plan creation was 6 times cheaper without it. */
static hb_blob_t *table_without_cmap(hb_face_t *face, hb_tag_t tag, void *src)
{
    (void)face;
    if (tag == HB_TAG('c', 'm', 'a', 'p')) return hb_blob_get_empty();
    return hb_face_reference_table(src, tag);
}

static void release_face(void *p) { hb_face_destroy(p); }

/* Tables no PDF font program uses.  Layout: the cut face is never shaped
 * with.  Device metrics and vertical metrics: a PDF viewer takes widths
 * from /W.  Variations: a PDF shows the default instance only. */
static const hb_tag_t dropped_always[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('D', 'S', 'I', 'G'), HB_TAG('k', 'e', 'r', 'n'), HB_TAG('h', 'd', 'm', 'x'),
    HB_TAG('V', 'D', 'M', 'X'), HB_TAG('L', 'T', 'S', 'H'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('f', 'v', 'a', 'r'),
    HB_TAG('g', 'v', 'a', 'r'), HB_TAG('a', 'v', 'a', 'r'), HB_TAG('c', 'v', 'a', 'r'),
    HB_TAG('H', 'V', 'A', 'R'), HB_TAG('V', 'V', 'A', 'R'), HB_TAG('M', 'V', 'A', 'R'),
    HB_TAG('S', 'T', 'A', 'T'), HB_TAG('m', 'e', 't', 'a'),
};
/* For a CFF face only the CFF table is embedded, so the others need not
 * be cut (saves under a millisecond on the seed handout; widths come from
 * the original hmtx). */
static const hb_tag_t dropped_cff[] = {
    HB_TAG('h', 'm', 't', 'x'), HB_TAG('h', 'h', 'e', 'a'), HB_TAG('p', 'o', 's', 't'),
    HB_TAG('n', 'a', 'm', 'e'), HB_TAG('O', 'S', '/', '2'), HB_TAG('g', 'a', 's', 'p'),
};

/* Cuts e's face to the glyphs in keep.  Returns the program to embed
 * (the CFF table, or the whole sfnt for TrueType), owned by the caller,
 * and fills old_to_new for every glyph of keep; NULL on failure. */
static hb_blob_t *cut(face_entry *e, const hb_set_t *keep, hb_map_t *old_to_new)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return NULL;
    hb_set_union(hb_subset_input_glyph_set(in), keep);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof dropped_always / sizeof *dropped_always; i++)
        hb_set_add(drop, dropped_always[i]);
    if (e->kind == KIND_CFF)
        for (size_t i = 0; i < sizeof dropped_cff / sizeof *dropped_cff; i++)
            hb_set_add(drop, dropped_cff[i]);
    /* Flat charstrings: halve hb-subset's time, and a subset this small
     * shares few subroutines anyway. */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_face_t *view = hb_face_create_for_tables(table_without_cmap, hb_face_reference(e->src),
                                                release_face);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(view, in);
    hb_face_destroy(view);
    hb_subset_input_destroy(in);
    if (!plan) return NULL;
    hb_blob_t *program = NULL;
    hb_face_t *cutf = hb_subset_plan_execute_or_fail(plan);
    if (cutf) {
        program = e->kind == KIND_CFF ? hb_face_reference_table(cutf, HB_TAG('C', 'F', 'F', ' '))
                                      : hb_face_reference_blob(cutf);
        hb_face_destroy(cutf);
        if (!hb_blob_get_length(program)) {
            hb_blob_destroy(program);
            program = NULL;
        }
    }
    /* The plan's map, copied: the plan itself holds the sanitized tables
     * of the source and goes now. */
    const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; program && hb_set_next(keep, &g);) {
        hb_codepoint_t ng = hb_map_get(map, g);
        if (ng != HB_MAP_VALUE_INVALID) hb_map_set(old_to_new, g, ng);
    }
    hb_subset_plan_destroy(plan);
    return program;
}

/* A CID-keyed CFF face's cut from its store of flat glyph programs
 * (render/cffcut.h), kept with the face for the process: hb-subset cuts
 * only the glyphs the store lacks, and the program is written from the
 * store.  The bytes depend only on the face and keep, not on what was cut
 * before.  NULL when the face is not one cffcut handles (the store then
 * says so for good) or on failure: the caller cuts with hb-subset alone. */
#define STORE_BYTES (2u << 20)

static void store_free(void *p) { cffcut_free(p); }

/* Cuts the glyphs of want that c lacks with hb-subset and learns them;
 * false when c cannot use the cut.  *cut says whether anything was cut. */
static bool learn_missing(face_entry *e, cffcut *c, const hb_set_t *want, bool *cutany)
{
    hb_set_t *missing = hb_set_create();
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(want, &g);)
        if (!cffcut_has(c, g)) hb_set_add(missing, g);
    bool ok = true;
    if (!hb_set_is_empty(missing)) {
        *cutany = true;
        hb_set_add(missing, 0);
        hb_map_t *m = hb_map_create();
        hb_blob_t *cutb = cut(e, missing, m);
        unsigned nm = hb_set_get_population(missing), len = 0;
        /* The cut's glyph j is the glyph of missing that maps to j. */
        uint32_t *src = mem_calloc(nm + 1, sizeof *src);
        for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(missing, &g);) {
            hb_codepoint_t j = hb_map_get(m, g);
            if (j < nm) src[j] = g;
            else ok = false;
        }
        const char *data = cutb ? hb_blob_get_data(cutb, &len) : NULL;
        ok = ok && data && cffcut_learn(c, (const uint8_t *)data, len, src, nm);
        free(src);
        hb_blob_destroy(cutb);
        hb_map_destroy(m);
    }
    hb_set_destroy(missing);
    return ok;
}

static hb_blob_t *cut_from_store(face_entry *e, const hb_set_t *keep, hb_map_t *old_to_new,
                                 bool *cutany)
{
    static hb_user_data_key_t key, unusable;
    if (hb_face_get_user_data(e->src, &unusable)) return NULL;
    cffcut *c = hb_face_get_user_data(e->src, &key);
    if (!c) {
        c = cffcut_new(STORE_BYTES);
        if (!hb_face_set_user_data(e->src, &key, c, store_free, false)) {
            cffcut_free(c);
            return NULL;
        }
    }
    unsigned n = hb_set_get_population(keep), k = 0;
    uint32_t *gids = mem_alloc((n + 1) * sizeof *gids);
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(keep, &g);) gids[k++] = g;
    buf out = BUF_INIT;
    /* A store that fills up forgets everything while learning, glyphs of
     * keep it had included; the second round then cuts all of keep. */
    bool ok = false;
    for (int round = 0; round < 2 && !ok; round++) {
        if (!learn_missing(e, c, keep, cutany)) {
            /* Not a face cffcut can take: for good, so that every
             * document gets the same bytes for it, hb-subset's. */
            hb_face_set_user_data(e->src, &unusable, e->src, NULL, false);
            break;
        }
        ok = cffcut_write(c, gids, k, &out);
    }
    for (unsigned i = 0; ok && i < k; i++) hb_map_set(old_to_new, gids[i], i);
    free(gids);
    if (!ok) {
        buf_free(&out);
        return NULL;
    }
    size_t len = out.len;
    char *bytes = buf_detach(&out);
    return hb_blob_create(bytes, (unsigned)len, HB_MEMORY_MODE_WRITABLE, bytes, free);
}

/* The face's own program: its CFF table, or its tables as one sfnt (a face
 * of a collection is not a file by itself). */
static hb_blob_t *whole_program(face_entry *e)
{
    if (e->kind == KIND_CFF) return hb_face_reference_table(e->src, HB_TAG('C', 'F', 'F', ' '));
    hb_face_t *builder = hb_face_builder_create();
    hb_tag_t tags[64];
    unsigned start = 0, count;
    do {
        count = sizeof tags / sizeof *tags;
        hb_face_get_table_tags(e->src, start, &count, tags);
        for (unsigned i = 0; i < count; i++) {
            hb_blob_t *b = hb_face_reference_table(e->src, tags[i]);
            hb_face_builder_add_table(builder, tags[i], b);
            hb_blob_destroy(b);
        }
        start += count;
    } while (count == sizeof tags / sizeof *tags);
    hb_blob_t *b = hb_face_reference_blob(builder);
    hb_face_destroy(builder);
    return b;
}

/* ---- giving back font pages ---- */

/* Smaller files are not worth a system call; the CJK collections are 16 MB
 * and up. */
#define RELEASE_MIN_BYTES (4u << 20)

/* Drops this process's resident copy of e's font file, a read-only file
 * mapping (hb_blob_create_from_file): the pages stay in the page cache and
 * come back on the next access as minor faults.  A mapping starts on a page
 * boundary; a blob that does not (read into malloc'ed memory) is left
 * alone, since MADV_DONTNEED would zero it. */
static void release_font_file(const face_entry *e)
{
    hb_blob_t *b = hb_face_reference_blob(e->src);
    unsigned len = 0;
    const char *data = hb_blob_get_data(b, &len);
    long pagesz = sysconf(_SC_PAGESIZE);
    if (data && len >= RELEASE_MIN_BYTES && pagesz > 0 && (uintptr_t)data % (uintptr_t)pagesz == 0)
        madvise((void *)data, len, MADV_DONTNEED);
    hb_blob_destroy(b);
}

/* ---- preparing a face ---- */

/* Fills e's slots from the program embedded: code and width for every
 * glyph of keep.  old_to_new NULL: the program is the face itself.  False
 * when the program cannot be read (a CFF whose charset is broken). */
static bool make_slots(face_entry *e, const hb_set_t *keep, const hb_map_t *old_to_new)
{
    unsigned len = 0;
    const uint8_t *data = (const uint8_t *)hb_blob_get_data(e->program, &len);
    uint16_t *cids = NULL;
    unsigned nglyphs = hb_face_get_glyph_count(e->src);
    if (e->kind == KIND_CFF) {
        bool cid;
        if (!cffcut_glyphs(data, len, &nglyphs, &cid)) return false;
        if (cid) {
            cids = mem_alloc(sizeof *cids * nglyphs);
            if (!cffcut_cids(data, len, cids, nglyphs)) {
                free(cids);
                return false;
            }
        }
    }
    hb_font_t *font = hb_font_create(e->src); /* scale: units per em */
    double per_unit = 1000.0 / hb_face_get_upem(e->src);
    e->slots = mem_alloc(sizeof *e->slots * (hb_set_get_population(keep) + 1));
    e->nslots = 0;
    e->slot_of_glyph = hb_map_create();
    e->slot_of_code = hb_map_create();
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(keep, &g);) {
        hb_codepoint_t ng = old_to_new ? hb_map_get(old_to_new, g) : g;
        if (ng == HB_MAP_VALUE_INVALID || ng >= nglyphs) continue;
        unsigned code = cids ? cids[ng] : ng;
        if (code > 0xFFFF || hb_map_has(e->slot_of_code, code)) continue;
        glyph_slot *s = &e->slots[e->nslots];
        *s = (glyph_slot){code, (int)lround(hb_font_get_glyph_h_advance(font, g) * per_unit), 0, 0};
        hb_map_set(e->slot_of_glyph, g, e->nslots);
        hb_map_set(e->slot_of_code, code, e->nslots);
        e->nslots++;
    }
    hb_font_destroy(font);
    free(cids);
    return true;
}

static void drop_slots(face_entry *e)
{
    hb_map_destroy(e->slot_of_glyph);
    hb_map_destroy(e->slot_of_code);
    free(e->slots);
    e->slot_of_glyph = e->slot_of_code = NULL;
    e->slots = NULL;
    e->nslots = 0;
}

/* Cuts e (or takes it whole when it cannot be cut) and fills its slots.
 * A face whose program cannot be read even whole becomes unusable. */
static void prepare_face(pdffont_set *fs, face_entry *e)
{
    if (e->prepared) return;
    e->prepared = true;
    if (e->kind == KIND_NONE) return;
    hb_set_t *keep = hb_set_copy(e->glyphs);
    hb_set_add(keep, 0);
    hb_map_t *old_to_new = hb_map_create();
    /* Whether hb-subset read the font file (else only the store was). */
    bool cutany = false;
    e->program = fs->no_cut || e->kind != KIND_CFF ? NULL
                                                    : cut_from_store(e, keep, old_to_new, &cutany);
    if (!e->program) cutany = true;
    if (!e->program && !fs->no_cut) {
        hb_map_clear(old_to_new);
        e->program = cut(e, keep, old_to_new);
    }
    if (e->program && !make_slots(e, keep, old_to_new)) {
        drop_slots(e);
        hb_blob_destroy(e->program);
        e->program = NULL;
    }
    if (!e->program) {
        e->program = whole_program(e);
        if (!hb_blob_get_length(e->program) || !make_slots(e, keep, NULL)) {
            drop_slots(e);
            e->kind = KIND_NONE;
        }
    }
    hb_map_destroy(old_to_new);
    hb_set_destroy(keep);
    /* A cut from the store alone read none of the file; what shaping
     * left resident (the layout tables, the outlines of new glyphs) stays
     * until a cut reads the file again, which every new glyph brings. */
    if (cutany) release_font_file(e);
}

/* ---- the set ---- */

static int face_kind(hb_face_t *hf)
{
    static const hb_tag_t tags[] = {HB_TAG('C', 'F', 'F', ' '), HB_TAG('g', 'l', 'y', 'f')};
    for (int i = 0; i < 2; i++) {
        hb_blob_t *b = hb_face_reference_table(hf, tags[i]);
        bool has = hb_blob_get_length(b) > 0;
        hb_blob_destroy(b);
        if (has) return i == 0 ? KIND_CFF : KIND_TRUETYPE;
    }
    return KIND_NONE;
}

/* The face index of font, -1 when unusable; adds the font and its face on
 * first sight.  A face met after pdffont_prepare() is prepared now. */
static int face_of(pdffont_set *fs, PangoFont *font)
{
    if (font == fs->last_font && font) return fs->last_face;
    if (!font) return -1;
    int v = GPOINTER_TO_INT(g_hash_table_lookup(fs->fonts, font));
    if (!v) {
        hb_font_t *hbf = PANGO_IS_FC_FONT(font) ? pango_font_get_hb_font(font) : NULL;
        hb_face_t *hf = hbf ? hb_font_get_face(hbf) : NULL;
        int kind = hf ? face_kind(hf) : KIND_NONE;
        v = 1;
        for (size_t i = 0; kind != KIND_NONE && i < fs->nfaces; i++)
            if (fs->faces[i].src == hf) v = (int)i + 2;
        if (kind != KIND_NONE && v == 1) {
            face_entry *e = &MEM_PUSH(fs->faces, fs->nfaces, fs->facecap);
            *e = (face_entry){.src = hb_face_reference(hf), .kind = kind, .glyphs = hb_set_create(),
                              .font = -1};
            FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
            FcChar8 *file = NULL;
            if (pat && FcPatternGetString(pat, FC_FILE, 0, &file) == FcResultMatch)
                e->file = mem_strdup((const char *)file);
            if (pat) FcPatternGetInteger(pat, FC_INDEX, 0, &e->index);
            v = (int)fs->nfaces + 1;
        }
        g_hash_table_insert(fs->fonts, g_object_ref(font), GINT_TO_POINTER(v));
    }
    int fi = v - 2;
    if (fi >= 0 && fs->prepared && !fs->faces[fi].prepared) prepare_face(fs, &fs->faces[fi]);
    if (fi >= 0 && fs->faces[fi].kind == KIND_NONE) fi = -1;
    fs->last_font = font;
    fs->last_face = fi;
    return fi;
}

pdffont_set *pdffont_set_new(void)
{
    pdffont_set *fs = mem_calloc(1, sizeof *fs);
    fs->fonts = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
    fs->last_face = -1;
    return fs;
}

void pdffont_set_free(pdffont_set *fs)
{
    if (!fs) return;
    for (size_t i = 0; i < fs->nfaces; i++) {
        face_entry *e = &fs->faces[i];
        drop_slots(e);
        hb_blob_destroy(e->program);
        hb_set_destroy(e->glyphs);
        hb_face_destroy(e->src);
        buf_free(&e->text);
        free(e->file);
    }
    free(fs->faces);
    free(fs->order);
    g_hash_table_destroy(fs->fonts);
    free(fs);
}

void pdffont_collect(pdffont_set *fs, PangoFont *font, PangoGlyph glyph)
{
    if (glyph == PANGO_GLYPH_EMPTY) return;
    int fi = face_of(fs, font);
    if (fi < 0) return;
    hb_set_add(fs->faces[fi].glyphs, glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : glyph);
}

void pdffont_prepare(pdffont_set *fs)
{
    /* Each face's pages are given back once it is cut, not before: what
     * shaping left resident (the CFF's index, charset, FDSelect and the
     * outlines read for ink boxes) is much of what hb-subset reads next,
     * and dropping it first made the cut fault it back in: 280 of the
     * seed handout's 2 490 page faults, 7-8 ms of a cold command, for
     * 1.2 MB less at the peak (docs/performance.md, seventh round). */
    for (size_t i = 0; i < fs->nfaces; i++) prepare_face(fs, &fs->faces[i]);
    fs->prepared = true;
    fs->last_font = NULL; /* a face may have turned out unusable */
}

int pdffont_lookup(pdffont_set *fs, PangoFont *font)
{
    int fi = face_of(fs, font);
    if (fi < 0) return -1;
    face_entry *e = &fs->faces[fi];
    if (e->font < 0) {
        prepare_face(fs, e);
        if (e->kind == KIND_NONE) return -1;
        e->font = (int)fs->norder;
        MEM_PUSH(fs->order, fs->norder, fs->ordercap) = fi;
        snprintf(e->resource, sizeof e->resource, "F%d", e->font + 1);
    }
    return e->font;
}

static face_entry *font_face(const pdffont_set *fs, int f)
{
    if (f < 0 || (size_t)f >= fs->norder) return NULL;
    return &fs->faces[fs->order[f]];
}

void pdffont_set_embed_whole(pdffont_set *fs, bool on) { fs->no_cut = on; }

int pdffont_count(const pdffont_set *fs) { return (int)fs->norder; }

const char *pdffont_resource(const pdffont_set *fs, int f)
{
    face_entry *e = font_face(fs, f);
    return e ? e->resource : NULL;
}

int pdffont_objnum(pdffont_set *fs, pdfobj *w, int f)
{
    face_entry *e = font_face(fs, f);
    if (!e) return 0;
    if (!e->objnum) e->objnum = pdfobj_reserve(w);
    return e->objnum;
}

bool pdffont_glyph(pdffont_set *fs, int f, PangoGlyph glyph, unsigned *code, double *width)
{
    face_entry *e = font_face(fs, f);
    if (!e || glyph == PANGO_GLYPH_EMPTY) return false;
    hb_codepoint_t s = hb_map_get(e->slot_of_glyph, glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : glyph);
    if (s == HB_MAP_VALUE_INVALID) return false;
    if (code) *code = e->slots[s].code;
    if (width) *width = e->slots[s].width;
    return true;
}

/* The longest text one code maps to: bfchar destinations are at most 512
 * bytes of UTF-16 (PDF 1.7 §9.10.3), and n bytes of UTF-8 are at most n
 * UTF-16 code units. */
#define MAX_TEXT 256

bool pdffont_map_text(pdffont_set *fs, int f, unsigned code, const char *s, size_t n)
{
    face_entry *e = font_face(fs, f);
    if (!e || !n) return false;
    hb_codepoint_t k = hb_map_get(e->slot_of_code, code);
    if (k == HB_MAP_VALUE_INVALID) return false;
    glyph_slot *sl = &e->slots[k];
    if (sl->ntext) return sl->ntext == n && memcmp(e->text.s + sl->text, s, n) == 0;
    if (n > MAX_TEXT) return false;
    sl->text = e->text.len;
    sl->ntext = (unsigned)n;
    buf_addn(&e->text, s, n);
    return true;
}

/* ---- writing ---- */

/* The face's PostScript name (name id 6) as a PDF name may carry it:
 * printable ASCII without spaces and delimiters; "Font" when it has none. */
static void postscript_name(hb_face_t *face, char *out, size_t cap)
{
    char raw[128];
    unsigned len = sizeof raw;
    hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, raw);
    size_t n = 0;
    for (unsigned i = 0; i < len && raw[i] && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c > ' ' && c < 127 && !strchr("()<>[]{}/%#", c)) out[n++] = (char)c;
    }
    if (!n) n = (size_t)snprintf(out, cap, "Font");
    out[n] = '\0';
}

static int by_code(const void *a, const void *b)
{
    unsigned x = ((const glyph_slot *)a)->code, y = ((const glyph_slot *)b)->code;
    return (x > y) - (x < y);
}

/* The descriptor's metrics, from head, hhea, OS/2 and post, in thousandths
 * of an em. */
static void add_metrics(buf *b, hb_face_t *face)
{
    double k = 1000.0 / hb_face_get_upem(face);
    const uint8_t *p;
    unsigned n;
    long bbox[4] = {0, 0, 0, 0}, ascent = 0, descent = 0, cap = 0;
    double italic = 0;
    hb_blob_t *t = table(face, HB_TAG('h', 'e', 'a', 'd'), &p, &n);
    if (n >= 54)
        for (int i = 0; i < 4; i++) bbox[i] = lround((int16_t)get16(p + 36 + 2 * i) * k);
    hb_blob_destroy(t);
    t = table(face, HB_TAG('h', 'h', 'e', 'a'), &p, &n);
    if (n >= 36) {
        ascent = lround((int16_t)get16(p + 4) * k);
        descent = lround((int16_t)get16(p + 6) * k);
    }
    hb_blob_destroy(t);
    t = table(face, HB_TAG('O', 'S', '/', '2'), &p, &n);
    if (n >= 72 && !ascent && !descent) {
        ascent = lround((int16_t)get16(p + 68) * k);
        descent = lround((int16_t)get16(p + 70) * k);
    }
    if (n >= 90 && get16(p) >= 2) cap = lround((int16_t)get16(p + 88) * k);
    hb_blob_destroy(t);
    t = table(face, HB_TAG('p', 'o', 's', 't'), &p, &n);
    if (n >= 8) italic = (int32_t)get32(p + 4) / 65536.0;
    hb_blob_destroy(t);
    if (!cap) cap = ascent;
    buf_addf(b, " /Flags 4 /FontBBox [%ld %ld %ld %ld] /ItalicAngle ", bbox[0], bbox[1], bbox[2],
             bbox[3]);
    pdf_add_num(b, italic);
    buf_addf(b, " /Ascent %ld /Descent %ld /CapHeight %ld /StemV 80", ascent, descent, cap);
}

/* The default width (/DW): every CJK ideograph and fullwidth mark is one
 * em, so /W lists only the others. */
#define DEFAULT_WIDTH 1000

/* /W: runs of consecutive codes whose width is not DEFAULT_WIDTH,
 * "c [w w ...]"; slots sorted by code. */
static void add_widths(buf *b, const glyph_slot *s, unsigned n)
{
    bool any = false;
    for (unsigned i = 0; i < n && !any; i++) any = s[i].width != DEFAULT_WIDTH;
    if (!any) return;
    buf_add(b, " /W [");
    any = false;
    for (unsigned i = 0; i < n;) {
        if (s[i].width == DEFAULT_WIDTH) {
            i++;
            continue;
        }
        unsigned j = i + 1;
        while (j < n && s[j].code == s[j - 1].code + 1 && s[j].width != DEFAULT_WIDTH) j++;
        buf_addf(b, "%s%u [", any ? " " : "", s[i].code);
        for (unsigned k = i; k < j; k++) buf_addf(b, "%s%d", k > i ? " " : "", s[k].width);
        buf_addc(b, ']');
        any = true;
        i = j;
    }
    buf_addc(b, ']');
}

/* Glyphs drawn with no text of their own: the hyphen Pango adds where it
 * breaks a word (a second glyph in the last character's cluster), the
 * second glyph of a decomposed character.  Each gets the character the
 * face's cmap maps to it, when there is one, as cairo did, so that no
 * glyph is left that a reader cannot copy.  Only faces with such glyphs
 * pay for walking their cmap. */
static bool text_missing(const face_entry *e)
{
    /* Code 0 is .notdef, kept in every cut face whether drawn or not. */
    for (unsigned i = 0; i < e->nslots; i++)
        if (!e->slots[i].ntext && e->slots[i].code) return true;
    return false;
}

/* Gives each glyph without text the first of unicodes that font maps to it. */
static void text_from(face_entry *e, hb_font_t *font, const hb_set_t *unicodes)
{
    hb_codepoint_t u = HB_SET_VALUE_INVALID, g;
    while (hb_set_next(unicodes, &u)) {
        if (!hb_font_get_nominal_glyph(font, u, &g) || g == 0) continue;
        hb_codepoint_t k = hb_map_get(e->slot_of_glyph, g);
        if (k == HB_MAP_VALUE_INVALID || e->slots[k].ntext) continue;
        char utf8[4];
        size_t n = utf8_encode(u, utf8);
        e->slots[k].text = e->text.len;
        e->slots[k].ntext = (unsigned)n;
        buf_addn(&e->text, utf8, n);
    }
}

static void text_from_cmap(face_entry *e)
{
    if (!text_missing(e)) return;
    hb_font_t *font = hb_font_create(e->src);
    hb_set_t *unicodes = hb_set_create();
    /* Pango's hyphens first: most often they are all there is, and a CJK
     * face's cmap has 44 000 entries to walk. */
    hb_set_add(unicodes, 0x2010);
    hb_set_add(unicodes, 0x2D);
    hb_set_add(unicodes, 0xAD);
    text_from(e, font, unicodes);
    if (text_missing(e)) {
        hb_set_clear(unicodes);
        hb_face_collect_unicodes(e->src, unicodes);
        text_from(e, font, unicodes);
    }
    hb_font_destroy(font);
    hb_set_destroy(unicodes);
}

/* The ToUnicode CMap (Adobe Technical Note #5411), codes sorted; false
 * when no code has text. */
static bool tounicode(const face_entry *e, const glyph_slot *s, unsigned n, buf *b)
{
    unsigned mapped = 0;
    for (unsigned i = 0; i < n; i++) mapped += s[i].ntext > 0;
    if (!mapped) return false;
    buf_add(b, "/CIDInit /ProcSet findresource begin\n"
               "12 dict begin\n"
               "begincmap\n"
               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
               "/CMapName /Adobe-Identity-UCS def\n"
               "/CMapType 2 def\n"
               "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* At most 100 entries per block (the PostScript operand stack). */
    unsigned i = 0;
    while (mapped) {
        unsigned block = mapped < 100 ? mapped : 100;
        buf_addf(b, "%u beginbfchar\n", block);
        for (unsigned done = 0; done < block; i++) {
            if (!s[i].ntext) continue;
            buf_addc(b, '<');
            pdf_add_hex4(b, s[i].code);
            buf_add(b, "> <");
            pdf_add_utf16_hex(b, e->text.s + s[i].text, s[i].ntext);
            buf_add(b, ">\n");
            done++;
        }
        buf_add(b, "endbfchar\n");
        mapped -= block;
    }
    buf_add(b, "endcmap\n"
               "CMapName currentdict /CMap defineresource pop\n"
               "end\n"
               "end\n");
    return true;
}

static void write_font(face_entry *e, pdfobj *w)
{
    unsigned len = 0;
    const char *prog = hb_blob_get_data(e->program, &len);
    bool cff = e->kind == KIND_CFF;

    /* The subset tag: six letters from the program's bytes, so the same
     * glyphs give the same name and other glyphs another. */
    char name[128];
    uint64_t h = hash_bytes(prog, len, 0);
    for (int i = 0; i < 6; i++, h /= 26) name[i] = (char)('A' + h % 26);
    name[6] = '+';
    postscript_name(e->src, name + 7, sizeof name - 7);

    text_from_cmap(e);
    glyph_slot *sorted = mem_alloc(sizeof *sorted * (e->nslots + 1));
    memcpy(sorted, e->slots, sizeof *sorted * e->nslots);
    qsort(sorted, e->nslots, sizeof *sorted, by_code);

    int cidfont = pdfobj_reserve(w), desc = pdfobj_reserve(w), file = pdfobj_reserve(w);
    buf cmap = BUF_INIT, b = BUF_INIT;
    int tu = tounicode(e, sorted, e->nslots, &cmap) ? pdfobj_reserve(w) : 0;

    /* Type0: for a CIDFontType0 descendant, its name and the CMap's joined
     * by a hyphen (ISO 32000-1 Table 121). */
    buf_add(&b, "<< /Type /Font /Subtype /Type0 /BaseFont ");
    pdf_add_name(&b, name);
    if (cff) buf_add(&b, "-Identity-H");
    buf_addf(&b, " /Encoding /Identity-H /DescendantFonts [%d 0 R]", cidfont);
    if (tu) buf_addf(&b, " /ToUnicode %d 0 R", tu);
    buf_add(&b, " >>");
    pdfobj_write(w, e->objnum, b.s, b.len);

    buf_truncate(&b, 0);
    buf_addf(&b, "<< /Type /Font /Subtype /%s /BaseFont ", cff ? "CIDFontType0" : "CIDFontType2");
    pdf_add_name(&b, name);
    buf_addf(&b, " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                 " /FontDescriptor %d 0 R /DW %d",
             desc, DEFAULT_WIDTH);
    add_widths(&b, sorted, e->nslots);
    if (!cff) buf_add(&b, " /CIDToGIDMap /Identity");
    buf_add(&b, " >>");
    pdfobj_write(w, cidfont, b.s, b.len);

    buf_truncate(&b, 0);
    buf_add(&b, "<< /Type /FontDescriptor /FontName ");
    pdf_add_name(&b, name);
    add_metrics(&b, e->src);
    buf_addf(&b, " /FontFile%d %d 0 R >>", cff ? 3 : 2, file);
    pdfobj_write(w, desc, b.s, b.len);

    buf_truncate(&b, 0);
    if (cff) buf_add(&b, "/Subtype /CIDFontType0C");
    else buf_addf(&b, "/Length1 %u", len);
    pdfobj_write_stream(w, file, b.s, prog, len, true);

    if (tu) pdfobj_write_stream(w, tu, NULL, cmap.s, cmap.len, true);
    buf_free(&b);
    buf_free(&cmap);
    free(sorted);
}

bool pdffont_write(pdffont_set *fs, pdfobj *w)
{
    for (size_t f = 0; f < fs->norder; f++) {
        face_entry *e = &fs->faces[fs->order[f]];
        if (!e->objnum) continue;
        if (!e->program) return false;
        write_font(e, w);
    }
    return true;
}

void pdffont_stats(const pdffont_set *fs, int *faces, int *glyphs)
{
    int n = 0, g = 0;
    for (size_t i = 0; fs && i < fs->nfaces; i++)
        if (!hb_set_is_empty(fs->faces[i].glyphs)) {
            n++;
            g += (int)hb_set_get_population(fs->faces[i].glyphs);
        }
    if (faces) *faces = n;
    if (glyphs) *glyphs = g;
}

void pdffont_describe(const pdffont_set *fs, buf *out)
{
    for (size_t i = 0; i < fs->nfaces; i++) {
        const face_entry *e = &fs->faces[i];
        if (e->kind != KIND_CFF || hb_set_is_empty(e->glyphs)) continue;
        buf_addf(out, "%s %d", e->file ? e->file : "?", e->index);
        hb_codepoint_t g = HB_SET_VALUE_INVALID;
        while (hb_set_next(e->glyphs, &g)) buf_addf(out, " %u", g);
        buf_addc(out, '\n');
    }
}
