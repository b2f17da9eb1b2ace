/* pngdec: the common PNG decoded without libpng.
 *
 * Most PNGs in posts are screenshots and logos: 8 bits a sample, not
 * interlaced, grey, RGB, RGBA or a palette, nothing about their colour but
 * (at most) sRGB.  For those, libpng's simplified API spent about 100
 * instructions a pixel (zlib's inflate, its filters, its transformations
 * row by row): 9 % of a batch worker's instructions over the corpus.
 * Here the rows are inflated at once by libdeflate, unfiltered in place
 * and stored as cairo's pixels, with the same bytes libpng gives
 * (png_decode() in image.c, which asks for B G R A in memory, straight
 * alpha, sRGB samples as they are).  Anything else (other depths,
 * interlacing, a gamma other than sRGB's, a colour key, unknown critical
 * chunks, rows over 8 MB inflated, any damage) is left to libpng: this
 * module says "not mine" and libpng decodes it, or reports what is wrong.
 */
#ifndef FOLIO_PNGDEC_H
#define FOLIO_PNGDEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pngdec_info {
    int width, height;
    bool alpha;              /* RGBA, grey + alpha, or a palette with tRNS */
} pngdec_info;

/* A PNG's chunks, walked once up to IEND: what IHDR says, where PLTE,
 * tRNS and the IDAT data are, and what else was met.  Pointers are into
 * the file's bytes. */
typedef struct pngdec_chunks {
    uint32_t width, height;
    int depth, ctype;            /* ctype: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA */
    bool plain;                  /* deflate, adaptive filters, not interlaced */
    const unsigned char *plte, *trns;   /* NULL when absent */
    uint32_t plte_len, trns_len;
    const unsigned char *idat;   /* the first IDAT's data */
    size_t idat_len, idat_total; /* its length, all IDAT data's */
    int nidat;
    bool srgb_gamma;             /* no gAMA, or 1/2.2 within 1 % (what libpng's simplified
                                  * API leaves alone) */
    bool unknown_critical;       /* a critical chunk besides IHDR, PLTE, IDAT, IEND */
} pngdec_chunks;

/* Walks the PNG in data (len bytes) into *c; crc: check each chunk's CRC.
 * False when it is no PNG, IHDR is not first, a chunk is cut short or
 * damaged, or IEND is missing.  Shared with image.c's passthrough check,
 * which draws its own line on what it takes. */
bool pngdec_walk(const unsigned char *data, size_t len, bool crc, pngdec_chunks *c);

/* The data of every IDAT of a walked PNG, one after the other: idat_total
 * bytes, owned by the caller. */
unsigned char *pngdec_idat(const unsigned char *data, const pngdec_chunks *c);

/* True when the PNG in data (len bytes) is one this module decodes, with
 * its size and whether it has alpha in *info. */
bool pngdec_probe(const unsigned char *data, size_t len, pngdec_info *info);

/* Decodes a PNG pngdec_probe() accepted into px (height rows of stride
 * bytes, each width native-endian 32-bit pixels 0xAARRGGBB, alpha 255 for
 * an opaque image; straight, not premultiplied).  False when the data
 * turns out damaged (a CRC, the zlib stream, a filter type, a palette
 * index): px is then partly written, and libpng should have its say. */
bool pngdec_read(const unsigned char *data, size_t len, unsigned char *px, int stride);

#endif
