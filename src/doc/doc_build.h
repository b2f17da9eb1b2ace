/* doc_build: the private side of the document model.
 *
 * Only the input stage (the files of input/) and recap detection (doc/recap.c)
 * include this header: they build and annotate a doc; every later stage
 * reads it through doc.h's const accessors.  The struct is spelled out here
 * so that builders can fill arrays directly; nothing outside input/ and
 * doc/ may depend on it.
 *
 * Memory: blocks, texts, spans and strings live in the doc's arena (freed
 * whole by doc_free); the arrays of the doc itself (top-level blocks,
 * images, sections, links) are growable heap arrays owned by the doc.
 */
#ifndef FOLIO_DOC_BUILD_H
#define FOLIO_DOC_BUILD_H

#include "doc/doc.h"

typedef struct doc_arena_chunk doc_arena_chunk;

struct doc {
    doc_arena_chunk *arena;
    char *path;             /* as given */
    char *dir;              /* absolute folder of the post */
    doc_meta meta;
    doc_block **blocks; size_t nblocks, cap_blocks;
    doc_image *images; size_t nimages, cap_images;
    doc_section *sections; size_t nsections, cap_sections;
    size_t intro_end;
    int *intro_images; size_t nintro_images, cap_intro_images;
    const char **links; size_t nlinks, cap_links;
};

/* Returns a new empty doc owned by the caller; free with doc_free().
 * path is the post as given, dir its absolute folder (copied). */
doc *doc_new(const char *path, const char *dir);

/* Arena allocation: zeroed memory owned by d, valid until doc_free(). */
void *doc_alloc(doc *d, size_t n);
/* Copies into the arena; NULL in, NULL out. */
const char *doc_strdup(doc *d, const char *s);
const char *doc_strndup(doc *d, const char *s, size_t n);

/* Returns a new zeroed block in d's arena (image = -1, position set). */
doc_block *doc_block_new(doc *d, doc_kind kind, int line, int col);
/* Appends a top-level block; also links it as the previous one's next. */
void doc_append(doc *d, doc_block *b);
/* Mutable access for recap detection. */
doc_block *doc_block_mut(doc *d, size_t i);

/* Appends an image record (copied); returns its index. */
int doc_image_push(doc *d, const doc_image *img);
doc_image *doc_image_mut(doc *d, size_t i);
/* Index of the image whose key (resolved path when OK, else src) matches,
 * or -1. */
int doc_image_find(const doc *d, const char *path, const char *src);

/* Adds url to the link list unless present; only http(s) URLs are kept. */
void doc_link_add(doc *d, const char *url);

/* Mutable meta for the front matter parser. */
doc_meta *doc_meta_mut(doc *d);

/* Status as a stable lowercase word ("ok", "missing", ...). */
const char *doc_image_status_name(doc_image_status st);

/* True when alt text says something (not "image2", "图片", a file name). */
bool doc_alt_is_meaningful(const char *alt);

#endif
