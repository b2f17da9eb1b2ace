/* slides: a post laid out as a slide deck for replay sessions.
 *
 * Page masters: a title slide (the cover photo full-bleed under a dark
 * overlay), the intro, an agenda when there are three or more talks, one
 * slide per section (the speaker's photo cover-fitted in a fixed frame,
 * title, speaker name and role, the talk's text), and closing slides with
 * the post's links as text and QR codes.  Text shrinks step by step from
 * the theme's size to its minimum; what still does not fit continues on a
 * "（续）" slide with the same photo.  The text itself goes through the
 * same blocks/flow code as the handout.
 */
#ifndef FOLIO_SLIDES_H
#define FOLIO_SLIDES_H

#include <stdbool.h>

#include "base/diag.h"
#include "doc/doc.h"
#include "layout/pageset.h"
#include "style/fonts.h"
#include "style/theme.h"

typedef enum { ASPECT_16_9, ASPECT_4_3 } slides_aspect;

typedef struct slides_opts {
    slides_aspect aspect;
    /* For paper (n-up handouts): the title slide's photo sits above the
     * title instead of under it, so no text is printed over a photo. */
    bool print;
} slides_opts;

/* Returns a new pageset owned by the caller; free with pageset_free(). */
pageset *slides_layout(const doc *d, const theme *th, fontset *fs, const slides_opts *opts,
                       diag_list *dl);

#endif
