/* image: surfaces from generated files, JPEG passthrough and deduplication
 * in real PDF output, orientation and cover fit checked by sampling pixels
 * of image surfaces (exact for PNG sources, with a tolerance for JPEG). */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "base/diag.h"
#include "check.h"
#include "gen_images.h"
#include "input/media.h"
#include "render/image.h"

static char *dir;
static const char *files[64];
static size_t nfiles;

/* Writes a generated file into the test folder, probes it into *mi and
 * returns its path (freed at exit). */
static char *put(const char *name, unsigned char *data, size_t len, media_info *mi)
{
    char *path = gen_write(dir, name, data, len);
    if (mi) media_probe(data, len, mi);
    files[nfiles++] = name;
    free(data);
    return path;
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    return *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x);
}

/* True when the pixel's r, g, b are each within tol of 0xRRGGBB. */
static bool near(uint32_t px, uint32_t rgb, int tol)
{
    for (int sh = 0; sh <= 16; sh += 8) {
        int a = (int)(px >> sh & 0xff), b = (int)(rgb >> sh & 0xff);
        if (a - b > tol || b - a > tol) return false;
    }
    return true;
}

static cairo_surface_t *white_canvas(int w, int h, cairo_t **cr)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    *cr = cairo_create(s);
    cairo_set_source_rgb(*cr, 1, 1, 1);
    cairo_paint(*cr);
    return s;
}

/* ---- PDF output in memory ---- */

typedef struct membuf {
    unsigned char *p;
    size_t n, cap;
} membuf;

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
    membuf *b = closure;
    if (b->n + len > b->cap) {
        b->cap = (b->n + len) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

static size_t count(const membuf *b, const void *needle, size_t n)
{
    size_t k = 0;
    const unsigned char *p = b->p, *end = b->p + b->n;
    while (p < end && (p = memmem(p, (size_t)(end - p), needle, n))) {
        k++;
        p += 1;
    }
    return k;
}

static size_t count_str(const membuf *b, const char *s) { return count(b, s, strlen(s)); }

/* ---- tests ---- */

static void test_jpeg_passthrough(void)
{
    size_t len;
    unsigned char *jpg = gen_jpeg(64, 48, GEN_JPEG_RGB, false, NULL, 0, gen_gradient, &len);
    unsigned char *copy = malloc(len);
    memcpy(copy, jpg, len);
    size_t copylen = len;
    media_info mi;
    char *path = put("photo.jpg", jpg, len, &mi);
    /* The same bytes under a second name: deduplicated by content. */
    unsigned char *again = malloc(copylen);
    memcpy(again, copy, copylen);
    char *path2 = put("photo-copy.jpg", again, copylen, NULL);

    size_t elen, plen;
    unsigned char *exif = gen_exif(6, true, &elen);
    unsigned char *pj = gen_jpeg(30, 20, GEN_JPEG_RGB, true, exif, elen, gen_left_right, &plen);
    free(exif);
    unsigned char *pcopy = malloc(plen);
    memcpy(pcopy, pj, plen);
    media_info pmi;
    char *ppath = put("progressive.jpg", pj, plen, &pmi);
    CHECK_INT(pmi.orientation, 6);
    CHECK(pmi.progressive);

    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    cairo_surface_t *s = image_cache_get(ic, path, &mi, false, "post.md", dl);
    CHECK(s != NULL);
    CHECK_INT(diag_count(dl), 0);
    if (!s) goto out;
    /* A 1 x 1 stand-in (its size is what cairo copies when the surface is
     * destroyed), drawn at the JPEG's size and orientation. */
    CHECK_INT(cairo_image_surface_get_width(s), 1);
    CHECK_INT(cairo_image_surface_get_height(s), 1);
    const unsigned char *mime = NULL;
    unsigned long mlen = 0;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mlen);
    CHECK(mime && mlen == copylen && memcmp(mime, copy, copylen) == 0);
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, &mime, &mlen);
    CHECK(mime && mlen > 0);
    /* The cache hands back the same surface. */
    CHECK(image_cache_get(ic, path, &mi, false, "post.md", dl) == s);
    cairo_surface_t *s2 = image_cache_get(ic, path2, &mi, false, "post.md", dl);
    cairo_surface_t *ps = image_cache_get(ic, ppath, &pmi, false, "post.md", dl);
    CHECK(s2 && s2 != s && ps);
    if (!s2 || !ps) goto out;
    static const struct {
        int which;   /* 0: image_draw, 1: image_draw_cover */
        double x, y, w, h, ex, ey, ew, eh;
    } place[] = {
        {0, 10, 10, 128, 96, 10, 10, 128, 96},
        {0, 150, 150, 40, 60, 150, 150, 40, 60},
        {1, 150, 10, 100, 100, 150, 10, 100, 100},
    };
    for (size_t i = 0; i < sizeof place / sizeof place[0]; i++) {
        cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
        cairo_t *rc = cairo_create(rec);
        cairo_surface_t *src = i == 1 ? ps : s;
        const media_info *inf = i == 1 ? &pmi : &mi;
        if (place[i].which)
            image_draw_cover(rc, src, inf, place[i].x, place[i].y, place[i].w, place[i].h, 0);
        else
            image_draw(rc, src, inf, place[i].x, place[i].y, place[i].w, place[i].h);
        cairo_destroy(rc);
        double ex, ey, ew, eh;
        cairo_recording_surface_ink_extents(rec, &ex, &ey, &ew, &eh);
        cairo_surface_destroy(rec);
        CHECK(fabs(ex - place[i].ex) < 1e-6 && fabs(ey - place[i].ey) < 1e-6);
        CHECK(fabs(ew - place[i].ew) < 1e-6 && fabs(eh - place[i].eh) < 1e-6);
    }

    membuf pdf = {0};
    cairo_surface_t *target = cairo_pdf_surface_create_for_stream(mem_write, &pdf, 300, 300);
    cairo_t *cr = cairo_create(target);
    image_draw(cr, s, &mi, 10, 10, 128, 96);
    image_draw_cover(cr, s, &mi, 150, 10, 100, 100, 0);
    image_draw(cr, s2, &mi, 10, 150, 64, 48);
    image_draw(cr, ps, &pmi, 150, 150, 40, 60);
    cairo_show_page(cr);
    image_draw(cr, s, &mi, 20, 20, 64, 48);
    image_draw(cr, ps, &pmi, 20, 120, 20, 30);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(target);
    CHECK_INT(cairo_surface_status(target), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(target);

    /* Embedded as they are: DCTDecode, the exact bytes, each once, and two
     * image objects in all for six draws of three surfaces. */
    CHECK_INT(count_str(&pdf, "/DCTDecode"), 2);
    CHECK_INT(count(&pdf, copy, copylen), 1);
    CHECK_INT(count(&pdf, pcopy, plen), 1);
    CHECK_INT(count_str(&pdf, "/Subtype /Image"), 2);
    if (getenv("FOLIO_TEST_KEEP")) {
        FILE *fp = fopen("test_image_passthrough.pdf", "wb");
        fwrite(pdf.p, 1, pdf.n, fp);
        fclose(fp);
    }
    free(pdf.p);
out:
    CHECK_INT(diag_count(dl), 0);
    image_cache_free(ic);
    diag_list_free(dl);
    free(copy);
    free(pcopy);
    free(path);
    free(path2);
    free(ppath);
}

/* PNGs are decoded even for PDF; UNIQUE_ID still makes them one object. */
static void test_png_dedup_and_cmyk_in_pdf(void)
{
    size_t len;
    media_info mi, cmi;
    unsigned char *group_png = gen_png(50, 30, PNG_COLOR_TYPE_RGB, 8, false, gen_gradient, &len);
    char *path = put("group.png", group_png, len, &mi);
    /* Adobe CMYK passed through is drawn inverted by poppler (cairo writes
     * no /Decode array): such JPEGs are decoded even for PDF. */
    unsigned char *cmyk_jpg = gen_jpeg(20, 10, GEN_JPEG_CMYK_ADOBE, false, NULL, 0, gen_left_right, &len);
    char *cpath = put("cmyk.jpg", cmyk_jpg, len, &cmi);
    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    cairo_surface_t *s = image_cache_get(ic, path, &mi, false, "post.md", dl);
    cairo_surface_t *cs = image_cache_get(ic, cpath, &cmi, false, "post.md", dl);
    CHECK(s && cs);
    if (s && cs) {
        const unsigned char *mime = NULL;
        unsigned long mlen = 0;
        cairo_surface_get_mime_data(cs, CAIRO_MIME_TYPE_JPEG, &mime, &mlen);
        CHECK(mime == NULL);
        membuf pdf = {0};
        cairo_surface_t *target = cairo_pdf_surface_create_for_stream(mem_write, &pdf, 200, 200);
        cairo_t *cr = cairo_create(target);
        for (int i = 0; i < 3; i++) image_draw(cr, s, &mi, 10 + 20 * i, 10, 50, 30);
        image_draw(cr, cs, &cmi, 10, 100, 40, 20);
        cairo_destroy(cr);
        cairo_surface_finish(target);
        cairo_surface_destroy(target);
        CHECK_INT(count_str(&pdf, "/Subtype /Image"), 2);
        CHECK_INT(count_str(&pdf, "/DCTDecode"), 0);
        free(pdf.p);
    }
    CHECK_INT(diag_count(dl), 0);
    image_cache_free(ic);
    diag_list_free(dl);
    free(path);
    free(cpath);
}

/* PNG passthrough (pdf_write() finishes it): opaque PNGs of 8 bits or
 * fewer are not decoded but carry a stand-in JPEG naming them, with the
 * file's own zlib stream ('P'); other opaque PNGs (16-bit, interlaced, an
 * RGBA whose alpha is 255 throughout) are decoded and deflated again by
 * folio, as 8-bit RGB rows ('F'); only real transparency is left to cairo
 * ('D': decoded, no stand-in). */
static void test_png_passthrough(void)
{
    static const struct {
        const char *name;
        int type, depth;
        bool interlace, alpha;
        char how;
        int colors;
    } cases[] = {
        {"pt-rgb8.png", PNG_COLOR_TYPE_RGB, 8, false, false, 'P', 3},
        {"pt-pal.png", PNG_COLOR_TYPE_PALETTE, 8, false, false, 'P', 1},
        {"pt-grey.png", PNG_COLOR_TYPE_GRAY, 8, false, false, 'P', 1},
        {"pt-rgba8.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, false, false, 'F', 3},
        {"pt-rgb16.png", PNG_COLOR_TYPE_RGB, 16, false, false, 'F', 3},
        {"pt-rgb8i.png", PNG_COLOR_TYPE_RGB, 8, true, false, 'F', 3},
        {"pt-rgba8a.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, false, true, 'D', 0},
    };
    image_cache *ic = image_cache_new();
    image_cache_set_png_passthrough(ic, true);
    diag_list *dl = diag_list_new();
    size_t stood_in = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *data = gen_png(32, 16, cases[i].type, cases[i].depth, cases[i].interlace,
                                      cases[i].alpha ? gen_alpha : gen_left_right, &len);
        media_info mi;
        char *path = put(cases[i].name, data, len, &mi);
        cairo_surface_t *s = image_cache_get(ic, path, &mi, false, "post.md", dl);
        CHECK(s != NULL);
        const unsigned char *mime = NULL;
        unsigned long mlen = 0;
        if (s) cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mlen);
        CHECK((mime != NULL) == (cases[i].how != 'D'));
        if (cases[i].how != 'D' && image_cache_npng(ic) == stood_in + 1) {
            const image_png *p = image_cache_png(ic, stood_in);
            CHECK_INT(p->width, 32);
            CHECK_INT(p->height, 16);
            CHECK_INT(p->colors, cases[i].colors);
            CHECK_INT(p->bits, 8);
            CHECK((p->palette != NULL) == (cases[i].type == PNG_COLOR_TYPE_PALETTE));
            CHECK(mime && memmem(mime, mlen, p->marker, strlen(p->marker)) != NULL);
            if (cases[i].how == 'F') {
                /* Paeth-filtered rows: inflate and check every row's
                 * filter byte and the reconstructed pixels at the centre
                 * of each half (red | blue). */
                size_t rb = 3 * 32 + 1;
                unsigned char raw[16 * (3 * 32 + 1)];
                uLongf rl = sizeof raw;
                CHECK(uncompress(raw, &rl, p->idat, (uLong)p->idat_len) == Z_OK && rl == sizeof raw);
                unsigned char img[16][96] = {{0}};
                bool filters = true;
                for (int y = 0; y < 16; y++) {
                    filters = filters && raw[y * rb] == 4;
                    for (int i3 = 0; i3 < 96; i3++) {
                        int a = i3 >= 3 ? img[y][i3 - 3] : 0, b = y ? img[y - 1][i3] : 0;
                        int c = i3 >= 3 && y ? img[y - 1][i3 - 3] : 0;
                        int q = a + b - c, pa = abs(q - a), pb = abs(q - b), pc = abs(q - c);
                        int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                        img[y][i3] = (unsigned char)(raw[y * rb + 1 + i3] + pred);
                    }
                }
                CHECK(filters);
                CHECK(img[8][3 * 8] > 200 && img[8][3 * 8 + 2] < 50);        /* red */
                CHECK(img[8][3 * 24] < 50 && img[8][3 * 24 + 2] > 200);      /* blue */
            }
            stood_in++;
        }
        CHECK_INT(image_cache_npng(ic), stood_in);
        free(path);
    }
    CHECK_INT(stood_in, 6);
    CHECK_INT(diag_count(dl), 0);
    image_cache_free(ic);
    diag_list_free(dl);
}

/* Each decoder, each variant: the colour at the centre of the left and
 * right halves (gen_left_right: red | blue; gen_alpha: dark grey | white
 * at half alpha, premultiplied). */
static void test_decoders(void)
{
    static const struct {
        const char *name;
        int kind;   /* 0 PNG, 1 JPEG, 2 WebP */
        int type, depth;
        bool interlace, progressive, lossless, alpha;
        gen_jpeg_kind jk;
        uint32_t left, right;   /* expected premultiplied ARGB (alpha ignored for opaque) */
        int tol;
    } cases[] = {
        {"rgb8.png", 0, PNG_COLOR_TYPE_RGB, 8, false, false, false, false, 0, 0xff0000, 0x0000ff, 0},
        {"rgba8.png", 0, PNG_COLOR_TYPE_RGB_ALPHA, 8, false, false, false, true, 0, 0xff404040, 0x80808080, 1},
        {"pal.png", 0, PNG_COLOR_TYPE_PALETTE, 8, false, false, false, false, 0, 0xff0000, 0x0000ff, 0},
        {"paltrns.png", 0, PNG_COLOR_TYPE_PALETTE, 8, false, false, false, true, 0, 0xff404040, 0x80808080, 1},
        {"grey.png", 0, PNG_COLOR_TYPE_GRAY, 8, false, false, false, false, 0, 0xffffff, 0x000000, 0},
        {"greya.png", 0, PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, false, false, true, 0, 0xff404040, 0x80808080, 1},
        {"rgb16.png", 0, PNG_COLOR_TYPE_RGB, 16, false, false, false, false, 0, 0xff0000, 0x0000ff, 0},
        {"rgba16i.png", 0, PNG_COLOR_TYPE_RGB_ALPHA, 16, true, false, false, true, 0, 0xff404040, 0x80808080, 1},
        {"rgb8i.png", 0, PNG_COLOR_TYPE_RGB, 8, true, false, false, false, 0, 0xff0000, 0x0000ff, 0},
        {"base.jpg", 1, 0, 0, false, false, false, false, GEN_JPEG_RGB, 0xff0000, 0x0000ff, 12},
        {"prog.jpg", 1, 0, 0, false, true, false, false, GEN_JPEG_RGB, 0xff0000, 0x0000ff, 12},
        {"grey.jpg", 1, 0, 0, false, false, false, false, GEN_JPEG_GREY, 0xffffff, 0x000000, 6},
        {"cmyk.jpg", 1, 0, 0, false, false, false, false, GEN_JPEG_CMYK_ADOBE, 0xff0000, 0x0000ff, 12},
        {"lossy.webp", 2, 0, 0, false, false, false, false, 0, 0xff0000, 0x0000ff, 24},
        {"lossless.webp", 2, 0, 0, false, false, true, true, 0, 0xff404040, 0x80808080, 1},
        {"lossya.webp", 2, 0, 0, false, false, false, true, 0, 0xff404040, 0x80808080, 12},
    };
    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *data;
        gen_pixel_fn fn = cases[i].alpha ? gen_alpha : gen_left_right;
        if (cases[i].kind == 0)
            data = gen_png(32, 16, cases[i].type, cases[i].depth, cases[i].interlace, fn, &len);
        else if (cases[i].kind == 1)
            data = gen_jpeg(32, 16, cases[i].jk, cases[i].progressive, NULL, 0, fn, &len);
        else
            data = gen_webp(32, 16, cases[i].lossless, cases[i].alpha, fn, &len);
        media_info mi;
        char *path = put(cases[i].name, data, len, &mi);
        cairo_surface_t *s = image_cache_get(ic, path, &mi, true, "post.md", dl);
        CHECK(s != NULL);
        if (s) {
            CHECK_INT(cairo_image_surface_get_format(s),
                      cases[i].alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24);
            uint32_t l = pixel(s, 8, 8), r = pixel(s, 24, 8);
            bool ok = near(l, cases[i].left, cases[i].tol) && near(r, cases[i].right, cases[i].tol);
            if (cases[i].alpha)
                ok = ok && (l >> 24) == (cases[i].left >> 24) &&
                     (int)(r >> 24) - (int)(cases[i].right >> 24) <= cases[i].tol &&
                     (int)(cases[i].right >> 24) - (int)(r >> 24) <= cases[i].tol;
            if (!ok) fprintf(stderr, "%s: left %08x right %08x\n", cases[i].name, l, r);
            CHECK(ok);
        }
        free(path);
    }
    CHECK_INT(diag_count(dl), 0);
    image_cache_free(ic);
    diag_list_free(dl);
}

/* Stored (px, py) seen at displayed (dx, dy) under orientation o, from the
 * EXIF description of each value ("row 0 is the visual right side, column
 * 0 the visual top" for 6, and so on). */
static void stored_at(int o, int sw, int sh, int dx, int dy, int *px, int *py)
{
    switch (o) {
    default: *px = dx; *py = dy; break;
    case 2: *px = sw - 1 - dx; *py = dy; break;
    case 3: *px = sw - 1 - dx; *py = sh - 1 - dy; break;
    case 4: *px = dx; *py = sh - 1 - dy; break;
    case 5: *px = dy; *py = dx; break;              /* row 0 left, column 0 top */
    case 6: *px = dy; *py = sh - 1 - dx; break;     /* row 0 right, column 0 top */
    case 7: *px = sw - 1 - dy; *py = sh - 1 - dx; break; /* row 0 right, column 0 bottom */
    case 8: *px = sw - 1 - dy; *py = dx; break;     /* row 0 left, column 0 bottom */
    }
}

static void test_orientation(void)
{
    /* 40 x 20 quadrants, drawn at twice the displayed size into a canvas
     * with a 6-pixel white margin. */
    const int sw = 40, sh = 20, m = 6;
    size_t len;
    media_info mi;
    unsigned char *quad_png = gen_png(sw, sh, PNG_COLOR_TYPE_RGB, 8, false, gen_quadrants, &len);
    char *path = put("quad.png", quad_png, len, &mi);
    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    cairo_surface_t *s = image_cache_get(ic, path, &mi, true, "post.md", dl);
    CHECK(s != NULL);
    for (int o = 1; s && o <= 8; o++) {
        mi.orientation = o;
        int dw, dh;
        media_oriented_size(&mi, &dw, &dh);
        cairo_t *cr;
        cairo_surface_t *canvas = white_canvas(2 * dw + 2 * m, 2 * dh + 2 * m, &cr);
        image_draw(cr, s, &mi, m, m, 2 * dw, 2 * dh);
        cairo_destroy(cr);
        int bad = 0;
        /* Centres of the displayed quadrants, and the margin corners. */
        for (int qy = 0; qy < 2; qy++)
            for (int qx = 0; qx < 2; qx++) {
                int dx = dw / 4 + qx * dw / 2, dy = dh / 4 + qy * dh / 2, px, py;
                stored_at(o, sw, sh, dx, dy, &px, &py);
                uint32_t want = gen_quadrants(px, py, sw, sh) >> 8;
                if (!near(pixel(canvas, m + 2 * dx, m + 2 * dy), want, 0)) bad++;
            }
        int cw = 2 * dw + 2 * m, ch = 2 * dh + 2 * m;
        if (!near(pixel(canvas, m / 2, m / 2), 0xffffff, 0)) bad++;
        if (!near(pixel(canvas, cw - m / 2, ch - m / 2), 0xffffff, 0)) bad++;
        /* The image reaches the rectangle's edges and no further. */
        if (near(pixel(canvas, m, m), 0xffffff, 0)) bad++;
        if (near(pixel(canvas, cw - m - 1, ch - m - 1), 0xffffff, 0)) bad++;
        if (!near(pixel(canvas, m - 1, ch / 2), 0xffffff, 0)) bad++;
        if (!near(pixel(canvas, cw - m, ch / 2), 0xffffff, 0)) bad++;
        if (bad) fprintf(stderr, "orientation %d: %d bad samples\n", o, bad);
        CHECK_INT(bad, 0);
        cairo_surface_destroy(canvas);
    }

    /* A real EXIF orientation 6 in a JPEG: stored 40 x 20, red | blue,
     * displayed 20 x 40 with red on top, into the rectangle 10,10 20x40. */
    size_t elen;
    unsigned char *exif = gen_exif(6, false, &elen);
    media_info jmi;
    unsigned char *rot_jpg = gen_jpeg(40, 20, GEN_JPEG_RGB, false, exif, elen, gen_left_right, &len);
    char *jpath = put("rot6.jpg", rot_jpg, len, &jmi);
    free(exif);
    CHECK_INT(jmi.orientation, 6);
    cairo_surface_t *js = image_cache_get(ic, jpath, &jmi, true, "post.md", dl);
    CHECK(js != NULL);
    if (js) {
        cairo_t *cr;
        cairo_surface_t *canvas = white_canvas(40, 60, &cr);
        image_draw(cr, js, &jmi, 10, 10, 20, 40);
        cairo_destroy(cr);
        CHECK(near(pixel(canvas, 20, 15), 0xff0000, 16));
        CHECK(near(pixel(canvas, 20, 45), 0x0000ff, 16));
        CHECK(near(pixel(canvas, 5, 30), 0xffffff, 0));
        CHECK(near(pixel(canvas, 35, 30), 0xffffff, 0));
        CHECK(near(pixel(canvas, 20, 5), 0xffffff, 0));
        CHECK(near(pixel(canvas, 20, 55), 0xffffff, 0));
        cairo_surface_destroy(canvas);
    }
    CHECK_INT(diag_count(dl), 0);
    image_cache_free(ic);
    diag_list_free(dl);
    free(path);
    free(jpath);
}

static void test_cover(void)
{
    /* 20 x 40, top half red, bottom half blue, into a 20 x 20 frame at
     * 10,10 of a 40 x 40 canvas. */
    size_t len;
    media_info mi;
    unsigned char *tall_png = gen_png(20, 40, PNG_COLOR_TYPE_RGB, 8, false, gen_top_bottom, &len);
    char *path = put("tall.png", tall_png, len, &mi);
    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    cairo_surface_t *s = image_cache_get(ic, path, &mi, true, "post.md", dl);
    CHECK(s != NULL);
    static const struct { double anchor; uint32_t top, bottom; } cases[] = {
        {0, 0xff0000, 0xff0000},
        {0.5, 0xff0000, 0x0000ff},
        {1, 0x0000ff, 0x0000ff},
        {-3, 0xff0000, 0xff0000},   /* clamped to 0 */
    };
    for (size_t i = 0; s && i < sizeof cases / sizeof *cases; i++) {
        cairo_t *cr;
        cairo_surface_t *canvas = white_canvas(40, 40, &cr);
        image_draw_cover(cr, s, &mi, 10, 10, 20, 20, cases[i].anchor);
        cairo_destroy(cr);
        CHECK(near(pixel(canvas, 20, 12), cases[i].top, 0));
        CHECK(near(pixel(canvas, 20, 27), cases[i].bottom, 0));
        /* clipped: nothing above, below or beside the frame */
        CHECK(near(pixel(canvas, 20, 8), 0xffffff, 0));
        CHECK(near(pixel(canvas, 20, 31), 0xffffff, 0));
        CHECK(near(pixel(canvas, 8, 20), 0xffffff, 0));
        CHECK(near(pixel(canvas, 31, 20), 0xffffff, 0));
        cairo_surface_destroy(canvas);
    }
    /* Wide image into a tall frame: centred horizontally.  Quadrants 40x20
     * scaled by 2 into 20 x 40: the middle 20 of 80 columns are shown, left
     * half red/blue, right half green/yellow. */
    media_info qi;
    unsigned char *quad2_png = gen_png(40, 20, PNG_COLOR_TYPE_RGB, 8, false, gen_quadrants, &len);
    char *qpath = put("quad2.png", quad2_png, len, &qi);
    cairo_surface_t *q = image_cache_get(ic, qpath, &qi, true, "post.md", dl);
    if (q) {
        cairo_t *cr;
        cairo_surface_t *canvas = white_canvas(40, 60, &cr);
        image_draw_cover(cr, q, &qi, 10, 10, 20, 40, 0);
        cairo_destroy(cr);
        CHECK(near(pixel(canvas, 14, 15), 0xff0000, 0));
        CHECK(near(pixel(canvas, 26, 15), 0x00ff00, 0));
        CHECK(near(pixel(canvas, 14, 45), 0x0000ff, 0));
        CHECK(near(pixel(canvas, 26, 45), 0xffff00, 0));
        cairo_surface_destroy(canvas);
    }
    CHECK_INT(diag_count(dl), 0);
    image_cache_free(ic);
    diag_list_free(dl);
    free(path);
    free(qpath);
}

static bool last_warning_names(const diag_list *dl, const char *path, const char *word)
{
    size_t n = diag_count(dl);
    if (!n) return false;
    const diag *d = diag_get(dl, n - 1);
    return d->severity == DIAG_WARNING && strstr(d->message, path) &&
           (!word || strstr(d->message, word)) && d->file && !strcmp(d->file, "post.md");
}

static void test_failures(void)
{
    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    size_t len;

    /* A JPEG cut in the middle of its scan: refused for PDF (no EOI) and
     * for pixels (libjpeg's premature end), one warning per mode. */
    unsigned char *jpg = gen_jpeg(64, 64, GEN_JPEG_RGB, false, NULL, 0, gen_gradient, &len);
    media_info mi;
    char *cut = put("cut.jpg", jpg, len * 2 / 3, &mi);
    CHECK_INT(mi.format, MEDIA_JPEG);
    CHECK(image_cache_get(ic, cut, &mi, false, "post.md", dl) == NULL);
    CHECK_INT(diag_count(dl), 1);
    CHECK(last_warning_names(dl, cut, "ends early"));
    CHECK(image_cache_get(ic, cut, &mi, false, "post.md", dl) == NULL);
    CHECK_INT(diag_count(dl), 1);   /* remembered, not repeated */
    CHECK(image_cache_get(ic, cut, &mi, true, "post.md", dl) == NULL);
    CHECK_INT(diag_count(dl), 2);

    /* The same file with an EOI glued on: libjpeg sees a damaged scan. */
    jpg = gen_jpeg(64, 64, GEN_JPEG_RGB, true, NULL, 0, gen_gradient, &len);
    memcpy(jpg + len / 2, "\xFF\xD9", 2);
    char *eoi = put("eoi.jpg", jpg, len / 2 + 2, &mi);
    cairo_surface_t *s = image_cache_get(ic, eoi, &mi, true, "post.md", dl);
    /* Either refused with a warning or decoded as far as it goes: never a
     * crash, never silence about a refusal. */
    CHECK((s == NULL) == (diag_count(dl) == 3));

    unsigned char *png = gen_png(64, 64, PNG_COLOR_TYPE_RGB, 8, false, gen_gradient, &len);
    char *pcut = put("cut.png", png, len - 20, &mi);
    size_t before = diag_count(dl);
    CHECK(image_cache_get(ic, pcut, &mi, true, "post.md", dl) == NULL);
    CHECK_INT(diag_count(dl), before + 1);
    CHECK(last_warning_names(dl, pcut, NULL));

    unsigned char *w = gen_webp(64, 64, false, false, gen_gradient, &len);
    char *wcut = put("cut.webp", w, len / 2, &mi);
    CHECK(image_cache_get(ic, wcut, &mi, true, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, wcut, NULL));

    const char *text = "this is not a picture\n";
    char *tpath = gen_write(dir, "text.png", text, strlen(text));
    files[nfiles++] = "text.png";
    media_probe((const unsigned char *)text, strlen(text), &mi);
    CHECK(image_cache_get(ic, tpath, &mi, true, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, tpath, "not a recognised"));

    /* A header declaring 65000 x 65000: refused before any pixel is
     * allocated (the 16.9 GB surface would otherwise fail or thrash). */
    unsigned char *big = gen_jpeg_header(0xC0, 65000, 65000, 8, 3, &len);
    char *bpath = put("huge.jpg", big, len, &mi);
    CHECK(image_cache_get(ic, bpath, &mi, false, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, bpath, "megapixels"));
    unsigned char *bigp = gen_png_header(20000, 20000, &len);
    char *bppath = put("huge.png", bigp, len, &mi);
    CHECK(image_cache_get(ic, bppath, &mi, true, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, bppath, "megapixels"));

    /* The file changed since it was probed. */
    media_info stale;
    unsigned char *small = gen_png(8, 8, PNG_COLOR_TYPE_RGB, 8, false, gen_gradient, &len);
    char *ok = put("ok.png", small, len, &stale);
    stale.width = 9;
    CHECK(image_cache_get(ic, ok, &stale, true, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, ok, "changed"));

    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing.jpg", dir);
    CHECK(image_cache_get(ic, missing, NULL, false, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, missing, NULL));

    /* Unsupported formats that reach the renderer anyway. */
    const char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    char *gpath = gen_write(dir, "anim.gif", gif, sizeof gif - 1);
    files[nfiles++] = "anim.gif";
    CHECK(image_cache_get(ic, gpath, NULL, false, "post.md", dl) == NULL);
    CHECK(last_warning_names(dl, gpath, "gif: unsupported"));

    image_cache_free(ic);
    diag_list_free(dl);
    image_cache_free(NULL);
    free(cut); free(eoi); free(pcut); free(wcut); free(tpath); free(bpath); free(bppath);
    free(ok); free(gpath);
}

/* A passthrough photo costs no pixel memory, even when its surface is
 * destroyed: cairo 1.16 copies a source's pixels into the snapshot its
 * recording surface took, so a stand-in of the photo's size used to touch
 * w*h*4 bytes in image_cache_free() (160 MB at the 8000 x 5000 limit). */
static void test_passthrough_memory(void)
{
    size_t len;
    unsigned char *jpg = gen_jpeg(64, 48, GEN_JPEG_RGB, false, NULL, 0, gen_gradient, &len);
    /* Claim the largest size folio accepts in the frame header: the
     * passthrough never decodes, so the scan need not match. */
    for (size_t i = 2; i + 9 < len; i++)
        if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
            jpg[i + 5] = 5000 >> 8, jpg[i + 6] = 5000 & 0xFF;
            jpg[i + 7] = 8000 >> 8, jpg[i + 8] = 8000 & 0xFF;
            break;
        }
    media_info mi;
    char *path = put("huge.jpg", jpg, len, &mi);
    CHECK_INT(mi.width, 8000);
    CHECK_INT(mi.height, 5000);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    image_cache *ic = image_cache_new();
    diag_list *dl = diag_list_new();
    cairo_surface_t *s = image_cache_get(ic, path, &mi, false, "post.md", dl);
    CHECK(s != NULL);
    membuf pdf = {0};
    cairo_surface_t *target = cairo_pdf_surface_create_for_stream(mem_write, &pdf, 300, 300);
    cairo_t *cr = cairo_create(target);
    image_draw(cr, s, &mi, 10, 10, 160, 100);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(target);
    cairo_surface_destroy(target);
    image_cache_free(ic);
    getrusage(RUSAGE_SELF, &after);
    CHECK_INT(diag_count(dl), 0);
    CHECK_INT(count_str(&pdf, "/Width 8000"), 1);
    /* ru_maxrss is in KiB: well under the 160 MB a copy would take. */
    CHECK(after.ru_maxrss - before.ru_maxrss < 32 * 1024);
    diag_list_free(dl);
    free(pdf.p);
    free(path);
}

static void test_size_guard(void)
{
    media_info mi = {.format = MEDIA_JPEG, .width = 8000, .height = 5000};
    CHECK(image_decode_size_ok(&mi));
    mi.width = 8001;
    CHECK(!image_decode_size_ok(&mi));
    mi.width = 65000;
    mi.height = 65000;
    CHECK(!image_decode_size_ok(&mi));
    mi.width = 0;
    CHECK(!image_decode_size_ok(&mi));
    mi.width = -5;
    mi.height = -5;
    CHECK(!image_decode_size_ok(&mi));
    CHECK(!image_decode_size_ok(NULL));
}

static void test_placeholder(void)
{
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    PangoContext *pc = pango_font_map_create_context(fm);
    for (int with_text = 0; with_text < 2; with_text++) {
        cairo_t *cr;
        cairo_surface_t *canvas = white_canvas(200, 60, &cr);
        image_draw_placeholder(cr, with_text ? pc : NULL, "Sans 10", "media/speaker-1.jpg", 10, 10,
                               180, 40);
        cairo_destroy(cr);
        /* Light grey inside, white outside, and the label darker than the
         * fill somewhere in the middle band (text drawn) only with a context. */
        CHECK(near(pixel(canvas, 14, 14), 0xededed, 2));
        CHECK(near(pixel(canvas, 5, 5), 0xffffff, 0));
        CHECK(near(pixel(canvas, 195, 55), 0xffffff, 0));
        int dark = 0;
        for (int y = 14; y < 46; y++)
            for (int x = 14; x < 186; x++)
                if ((pixel(canvas, x, y) & 0xff) < 0xc0) dark++;
        if (with_text) CHECK(dark > 20);
        else CHECK_INT(dark, 0);
        cairo_surface_destroy(canvas);
    }
    /* A box too small for text, and a zero box: no crash, nothing outside. */
    cairo_t *cr;
    cairo_surface_t *canvas = white_canvas(20, 20, &cr);
    image_draw_placeholder(cr, pc, NULL, "a-very-long-file-name-that-cannot-fit.jpg", 5, 5, 6, 6);
    image_draw_placeholder(cr, pc, NULL, "x", 0, 0, 0, 0);
    cairo_destroy(cr);
    CHECK(near(pixel(canvas, 2, 2), 0xffffff, 0));
    CHECK(near(pixel(canvas, 15, 15), 0xffffff, 0));
    cairo_surface_destroy(canvas);
    g_object_unref(pc);
}

TEST_MAIN({
    dir = gen_tempdir("image");
    test_jpeg_passthrough();
    test_png_dedup_and_cmyk_in_pdf();
    test_png_passthrough();
    test_decoders();
    test_orientation();
    test_cover();
    test_failures();
    test_passthrough_memory();
    test_size_guard();
    test_placeholder();
    files[nfiles] = NULL;
    gen_cleanup(dir, files);
    free(dir);
})
