/* image: see image.h.
 *
 * Takes an absolute path and the input stage's probe; gives a cairo surface
 * held by a per-document cache, and draws it oriented and fitted.
 *
 * Reading.  The whole file is read (at most MEDIA_MAX_BYTES) and probed
 * again: the probe is cheap, and it means the decoders only ever see a file
 * whose header was checked against MEDIA_MAX_PIXELS just now, not an hour ago
 * when the input stage read it.
 *
 * JPEG passthrough.  The PDF writer (pdfimage.c) embeds the bytes attached
 * as CAIRO_MIME_TYPE_JPEG, reading only the JPEG header for size and
 * colour space.  The surface carrying them is a 1 x 1 stand-in whose pixel
 * is never written (stand_in_surface() says why not w x h).
 * Passthrough cannot notice a damaged scan, so at least a truncated file is
 * refused: the entropy-coded data after the first SOS must contain EOI (0xFF
 * 0xD9), which no byte-stuffed scan data can imitate (media_complete()).
 *
 * Deduplication.  The PDF writer writes one image XObject for every
 * surface with the same CAIRO_MIME_TYPE_UNIQUE_ID: an XXH64 hash of the
 * file's bytes with their length and format, so two names for one file are
 * embedded once too.
 *
 * Decoding.  libjpeg-turbo decodes straight into the surface's rows in
 * cairo's pixel order (JCS_EXT_BGRX on little-endian machines); CMYK is
 * converted by hand, inverted when an Adobe APP14 marker says the file was
 * written the Adobe way (Photoshop stores 255 - ink).  libpng's simplified
 * API handles bit depths, palettes, tRNS, grey and Adam7; its 8-bit
 * straight-alpha output is premultiplied here.  libwebp decodes straight
 * into premultiplied BGRA (MODE_bgrA).  Errors become diagnostics, never
 * prints: libjpeg's message hooks are replaced.
 *
 * Orientation.  EXIF orientation n says how the stored pixels must be
 * turned to be seen upright (CIPA DC-008 §4.6.4, tag 0x0112).  Drawing maps
 * stored pixel (px, py) to displayed (dx, dy) with one affine matrix per
 * value, then scales displayed pixels to the target rectangle.
 */
#include "render/image.h"
#include "render/pngdec.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <errno.h>
#include <stdio.h>
/* jpeglib.h needs FILE and size_t declared first. */
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <pango/pangocairo.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>
#include <zlib.h>

#include "base/compress.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/mem.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define IMAGE_BIG_ENDIAN 1
#else
#define IMAGE_BIG_ENDIAN 0
#endif

typedef struct cache_entry {
    char *path;
    bool need_pixels;
    cairo_surface_t *surface;   /* NULL: failed, warning already given */
} cache_entry;

struct image_cache {
    cache_entry *items;
    size_t n, cap;
    bool png_passthrough;
    image_png *pngs;            /* idat and palette owned */
    size_t npngs, pngcap;
};

image_cache *image_cache_new(void)
{
    return mem_calloc(1, sizeof(image_cache));
}

void image_cache_free(image_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].path);
        if (c->items[i].surface) cairo_surface_destroy(c->items[i].surface);
    }
    for (size_t i = 0; i < c->npngs; i++) {
        free((void *)c->pngs[i].idat);
        free((void *)c->pngs[i].palette);
    }
    free(c->pngs);
    free(c->items);
    free(c);
}

bool image_decode_size_ok(const media_info *info)
{
    return info && info->width > 0 && info->height > 0 &&
           (uint64_t)info->width * (uint64_t)info->height <= MEDIA_MAX_PIXELS;
}

/* ---- helpers ---- */

void image_cache_set_png_passthrough(image_cache *c, bool on) { c->png_passthrough = on; }
size_t image_cache_npng(const image_cache *c) { return c->npngs; }
const image_png *image_cache_png(const image_cache *c, size_t i) { return &c->pngs[i]; }

/* A stand-in's image_png, as its index in c->pngs plus one: an index
 * rather than a pointer because c->pngs moves as it grows. */
static const cairo_user_data_key_t png_key;

/* Appends *p to c's PNGs and ties stand_in to it; false (nothing kept)
 * when cairo cannot hold the tie, for then the stand-in could not be told
 * from a real JPEG by image_cache_png_of(). */
static bool keep_png(image_cache *c, cairo_surface_t *stand_in, const image_png *p)
{
    void *idx = (void *)(uintptr_t)(c->npngs + 1);
    if (cairo_surface_set_user_data(stand_in, &png_key, idx, NULL) != CAIRO_STATUS_SUCCESS)
        return false;
    MEM_PUSH(c->pngs, c->npngs, c->pngcap) = *p;
    return true;
}

const image_png *image_cache_png_of(const image_cache *c, cairo_surface_t *s)
{
    if (!c || !s) return NULL;
    uintptr_t idx = (uintptr_t)cairo_surface_get_user_data(s, &png_key);
    return idx && idx <= c->npngs ? &c->pngs[idx - 1] : NULL;
}

/* The id "folio-<format>-<xxh64>-<length>" of a file's bytes; returns its
 * length.  (XXH64 rather than a byte-at-a-time hash: every photo of every
 * PDF goes through here.) */
static int unique_id(const unsigned char *data, size_t len, media_format f, char *id, size_t idsz)
{
    uint64_t h = hash_bytes(data, len, 0);
    return snprintf(id, idsz, "folio-%s-%016llx-%zu", media_format_name(f),
                    (unsigned long long)h, len);
}

/* Attaches unique_id() to s. */
static void set_unique_id(cairo_surface_t *s, const unsigned char *data, size_t len,
                          media_format f)
{
    char id[80];
    int n = unique_id(data, len, f, id, sizeof id);
    unsigned char *copy = mem_alloc((size_t)n + 1);
    memcpy(copy, id, (size_t)n + 1);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, copy, (unsigned long)n, free, copy);
}

/* A surface of the decoded size, or NULL when cairo refuses it. */
static cairo_surface_t *new_surface(cairo_format_t fmt, int w, int h, char *why, size_t whysz)
{
    cairo_surface_t *s = cairo_image_surface_create(fmt, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        snprintf(why, whysz, "cannot create a %dx%d surface: %s", w, h,
                 cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

/* The surface a passthrough image is carried by: 1 x 1, its one pixel
 * never written.  Only its data matters (the JPEG, or the image_png it is
 * tied to); image_draw() and image_pdf_matrix() take the size from the
 * user data below.  When cairo 1.16 wrote the PDFs it drew such a surface
 * as an image XObject in the unit square the pattern matrix maps, and a
 * w x h stand-in cost w*h*4 bytes copied at image_cache_free() (cairo
 * detaches its recording surface's snapshots by copying): 48 MB of peak
 * RSS for one 4000 x 3000 photo.  Drawn to pixels it reads black. */
typedef struct stored_size {
    int w, h;
} stored_size;

static const cairo_user_data_key_t size_key;

static cairo_surface_t *stand_in_surface(int w, int h, char *why, size_t whysz)
{
    cairo_surface_t *s = new_surface(CAIRO_FORMAT_RGB24, 1, 1, why, whysz);
    if (!s) return NULL;
    stored_size *sz = mem_alloc(sizeof *sz);
    *sz = (stored_size){w, h};
    if (cairo_surface_set_user_data(s, &size_key, sz, free) != CAIRO_STATUS_SUCCESS) {
        snprintf(why, whysz, "cannot keep the size of a %dx%d image", w, h);
        cairo_surface_destroy(s);
        free(sz);
        return NULL;
    }
    return s;
}

/* ---- JPEG ---- */

static void destroy_bytes(void *p) { free(p); }

static cairo_surface_t *jpeg_passthrough(unsigned char *data, size_t len, const media_info *mi,
                                         char *why, size_t whysz)
{
    cairo_surface_t *s = stand_in_surface(mi->width, mi->height, why, whysz);
    if (!s) return NULL;
    /* cairo keeps the pointer, not a copy: the surface owns the bytes. */
    cairo_status_t st = cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, data,
                                                    (unsigned long)len, destroy_bytes, data);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(data);
        cairo_surface_destroy(s);
        snprintf(why, whysz, "%s", cairo_status_to_string(st));
        return NULL;
    }
    return s;
}

typedef struct jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    bool truncated;
} jpeg_err;

static void jpeg_on_error(j_common_ptr ci)
{
    jpeg_err *e = (jpeg_err *)ci->err;
    e->mgr.format_message(ci, e->message);
    longjmp(e->jump, 1);
}

/* Warnings (level -1) are recorded, trace messages ignored: libjpeg's
 * default would print them on stderr. */
static void jpeg_on_message(j_common_ptr ci, int level)
{
    jpeg_err *e = (jpeg_err *)ci->err;
    if (level >= 0) return;
    if (e->mgr.msg_code == JWRN_JPEG_EOF) e->truncated = true;
    e->mgr.num_warnings++;
}

static void jpeg_silent(j_common_ptr ci) { (void)ci; }

/* denom 1, 2, 4 or 8: libjpeg-turbo's DCT scaling, 1/denom of the size. */
static cairo_surface_t *jpeg_decode(const unsigned char *data, size_t len, int denom, char *why,
                                    size_t whysz)
{
    struct jpeg_decompress_struct ci;
    jpeg_err err;
    memset(&err, 0, sizeof err);
    ci.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_on_error;
    err.mgr.emit_message = jpeg_on_message;
    err.mgr.output_message = jpeg_silent;
    cairo_surface_t *volatile s = NULL;
    unsigned char *volatile row = NULL;
    if (setjmp(err.jump)) {
        snprintf(why, whysz, "%s", err.message);
        jpeg_destroy_decompress(&ci);
        free(row);
        if (s) cairo_surface_destroy(s);
        return NULL;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, data, (unsigned long)len);
    jpeg_read_header(&ci, TRUE);
    bool cmyk = ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK;
    if (cmyk) ci.out_color_space = JCS_CMYK;
    else ci.out_color_space = IMAGE_BIG_ENDIAN ? JCS_EXT_XRGB : JCS_EXT_BGRX;
    /* Photoshop writes CMYK inverted and says so with an Adobe marker. */
    bool inverted = cmyk && ci.saw_Adobe_marker;
    ci.scale_num = 1;
    ci.scale_denom = denom == 2 || denom == 4 || denom == 8 ? (unsigned)denom : 1;
    jpeg_start_decompress(&ci);
    s = new_surface(CAIRO_FORMAT_RGB24, (int)ci.output_width, (int)ci.output_height, why, whysz);
    if (!s) {
        jpeg_destroy_decompress(&ci);
        return NULL;
    }
    unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    if (cmyk) row = mem_alloc((size_t)ci.output_width * 4);
    while (ci.output_scanline < ci.output_height) {
        unsigned y = ci.output_scanline;
        uint32_t *out = (uint32_t *)(px + (size_t)y * (size_t)stride);
        JSAMPROW r = cmyk ? row : (JSAMPROW)out;
        if (jpeg_read_scanlines(&ci, &r, 1) != 1) break;
        if (!cmyk) continue;
        for (unsigned x = 0; x < ci.output_width; x++) {
            unsigned c = row[4 * x], m = row[4 * x + 1], yy = row[4 * x + 2], k = row[4 * x + 3];
            if (!inverted) {
                c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k;
            }
            /* Now 255 means no ink: channel = (1 - ink) * (1 - black). */
            uint32_t R = (c * k + 127) / 255, G = (m * k + 127) / 255, B = (yy * k + 127) / 255;
            out[x] = 0xff000000u | R << 16 | G << 8 | B;
        }
    }
    bool truncated = err.truncated;
    if (!truncated) jpeg_finish_decompress(&ci);
    truncated = truncated || err.truncated;
    jpeg_destroy_decompress(&ci);
    free(row);
    if (truncated) {
        snprintf(why, whysz, "JPEG data ends early");
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* ---- PNG ---- */

static void premultiply(unsigned char *px, int w, int h, int stride)
{
    for (int y = 0; y < h; y++) {
        uint32_t *p = (uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t v = p[x], a = v >> 24;
            if (a == 255) continue;
            if (a == 0) {
                p[x] = 0;
                continue;
            }
            uint32_t r = ((v >> 16 & 0xff) * a + 127) / 255;
            uint32_t g = ((v >> 8 & 0xff) * a + 127) / 255;
            uint32_t b = ((v & 0xff) * a + 127) / 255;
            p[x] = a << 24 | r << 16 | g << 8 | b;
        }
    }
}

static cairo_surface_t *png_decode(const unsigned char *data, size_t len, char *why,
                                   size_t whysz)
{
    /* The common PNG without libpng (render/pngdec.h); the same pixels. */
    pngdec_info pi;
    if (pngdec_probe(data, len, &pi)) {
        cairo_surface_t *s = new_surface(pi.alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                         pi.width, pi.height, why, whysz);
        if (!s) return NULL;
        unsigned char *px = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        if (pngdec_read(data, len, px, stride)) {
            if (pi.alpha) premultiply(px, pi.width, pi.height, stride);
            cairo_surface_mark_dirty(s);
            return s;
        }
        cairo_surface_destroy(s);
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, len)) {
        snprintf(why, whysz, "%s", img.message);
        png_image_free(&img);
        return NULL;
    }
    bool alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    /* Without gAMA or sRGB, libpng takes 16-bit samples as linear light and
     * darkens them on the way to 8 bits; cameras, editors and browsers take
     * them as sRGB, like 8-bit ones. */
    img.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    /* Memory order B G R A is cairo's native 32-bit ARGB on little-endian. */
    img.format = IMAGE_BIG_ENDIAN ? PNG_FORMAT_ARGB : PNG_FORMAT_BGRA;
    cairo_surface_t *s = new_surface(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                     (int)img.width, (int)img.height, why, whysz);
    if (!s) {
        png_image_free(&img);
        return NULL;
    }
    unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    /* row_stride counts components, which are bytes at 8 bits. */
    if (!png_image_finish_read(&img, NULL, px, stride, NULL)) {
        snprintf(why, whysz, "%s", img.message);
        png_image_free(&img);
        cairo_surface_destroy(s);
        return NULL;
    }
    if (alpha) premultiply(px, (int)img.width, (int)img.height, stride);
    cairo_surface_mark_dirty(s);
    return s;
}

/* ---- PNG passthrough (see image.h) ---- */

/* True when the zlib stream inflates to exactly h rows of 1 + rowbytes
 * bytes, each starting with a PNG filter type (0..4): what libpng would
 * check while decoding, without keeping a pixel.  Up to ROWS_AT_ONCE
 * inflated bytes (all but two of the corpus's 106 PNGs) are inflated whole
 * by libdeflate, about twice as fast as zlib; larger images stream through
 * zlib in 16 KB pieces, so a worker's memory does not grow with them. */
#define ROWS_AT_ONCE (8u << 20)

static bool filter_types_ok(const unsigned char *rows, uint64_t h, size_t rowbytes)
{
    for (uint64_t y = 0; y < h; y++)
        if (rows[y * (rowbytes + 1)] > 4) return false;
    return true;
}

static bool png_rows_ok(const unsigned char *z, size_t zlen, uint32_t h, size_t rowbytes)
{
    uint64_t want = (uint64_t)h * (rowbytes + 1);
    if (want <= ROWS_AT_ONCE) {
        unsigned char *rows = mem_alloc((size_t)want);
        bool ok = compress_inflate_exact(z, zlen, rows, (size_t)want) &&
                  filter_types_ok(rows, h, rowbytes);
        free(rows);
        return ok;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) return false;
    unsigned char out[16384];
    uint64_t total = 0, row_at = 0;
    bool ok = true;
    zs.next_in = (unsigned char *)z;
    int st = Z_OK;
    while (ok && st != Z_STREAM_END) {
        /* zlib counts avail_in in uInt: feed large streams in pieces. */
        if (zs.avail_in == 0) {
            size_t used = (size_t)(zs.next_in - z);
            if (used >= zlen) break;
            zs.avail_in = (uInt)(zlen - used > 1u << 30 ? 1u << 30 : zlen - used);
        }
        zs.next_out = out;
        zs.avail_out = sizeof out;
        st = inflate(&zs, Z_NO_FLUSH);
        if (st != Z_OK && st != Z_STREAM_END) ok = false;
        size_t got = sizeof out - zs.avail_out;
        if (total + got > want) ok = false;
        /* The filter type bytes that fell into this piece. */
        for (; ok && row_at < total + got; row_at += rowbytes + 1)
            if (out[row_at - total] > 4) ok = false;
        total += got;
    }
    inflateEnd(&zs);
    return ok && st == Z_STREAM_END && total == want;
}

/* Fills *p (idat and palette newly allocated, marker empty) when the PNG
 * file data can be embedded as it is; false leaves nothing allocated. */
static bool png_passable(const unsigned char *d, size_t len, image_png *p)
{
    memset(p, 0, sizeof *p);
    pngdec_chunks c;
    /* Transparency, a gamma other than sRGB's, or a critical chunk folio
     * does not know: libpng decodes those.  An ICC profile (iCCP) is no
     * reason: decoding ignores it too (png_decode() hands the samples on
     * as sRGB), so the passthrough shows the same colours. */
    if (!pngdec_walk(d, len, true, &c) || !c.plain || c.trns || !c.srgb_gamma ||
        c.unknown_critical || !c.idat_total || !c.width || !c.height)
        return false;
    int depth = c.depth, ctype = c.ctype;
    bool small_depth = depth == 1 || depth == 2 || depth == 4 || depth == 8;
    int colors = ctype == 0 || ctype == 3 ? 1 : ctype == 2 && depth == 8 ? 3 : 0;
    if (!colors || !small_depth) return false;
    if (ctype == 3 && (!c.plte || c.plte_len % 3 || c.plte_len < 3 || c.plte_len > 768))
        return false;
    size_t rowbytes = ((size_t)c.width * (size_t)colors * (size_t)depth + 7) / 8;
    unsigned char *idat = pngdec_idat(d, &c);
    if (!png_rows_ok(idat, c.idat_total, c.height, rowbytes)) {
        free(idat);
        return false;
    }
    *p = (image_png){.width = (int)c.width, .height = (int)c.height, .colors = colors,
                     .bits = depth, .idat = idat, .idat_len = c.idat_total};
    if (ctype == 3) {
        unsigned char *pal = mem_alloc(c.plte_len);
        memcpy(pal, c.plte, c.plte_len);
        p->palette = pal;
        p->npalette = (int)(c.plte_len / 3);
    }
    return true;
}

/* A stand-in for the PNG, carrying a JPEG that holds only a comment (the
 * marker) and a frame header (the size): a name for the PNG, never written
 * as a JPEG (pdfimage.c finds the image_png through image_cache_png_of()). */
static cairo_surface_t *png_stand_in(const image_png *p, char *why, size_t whysz)
{
    size_t mlen = strlen(p->marker);
    size_t len = 2 + 4 + mlen + 19 + 2;
    unsigned char *j = mem_alloc(len), *q = j;
    *q++ = 0xFF, *q++ = 0xD8;                                   /* SOI */
    *q++ = 0xFF, *q++ = 0xFE;                                   /* COM */
    *q++ = (unsigned char)((mlen + 2) >> 8), *q++ = (unsigned char)(mlen + 2);
    memcpy(q, p->marker, mlen);
    q += mlen;
    static const unsigned char sof[] = {0xFF, 0xC0, 0x00, 0x11, 0x08};
    memcpy(q, sof, sizeof sof);
    q += sizeof sof;
    *q++ = (unsigned char)(p->height >> 8), *q++ = (unsigned char)p->height;
    *q++ = (unsigned char)(p->width >> 8), *q++ = (unsigned char)p->width;
    static const unsigned char comps[] = {3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0};
    memcpy(q, comps, sizeof comps);
    q += sizeof comps;
    *q++ = 0xFF, *q++ = 0xD9;                                   /* EOI */
    cairo_surface_t *s = stand_in_surface(p->width, p->height, why, whysz);
    if (!s) {
        free(j);
        return NULL;
    }
    cairo_status_t st = cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, j,
                                                    (unsigned long)(q - j), free, j);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(j);
        cairo_surface_destroy(s);
        snprintf(why, whysz, "%s", cairo_status_to_string(st));
        return NULL;
    }
    return s;
}

bool image_translucent(cairo_surface_t *s)
{
    if (cairo_image_surface_get_format(s) != CAIRO_FORMAT_ARGB32) return false;
    const unsigned char *px = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; px && y < h; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++)
            if (row[x] >> 24 != 0xff) return true;
    }
    return false;
}

/* Premultiplication undone: unpremul[a][u] is sample u of a pixel with
 * alpha a, straight, (u * 255 + a / 2) / a at most 255, 0 for a = 0.  A
 * table (64 KB, made once) instead of three divisions a pixel. */
static const unsigned char (*unpremul_table(void))[256]
{
    static unsigned char t[256][256];
    static bool made;
    if (!made) {
        for (unsigned a = 1; a < 256; a++)
            for (unsigned u = 0; u < 256; u++) {
                unsigned v = (u * 255 + a / 2) / a;
                t[a][u] = (unsigned char)(v > 255 ? 255 : v);
            }
        made = true;
    }
    return (const unsigned char (*)[256])t;
}

/* One row of straight 8-bit samples into cur: RGB (premultiplication
 * undone; opaque says the top byte is no alpha, as in RGB24) or, with
 * alpha_only, the alpha. */
static void convert_row(const uint32_t *restrict row, int w, bool opaque, bool alpha_only,
                        unsigned char *restrict cur)
{
    if (alpha_only) {
        for (int x = 0; x < w; x++) cur[x] = opaque ? 255 : (unsigned char)(row[x] >> 24);
        return;
    }
    if (opaque) {
        for (int x = 0; x < w; x++, cur += 3) {
            uint32_t v = row[x];
            cur[0] = (unsigned char)(v >> 16), cur[1] = (unsigned char)(v >> 8);
            cur[2] = (unsigned char)v;
        }
        return;
    }
    const unsigned char (*t)[256] = unpremul_table();
    for (int x = 0; x < w; x++, cur += 3) {
        uint32_t v = row[x];
        const unsigned char *ta = t[v >> 24];
        cur[0] = ta[v >> 16 & 0xff], cur[1] = ta[v >> 8 & 0xff], cur[2] = ta[v & 0xff];
    }
}

/* Paeth filtering, as cairo's level-6 deflate of raw rows took 2.4 times
 * as long for 7 % more bytes on the corpus's screenshots and WebP photos.
 * The filtered rows are one buffer (3/4 of the surface's size) because
 * compress_zlib() takes whole buffers; it is freed before the next image
 * is encoded. */
/* One row Paeth-filtered (PNG §9.4) into out.  The first pixel's bytes
 * have no left neighbours (the predictor is the byte above).  Filtering,
 * unlike unfiltering, has no chain from byte to byte: with SSE2 eight
 * bytes go at once in 16-bit lanes (the scalar loop cost 10 instructions
 * a byte, a third of encoding a translucent PNG). */
static void paeth_row(const unsigned char *restrict cur, const unsigned char *restrict prev,
                      size_t rb, size_t bpp, unsigned char *restrict out)
{
    size_t first = bpp < rb ? bpp : rb, i = first;
    for (size_t k = 0; k < first; k++) out[k] = (unsigned char)(cur[k] - prev[k]);
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    for (; i + 8 <= rb; i += 8) {
        __m128i a = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(cur + i - bpp)), zero);
        __m128i b = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(prev + i)), zero);
        __m128i c = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(prev + i - bpp)), zero);
        __m128i x = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(cur + i)), zero);
        __m128i bc = _mm_sub_epi16(b, c), ac = _mm_sub_epi16(a, c);
        __m128i sum = _mm_add_epi16(bc, ac);
        __m128i pa = _mm_max_epi16(bc, _mm_sub_epi16(zero, bc));
        __m128i pb = _mm_max_epi16(ac, _mm_sub_epi16(zero, ac));
        __m128i pc = _mm_max_epi16(sum, _mm_sub_epi16(zero, sum));
        __m128i least = _mm_min_epi16(pc, _mm_min_epi16(pa, pb));
        __m128i is_a = _mm_cmpeq_epi16(least, pa), is_b = _mm_cmpeq_epi16(least, pb);
        __m128i bor_c = _mm_or_si128(_mm_and_si128(is_b, b), _mm_andnot_si128(is_b, c));
        __m128i pred = _mm_or_si128(_mm_and_si128(is_a, a), _mm_andnot_si128(is_a, bor_c));
        __m128i d = _mm_and_si128(_mm_sub_epi16(x, pred), _mm_set1_epi16(0xff));
        _mm_storel_epi64((__m128i *)(out + i), _mm_packus_epi16(d, d));
    }
#endif
    for (; i < rb; i++) {
        int a = cur[i - bpp], b = prev[i], c = prev[i - bpp];
        int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
        int pred = pb < pa ? (pc < pb ? c : b) : (pc < pa ? c : a);
        out[i] = (unsigned char)(cur[i] - pred);
    }
}

bool image_deflate_rows(cairo_surface_t *s, bool alpha_only, buf *out)
{
    const unsigned char *px = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    bool opaque = cairo_image_surface_get_format(s) == CAIRO_FORMAT_RGB24;
    if (!px || w <= 0 || h <= 0) return false;
    size_t bpp = alpha_only ? 1 : 3, rb = bpp * (size_t)w;
    size_t total = (rb + 1) * (size_t)h;
    unsigned char *rows = mem_alloc(total), *cur = mem_alloc(rb), *prev = mem_calloc(1, rb);
    for (int y = 0; y < h; y++) {
        unsigned char *line = rows + (size_t)y * (rb + 1);
        convert_row((const uint32_t *)(px + (size_t)y * (size_t)stride), w, opaque, alpha_only,
                    cur);
        line[0] = 4;
        paeth_row(cur, prev, rb, bpp, line + 1);
        unsigned char *t = prev;
        prev = cur;
        cur = t;
    }
    free(cur);
    free(prev);
    compress_zlib(rows, total, out);
    free(rows);
    return true;
}

/* Decoded pixels the PNG way, for a PDF: when s is opaque (RGB24, or
 * ARGB32 whose every alpha is 255), fills *p with its rows as
 * image_deflate_rows() encodes them and returns true; p then goes the way
 * of a passthrough PNG (png_stand_in(), pdfimage.c), and the pixels need
 * not be kept. */
static bool png_from_pixels(cairo_surface_t *s, image_png *p)
{
    memset(p, 0, sizeof *p);
    cairo_format_t fmt = cairo_image_surface_get_format(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    if (w <= 0 || h <= 0 || w >= 65536 || h >= 65536) return false;
    if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32) return false;
    if (image_translucent(s)) return false;
    buf rows = BUF_INIT;
    if (!image_deflate_rows(s, false, &rows)) {
        buf_free(&rows);
        return false;
    }
    size_t len = rows.len;
    *p = (image_png){.width = w, .height = h, .colors = 3, .bits = 8,
                     .idat = (const unsigned char *)buf_detach(&rows), .idat_len = len};
    return true;
}

/* ---- WebP ---- */

static cairo_surface_t *webp_decode(const unsigned char *data, size_t len, char *why,
                                    size_t whysz)
{
    WebPDecoderConfig cfg;
    if (!WebPInitDecoderConfig(&cfg)) {
        snprintf(why, whysz, "libwebp version mismatch");
        return NULL;
    }
    VP8StatusCode st = WebPGetFeatures(data, len, &cfg.input);
    if (st != VP8_STATUS_OK) {
        snprintf(why, whysz, "WebP header: status %d", (int)st);
        return NULL;
    }
    if (cfg.input.has_animation) {
        snprintf(why, whysz, "animated WebP is not supported");
        return NULL;
    }
    bool alpha = cfg.input.has_alpha;
    cairo_surface_t *s = new_surface(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                     cfg.input.width, cfg.input.height, why, whysz);
    if (!s) return NULL;
    int stride = cairo_image_surface_get_stride(s);
    /* MODE_bgrA / MODE_Argb: premultiplied, cairo's order in memory. */
    cfg.output.colorspace = IMAGE_BIG_ENDIAN ? MODE_Argb : MODE_bgrA;
    cfg.output.is_external_memory = 1;
    cfg.output.u.RGBA.rgba = cairo_image_surface_get_data(s);
    cfg.output.u.RGBA.stride = stride;
    cfg.output.u.RGBA.size = (size_t)stride * (size_t)cfg.input.height;
    st = WebPDecode(data, len, &cfg);
    WebPFreeDecBuffer(&cfg.output);
    if (st != VP8_STATUS_OK) {
        snprintf(why, whysz, "%s",
                 st == VP8_STATUS_NOT_ENOUGH_DATA ? "WebP data ends early" : "WebP decode error");
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* ---- the cache ---- */

static cairo_surface_t *load(image_cache *c, const char *path, const media_info *info,
                             bool need_pixels, char *why, size_t whysz)
{
    size_t len = 0;
    unsigned char *data = (unsigned char *)file_read_all(path, MEDIA_MAX_BYTES, &len);
    if (!data) {
        snprintf(why, whysz, "%s", strerror(errno));
        return NULL;
    }
    media_info mi;
    media_status ms = media_probe(data, len, &mi);
    if (ms == MEDIA_OK && info &&
        (mi.format != info->format || mi.width != info->width || mi.height != info->height)) {
        snprintf(why, whysz, "the file changed while folio was running");
        free(data);
        return NULL;
    }
    if (ms != MEDIA_OK || !image_decode_size_ok(&mi)) {
        if (ms == MEDIA_OK) ms = MEDIA_ERR_TOO_LARGE;
        if (mi.format != MEDIA_UNKNOWN)
            snprintf(why, whysz, "%s: %s", media_format_name(mi.format), media_status_message(ms));
        else
            snprintf(why, whysz, "%s", media_status_message(ms));
        free(data);
        return NULL;
    }
    cairo_surface_t *s = NULL;
    switch (mi.format) {
    case MEDIA_JPEG:
        if (!media_complete(data, len, &mi)) {
            snprintf(why, whysz, "JPEG data ends early");
            break;
        }
        if (!need_pixels && mi.components != 4) {
            s = jpeg_passthrough(data, len, &mi, why, whysz);
            if (s) set_unique_id(s, data, len, mi.format);
            return s;   /* the surface owns data now (or it was freed) */
        }
        s = jpeg_decode(data, len, 1, why, whysz);
        break;
    case MEDIA_PNG: {
        image_png p;
        /* Width and height fit a JPEG frame header (16 bits each). */
        if (!need_pixels && c->png_passthrough && mi.width < 65536 && mi.height < 65536 &&
            png_passable(data, len, &p)) {
            unique_id(data, len, mi.format, p.marker, sizeof p.marker);
            s = png_stand_in(&p, why, whysz);
            if (s && keep_png(c, s, &p)) {
                set_unique_id(s, data, len, mi.format);
                free(data);
                return s;
            }
            if (s) cairo_surface_destroy(s);
            free((void *)p.idat);
            free((void *)p.palette);
        }
        s = png_decode(data, len, why, whysz);
        break;
    }
    case MEDIA_WEBP: s = webp_decode(data, len, why, whysz); break;
    default:
        snprintf(why, whysz, "%s images are not drawn", media_format_name(mi.format));
        break;
    }
    image_png p;
    if (s && !need_pixels && c->png_passthrough && png_from_pixels(s, &p)) {
        unique_id(data, len, mi.format, p.marker, sizeof p.marker);
        cairo_surface_t *stand_in = png_stand_in(&p, why, whysz);
        if (stand_in && keep_png(c, stand_in, &p)) {
            cairo_surface_destroy(s);
            s = stand_in;
        } else {
            if (stand_in) cairo_surface_destroy(stand_in);
            free((void *)p.idat);
        }
    }
    if (s) set_unique_id(s, data, len, mi.format);
    free(data);
    return s;
}

cairo_surface_t *image_decode(const unsigned char *data, size_t len, int jpeg_scale_denom,
                              media_info *info, char *why, size_t whysz)
{
    media_info mi;
    media_status ms = media_probe(data, len, &mi);
    if (info) *info = mi;
    if (ms != MEDIA_OK || !image_decode_size_ok(&mi)) {
        if (ms == MEDIA_OK) ms = MEDIA_ERR_TOO_LARGE;
        snprintf(why, whysz, "%s", media_status_message(ms));
        return NULL;
    }
    switch (mi.format) {
    case MEDIA_JPEG:
        if (!media_complete(data, len, &mi)) {
            snprintf(why, whysz, "JPEG data ends early");
            return NULL;
        }
        return jpeg_decode(data, len, jpeg_scale_denom, why, whysz);
    case MEDIA_PNG: return png_decode(data, len, why, whysz);
    case MEDIA_WEBP: return webp_decode(data, len, why, whysz);
    default:
        snprintf(why, whysz, "%s images are not drawn", media_format_name(mi.format));
        return NULL;
    }
}

cairo_surface_t *image_cache_get(image_cache *c, const char *path, const media_info *info,
                                 bool need_pixels, const char *diag_file, diag_list *dl)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].need_pixels == need_pixels && !strcmp(c->items[i].path, path))
            return c->items[i].surface;
    char why[JMSG_LENGTH_MAX + 64] = "";
    cairo_surface_t *s = load(c, path, info, need_pixels, why, sizeof why);
    if (!s && dl)
        diag_add(dl, DIAG_WARNING, diag_file, 0, 0,
                 "image '%s' cannot be drawn (%s); drawing a placeholder", path, why);
    cache_entry *e = &MEM_PUSH(c->items, c->n, c->cap);
    e->path = mem_strdup(path);
    e->need_pixels = need_pixels;
    e->surface = s;
    return s;
}

/* ---- drawing ---- */

/* Sets *m to the map from stored pixel coordinates of an sw x sh image to
 * displayed pixel coordinates under EXIF orientation o, and *dw, *dh to
 * the displayed size. */
static void orientation_matrix(int o, double sw, double sh, cairo_matrix_t *m, double *dw,
                               double *dh)
{
    /* cairo_matrix_init(xx, yx, xy, yy, x0, y0):
     *   dx = xx*px + xy*py + x0,  dy = yx*px + yy*py + y0 */
    switch (o) {
    case 2: cairo_matrix_init(m, -1, 0, 0, 1, sw, 0); break;     /* mirror left-right */
    case 3: cairo_matrix_init(m, -1, 0, 0, -1, sw, sh); break;   /* rotate 180 */
    case 4: cairo_matrix_init(m, 1, 0, 0, -1, 0, sh); break;     /* mirror top-bottom */
    case 5: cairo_matrix_init(m, 0, 1, 1, 0, 0, 0); break;       /* transpose */
    case 6: cairo_matrix_init(m, 0, 1, -1, 0, sh, 0); break;     /* rotate 90 clockwise */
    case 7: cairo_matrix_init(m, 0, -1, -1, 0, sh, sw); break;   /* transverse */
    case 8: cairo_matrix_init(m, 0, -1, 1, 0, 0, sw); break;     /* rotate 90 anticlockwise */
    default: cairo_matrix_init_identity(m); break;
    }
    bool swap = o >= 5 && o <= 8;
    *dw = swap ? sh : sw;
    *dh = swap ? sw : sh;
}

/* The size of s's pattern space: the pixels a decoded surface has, 1 x 1
 * for a passthrough stand-in. */
static void pattern_size(cairo_surface_t *s, const media_info *info, double *sw, double *sh)
{
    if (cairo_surface_get_type(s) == CAIRO_SURFACE_TYPE_IMAGE) {
        *sw = cairo_image_surface_get_width(s);
        *sh = cairo_image_surface_get_height(s);
    } else {
        *sw = info ? info->width : 1;
        *sh = info ? info->height : 1;
    }
}

/* The image's stored size in pixels, before orientation. */
static void stored_size_of(cairo_surface_t *s, const media_info *info, double *sw, double *sh)
{
    const stored_size *sz = cairo_surface_get_user_data(s, &size_key);
    if (sz) {
        *sw = sz->w;
        *sh = sz->h;
    } else {
        pattern_size(s, info, sw, sh);
    }
}

/* Draws the oriented image into x, y, w, h without saving state. */
static void draw_into(cairo_t *cr, cairo_surface_t *s, const media_info *info, double x,
                      double y, double w, double h)
{
    double sw, sh, dw, dh;
    pattern_size(s, info, &sw, &sh);
    if (sw <= 0 || sh <= 0 || w <= 0 || h <= 0) return;
    cairo_matrix_t m;
    orientation_matrix(info ? info->orientation : 1, sw, sh, &m, &dw, &dh);
    cairo_translate(cr, x, y);
    cairo_scale(cr, w / dw, h / dh);
    cairo_transform(cr, &m);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_pattern_t *p = cairo_get_source(cr);
    cairo_pattern_set_filter(p, CAIRO_FILTER_GOOD);
    /* On a raster target PAD keeps the image's edges sharp; on a PDF it
     * would make cairo copy the pixels into a padded image, losing JPEG
     * passthrough, and the rectangle below bounds the image anyway. */
    cairo_surface_t *target = cairo_get_target(cr);
    if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE)
        cairo_pattern_set_extend(p, CAIRO_EXTEND_PAD);
    cairo_new_path(cr);
    cairo_rectangle(cr, 0, 0, sw, sh);
    cairo_fill(cr);
}

void image_draw(cairo_t *cr, cairo_surface_t *s, const media_info *info, double x, double y,
                double w, double h)
{
    if (!s) return;
    cairo_save(cr);
    draw_into(cr, s, info, x, y, w, h);
    cairo_restore(cr);
}

void image_draw_cover(cairo_t *cr, cairo_surface_t *s, const media_info *info, double x,
                      double y, double w, double h, double anchor_y)
{
    if (!s || w <= 0 || h <= 0) return;
    double sw, sh, dw, dh;
    cairo_matrix_t m;
    stored_size_of(s, info, &sw, &sh);
    orientation_matrix(info ? info->orientation : 1, sw, sh, &m, &dw, &dh);
    if (dw <= 0 || dh <= 0) return;
    if (!(anchor_y >= 0)) anchor_y = 0;   /* also NaN */
    if (anchor_y > 1) anchor_y = 1;
    double scale = w / dw > h / dh ? w / dw : h / dh;
    double iw = dw * scale, ih = dh * scale;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    draw_into(cr, s, info, x + (w - iw) / 2, y + (h - ih) * anchor_y, iw, ih);
    cairo_restore(cr);
}

bool image_pdf_matrix(cairo_surface_t *s, const media_info *info, double x, double y, double w,
                      double h, bool cover, double anchor_y, cairo_matrix_t *m)
{
    cairo_matrix_init_identity(m);
    if (!s || !(w > 0) || !(h > 0)) return false;
    double sw, sh, dw, dh;
    cairo_matrix_t o;
    stored_size_of(s, info, &sw, &sh);
    int orient = info ? info->orientation : 1;
    orientation_matrix(orient, sw, sh, &o, &dw, &dh);
    if (!(dw > 0) || !(dh > 0)) return false;
    if (cover) {
        /* image_draw_cover()'s placement, to the last operation. */
        if (!(anchor_y >= 0)) anchor_y = 0;
        if (anchor_y > 1) anchor_y = 1;
        double scale = w / dw > h / dh ? w / dw : h / dh;
        double iw = dw * scale, ih = dh * scale;
        x += (w - iw) / 2;
        y += (h - ih) * anchor_y;
        w = iw;
        h = ih;
    }
    /* Image space to stored pixels normalised to the unit square: PDF puts
     * row 0 at v = 1, so (u, v) is stored (u, 1 - v).  Then the
     * orientation on that square (the stored size no longer matters: the
     * displayed image is stretched into w x h), then the square to the
     * rectangle.  cairo_matrix_multiply(r, a, b) applies a first. */
    cairo_matrix_t flip, fit;
    cairo_matrix_init(&flip, 1, 0, 0, -1, 0, 1);
    orientation_matrix(orient, 1, 1, &o, &dw, &dh);
    cairo_matrix_init(&fit, w, 0, 0, h, x, y);
    cairo_matrix_multiply(m, &flip, &o);
    cairo_matrix_multiply(m, m, &fit);
    return true;
}

void image_draw_placeholder(cairo_t *cr, PangoContext *pc, const char *font, const char *label,
                            double x, double y, double w, double h)
{
    if (w <= 0 || h <= 0) return;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_fill_preserve(cr);
    cairo_clip_preserve(cr);
    /* 0.75 pt: a hairline on paper that survives downsampled previews. */
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.75);
    cairo_stroke(cr);
    if (pc && label && *label) {
        /* A 4 pt margin keeps the text off the border. */
        double pad = 4, tw = w - 2 * pad, th = h - 2 * pad;
        if (tw > 0 && th > 0) {
            PangoLayout *lay = pango_layout_new(pc);
            PangoFontDescription *fd = pango_font_description_from_string(font ? font : "Sans 8");
            pango_layout_set_font_description(lay, fd);
            pango_font_description_free(fd);
            pango_layout_set_text(lay, label, -1);
            pango_layout_set_width(lay, (int)(tw * PANGO_SCALE));
            pango_layout_set_height(lay, (int)(th * PANGO_SCALE));
            pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
            pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_MIDDLE);
            pango_layout_set_alignment(lay, PANGO_ALIGN_CENTER);
            PangoRectangle ink, logical;
            pango_layout_get_pixel_extents(lay, &ink, &logical);
            double ty = y + pad + (th - logical.height) / 2;
            if (ty < y + pad) ty = y + pad;
            cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
            cairo_move_to(cr, x + pad, ty);
            pango_cairo_show_layout(cr, lay);
            g_object_unref(lay);
        }
    }
    cairo_restore(cr);
}
