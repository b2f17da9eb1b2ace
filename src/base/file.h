/* file: confined reading and atomic writing.
 *
 * folio never reads outside the article's folder (and the theme and font
 * folders) unless told to, and never leaves a half-written output.  Every
 * path that comes from a document goes through file_resolve(); every output
 * goes through file_out_*().
 */
#ifndef FOLIO_FILE_H
#define FOLIO_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    FILE_OK = 0,
    FILE_REMOTE,      /* http:, https:, data:, //host, other URL schemes */
    FILE_OUTSIDE,     /* escapes every allowed root (.., absolute, symlink) */
    FILE_MISSING,
    FILE_NOT_REGULAR, /* a directory, device, fifo */
    FILE_UNREADABLE,
} file_status;

/* Resolves ref (a path or URL written in a document, relative to base_dir)
 * to a canonical absolute path that lies inside base_dir or one of the
 * extra roots (NULL-terminated array, may be NULL).  Percent-escapes and a
 * file:// prefix count as escapes only when they lead outside.  Symlinks are
 * followed by realpath() before the containment check, so a link inside the
 * folder that points outside is refused.
 * Returns FILE_OK and sets *out to a new string owned by the caller (free
 * with free()); otherwise *out is NULL. */
file_status file_resolve(const char *base_dir, const char *ref,
                         const char *const *extra_roots, char **out);
const char *file_status_name(file_status st);  /* "not found", ... */

/* Reads a whole regular file of at most max bytes. Returns a new buffer
 * (NUL-terminated, *len excludes the NUL) owned by the caller, or NULL with
 * errno set (EFBIG when larger than max, EISDIR for a directory, EINVAL for
 * another special file; a FIFO is refused without waiting for a writer). */
char *file_read_all(const char *path, size_t max, size_t *len);

/* Directory part of path as a new string ("." when none). */
char *file_dirname(const char *path);
/* dir + "/" + name as a new string (no doubled slash; just name when dir
 * is NULL or empty). */
char *file_join(const char *dir, const char *name);
/* Makes the folder path and its missing parents (mode 0777 less the
 * umask); true when path is a folder afterwards. */
bool file_mkdirs(const char *path);
/* Canonical absolute form of an existing path, new string, or NULL. */
char *file_realpath(const char *path);

/* Atomic output: write to a temporary file beside dest, then rename.
 * file_out_open returns a new handle (NULL with errno on failure);
 * file_out_commit fsyncs, closes and renames (false with errno on failure,
 * the temporary removed); file_out_abort removes the temporary.  Either
 * commit or abort frees the handle. */
typedef struct file_out file_out;
file_out *file_out_open(const char *dest);
const char *file_out_temp_path(const file_out *fo); /* borrowed */
FILE *file_out_stream(file_out *fo);                /* borrowed */
bool file_out_commit(file_out *fo);
void file_out_abort(file_out *fo);

#endif
