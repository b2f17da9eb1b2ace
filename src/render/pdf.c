/* pdf: see pdf.h.
 *
 * One drawing routine serves both PDF pages and PNG previews; only the PDF
 * gets tags (destinations, links) and the outline.  Link rectangles are
 * grouped per target and page so that a URL broken over two lines is one
 * link with two rectangles.
 */
#include "render/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "render/image.h"

#define PT(v) ((double)(v) / 1024.0)

static void set_rgba(cairo_t *cr, theme_rgba c)
{
    cairo_set_source_rgba(cr, ((c >> 24) & 0xff) / 255.0, ((c >> 16) & 0xff) / 255.0,
                          ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
}

/* cairo tag attributes quote strings with '...'; a quote or backslash in
 * a URL or name must be escaped. */
static void add_quoted(buf *b, const char *s)
{
    buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\') buf_addc(b, '\\');
        buf_addc(b, *s);
    }
    buf_addc(b, '\'');
}

static void draw_qr(cairo_t *cr, const box *b)
{
    QRcode *qr = QRcode_encodeString(b->text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return;
    /* Four modules of quiet zone around the symbol, as the standard asks. */
    int n = qr->width + 8;
    double m = PT(b->w) / n;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                cairo_rectangle(cr, PT(b->x) + (x + 4) * m, PT(b->y) + (y + 4) * m, m, m);
    cairo_fill(cr);
    cairo_restore(cr);
    QRcode_free(qr);
}

static void draw_placeholder(cairo_t *cr, const box *b)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.75);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_page(cairo_t *cr, const page *pg, image_cache *ic, bool vector,
                      const char *diag_file, diag_list *dl)
{
    if (pg->background) {
        set_rgba(cr, pg->background);
        cairo_paint(cr);
    }
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        switch (b->kind) {
        case BOX_RECT:
            set_rgba(cr, b->color);
            cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
            cairo_fill(cr);
            break;
        case BOX_LINE: {
            PangoLayoutLine *line = pango_layout_get_line_readonly(b->layout, b->line);
            if (!line) break;
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_move_to(cr, PT(b->x), PT(b->y));
            pango_cairo_show_layout_line(cr, line);
            break;
        }
        case BOX_IMAGE: {
            cairo_surface_t *s = image_cache_get(ic, b->path, &b->info, !vector, diag_file, dl);
            if (!s) {
                draw_placeholder(cr, b);
                break;
            }
            cairo_save(cr);
            if (b->fit == FIT_COVER)
                image_draw_cover(cr, s, &b->info, PT(b->x), PT(b->y), PT(b->w), PT(b->h), b->anchor_y);
            else
                image_draw(cr, s, &b->info, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
            cairo_restore(cr);
            break;
        }
        case BOX_PLACEHOLDER:
            draw_placeholder(cr, b);
            break;
        case BOX_QR:
            draw_qr(cr, b);
            break;
        case BOX_LINK:
        case BOX_DEST:
            break;
        }
    }
}

/* Destinations and links, PDF only.  Links to the same target on one page
 * become one annotation with several rectangles. */
static void tag_page(cairo_t *cr, const page *pg)
{
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind != BOX_DEST) continue;
        buf a = BUF_INIT;
        buf_add(&a, "name=");
        add_quoted(&a, b->dest);
        buf_addf(&a, " x=%.2f y=%.2f", PT(b->x), PT(b->y));
        cairo_tag_begin(cr, CAIRO_TAG_DEST, a.s);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        buf_free(&a);
    }
    bool *done = mem_calloc(pg->nboxes + 1, 1);
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind != BOX_LINK || done[k]) continue;
        buf a = BUF_INIT;
        buf_add(&a, "rect=[");
        for (size_t j = k; j < pg->nboxes; j++) {
            const box *o = &pg->boxes[j];
            if (o->kind != BOX_LINK || done[j]) continue;
            bool same = (b->uri && o->uri && !strcmp(b->uri, o->uri)) ||
                        (b->dest && o->dest && !strcmp(b->dest, o->dest));
            if (!same) continue;
            done[j] = true;
            buf_addf(&a, "%.2f %.2f %.2f %.2f ", PT(o->x), PT(o->y), PT(o->w), PT(o->h));
        }
        buf_add(&a, "]");
        if (b->uri) {
            buf_add(&a, " uri=");
            add_quoted(&a, b->uri);
        } else {
            buf_add(&a, " dest=");
            add_quoted(&a, b->dest);
        }
        cairo_tag_begin(cr, CAIRO_TAG_LINK, a.s);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        buf_free(&a);
    }
    free(done);
}

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int len)
{
    FILE *fp = closure;
    return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void add_outline(cairo_surface_t *s, const pageset *ps)
{
    int parents[8] = {CAIRO_PDF_OUTLINE_ROOT};
    int depth = 0;
    for (size_t i = 0; i < pageset_noutline(ps); i++) {
        const outline_entry *e = pageset_outline(ps, i);
        int level = e->level < 1 ? 1 : e->level > 7 ? 7 : e->level;
        if (level > depth + 1) level = depth + 1;
        buf a = BUF_INIT;
        buf_add(&a, "dest=");
        add_quoted(&a, e->dest);
        int id = cairo_pdf_surface_add_outline(s, parents[level - 1], e->title, a.s,
                                               CAIRO_PDF_OUTLINE_FLAG_OPEN);
        buf_free(&a);
        parents[level] = id;
        depth = level;
    }
}

bool pdf_write(const pageset *ps, const char *path, const char *diag_file, diag_list *dl)
{
    size_t n = pageset_npages(ps);
    if (n == 0) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "nothing to write: no pages");
        return false;
    }
    file_out *fo = file_out_open(path);
    if (!fo) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        return false;
    }
    const page *first = pageset_page_const(ps, 0);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_stream, file_out_stream(fo),
                                                             PT(first->w), PT(first->h));
    const pageset_meta *m = pageset_get_meta(ps);
    if (m->title) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, m->title);
    if (m->author) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, m->author);
    if (m->subject) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, m->subject);
    if (m->keywords) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, m->keywords);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "folio");
    /* Without these cairo writes the wall-clock time and no two runs match. */
    const char *date = m->date ? m->date : "2000-01-01T00:00:00";
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);

    cairo_t *cr = cairo_create(s);
    image_cache *ic = image_cache_new();
    for (size_t i = 0; i < n; i++) {
        const page *pg = pageset_page_const(ps, i);
        cairo_pdf_surface_set_size(s, PT(pg->w), PT(pg->h));
        if (pg->label) cairo_pdf_surface_set_page_label(s, pg->label);
        draw_page(cr, pg, ic, true, diag_file, dl);
        tag_page(cr, pg);
        cairo_show_page(cr);
    }
    add_outline(s, ps);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    image_cache_free(ic);
    if (st != CAIRO_STATUS_SUCCESS) {
        file_out_abort(fo);
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write PDF: %s", cairo_status_to_string(st));
        return false;
    }
    if (!file_out_commit(fo)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        return false;
    }
    return true;
}

bool pdf_write_png(const pageset *ps, size_t i, int width, const char *path,
                   const char *diag_file, diag_list *dl)
{
    const page *pg = pageset_page_const(ps, i);
    double scale = width / PT(pg->w);
    int height = (int)(PT(pg->h) * scale + 0.5);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    image_cache *ic = image_cache_new();
    draw_page(cr, pg, ic, false, diag_file, dl);
    cairo_destroy(cr);
    image_cache_free(ic);
    file_out *fo = file_out_open(path);
    if (!fo) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        cairo_surface_destroy(s);
        return false;
    }
    cairo_status_t st = cairo_surface_write_to_png_stream(s, write_stream, file_out_stream(fo));
    cairo_surface_destroy(s);
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
