/* pdfimage: the images of one PDF, written as image XObjects by folio
 * (no cairo PDF surface).
 *
 * Takes the surfaces image_cache_get() gives for PDF output (need_pixels
 * false, PNG passthrough on or off) and writes each once:
 *   - a JPEG passthrough stand-in as the file's bytes, /DCTDecode;
 *   - a PNG passthrough stand-in (image.h: image_png) as the PNG's own
 *     zlib stream with PNG predictors, as pdf.c's splice used to;
 *   - a pixel surface as deflated 8-bit RGB, and, when an ARGB32 surface
 *     has any alpha below 255, an 8-bit /SMask.
 * Placement (the cm matrix, the clip for cover) is image_pdf_matrix() in
 * image.h; the page writer emits the content and the /XObject resources.
 */
#ifndef FOLIO_PDFIMAGE_H
#define FOLIO_PDFIMAGE_H

#include <cairo.h>

#include "render/image.h"
#include "render/pdfobj.h"

typedef struct pdfimage_set pdfimage_set;

/* Returns a new, empty set owned by the caller; free with
 * pdfimage_set_free() (NULL is a no-op). */
pdfimage_set *pdfimage_set_new(void);
void pdfimage_set_free(pdfimage_set *s);

/* The image XObject for surf, written into w the first time surf, or a
 * surface with the same CAIRO_MIME_TYPE_UNIQUE_ID, is asked for; later
 * calls return the same object.  c is the cache surf came from (it knows
 * which stand-ins are PNGs); s keeps a reference to surf, and borrows the
 * cache's PNG data only during the call.  Use one set with one pdfobj.
 *
 * Returns the object number, and in *name (may be NULL) its resource name
 * without the slash ("Im1", "Im2"... in order of first request; borrowed,
 * valid until pdfimage_set_free()).  Returns 0 (*name NULL, nothing
 * written) when surf cannot be embedded: NULL, a JPEG whose header cannot
 * be read or that is not 8-bit grey or YCbCr/RGB (image.c decodes CMYK),
 * a pixel format other than RGB24 and ARGB32. */
int pdfimage_xobject(pdfimage_set *s, pdfobj *w, const image_cache *c, cairo_surface_t *surf,
                     const char **name);

/* The number of images written so far. */
size_t pdfimage_count(const pdfimage_set *s);

#endif
