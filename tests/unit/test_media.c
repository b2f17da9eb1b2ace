/* media: probing image headers.  Every image is generated here (see
 * gen_images.h) or written byte by byte, so each case shows what it holds. */
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gen_images.h"
#include "input/media.h"

/* Probes a copy of exactly len bytes on the heap, so that a sanitizer or
 * valgrind sees any read past the end. */
static media_status probe(const unsigned char *data, size_t len, media_info *mi)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, data, len);
    media_status st = media_probe(copy, len, mi);
    free(copy);
    return st;
}

/* Every prefix of a valid file: never a different size, never OK before
 * the size is known, never a read past the end. */
static void check_prefixes(const unsigned char *data, size_t len, const media_info *full)
{
    int bad = 0;
    for (size_t n = 0; n < len; n++) {
        media_info mi;
        media_status st = probe(data, n, &mi);
        if (st == MEDIA_OK && (mi.width != full->width || mi.height != full->height)) bad++;
        if (st != MEDIA_OK && st != MEDIA_ERR_TRUNCATED) bad++;
        if (n > 0 && mi.format != full->format) bad++;
    }
    CHECK_INT(bad, 0);
}

/* Random byte changes (a fixed-seed LCG, so runs repeat): the probe must
 * stay within the buffer and keep its promises about what OK means. */
static void check_mutations(const unsigned char *data, size_t len, unsigned seed)
{
    unsigned char *m = malloc(len);
    uint32_t r = seed;
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(m, data, len);
        int edits = 1 + round % 4;
        for (int e = 0; e < edits; e++) {
            r = r * 1664525u + 1013904223u;
            /* Most edits hit the header, where the probe looks. */
            size_t at = (r >> 8) % (len < 256 || round % 3 ? (len < 256 ? len : 256) : len);
            r = r * 1664525u + 1013904223u;
            m[at] = (unsigned char)(r >> 24);
        }
        r = r * 1664525u + 1013904223u;
        size_t n = round % 5 == 0 ? (r >> 8) % (len + 1) : len;
        media_info mi;
        if (probe(m, n, &mi) == MEDIA_OK) {
            if (mi.width <= 0 || mi.height <= 0 ||
                (uint64_t)mi.width * (uint64_t)mi.height > MEDIA_MAX_PIXELS)
                bad++;
            if (mi.orientation < 1 || mi.orientation > 8) bad++;
            if (mi.format != MEDIA_PNG && mi.format != MEDIA_JPEG && mi.format != MEDIA_WEBP) bad++;
        }
    }
    free(m);
    CHECK_INT(bad, 0);
}

static void test_png(void)
{
    static const struct {
        int type, depth;
        bool interlace;
        gen_pixel_fn fn;
        int components;
        bool alpha;
    } cases[] = {
        {PNG_COLOR_TYPE_RGB, 8, false, gen_gradient, 3, false},
        {PNG_COLOR_TYPE_RGB_ALPHA, 8, false, gen_alpha, 4, true},
        {PNG_COLOR_TYPE_PALETTE, 8, false, gen_quadrants, 3, false},
        {PNG_COLOR_TYPE_PALETTE, 8, false, gen_alpha, 4, true},   /* tRNS */
        {PNG_COLOR_TYPE_GRAY, 8, false, gen_gradient, 1, false},
        {PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, gen_alpha, 2, true},
        {PNG_COLOR_TYPE_RGB, 16, false, gen_gradient, 3, false},
        {PNG_COLOR_TYPE_RGB_ALPHA, 16, true, gen_alpha, 4, true},
        {PNG_COLOR_TYPE_RGB, 8, true, gen_gradient, 3, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *png = gen_png(37, 23, cases[i].type, cases[i].depth, cases[i].interlace,
                                     cases[i].fn, &len);
        media_info mi;
        CHECK_INT(probe(png, len, &mi), MEDIA_OK);
        CHECK_INT(mi.format, MEDIA_PNG);
        CHECK_INT(mi.width, 37);
        CHECK_INT(mi.height, 23);
        CHECK_INT(mi.orientation, 1);
        CHECK_INT(mi.bit_depth, cases[i].depth);
        CHECK_INT(mi.components, cases[i].components);
        CHECK_INT(mi.alpha, cases[i].alpha);
        CHECK_INT(mi.progressive, cases[i].interlace);
        check_prefixes(png, len, &mi);
        check_mutations(png, len, (unsigned)i + 1);
        free(png);
    }
}

static void test_jpeg(void)
{
    static const struct {
        gen_jpeg_kind kind;
        bool progressive;
        int components;
    } cases[] = {
        {GEN_JPEG_RGB, false, 3},
        {GEN_JPEG_RGB, true, 3},
        {GEN_JPEG_GREY, false, 1},
        {GEN_JPEG_GREY, true, 1},
        {GEN_JPEG_CMYK_ADOBE, false, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *jpg = gen_jpeg(41, 19, cases[i].kind, cases[i].progressive, NULL, 0,
                                      gen_gradient, &len);
        media_info mi;
        CHECK_INT(probe(jpg, len, &mi), MEDIA_OK);
        CHECK_INT(mi.format, MEDIA_JPEG);
        CHECK_INT(mi.width, 41);
        CHECK_INT(mi.height, 19);
        CHECK_INT(mi.orientation, 1);
        CHECK_INT(mi.bit_depth, 8);
        CHECK_INT(mi.components, cases[i].components);
        CHECK_INT(mi.progressive, cases[i].progressive);
        check_prefixes(jpg, len, &mi);
        check_mutations(jpg, len, 100 + (unsigned)i);
        free(jpg);
    }
}

static void test_exif(void)
{
    for (int o = 1; o <= 8; o++)
        for (int be = 0; be < 2; be++) {
            size_t elen, len;
            unsigned char *exif = gen_exif(o, be, &elen);
            unsigned char *jpg = gen_jpeg(40, 20, GEN_JPEG_RGB, false, exif, elen,
                                          gen_left_right, &len);
            media_info mi;
            CHECK_INT(probe(jpg, len, &mi), MEDIA_OK);
            CHECK_INT(mi.orientation, o);
            int w, h;
            media_oriented_size(&mi, &w, &h);
            CHECK_INT(w, o >= 5 ? 20 : 40);
            CHECK_INT(h, o >= 5 ? 40 : 20);
            if (o == 6) check_mutations(jpg, len, 200 + (unsigned)be);
            free(jpg);
            free(exif);
        }

    /* Hostile EXIF: each variant of an orientation-6 block, damaged, must
     * leave orientation 1 and the size readable. */
    size_t elen;
    unsigned char *good = gen_exif(6, false, &elen);
    /* Offsets inside the payload: "Exif\0\0" (6), TIFF header at 6, IFD0 at
     * 6 + 8 = 14, count at 14, entry 0 at 16, entry 1 (orientation) at 28. */
    struct { size_t at; const char *bytes; size_t n; } damage[] = {
        {10, "\xf0\xff\xff\xff", 4},   /* IFD0 offset far past the end */
        {10, "\xfe\xff\xff\xff", 4},   /* offset + 2 wraps a 32-bit sum */
        {10, "\x00\x00\x00\x00", 4},   /* IFD0 inside the TIFF header */
        {14, "\xff\xff", 2},           /* 65535 entries in a 40-byte block */
        {30, "\x04\x00", 2},           /* orientation as LONG */
        {32, "\x02\x00\x00\x00", 4},   /* count 2 */
        {36, "\x09\x00", 2},           /* value 9 */
        {36, "\x00\x00", 2},           /* value 0 */
        {6, "XX", 2},                  /* no byte order */
        {0, "Exif\0X", 6},             /* not an EXIF block */
    };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        unsigned char *e = malloc(elen);
        memcpy(e, good, elen);
        memcpy(e + damage[i].at, damage[i].bytes, damage[i].n);
        size_t len;
        unsigned char *jpg = gen_jpeg(16, 8, GEN_JPEG_RGB, false, e, elen, gen_left_right, &len);
        media_info mi;
        CHECK_INT(probe(jpg, len, &mi), MEDIA_OK);
        CHECK_INT(mi.orientation, damage[i].at == 14 ? 6 : 1);
        CHECK_INT(mi.width, 16);
        free(jpg);
        free(e);
    }
    /* A block cut right after the count: the entries are missing. */
    {
        size_t len;
        unsigned char *jpg = gen_jpeg(16, 8, GEN_JPEG_RGB, false, good, 16, gen_left_right, &len);
        media_info mi;
        CHECK_INT(probe(jpg, len, &mi), MEDIA_OK);
        CHECK_INT(mi.orientation, 1);
        free(jpg);
    }
    free(good);
}

static void test_jpeg_refused(void)
{
    size_t len;
    media_info mi;
    unsigned char *j;

    j = gen_jpeg_header(0xC0, 20000, 20000, 8, 3, &len);
    CHECK_INT(probe(j, len, &mi), MEDIA_ERR_TOO_LARGE);
    CHECK_INT(mi.format, MEDIA_JPEG);
    CHECK_INT(mi.width, 20000);
    free(j);
    j = gen_jpeg_header(0xC2, 65000, 65000, 8, 3, &len);
    CHECK_INT(probe(j, len, &mi), MEDIA_ERR_TOO_LARGE);
    free(j);
    j = gen_jpeg_header(0xC0, 0, 100, 8, 3, &len);   /* height from DNL: refused */
    CHECK_INT(probe(j, len, &mi), MEDIA_ERR_TOO_LARGE);
    free(j);
    /* 8000 x 5000 = exactly the limit: allowed. */
    j = gen_jpeg_header(0xC0, 8000, 5000, 8, 3, &len);
    CHECK_INT(probe(j, len, &mi), MEDIA_OK);
    CHECK_INT(mi.width, 8000);
    free(j);
    j = gen_jpeg_header(0xC0, 8001, 5000, 8, 3, &len);
    CHECK_INT(probe(j, len, &mi), MEDIA_ERR_TOO_LARGE);
    free(j);

    /* 12-bit samples: the 8-bit libjpeg-turbo build cannot decode them. */
    j = gen_jpeg_header(0xC1, 100, 100, 12, 3, &len);
    CHECK_INT(probe(j, len, &mi), MEDIA_ERR_UNSUPPORTED);
    CHECK_INT(mi.format, MEDIA_JPEG);
    CHECK_INT(mi.bit_depth, 12);
    free(j);
    /* lossless, hierarchical, arithmetic */
    const unsigned sofs[] = {0xC3, 0xC5, 0xC9, 0xCA};
    for (size_t i = 0; i < 4; i++) {
        j = gen_jpeg_header(sofs[i], 100, 100, 8, 3, &len);
        CHECK_INT(probe(j, len, &mi), MEDIA_ERR_UNSUPPORTED);
        free(j);
    }
    j = gen_jpeg_header(0xC0, 100, 100, 8, 2, &len);   /* two components */
    CHECK_INT(probe(j, len, &mi), MEDIA_ERR_UNSUPPORTED);
    free(j);

    /* EOI or SOS before any frame header: not a JPEG one can draw. */
    CHECK_INT(probe((const unsigned char *)"\xFF\xD8\xFF\xD9", 4, &mi), MEDIA_ERR_UNKNOWN);
    CHECK_INT(probe((const unsigned char *)"\xFF\xD8\xFF\xDA\x00\x02", 6, &mi), MEDIA_ERR_UNKNOWN);
    CHECK_INT(probe((const unsigned char *)"\xFF\xD8\xFF\xE0\x00\x01", 6, &mi), MEDIA_ERR_UNKNOWN);
    /* A segment longer than the file: truncated. */
    CHECK_INT(probe((const unsigned char *)"\xFF\xD8\xFF\xE0\x40\x00JFIF", 10, &mi),
              MEDIA_ERR_TRUNCATED);
    CHECK_INT(probe((const unsigned char *)"\xFF\xD8", 2, &mi), MEDIA_ERR_TRUNCATED);
    CHECK_INT(mi.format, MEDIA_JPEG);
}

static void test_png_refused(void)
{
    size_t len;
    media_info mi;
    unsigned char *p;

    p = gen_png_header(20000, 20000, &len);
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_TOO_LARGE);
    CHECK_INT(mi.format, MEDIA_PNG);
    CHECK_INT(mi.width, 20000);
    free(p);
    p = gen_png_header(65000, 65000, &len);
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_TOO_LARGE);
    free(p);
    p = gen_png_header(0xFFFFFFFFu, 1, &len);   /* beyond PNG's 2^31 - 1 */
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_UNKNOWN);
    free(p);
    p = gen_png_header(0, 10, &len);
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_TOO_LARGE);
    free(p);
    p = gen_png_header(100, 100, &len);
    CHECK_INT(probe(p, len, &mi), MEDIA_OK);
    /* IHDR data at 16: width, height, then depth (24) and colour type (25). */
    p[25] = 7;   /* colour type 7 does not exist */
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_UNKNOWN);
    p[25] = 2;
    p[24] = 4;   /* RGB at 4 bits is not allowed */
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_UNKNOWN);
    p[24] = 8;
    CHECK_INT(probe(p, len, &mi), MEDIA_OK);
    memcpy(p + 12, "gAMA", 4);   /* IHDR must come first */
    CHECK_INT(probe(p, len, &mi), MEDIA_ERR_UNKNOWN);
    CHECK_INT(mi.format, MEDIA_PNG);
    free(p);
    /* A file cut inside the signature is a truncated PNG. */
    CHECK_INT(probe((const unsigned char *)"\x89PN", 3, &mi), MEDIA_ERR_TRUNCATED);
    CHECK_INT(mi.format, MEDIA_PNG);
}

static void test_webp(void)
{
    static const struct {
        bool lossless, alpha;
        const char *chunk;
    } cases[] = {
        {false, false, "VP8 "},
        {true, false, "VP8L"},
        {true, true, "VP8L"},
        {false, true, "VP8X"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *w = gen_webp(45, 27, cases[i].lossless, cases[i].alpha,
                                    cases[i].alpha ? gen_alpha : gen_gradient, &len);
        CHECK(len > 20 && memcmp(w + 12, cases[i].chunk, 4) == 0);
        media_info mi;
        CHECK_INT(probe(w, len, &mi), MEDIA_OK);
        CHECK_INT(mi.format, MEDIA_WEBP);
        CHECK_INT(mi.width, 45);
        CHECK_INT(mi.height, 27);
        CHECK_INT(mi.alpha, cases[i].alpha);
        CHECK_INT(mi.components, cases[i].alpha ? 4 : 3);
        check_prefixes(w, len, &mi);
        check_mutations(w, len, 300 + (unsigned)i);
        free(w);
    }
    /* VP8X declaring 16384 x 16384 (over the limit), and an animation. */
    unsigned char x[30] = "RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0\xff\x3f\0\xff\x3f\0";
    media_info mi;
    CHECK_INT(probe(x, 30, &mi), MEDIA_ERR_TOO_LARGE);
    CHECK_INT(mi.width, 16384);
    x[20] = 0x02;
    x[24] = 99; x[25] = 0; x[27] = 99; x[28] = 0;
    CHECK_INT(probe(x, 30, &mi), MEDIA_ERR_UNSUPPORTED);
    CHECK_INT(mi.width, 100);
    /* RIFF but not WebP (a WAV file). */
    CHECK_INT(probe((const unsigned char *)"RIFF\x24\0\0\0WAVEfmt ", 16, &mi), MEDIA_ERR_UNKNOWN);
}

static void test_other_formats(void)
{
    media_info mi;
    const unsigned char gif[] = "GIF89a\x20\x00\x10\x00\xf7\x00\x00";
    CHECK_INT(probe(gif, sizeof gif - 1, &mi), MEDIA_ERR_UNSUPPORTED);
    CHECK_INT(mi.format, MEDIA_GIF);
    CHECK_INT(mi.width, 32);
    CHECK_INT(mi.height, 16);
    CHECK_STR(media_format_name(mi.format), "gif");

    unsigned char bmp[54] = "BM";
    bmp[14] = 40;                   /* BITMAPINFOHEADER */
    bmp[18] = 64;                   /* width 64 */
    memcpy(bmp + 22, "\xe0\xff\xff\xff", 4);   /* height -32: top-down */
    CHECK_INT(probe(bmp, sizeof bmp, &mi), MEDIA_ERR_UNSUPPORTED);
    CHECK_INT(mi.format, MEDIA_BMP);
    CHECK_INT(mi.width, 64);
    CHECK_INT(mi.height, 32);

    const char *svgs[] = {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
        "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- made by hand -->\n"
        "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n<svg>\n</svg>\n",
    };
    for (size_t i = 0; i < 2; i++) {
        CHECK_INT(probe((const unsigned char *)svgs[i], strlen(svgs[i]), &mi),
                  MEDIA_ERR_UNSUPPORTED);
        CHECK_INT(mi.format, MEDIA_SVG);
    }

    const char *texts[] = {
        "hello, this is not a picture\n",
        "<html><body><svg></svg></body></html>",
        "<?xml version=\"1.0\"?><svgx/>",
        "BMX is a bike sport, not a bitmap",
        "<!-- an unterminated comment <svg>",
        "GIF8",
        "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t n = i == 6 ? 12 : strlen(texts[i]);
        CHECK_INT(probe((const unsigned char *)texts[i], n, &mi), MEDIA_ERR_UNKNOWN);
        CHECK_INT(mi.format, MEDIA_UNKNOWN);
    }
    CHECK_INT(probe((const unsigned char *)"", 0, &mi), MEDIA_ERR_TRUNCATED);
    CHECK_INT(media_probe(NULL, 0, &mi), MEDIA_ERR_TRUNCATED);
}

static void test_names(void)
{
    CHECK_STR(media_format_name(MEDIA_PNG), "png");
    CHECK_STR(media_format_name(MEDIA_JPEG), "jpeg");
    CHECK_STR(media_format_name(MEDIA_WEBP), "webp");
    CHECK_STR(media_format_name(MEDIA_SVG), "svg");
    CHECK_STR(media_format_name(MEDIA_UNKNOWN), "unknown");
    CHECK_STR(media_status_message(MEDIA_ERR_TRUNCATED), "truncated image header");
    CHECK(strstr(media_status_message(MEDIA_ERR_TOO_LARGE), "megapixels") != NULL);
    media_info mi = {.width = 3, .height = 2, .orientation = 8};
    int w, h;
    media_oriented_size(&mi, &w, &h);
    CHECK_INT(w, 2);
    CHECK_INT(h, 3);
    mi.orientation = 4;
    media_oriented_size(&mi, &w, &h);
    CHECK_INT(w, 3);
}

TEST_MAIN({
    test_png();
    test_jpeg();
    test_exif();
    test_jpeg_refused();
    test_png_refused();
    test_webp();
    test_other_formats();
    test_names();
})
