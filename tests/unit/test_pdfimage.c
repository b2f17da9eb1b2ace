/* pdfimage: image XObjects written by folio, and image_pdf_matrix().
 *
 * The placement is checked against the cairo path it replaces: each
 * placement is drawn with image_draw() / image_draw_cover() from decoded
 * pixels, and again by mapping PDF image space through
 * image_pdf_matrix()'s matrix exactly as a PDF reader does (unit square,
 * row 0 at v = 1, the clip for cover), and the two rasters must agree.
 * The PDF is checked for structure: one object per distinct image however
 * often and under whatever name it is drawn, /Width and /Height as
 * stored, a JPEG's bytes as they are, a PNG's zlib stream as it is, an
 * /SMask only with real alpha, straight (not premultiplied) colour.
 *
 * FOLIO_TEST_KEEP=1 writes, in the current folder, test_pdfimage.pdf,
 * test_pdfimage-ref-N.png (the same pages drawn by cairo at 72 dpi) and
 * test_pdfimage-cairo.pdf (the same pages through cairo's PDF surface, PNG
 * passthrough off), to be compared with `pdftoppm -r 72 -png`.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/mem.h"
#include "check.h"
#include "gen_images.h"
#include "input/media.h"
#include "render/image.h"
#include "render/pdfimage.h"
#include "render/pdfobj.h"

static char *dir;
static const char *files[32];
static size_t nfiles;

/* ---- the images ---- */

enum { IMG_JPEG, IMG_JPEG6, IMG_JPEG_COPY, IMG_GREY, IMG_PAL, IMG_RGB, IMG_RGBA, IMG_WEBP,
       IMG_WEBPA, IMG_RGBA_OPAQUE, NIMG };

typedef struct image {
    const char *name;
    media_info mi;
    char *path;
    unsigned char *bytes;      /* the file */
    size_t len;
    cairo_surface_t *pdf;      /* from the PDF cache: stand-in or pixels */
    cairo_surface_t *pix;      /* decoded, for the reference drawing */
} image;

static image img[NIMG];

/* Soft colours in quadrants, so that JPEG ringing stays small. */
static uint32_t soft_quadrants(int x, int y, int w, int h)
{
    bool right = x >= w / 2, bottom = y >= h / 2;
    if (!bottom) return right ? 0x40c040ffu : 0xd04040ffu;
    return right ? 0xe0d040ffu : 0x4050d0ffu;
}

static void make(int i, const char *name, unsigned char *data, size_t len)
{
    img[i].name = name;
    img[i].path = gen_write(dir, name, data, len);
    img[i].bytes = data;
    img[i].len = len;
    CHECK_INT(media_probe(data, len, &img[i].mi), MEDIA_OK);
    files[nfiles++] = name;
}

static void make_images(void)
{
    size_t len, elen;
    unsigned char *d = gen_jpeg(64, 48, GEN_JPEG_RGB, false, NULL, 0, soft_quadrants, &len);
    make(IMG_JPEG, "photo.jpg", d, len);
    unsigned char *copy = malloc(len);
    memcpy(copy, d, len);
    make(IMG_JPEG_COPY, "photo-copy.jpg", copy, len);
    unsigned char *exif = gen_exif(6, false, &elen);
    d = gen_jpeg(40, 20, GEN_JPEG_RGB, true, exif, elen, soft_quadrants, &len);
    free(exif);
    make(IMG_JPEG6, "rot6.jpg", d, len);
    d = gen_jpeg(30, 30, GEN_JPEG_GREY, false, NULL, 0, gen_gradient, &len);
    make(IMG_GREY, "grey.jpg", d, len);
    d = gen_png(40, 20, PNG_COLOR_TYPE_PALETTE, 8, false, gen_quadrants, &len);
    make(IMG_PAL, "pal.png", d, len);
    d = gen_png(50, 30, PNG_COLOR_TYPE_RGB, 8, false, gen_gradient, &len);
    make(IMG_RGB, "rgb.png", d, len);
    d = gen_png(32, 16, PNG_COLOR_TYPE_RGB_ALPHA, 8, false, gen_alpha, &len);
    make(IMG_RGBA, "rgba.png", d, len);
    d = gen_webp(48, 32, false, false, soft_quadrants, &len);
    make(IMG_WEBP, "photo.webp", d, len);
    d = gen_webp(32, 16, true, true, gen_alpha, &len);
    make(IMG_WEBPA, "alpha.webp", d, len);
    d = gen_png(40, 20, PNG_COLOR_TYPE_RGB_ALPHA, 8, false, gen_quadrants, &len);
    make(IMG_RGBA_OPAQUE, "opaque-rgba.png", d, len);
}

/* ---- placements ---- */

typedef struct place {
    int img;
    double x, y, w, h;
    bool cover;
    double anchor;
} place;

#define PAGE_W 400
#define PAGE_H 300

static const place page1[] = {
    {IMG_JPEG, 10, 10, 120, 90, false, 0},
    {IMG_JPEG6, 140, 10, 40, 80, false, 0},
    {IMG_JPEG6, 190, 10, 60, 40, true, 0},      /* displayed 20 x 40: crops the top */
    {IMG_JPEG6, 190, 55, 60, 40, true, 0.5},
    {IMG_PAL, 260, 10, 60, 60, true, 0},        /* 40 x 20: crops left and right */
    {IMG_RGB, 330, 10, 60, 90, true, 0.5},
    {IMG_RGB, 10, 110, 70, 30, false, 0},
    {IMG_RGBA, 90, 110, 96, 48, false, 0},      /* over a green box: alpha shows */
    {IMG_WEBP, 200, 110, 90, 40, true, 1},
    {IMG_WEBPA, 300, 110, 90, 45, false, 0},    /* over the green box too */
    {IMG_GREY, 10, 170, 60, 60, false, 0},
    {IMG_JPEG_COPY, 80, 170, 64, 48, false, 0},
    {IMG_JPEG, 150, 170, 100, 100, true, 0.25},
    {IMG_PAL, 260, 170, 30, 90, false, 0},
};
static const place page2[] = {
    {IMG_JPEG, 20, 20, 64, 48, false, 0},
    {IMG_RGBA, 100, 20, 64, 32, true, 0.5},
};

/* The green box drawn under the alpha images. */
static void background(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.2, 0.6, 0.2);
    cairo_rectangle(cr, 85, 105, 310, 58);
    cairo_fill(cr);
}

/* ---- the reference and its emulation ---- */

static cairo_surface_t *canvas(double scale, cairo_t **cr)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(PAGE_W * scale),
                                                    (int)(PAGE_H * scale));
    *cr = cairo_create(s);
    cairo_scale(*cr, scale, scale);
    cairo_set_source_rgb(*cr, 1, 1, 1);
    cairo_paint(*cr);
    return s;
}

/* Draws p the way a PDF reader draws "m cm /Im Do": pixel (px, py) of the
 * stored image at image space (px / W, 1 - py / H). */
static void draw_by_matrix(cairo_t *cr, const place *p, const cairo_matrix_t *m)
{
    cairo_surface_t *pix = img[p->img].pix;
    int W = cairo_image_surface_get_width(pix), H = cairo_image_surface_get_height(pix);
    cairo_save(cr);
    if (p->cover) {
        cairo_rectangle(cr, p->x, p->y, p->w, p->h);
        cairo_clip(cr);
    }
    cairo_transform(cr, m);
    cairo_translate(cr, 0, 1);
    cairo_scale(cr, 1.0 / W, -1.0 / H);
    cairo_set_source_surface(cr, pix, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_rectangle(cr, 0, 0, W, H);
    cairo_fill(cr);
    cairo_restore(cr);
}

static void draw_by_cairo(cairo_t *cr, const place *p)
{
    const image *im = &img[p->img];
    if (p->cover) image_draw_cover(cr, im->pix, &im->mi, p->x, p->y, p->w, p->h, p->anchor);
    else image_draw(cr, im->pix, &im->mi, p->x, p->y, p->w, p->h);
}

/* Pixels whose r, g or b differ by more than tol. */
static long differ(cairo_surface_t *a, cairo_surface_t *b, int tol)
{
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    long n = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *ra = (const uint32_t *)(cairo_image_surface_get_data(a) +
                                                (size_t)y * cairo_image_surface_get_stride(a));
        const uint32_t *rb = (const uint32_t *)(cairo_image_surface_get_data(b) +
                                                (size_t)y * cairo_image_surface_get_stride(b));
        for (int x = 0; x < w; x++)
            for (int sh = 0; sh <= 16; sh += 8) {
                int d = (int)(ra[x] >> sh & 0xff) - (int)(rb[x] >> sh & 0xff);
                if (d > tol || d < -tol) {
                    n++;
                    break;
                }
            }
    }
    return n;
}

static uint32_t pixel_at(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    return *(const uint32_t *)(cairo_image_surface_get_data(s) +
                               (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x);
}

static bool near_rgb(uint32_t px, uint32_t rgb, int tol)
{
    for (int sh = 0; sh <= 16; sh += 8) {
        int d = (int)(px >> sh & 0xff) - (int)(rgb >> sh & 0xff);
        if (d > tol || d < -tol) return false;
    }
    return true;
}

/* Each placement alone: the matrix of the PDF surface (a stand-in, whose
 * size image.c keeps aside) equals that of the decoded one, a stretched
 * image's corners land on cairo's ink extents, and drawing through the
 * matrix matches image_draw*() pixel for pixel at 2x. */
static void test_matrix(void)
{
    size_t nplace = sizeof page1 / sizeof *page1;
    for (size_t i = 0; i < nplace; i++) {
        const place *p = &page1[i];
        const image *im = &img[p->img];
        cairo_matrix_t m, mp;
        CHECK(image_pdf_matrix(im->pdf, &im->mi, p->x, p->y, p->w, p->h, p->cover, p->anchor, &m));
        CHECK(image_pdf_matrix(im->pix, &im->mi, p->x, p->y, p->w, p->h, p->cover, p->anchor, &mp));
        CHECK(fabs(m.xx - mp.xx) + fabs(m.yx - mp.yx) + fabs(m.xy - mp.xy) + fabs(m.yy - mp.yy) +
                  fabs(m.x0 - mp.x0) + fabs(m.y0 - mp.y0) < 1e-9);

        if (!p->cover) {
            double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
            for (int k = 0; k < 4; k++) {
                double u = k & 1, v = k >> 1;
                cairo_matrix_transform_point(&m, &u, &v);
                lo_x = fmin(lo_x, u), hi_x = fmax(hi_x, u);
                lo_y = fmin(lo_y, v), hi_y = fmax(hi_y, v);
            }
            cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
            cairo_t *rc = cairo_create(rec);
            image_draw(rc, im->pdf, &im->mi, p->x, p->y, p->w, p->h);
            cairo_destroy(rc);
            double ex, ey, ew, eh;
            cairo_recording_surface_ink_extents(rec, &ex, &ey, &ew, &eh);
            cairo_surface_destroy(rec);
            CHECK(fabs(lo_x - ex) < 1e-6 && fabs(lo_y - ey) < 1e-6);
            CHECK(fabs(hi_x - (ex + ew)) < 1e-6 && fabs(hi_y - (ey + eh)) < 1e-6);
        }

        cairo_t *ca, *cb;
        cairo_surface_t *a = canvas(2, &ca), *b = canvas(2, &cb);
        draw_by_cairo(ca, p);
        draw_by_matrix(cb, p, &m);
        cairo_destroy(ca);
        cairo_destroy(cb);
        long bad = differ(a, b, 2);
        if (bad) fprintf(stderr, "placement %zu (%s): %ld pixels differ\n", i, im->name, bad);
        CHECK_INT(bad, 0);
        cairo_surface_destroy(a);
        cairo_surface_destroy(b);
    }

    /* Orientation 6 spot checks, independent of image_draw: displayed
     * top-left is stored bottom-left (blue-ish), displayed top-right
     * stored top-left (red-ish).  Stretched into 140, 10, 40 x 80 at 1x. */
    cairo_matrix_t m;
    const place *p = &page1[1];
    image_pdf_matrix(img[IMG_JPEG6].pdf, &img[IMG_JPEG6].mi, p->x, p->y, p->w, p->h, false, 0, &m);
    cairo_t *cr;
    cairo_surface_t *c = canvas(1, &cr);
    draw_by_matrix(cr, p, &m);
    cairo_destroy(cr);
    CHECK(near_rgb(pixel_at(c, 150, 20), 0x4050d0, 24));
    CHECK(near_rgb(pixel_at(c, 170, 20), 0xd04040, 24));
    CHECK(near_rgb(pixel_at(c, 150, 80), 0xe0d040, 24));
    CHECK(near_rgb(pixel_at(c, 170, 80), 0x40c040, 24));
    cairo_surface_destroy(c);

    /* Nothing to draw: no matrix. */
    CHECK(!image_pdf_matrix(img[IMG_JPEG].pdf, &img[IMG_JPEG].mi, 0, 0, 0, 10, false, 0, &m));
    CHECK(!image_pdf_matrix(NULL, NULL, 0, 0, 10, 10, true, 0, &m));
}

/* ---- the PDF ---- */

typedef struct written {
    int num[NIMG];   /* object per image, 0: not drawn */
    int page_xobjects[2];
} written;

static void page_content(pdfimage_set *set, pdfobj *w, const image_cache *c, const place *pl,
                         size_t n, buf *content, buf *res, written *wr)
{
    buf_addf(content, "1 0 0 -1 0 %d cm\n", PAGE_H);
    if (pl == page1) buf_add(content, "0.2 0.6 0.2 rg 85 105 310 58 re f\n");
    buf_add(res, "<< /XObject <<");
    for (size_t i = 0; i < n; i++) {
        const place *p = &pl[i];
        const image *im = &img[p->img];
        cairo_matrix_t m;
        if (!image_pdf_matrix(im->pdf, &im->mi, p->x, p->y, p->w, p->h, p->cover, p->anchor, &m))
            continue;
        const char *name = NULL;
        int num = pdfimage_xobject(set, w, c, im->pdf, &name);
        CHECK(num > 0 && name != NULL);
        if (!num) continue;
        if (wr->num[p->img]) CHECK_INT(num, wr->num[p->img]);
        wr->num[p->img] = num;
        /* Clipped to the rectangle also when stretched, as cairo did:
         * poppler widens an image to whole device pixels, a hard edge one
         * pixel too far without the clip. */
        buf_add(content, "q ");
        const double r[4] = {p->x, p->y, p->w, p->h};
        for (int k = 0; k < 4; k++) {
            pdf_add_num(content, r[k]);
            buf_addc(content, ' ');
        }
        buf_add(content, "re W n ");
        const double v[6] = {m.xx, m.yx, m.xy, m.yy, m.x0, m.y0};
        for (int k = 0; k < 6; k++) {
            pdf_add_num(content, v[k]);
            buf_addc(content, ' ');
        }
        buf_add(content, "cm ");
        pdf_add_name(content, name);
        buf_add(content, " Do Q\n");
        char entry[64];
        snprintf(entry, sizeof entry, "/%s %d 0 R", name, num);
        if (!strstr(res->s, entry)) buf_addf(res, " %s", entry);
    }
    buf_add(res, " >> >>");
}

/* The dictionary of object num in pdf, up to "stream" (or the whole
 * object); "" when absent.  Returns a new string; free with free(). */
static char *object_dict(const buf *pdf, int num)
{
    char head[32];
    snprintf(head, sizeof head, "\n%d 0 obj\n", num);
    const char *s = memmem(pdf->s, pdf->len, head, strlen(head));
    if (!s) return mem_strdup("");
    s += strlen(head);
    const char *end = strstr(s, "stream\n");
    const char *endobj = strstr(s, "endobj");
    if (!end || (endobj && endobj < end)) end = endobj;
    return mem_strndup(s, end ? (size_t)(end - s) : strlen(s));
}

/* The stream data of object num (borrowed from pdf), NULL when absent. */
static const unsigned char *object_stream(const buf *pdf, int num, size_t *len)
{
    char *d = object_dict(pdf, num);
    const char *l = strstr(d, "/Length ");
    long n = l ? strtol(l + 8, NULL, 10) : -1;
    free(d);
    char head[32];
    snprintf(head, sizeof head, "\n%d 0 obj\n", num);
    const char *s = memmem(pdf->s, pdf->len, head, strlen(head));
    const char *st = s ? strstr(s, ">>\nstream\n") : NULL;
    if (!st || n < 0) return NULL;
    *len = (size_t)n;
    return (const unsigned char *)st + 10;
}

static size_t count(const buf *b, const void *needle, size_t n)
{
    size_t k = 0;
    const char *p = b->s, *end = b->s + b->len;
    while (p < end && (p = memmem(p, (size_t)(end - p), needle, n))) {
        k++;
        p++;
    }
    return k;
}

static size_t count_str(const buf *b, const char *s) { return count(b, s, strlen(s)); }

/* Inflates a Predictor 15 stream of h rows of bpp * w bytes and undoes
 * the PNG filters; returns a new buffer owned by the caller (free()), NULL
 * when the data does not have that shape. */
static unsigned char *unfilter(const unsigned char *z, size_t zlen, int w, int h, int bpp)
{
    size_t rb = (size_t)w * bpp, rawlen = (rb + 1) * (size_t)h;
    unsigned char *raw = malloc(rawlen), *out = calloc((size_t)h, rb);
    uLongf got = (uLongf)rawlen;
    if (uncompress(raw, &got, z, (uLong)zlen) != Z_OK || got != rawlen) {
        free(raw);
        free(out);
        return NULL;
    }
    for (int y = 0; y < h; y++) {
        unsigned char *cur = out + (size_t)y * rb, *prev = y ? cur - rb : NULL;
        const unsigned char *in = raw + (size_t)y * (rb + 1) + 1;
        int f = raw[(size_t)y * (rb + 1)];
        for (size_t i = 0; i < rb; i++) {
            int a = i >= (size_t)bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
            int c = prev && i >= (size_t)bpp ? prev[i - bpp] : 0, pred = 0;
            if (f == 1) pred = a;
            else if (f == 2) pred = b;
            else if (f == 3) pred = (a + b) / 2;
            else if (f == 4) {
                int q = a + b - c, pa = abs(q - a), pb = abs(q - b), pc = abs(q - c);
                pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            cur[i] = (unsigned char)(in[i] + pred);
        }
    }
    free(raw);
    return out;
}

static void test_pdf(const image_cache *c)
{
    pdfobj *w = pdfobj_new();
    pdfimage_set *set = pdfimage_set_new();
    written wr = {{0}, {0}};
    int catalog = pdfobj_reserve(w), pages = pdfobj_reserve(w);
    const place *pl[2] = {page1, page2};
    size_t npl[2] = {sizeof page1 / sizeof *page1, sizeof page2 / sizeof *page2};
    buf kids = BUF_INIT;
    for (int k = 0; k < 2; k++) {
        int page = pdfobj_reserve(w), content = pdfobj_reserve(w);
        buf cs = BUF_INIT, res = BUF_INIT, pd = BUF_INIT;
        page_content(set, w, c, pl[k], npl[k], &cs, &res, &wr);
        pdfobj_write_stream(w, content, NULL, cs.s, cs.len, false);
        buf_addf(&pd, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R"
                 " /Resources %s >>", pages, PAGE_W, PAGE_H, content, res.s);
        pdfobj_write(w, page, pd.s, pd.len);
        buf_addf(&kids, "%d 0 R ", page);
        buf_free(&cs);
        buf_free(&res);
        buf_free(&pd);
    }
    buf pd = BUF_INIT;
    buf_addf(&pd, "<< /Type /Pages /Kids [%s] /Count 2 >>", kids.s);
    pdfobj_write(w, pages, pd.s, pd.len);
    buf_truncate(&pd, 0);
    buf_addf(&pd, "<< /Type /Catalog /Pages %d 0 R >>", pages);
    pdfobj_write(w, catalog, pd.s, pd.len);
    buf_free(&pd);
    buf_free(&kids);

    /* Failures write nothing. */
    const char *name = "x";
    CHECK_INT(pdfimage_xobject(set, w, c, NULL, &name), 0);
    CHECK(name == NULL);
    cairo_surface_t *a8 = cairo_image_surface_create(CAIRO_FORMAT_A8, 4, 4);
    CHECK_INT(pdfimage_xobject(set, w, c, a8, NULL), 0);
    cairo_surface_destroy(a8);

    buf pdf = BUF_INIT;
    CHECK(pdfobj_finish(w, catalog, 0, &pdf));

    /* One object per distinct image: eight files, photo-copy.jpg is
     * photo.jpg's bytes; two of them with alpha, hence two masks. */
    CHECK_INT(pdfimage_count(set), 8);
    CHECK_INT(wr.num[IMG_JPEG_COPY], wr.num[IMG_JPEG]);
    CHECK_INT(count_str(&pdf, "/Subtype /Image"), 8 + 2);
    CHECK_INT(count_str(&pdf, "/SMask"), 2);
    CHECK_INT(count_str(&pdf, "/DCTDecode"), 3);
    CHECK_INT(count_str(&pdf, "/Indexed"), 1);
    CHECK_INT(count(&pdf, img[IMG_JPEG].bytes, img[IMG_JPEG].len), 1);
    CHECK_INT(count(&pdf, img[IMG_JPEG6].bytes, img[IMG_JPEG6].len), 1);
    CHECK_INT(count(&pdf, img[IMG_GREY].bytes, img[IMG_GREY].len), 1);

    static const struct {
        int img;
        const char *has[3];
    } dicts[] = {
        {IMG_JPEG, {"/Width 64 /Height 48 ", "/ColorSpace /DeviceRGB ", "/Filter /DCTDecode"}},
        /* The stored size: orientation is the matrix's business. */
        {IMG_JPEG6, {"/Width 40 /Height 20 ", "/Interpolate true", "/BitsPerComponent 8 "}},
        {IMG_GREY, {"/Width 30 /Height 30 ", "/ColorSpace /DeviceGray ", "/DCTDecode"}},
        {IMG_PAL, {"/Width 40 /Height 20 ", "/ColorSpace [/Indexed /DeviceRGB 3 <",
                   "/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns 40 >>"}},
        {IMG_RGB, {"/Width 50 /Height 30 ", "/ColorSpace /DeviceRGB ",
                   "/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns 50 >>"}},
        {IMG_RGBA, {"/Width 32 /Height 16 ", "/SMask ", "/FlateDecode"}},
        {IMG_WEBP, {"/Width 48 /Height 32 ", "/ColorSpace /DeviceRGB ", "/Predictor 15 "}},
        {IMG_WEBPA, {"/Width 32 /Height 16 ", "/SMask ", "/Interpolate true"}},
    };
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        char *d = object_dict(&pdf, wr.num[dicts[i].img]);
        for (int k = 0; k < 3; k++)
            if (!strstr(d, dicts[i].has[k])) {
                fprintf(stderr, "%s: no \"%s\" in %s\n", img[dicts[i].img].name, dicts[i].has[k], d);
                CHECK(false);
            }
        bool smask = dicts[i].img == IMG_RGBA || dicts[i].img == IMG_WEBPA;
        CHECK((strstr(d, "/SMask") != NULL) == smask);
        free(d);
    }

    /* The palette PNG's zlib stream, as the file has it, once. */
    const image_png *pp = image_cache_png_of(c, img[IMG_PAL].pdf);
    CHECK(pp != NULL);
    if (pp) {
        size_t len = 0;
        const unsigned char *st = object_stream(&pdf, wr.num[IMG_PAL], &len);
        CHECK(st && len == pp->idat_len && !memcmp(st, pp->idat, len));
        CHECK_INT(count(&pdf, pp->idat, pp->idat_len), 1);
        CHECK_INT(pp->npalette, 4);
    }
    /* A JPEG is no PNG; neither are pixels. */
    CHECK(image_cache_png_of(c, img[IMG_JPEG].pdf) == NULL);
    CHECK(image_cache_png_of(c, img[IMG_RGBA].pdf) == NULL);

    /* gen_alpha: dark grey opaque | white at alpha 128.  Straight colour
     * in the image, alpha in the mask. */
    char *d = object_dict(&pdf, wr.num[IMG_RGBA]);
    const char *sm = strstr(d, "/SMask ");
    int mask = sm ? atoi(sm + 7) : 0;
    free(d);
    size_t len = 0;
    const unsigned char *st = object_stream(&pdf, wr.num[IMG_RGBA], &len);
    unsigned char *rgb = st ? unfilter(st, len, 32, 16, 3) : NULL;
    CHECK(rgb != NULL);
    if (rgb) {
        const unsigned char *l = rgb + 3 * (8 * 32 + 8), *r = rgb + 3 * (8 * 32 + 24);
        CHECK(l[0] == 0x40 && l[1] == 0x40 && l[2] == 0x40);
        CHECK(r[0] >= 254 && r[1] >= 254 && r[2] >= 254);
    }
    free(rgb);
    st = mask ? object_stream(&pdf, mask, &len) : NULL;
    d = mask ? object_dict(&pdf, mask) : NULL;
    CHECK(d && strstr(d, "/ColorSpace /DeviceGray ") && strstr(d, "/Width 32 /Height 16 "));
    free(d);
    unsigned char *alpha = st ? unfilter(st, len, 32, 16, 1) : NULL;
    CHECK(alpha != NULL);
    if (alpha) CHECK(alpha[8 * 32 + 8] == 255 && alpha[8 * 32 + 24] == 128);
    free(alpha);

    if (getenv("FOLIO_TEST_KEEP")) {
        FILE *fp = fopen("test_pdfimage.pdf", "wb");
        fwrite(pdf.s, 1, pdf.len, fp);
        fclose(fp);
        cairo_t *cr;
        for (int k = 0; k < 2; k++) {
            cairo_surface_t *ref = canvas(1, &cr);
            if (k == 0) background(cr);
            for (size_t i = 0; i < npl[k]; i++) draw_by_cairo(cr, &pl[k][i]);
            cairo_destroy(cr);
            char fn[64];
            snprintf(fn, sizeof fn, "test_pdfimage-ref-%d.png", k + 1);
            cairo_surface_write_to_png(ref, fn);
            cairo_surface_destroy(ref);
        }
        image_cache *off = image_cache_new();
        cairo_surface_t *ps = cairo_pdf_surface_create("test_pdfimage-cairo.pdf", PAGE_W, PAGE_H);
        cr = cairo_create(ps);
        for (int k = 0; k < 2; k++) {
            if (k == 0) background(cr);
            for (size_t i = 0; i < npl[k]; i++) {
                const place *p = &pl[k][i];
                const image *im = &img[p->img];
                cairo_surface_t *s = image_cache_get(off, im->path, &im->mi, false, "t", NULL);
                if (p->cover) image_draw_cover(cr, s, &im->mi, p->x, p->y, p->w, p->h, p->anchor);
                else image_draw(cr, s, &im->mi, p->x, p->y, p->w, p->h);
            }
            cairo_show_page(cr);
        }
        cairo_destroy(cr);
        cairo_surface_destroy(ps);
        image_cache_free(off);
    }
    buf_free(&pdf);
    pdfimage_set_free(set);
    pdfobj_free(w);
}

/* Passthrough off: every PNG and WebP is pixels; an opaque one gets no
 * mask, even from an ARGB32 surface, and the same surface asked twice is
 * one object. */
static void test_no_passthrough(void)
{
    image_cache *c = image_cache_new();
    pdfobj *w = pdfobj_new();
    pdfimage_set *set = pdfimage_set_new();
    cairo_surface_t *pal = image_cache_get(c, img[IMG_PAL].path, &img[IMG_PAL].mi, false, "t", NULL);
    cairo_surface_t *wa = image_cache_get(c, img[IMG_WEBPA].path, &img[IMG_WEBPA].mi, false, "t", NULL);
    cairo_surface_t *oa = image_cache_get(c, img[IMG_RGBA_OPAQUE].path, &img[IMG_RGBA_OPAQUE].mi,
                                          false, "t", NULL);
    CHECK(pal && wa && oa);
    CHECK(oa && cairo_image_surface_get_format(oa) == CAIRO_FORMAT_ARGB32);
    const char *n1 = NULL, *n2 = NULL, *n3 = NULL;
    int a = pdfimage_xobject(set, w, c, pal, &n1);
    int b = pdfimage_xobject(set, w, c, wa, &n2);
    CHECK(a > 0 && b > 0 && a != b);
    CHECK_INT(pdfimage_xobject(set, w, c, pal, &n3), a);
    CHECK_STR(n1, "Im1");
    CHECK_STR(n2, "Im2");
    CHECK(n3 == n1);
    int o = pdfimage_xobject(set, w, c, oa, NULL);
    CHECK(o > 0);
    int root = pdfobj_reserve(w);
    pdfobj_write(w, root, "<< /Type /Catalog >>", 20);
    buf pdf = BUF_INIT;
    CHECK(pdfobj_finish(w, root, 0, &pdf));
    CHECK_INT(count_str(&pdf, "/Subtype /Image"), 4);
    CHECK_INT(count_str(&pdf, "/SMask"), 1);
    char *d = object_dict(&pdf, a);
    CHECK(strstr(d, "/ColorSpace /DeviceRGB ") && strstr(d, "/Width 40 /Height 20 "));
    free(d);
    size_t len = 0;
    const unsigned char *st = object_stream(&pdf, a, &len);
    unsigned char *rgb = st ? unfilter(st, len, 40, 20, 3) : NULL;
    /* gen_quadrants, bottom right: yellow. */
    CHECK(rgb && rgb[3 * (15 * 40 + 30)] == 0xff && rgb[3 * (15 * 40 + 30) + 1] == 0xff &&
          rgb[3 * (15 * 40 + 30) + 2] == 0);
    free(rgb);
    buf_free(&pdf);
    pdfimage_set_free(set);
    pdfobj_free(w);
    image_cache_free(c);
}

TEST_MAIN({
    dir = gen_tempdir("pdfimage");
    make_images();
    image_cache *pc = image_cache_new();    /* for the PDF */
    image_cache_set_png_passthrough(pc, true);
    image_cache *rc = image_cache_new();    /* decoded, for the reference */
    diag_list *dl = diag_list_new();
    bool all = true;
    for (int i = 0; i < NIMG; i++) {
        img[i].pdf = image_cache_get(pc, img[i].path, &img[i].mi, false, "post.md", dl);
        img[i].pix = image_cache_get(rc, img[i].path, &img[i].mi, true, "post.md", dl);
        all = all && img[i].pdf && img[i].pix;
    }
    CHECK(all);
    CHECK_INT(diag_count(dl), 0);
    /* The kinds this test means to cover. */
    if (all) {
        CHECK(image_cache_png_of(pc, img[IMG_PAL].pdf) != NULL);
        CHECK(image_cache_png_of(pc, img[IMG_RGB].pdf) != NULL);
        CHECK(image_cache_png_of(pc, img[IMG_WEBP].pdf) != NULL);
        CHECK(image_cache_png_of(pc, img[IMG_RGBA].pdf) == NULL);
        CHECK_INT(cairo_image_surface_get_format(img[IMG_RGBA].pdf), CAIRO_FORMAT_ARGB32);
        test_matrix();
        test_pdf(pc);
        test_no_passthrough();
    }
    image_cache_free(pc);
    image_cache_free(rc);
    diag_list_free(dl);
    for (int i = 0; i < NIMG; i++) {
        free(img[i].path);
        free(img[i].bytes);
    }
    files[nfiles] = NULL;
    gen_cleanup(dir, files);
    free(dir);
})
