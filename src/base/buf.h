/* buf: a growable, always NUL-terminated byte string.
 *
 * A plain struct (not opaque) because it lives on the stack in every stage:
 *   buf b = BUF_INIT; buf_add(&b, "x"); ... free(b.s) or buf_detach(&b).
 */
#ifndef FOLIO_BUF_H
#define FOLIO_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *s;      /* NUL-terminated; NULL until the first append */
    size_t len;   /* bytes, excluding the NUL */
    size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

void buf_add(buf *b, const char *s);
void buf_addn(buf *b, const char *s, size_t n);
void buf_addc(buf *b, char c);
void buf_addf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included (NULL gives null). */
void buf_add_json(buf *b, const char *s);
void buf_truncate(buf *b, size_t len);
/* Makes room for extra more bytes (and the NUL) with one allocation of
 * exactly that size, for a caller that knows the final length: appends up
 * to it then never reallocate. */
void buf_reserve(buf *b, size_t extra);
/* Returns the string (never NULL, "" when empty), owned by the caller; free
 * with free(). The buf is left empty. */
char *buf_detach(buf *b);
void buf_free(buf *b);

#endif
