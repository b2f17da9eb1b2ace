/* pdfimage: see pdfimage.h.
 *
 * Takes the surfaces of an image_cache and a pdfobj file; gives one image
 * XObject per distinct image, numbered and named for the page writer.
 *
 * Kinds.  image.c hands PDF output three kinds of surface (image.h):
 * a 1 x 1 stand-in carrying a JPEG file as CAIRO_MIME_TYPE_JPEG, a 1 x 1
 * stand-in carrying a fake JPEG that names an image_png, and real pixels.
 * Both stand-ins carry JPEG mime data, so the PNG question is asked
 * first (image_cache_png_of()); a fake JPEG written as DCTDecode would
 * show garbage.
 *
 * JPEG.  The file goes in as it is (PDF 32000 §7.4.8, DCTDecode), copied
 * once, into the PDF buffer; only its header is read, for the size and
 * the number of components.  Grey is /DeviceGray, three components
 * /DeviceRGB, which DCTDecode's colour transform turns YCbCr into, as
 * cairo 1.16 wrote it.  CMYK never arrives: image.c decodes it (an Adobe
 * CMYK needs a /Decode inversion the marker alone does not announce).
 *
 * PNG.  The PNG's IDAT data is one zlib stream of filtered rows, which is
 * FlateDecode with PNG predictors (§7.4.4.4; Predictor 15: each row names
 * its own filter); the dictionary is the one pdf.c's splice wrote over
 * cairo's XObject, /Interpolate true because folio draws with
 * CAIRO_FILTER_GOOD, for which cairo wrote true.
 *
 * Pixels.  What is left is an image with real transparency, or any image
 * when PNG passthrough is off.  cairo's ARGB32 is premultiplied; PDF
 * wants straight colour and the alpha as a separate greyscale /SMask
 * (§11.6.5.3), written only when some alpha is below 255.  Rows are
 * Paeth-filtered and deflated as they are converted, as png_from_pixels()
 * in image.c does and for its reasons (level 3, Z_FILTERED: faster than
 * zlib's default on raw rows and smaller), so no unfiltered copy of the
 * image is ever made.
 *
 * Deduplication.  By surface, then by CAIRO_MIME_TYPE_UNIQUE_ID (a hash
 * of the file's bytes, image.c), so one file under two names, or drawn
 * from two caches, is written once, as cairo did.  Lookups are linear:
 * a document has tens of images, a book a few hundred, and each surface
 * is looked up by pointer first.
 */
#include "render/pdfimage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/mem.h"
#include "input/media.h"

typedef struct entry {
    int num;
    char name[16];
    unsigned char *id;   /* CAIRO_MIME_TYPE_UNIQUE_ID, NULL when none */
    size_t idlen;
} entry;

/* A surface seen, and the image it is. */
typedef struct key {
    cairo_surface_t *surface;   /* referenced */
    const entry *image;
} key;

struct pdfimage_set {
    entry **images;   /* each allocated alone: its name is handed out */
    size_t n, cap;
    key *keys;
    size_t nkeys, keycap;
};

pdfimage_set *pdfimage_set_new(void)
{
    return mem_calloc(1, sizeof(pdfimage_set));
}

void pdfimage_set_free(pdfimage_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nkeys; i++) cairo_surface_destroy(s->keys[i].surface);
    for (size_t i = 0; i < s->n; i++) {
        free(s->images[i]->id);
        free(s->images[i]);
    }
    free(s->keys);
    free(s->images);
    free(s);
}

size_t pdfimage_count(const pdfimage_set *s) { return s ? s->n : 0; }

/* ---- the three kinds ---- */

static int write_jpeg(pdfobj *w, const unsigned char *d, size_t len)
{
    media_info mi;
    if (media_probe(d, len, &mi) != MEDIA_OK || mi.format != MEDIA_JPEG || mi.bit_depth != 8 ||
        (mi.components != 1 && mi.components != 3))
        return 0;
    char entries[256];
    snprintf(entries, sizeof entries,
             "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
             " /BitsPerComponent 8 /Interpolate true /Filter /DCTDecode",
             mi.width, mi.height, mi.components == 1 ? "/DeviceGray" : "/DeviceRGB");
    int num = pdfobj_reserve(w);
    pdfobj_write_stream(w, num, entries, d, len, false);
    return num;
}

static int write_png(pdfobj *w, const image_png *p)
{
    buf e = BUF_INIT;
    buf_addf(&e, "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace ", p->width,
             p->height);
    if (p->palette) {
        buf_addf(&e, "[/Indexed /DeviceRGB %d <", p->npalette - 1);
        for (int k = 0; k < 3 * p->npalette; k++) buf_addf(&e, "%02x", p->palette[k]);
        buf_add(&e, ">]");
    } else {
        buf_add(&e, p->colors == 3 ? "/DeviceRGB" : "/DeviceGray");
    }
    buf_addf(&e, " /Interpolate true /BitsPerComponent %d /Filter /FlateDecode"
             " /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>",
             p->bits, p->colors, p->bits, p->width);
    int num = pdfobj_reserve(w);
    pdfobj_write_stream(w, num, e.s, p->idat, p->idat_len, false);
    buf_free(&e);
    return num;
}

/* True when some pixel of the ARGB32 surface is not opaque. */
static bool translucent(const unsigned char *px, int w, int h, int stride)
{
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++)
            if (row[x] >> 24 != 0xff) return true;
    }
    return false;
}

/* One row of straight 8-bit samples into cur: RGB (premultiplied
 * undone; opaque says the top byte is no alpha, as in RGB24) or, with
 * alpha_only, the alpha. */
static void convert_row(const uint32_t *row, int w, bool opaque, bool alpha_only,
                        unsigned char *cur)
{
    for (int x = 0; x < w; x++) {
        uint32_t v = row[x], a = opaque ? 255 : v >> 24;
        if (alpha_only) {
            cur[x] = (unsigned char)a;
            continue;
        }
        uint32_t c[3] = {v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff};
        for (int k = 0; k < 3; k++) {
            uint32_t u = c[k];
            if (a == 0) u = 0;
            else if (a < 255) u = (u * 255 + a / 2) / a;
            cur[3 * x + k] = (unsigned char)(u > 255 ? 255 : u);
        }
    }
}

/* Appends to out the rows of the surface (w x h pixels at px, stride
 * bytes apart) as convert_row() makes them, each Paeth-filtered (PNG
 * filter type 4) and the whole deflated.  False when zlib fails. */
static bool deflate_rows(const unsigned char *px, int w, int h, int stride, bool opaque,
                         bool alpha_only, buf *out)
{
    size_t bpp = alpha_only ? 1 : 3, rb = bpp * (size_t)w;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 3, Z_DEFLATED, 15, 8, Z_FILTERED) != Z_OK) return false;
    /* One allocation of the bound: rows are deflated straight into it. */
    size_t cap = deflateBound(&zs, (uLong)((rb + 1) * (size_t)h));
    buf_reserve(out, cap);
    unsigned char *base = (unsigned char *)out->s + out->len;
    unsigned char *cur = mem_alloc(rb), *prev = mem_calloc(1, rb), *line = mem_alloc(rb + 1);
    bool ok = true;
    for (int y = 0; ok && y < h; y++) {
        convert_row((const uint32_t *)(px + (size_t)y * (size_t)stride), w, opaque, alpha_only,
                    cur);
        line[0] = 4;
        for (size_t i = 0; i < rb; i++) {
            int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            int q = a + b - c, pa = abs(q - a), pb = abs(q - b), pc = abs(q - c);
            int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            line[i + 1] = (unsigned char)(cur[i] - pred);
        }
        zs.next_in = line;
        zs.avail_in = (uInt)(rb + 1);
        zs.next_out = base + zs.total_out;
        zs.avail_out = (uInt)(cap - zs.total_out);
        int st = deflate(&zs, y == h - 1 ? Z_FINISH : Z_NO_FLUSH);
        ok = zs.avail_in == 0 && (y == h - 1 ? st == Z_STREAM_END : st == Z_OK);
        unsigned char *t = prev;
        prev = cur;
        cur = t;
    }
    if (ok) {
        out->len += zs.total_out;
        out->s[out->len] = '\0';
    }
    deflateEnd(&zs);
    free(cur);
    free(prev);
    free(line);
    return ok;
}

static void pixel_entries(buf *e, int w, int h, bool alpha_only, int smask)
{
    buf_addf(e, "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
             " /Interpolate true /BitsPerComponent 8 /Filter /FlateDecode"
             " /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent 8 /Columns %d >>",
             w, h, alpha_only ? "/DeviceGray" : "/DeviceRGB", alpha_only ? 1 : 3, w);
    if (smask) buf_addf(e, " /SMask %d 0 R", smask);
}

/* A pixel surface's streams, deflated once: kept on the surface, which the
 * image cache shares between the PDFs of one post (pdf_write_with()), so
 * that a post's deck does not filter and deflate again what its handout
 * did (a third of the time spent on images with alpha). */
typedef struct encoded {
    buf rgb, alpha;          /* alpha empty: opaque */
    int w, h;
} encoded;

static void encoded_free(void *p)
{
    encoded *e = p;
    buf_free(&e->rgb);
    buf_free(&e->alpha);
    free(e);
}

static const cairo_user_data_key_t encoded_key;

static const encoded *encode_pixels(cairo_surface_t *surf)
{
    encoded *e = cairo_surface_get_user_data(surf, &encoded_key);
    if (e) return e;
    cairo_format_t fmt = cairo_image_surface_get_format(surf);
    if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32) return NULL;
    /* No cairo_surface_flush(): image.c writes these pixels itself and
     * cairo never draws on them, and a flush would detach the surface's
     * unique id, which the next PDF of the post dedupes by. */
    const unsigned char *px = cairo_image_surface_get_data(surf);
    int iw = cairo_image_surface_get_width(surf), ih = cairo_image_surface_get_height(surf);
    int stride = cairo_image_surface_get_stride(surf);
    if (!px || iw <= 0 || ih <= 0) return NULL;
    bool alpha = fmt == CAIRO_FORMAT_ARGB32 && translucent(px, iw, ih, stride);
    e = mem_calloc(1, sizeof *e);
    e->w = iw;
    e->h = ih;
    if (!deflate_rows(px, iw, ih, stride, !alpha, false, &e->rgb) ||
        (alpha && !deflate_rows(px, iw, ih, stride, false, true, &e->alpha)) ||
        cairo_surface_set_user_data(surf, &encoded_key, e, encoded_free) != CAIRO_STATUS_SUCCESS) {
        encoded_free(e);
        return NULL;
    }
    return e;
}

static int write_pixels(pdfobj *w, cairo_surface_t *surf)
{
    const encoded *enc = encode_pixels(surf);
    if (!enc) return 0;
    buf e = BUF_INIT;
    int num = pdfobj_reserve(w);
    int smask = enc->alpha.len ? pdfobj_reserve(w) : 0;
    pixel_entries(&e, enc->w, enc->h, false, smask);
    pdfobj_write_stream(w, num, e.s, enc->rgb.s, enc->rgb.len, false);
    if (smask) {
        buf_truncate(&e, 0);
        pixel_entries(&e, enc->w, enc->h, true, 0);
        pdfobj_write_stream(w, smask, e.s, enc->alpha.s, enc->alpha.len, false);
    }
    buf_free(&e);
    return num;
}

/* ---- the set ---- */

static void add_key(pdfimage_set *s, cairo_surface_t *surf, const entry *e)
{
    MEM_PUSH(s->keys, s->nkeys, s->keycap) = (key){cairo_surface_reference(surf), e};
}

int pdfimage_xobject(pdfimage_set *s, pdfobj *w, const image_cache *c, cairo_surface_t *surf,
                     const char **name)
{
    if (name) *name = NULL;
    if (!s || !w || !surf) return 0;
    for (size_t i = 0; i < s->nkeys; i++)
        if (s->keys[i].surface == surf) {
            if (name) *name = s->keys[i].image->name;
            return s->keys[i].image->num;
        }
    const unsigned char *mime_id = NULL;
    unsigned long idlen = 0;
    cairo_surface_get_mime_data(surf, CAIRO_MIME_TYPE_UNIQUE_ID, &mime_id, &idlen);
    if (!mime_id) idlen = 0;
    /* A copy, to keep with the entry: the surface may go before the set. */
    unsigned char *id = idlen ? mem_alloc(idlen) : NULL;
    if (idlen) memcpy(id, mime_id, idlen);
    for (size_t i = 0; idlen && i < s->n; i++) {
        const entry *e = s->images[i];
        if (e->idlen == idlen && !memcmp(e->id, id, idlen)) {
            add_key(s, surf, e);
            if (name) *name = e->name;
            free(id);
            return e->num;
        }
    }

    const image_png *p = image_cache_png_of(c, surf);
    const unsigned char *jpeg = NULL;
    unsigned long jlen = 0;
    cairo_surface_get_mime_data(surf, CAIRO_MIME_TYPE_JPEG, &jpeg, &jlen);
    int num = 0;
    if (p) num = write_png(w, p);
    else if (jpeg && jlen) num = write_jpeg(w, jpeg, jlen);
    else if (cairo_surface_get_type(surf) == CAIRO_SURFACE_TYPE_IMAGE) num = write_pixels(w, surf);
    if (!num) {
        free(id);
        return 0;
    }

    entry *e = mem_calloc(1, sizeof *e);
    e->num = num;
    snprintf(e->name, sizeof e->name, "Im%zu", s->n + 1);
    e->id = id;
    e->idlen = idlen;
    MEM_PUSH(s->images, s->n, s->cap) = e;
    add_key(s, surf, e);
    if (name) *name = e->name;
    return num;
}
