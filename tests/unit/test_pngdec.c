/* pngdec: the PNGs it takes decode to exactly the pixels libpng's
 * simplified API gives (as image.c asks for them), the others are left to
 * libpng, and damage is found.  With ../shared present, every PNG of the
 * seed and the corpus is compared too. */
#include <dirent.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/file.h"
#include "check.h"
#include "gen_images.h"
#include "render/pngdec.h"

/* libpng's pixels, as render/image.c's png_decode() asks for them:
 * native 0xAARRGGBB, straight alpha; NULL when libpng refuses the file. */
static uint32_t *by_libpng(const unsigned char *d, size_t len, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, d, len)) return NULL;
    img.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    const uint16_t one = 1;
    img.format = *(const unsigned char *)&one ? PNG_FORMAT_BGRA : PNG_FORMAT_ARGB;
    uint32_t *px = calloc((size_t)img.width * img.height, 4);
    if (!png_image_finish_read(&img, NULL, px, (png_int_32)img.width * 4, NULL)) {
        png_image_free(&img);
        free(px);
        return NULL;
    }
    *w = (int)img.width, *h = (int)img.height;
    return px;
}

/* True when pngdec takes the file and gives libpng's pixels; *taken says
 * whether it took it. */
static bool same_as_libpng(const unsigned char *d, size_t len, bool *taken)
{
    pngdec_info pi;
    *taken = pngdec_probe(d, len, &pi);
    if (!*taken) return true;
    int w = 0, h = 0;
    uint32_t *ref = by_libpng(d, len, &w, &h);
    if (!ref || w != pi.width || h != pi.height) {
        free(ref);
        return false;
    }
    uint32_t *px = calloc((size_t)w * (size_t)h, 4);
    bool ok = pngdec_read(d, len, (unsigned char *)px, w * 4) &&
              !memcmp(px, ref, (size_t)w * (size_t)h * 4);
    free(px);
    free(ref);
    return ok;
}

/* Colours that make libpng's writer choose every filter type somewhere:
 * smooth gradients (Sub, Up, Average, Paeth) and noise (None). */
static uint32_t varied(int x, int y, int w, int h)
{
    (void)w, (void)h;
    uint32_t n = (uint32_t)(x * 7919 + y * 104729) * 2654435761u;
    if ((y / 5) % 3 == 2) return n | 0x80;
    unsigned r = (unsigned)(x * 255 / 40), g = (unsigned)(y * 255 / 30), b = (unsigned)((x + y) * 3);
    unsigned a = (unsigned)(y < 10 ? 255 : (x * 9 + y) & 0xff);
    return r << 24 | g << 16 | (b & 0xff) << 8 | a;
}

/* Few colours, for a palette (at most 256 of them). */
static uint32_t few(int x, int y, int w, int h)
{
    (void)w, (void)h;
    static const uint32_t c[5] = {0xff0000ff, 0x00ff00ff, 0x336699ff, 0xffffff00, 0x10203080};
    return c[(x / 3 + y / 2 + x * y) % 5];
}

static uint32_t opaque_few(int x, int y, int w, int h) { return few(x, y, w, h) | 0xff; }

/* The PNG with a chunk (type, body) inserted after IHDR. */
static unsigned char *with_chunk(const unsigned char *d, size_t len, const char *type,
                                 const unsigned char *body, uint32_t n, size_t *outlen)
{
    size_t at = 8 + 12 + 13;
    unsigned char *o = malloc(len + 12 + n);
    memcpy(o, d, at);
    unsigned char *c = o + at;
    c[0] = (unsigned char)(n >> 24), c[1] = (unsigned char)(n >> 16);
    c[2] = (unsigned char)(n >> 8), c[3] = (unsigned char)n;
    memcpy(c + 4, type, 4);
    memcpy(c + 8, body, n);
    uint32_t crc = (uint32_t)crc32(0, c + 4, n + 4);
    c[8 + n] = (unsigned char)(crc >> 24), c[9 + n] = (unsigned char)(crc >> 16);
    c[10 + n] = (unsigned char)(crc >> 8), c[11 + n] = (unsigned char)crc;
    memcpy(c + 12 + n, d + at, len - at);
    *outlen = len + 12 + n;
    return o;
}

static void test_generated(void)
{
    static const struct {
        int ctype;
        gen_pixel_fn fn;
        bool alpha;
    } kinds[] = {
        {PNG_COLOR_TYPE_GRAY, varied, false},
        {PNG_COLOR_TYPE_RGB, varied, false},
        {PNG_COLOR_TYPE_RGB_ALPHA, varied, true},
        {PNG_COLOR_TYPE_GRAY_ALPHA, varied, true},
        {PNG_COLOR_TYPE_PALETTE, few, true},        /* with tRNS */
        {PNG_COLOR_TYPE_PALETTE, opaque_few, false}, /* without */
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t len;
        unsigned char *d = gen_png(41, 31, kinds[k].ctype, 8, false, kinds[k].fn, &len);
        pngdec_info pi;
        CHECK(pngdec_probe(d, len, &pi));
        CHECK_INT(pi.width, 41);
        CHECK_INT(pi.height, 31);
        CHECK(pi.alpha == kinds[k].alpha);
        bool taken;
        CHECK(same_as_libpng(d, len, &taken) && taken);

        /* An sRGB gamma is no reason to leave it; another gamma is. */
        unsigned char g22[4] = {0, 0, 0xb1, 0x8f}; /* 45455 */
        unsigned char g10[4] = {0, 1, 0x86, 0xa0}; /* 100000 */
        size_t n2;
        unsigned char *e = with_chunk(d, len, "gAMA", g22, 4, &n2);
        CHECK(same_as_libpng(e, n2, &taken) && taken);
        free(e);
        e = with_chunk(d, len, "gAMA", g10, 4, &n2);
        CHECK(!pngdec_probe(e, n2, &pi));
        free(e);
        /* Nor an unknown ancillary chunk; an unknown critical one is. */
        e = with_chunk(d, len, "teXt", (const unsigned char *)"x", 1, &n2);
        CHECK(same_as_libpng(e, n2, &taken) && taken);
        free(e);
        e = with_chunk(d, len, "ZZZZ", (const unsigned char *)"x", 1, &n2);
        CHECK(!pngdec_probe(e, n2, &pi));
        free(e);

        /* Damage in the pixel data: the CRC finds it. */
        unsigned char *bad = malloc(len);
        memcpy(bad, d, len);
        bad[len - 12 - 8] ^= 0x55; /* in the last IDAT, before its CRC */
        CHECK(pngdec_probe(bad, len, &pi));
        unsigned char *px = malloc((size_t)41 * 31 * 4);
        CHECK(!pngdec_read(bad, len, px, 41 * 4));
        free(px);
        /* Cut short: not taken. */
        CHECK(!pngdec_probe(bad, len / 2, &pi));
        free(bad);
        free(d);
    }
    /* Left to libpng: 16 bits, interlacing, a colour key. */
    size_t len;
    pngdec_info pi;
    unsigned char *d = gen_png(9, 7, PNG_COLOR_TYPE_RGB, 16, false, varied, &len);
    CHECK(!pngdec_probe(d, len, &pi));
    free(d);
    d = gen_png(9, 7, PNG_COLOR_TYPE_RGB, 8, true, varied, &len);
    CHECK(!pngdec_probe(d, len, &pi));
    unsigned char key[6] = {0, 1, 0, 2, 0, 3};
    size_t n2;
    unsigned char *e = with_chunk(d, len, "tRNS", key, 6, &n2);
    CHECK(!pngdec_probe(e, n2, &pi));
    free(e);
    free(d);
}

/* Every PNG under dir (recursively), compared with libpng. */
static void compare_tree(const char *dir, int *taken, int *seen)
{
    DIR *dp = opendir(dir);
    if (!dp) return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st)) continue;
        if (S_ISDIR(st.st_mode)) {
            compare_tree(path, taken, seen);
            continue;
        }
        size_t len = 0;
        unsigned char *d = (unsigned char *)file_read_all(path, 64u << 20, &len);
        if (d && len > 8 && !memcmp(d, "\x89PNG", 4)) {
            bool t;
            bool same = same_as_libpng(d, len, &t);
            if (!same) fprintf(stderr, "differs from libpng: %s\n", path);
            CHECK(same);
            (*seen)++;
            *taken += t;
        }
        free(d);
    }
    closedir(dp);
}

static void test_shared(void)
{
    struct stat st;
    if (stat(FOLIO_SHARED_DIR "/corpus", &st)) {
        printf("shared PNGs: skipped (no %s)\n", FOLIO_SHARED_DIR);
        return;
    }
    int taken = 0, seen = 0;
    compare_tree(FOLIO_SHARED_DIR "/corpus", &taken, &seen);
    compare_tree(FOLIO_SHARED_DIR "/seed", &taken, &seen);
    printf("shared PNGs: %d of %d decoded here, all as libpng decodes them\n", taken, seen);
    CHECK(seen > 0);
}

TEST_MAIN({
    test_generated();
    test_shared();
})
