/* blocks: doc blocks → flowed text, images, lists, quotes, code and tables.
 *
 * The part of layout that handouts and slides share: given a flow, a theme
 * and a Pango context, blocks_flow() places one top-level block (and its
 * children) with the body styles.  Page masters stay with the callers.
 */
#ifndef FOLIO_BLOCKS_H
#define FOLIO_BLOCKS_H

#include <pango/pango.h>

#include "base/diag.h"
#include "doc/doc.h"
#include "layout/flow.h"
#include "style/theme.h"

typedef struct blocks_ctx {
    const doc *d;
    const theme *th;
    PangoContext *pc;
    diag_list *dl;
    int body_size;        /* Pango units: the theme's, or a slide's */
    double photo_max;     /* images: largest height as a fraction of the frame */
    char *missing;        /* characters no font could draw (accumulated; owned) */
} blocks_ctx;

/* The body text style at the context's size. */
text_style blocks_body_style(const blocks_ctx *bc);
/* A heading style for level (0 = bold-only paragraph, 1..6). */
text_style blocks_heading_style(const blocks_ctx *bc, int level);

/* Lays out a text block and records any characters no font can draw.
 * Returns a new block owned by the caller; free with text_block_free(). */
text_block *blocks_text(blocks_ctx *bc, const doc_text *t, const text_style *st, int width);

/* Places one block (recursing into containers, bounded by DOC_MAX_DEPTH). */
void blocks_flow(blocks_ctx *bc, flow *f, const doc_block *b);
/* Places an image of the doc at its natural size within limits. */
void blocks_image(blocks_ctx *bc, flow *f, int image, double max_frac);
/* Height blocks_image() would take (for keep-with-next decisions). */
int blocks_image_height(blocks_ctx *bc, flow *f, int image, double max_frac);

/* Appends the accumulated missing-glyph warning to dl (once). */
void blocks_report(blocks_ctx *bc, const char *file);

#endif
