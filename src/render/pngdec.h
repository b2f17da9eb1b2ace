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

typedef struct pngdec_info {
    int width, height;
    bool alpha;              /* RGBA, grey + alpha, or a palette with tRNS */
} pngdec_info;

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
