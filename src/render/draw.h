/* draw: paints one laid-out page onto a cairo context (see draw.c). */
#ifndef FOLIO_DRAW_H
#define FOLIO_DRAW_H

#include <cairo.h>
#include <stdbool.h>

#include "base/diag.h"
#include "layout/pageset.h"
#include "render/image.h"

/* Paints pg in points (the context's user space is the page's) for
 * pictures: PNG previews and thumbnails (PDFs are written by pdf.c, not
 * through cairo).  Images are decoded to pixels; text is drawn by
 * pango-cairo.  Image problems become warnings naming diag_file; the box
 * becomes a placeholder. */
void draw_page(cairo_t *cr, const page *pg, image_cache *ic, const char *diag_file,
               diag_list *dl);
void draw_set_rgba(cairo_t *cr, theme_rgba c);
/* The matrix from a BOX_PLACED box's page (points from its top left
 * corner) to the page holding the box (points); the same mapping as
 * pageset_placed_point(). */
void draw_placed_matrix(const box *b, cairo_matrix_t *m);

#endif
