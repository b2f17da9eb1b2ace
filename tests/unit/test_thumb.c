/* Unit tests for render/thumb: the catalogue's thumbnails.
 *
 * A thumbnail is the image as seen (EXIF orientation applied), its longer
 * side THUMB_MAX_SIDE pixels (a panorama keeps half of that on its short
 * side; nothing is enlarged), transparency on white, a baseline JPEG, and
 * the same bytes every time.  Images are generated here (gen_images.h). */
#include <cairo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "check.h"
#include "gen_images.h"
#include "render/image.h"
#include "render/thumb.h"

/* The thumbnail of data, decoded again: its size and pixels. */
typedef struct shown {
    bool ok;
    int w, h;
    size_t bytes;
    bool baseline;              /* SOF0, not progressive */
    cairo_surface_t *s;
} shown;

static shown make(const unsigned char *data, size_t len)
{
    shown r = {0};
    buf out = BUF_INIT;
    char why[256] = "";
    int w = 0, h = 0;
    r.ok = thumb_encode(data, len, THUMB_MAX_SIDE, THUMB_QUALITY, &out, &w, &h, why, sizeof why);
    if (!r.ok) {
        fprintf(stderr, "  thumb_encode: %s\n", why);
        return r;
    }
    r.bytes = out.len;
    r.baseline = memmem(out.s, out.len, "\xFF\xC0", 2) && !memmem(out.s, out.len, "\xFF\xC2", 2);
    media_info mi;
    r.s = image_decode((const unsigned char *)out.s, out.len, 1, &mi, why, sizeof why);
    CHECK(r.s != NULL);
    if (r.s) {
        r.w = cairo_image_surface_get_width(r.s);
        r.h = cairo_image_surface_get_height(r.s);
        CHECK_INT(r.w, w);
        CHECK_INT(r.h, h);
        CHECK_INT(mi.orientation, 1);   /* orientation is applied, not recorded */
    }
    buf_free(&out);
    return r;
}

/* The colour at (x, y) as 0xRRGGBB. */
static uint32_t at(const shown *r, int x, int y)
{
    const unsigned char *px = cairo_image_surface_get_data(r->s);
    int stride = cairo_image_surface_get_stride(r->s);
    return ((const uint32_t *)(px + (size_t)y * (size_t)stride))[x] & 0xffffff;
}

/* Within a JPEG's error of want (each channel within 40). */
static bool near(uint32_t got, uint32_t want)
{
    for (int sh = 0; sh < 24; sh += 8) {
        int a = (int)(got >> sh & 0xff), b = (int)(want >> sh & 0xff);
        if (abs(a - b) > 40) return false;
    }
    return true;
}

static void done(shown *r)
{
    if (r->s) cairo_surface_destroy(r->s);
}

static void test_camera_photo(void)
{
    /* 4000 x 3000: decoded at 1/8 from the DCT, scaled to 320 x 240. */
    size_t len;
    unsigned char *jpg = gen_jpeg(4000, 3000, GEN_JPEG_RGB, true, NULL, 0, gen_quadrants, &len);
    shown r = make(jpg, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 320);
    CHECK_INT(r.h, 240);
    CHECK(r.baseline);               /* the source was progressive */
    CHECK(r.bytes > 0 && r.bytes < 24 * 1024);
    if (r.s) {
        CHECK(near(at(&r, 80, 60), 0xff0000));    /* top left red */
        CHECK(near(at(&r, 240, 60), 0x00ff00));   /* top right green */
        CHECK(near(at(&r, 80, 180), 0x0000ff));   /* bottom left blue */
        CHECK(near(at(&r, 240, 180), 0xffff00));  /* bottom right yellow */
    }
    done(&r);

    /* Deterministic: the same bytes twice. */
    buf a = BUF_INIT, b = BUF_INIT;
    char why[256];
    CHECK(thumb_encode(jpg, len, THUMB_MAX_SIDE, THUMB_QUALITY, &a, NULL, NULL, why, sizeof why));
    CHECK(thumb_encode(jpg, len, THUMB_MAX_SIDE, THUMB_QUALITY, &b, NULL, NULL, why, sizeof why));
    CHECK(a.len == b.len && a.len && !memcmp(a.s, b.s, a.len));
    buf_free(&a);
    buf_free(&b);
    free(jpg);
}

static void test_orientation(void)
{
    /* Stored 400 x 300 with EXIF orientation 6 (turn 90° clockwise to
     * view): seen as 300 x 400, so the thumbnail is 240 x 320, and the
     * stored top-left quadrant (red) is seen at the top right. */
    size_t elen, len;
    unsigned char *exif = gen_exif(6, false, &elen);
    unsigned char *jpg = gen_jpeg(400, 300, GEN_JPEG_RGB, false, exif, elen, gen_quadrants, &len);
    shown r = make(jpg, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 240);
    CHECK_INT(r.h, 320);
    if (r.s && r.w == 240 && r.h == 320) {
        CHECK(near(at(&r, 180, 80), 0xff0000));   /* stored top left */
        CHECK(near(at(&r, 180, 240), 0x00ff00));  /* stored top right */
        CHECK(near(at(&r, 60, 80), 0x0000ff));    /* stored bottom left */
        CHECK(near(at(&r, 60, 240), 0xffff00));   /* stored bottom right */
    }
    done(&r);
    free(jpg);
    free(exif);
}

static void test_sizes(void)
{
    size_t len;
    /* Small: kept as it is, never enlarged. */
    unsigned char *png = gen_png(100, 50, PNG_COLOR_TYPE_RGB, 8, false, gen_left_right, &len);
    shown r = make(png, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 100);
    CHECK_INT(r.h, 50);
    if (r.s) {
        CHECK(near(at(&r, 20, 25), 0xff0000));
        CHECK(near(at(&r, 80, 25), 0x0000ff));
    }
    done(&r);
    free(png);

    /* A panorama: 320 px wide would leave 32 px of height; it keeps 160. */
    unsigned char *jpg = gen_jpeg(2000, 200, GEN_JPEG_RGB, false, NULL, 0, gen_gradient, &len);
    r = make(jpg, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 1600);
    CHECK_INT(r.h, 160);
    done(&r);
    free(jpg);

    /* Portrait 3:4, grey JPEG: 240 x 320. */
    jpg = gen_jpeg(1500, 2000, GEN_JPEG_GREY, false, NULL, 0, gen_top_bottom, &len);
    r = make(jpg, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 240);
    CHECK_INT(r.h, 320);
    done(&r);
    free(jpg);
}

static void test_formats(void)
{
    size_t len;
    /* Transparency goes onto white: the half-transparent white half is
     * white, the opaque grey half stays grey. */
    unsigned char *png = gen_png(640, 480, PNG_COLOR_TYPE_RGBA, 8, false, gen_alpha, &len);
    shown r = make(png, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 320);
    CHECK_INT(r.h, 240);
    if (r.s) {
        CHECK(near(at(&r, 60, 120), 0x404040));
        CHECK(near(at(&r, 260, 120), 0xffffff));
    }
    done(&r);
    free(png);

    unsigned char *webp = gen_webp(800, 600, false, false, gen_quadrants, &len);
    r = make(webp, len);
    CHECK(r.ok);
    CHECK_INT(r.w, 320);
    CHECK_INT(r.h, 240);
    if (r.s) CHECK(near(at(&r, 80, 60), 0xff0000));
    done(&r);
    free(webp);

    /* CMYK (Adobe, inverted): decoded to RGB like any other. */
    unsigned char *cmyk = gen_jpeg(640, 480, GEN_JPEG_CMYK_ADOBE, false, NULL, 0, gen_quadrants, &len);
    r = make(cmyk, len);
    CHECK(r.ok);
    if (r.s) CHECK(near(at(&r, 80, 60), 0xff0000));
    done(&r);
    free(cmyk);
}

static void test_refusals(void)
{
    buf out = BUF_INIT;
    char why[256] = "";
    static const unsigned char junk[] = "not an image at all, just text";
    CHECK(!thumb_encode(junk, sizeof junk, THUMB_MAX_SIDE, THUMB_QUALITY, &out, NULL, NULL, why,
                        sizeof why));
    CHECK(why[0] != 0);
    CHECK_INT(out.len, 0);
    /* A header declaring 60000 x 60000 px is refused before decoding. */
    size_t len;
    unsigned char *bomb = gen_png_header(60000, 60000, &len);
    why[0] = 0;
    CHECK(!thumb_encode(bomb, len, THUMB_MAX_SIDE, THUMB_QUALITY, &out, NULL, NULL, why, sizeof why));
    CHECK(why[0] != 0);
    free(bomb);
    /* A JPEG cut in half. */
    unsigned char *jpg = gen_jpeg(400, 300, GEN_JPEG_RGB, false, NULL, 0, gen_gradient, &len);
    CHECK(!thumb_encode(jpg, len / 2, THUMB_MAX_SIDE, THUMB_QUALITY, &out, NULL, NULL, why,
                        sizeof why));
    CHECK_INT(out.len, 0);
    free(jpg);
    buf_free(&out);
}

static void test_file(void)
{
    char *dir = gen_tempdir("thumb");
    size_t len;
    unsigned char *jpg = gen_jpeg(1200, 900, GEN_JPEG_RGB, false, NULL, 0, gen_quadrants, &len);
    char *src = gen_write(dir, "photo.jpg", jpg, len);
    char dest[1024];
    snprintf(dest, sizeof dest, "%s/photo.thumb.jpg", dir);
    char why[256];
    CHECK(thumb_file(src, dest, THUMB_MAX_SIDE, THUMB_QUALITY, why, sizeof why));
    struct stat st;
    CHECK(stat(dest, &st) == 0 && st.st_size > 0);
    /* A missing source: false, and nothing written. */
    char missing[1024], dest2[1024];
    snprintf(missing, sizeof missing, "%s/nope.jpg", dir);
    snprintf(dest2, sizeof dest2, "%s/nope.thumb.jpg", dir);
    CHECK(!thumb_file(missing, dest2, THUMB_MAX_SIDE, THUMB_QUALITY, why, sizeof why));
    CHECK(stat(dest2, &st) != 0);
    /* An unwritable destination: false with the reason. */
    snprintf(dest2, sizeof dest2, "%s/no-such-folder/x.thumb.jpg", dir);
    CHECK(!thumb_file(src, dest2, THUMB_MAX_SIDE, THUMB_QUALITY, why, sizeof why));
    CHECK(strstr(why, "cannot write") != NULL);
    const char *names[] = {"photo.jpg", "photo.thumb.jpg", NULL};
    gen_cleanup(dir, names);
    free(src);
    free(jpg);
    free(dir);
}

TEST_MAIN({
    test_camera_photo();
    test_orientation();
    test_sizes();
    test_formats();
    test_refusals();
    test_file();
})
