/* flow: filling a column of pages from top to bottom.
 *
 * The primitive that handouts (and continuation slides) share: a frame on
 * the current page, a cursor y, and page breaks taken when the next thing
 * does not fit.  Text is placed line by line with widow and orphan control
 * (docs/cjk.md §7: no single line of a paragraph alone at a page top or
 * bottom); images and other unbreakable boxes move whole to the next page;
 * callers keep a heading with what follows by asking flow_need() for the
 * combined height first.  New pages come from a callback, so the page
 * master (size, background, frame) belongs to the caller.
 */
#ifndef FOLIO_FLOW_H
#define FOLIO_FLOW_H

#include <stdbool.h>

#include "layout/pageset.h"
#include "layout/text.h"

typedef struct flow flow;

/* Makes a new page for the flow and sets its frame (Pango units). */
typedef page *(*flow_page_fn)(void *ud, int *fx, int *fy, int *fw, int *fh);

/* Returns a new flow owned by the caller; free with flow_free().  The first
 * page is made lazily, on the first placement. */
flow *flow_new(pageset *ps, flow_page_fn new_page, void *ud);
void flow_free(flow *f);

/* Vertical space; dropped at the top of a page. */
void flow_space(flow *f, int h);
/* Starts a new page unless at least h is left on this one (or the page is
 * still empty). */
void flow_need(flow *f, int h);
/* Forces a new page (unless the current one is empty). */
void flow_break(flow *f);

typedef struct flow_decor {
    theme_rgba bg;        /* background behind each line (code), 0 = none */
    int bg_x0, bg_x1;     /* its extent, relative to the frame's left */
    theme_rgba bar;       /* a vertical bar beside each line (quotes), 0 = none */
    int bar_x, bar_w;
} flow_decor;

/* Places the lines of tb at x (relative to the frame's left edge), with
 * widow/orphan control; adds link boxes for its links. keep_first > 0
 * keeps that many first lines together (headings: all). */
void flow_text(flow *f, const text_block *tb, int x, const flow_decor *decor);
/* Reserves h of height for an unbreakable box; moves to a new page when it
 * does not fit.  Returns the page and sets *y to the top of the box
 * (absolute page coordinates) and *x0 to the frame's left edge. */
page *flow_reserve(flow *f, int h, int *x0, int *y);

page *flow_page(flow *f);        /* current page, made if needed */
int flow_page_index(const flow *f);  /* 0-based index in the pageset, -1 before the first */
int flow_frame_width(flow *f);
int flow_frame_height(flow *f);
int flow_remaining(flow *f);     /* height left on the current page */
bool flow_at_top(const flow *f); /* nothing placed on this page yet */

#endif
