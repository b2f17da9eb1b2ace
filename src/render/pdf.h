/* pdf: laid-out pages → a PDF file, written by folio itself.
 *
 * Render draws what layout decided and nothing else: it never shapes text
 * or moves a box.  Text is drawn from the shaped lines in fonts cut to the
 * glyphs the document shows (pdffont.h, pdftext.h), images are embedded
 * once each, JPEGs and most PNGs as the file's own compressed data
 * (pdfimage.h).  It adds what only a PDF has: named destinations, link
 * annotations, the outline, page labels, metadata.  The creation and
 * modification dates come from the post (none when it has no date), so
 * output is byte-identical across runs.  The file is written to a
 * temporary and renamed.
 */
#ifndef FOLIO_PDF_H
#define FOLIO_PDF_H

#include <stdbool.h>

#include "base/buf.h"
#include "base/diag.h"
#include "layout/pageset.h"
#include "render/image.h"

/* Writes ps to path atomically.  Returns false and appends an error naming
 * path when the file cannot be written (nothing is left behind); image
 * problems are warnings.  diag_file names the post in image warnings. */
bool pdf_write(const pageset *ps, const char *path, const char *diag_file, diag_list *dl);

/* pdf_write() with an image cache (render/image.h) borrowed from the
 * caller, NULL for one of this PDF's own: the PDFs of one post (a batch
 * writes its handout and its deck) then read, check and encode each image
 * once, and an image that cannot be drawn is reported once.  The cache
 * must not be used for anything else between the calls. */
bool pdf_write_with(const pageset *ps, image_cache *images, const char *path,
                    const char *diag_file, diag_list *dl);

/* Appends one line per CFF (CJK) face ps draws with: the font file, the
 * face index and the glyph ids drawn, "FILE INDEX GID...", which
 * bench/run.sh hands fontTools to compare the embedded fonts' size with a
 * tight subsetter's. */
void pdf_describe_fonts(const pageset *ps, buf *out);

#endif
