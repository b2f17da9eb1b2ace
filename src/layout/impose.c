/* impose: pages on printer's sheets (see impose.h).
 *
 * Saddle stitch.  A booklet of P pages (P a multiple of 4) is P / 4 sheets
 * nested inside one another and folded once; sheet 1 is the outermost.
 * Its front carries the last and the first page (P, 1), its back 2 and
 * P - 1; sheet k (0-based) front carries P - 2k and 2k + 1, its back
 * 2k + 2 and P - 2k - 1.  Padding pages are blank pages appended at the
 * end: folio has no back cover, so the end of the body is the end, and no
 * blank page falls inside a section.
 *
 * Which way the back is printed is the printer's "flip" setting.  The
 * fold is parallel to the landscape sheet's short sides, and a reader
 * turns the sheet over about that axis; "flip on short edge" (the axis
 * parallel to the short edges, also called "short-edge binding") does the
 * same, so the back page of the PDF is drawn upright, with page 2 on the
 * left behind page 1 on the right.  With "flip on long edge" every back
 * would come out upside down: the convention is stated in the README and
 * in `folio --help`.
 *
 * Geometry.  Each page is scaled to fit half the sheet (A5 on A4 and
 * half-letter on Letter fit at 100 %), never enlarged, and set against the
 * fold, centred vertically.  --marks needs paper outside the trimmed
 * spread: pages shrink until a band of MARK_BAND is free all round, and
 * crop marks (at the spread's corners, the fold is not cut) and fold marks
 * are drawn in it, on the front of each sheet only (the outside of the
 * fold, the side one looks at when folding and trimming).  Creep: inner
 * sheets of a thick booklet stick out at the fore-edge after folding and
 * lose more in the trim; their pages move towards the fold by
 * creep × k / (sheets - 1) for sheet k, so the innermost moves by the full
 * amount.  Each page is clipped to its half of the sheet.
 *
 * Slide handouts: a grid of cells inside the page margins, each slide
 * scaled to fit its cell and centred in it, framed by a hairline.  The
 * 3-up layout gives each slide the left part of its row and fills the
 * rest with ruled lines, as presentation software does.
 */
#include "layout/impose.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "style/theme.h"

/* Crop and fold marks start MARK_GAP away from the trim line and are
 * MARK_LEN long; the band left free around the spread is a little wider
 * so that marks do not end at the paper's edge, but office printers leave
 * 4–5 mm unprinted, and these marks reach from 2 to 6 mm inside the band
 * edge: most of each mark prints. */
#define MARK_GAP THEME_MM(2)
#define MARK_LEN THEME_MM(4)
#define MARK_BAND THEME_MM(8)
/* A hairline as printers understand it: 0.25 pt. */
#define HAIRLINE (THEME_PT / 4)
static const theme_rgba MARK_COLOR = 0x000000ffu;

/* Slide handouts: 15 mm margins keep everything out of the unprintable
 * border and of pdfcheck's 4 % margin band (8.4 mm on A4); 6 mm between
 * cells; a 0.5 pt grey frame; notes lines 7 mm apart (college-ruled). */
#define NUP_MARGIN THEME_MM(15)
#define NUP_GAP THEME_MM(6)
#define NUP_FRAME (THEME_PT / 2)
#define NUP_RULE_PITCH THEME_MM(7)
static const theme_rgba NUP_FRAME_COLOR = 0x808080ffu;
static const theme_rgba NUP_RULE_COLOR = 0xb4b4b4ffu;

bool impose_sheet_parse(const char *s, impose_sheet *out)
{
    if (!strcmp(s, "a4") || !strcmp(s, "A4")) *out = IMPOSE_SHEET_A4;
    else if (!strcmp(s, "letter") || !strcmp(s, "Letter")) *out = IMPOSE_SHEET_LETTER;
    else return false;
    return true;
}

/* Portrait size of the sheet, Pango units. */
static void sheet_size(impose_sheet sh, int *w, int *h)
{
    if (sh == IMPOSE_SHEET_LETTER) {
        *w = 612 * THEME_PT;
        *h = 792 * THEME_PT;
    } else {
        *w = THEME_MM(210);
        *h = THEME_MM(297);
    }
}

size_t impose_saddle_padded(size_t n)
{
    size_t p = (n + 3) / 4 * 4;
    return p ? p : 4;
}

size_t impose_saddle_page(size_t padded, size_t side, int half)
{
    size_t k = side / 2;
    bool back = side % 2;
    assert(padded % 4 == 0 && k < padded / 4);
    if (!back) return half ? 2 * k : padded - 1 - 2 * k;
    return half ? padded - 2 - 2 * k : 2 * k + 1;
}

static void copy_meta(pageset *dst, const pageset *src)
{
    const pageset_meta *m = pageset_get_meta(src);
    pageset_set_meta(dst, m->title, m->author, m->subject, m->keywords, m->date, m->lang);
}

/* Outline entries follow their page to the sheet that carries it;
 * sheet_of[i] is the output page of source page i. */
static void copy_outline(pageset *dst, const pageset *src, const size_t *sheet_of)
{
    for (size_t i = 0; i < pageset_noutline(src); i++) {
        const outline_entry *e = pageset_outline(src, i);
        pageset_add_outline(dst, e->title, e->level, e->dest, (int)sheet_of[e->page]);
    }
}

static void hline(page *pg, theme_rgba c, int x0, int x1, int y, int t)
{
    page_add_rect(pg, c, x0, y - t / 2, x1 - x0, t);
}

static void vline(page *pg, theme_rgba c, int x, int y0, int y1, int t)
{
    page_add_rect(pg, c, x - t / 2, y0, t, y1 - y0);
}

/* Crop marks at the four corners of the trimmed spread (x0, y0)–(x1, y1)
 * and fold marks, dashed, above and below the fold at fx. */
static void add_marks(page *pg, int x0, int y0, int x1, int y1, int fx)
{
    int g = MARK_GAP, l = MARK_LEN, t = HAIRLINE;
    hline(pg, MARK_COLOR, x0 - g - l, x0 - g, y0, t);
    hline(pg, MARK_COLOR, x1 + g, x1 + g + l, y0, t);
    hline(pg, MARK_COLOR, x0 - g - l, x0 - g, y1, t);
    hline(pg, MARK_COLOR, x1 + g, x1 + g + l, y1, t);
    vline(pg, MARK_COLOR, x0, y0 - g - l, y0 - g, t);
    vline(pg, MARK_COLOR, x1, y0 - g - l, y0 - g, t);
    vline(pg, MARK_COLOR, x0, y1 + g, y1 + g + l, t);
    vline(pg, MARK_COLOR, x1, y1 + g, y1 + g + l, t);
    /* Dashed, 1 mm on and 1 mm off, so a fold mark never reads as a cut. */
    int dash = THEME_MM(1);
    for (int d = 0; d + dash <= l; d += 2 * dash) {
        vline(pg, MARK_COLOR, fx, y0 - g - l + d, y0 - g - l + d + dash, t);
        vline(pg, MARK_COLOR, fx, y1 + g + d, y1 + g + d + dash, t);
    }
}

pageset *impose_saddle(pageset *pages, const impose_saddle_opts *opts)
{
    size_t n = pageset_npages(pages);
    size_t padded = impose_saddle_padded(n);
    int pw = 0, ph = 0;
    for (size_t i = 0; i < n; i++) {
        const page *p = pageset_page_const(pages, i);
        if (p->w > pw) pw = p->w;
        if (p->h > ph) ph = p->h;
    }
    if (!pw || !ph) {
        int w, h;
        sheet_size(opts->sheet, &w, &h);
        pw = h / 2;
        ph = w;
    }
    for (size_t i = n; i < padded; i++) pageset_add_page(pages, pw, ph);

    int sw, sh;
    sheet_size(opts->sheet, &sh, &sw); /* landscape: width and height swap */
    int band = opts->marks ? MARK_BAND : 0;
    double sx = (double)(sw / 2 - band) / pw, sy = (double)(sh - 2 * band) / ph;
    double scale = sx < sy ? sx : sy;
    if (scale > 1) scale = 1;
    int spw = (int)(pw * scale + 0.5), sph = (int)(ph * scale + 0.5);
    int fold = sw / 2, top = (sh - sph) / 2;

    pageset *out = pageset_new();
    copy_meta(out, pages);
    size_t *sheet_of = mem_calloc(padded, sizeof *sheet_of);
    size_t nsheets = padded / 4;
    for (size_t side = 0; side < 2 * nsheets; side++) {
        size_t k = side / 2;
        page *pg = pageset_add_page(out, sw, sh);
        /* Page labels name the sheet and side ("2a" front, "2b" back), so
         * a print dialog's page range can pick sheets; the booklet's own
         * page numbers are in the footers. */
        char label[48];
        snprintf(label, sizeof label, "%zu%s", k + 1, side % 2 ? "b" : "a");
        pg->label = mem_strdup(label);
        int shift = nsheets > 1 ? (int)((long)opts->creep * (long)k / (long)(nsheets - 1)) : 0;
        for (int half = 0; half < 2; half++) {
            size_t p = impose_saddle_page(padded, side, half);
            const page *src = pageset_page_const(pages, p);
            /* Each page sits against the fold at its own size (all are
             * the same in practice), centred vertically. */
            int w = (int)(src->w * scale + 0.5), h = (int)(src->h * scale + 0.5);
            int x = half ? fold - shift : fold - w + shift;
            int y = (sh - h) / 2;
            page_add_placed(pg, pages, p, half ? fold : 0, 0, fold, sh, x, y, scale, 0);
            sheet_of[p] = side;
        }
        if (opts->marks && side % 2 == 0)
            add_marks(pg, fold - spw, top, fold + spw, top + sph, fold);
    }
    copy_outline(out, pages, sheet_of);
    free(sheet_of);
    pageset_adopt(out, pages);
    return out;
}

bool impose_nup_valid(int per_page)
{
    return per_page == 1 || per_page == 2 || per_page == 3 || per_page == 4 || per_page == 6;
}

/* A hairline frame just outside the slide, so it never covers the
 * slide's own edge. */
static void add_frame(page *pg, int x, int y, int w, int h)
{
    int t = NUP_FRAME;
    page_add_rect(pg, NUP_FRAME_COLOR, x - t, y - t, w + 2 * t, t);
    page_add_rect(pg, NUP_FRAME_COLOR, x - t, y + h, w + 2 * t, t);
    page_add_rect(pg, NUP_FRAME_COLOR, x - t, y, t, h);
    page_add_rect(pg, NUP_FRAME_COLOR, x + w, y, t, h);
}

pageset *impose_nup(pageset *slides, const impose_nup_opts *opts)
{
    assert(impose_nup_valid(opts->per_page));
    int n = opts->per_page;
    int cols = n >= 4 ? 2 : 1, rows = n == 4 ? 2 : n == 6 ? 3 : n;
    int pw, ph;
    sheet_size(opts->sheet, &pw, &ph);
    int cw = pw - 2 * NUP_MARGIN, ch = ph - 2 * NUP_MARGIN;
    int cell_w = (cw - (cols - 1) * NUP_GAP) / cols;
    int cell_h = (ch - (rows - 1) * NUP_GAP) / rows;
    /* 3-up: the slide takes 55 % of the row, the notes the rest. */
    int slide_area = n == 3 ? (cell_w - NUP_GAP) * 11 / 20 : cell_w;

    size_t ns = pageset_npages(slides);
    pageset *out = pageset_new();
    copy_meta(out, slides);
    size_t *sheet_of = mem_calloc(ns + 1, sizeof *sheet_of);
    page *pg = NULL;
    for (size_t i = 0; i < ns; i++) {
        int slot = (int)(i % (size_t)n);
        if (slot == 0) {
            pg = pageset_add_page(out, pw, ph);
            char label[32];
            snprintf(label, sizeof label, "%zu", pageset_npages(out));
            pg->label = mem_strdup(label);
        }
        const page *src = pageset_page_const(slides, i);
        double sx = (double)slide_area / src->w, sy = (double)cell_h / src->h;
        double scale = sx < sy ? sx : sy;
        int w = (int)(src->w * scale + 0.5), h = (int)(src->h * scale + 0.5);
        int cx = NUP_MARGIN + (slot % cols) * (cell_w + NUP_GAP);
        int cy = NUP_MARGIN + (slot / cols) * (cell_h + NUP_GAP);
        int x = n == 3 ? cx : cx + (cell_w - w) / 2, y = cy + (cell_h - h) / 2;
        page_add_placed(pg, slides, i, x, y, w, h, x, y, scale, 0);
        add_frame(pg, x, y, w, h);
        if (n == 3) {
            int lx0 = cx + slide_area + NUP_GAP, lx1 = cx + cell_w;
            for (int ly = y + NUP_RULE_PITCH; ly <= y + h; ly += NUP_RULE_PITCH)
                hline(pg, NUP_RULE_COLOR, lx0, lx1, ly, NUP_FRAME);
        }
        sheet_of[i] = pageset_npages(out) - 1;
    }
    copy_outline(out, slides, sheet_of);
    free(sheet_of);
    pageset_adopt(out, slides);
    return out;
}
