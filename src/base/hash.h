/* hash: a fast 64-bit content hash (XXH64), for telling whether inputs
 * changed.
 *
 * Not cryptographic: it detects accidental change (an edited post, a new
 * photo), not an adversary.  The algorithm is Yann Collet's XXH64, written
 * out here (about 100 lines) rather than taken as a dependency; its
 * published test values are checked in tests/unit/test_hash.c, so a hash
 * written into a manifest on one machine means the same on every other.
 *
 *   hash_state h; hash_init(&h, 0);
 *   hash_update(&h, p, n); ...
 *   uint64_t v = hash_final(&h);
 */
#ifndef FOLIO_HASH_H
#define FOLIO_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Streaming state: a plain struct on the caller's stack, like buf. */
typedef struct hash_state {
    uint64_t v[4];        /* the four accumulator lanes */
    uint64_t seed;
    uint64_t total;       /* bytes seen */
    unsigned char tail[32];
    size_t ntail;         /* bytes waiting in tail (< 32) */
} hash_state;

void hash_init(hash_state *h, uint64_t seed);
void hash_update(hash_state *h, const void *data, size_t len);
/* The hash of everything passed to hash_update(); h may be updated further. */
uint64_t hash_final(const hash_state *h);

/* One-shot XXH64 of len bytes. */
uint64_t hash_bytes(const void *data, size_t len, uint64_t seed);
/* Adds a NUL-terminated string and its terminator, so that "ab","c" and
 * "a","bc" hash differently. */
void hash_update_str(hash_state *h, const char *s);
void hash_update_u64(hash_state *h, uint64_t v);

/* Hashes a file's bytes (seed 0), reading it in 64 KiB blocks.  Returns
 * false with errno set when it cannot be opened or read. */
bool hash_file(const char *path, uint64_t *out);

/* Writes v as 16 lowercase hex digits and a NUL into out[17]. */
void hash_hex(uint64_t v, char out[17]);
/* Parses 16 hex digits; false when s is anything else. */
bool hash_parse_hex(const char *s, uint64_t *out);

#endif
