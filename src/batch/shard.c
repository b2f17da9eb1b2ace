/* shard: see shard.h.  The path hash is XXH64 (base/hash.c) with seed 0,
 * reduced modulo N; XXH64's output is uniform enough that shards differ in
 * size by a few posts, not by a factor. */
#include "batch/shard.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

/* Large enough for any cluster, small enough that N never overflows. */
#define SHARD_MAX 100000

static bool parse_uint(const char *s, size_t n, unsigned *out)
{
    if (n == 0 || n > 6) return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool shard_parse(const char *s, unsigned *k, unsigned *n)
{
    const char *slash = strchr(s, '/');
    if (!slash) return false;
    unsigned kk, nn;
    if (!parse_uint(s, (size_t)(slash - s), &kk) || !parse_uint(slash + 1, strlen(slash + 1), &nn))
        return false;
    if (nn < 1 || nn > SHARD_MAX || kk < 1 || kk > nn) return false;
    *k = kk;
    *n = nn;
    return true;
}

unsigned shard_of(const char *rel, unsigned n)
{
    return (unsigned)(hash_bytes(rel, strlen(rel), 0) % n);
}
