/* book: several posts laid out as one printable volume (`folio book`).
 *
 * A volume cover (title, the posts' date range, how many posts), a global
 * contents (each post a row with its first page, its top sections
 * indented under it; deeper ones are in the outline only), then each post on a recto (a blank verso is put in before it
 * when needed): its own cover as the chapter opener, then its body as in
 * the handout.  Page numbers run through the volume; the running footer
 * shows the post's title (the theme's footer template over the post's
 * front matter).  The outline has one level-1 entry per post with its
 * sections nested under it.  Destinations are prefixed with the post's
 * number in the volume ("p3", "p3-sec-2", "p3-lead-1"), so they are
 * unique across posts.
 *
 * The page masters are the handout's (layout/handout.h).
 */
#ifndef FOLIO_BOOK_H
#define FOLIO_BOOK_H

#include <stddef.h>

#include "base/diag.h"
#include "doc/doc.h"
#include "layout/pageset.h"
#include "style/fonts.h"
#include "style/theme.h"

typedef enum {
    BOOK_ORDER_DATE,   /* by front matter date, oldest first; undated posts last */
    BOOK_ORDER_ARGS,   /* as given */
} book_order;

typedef struct book_opts {
    theme_paper paper;
    const char *title;   /* the volume's title; NULL: derived (book_title()) */
    book_order order;
} book_opts;

/* Lays out docs[0 .. n) as one volume, n >= 1, in opts->order (stable:
 * posts with the same date, and undated ones, keep the order given).  The
 * docs are borrowed and not changed; each post's images come from its own
 * doc.  Returns a new pageset owned by the caller; free with
 * pageset_free().  Warnings (characters no font can draw) are appended to
 * dl, naming the post they occur in. */
pageset *book_layout(const doc *const *docs, size_t n, const theme *th, fontset *fs,
                     const book_opts *opts, diag_list *dl);

/* The order of the volume: fills idx[0 .. n) with indices into docs. */
void book_sort(const doc *const *docs, size_t n, book_order order, size_t *idx);

/* The title a volume gets without --title: the post's title when there is
 * one post, else the years its posts' dates span ("2023" or "2023 – 2024"),
 * else "文集" ("Collected posts" when the volume is in English).  Returns a
 * new string owned by the caller; free with free(). */
char *book_title(const doc *const *docs, size_t n);

#endif
