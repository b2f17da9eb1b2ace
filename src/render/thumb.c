/* thumb: see thumb.h.
 *
 * decode (render/image.c, a JPEG at a DCT scale) → flatten onto white →
 * box filter down to the target size in stored orientation → turn by the
 * EXIF orientation → libjpeg-turbo, baseline, Huffman tables optimised.
 *
 * Size.  The longer side becomes max_side pixels, unless the shorter one
 * would then have fewer than max_side / 2: a panorama keeps max_side / 2
 * pixels of height, because the catalogue crops every thumbnail to a 4:3
 * box and draws that height 25 mm tall.  Never enlarged.
 *
 * Decoding.  A camera JPEG of 4000 x 3000 px decoded at 1/8 is 500 x 375
 * px straight from the DCT coefficients: about a sixtieth of the work and
 * memory of a full decode.  The scale chosen is the smallest that still
 * leaves the target size, so the box filter below always shrinks (by at
 * most 2x) and never enlarges.  PNG and WebP have no
 * such shortcut and are decoded whole; MEDIA_MAX_PIXELS bounds them.
 *
 * Scaling is a box filter (area average) in integers: output pixel x of
 * tw covers source pixels [x*sw/tw, (x+1)*sw/tw), each weighted by the
 * length of its overlap, as a fixed-point weight (the weights of an output
 * add up to exactly 1 << 16).  Weights are computed once per column and
 * row; each source row is filtered across, then added into the (at most
 * two) output rows it falls in: multiply-adds, no division and no
 * floating point per pixel, so the bytes are the same on every machine.
 *
 * Orientation is applied by copying pixels after scaling, with the same
 * mapping render/image.c draws with (CIPA DC-008 tag 0x0112).
 */
#include "render/thumb.h"

#include <errno.h>
#include <stdio.h>
/* jpeglib.h needs FILE and size_t declared first. */
#include <jpeglib.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/mem.h"
#include "input/media.h"
#include "render/image.h"

/* The DCT scale for a JPEG of w x h stored pixels: the largest
 * denominator that still leaves at least tw x th (libjpeg rounds up). */
static int dct_denom(int w, int h, int tw, int th)
{
    for (int d = 8; d > 1; d /= 2)
        if ((w + d - 1) / d >= tw && (h + d - 1) / d >= th) return d;
    return 1;
}

/* The composite of a premultiplied cairo pixel over white, as R, G, B. */
static void over_white(uint32_t px, bool alpha, unsigned char rgb[3])
{
    unsigned r = px >> 16 & 0xff, g = px >> 8 & 0xff, b = px & 0xff;
    if (alpha) {
        unsigned inv = 255 - (px >> 24);
        r += inv;
        g += inv;
        b += inv;
    }
    rgb[0] = (unsigned char)(r > 255 ? 255 : r);
    rgb[1] = (unsigned char)(g > 255 ? 255 : g);
    rgb[2] = (unsigned char)(b > 255 ? 255 : b);
}

/* The box filter from n source samples to m (m <= n) as weights: output
 * k averages the sources [first[k], first[k] + count[k]), source i with
 * weight w[start[k] + i - first[k]], the weights of each output adding up
 * to exactly 1 << 16.  Integer arithmetic throughout, so the tables, and
 * the pixels, are the same on every machine. */
typedef struct taps {
    int *first, *count, *start;
    uint32_t *w;
} taps;

static void taps_make(int n, int m, taps *t)
{
    t->first = mem_alloc((size_t)m * sizeof *t->first);
    t->count = mem_alloc((size_t)m * sizeof *t->count);
    t->start = mem_alloc((size_t)m * sizeof *t->start);
    /* Each output overlaps at most n / m + 2 sources. */
    t->w = mem_alloc(((size_t)n + 2 * (size_t)m) * sizeof *t->w);
    size_t at = 0;
    for (int k = 0; k < m; k++) {
        /* Output k covers [k*n, (k+1)*n), source i covers [i*m, (i+1)*m),
         * in units of 1/(n*m): every overlap is a whole number, and the
         * overlaps of one output add up to n. */
        int64_t lo = (int64_t)k * n, hi = (int64_t)(k + 1) * n;
        t->first[k] = (int)(lo / m);
        t->start[k] = (int)at;
        uint32_t sum = 0;
        size_t k0 = at;
        for (int64_t i = lo / m; i < n && i * m < hi; i++) {
            int64_t a = i * m > lo ? i * m : lo, b = (i + 1) * m < hi ? (i + 1) * m : hi;
            uint32_t wgt = (uint32_t)(((uint64_t)(b - a) << 16) / (uint64_t)n);
            t->w[at++] = wgt;
            sum += wgt;
        }
        t->count[k] = (int)(at - k0);
        /* What flooring lost goes to the first source. */
        if (at > k0) t->w[k0] += (1u << 16) - sum;
    }
}

static void taps_free(taps *t)
{
    free(t->first);
    free(t->count);
    free(t->start);
    free(t->w);
}

/* One source row (sw pixels at src) filtered across to n = 3 tw sums in
 * 1/65536 steps; line is scratch for sw RGB pixels. */
static void across(const uint32_t *src, bool alpha, const taps *hx, int sw, int tw,
                   unsigned char *line, uint32_t *dst)
{
    if (!alpha) {
        /* Opaque (JPEG, most PNGs): the taps read the pixels as they are;
         * over white changes nothing but costs a pass over every source
         * pixel, which is most of a big PNG's thumbnail. */
        for (int x = 0; x < tw; x++) {
            const uint32_t *v = src + hx->first[x];
            const uint32_t *w = hx->w + hx->start[x];
            uint32_t r = 0, g = 0, b = 0;
            for (int k = 0; k < hx->count[x]; k++) {
                r += (v[k] >> 16 & 0xff) * w[k];
                g += (v[k] >> 8 & 0xff) * w[k];
                b += (v[k] & 0xff) * w[k];
            }
            dst[3 * x] = r, dst[3 * x + 1] = g, dst[3 * x + 2] = b;
        }
        return;
    }
    for (int x = 0; x < sw; x++) over_white(src[x], true, line + 3 * x);
    for (int x = 0; x < tw; x++) {
        const unsigned char *v = line + 3 * (size_t)hx->first[x];
        const uint32_t *w = hx->w + hx->start[x];
        uint32_t r = 0, g = 0, b = 0;
        for (int k = 0; k < hx->count[x]; k++, v += 3) {
            r += v[0] * w[k];
            g += v[1] * w[k];
            b += v[2] * w[k];
        }
        dst[3 * x] = r, dst[3 * x + 1] = g, dst[3 * x + 2] = b;
    }
}

/* Box-filters the surface (sw x sh) to tw x th RGB bytes, row-major:
 * each source row across into 1/65536 steps, then down into the output
 * rows it falls in.  Output row y covers consecutive source rows, at
 * least one of them (the filter only shrinks), so a source row falls in
 * at most two output rows and row y is done before row y + 2 starts: two
 * rows of sums are all the memory it needs, not one per source row (a
 * 1212 x 1447 PNG cover kept 5.5 MB of them, every page a fault).  The
 * sums are the same integers in the same order as summing each output
 * row's sources at once. */
static unsigned char *box_scale(cairo_surface_t *s, int tw, int th)
{
    int sw = cairo_image_surface_get_width(s), sh = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    bool alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    taps hx, vy;
    taps_make(sw, tw, &hx);
    taps_make(sh, th, &vy);
    size_t n = (size_t)tw * 3;
    /* Each sample at most 255 << 16: fits 32 bits. */
    uint32_t *row = mem_alloc(n * sizeof *row);
    unsigned char *line = mem_alloc((size_t)sw * 3);
    uint64_t *acc = mem_calloc(2 * n, sizeof *acc); /* output rows y, by y & 1 */
    unsigned char *out = mem_alloc(n * (size_t)th);
    int done = 0; /* output rows finished */
    for (int r = 0; r < sh && done < th; r++) {
        across((const uint32_t *)(px + (size_t)r * (size_t)stride), alpha, &hx, sw, tw, line, row);
        for (int y = done; y < th && vy.first[y] <= r; y++) {
            uint64_t wgt = vy.w[vy.start[y] + (r - vy.first[y])];
            uint64_t *a = acc + (size_t)(y & 1) * n;
            for (size_t x = 0; x < n; x++) a[x] += row[x] * wgt;
        }
        while (done < th && vy.first[done] + vy.count[done] - 1 <= r) {
            uint64_t *a = acc + (size_t)(done & 1) * n;
            unsigned char *o = out + (size_t)done * n;
            /* Sums are in 1/2^32 steps: round to whole values. */
            for (size_t x = 0; x < n; x++) {
                uint64_t v = (a[x] + (1ull << 31)) >> 32;
                o[x] = (unsigned char)(v > 255 ? 255 : v);
            }
            memset(a, 0, n * sizeof *a);
            done++;
        }
    }
    free(acc);
    free(line);
    free(row);
    taps_free(&hx);
    taps_free(&vy);
    return out;
}

/* The displayed position of stored pixel (x, y) of a w x h image under
 * EXIF orientation o (render/image.c's orientation_matrix, at pixel
 * centres). */
static void orient(int o, int w, int h, int x, int y, int *dx, int *dy)
{
    switch (o) {
    case 2: *dx = w - 1 - x, *dy = y; break;
    case 3: *dx = w - 1 - x, *dy = h - 1 - y; break;
    case 4: *dx = x, *dy = h - 1 - y; break;
    case 5: *dx = y, *dy = x; break;
    case 6: *dx = h - 1 - y, *dy = x; break;
    case 7: *dx = h - 1 - y, *dy = w - 1 - x; break;
    case 8: *dx = y, *dy = w - 1 - x; break;
    default: *dx = x, *dy = y; break;
    }
}

typedef struct jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_err;

static void on_error(j_common_ptr ci)
{
    jpeg_err *e = (jpeg_err *)ci->err;
    e->mgr.format_message(ci, e->message);
    longjmp(e->jump, 1);
}

static void on_message(j_common_ptr ci, int level) { (void)ci, (void)level; }

/* Encodes w x h RGB bytes as a baseline JPEG appended to out. */
static bool encode(const unsigned char *rgb, int w, int h, int quality, buf *out, char *why,
                   size_t whysz)
{
    struct jpeg_compress_struct ci;
    jpeg_err err;
    memset(&err, 0, sizeof err);
    ci.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = on_error;
    err.mgr.emit_message = on_message;
    unsigned char *volatile mem = NULL;
    unsigned long memlen = 0;
    if (setjmp(err.jump)) {
        snprintf(why, whysz, "JPEG encoder: %s", err.message);
        jpeg_destroy_compress(&ci);
        free(mem);
        return false;
    }
    jpeg_create_compress(&ci);
    unsigned char *m = NULL;
    jpeg_mem_dest(&ci, &m, &memlen);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = 3;
    ci.in_color_space = JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, TRUE);
    /* Optimised Huffman tables: a tenth smaller, still baseline, and as
     * deterministic as the standard ones. */
    ci.optimize_coding = TRUE;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)ci.next_scanline * (size_t)w * 3);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    mem = m;
    buf_addn(out, (const char *)mem, memlen);
    jpeg_destroy_compress(&ci);
    free(mem);
    return true;
}

bool thumb_encode(const unsigned char *data, size_t len, int max_side, int quality, buf *out,
                  int *w, int *h, char *why, size_t whysz)
{
    if (max_side < 8) max_side = 8;
    if (quality < 1) quality = 1;
    if (quality > 100) quality = 100;
    media_info mi;
    media_status ms = media_probe(data, len, &mi);
    if (ms != MEDIA_OK || !image_decode_size_ok(&mi)) {
        snprintf(why, whysz, "%s", media_status_message(ms == MEDIA_OK ? MEDIA_ERR_TOO_LARGE : ms));
        return false;
    }
    int dw, dh;
    media_oriented_size(&mi, &dw, &dh);
    int long_side = dw > dh ? dw : dh, short_side = dw > dh ? dh : dw;
    /* The scale, as the fraction num / den of the displayed size: the long
     * side to max_side, unless the short side would drop under half of it
     * (a panorama: the catalogue crops it to its box, and needs height). */
    int64_t num = max_side, den = long_side;
    if ((int64_t)short_side * max_side < (int64_t)long_side * (max_side / 2)) {
        num = max_side / 2;
        den = short_side;
    }
    if (num > den) num = den = 1;   /* never enlarged */
    /* Computed from the probe, the size keeps the exact aspect ratio (a
     * DCT scale rounds the decoded size up). */
    int tw = (int)((dw * num + den / 2) / den), th = (int)((dh * num + den / 2) / den);
    if (tw < 1) tw = 1;
    if (th < 1) th = 1;
    int o = mi.orientation >= 1 && mi.orientation <= 8 ? mi.orientation : 1;
    bool swap = o >= 5;
    int denom = mi.format == MEDIA_JPEG
                    ? dct_denom(mi.width, mi.height, swap ? th : tw, swap ? tw : th) : 1;
    cairo_surface_t *s = image_decode(data, len, denom, &mi, why, whysz);
    if (!s) return false;
    cairo_surface_flush(s);
    /* The target in stored orientation, never larger than what was
     * decoded (the filter only shrinks). */
    int stw = swap ? th : tw, sth = swap ? tw : th;
    if (stw > cairo_image_surface_get_width(s)) stw = cairo_image_surface_get_width(s);
    if (sth > cairo_image_surface_get_height(s)) sth = cairo_image_surface_get_height(s);
    unsigned char *scaled = box_scale(s, stw, sth);
    cairo_surface_destroy(s);
    tw = swap ? sth : stw;
    th = swap ? stw : sth;
    unsigned char *shown = scaled;
    if (o != 1) {
        shown = mem_alloc((size_t)tw * (size_t)th * 3);
        for (int y = 0; y < sth; y++)
            for (int x = 0; x < stw; x++) {
                int dx, dy;
                orient(o, stw, sth, x, y, &dx, &dy);
                memcpy(shown + ((size_t)dy * (size_t)tw + (size_t)dx) * 3,
                       scaled + ((size_t)y * (size_t)stw + (size_t)x) * 3, 3);
            }
        free(scaled);
    }
    bool ok = encode(shown, tw, th, quality, out, why, whysz);
    free(shown);
    if (ok && w) *w = tw;
    if (ok && h) *h = th;
    return ok;
}

bool thumb_file(const char *src, const char *dest, int max_side, int quality, char *why,
                size_t whysz)
{
    size_t len = 0;
    unsigned char *data = (unsigned char *)file_read_all(src, MEDIA_MAX_BYTES, &len);
    if (!data) {
        snprintf(why, whysz, "%s", strerror(errno));
        return false;
    }
    buf jpg = BUF_INIT;
    bool ok = thumb_encode(data, len, max_side, quality, &jpg, NULL, NULL, why, whysz);
    free(data);
    if (ok) {
        file_out *fo = file_out_open(dest);
        ok = fo != NULL;
        if (ok && fwrite(jpg.s, 1, jpg.len, file_out_stream(fo)) != jpg.len) {
            file_out_abort(fo);
            ok = false;
        } else if (ok) {
            ok = file_out_commit(fo);
        }
        if (!ok) snprintf(why, whysz, "cannot write %s: %s", dest, strerror(errno));
    }
    buf_free(&jpg);
    return ok;
}
