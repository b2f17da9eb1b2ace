/* impose: laid-out pages arranged on printer's sheets.
 *
 * Two impositions, both pageset → pageset transforms at the end of the
 * layout stage: a saddle-stitched booklet (two pages side by side on each
 * side of a landscape sheet, in the order that reads 1, 2, 3… once the
 * printed stack is folded in the middle) and slide handouts (1, 2, 3, 4
 * or 6 slides on each portrait page, with ruled lines for notes in the
 * 3-up layout).  Sheets hold BOX_PLACED boxes that show the source pages,
 * so nothing is shaped or laid out again; the source pageset is adopted by
 * the result.  Links and destinations stay in the placed pages (render
 * carries them to the sheet); outline entries move to the sheet that
 * carries their page.
 *
 * Duplex convention: the back of a sheet is drawn upright, not turned
 * 180°.  Print it double-sided with "flip on short edge" (see
 * impose_saddle()).
 */
#ifndef FOLIO_IMPOSE_H
#define FOLIO_IMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/pageset.h"

typedef enum { IMPOSE_SHEET_A4, IMPOSE_SHEET_LETTER } impose_sheet;

typedef struct impose_saddle_opts {
    impose_sheet sheet;      /* the paper, landscape: A4 or Letter */
    bool marks;              /* crop marks at the trimmed spread, fold marks */
    int creep;               /* Pango units: how far the innermost sheet's pages
                                move towards the fold (negative: away from it);
                                sheets in between move proportionally */
} impose_saddle_opts;

/* "a4" / "letter" → sheet; false when unknown. */
bool impose_sheet_parse(const char *s, impose_sheet *out);

/* The page count of a booklet of n pages: n rounded up to a multiple of 4
 * (at least 4).  Blank pages make up the difference, at the end. */
size_t impose_saddle_padded(size_t n);

/* The 0-based page shown on sheet side `side` (0 = sheet 1 front, 1 =
 * sheet 1 back, 2 = sheet 2 front, …) at `half` (0 left, 1 right) of a
 * booklet of `padded` pages (a multiple of 4).  Saddle stitch, outermost
 * sheet first: for 8 pages 8,1 | 2,7 | 6,3 | 4,5 (1-based). */
size_t impose_saddle_page(size_t padded, size_t side, int half);

/* Imposes pages (A5 or half-letter pages, or any size: each is scaled to
 * fit half a sheet, never enlarged) as a saddle-stitched booklet: the page
 * count padded with blank pages at the end, then two pages on each side
 * of landscape sheets, sheet 1 front first.  Backs are upright: printed
 * with "flip on short edge" (the flip axis parallel to the landscape
 * sheet's short sides, i.e. the fold), page 2 lands behind page 1.
 * Takes ownership of pages.  Returns a new pageset owned by the caller;
 * free with pageset_free(). */
pageset *impose_saddle(pageset *pages, const impose_saddle_opts *opts);

typedef struct impose_nup_opts {
    int per_page;            /* 1, 2, 3, 4 or 6 */
    impose_sheet sheet;      /* the paper, portrait */
} impose_nup_opts;

/* True for the handout layouts impose_nup() knows: 1, 2, 3, 4, 6. */
bool impose_nup_valid(int per_page);

/* Imposes slides per_page to a portrait page, in reading order (rows left
 * to right, top to bottom), each with a thin frame; the 3-up layout puts
 * ruled lines for notes to the right of each slide.  Takes ownership of
 * slides.  Returns a new pageset owned by the caller; free with
 * pageset_free(). */
pageset *impose_nup(pageset *slides, const impose_nup_opts *opts);

#endif
