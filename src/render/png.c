/* png: pictures of pages, for people to look at (--png, contact sheets).
 *
 * Pixels need decoded images, so JPEGs are decoded here (and only here).
 * Files are written atomically like every output.
 */
#include "render/png.h"

#include <cairo.h>
#include <errno.h>
#include <string.h>

#include "base/file.h"
#include "render/draw.h"
#include "render/image.h"

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int len)
{
    FILE *fp = closure;
    return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static bool save(cairo_surface_t *s, const char *path, diag_list *dl)
{
    file_out *fo = file_out_open(path);
    if (!fo) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        return false;
    }
    cairo_status_t st = cairo_surface_write_to_png_stream(s, write_stream, file_out_stream(fo));
    if (st != CAIRO_STATUS_SUCCESS) {
        file_out_abort(fo);
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write PNG: %s", cairo_status_to_string(st));
        return false;
    }
    if (!file_out_commit(fo)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        return false;
    }
    return true;
}

bool png_write_page(const pageset *ps, size_t i, int width, const char *path,
                    const char *diag_file, diag_list *dl)
{
    const page *pg = pageset_page_const(ps, i);
    double scale = width / (pg->w / 1024.0);
    int height = (int)(pg->h / 1024.0 * scale + 0.5);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    image_cache *ic = image_cache_new();
    draw_page(cr, pg, ic, diag_file, dl);
    cairo_destroy(cr);
    image_cache_free(ic);
    bool ok = save(s, path, dl);
    cairo_surface_destroy(s);
    return ok;
}

bool png_write_contact(const pageset *ps, int columns, int thumb_width, const char *path,
                       const char *diag_file, diag_list *dl)
{
    size_t n = pageset_npages(ps);
    if (n == 0 || columns < 1) return false;
    const page *first = pageset_page_const(ps, 0);
    int gap = thumb_width / 16;
    int thumb_h = (int)((double)thumb_width * first->h / first->w + 0.5);
    int rows = (int)((n + (size_t)columns - 1) / (size_t)columns);
    int cols = n < (size_t)columns ? (int)n : columns;
    int W = cols * thumb_width + (cols + 1) * gap, H = rows * thumb_h + (rows + 1) * gap;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.82, 0.83, 0.85);
    cairo_paint(cr);
    image_cache *ic = image_cache_new();
    for (size_t i = 0; i < n; i++) {
        const page *pg = pageset_page_const(ps, i);
        int c = (int)(i % (size_t)columns), r = (int)(i / (size_t)columns);
        double x = gap + c * (thumb_width + gap), y = gap + r * (thumb_h + gap);
        double scale = thumb_width / (pg->w / 1024.0);
        cairo_save(cr);
        cairo_translate(cr, x, y);
        cairo_rectangle(cr, 0, 0, thumb_width, thumb_h);
        cairo_clip(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, scale, scale);
        draw_page(cr, pg, ic, diag_file, dl);
        cairo_restore(cr);
    }
    cairo_destroy(cr);
    image_cache_free(ic);
    bool ok = save(s, path, dl);
    cairo_surface_destroy(s);
    return ok;
}
