/* hash: XXH64, streaming and one-shot.
 *
 * The input is consumed in 32-byte stripes by four independent lanes
 * (each: v = rotl(v + lane * P2, 31) * P1), which lets the CPU overlap the
 * multiplications; the lanes are then merged, the remaining 0..31 bytes
 * folded in 8, 4 and 1 bytes at a time, and the result avalanched so that
 * every input bit affects every output bit.  This is the reference
 * algorithm (xxhash.h, "XXH64"), including the little-endian reading of
 * words, so results agree with other implementations on any host.
 * Speed is several GB/s, far above the disk: hashing an archive's photos
 * costs about as much as reading them, which batch avoids by checking
 * size and mtime first.
 */
#include "base/hash.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* XXH64's primes. */
#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* Little-endian words at any alignment: memcpy compiles to one load, and
 * le64toh to nothing on little-endian hosts (a byte loop was 12
 * instructions per byte hashed). */
static uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return le64toh(v);
}

static uint32_t read32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return le32toh(v);
}

static uint64_t round64(uint64_t acc, uint64_t lane)
{
    acc += lane * P2;
    acc = rotl(acc, 31);
    return acc * P1;
}

static uint64_t merge(uint64_t acc, uint64_t v)
{
    acc ^= round64(0, v);
    return acc * P1 + P4;
}

void hash_init(hash_state *h, uint64_t seed)
{
    memset(h, 0, sizeof *h);
    h->seed = seed;
    h->v[0] = seed + P1 + P2;
    h->v[1] = seed + P2;
    h->v[2] = seed;
    h->v[3] = seed - P1;
}

static void stripe(hash_state *h, const unsigned char *p)
{
    for (int i = 0; i < 4; i++) h->v[i] = round64(h->v[i], read64(p + 8 * i));
}

void hash_update(hash_state *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    h->total += len;
    if (h->ntail) {
        size_t take = 32 - h->ntail < len ? 32 - h->ntail : len;
        memcpy(h->tail + h->ntail, p, take);
        h->ntail += take;
        p += take;
        len -= take;
        if (h->ntail < 32) return;
        stripe(h, h->tail);
        h->ntail = 0;
    }
    /* The lanes in locals for the long run of stripes, so that they stay
     * in registers. */
    uint64_t v0 = h->v[0], v1 = h->v[1], v2 = h->v[2], v3 = h->v[3];
    while (len >= 32) {
        v0 = round64(v0, read64(p));
        v1 = round64(v1, read64(p + 8));
        v2 = round64(v2, read64(p + 16));
        v3 = round64(v3, read64(p + 24));
        p += 32;
        len -= 32;
    }
    h->v[0] = v0, h->v[1] = v1, h->v[2] = v2, h->v[3] = v3;
    memcpy(h->tail, p, len);
    h->ntail = len;
}

uint64_t hash_final(const hash_state *h)
{
    uint64_t acc;
    if (h->total >= 32) {
        acc = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) + rotl(h->v[3], 18);
        for (int i = 0; i < 4; i++) acc = merge(acc, h->v[i]);
    } else {
        acc = h->seed + P5;
    }
    acc += h->total;
    const unsigned char *p = h->tail;
    size_t n = h->ntail;
    while (n >= 8) {
        acc ^= round64(0, read64(p));
        acc = rotl(acc, 27) * P1 + P4;
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        acc ^= (uint64_t)read32(p) * P1;
        acc = rotl(acc, 23) * P2 + P3;
        p += 4;
        n -= 4;
    }
    while (n--) {
        acc ^= (*p++) * P5;
        acc = rotl(acc, 11) * P1;
    }
    acc ^= acc >> 33;
    acc *= P2;
    acc ^= acc >> 29;
    acc *= P3;
    acc ^= acc >> 32;
    return acc;
}

uint64_t hash_bytes(const void *data, size_t len, uint64_t seed)
{
    hash_state h;
    hash_init(&h, seed);
    hash_update(&h, data, len);
    return hash_final(&h);
}

void hash_update_str(hash_state *h, const char *s)
{
    if (!s) s = "";
    hash_update(h, s, strlen(s) + 1);
}

void hash_update_u64(hash_state *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    hash_update(h, b, sizeof b);
}

bool hash_file(const char *path, uint64_t *out)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return false;
    hash_state h;
    hash_init(&h, 0);
    /* 64 KiB: large enough that the per-call cost vanishes, small enough
     * for the stack of a worker. */
    unsigned char block[65536];
    size_t n;
    while ((n = fread(block, 1, sizeof block, fp)) > 0) hash_update(&h, block, n);
    bool ok = !ferror(fp);
    int err = errno;
    fclose(fp);
    if (!ok) {
        errno = err ? err : EIO;
        return false;
    }
    *out = hash_final(&h);
    return true;
}

void hash_hex(uint64_t v, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = digits[v & 15];
        v >>= 4;
    }
    out[16] = 0;
}

bool hash_parse_hex(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        v = v << 4 | (uint64_t)d;
    }
    if (s[16]) return false;
    *out = v;
    return true;
}
