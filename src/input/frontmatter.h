/* frontmatter: the YAML block at the top of a post → doc_meta.
 *
 * Called by article.c on the whole (BOM-stripped, LF-normalised, valid
 * UTF-8) text of a post, before the Markdown body is parsed.
 */
#ifndef FOLIO_FRONTMATTER_H
#define FOLIO_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "doc/doc_build.h"

/* Finds the front matter of text (first line "---", up to a line "---" or
 * "..."), parses it with libyaml's event API and fills doc_meta_mut(d).
 * *body_off gets the byte offset where the Markdown body starts and
 * *body_lines the number of lines the front matter took (the caller puts
 * that many empty lines before the body, so cmark's line numbers stay
 * true); both 0 when there is no front matter.  file names diagnostics.
 * Returns false and appends an error (with a note for libyaml's context)
 * when the block is unclosed, malformed YAML, or not a mapping; appends
 * warnings for wrong types, duplicate keys, aliases and bad dates. */
bool frontmatter_parse(doc *d, const char *text, size_t len, const char *file,
                       diag_list *dl, size_t *body_off, int *body_lines);

/* Parses "YYYY-MM-DD" optionally followed by a time ("T10:00", " 10:00:00",
 * a zone); returns false unless the date is a real calendar day. */
bool frontmatter_parse_date(const char *s, int *y, int *m, int *d);

/* Normalises a language tag: "zh", "zh-CN", "zh-Hans" → "zh-Hans";
 * "zh-TW", "zh-HK", "zh-Hant" → "zh-Hant"; "ja*" → "ja"; "en*" → "en";
 * anything else NULL.  Returns a static string. */
const char *frontmatter_lang(const char *tag);

#endif
