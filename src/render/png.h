/* png: pictures of laid-out pages (see png.c). */
#ifndef FOLIO_PNG_H
#define FOLIO_PNG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "layout/pageset.h"

/* Writes page i, width pixels wide, to path atomically.  Returns false and
 * appends an error naming path on failure. */
bool png_write_page(const pageset *ps, size_t i, int width, const char *path,
                    const char *diag_file, diag_list *dl);
/* Writes a grid of every page (columns across, each thumb_width pixels
 * wide): a contact sheet for reviewing a deck at a glance. */
bool png_write_contact(const pageset *ps, int columns, int thumb_width, const char *path,
                       const char *diag_file, diag_list *dl);

#endif
