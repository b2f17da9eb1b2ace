/* pageset: laid-out pages, the layout stage's output and render's input.
 *
 * A pageset is self-contained: pages of positioned boxes, the outline, the
 * PDF metadata.  Boxes are in Pango units (1/1024 pt) from the page's top
 * left corner.  Text lines carry the shaped PangoLayout line they show, so
 * render draws glyphs without shaping again; images carry their file path
 * and probed header, so render needs no doc.
 *
 * pageset_dump() prints it as stable text (one box per line, integer
 * units), the basis of layout tests.
 */
#ifndef FOLIO_PAGESET_H
#define FOLIO_PAGESET_H

#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "input/media.h"
#include "style/theme.h"

typedef enum {
    BOX_LINE,     /* one shaped line of text; y is its baseline */
    BOX_IMAGE,    /* a photo, fitted (contain) or cropped (cover) to its rect */
    BOX_PLACEHOLDER, /* a box standing for an image that cannot be drawn */
    BOX_RECT,     /* a filled rectangle: rules, code and quote backgrounds */
    BOX_LINK,     /* a clickable area: uri, dest or file */
    BOX_DEST,     /* a named destination at (x, y) */
    BOX_QR,       /* a QR code for text (slides' closing links) */
    BOX_PLACED,   /* another page, scaled and turned, clipped to x, y, w, h
                     (imposition: booklet sheets, slide handouts) */
} box_kind;

typedef enum { FIT_CONTAIN, FIT_COVER } box_fit;

typedef struct box {
    box_kind kind;
    int x, y, w, h;          /* Pango units; BOX_LINE: y = baseline, h = line pitch */
    /* BOX_LINE */
    PangoLayout *layout;     /* a reference owned by the pageset */
    int line;                /* line index in layout */
    char *text;              /* the line's text, for dumps */
    bool shape;              /* drawn as filled glyph outlines in color, not as
                                text: decoration no reader should extract (the
                                initial on a catalogue's missing thumbnail) */
    /* BOX_IMAGE */
    char *path;              /* absolute path */
    media_info info;
    box_fit fit;
    double anchor_y;         /* FIT_COVER: 0 keeps the top, 0.5 the centre */
    /* BOX_PLACEHOLDER: text is the label; BOX_QR: text is the payload */
    /* BOX_RECT; BOX_PLACEHOLDER's fill (0: render's light grey) */
    theme_rgba color;
    /* BOX_LINK / BOX_DEST */
    char *uri;               /* external link */
    char *dest;              /* named destination (link target or BOX_DEST name) */
    char *file;              /* another file, '/'-separated, relative to the PDF's
                                folder: opened at its first page (a catalogue's
                                links to the PDFs it lists) */
    /* BOX_PLACED: the page at placed_index of a pageset adopted with
     * pageset_adopt() is scaled by scale (a ratio), turned rotation degrees
     * clockwise (0, 90, 180 or 270) and moved so that the top left corner
     * of what it covers is at (place_x, place_y); x, y, w, h is the clip
     * (the cell of the sheet it may paint into). */
    const struct page *placed;      /* borrowed; valid until pageset_free() */
    int placed_index;        /* 0-based page index in the adopted pageset */
    int place_x, place_y;    /* Pango units */
    double scale;
    int rotation;
} box;

typedef struct page {
    int w, h;                /* Pango units */
    theme_rgba background;   /* 0 = none (white paper) */
    box *boxes;
    size_t nboxes, cap;
    char *label;             /* page label / number as printed, may be NULL */
} page;

typedef struct outline_entry {
    char *title;
    int level;               /* 1 = top */
    char *dest;              /* named destination */
    int page;                /* 0-based page index */
} outline_entry;

typedef struct pageset_meta {
    char *title, *author, *subject, *keywords, *creator;
    char *date;              /* ISO 8601 "YYYY-MM-DDTHH:MM:SS", from the post */
    char *lang;
} pageset_meta;

typedef struct pageset pageset;

/* Returns a new empty pageset owned by the caller; free with pageset_free(). */
pageset *pageset_new(void);
void pageset_free(pageset *ps);

/* Appends a page; returns it (borrowed; valid until the next pageset_add_page()). */
page *pageset_add_page(pageset *ps, int w, int h);
/* Inserts a page at index; returns it (borrowed, same validity). */
page *pageset_insert_page(pageset *ps, size_t index, int w, int h);
/* Moves every page of src into dst before index (outline entries of dst
 * that point at or after index move along); src is left with no pages. */
void pageset_splice(pageset *dst, size_t index, pageset *src);
size_t pageset_npages(const pageset *ps);
page *pageset_page(pageset *ps, size_t i);
const page *pageset_page_const(const pageset *ps, size_t i);

/* Appends a box to a page; copies strings, refs the layout. Returns the
 * stored box (borrowed; valid until the next add to that page). */
box *page_add_line(page *pg, PangoLayout *layout, int line, int x, int baseline,
                   int w, int h, const char *text);
box *page_add_image(page *pg, const char *path, const media_info *info, int x, int y,
                    int w, int h, box_fit fit, double anchor_y);
box *page_add_placeholder(page *pg, const char *label, int x, int y, int w, int h);
box *page_add_rect(page *pg, theme_rgba color, int x, int y, int w, int h);
box *page_add_link(page *pg, const char *uri, const char *dest, int x, int y, int w, int h);
/* A link to another file (see box.file), e.g. "2023/x/x.handout.pdf". */
box *page_add_file_link(page *pg, const char *file, int x, int y, int w, int h);
box *page_add_dest(page *pg, const char *name, int x, int y);
box *page_add_qr(page *pg, const char *payload, int x, int y, int size);

/* Places page index of src on pg (see BOX_PLACED).  src must be a pageset
 * adopted by pg's pageset (pageset_adopt()), so the page outlives the box.
 * Returns the stored box (borrowed; valid until the next add to that page). */
box *page_add_placed(page *pg, const pageset *src, size_t index, int clip_x, int clip_y,
                     int clip_w, int clip_h, int place_x, int place_y, double scale,
                     int rotation);
/* The sheet position, in Pango units, of the point (sx, sy) of a
 * BOX_PLACED box's page (Pango units from that page's top left corner). */
void pageset_placed_point(const box *b, double sx, double sy, double *x, double *y);

/* Takes ownership of src: it is freed with ps, and its pages may be placed
 * on ps's pages.  src must not gain or lose pages afterwards. */
void pageset_adopt(pageset *ps, pageset *src);

void pageset_add_outline(pageset *ps, const char *title, int level, const char *dest, int page);
size_t pageset_noutline(const pageset *ps);
const outline_entry *pageset_outline(const pageset *ps, size_t i);

/* Metadata, borrowed; set its fields with pageset_set_meta(). */
const pageset_meta *pageset_get_meta(const pageset *ps);
void pageset_set_meta(pageset *ps, const char *title, const char *author,
                      const char *subject, const char *keywords, const char *date,
                      const char *lang);

/* Appends the pages as stable text. */
void pageset_dump(const pageset *ps, buf *out);

#endif
