/* article: the input stage's entry point, a post file → doc.
 *
 * Reads the file (BOM, CRLF and invalid UTF-8 handled), splits and parses
 * the YAML front matter (input/frontmatter.c), parses the Markdown body
 * with cmark-gfm (input/markdown.c), resolves and probes every image
 * (input/media.c, confined to the post's folder) and runs recap detection
 * (doc/recap.c).
 */
#ifndef FOLIO_ARTICLE_H
#define FOLIO_ARTICLE_H

#include "base/diag.h"
#include "doc/doc.h"

/* Posts larger than this are refused: the largest real post is 30 KB. */
#define ARTICLE_MAX_BYTES (8u * 1024u * 1024u)

typedef struct article_opts {
    /* Extra folders images may come from (--allow-outside), NULL-terminated;
     * NULL for none. */
    const char *const *allow_outside;
} article_opts;

/* Returns a new doc owned by the caller; free with doc_free().
 * Returns NULL and appends an error on failure (file unreadable, front
 * matter malformed).  Warnings (missing images, odd dates, ...) are
 * appended either way.  opts may be NULL. */
doc *article_load(const char *path, const article_opts *opts, diag_list *dl);

#endif
