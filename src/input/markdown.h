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

/* A paragraph longer than this many characters is split into several, at
 * a sentence end or space where one is near, with a warning.  Line
 * breaking a paragraph costs time and memory that grow with the square of
 * its punctuation and script changes (Pango splits an item at each, and
 * each item copies the attributes over it), and the laid-out paragraph is
 * kept until the page is drawn: a 1 MB paragraph in one piece takes over a
 * minute and a gigabyte, in pieces of this size a few seconds and under
 * 400 MB.  The longest paragraph in the corpus is 800 characters. */
#define MARKDOWN_MAX_PARA_CHARS 4096u
/* Likewise after this many hard line breaks: Pango lays out each line
 * ended by a hard break as a paragraph of its own and re-reads the whole
 * text's attributes for each, so the cost grows with the cube of their
 * number (500 lines: 5 s; 1000: 35 s). */
#define MARKDOWN_MAX_PARA_LINES 64
/* Alt text becomes a caption under the photo; longer ones are cut. */
#define MARKDOWN_MAX_ALT_BYTES 1024u

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
