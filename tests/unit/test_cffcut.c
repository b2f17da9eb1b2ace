/* cffcut: a CID-keyed CFF written from a store of flat glyph programs is
 * a font FreeType reads, with every glyph's outline and advance as in the
 * source face; its bytes do not depend on what the store learnt before;
 * a full store starts again; and what it cannot use it refuses. */
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <hb-subset.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check.h"
#include "render/cffcut.h"

static hb_blob_t *no_cmap(hb_face_t *f, hb_tag_t tag, void *src)
{
    (void)f;
    if (tag == HB_TAG('c', 'm', 'a', 'p')) return hb_blob_get_empty();
    return hb_face_reference_table(src, tag);
}

static void unref(void *p) { hb_face_destroy(p); }

/* hb-subset's cut of the glyphs in keep, as render/pdffont.c makes it:
 * its CFF table, and in src[j] the source id of its glyph j. */
static hb_blob_t *cut(hb_face_t *face, const uint32_t *keep, size_t n, uint32_t *src)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    for (size_t i = 0; i < n; i++) hb_set_add(hb_subset_input_glyph_set(in), keep[i]);
    /* Only the CFF matters (pdffont.c drops the others too). */
    static const hb_tag_t drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('B', 'A', 'S', 'E'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('v', 'h', 'e', 'a'),
        HB_TAG('v', 'm', 't', 'x'), HB_TAG('h', 'm', 't', 'x'), HB_TAG('h', 'h', 'e', 'a'),
        HB_TAG('p', 'o', 's', 't'), HB_TAG('n', 'a', 'm', 'e'), HB_TAG('O', 'S', '/', '2'),
    };
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG), drop[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_face_t *view = hb_face_create_for_tables(no_cmap, hb_face_reference(face), unref);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(view, in);
    hb_face_destroy(view);
    hb_subset_input_destroy(in);
    if (!plan) return hb_blob_get_empty();
    hb_face_t *out = hb_subset_plan_execute_or_fail(plan);
    const hb_map_t *m = hb_subset_plan_old_to_new_glyph_mapping(plan);
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t j = hb_map_get(m, keep[i]);
        if (j < n) src[j] = keep[i];
    }
    hb_blob_t *cff = hb_face_reference_table(out, HB_TAG('C', 'F', 'F', ' '));
    hb_face_destroy(out);
    hb_subset_plan_destroy(plan);
    return cff;
}

static bool learn(cffcut *c, hb_face_t *face, const uint32_t *keep, size_t n)
{
    uint32_t *src = calloc(n, sizeof *src);
    hb_blob_t *b = cut(face, keep, n, src);
    unsigned len;
    const char *d = hb_blob_get_data(b, &len);
    bool ok = cffcut_learn(c, (const uint8_t *)d, len, src, n);
    hb_blob_destroy(b);
    free(src);
    return ok;
}

/* Sorted, distinct, 0 first: n ids spread over the face. */
static size_t glyph_set(uint32_t *g, size_t n, uint32_t step, uint32_t from)
{
    g[0] = 0;
    for (size_t i = 1; i < n; i++) g[i] = from + (uint32_t)i * step;
    return n;
}

static bool same_outline(FT_Face a, unsigned ga, FT_Face b, unsigned gb)
{
    if (FT_Load_Glyph(a, ga, FT_LOAD_NO_SCALE) || FT_Load_Glyph(b, gb, FT_LOAD_NO_SCALE))
        return false;
    FT_Outline *oa = &a->glyph->outline, *ob = &b->glyph->outline;
    if (a->glyph->advance.x != b->glyph->advance.x || oa->n_points != ob->n_points ||
        oa->n_contours != ob->n_contours)
        return false;
    return !memcmp(oa->points, ob->points, sizeof *oa->points * (size_t)oa->n_points) &&
           !memcmp(oa->contours, ob->contours, sizeof *oa->contours * (size_t)oa->n_contours);
}

static void test_cut(const char *file, int index)
{
    hb_blob_t *blob = hb_blob_create_from_file(file);
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    uint32_t g[200], u1[300], u2[300];
    size_t n = glyph_set(g, 120, 97, 900);

    /* The same glyphs, learnt at once or bit by bit among others. */
    cffcut *a = cffcut_new(8u << 20), *b = cffcut_new(8u << 20);
    CHECK(learn(a, face, g, n));
    size_t n1 = 0, n2 = 0;
    u1[n1++] = 0, u2[n2++] = 0;
    for (size_t i = 1; i < n; i++) {
        if (i % 2) u1[n1++] = g[i];
        else u2[n2++] = g[i];
        u2[n2++] = g[i] + 1; /* neighbours the first store never sees */
    }
    CHECK(learn(b, face, u1, n1));
    CHECK(learn(b, face, u2, n2));
    for (size_t i = 0; i < n; i++) CHECK(cffcut_has(b, g[i]));
    CHECK(!cffcut_has(a, g[1] + 1));
    buf fa = BUF_INIT, fb = BUF_INIT;
    CHECK(cffcut_write(a, g, n, &fa));
    CHECK(cffcut_write(b, g, n, &fb));
    CHECK(fa.len > 0 && fa.len == fb.len && !memcmp(fa.s, fb.s, fa.len));

    /* FreeType reads it.  A bare CID-keyed CFF is indexed by CID, which
     * in Noto CJK is the glyph id of the source face. */
    FT_Library ft;
    FT_Init_FreeType(&ft);
    FT_Face cutf = NULL, orig = NULL;
    CHECK(!FT_New_Memory_Face(ft, (const FT_Byte *)fa.s, (FT_Long)fa.len, 0, &cutf));
    CHECK(!FT_New_Face(ft, file, index, &orig));
    if (cutf && orig) {
        CHECK_INT(cutf->num_glyphs, (long)g[n - 1] + 1);
        int same = 0;
        for (size_t k = 0; k < n; k++) same += same_outline(cutf, g[k], orig, g[k]);
        CHECK_INT(same, (long)n);
    }
    if (cutf) FT_Done_Face(cutf);
    if (orig) FT_Done_Face(orig);
    FT_Done_FreeType(ft);

    /* An unknown glyph, or ids out of order, write nothing. */
    uint32_t bad[3] = {0, g[1] + 1, g[2]};
    size_t before = fa.len;
    CHECK(!cffcut_write(a, bad, 3, &fa));
    uint32_t unsorted[3] = {0, g[2], g[1]};
    CHECK(!cffcut_write(a, unsorted, 3, &fa));
    CHECK_INT(fa.len, (long)before);

    /* A store over its cap forgets what it had and keeps the new. */
    cffcut *small = cffcut_new(4096);
    CHECK(learn(small, face, u1, n1));
    CHECK(learn(small, face, u2, n2));
    CHECK(cffcut_has(small, u2[1]));
    CHECK(!cffcut_has(small, u1[1]));

    /* Not a CFF it can use. */
    const uint8_t junk[] = "\x01\x00\x04\x04garbage";
    CHECK(!cffcut_learn(small, junk, sizeof junk, u1, 1));
    CHECK(!cffcut_learn(small, (const uint8_t *)fa.s, fa.len / 3, g, n));
    CHECK(!cffcut_learn(small, (const uint8_t *)fa.s, fa.len, g, n - 1)); /* count differs */

    buf_free(&fa);
    buf_free(&fb);
    cffcut_free(a);
    cffcut_free(b);
    cffcut_free(small);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

/* The file and index of a family, from the machine's fontconfig. */
static bool find(const char *family, char *file, size_t sz, int *index)
{
    FcPattern *p = FcNameParse((const FcChar8 *)family);
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult r;
    FcPattern *m = FcFontMatch(NULL, p, &r);
    FcChar8 *f = NULL, *fam = NULL;
    bool ok = m && FcPatternGetString(m, FC_FILE, 0, &f) == FcResultMatch &&
              FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch &&
              !strcmp((const char *)fam, family) &&
              FcPatternGetInteger(m, FC_INDEX, 0, index) == FcResultMatch;
    if (ok) snprintf(file, sz, "%s", (const char *)f);
    if (m) FcPatternDestroy(m);
    FcPatternDestroy(p);
    return ok;
}

static void test_faces(void)
{
    static const char *families[] = {"Noto Serif CJK SC", "Noto Sans CJK SC"};
    for (size_t i = 0; i < 2; i++) {
        char file[1024];
        int index;
        if (!find(families[i], file, sizeof file, &index)) {
            printf("%s: skipped (not installed)\n", families[i]);
            continue;
        }
        test_cut(file, index);
    }
}

TEST_MAIN({ test_faces(); })
