/* gen_bad: writes the binary inputs of the bad-input catalogue.
 *
 *   gen_bad DIR      writes DIR/<name> for every image below
 *
 * The catalogue (tests/bad/catalogue) refers to these files by name; the
 * runner (tests/bad/run.sh) calls this at test time into a temporary folder,
 * so no binary file is committed.  Valid images come from libpng, libjpeg
 * and libwebp through tests/unit/gen_images.h; broken ones are cut or
 * hand-made from them here, each with a comment saying what is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/gen_images.h"

static const char *dir;

static void put(const char *name, const void *data, size_t len)
{
    free(gen_write(dir, name, data, len));
}

static void put_text(const char *name, const char *text) { put(name, text, strlen(text)); }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_bad DIR\n");
        return 2;
    }
    dir = argv[1];
    size_t n;
    unsigned char *p;

    /* Good images, in every variant the issue names. */
    p = gen_jpeg(64, 48, GEN_JPEG_RGB, false, NULL, 0, gen_quadrants, &n);
    put("photo.jpg", p, n);
    /* Cut in the middle of the entropy-coded scan: no EOI. */
    put("truncated.jpg", p, n / 2);
    /* Cut inside the header, before the frame header. */
    put("truncated-header.jpg", p, 12);
    free(p);
    p = gen_jpeg(64, 48, GEN_JPEG_CMYK_ADOBE, false, NULL, 0, gen_gradient, &n);
    put("cmyk.jpg", p, n);
    free(p);
    p = gen_jpeg(64, 48, GEN_JPEG_RGB, true, NULL, 0, gen_gradient, &n);
    put("progressive.jpg", p, n);
    free(p);
    p = gen_jpeg(64, 48, GEN_JPEG_GREY, false, NULL, 0, gen_gradient, &n);
    put("grey.jpg", p, n);
    free(p);

    p = gen_png(64, 48, PNG_COLOR_TYPE_RGB, 8, false, gen_quadrants, &n);
    put("photo.png", p, n);
    /* Cut inside IDAT. */
    put("truncated.png", p, n / 2);
    /* The signature alone. */
    put("truncated-sig.png", p, 8);
    free(p);
    p = gen_png(64, 48, PNG_COLOR_TYPE_RGB, 16, false, gen_gradient, &n);
    put("rgb16.png", p, n);
    free(p);
    p = gen_png(64, 48, PNG_COLOR_TYPE_PALETTE, 8, false, gen_quadrants, &n);
    put("palette.png", p, n);
    free(p);
    p = gen_png(64, 48, PNG_COLOR_TYPE_PALETTE, 8, false, gen_alpha, &n);
    put("palette-trns.png", p, n);
    free(p);
    p = gen_png(64, 48, PNG_COLOR_TYPE_RGB, 8, true, gen_gradient, &n);
    put("interlaced.png", p, n);
    free(p);
    p = gen_png(64, 48, PNG_COLOR_TYPE_RGB_ALPHA, 8, false, gen_alpha, &n);
    put("alpha.png", p, n);
    free(p);
    p = gen_png(64, 48, PNG_COLOR_TYPE_GRAY_ALPHA, 16, true, gen_alpha, &n);
    put("grey-alpha16-interlaced.png", p, n);
    free(p);

    p = gen_webp(64, 48, false, false, gen_quadrants, &n);
    put("photo.webp", p, n);
    free(p);
    p = gen_webp(64, 48, true, true, gen_alpha, &n);
    put("alpha.webp", p, n);
    free(p);

    /* Headers declaring more pixels than MEDIA_MAX_PIXELS: nothing after
     * the header, so a decoder that trusted them would allocate first and
     * fail later. */
    p = gen_png_header(20000, 20000, &n);
    put("huge-20000.png", p, n);
    free(p);
    p = gen_png_header(65000, 65000, &n);
    put("huge-65000.png", p, n);
    free(p);
    p = gen_jpeg_header(0xC0, 20000, 20000, 8, 3, &n);
    put("huge-20000.jpg", p, n);
    free(p);
    p = gen_jpeg_header(0xC0, 65000, 65000, 8, 3, &n);
    put("huge-65000.jpg", p, n);
    free(p);
    /* Within the limit by its header, but a lie: 6000 x 6000 = 36 MP
     * declared, a 64 x 48 scan. */
    p = gen_jpeg_header(0xC0, 6000, 6000, 8, 3, &n);
    put("header-only.jpg", p, n);
    free(p);

    /* Text named .png. */
    put_text("text.png", "this is not a picture\n");
    /* Empty file named .jpg. */
    put("empty.jpg", "", 0);

    /* Formats folio recognises and does not draw. */
    static const unsigned char gif[] = {
        'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0,        /* 1x1, 2-colour table */
        0, 0, 0, 0xff, 0xff, 0xff,                                     /* black, white */
        0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0,                               /* image descriptor */
        2, 2, 0x44, 1, 0,                                              /* LZW data */
        0x3b};
    put("anim.gif", gif, sizeof gif);
    /* A 1x1 24-bit BMP with a 40-byte info header. */
    static const unsigned char bmp[] = {
        'B', 'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
        40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0,
        4, 0, 0, 0, 0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0xff, 0};
    put("icon.bmp", bmp, sizeof bmp);
    put_text("logo.svg",
             "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
             "width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>\n");
    return 0;
}
