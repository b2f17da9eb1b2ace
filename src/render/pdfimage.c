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
 * its own filter).  /Interpolate true, as cairo wrote it for the
 * CAIRO_FILTER_GOOD folio drew with, so photos look as they did.
 *
 * Pixels.  What is left is an image with real transparency, or any image
 * when PNG passthrough is off.  cairo's ARGB32 is premultiplied; PDF
 * wants straight colour and the alpha as a separate greyscale /SMask
 * (§11.6.5.3), written only when some alpha is below 255.  The rows are
 * filtered and deflated by image_deflate_rows(), the encoder image.c uses
 * for decoded opaque images.
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
        pdf_add_hex_bytes(&e, p->palette, 3 * (size_t)p->npalette);
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
    int iw = cairo_image_surface_get_width(surf), ih = cairo_image_surface_get_height(surf);
    if (!cairo_image_surface_get_data(surf) || iw <= 0 || ih <= 0) return NULL;
    bool alpha = image_translucent(surf);
    e = mem_calloc(1, sizeof *e);
    e->w = iw;
    e->h = ih;
    if (!image_deflate_rows(surf, false, &e->rgb) ||
        (alpha && !image_deflate_rows(surf, true, &e->alpha)) ||
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
