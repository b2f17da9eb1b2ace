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
#include "style/fonts.h"
#include "style/theme.h"

typedef struct blocks_ctx {
    const doc *d;
    const theme *th;
    PangoContext *pc;
    diag_list *dl;
    int body_size;        /* Pango units: the theme's, or a slide's */
    double photo_max;     /* images: largest height as a fraction of the frame */
    bool indent;          /* first-line indent (the theme's, off on slides) */
    double line_height;   /* body pitch as a multiple of the size */
    theme_rgba color;     /* body text colour */
    char *missing;        /* characters no font could draw (accumulated; owned) */
} blocks_ctx;

/* The Pango context for laying out d with th: over the core faces
 * (fontset_context_core()) when every character of the post and of the
 * theme's footer is drawn by every face it can be set in (CJK characters
 * by the CJK families, the rest by the Latin and mono ones), so that
 * nothing falls back; else over the whole font set.  New reference. */
PangoContext *blocks_context(fontset *fs, const doc *d, const theme *th);

/* What every text style takes from the theme (faces, colours, the CJK
 * rules) for text in language lang (NULL: Chinese), at the body size, left
 * aligned, no indent; for pages that belong to no post (the catalogue). */
text_style blocks_theme_style(const theme *th, const char *lang);
/* The body text style at the context's size, in the post's language. */
text_style blocks_body_style(const blocks_ctx *bc);
/* A heading style for level (0 = bold-only paragraph, 1..6). */
text_style blocks_heading_style(const blocks_ctx *bc, int level);

/* Lays out a text block and records any characters no font can draw.
 * Returns a new block owned by the caller; free with text_block_free(). */
text_block *blocks_text(blocks_ctx *bc, const doc_text *t, const text_style *st, int width);

/* Places one block (recursing into containers, bounded by DOC_MAX_DEPTH). */
void blocks_flow(blocks_ctx *bc, flow *f, const doc_block *b);
/* Like blocks_flow() in a narrower column: x from the frame's left edge and
 * width, Pango units (text beside a photo). */
void blocks_flow_at(blocks_ctx *bc, flow *f, const doc_block *b, int x, int width);
/* Draws an image at (x, y), absolute page coordinates, as wide as w allows
 * and at most maxh high (never past photo_dpi), with its caption under it
 * at width w, outside any flow.  Returns the height taken; with pg NULL
 * only measures. */
int blocks_image_box(blocks_ctx *bc, page *pg, int image, int x, int y, int w, int maxh);
/* Probes an image file named by the theme (a logo): false when it cannot
 * be read or is not an image. */
bool blocks_probe(const char *path, media_info *info);
/* Draws the theme's logo fitted into (x, y, w, h), right-aligned when
 * right is set; nothing when the theme has none. */
void blocks_logo(blocks_ctx *bc, page *pg, int x, int y, int w, int h, bool right);
/* Places an image of the doc at its natural size within limits. */
void blocks_image(blocks_ctx *bc, flow *f, int image, double max_frac);
/* Height blocks_image() would take (for keep-with-next decisions). */
int blocks_image_height(blocks_ctx *bc, flow *f, int image, double max_frac);

/* Places every line of tb with its top-left corner at (x, y), absolute
 * page coordinates, outside any flow (covers, slides, footers). */
void blocks_place(page *pg, const text_block *tb, int x, int y);
/* Plain text (no spans) as a block. */
text_block *blocks_plain(blocks_ctx *bc, const char *s, const text_style *st, int width);

/* The text frame of page i of a page master (Pango units). */
typedef void (*blocks_frame_fn)(const theme *th, int pw, int ph, size_t i, int *fx, int *fy,
                                int *fw, int *fh);
/* Running footers on pages [first, end) of ps, whose indices must be
 * final: under a hairline across the frame, the page number on the right
 * (also set as the page label) and the first line of running (may be NULL
 * or "") on the left, in the theme's small heading face and muted colour,
 * text in language lang. */
void blocks_footers(blocks_ctx *bc, pageset *ps, size_t first, size_t end, const char *running,
                    const char *lang, blocks_frame_fn frame);

/* The cover image: the banner when it resolved to a local file, else the
 * first drawable intro photo, else -1. */
int blocks_cover_image(const doc *d);
/* A user-facing word in the post's language (Chinese unless "en"). */
const char *blocks_ui(const doc *d, const char *zh, const char *en);
/* PDF metadata from the post: title, author, summary as subject, tags as
 * keywords, and the post's date as creation date (never the clock). */
void blocks_set_meta(pageset *ps, const doc *d);

/* Text colour for a background: white on a dark one, near-black on a
 * light one, whichever has the higher WCAG contrast. */
theme_rgba blocks_text_on(theme_rgba bg);

/* Appends the accumulated missing-glyph warning to dl (once). */
void blocks_report(blocks_ctx *bc, const char *file);

#endif
