/* pngdec: see pngdec.h.
 *
 * The file is walked once for its chunks (each CRC checked), the IDAT data
 * inflated in one call (copied together first when there are several
 * IDAT chunks), each row unfiltered in place against the row above it
 * (PNG §9), and stored as 32-bit pixels.  The inflated rows are at most
 * ROWS_AT_ONCE bytes, the limit png_passable() in image.c uses too: a
 * worker's memory then stays bounded, and larger images stream through
 * libpng.
 */
#include "render/pngdec.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/compress.h"
#include "base/mem.h"

#define ROWS_AT_ONCE (8u << 20)

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int channels(int ctype)
{
    switch (ctype) {
    case 0: case 3: return 1;
    case 4: return 2;
    case 2: return 3;
    case 6: return 4;
    default: return 0;
    }
}

bool pngdec_walk(const unsigned char *d, size_t len, bool crc, pngdec_chunks *c)
{
    memset(c, 0, sizeof *c);
    c->ctype = -1;
    c->srgb_gamma = true;
    if (len < 8 || memcmp(d, "\x89PNG\r\n\x1a\n", 8)) return false;
    for (size_t pos = 8;;) {
        if (len - pos < 12) return false;
        uint32_t n = be32(d + pos);
        const unsigned char *type = d + pos + 4, *body = d + pos + 8;
        if (n > len - pos - 12) return false;
        if (crc && compress_crc32(type, (size_t)n + 4) != be32(body + n)) return false;
        if (pos == 8) {
            if (memcmp(type, "IHDR", 4) || n != 13) return false;
            c->width = be32(body);
            c->height = be32(body + 4);
            c->depth = body[8];
            c->ctype = body[9];
            /* deflate, adaptive filters, not interlaced */
            c->plain = !body[10] && !body[11] && !body[12];
        } else if (!memcmp(type, "PLTE", 4)) {
            c->plte = body;
            c->plte_len = n;
        } else if (!memcmp(type, "tRNS", 4)) {
            c->trns = body;
            c->trns_len = n;
        } else if (!memcmp(type, "IDAT", 4)) {
            if (!c->nidat++) {
                c->idat = body;
                c->idat_len = n;
            }
            c->idat_total += n;
        } else if (!memcmp(type, "IEND", 4)) {
            return true;
        } else if (!memcmp(type, "gAMA", 4)) {
            /* 1/2.2 within 1 %: what libpng's simplified API leaves alone. */
            c->srgb_gamma = n == 4 && be32(body) >= 45000 && be32(body) <= 46000;
        } else if (!(type[0] & 0x20)) {
            c->unknown_critical = true;
        }
        /* Other ancillary chunks (sRGB, iCCP, cHRM, pHYs, text, time...)
         * change nothing libpng's simplified API gives for 8-bit samples. */
        pos += 12 + (size_t)n;
    }
}

unsigned char *pngdec_idat(const unsigned char *d, const pngdec_chunks *c)
{
    unsigned char *joined = mem_alloc(c->idat_total + 1);
    size_t at = 0;
    for (size_t pos = 8; at < c->idat_total;) {
        uint32_t n = be32(d + pos);
        if (!memcmp(d + pos + 4, "IDAT", 4)) {
            memcpy(joined + at, d + pos + 8, n);
            at += n;
        }
        pos += 12 + (size_t)n;
    }
    return joined;
}

/* The chunks of a PNG this module decodes: 8 bits a sample, plain, a
 * palette's alphas the only tRNS (a colour key is libpng's), sRGB gamma,
 * no critical chunk it does not know, rows of at most ROWS_AT_ONCE.
 * crc: check each chunk's CRC (reading; probing only looks at the layout,
 * so that a damaged file costs nothing twice: reading finds it, and
 * libpng reports it). */
static bool parse(const unsigned char *d, size_t len, bool crc, pngdec_chunks *p)
{
    if (!pngdec_walk(d, len, crc, p) || p->depth != 8 || !p->plain || !p->srgb_gamma ||
        p->unknown_critical || (p->trns && (p->ctype != 3 || !p->trns_len)))
        return false;
    int c = channels(p->ctype);
    if (!c || !p->width || !p->height || p->width > INT32_MAX / 4 || p->height > INT32_MAX ||
        !p->nidat)
        return false;
    if ((uint64_t)p->height * ((uint64_t)p->width * (uint64_t)c + 1) > ROWS_AT_ONCE) return false;
    if (p->ctype == 3) {
        if (!p->plte || p->plte_len % 3 || p->plte_len < 3 || p->plte_len > 768) return false;
        if (p->trns && p->trns_len > p->plte_len / 3) return false;
    } else if (p->plte && p->ctype != 2 && p->ctype != 6) {
        return false; /* a palette in a grey image is an error libpng reports */
    }
    return true;
}

bool pngdec_probe(const unsigned char *data, size_t len, pngdec_info *info)
{
    pngdec_chunks p;
    if (!parse(data, len, false, &p)) return false;
    info->width = (int)p.width;
    info->height = (int)p.height;
    info->alpha = p.ctype == 4 || p.ctype == 6 || (p.ctype == 3 && p.trns);
    return true;
}

/* Paeth's predictor (PNG §9.4), without branches the compiler cannot
 * turn into selects. */
static inline unsigned paeth(int a, int b, int c)
{
    int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
    return (unsigned)(pb < pa ? (pc < pb ? c : b) : (pc < pa ? c : a));
}

#ifdef __SSE2__
/* Paeth for 3 or 4 bytes a pixel, a pixel at a time in 16-bit lanes (as
 * libpng's SSE2 filters do): the scalar loop costs about 14 instructions
 * a byte, most of a decode, since each byte waits for the one to its
 * left.  Ties go to a, then b, as PNG §9.4 says. */
static inline __attribute__((always_inline)) void paeth_sse2(unsigned char *cur,
                                                             const unsigned char *prev,
                                                             size_t rb, size_t bpp)
{
    const __m128i zero = _mm_setzero_si128(), low = _mm_set1_epi16(0xff);
    __m128i a = zero, c = zero;
    for (size_t i = 0; i + bpp <= rb; i += bpp) {
        uint32_t pb = 0, pd = 0;
        memcpy(&pb, prev + i, bpp);
        memcpy(&pd, cur + i, bpp);
        __m128i b = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)pb), zero);
        __m128i d = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)pd), zero);
        __m128i bc = _mm_sub_epi16(b, c), ac = _mm_sub_epi16(a, c);
        __m128i s = _mm_add_epi16(bc, ac);
        __m128i da = _mm_max_epi16(bc, _mm_sub_epi16(zero, bc)); /* |p - a| */
        __m128i db = _mm_max_epi16(ac, _mm_sub_epi16(zero, ac)); /* |p - b| */
        __m128i dc = _mm_max_epi16(s, _mm_sub_epi16(zero, s));   /* |p - c| */
        __m128i least = _mm_min_epi16(dc, _mm_min_epi16(da, db));
        __m128i is_a = _mm_cmpeq_epi16(least, da), is_b = _mm_cmpeq_epi16(least, db);
        __m128i bor_c = _mm_or_si128(_mm_and_si128(is_b, b), _mm_andnot_si128(is_b, c));
        __m128i pred = _mm_or_si128(_mm_and_si128(is_a, a), _mm_andnot_si128(is_a, bor_c));
        d = _mm_and_si128(_mm_add_epi16(d, pred), low);
        uint32_t out = (uint32_t)_mm_cvtsi128_si32(_mm_packus_epi16(d, d));
        memcpy(cur + i, &out, bpp);
        a = d;
        c = b;
    }
}

/* With bpp a constant, each pixel's loads and store are single moves. */
static void paeth_sse2_3(unsigned char *cur, const unsigned char *prev, size_t rb)
{
    paeth_sse2(cur, prev, rb, 3);
}

static void paeth_sse2_4(unsigned char *cur, const unsigned char *prev, size_t rb)
{
    paeth_sse2(cur, prev, rb, 4);
}
#endif

/* Unfilters row cur (rb bytes, filter type f) in place against prev (the
 * row above, unfiltered; zeros for the first row).  bpp: bytes a pixel. */
static bool unfilter(unsigned f, unsigned char *cur, const unsigned char *prev, size_t rb,
                     size_t bpp)
{
    size_t first = bpp < rb ? bpp : rb;
    switch (f) {
    case 0: break;
    case 1:
        for (size_t i = bpp; i < rb; i++) cur[i] = (unsigned char)(cur[i] + cur[i - bpp]);
        break;
    case 2:
        for (size_t i = 0; i < rb; i++) cur[i] = (unsigned char)(cur[i] + prev[i]);
        break;
    case 3:
        for (size_t i = 0; i < first; i++) cur[i] = (unsigned char)(cur[i] + (prev[i] >> 1));
        for (size_t i = first; i < rb; i++)
            cur[i] = (unsigned char)(cur[i] + ((cur[i - bpp] + prev[i]) >> 1));
        break;
    case 4:
#ifdef __SSE2__
        if (bpp == 3 || bpp == 4) {
            (bpp == 3 ? paeth_sse2_3 : paeth_sse2_4)(cur, prev, rb);
            break;
        }
#endif
        for (size_t i = 0; i < first; i++) cur[i] = (unsigned char)(cur[i] + prev[i]);
        for (size_t i = first; i < rb; i++)
            cur[i] = (unsigned char)(cur[i] + paeth(cur[i - bpp], prev[i], prev[i - bpp]));
        break;
    default: return false;
    }
    return true;
}

/* One unfiltered row as pixels 0xAARRGGBB. */
static bool store_row(const pngdec_chunks *p, const unsigned char *restrict s, uint32_t *restrict o,
                      const uint32_t *restrict lut)
{
    uint32_t w = p->width;
    switch (p->ctype) {
    case 0:
        for (uint32_t x = 0; x < w; x++) o[x] = 0xff000000u | s[x] * 0x010101u;
        break;
    case 4:
        for (uint32_t x = 0; x < w; x++, s += 2) o[x] = (uint32_t)s[1] << 24 | s[0] * 0x010101u;
        break;
    case 2:
        for (uint32_t x = 0; x < w; x++, s += 3)
            o[x] = 0xff000000u | (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];
        break;
    case 6:
        for (uint32_t x = 0; x < w; x++, s += 4)
            o[x] = (uint32_t)s[3] << 24 | (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];
        break;
    case 3: {
        /* An index past the palette: libpng's call.  The highest index
         * first, sixteen at a time. */
        unsigned top = 0;
        uint32_t x = 0;
#ifdef __SSE2__
        __m128i m = _mm_setzero_si128();
        for (; x + 16 <= w; x += 16) m = _mm_max_epu8(m, _mm_loadu_si128((const __m128i *)(s + x)));
        unsigned char lanes[16];
        _mm_storeu_si128((__m128i *)lanes, m);
        for (int k = 0; k < 16; k++) top = lanes[k] > top ? lanes[k] : top;
#endif
        for (; x < w; x++) top = s[x] > top ? s[x] : top;
        if (top >= p->plte_len / 3) return false;
        for (x = 0; x < w; x++) o[x] = lut[s[x]];
        break;
    }
    default: return false;
    }
    return true;
}

bool pngdec_read(const unsigned char *data, size_t len, unsigned char *px, int stride)
{
    pngdec_chunks p;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* The fuzzer could seldom get past a CRC; the code behind it is what
     * it is for (scripts/fuzz.sh). */
    bool crc = false;
#else
    bool crc = true;
#endif
    if (!parse(data, len, crc, &p)) return false;
    size_t bpp = (size_t)channels(p.ctype), rb = (size_t)p.width * bpp;
    size_t total = (size_t)p.height * (rb + 1);
    /* One IDAT is inflated where it lies; several are joined first. */
    unsigned char *joined = p.nidat > 1 ? pngdec_idat(data, &p) : NULL;
    const unsigned char *z = joined ? joined : p.idat;
    unsigned char *rows = mem_alloc(total);
    bool ok = compress_inflate_exact(z, joined ? p.idat_total : p.idat_len, rows, total);
    free(joined);
    uint32_t lut[256] = {0};
    if (ok && p.ctype == 3) {
        for (uint32_t i = 0; i < p.plte_len / 3; i++) {
            uint32_t a = p.trns && i < p.trns_len ? p.trns[i] : 255;
            const unsigned char *c = p.plte + 3 * i;
            lut[i] = a << 24 | (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
        }
    }
    unsigned char *zero = ok ? mem_calloc(1, rb) : NULL;
    const unsigned char *prev = zero;
    for (uint32_t y = 0; ok && y < p.height; y++) {
        unsigned char *row = rows + (size_t)y * (rb + 1);
        ok = unfilter(row[0], row + 1, prev, rb, bpp) &&
             store_row(&p, row + 1, (uint32_t *)(px + (size_t)y * (size_t)stride), lut);
        prev = row + 1;
    }
    free(zero);
    free(rows);
    return ok;
}
