/* gen_images: test images made at test time with libpng, libjpeg and
 * libwebp, so that no binary blob is committed and every case says in code
 * what it contains.  Header-only (static functions) for test_media.c and
 * test_image.c.
 *
 * Pixels come from a callback returning 0xRRGGBBAA.  Every generator returns
 * a new malloc'd buffer owned by the caller (free with free()) and its size
 * in *len; failures abort the test, since they are set-up bugs.
 */
#ifndef FOLIO_GEN_IMAGES_H
#define FOLIO_GEN_IMAGES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>

typedef uint32_t (*gen_pixel_fn)(int x, int y, int w, int h);

static inline void gen_fail(const char *what)
{
    fprintf(stderr, "gen_images: %s\n", what);
    abort();
}

/* ---- a growable byte buffer for the encoders ---- */

typedef struct gen_bytes {
    unsigned char *p;
    size_t n, cap;
} gen_bytes;

static inline void gen_put(gen_bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p) gen_fail("out of memory");
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static inline void gen_put_be16(gen_bytes *b, unsigned v)
{
    unsigned char c[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    gen_put(b, c, 2);
}

static inline void gen_put_be32(gen_bytes *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    gen_put(b, c, 4);
}

/* ---- PNG (low-level libpng: interlace and palettes need it) ---- */

static inline void gen_png_write(png_structp png, png_bytep data, png_size_t n)
{
    gen_put(png_get_io_ptr(png), data, n);
}
static inline void gen_png_flush(png_structp png) { (void)png; }

/* color_type: PNG_COLOR_TYPE_GRAY, _RGB, _PALETTE, _GRAY_ALPHA, _RGB_ALPHA;
 * depth 8 or 16 (palette: 8).  Grey takes the red channel.  A palette is
 * built from the colours met (at most 256), with tRNS when one of them is
 * not opaque. */
static inline unsigned char *gen_png(int w, int h, int color_type, int depth, bool interlace,
                              gen_pixel_fn fn, size_t *len)
{
    gen_bytes out = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!png || !info || setjmp(png_jmpbuf(png))) gen_fail("libpng write");
    png_set_write_fn(png, &out, gen_png_write, gen_png_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color_type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    int channels = color_type == PNG_COLOR_TYPE_GRAY ? 1
                 : color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
                 : color_type == PNG_COLOR_TYPE_RGB ? 3
                 : color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
    int bpc = depth == 16 ? 2 : 1;
    size_t rowbytes = (size_t)w * channels * bpc;
    unsigned char *pix = calloc((size_t)h, rowbytes);
    png_color pal[256];
    png_byte trns[256];
    int npal = 0;
    bool any_trns = false;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t c = fn(x, y, w, h);
            unsigned v[4] = {c >> 24, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff};
            unsigned char *p = pix + (size_t)y * rowbytes + (size_t)x * channels * bpc;
            if (color_type == PNG_COLOR_TYPE_PALETTE) {
                int k = 0;
                while (k < npal && !(pal[k].red == v[0] && pal[k].green == v[1] &&
                                     pal[k].blue == v[2] && trns[k] == v[3]))
                    k++;
                if (k == npal) {
                    if (npal == 256) gen_fail("more than 256 colours");
                    pal[k].red = (png_byte)v[0];
                    pal[k].green = (png_byte)v[1];
                    pal[k].blue = (png_byte)v[2];
                    trns[k] = (png_byte)v[3];
                    if (v[3] != 255) any_trns = true;
                    npal++;
                }
                p[0] = (unsigned char)k;
                continue;
            }
            unsigned sel[4];
            int nc = 0;
            if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
                sel[nc++] = v[0];
            else {
                sel[nc++] = v[0];
                sel[nc++] = v[1];
                sel[nc++] = v[2];
            }
            if (color_type & PNG_COLOR_MASK_ALPHA) sel[nc++] = v[3];
            for (int k = 0; k < nc; k++) {
                if (bpc == 2) {
                    p[2 * k] = (unsigned char)sel[k];   /* v * 257: high = low byte */
                    p[2 * k + 1] = (unsigned char)sel[k];
                } else
                    p[k] = (unsigned char)sel[k];
            }
        }
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_PLTE(png, info, pal, npal);
        if (any_trns) png_set_tRNS(png, info, trns, npal, NULL);
    }
    png_write_info(png, info);
    int passes = interlace ? png_set_interlace_handling(png) : 1;
    for (int pass = 0; pass < passes; pass++)
        for (int y = 0; y < h; y++) png_write_row(png, pix + (size_t)y * rowbytes);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(pix);
    *len = out.n;
    return out.p;
}

/* A PNG signature and IHDR declaring w x h, 8-bit RGB, nothing else. */
static inline unsigned char *gen_png_header(uint32_t w, uint32_t h, size_t *len)
{
    gen_bytes b = {0};
    gen_put(&b, "\x89PNG\r\n\x1a\n", 8);
    gen_put_be32(&b, 13);
    gen_put(&b, "IHDR", 4);
    gen_put_be32(&b, w);
    gen_put_be32(&b, h);
    gen_put(&b, "\x08\x02\x00\x00\x00", 5);
    gen_put_be32(&b, 0);   /* CRC: not checked by the probe */
    *len = b.n;
    return b.p;
}

/* ---- JPEG ---- */

typedef enum { GEN_JPEG_RGB, GEN_JPEG_GREY, GEN_JPEG_CMYK_ADOBE } gen_jpeg_kind;

/* A JPEG of fn's colours at quality 95.  CMYK is written the Adobe way:
 * the ink is derived naively (K = 0, C = 255 - R, ...) and stored inverted,
 * with the Adobe APP14 marker libjpeg adds for CMYK.  app1 (may be NULL) is
 * written as an APP1 segment right after SOI/JFIF. */
static inline unsigned char *gen_jpeg(int w, int h, gen_jpeg_kind kind, bool progressive,
                               const unsigned char *app1, size_t app1len, gen_pixel_fn fn,
                               size_t *len)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr err;
    ci.err = jpeg_std_error(&err);
    jpeg_create_compress(&ci);
    unsigned char *mem = NULL;
    unsigned long memlen = 0;
    jpeg_mem_dest(&ci, &mem, &memlen);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = kind == GEN_JPEG_GREY ? 1 : kind == GEN_JPEG_CMYK_ADOBE ? 4 : 3;
    ci.in_color_space = kind == GEN_JPEG_GREY ? JCS_GRAYSCALE
                      : kind == GEN_JPEG_CMYK_ADOBE ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 95, TRUE);
    if (kind == GEN_JPEG_CMYK_ADOBE) jpeg_set_colorspace(&ci, JCS_CMYK);
    if (progressive) jpeg_simple_progression(&ci);
    jpeg_start_compress(&ci, TRUE);
    if (app1) jpeg_write_marker(&ci, JPEG_APP0 + 1, app1, (unsigned)app1len);
    unsigned char *row = malloc((size_t)w * 4);
    while (ci.next_scanline < ci.image_height) {
        int y = (int)ci.next_scanline;
        for (int x = 0; x < w; x++) {
            uint32_t c = fn(x, y, w, h);
            unsigned r = c >> 24, g = (c >> 16) & 0xff, b = (c >> 8) & 0xff;
            if (kind == GEN_JPEG_GREY) row[x] = (unsigned char)r;
            else if (kind == GEN_JPEG_RGB) {
                row[3 * x] = (unsigned char)r;
                row[3 * x + 1] = (unsigned char)g;
                row[3 * x + 2] = (unsigned char)b;
            } else {
                /* ink C = 255 - R; stored inverted: 255 - C = R; K = 0 → 255 */
                row[4 * x] = (unsigned char)r;
                row[4 * x + 1] = (unsigned char)g;
                row[4 * x + 2] = (unsigned char)b;
                row[4 * x + 3] = 255;
            }
        }
        JSAMPROW rp = row;
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    *len = memlen;
    return mem;
}

/* An APP1 EXIF payload with IFD0 holding two entries: ImageDescription
 * (ignored) and Orientation = o, in little- or big-endian TIFF order. */
static inline unsigned char *gen_exif(int o, bool big_endian, size_t *len)
{
    unsigned char *p = calloc(1, 64);
    memcpy(p, "Exif\0\0", 6);
    unsigned char *t = p + 6;
    size_t k = 0;
#define GEN_U16(v) do { unsigned v_ = (v); if (big_endian) { t[k] = (unsigned char)(v_ >> 8); t[k + 1] = (unsigned char)v_; } \
                        else { t[k] = (unsigned char)v_; t[k + 1] = (unsigned char)(v_ >> 8); } k += 2; } while (0)
#define GEN_U32(v) do { uint32_t w_ = (v); if (big_endian) { GEN_U16(w_ >> 16); GEN_U16(w_ & 0xffff); } \
                        else { GEN_U16(w_ & 0xffff); GEN_U16(w_ >> 16); } } while (0)
    if (big_endian) memcpy(t, "MM", 2);
    else memcpy(t, "II", 2);
    k = 2;
    GEN_U16(42);
    GEN_U32(8);         /* IFD0 right after the header */
    GEN_U16(2);         /* two entries */
    GEN_U16(0x010e);    /* ImageDescription, ASCII, 4 bytes inline: "abc" */
    GEN_U16(2);
    GEN_U32(4);
    memcpy(t + k, "abc", 4);
    k += 4;
    GEN_U16(0x0112);    /* Orientation, SHORT, 1 */
    GEN_U16(3);
    GEN_U32(1);
    GEN_U16((unsigned)o);
    GEN_U16(0);
    GEN_U32(0);         /* no next IFD */
#undef GEN_U16
#undef GEN_U32
    *len = 6 + k;
    return p;
}

/* A JPEG made of SOI, an optional APP1 and a SOF header declaring w x h
 * (marker sof, e.g. 0xC0, and the given precision and components), then EOI.
 * Enough for the probe; no decoder would accept it. */
static inline unsigned char *gen_jpeg_header(unsigned sof, unsigned w, unsigned h, int precision,
                                      int comps, size_t *len)
{
    gen_bytes b = {0};
    gen_put(&b, "\xFF\xD8", 2);
    unsigned char m[2] = {0xFF, (unsigned char)sof};
    gen_put(&b, m, 2);
    gen_put_be16(&b, (unsigned)(8 + 3 * comps));
    unsigned char pr = (unsigned char)precision;
    gen_put(&b, &pr, 1);
    gen_put_be16(&b, h);
    gen_put_be16(&b, w);
    unsigned char nc = (unsigned char)comps;
    gen_put(&b, &nc, 1);
    for (int i = 0; i < comps; i++) {
        unsigned char c[3] = {(unsigned char)(i + 1), 0x11, 0};
        gen_put(&b, c, 3);
    }
    gen_put(&b, "\xFF\xD9", 2);
    *len = b.n;
    return b.p;
}

/* ---- WebP ---- */

/* lossless: VP8L; lossy without alpha: VP8; lossy with alpha: VP8X+ALPH+VP8. */
static inline unsigned char *gen_webp(int w, int h, bool lossless, bool alpha, gen_pixel_fn fn,
                               size_t *len)
{
    unsigned char *rgba = malloc((size_t)w * h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t c = fn(x, y, w, h);
            unsigned char *p = rgba + ((size_t)y * w + x) * 4;
            p[0] = (unsigned char)(c >> 24);
            p[1] = (unsigned char)(c >> 16);
            p[2] = (unsigned char)(c >> 8);
            p[3] = alpha ? (unsigned char)c : 255;
        }
    uint8_t *out = NULL;
    size_t n;
    if (lossless) n = WebPEncodeLosslessRGBA(rgba, w, h, w * 4, &out);
    else if (alpha) n = WebPEncodeRGBA(rgba, w, h, w * 4, 95, &out);
    else {
        /* Without alpha, encode from RGB so no ALPH chunk is written. */
        unsigned char *rgb = malloc((size_t)w * h * 3);
        for (size_t i = 0; i < (size_t)w * h; i++) memcpy(rgb + 3 * i, rgba + 4 * i, 3);
        n = WebPEncodeRGB(rgb, w, h, w * 3, 95, &out);
        free(rgb);
    }
    free(rgba);
    if (!n) gen_fail("libwebp encode");
    unsigned char *copy = malloc(n);
    memcpy(copy, out, n);
    WebPFree(out);
    *len = n;
    return copy;
}

/* ---- files ---- */

/* Writes data to dir/name; returns the path (malloc'd). */
static inline char *gen_write(const char *dir, const char *name, const void *data, size_t len)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) gen_fail(path);
    return path;
}

/* A fresh directory under $TMPDIR or /tmp; returns its path (malloc'd). */
static inline char *gen_tempdir(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/folio-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(tmpl)) gen_fail("mkdtemp");
    return strdup(tmpl);
}

/* Removes the files named in names (NULL-terminated) from dir, and dir. */
static inline void gen_cleanup(const char *dir, const char *const *names)
{
    char path[1024];
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* ---- patterns ---- */

/* Left half red, right half blue. */
static inline uint32_t gen_left_right(int x, int y, int w, int h)
{
    (void)y; (void)h;
    return x < w / 2 ? 0xff0000ffu : 0x0000ffffu;
}

/* Top half red, bottom half blue. */
static inline uint32_t gen_top_bottom(int x, int y, int w, int h)
{
    (void)x; (void)w;
    return y < h / 2 ? 0xff0000ffu : 0x0000ffffu;
}

/* Quadrants: top-left red, top-right green, bottom-left blue, bottom-right
 * yellow. */
static inline uint32_t gen_quadrants(int x, int y, int w, int h)
{
    bool right = x >= w / 2, bottom = y >= h / 2;
    if (!bottom) return right ? 0x00ff00ffu : 0xff0000ffu;
    return right ? 0xffff00ffu : 0x0000ffffu;
}

/* Opaque dark grey left half, half-transparent white right half. */
static inline uint32_t gen_alpha(int x, int y, int w, int h)
{
    (void)y; (void)h;
    return x < w / 2 ? 0x404040ffu : 0xffffff80u;
}

/* A smooth gradient: stresses the encoders a little more. */
static inline uint32_t gen_gradient(int x, int y, int w, int h)
{
    unsigned r = (unsigned)(x * 255 / (w > 1 ? w - 1 : 1));
    unsigned g = (unsigned)(y * 255 / (h > 1 ? h - 1 : 1));
    return r << 24 | g << 16 | 0x80u << 8 | 0xffu;
}

#endif
