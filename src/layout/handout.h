/* handout: a post laid out as a printable handout.
 *
 * Page masters: a cover (title, date, author, summary, cover image), a
 * contents page when the post has three or more sections, then the body
 * flowing through A4/A5/Letter pages with a running footer (post title and
 * page number; none on the cover).  Each section heading gets a named
 * destination and an outline entry, and is kept on one page with its photo
 * and the first lines of its text.
 */
#ifndef FOLIO_HANDOUT_H
#define FOLIO_HANDOUT_H

#include "base/diag.h"
#include "doc/doc.h"
#include "layout/pageset.h"
#include "style/fonts.h"
#include "style/theme.h"

typedef struct handout_opts {
    theme_paper paper;
} handout_opts;

/* Returns a new pageset owned by the caller; free with pageset_free().
 * Warnings (characters no font can draw) are appended to dl. */
pageset *handout_layout(const doc *d, const theme *th, fontset *fs,
                        const handout_opts *opts, diag_list *dl);

#endif
