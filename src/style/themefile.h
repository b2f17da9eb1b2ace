/* themefile: YAML theme files → theme structs, found on a search path.
 *
 * A theme file is a YAML mapping of sections (page, fonts, colors,
 * paragraph, handout, slides, cjk) whose keys set fields of a theme
 * (docs/themes.md lists every key with its unit and default).  A file may
 * say `extends: NAME|PATH`; it then overrides only the keys it names and
 * inherits the rest, down to the built-in theme_default().
 *
 * A themefile_cache is the per-process (per-job context) place where theme
 * files are looked up, parsed once and kept: a search path of folders,
 * searched in the order they were added, and every theme loaded so far.
 * Nothing here prints; errors are diagnostics with the theme file's
 * line:col (1-based) and, for a misspelt key or value, a "did you mean".
 */
#ifndef FOLIO_THEMEFILE_H
#define FOLIO_THEMEFILE_H

#include <stddef.h>

#include "base/diag.h"
#include "style/theme.h"

typedef struct themefile_cache themefile_cache;

/* Returns a new empty cache owned by the caller; free with
 * themefile_cache_free().  Add folders with themefile_cache_add_dir(). */
themefile_cache *themefile_cache_new(void);
/* Frees the cache and every theme it loaded; NULL is a no-op. */
void themefile_cache_free(themefile_cache *c);

/* Appends a folder to the search path (copied).  Folders are searched in
 * the order they were added; a folder that does not exist is kept (and
 * shown in "not found" errors) but finds nothing. */
void themefile_cache_add_dir(themefile_cache *c, const char *dir);
size_t themefile_cache_ndirs(const themefile_cache *c);
const char *themefile_cache_dir(const themefile_cache *c, size_t i); /* borrowed */

/* The user's theme folder, $XDG_CONFIG_HOME/folio/themes, else
 * $HOME/.config/folio/themes.  Returns a new string owned by the caller
 * (free()), or NULL when neither variable is set. */
char *themefile_user_dir(void);

/* Loads a theme by name (searched as NAME.yaml in each folder of the path)
 * or by path (an argument containing '/' or ending in .yaml or .yml).
 * "default" with no default.yaml on the path is the built-in theme.
 * Returns the theme, borrowed (valid until themefile_cache_free()), or
 * NULL and appends an error: the file's line:col for a problem inside a
 * theme file, the search path for a name that is not found. */
const theme *themefile_cache_get(themefile_cache *c, const char *name_or_path, diag_list *dl);

typedef struct themefile_entry {
    const char *name;         /* the theme's name (its file stem unless it says) */
    const char *description;  /* "" when the file has none or is invalid */
    const char *file;         /* the YAML file */
    const theme *th;          /* NULL when the file has errors (appended to dl) */
} themefile_entry;

/* Every theme on the search path, one per name (a folder earlier on the
 * path hides a later one's file of the same name), sorted by name.
 * Returns a new array owned by the caller (free(); the strings are
 * borrowed from the cache) and sets *n.  Errors in a file are appended to
 * dl and that entry has th == NULL. */
themefile_entry *themefile_cache_list(themefile_cache *c, size_t *n, diag_list *dl);

/* Edit distance (Levenshtein, bytes) between a and b, for "did you mean"
 * hints; exposed for tests. */
size_t themefile_distance(const char *a, const char *b);

#endif
