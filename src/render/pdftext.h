/* pdftext: shaped Pango lines → PDF content operators.
 *
 * Draws a PangoLayoutLine the way pango-cairo does (Pango's renderer
 * walks the runs and their attributes: foreground colours, backgrounds,
 * strike-through; this file gets the glyph runs and rectangles), but as
 * PDF text: each run is a text object in its face's embedded font
 * (pdffont.h), every glyph placed where Pango put it (TJ adjustments for
 * the difference between Pango's advance and the font's), and the text of
 * each cluster given to the ToUnicode map, or as /ActualText where a map
 * entry cannot say it (a glyph drawn for two different texts, clusters of
 * several glyphs), so text extraction reads the post's characters.
 *
 * Operators are written for a page whose user space has been flipped to
 * y down (pdf.c starts every page with "1 0 0 -1 0 H cm"), in points.
 */
#ifndef FOLIO_PDFTEXT_H
#define FOLIO_PDFTEXT_H

#include <pango/pango.h>
#include <stdint.h>

#include "base/buf.h"
#include "render/pdffont.h"

typedef struct pdftext pdftext;

/* Returns a new text writer drawing with fonts (borrowed; it must outlive
 * the writer), owned by the caller; free with pdftext_free(). */
pdftext *pdftext_new(pdffont_set *fonts);
void pdftext_free(pdftext *t);

/* Pass 1 (see pdffont.h): every glyph line will draw. */
void pdftext_collect_line(pdffont_set *fonts, PangoLayoutLine *line);

/* Appends to ops the operators that draw line with the left end of its
 * baseline at (x, y), Pango units.  Text without a colour attribute is
 * black.  Leaves the fill colour undefined: the caller sets its own before
 * its next fill. */
void pdftext_show_line(pdftext *t, buf *ops, PangoLayoutLine *line, int x, int y);

/* Appends the glyph outlines of line as one filled path in colour rgb
 * (0xRRGGBB): shapes, not text, for decoration no reader should extract. */
void pdftext_outline_line(buf *ops, PangoLayoutLine *line, int x, int y, uint32_t rgb);

#endif
