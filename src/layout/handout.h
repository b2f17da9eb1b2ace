/* handout: a post laid out as a printable handout.
 *
 * Page masters: a cover (title, date, author, summary, cover image), a
 * contents page when the post has three or more sections, then the body
 * flowing through A4/A5/Letter pages with a running footer (post title and
 * page number; none on the cover).  Each section heading gets a named
 * destination and an outline entry, and is kept on one page with its photo
 * and the first lines of its text.
 *
 * The masters themselves (handout_cover, handout_body, handout_contents,
 * handout_footers) are exported for the book (layout/book.h), which puts
 * several posts into one volume: it lays them out into one pageset with a
 * dest prefix and an outline level per post, and its own contents rows.
 */
#ifndef FOLIO_HANDOUT_H
#define FOLIO_HANDOUT_H

#include <stdbool.h>

#include "base/diag.h"
#include "doc/doc.h"
#include "layout/blocks.h"
#include "layout/pageset.h"
#include "style/fonts.h"
#include "style/theme.h"

typedef struct handout_opts {
    theme_paper paper;
} handout_opts;

/* Returns a new pageset owned by the caller; free with pageset_free().
 * Warnings (characters no font can draw) are appended to dl. */
pageset *handout_layout(const doc *d, const theme *th, fontset *fs,
                        const handout_opts *opts, diag_list *dl);

/* ---- Page masters, shared with the book ---- */

/* Where a master's pages go.  A page's final index (its physical page
 * number minus one) is its index in ps plus shift: pages spliced in before
 * it later (a contents) are counted in shift, so that rectos (even final
 * index) and versos get their mirrored margins from the start. */
typedef struct handout_master {
    pageset *ps;             /* borrowed */
    const theme *th;
    int pw, ph;              /* page size, Pango units */
    int shift;
    int columns;             /* text columns per page (the body's; 1 elsewhere) */
    int col;                 /* columns used on the current page; 0 before a page */
    bool counting;           /* handout_contents(): only count the pages (rows
                                without leaders and numbers, which change no
                                height) */
} handout_master;

/* Appends an empty page of the master's size, painted with the theme's
 * page colour (a blank verso).  Borrowed; valid until the next page is
 * added to m->ps. */
page *handout_blank_page(handout_master *m);

/* What a cover shows.  NULL fields are left out; image is an image index
 * of bc->d, -1 for none. */
typedef struct handout_cover_text {
    const char *title;
    const char *byline;      /* under the title, muted: "date  ·  author" */
    const char *summary;
    int image;
} handout_cover_text;

/* Lays out a cover page (theme.cover: photo, plain or band) on new pages
 * of m.  ct NULL: the post's own, from bc->d's front matter. */
void handout_cover(blocks_ctx *bc, handout_master *m, const handout_cover_text *ct);

/* Names and levels for one post's marks in a pageset. */
typedef struct handout_marks {
    const char *prefix;      /* prepended to every named destination: "" or "p3-" */
    int level;               /* outline level of the post's top sections (1 in a handout) */
} handout_marks;

/* Lays out bc->d's intro and sections from a new page on: each section
 * heading gets the destination "<prefix>sec-N" (N from 1) and an outline
 * entry, a lead-in line "<prefix>lead-N".  Fills sec_page[i] with section
 * i's page index in m->ps (doc_nsections() entries). */
void handout_body(blocks_ctx *bc, handout_master *m, const handout_marks *mk, int *sec_page);

/* One row of a contents page. */
typedef struct handout_entry {
    const char *title;       /* borrowed */
    int level;               /* 1 = flush left; each level deeper indents 2 em */
    bool strong;             /* set in the heading face with space above (a post in a book) */
    char dest[48];           /* the row links here */
    int page;                /* final 0-based page index; printed plus one */
} handout_entry;

/* Writes section i's destination, "<prefix>sec-<i+1>", into out. */
void handout_section_dest(char *out, size_t size, const char *prefix, size_t i);
/* Fills out[0 .. doc_nsections(d)) with d's sections as contents rows:
 * the shallowest heading level of d at level top, deeper ones below it,
 * dests as handout_body() names them with prefix, and page sec_page[i] +
 * shift (sec_page as handout_body() filled it). */
void handout_section_entries(const doc *d, const char *prefix, int top, const int *sec_page,
                             int shift, handout_entry *out);

/* Lays out a contents page titled heading (with the destination
 * "contents" at its top) listing n entries, each title, dot leaders and
 * page number, the whole row a link to its dest. */
void handout_contents(blocks_ctx *bc, handout_master *m, const char *heading,
                      const handout_entry *e, size_t n);

/* Sets the running footer (theme.footer over meta's title, author and
 * date, and the page number) and the page label on pages [first, end) of
 * ps, whose indices must be final. */
void handout_footers(blocks_ctx *bc, pageset *ps, size_t first, size_t end,
                     const doc_meta *meta);

#endif
