/* markdown: a Markdown body → the doc's blocks, images and links.
 *
 * Called by article.c after the front matter; uses cmark-gfm (tables,
 * autolinks, strikethrough) and walks its tree with cmark's iterator.
 */
#ifndef FOLIO_MARKDOWN_H
#define FOLIO_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "doc/doc_build.h"

typedef struct markdown_opts {
    const char *file;                 /* names diagnostics */
    const char *const *extra_roots;   /* images may also come from here */
} markdown_opts;

/* Parses body (UTF-8, LF line ends, len bytes; its line 1 is the file's
 * line 1) and appends blocks, images and links to d.  Never fails: every
 * problem (missing image, ...) is a warning in dl. */
void markdown_parse(doc *d, const char *body, size_t len,
                    const markdown_opts *opts, diag_list *dl);

/* Registers one use of the image src (as written) at line:col: resolves it
 * against doc_dir(d) and the extra roots, reads and probes the file, and
 * merges uses of the same file.  Appends a warning for every image that
 * will be drawn as a placeholder unless quiet (then a note).  Returns the
 * index into doc_images(). */
int markdown_image(doc *d, const char *src, const char *alt, int line, int col,
                   const markdown_opts *opts, bool quiet, diag_list *dl);

/* Decodes HTML character references (&amp; &lt; &gt; &quot; &apos; &nbsp;
 * &#NNN; &#xHH;) of s[0..n) into out.  Unknown ones are kept as written. */
void markdown_decode_entities(const char *s, size_t n, buf *out);

/* The soft-break rule of docs/cjk.md §1: true when a line break between
 * the code points before and after is removed, false when it becomes one
 * space. */
bool markdown_join_softbreak(uint32_t before, uint32_t after);

#endif
