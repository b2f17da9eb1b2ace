/* buf: a growable, always NUL-terminated byte string.
 *
 * Appends double the capacity (amortised O(1)); the string is kept
 * NUL-terminated after every call so b.s can be handed to C APIs directly.
 */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static void reserve(buf *b, size_t extra)
{
    mem_grow((void **)&b->s, &b->cap, b->len + extra + 1, 1);
}

void buf_reserve(buf *b, size_t extra)
{
    /* An impossible size: mem_grow() reports it and exits. */
    if (extra > SIZE_MAX - b->len - 1) mem_grow((void **)&b->s, &b->cap, SIZE_MAX, 1);
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    b->s = mem_realloc(b->s, need);
    b->cap = need;
    b->s[b->len] = '\0';
}

void buf_addn(buf *b, const char *s, size_t n)
{
    reserve(b, n);
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_add(buf *b, const char *s)
{
    buf_addn(b, s ? s : "", s ? strlen(s) : 0);
}

void buf_addc(buf *b, char c)
{
    buf_addn(b, &c, 1);
}

void buf_vaddf(buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_addf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void buf_add_json(buf *b, const char *s)
{
    if (!s) {
        buf_add(b, "null");
        return;
    }
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': buf_add(b, "\\\""); break;
        case '\\': buf_add(b, "\\\\"); break;
        case '\n': buf_add(b, "\\n"); break;
        case '\r': buf_add(b, "\\r"); break;
        case '\t': buf_add(b, "\\t"); break;
        default:
            /* Other control characters are escaped; UTF-8 passes through
             * because every reader of the dump is UTF-8 aware. */
            if (*p < 0x20) buf_addf(b, "\\u%04x", *p);
            else buf_addc(b, (char)*p);
        }
    }
    buf_addc(b, '"');
}

void buf_truncate(buf *b, size_t len)
{
    if (len >= b->len) return;
    b->len = len;
    b->s[len] = '\0';
}

char *buf_detach(buf *b)
{
    char *s = b->s ? b->s : mem_strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void buf_free(buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
