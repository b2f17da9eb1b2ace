/* pdf: laid-out pages → a PDF file (and PNG pictures of pages).
 *
 * Render draws what layout decided and nothing else: it never shapes text
 * or moves a box.  It adds what only a PDF has: named destinations, link
 * annotations, the outline, metadata.  Internal links and outline entries
 * always go through named destinations, because cairo 1.16 writes a link
 * to a later page with no target (../shared/docs/stack.md).  The creation
 * and modification dates come from the post, so output is byte-identical
 * across runs.  The file is written to a temporary and renamed.
 */
#ifndef FOLIO_PDF_H
#define FOLIO_PDF_H

#include <stdbool.h>

#include "base/diag.h"
#include "layout/pageset.h"
#include "render/image.h"
#include "render/subset.h"

/* Writes ps to path atomically.  Returns false and appends an error naming
 * path when the file cannot be written (nothing is left behind); image
 * problems are warnings.  diag_file names the post in image warnings.
 * fonts holds the process's cut CJK faces (subset.h; one per
 * pipeline_env), NULL to cut them for this PDF alone; the bytes written
 * are the same either way. */
bool pdf_write(const pageset *ps, subset_cache *fonts, const char *path, const char *diag_file,
               diag_list *dl);

/* pdf_write() with an image cache (render/image.h) borrowed from the
 * caller, NULL for one of this PDF's own: the PDFs of one post (a batch
 * writes its handout and its deck) then read, check and encode each image
 * once, and an image that cannot be drawn is reported once.  The cache
 * must not be used for anything else between the calls. */
bool pdf_write_with(const pageset *ps, subset_cache *fonts, image_cache *images,
                    const char *path, const char *diag_file, diag_list *dl);

#endif
