/* mem: allocation that never returns NULL.
 *
 * Thin wrappers over the C library allocator.  On failure they print one
 * line to stderr and abort(): running out of memory is a bug or a hostile
 * machine (input sizes are capped elsewhere), and aborting keeps every
 * caller free of error paths for allocation.  This is the one place in
 * library code allowed to print, because there is no one left to tell.
 */
#include "base/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(size_t n)
{
    fprintf(stderr, "folio: out of memory (%zu bytes)\n", n);
    abort();
}

void *mem_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die(n);
    return p;
}

void *mem_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) die(count * size);
    return p;
}

void *mem_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) die(n);
    return q;
}

void *mem_check(void *p, size_t n)
{
    if (!p) die(n);
    return p;
}

char *mem_strdup(const char *s)
{
    if (!s) return NULL;
    return mem_strndup(s, strlen(s));
}

char *mem_strndup(const char *s, size_t n)
{
    if (!s) return NULL;
    char *p = mem_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void mem_grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2) die(SIZE_MAX);
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem) die(SIZE_MAX);
    *items = mem_realloc(*items, c * elem);
    *cap = c;
}

long mem_resident_kb(bool anon)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0, shared = 0;
    if (!f) return 0;
    if (fscanf(f, "%ld %ld %ld", &size, &res, &shared) != 3) res = shared = 0;
    fclose(f);
    return (anon ? res - shared : res) * (sysconf(_SC_PAGESIZE) / 1024);
}
