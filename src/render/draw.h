/* draw: paints one laid-out page onto a cairo context (see draw.c). */
#ifndef FOLIO_DRAW_H
#define FOLIO_DRAW_H

#include <cairo.h>
#include <stdbool.h>

#include "base/diag.h"
#include "layout/pageset.h"
#include "render/image.h"
#include "render/subset.h"

/* Paints pg in points (the context's user space is the page's).  vector
 * selects undecoded JPEG passthrough (PDF) rather than pixels (PNG).  Text
 * is drawn with the subset faces of ss (PDF; see subset.h), or by
 * pango-cairo with the installed fonts when ss is NULL (PNG).  Image
 * problems become warnings naming diag_file; the box becomes a
 * placeholder. */
void draw_page(cairo_t *cr, const page *pg, image_cache *ic, subset *ss, bool vector,
               const char *diag_file, diag_list *dl);
void draw_set_rgba(cairo_t *cr, theme_rgba c);
/* The matrix from a BOX_PLACED box's page (points from its top left
 * corner) to the page holding the box (points); the same mapping as
 * pageset_placed_point(). */
void draw_placed_matrix(const box *b, cairo_matrix_t *m);

#endif
