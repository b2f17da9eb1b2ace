/* shard: which posts one machine of a cluster renders.
 *
 * `--shard K/N` keeps the posts whose shard_of(relative path, N) is K-1.
 * The hash depends only on the post's path below its archive folder, not
 * on the machine, the archive's location or the other posts, so N
 * processes started anywhere with the same N render every post exactly
 * once, and a post stays in its shard when others are added.
 */
#ifndef FOLIO_SHARD_H
#define FOLIO_SHARD_H

#include <stdbool.h>
#include <stddef.h>

/* Parses "K/N" with 1 <= K <= N <= 100000; false when malformed. */
bool shard_parse(const char *s, unsigned *k, unsigned *n);

/* The shard (0 .. n-1) of a post's relative path; n >= 1. */
unsigned shard_of(const char *rel, unsigned n);

#endif
