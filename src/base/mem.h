/* mem: allocation that never returns NULL.
 *
 * folio treats running out of memory as fatal: every stage would otherwise
 * need an error path for each allocation, and a half-built page is worth
 * nothing.  These wrappers print one line and abort().  Input size is bounded
 * elsewhere (file size caps, pixel limits), so OOM means a real bug or a
 * hostile machine, not hostile input.
 */
#ifndef FOLIO_MEM_H
#define FOLIO_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* Returns new memory owned by the caller; free with free(). Never NULL. */
void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);          /* NULL in, NULL out */
char *mem_strndup(const char *s, size_t n);
/* p, or the out-of-memory abort for n bytes when p is NULL: for a library
 * allocator whose only failure is running out of memory. */
void *mem_check(void *p, size_t n);

/* This process's resident memory in KiB (/proc/self/statm): all of it,
 * or with anon only what no file backs (resident minus shared pages);
 * 0 when unknown.  Linux. */
long mem_resident_kb(bool anon);

/* Grows *items (an array of elem-sized records with capacity *cap) so that
 * it can hold at least need records; doubles, so appends are amortised O(1). */
void mem_grow(void **items, size_t *cap, size_t need, size_t elem);

/* Appends one record to a (items, n, cap) triple:
 *   MEM_PUSH(list->items, list->n, list->cap) = value;                       */
#define MEM_PUSH(items, n, cap)                                              \
    (*(mem_grow((void **)&(items), &(cap), (n) + 1, sizeof *(items)),        \
       &(items)[(n)++]))

#endif
