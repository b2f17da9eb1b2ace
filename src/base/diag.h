/* diag: diagnostics as values.
 *
 * Library code never prints: it appends to a diag_list and returns NULL or
 * false.  main.c and the batch reporter print the list, GCC-style, so that
 * editors and CI understand it:
 *
 *   posts/meetup.md:4:1: error: front matter: could not find expected ':'
 *   posts/meetup.md:4:1: note: while parsing a block mapping
 *   posts/meetup.md:17:1: warning: image 'media/zhang.jpg' not found; drawing a placeholder
 *
 * Lines and columns are 1-based, columns count characters; 0 means unknown
 * (then it is left out of the printed form).  Messages are lowercase, with no
 * trailing period, and say what was expected, what was found and which
 * fallback was applied.
 */
#ifndef FOLIO_DIAG_H
#define FOLIO_DIAG_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR } diag_severity;

typedef struct diag {
    diag_severity severity;
    char *file;     /* may be NULL */
    int line, col;  /* 1-based; 0 = unknown */
    char *message;
} diag;

typedef struct diag_list diag_list;

/* Returns a new empty list owned by the caller; free with diag_list_free(). */
diag_list *diag_list_new(void);
void diag_list_free(diag_list *dl);

void diag_add(diag_list *dl, diag_severity sev, const char *file, int line,
              int col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

size_t diag_count(const diag_list *dl);
/* Borrowed; valid until the next diag_add() or diag_list_free(). */
const diag *diag_get(const diag_list *dl, size_t i);
size_t diag_errors(const diag_list *dl);
size_t diag_warnings(const diag_list *dl);
/* Moves every diagnostic of src to the end of dst; src is left empty. */
void diag_move(diag_list *dst, diag_list *src);
/* Turns every warning into an error (--strict). */
void diag_promote_warnings(diag_list *dl);

/* Formats one diagnostic as a single line (no newline) into out. */
void diag_format(const diag *d, char *out, size_t outsz);
/* Prints the list, one line each; warnings and notes attached to them are
 * skipped when quiet. For main.c and the batch reporter only. */
void diag_print(const diag_list *dl, FILE *fp, bool quiet);

#endif
