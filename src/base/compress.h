/* compress: the zlib format (RFC 1950) for PDF's /FlateDecode streams.
 *
 * One function, whole buffers, libdeflate level 1.  Every stream folio
 * deflates is in memory already (font programs, content streams, filtered
 * image rows), so zlib's streaming buys nothing, and libdeflate's level 1
 * is both faster and tighter than zlib's: over the six corpus posts with
 * PNG-with-alpha and WebP images (handout + deck), 8.51 → 7.26 G
 * instructions and 23.26 → 23.26 MB (zlib level 3 for the images and 1
 * for the rest before); the seed deck 376.7 → 354.6 M, 784 886 → 783 348
 * bytes.  Harder levels were measured and left: libdeflate's 6 costs 12 %
 * more instructions on those posts for 1.2 % fewer bytes (font programs
 * are mostly unique charstrings; photos barely deflate).
 *
 * Inflating, for checking a PNG's rows before its data is passed through,
 * is libdeflate's too: about twice as fast as zlib's inflate.
 *
 * Not thread-safe: the compressor (about 100 KB of tables) and the
 * decompressor are made once per process, and folio (de)compresses from
 * one thread.
 */
#ifndef FOLIO_COMPRESS_H
#define FOLIO_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Appends the zlib stream of len bytes of data to out. */
void compress_zlib(const void *data, size_t len, buf *out);

/* True when the zlib stream z (zlen bytes; anything after its end is
 * ignored) is whole and inflates to exactly outlen bytes, which are left
 * in out.  False for a damaged, short or long stream. */
bool compress_inflate_exact(const void *z, size_t zlen, void *out, size_t outlen);

/* The CRC-32 of len bytes (ISO 3309, as PNG's chunks carry it). */
uint32_t compress_crc32(const void *data, size_t len);

#endif
