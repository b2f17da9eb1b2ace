/* discover: which files under an archive folder are posts.
 *
 * A post is
 *   - a folder's index.md;
 *   - a folder's README.md, when the folder has no index.md and is not the
 *     archive root itself (a root README describes the archive), or when it
 *     opens with front matter;
 *   - any other *.md that opens with front matter ("---" on its first line).
 * Posts whose front matter says `draft: true` are counted, not listed.
 * Hidden entries (".git", ".cache", ...) and node_modules are never
 * entered; symbolic links to folders are not followed (no cycles).
 *
 * Every post gets an output stem: the folder it lies in (relative to the
 * root) and a name, the folder's name for index.md and README.md, the file
 * stem otherwise.  batch writes <OUTDIR>/<dir>/<name>.handout.pdf, so the
 * output tree mirrors the input tree.  The list is sorted by relative path
 * (byte order), the same on every machine.
 */
#ifndef FOLIO_DISCOVER_H
#define FOLIO_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef struct discover_post {
    const char *root;     /* the archive folder it was found under, as given */
    const char *rel;      /* path below root, '/'-separated: "x/index.md" */
    const char *path;     /* root/rel, for opening */
    const char *out_dir;  /* folder of its outputs below OUTDIR: "x", or "" */
    const char *name;     /* output name without extension: "x" */
} discover_post;

typedef struct discover_list discover_list;

/* Returns a new empty list owned by the caller; free with discover_free(). */
discover_list *discover_new(void);
void discover_free(discover_list *l);

/* Walks root (iteratively) and adds its posts.  Returns false and appends
 * an error when root is not a readable folder; unreadable subfolders give
 * a warning and are left out. */
bool discover_add_root(discover_list *l, const char *root, diag_list *dl);

/* Sorts the posts by relative path and checks that no two of them would
 * write the same output (the same relative path under two roots, or x.md
 * beside x/index.md's stem).  Returns false and appends an error naming
 * both when they would. */
bool discover_finish(discover_list *l, diag_list *dl);

size_t discover_count(const discover_list *l);
/* Borrowed; valid until discover_free(). */
const discover_post *discover_at(const discover_list *l, size_t i);
/* Posts left out because their front matter says draft: true. */
size_t discover_drafts(const discover_list *l);

/* Looks at the start of a file's text (len bytes, need not be the whole
 * file): *has_front_matter when the first line is "---" (after a UTF-8 BOM,
 * CRLF allowed), *draft when a top-level `draft:` key in that block is
 * true/yes/on.  A cheap line scan, not a YAML parse: the renderer parses
 * the front matter properly and reports its errors. */
void discover_peek(const char *text, size_t len, bool *has_front_matter, bool *draft);

#endif
