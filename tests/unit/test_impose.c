/* impose: booklets and slide handouts from synthetic pagesets whose pages
 * are labelled with their number (a placeholder box "7"), so every sheet
 * side can be read back without fonts.
 *
 * The saddle-stitch order is checked against a fold, not against the
 * formula impose.c uses: a stack of S sheets folded in the middle is read
 * front-right, back-left of each sheet from the outermost in, then
 * back-right, front-left of each from the innermost out; that sequence
 * must be pages 1, 2, 3…, blanks (after the last page) excepted. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check.h"
#include "layout/impose.h"
#include "layout/pageset.h"
#include "style/theme.h"

/* A5 pages, each labelled with its 1-based number; page 2 has a link to
 * a destination on the last page, and an outline entry points there. */
static pageset *numbered(size_t n, int w, int h)
{
    pageset *ps = pageset_new();
    pageset_set_meta(ps, "Title", "Author", NULL, NULL, "2024-09-06T00:00:00", "zh-Hans");
    for (size_t i = 0; i < n; i++) {
        page *pg = pageset_add_page(ps, w, h);
        char label[32];
        snprintf(label, sizeof label, "%zu", i + 1);
        page_add_placeholder(pg, label, w / 4, h / 4, w / 2, h / 2);
        if (i == n - 1) page_add_dest(pg, "last", w / 2, h / 3);
        if (i == 1) page_add_link(pg, NULL, "last", 10 * THEME_PT, 20 * THEME_PT, 30 * THEME_PT, 5 * THEME_PT);
    }
    if (n) pageset_add_outline(ps, "Last", 1, "last", (int)n - 1);
    return ps;
}

/* The number shown by a placed box: its page's label, or 0 for a blank. */
static int shown(const box *b)
{
    if (b->placed->nboxes == 0) return 0;
    return atoi(b->placed->boxes[0].text);
}

/* The placed boxes of a sheet side, left then right. */
static void halves(const page *pg, const box **left, const box **right)
{
    *left = *right = NULL;
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind != BOX_PLACED) continue;
        if (!*left) *left = b;
        else *right = b;
    }
    if (*left && *right && (*left)->x > (*right)->x) {
        const box *t = *left;
        *left = *right;
        *right = t;
    }
}

static void test_saddle_order(void)
{
    int a5w = THEME_MM(148), a5h = THEME_MM(210);
    for (size_t n = 1; n <= 17; n++) {
        pageset *out = impose_saddle(numbered(n, a5w, a5h),
                                     &(impose_saddle_opts){IMPOSE_SHEET_A4, false, 0});
        size_t padded = (n + 3) / 4 * 4, sheets = padded / 4;
        CHECK_INT(impose_saddle_padded(n), padded);
        CHECK_INT(pageset_npages(out), 2 * sheets);
        /* Fold the stack and read it. */
        int *seq = calloc(padded, sizeof *seq);
        size_t at = 0;
        for (size_t k = 0; k < sheets; k++) {
            const box *l, *r, *bl, *br;
            halves(pageset_page_const(out, 2 * k), &l, &r);
            halves(pageset_page_const(out, 2 * k + 1), &bl, &br);
            seq[at++] = shown(r);
            seq[at++] = shown(bl);
        }
        for (size_t k = sheets; k-- > 0;) {
            const box *l, *r, *bl, *br;
            halves(pageset_page_const(out, 2 * k), &l, &r);
            halves(pageset_page_const(out, 2 * k + 1), &bl, &br);
            seq[at++] = shown(br);
            seq[at++] = shown(l);
        }
        for (size_t i = 0; i < padded; i++) {
            int want = i < n ? (int)i + 1 : 0;
            if (seq[i] != want)
                fprintf(stderr, "%zu pages: reading position %zu shows %d\n", n, i + 1, seq[i]);
            CHECK_INT(seq[i], want);
        }
        free(seq);
        pageset_free(out);
    }
}

/* The example of issue #9, literally. */
static void test_saddle_eight(void)
{
    static const int want[4][2] = {{8, 1}, {2, 7}, {6, 3}, {4, 5}};
    pageset *out = impose_saddle(numbered(8, THEME_MM(148), THEME_MM(210)),
                                 &(impose_saddle_opts){IMPOSE_SHEET_A4, false, 0});
    for (size_t side = 0; side < 4; side++) {
        const box *l, *r;
        halves(pageset_page_const(out, side), &l, &r);
        CHECK_INT(shown(l), want[side][0]);
        CHECK_INT(shown(r), want[side][1]);
        CHECK_INT(impose_saddle_page(8, side, 0) + 1, want[side][0]);
        CHECK_INT(impose_saddle_page(8, side, 1) + 1, want[side][1]);
    }
    buf d = BUF_INIT;
    pageset_dump(out, &d);
    CHECK(strstr(d.s, "page 1 841.89x595.28 label=1a\n  placed      0.00 0.00 420.94 595.28 p8 at "));
    buf_free(&d);
    pageset_free(out);
}

/* A5 on landscape A4: full size, against the fold, centred vertically;
 * the outline follows its page to the sheet; metadata is kept. */
static void test_saddle_geometry(void)
{
    int a5w = THEME_MM(148), a5h = THEME_MM(210);
    pageset *out = impose_saddle(numbered(6, a5w, a5h),
                                 &(impose_saddle_opts){IMPOSE_SHEET_A4, false, 0});
    const page *s1 = pageset_page_const(out, 0);
    CHECK_INT(s1->w, THEME_MM(297));
    CHECK_INT(s1->h, THEME_MM(210));
    const box *l, *r;
    halves(s1, &l, &r);
    CHECK(l->scale == 1.0 && r->scale == 1.0);
    CHECK_INT(l->place_x + a5w, s1->w / 2);
    CHECK_INT(r->place_x, s1->w / 2);
    CHECK_INT(l->x + l->w, r->x); /* the clips meet at the fold */
    /* The outline's page 6 (of 8 after padding) is on sheet 2's front. */
    CHECK_INT(pageset_noutline(out), 1);
    CHECK_INT(pageset_outline(out, 0)->page, 2);
    CHECK_STR(pageset_get_meta(out)->title, "Title");
    pageset_free(out);

    /* Letter: an A5 page shrinks to half-letter's width. */
    out = impose_saddle(numbered(4, a5w, a5h), &(impose_saddle_opts){IMPOSE_SHEET_LETTER, false, 0});
    s1 = pageset_page_const(out, 0);
    CHECK_INT(s1->w, 792 * THEME_PT);
    halves(s1, &l, &r);
    CHECK(l->scale < 0.95 && l->scale > 0.94);
    CHECK(l->place_x >= 0 && r->place_x + (int)(a5w * r->scale) <= s1->w + 1);
    pageset_free(out);
}

/* Marks: pages shrink so that every mark lies on the sheet and outside
 * every page; only fronts carry marks. */
static void test_saddle_marks(void)
{
    int a5w = THEME_MM(148), a5h = THEME_MM(210);
    pageset *out = impose_saddle(numbered(8, a5w, a5h),
                                 &(impose_saddle_opts){IMPOSE_SHEET_A4, true, 0});
    for (size_t side = 0; side < pageset_npages(out); side++) {
        const page *pg = pageset_page_const(out, side);
        const box *l, *r;
        halves(pg, &l, &r);
        CHECK(l->scale < 1.0 && l->scale > 0.9);
        int top = l->place_y, bottom = l->place_y + (int)(a5h * l->scale);
        int left = l->place_x, right = r->place_x + (int)(a5w * r->scale);
        size_t nmarks = 0;
        for (size_t k = 0; k < pg->nboxes; k++) {
            const box *b = &pg->boxes[k];
            if (b->kind != BOX_RECT) continue;
            nmarks++;
            CHECK(b->x >= 0 && b->y >= 0 && b->x + b->w <= pg->w && b->y + b->h <= pg->h);
            bool inside = b->x + b->w > left && b->x < right && b->y + b->h > top && b->y < bottom;
            CHECK(!inside);
        }
        CHECK(side % 2 ? nmarks == 0 : nmarks >= 10);
    }
    pageset_free(out);
}

/* Creep: the innermost sheet's pages move the full amount towards the
 * fold, the outermost not at all, the one between by half. */
static void test_saddle_creep(void)
{
    int a5w = THEME_MM(148), a5h = THEME_MM(210), creep = THEME_MM(2);
    pageset *out = impose_saddle(numbered(12, a5w, a5h),
                                 &(impose_saddle_opts){IMPOSE_SHEET_A4, false, creep});
    int fold = THEME_MM(297) / 2;
    for (size_t side = 0; side < 6; side++) {
        const box *l, *r;
        halves(pageset_page_const(out, side), &l, &r);
        int want = creep * (int)(side / 2) / 2;
        CHECK_INT(l->place_x + a5w - fold, want);
        CHECK_INT(fold - r->place_x, want);
        CHECK_INT(l->x + l->w, fold); /* the clip stays at the fold */
    }
    pageset_free(out);
}

/* pageset_placed_point: the four quarter turns send the placed page's
 * corners where draw.c's matrix does. */
static void test_placed_point(void)
{
    pageset *src = numbered(1, 100 * THEME_PT, 200 * THEME_PT);
    pageset *dst = pageset_new();
    page *pg = pageset_add_page(dst, 1000 * THEME_PT, 1000 * THEME_PT);
    static const struct {
        int rot;
        double x, y; /* where the source's (0, 0) and (100, 0) land, + place */
        double x2, y2;
    } cases[] = {
        {0, 0, 0, 50, 0},
        {90, 100, 0, 100, 50},
        {180, 50, 100, 0, 100},
        {270, 0, 50, 0, 0},
    };
    for (size_t i = 0; i < 4; i++) {
        box *b = page_add_placed(pg, src, 0, 0, 0, 0, 0, 10 * THEME_PT, 20 * THEME_PT, 0.5,
                                 cases[i].rot);
        double x, y;
        pageset_placed_point(b, 0, 0, &x, &y);
        CHECK_INT((long)(x / THEME_PT), (long)cases[i].x + 10);
        CHECK_INT((long)(y / THEME_PT), (long)cases[i].y + 20);
        pageset_placed_point(b, 100 * THEME_PT, 0, &x, &y);
        CHECK_INT((long)(x / THEME_PT), (long)cases[i].x2 + 10);
        CHECK_INT((long)(y / THEME_PT), (long)cases[i].y2 + 20);
    }
    pageset_adopt(dst, src);
    pageset_free(dst);
}

/* Slide handouts: slides in reading order, per_page to a page, inside the
 * margins, framed; 3-up has notes lines to the right of each slide. */
static void test_nup(void)
{
    static const int per[] = {1, 2, 3, 4, 6};
    int sw = 960 * THEME_PT, sh = 540 * THEME_PT;
    for (size_t pi = 0; pi < 5; pi++) {
        int n = per[pi];
        for (size_t ns = 1; ns <= 13; ns++) {
            pageset *out = impose_nup(numbered(ns, sw, sh), &(impose_nup_opts){n, IMPOSE_SHEET_A4});
            CHECK_INT(pageset_npages(out), (ns + (size_t)n - 1) / (size_t)n);
            int next = 1;
            for (size_t p = 0; p < pageset_npages(out); p++) {
                const page *pg = pageset_page_const(out, p);
                CHECK(pg->w < pg->h);
                int last_x = -1, last_y = -1, rules = 0, slides = 0, right = 0;
                for (size_t k = 0; k < pg->nboxes; k++) {
                    const box *b = &pg->boxes[k];
                    CHECK(b->x >= THEME_MM(10) && b->x + b->w <= pg->w - THEME_MM(10));
                    CHECK(b->y >= THEME_MM(10) && b->y + b->h <= pg->h - THEME_MM(10));
                    /* A notes line: thin, wide, right of the slide before it
                     * (frames touch their slide). */
                    if (b->kind == BOX_RECT && b->h < THEME_PT && b->x > right + THEME_MM(1)) rules++;
                    if (b->kind != BOX_PLACED) continue;
                    slides++;
                    right = b->x + b->w;
                    CHECK_INT(shown(b), next);
                    next++;
                    /* Reading order: down the page, across each row. */
                    CHECK(b->y > last_y || (b->y == last_y && b->x > last_x));
                    last_x = b->x;
                    last_y = b->y;
                }
                if (n == 3) CHECK(rules >= 5 * slides);
                else CHECK_INT(rules, 0);
            }
            CHECK_INT(next, (int)ns + 1);
            if (ns == 13) {
                /* The outline entry of slide 13 moves to the page carrying it. */
                CHECK_INT(pageset_outline(out, 0)->page, (int)((ns - 1) / (size_t)n));
            }
            pageset_free(out);
        }
    }
    CHECK(impose_nup_valid(6) && !impose_nup_valid(5) && !impose_nup_valid(0));
    impose_sheet s;
    CHECK(impose_sheet_parse("letter", &s) && s == IMPOSE_SHEET_LETTER);
    CHECK(!impose_sheet_parse("a5", &s));
}

TEST_MAIN({
    test_saddle_order();
    test_saddle_eight();
    test_saddle_geometry();
    test_saddle_marks();
    test_saddle_creep();
    test_placed_point();
    test_nup();
})
