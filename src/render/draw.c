/* draw: one page of boxes onto a cairo context, for pictures (PNG).
 *
 * Text lines are drawn from their shaped Pango lines (no shaping here) by
 * pango-cairo; images are decoded through the image cache; QR codes from
 * libqrencode's module matrix with the standard's four-module quiet zone.
 * pdf.c draws the same boxes as PDF operators; the two must agree on what
 * each box looks like.
 *
 * A placed page (imposition) is drawn by drawing its page again under a
 * transformation and a clip, so a booklet sheet or a slide handout shows
 * exactly the glyphs of the pages it carries.  Placed pages nest only as
 * deep as impose.c builds them (one level), never as deep as input says.
 */
#include "render/draw.h"

#include <pango/pangocairo.h>
#include <qrencode.h>

#define PT(v) ((double)(v) / 1024.0)

void draw_set_rgba(cairo_t *cr, theme_rgba c)
{
    cairo_set_source_rgba(cr, ((c >> 24) & 0xff) / 255.0, ((c >> 16) & 0xff) / 255.0,
                          ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
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
    /* The theme's colors.placeholder-bg; boxes without one, light grey. */
    if (b->color) draw_set_rgba(cr, b->color);
    else cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.75);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void draw_placed_matrix(const box *b, cairo_matrix_t *m)
{
    double s = b->scale;
    double pw = PT(b->placed->w) * s, ph = PT(b->placed->h) * s;
    /* Turn about the top left corner, then move what the page covers back
     * to (place_x, place_y): after a clockwise quarter turn the page lies
     * left of the origin, so it moves right by its turned width. */
    double dx = 0, dy = 0;
    switch (b->rotation) {
    case 90: dx = ph; break;
    case 180: dx = pw; dy = ph; break;
    case 270: dy = pw; break;
    default: break;
    }
    cairo_matrix_init_translate(m, PT(b->place_x) + dx, PT(b->place_y) + dy);
    cairo_matrix_rotate(m, b->rotation * G_PI / 180.0);
    cairo_matrix_scale(m, s, s);
}

static void draw_placed(cairo_t *cr, const box *b, image_cache *ic, const char *diag_file,
                        diag_list *dl)
{
    cairo_save(cr);
    cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    cairo_clip(cr);
    cairo_matrix_t m;
    draw_placed_matrix(b, &m);
    cairo_transform(cr, &m);
    /* Also clip to the page itself: its background must not fill the
     * whole cell. */
    cairo_rectangle(cr, 0, 0, PT(b->placed->w), PT(b->placed->h));
    cairo_clip(cr);
    draw_page(cr, b->placed, ic, diag_file, dl);
    cairo_restore(cr);
}

void draw_page(cairo_t *cr, const page *pg, image_cache *ic, const char *diag_file,
               diag_list *dl)
{
    if (pg->background) {
        draw_set_rgba(cr, pg->background);
        cairo_paint(cr);
    }
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        switch (b->kind) {
        case BOX_RECT:
            draw_set_rgba(cr, b->color);
            cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
            cairo_fill(cr);
            break;
        case BOX_LINE: {
            PangoLayoutLine *line = pango_layout_get_line_readonly(b->layout, b->line);
            if (!line) break;
            if (b->shape) {
                /* Outlines, not text: nothing for a reader to extract. */
                cairo_save(cr);
                cairo_new_path(cr);
                cairo_move_to(cr, PT(b->x), PT(b->y));
                pango_cairo_layout_line_path(cr, line);
                draw_set_rgba(cr, b->color);
                cairo_fill(cr);
                cairo_restore(cr);
                break;
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_move_to(cr, PT(b->x), PT(b->y));
            pango_cairo_show_layout_line(cr, line);
            break;
        }
        case BOX_IMAGE: {
            cairo_surface_t *s = image_cache_get(ic, b->path, &b->info, true, diag_file, dl);
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
        case BOX_PLACED:
            draw_placed(cr, b, ic, diag_file, dl);
            break;
        case BOX_LINK:
        case BOX_DEST:
            break;
        }
    }
}

