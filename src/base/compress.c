/* compress: see compress.h. */
#include "base/compress.h"

#include <libdeflate.h>

#include "base/mem.h"

void compress_zlib(const void *data, size_t len, buf *out)
{
    static struct libdeflate_compressor *c;
    if (!c) c = mem_check(libdeflate_alloc_compressor(1), 0);
    size_t bound = libdeflate_zlib_compress_bound(c, len);
    buf_reserve(out, bound);
    /* Cannot fail: the output has the bound's room. */
    size_t got = libdeflate_zlib_compress(c, data, len, out->s + out->len, bound);
    out->len += got;
    out->s[out->len] = '\0';
}

bool compress_inflate_exact(const void *z, size_t zlen, void *out, size_t outlen)
{
    static struct libdeflate_decompressor *d;
    if (!d) d = mem_check(libdeflate_alloc_decompressor(), 0);
    /* A NULL actual_out_nbytes_ret asks for exactly outlen bytes: shorter
     * output is LIBDEFLATE_SHORT_OUTPUT, longer LIBDEFLATE_INSUFFICIENT_SPACE. */
    return libdeflate_zlib_decompress_ex(d, z, zlen, out, outlen, NULL, NULL) ==
           LIBDEFLATE_SUCCESS;
}

uint32_t compress_crc32(const void *data, size_t len)
{
    return libdeflate_crc32(0, data, len);
}
