/* fuzz_png: bytes → render/pngdec.c, which decodes the common PNG without
 * libpng.  Whatever the probe accepts is read into a buffer of exactly
 * the size it announced (so ASan sees any write past a row), and, when it
 * decodes, libpng must agree that the file is a PNG of that size: pngdec
 * may leave a file to libpng, never take one libpng refuses. */
#include "fuzz_common.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "render/pngdec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pngdec_info pi;
    if (!pngdec_probe(data, size, &pi)) return 0;
    /* pngdec inflates at most 8 MB of rows; keep the pixels small too. */
    if ((size_t)pi.width * (size_t)pi.height > (4u << 20)) return 0;
    size_t stride = (size_t)pi.width * 4;
    unsigned char *px = malloc(stride * (size_t)pi.height);
    if (!px) return 0;
    bool ok = pngdec_read(data, size, px, (int)stride);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* (Under libFuzzer pngdec skips CRCs, which libpng checks.) */
    if (ok) {
        png_image img;
        memset(&img, 0, sizeof img);
        img.version = PNG_IMAGE_VERSION;
        if (!png_image_begin_read_from_memory(&img, data, size) ||
            img.width != (png_uint_32)pi.width || img.height != (png_uint_32)pi.height)
            abort();
        png_image_free(&img);
    }
#else
    (void)ok;
#endif
    free(px);
    return 0;
}
