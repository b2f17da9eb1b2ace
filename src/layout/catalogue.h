/* catalogue: an archive's posts as one printable list, OUTDIR/index.pdf.
 *
 * Page master: the theme's paper and margins.  The first page opens with
 * a title block ("归档目录" or "Archive", by the language most posts are
 * written in; the number of posts and the range of their dates).  Then the
 * posts, newest first, grouped under a heading per year (posts without a
 * date last, under their own heading), one row each: the thumbnail of the
 * post's cover photo in a fixed box on the left (cropped to fill it; a
 * placeholder with the title's first letter on the accent colour when the
 * post has none), and beside it the title (at most two lines), date and
 * author, the summary (at most three lines, cut with "…"), and small
 * links to the post's handout and slides.  The title and the thumbnail
 * link to the handout.  Links to the PDFs are relative file links
 * (pageset.h, box.file), so the catalogue works wherever the output folder
 * is copied.  One bookmark per year; page numbers in the footer.
 *
 * Like handout.c it produces a pageset that render/pdf.c writes; it reads
 * no files (the caller probes the thumbnails).
 */
#ifndef FOLIO_CATALOGUE_H
#define FOLIO_CATALOGUE_H

#include <stddef.h>

#include "base/diag.h"
#include "input/media.h"
#include "layout/pageset.h"
#include "style/fonts.h"
#include "style/theme.h"

typedef struct catalogue_entry {
    const char *title;       /* never NULL */
    const char *date;        /* ISO "YYYY-MM-DD", "YYYY-MM" or "YYYY"; NULL: undated */
    const char *author;      /* NULL when unknown */
    const char *summary;     /* NULL when none */
    const char *lang;        /* the post's language tag; NULL: the catalogue's */
    const char *handout;     /* the PDFs, relative to the catalogue's folder; */
    const char *slides;      /*   NULL when the post has none */
    const char *thumb;       /* absolute path of the thumbnail (a JPEG), or NULL */
    media_info thumb_info;   /* its probe, when thumb is set */
    const char *key;         /* orders posts of the same date (their source path) */
} catalogue_entry;

typedef struct catalogue_opts {
    theme_paper paper;
    const char *lang;        /* the words' language; NULL: what most entries say */
} catalogue_opts;

/* Lays out the catalogue of n entries (in any order; n may be 0: a title
 * block that says there is nothing to list).  Returns a new pageset owned
 * by the caller; free with pageset_free().  Warnings (characters no font
 * can draw) are appended to dl, naming "index.pdf". */
pageset *catalogue_layout(const catalogue_entry *entries, size_t n, const theme *th, fontset *fs,
                          const catalogue_opts *opts, diag_list *dl);

/* The language tag most entries carry (an entry without one counts as
 * "zh-Hans"; a tie goes to the tag first in byte order, so the answer
 * never depends on the entries' order).  The catalogue's words are English
 * for "en...", Traditional Chinese for zh-Hant/-TW/-HK, else Simplified.
 * Borrowed: from entries, or static when n is 0. */
const char *catalogue_lang(const catalogue_entry *entries, size_t n);

#endif
