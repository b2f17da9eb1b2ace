/* pdf: see pdf.h.
 *
 * folio writes its PDFs itself.  cairo 1.16's PDF surface cost most of a
 * post's time (it records every page, replays it twice, loads every glyph
 * through FreeType once per size for extents and again for its path, and
 * re-subsets each font) and needed five repairs afterwards (PNG splices,
 * subset tags, dangling structure references, repeated resources, file
 * links).  The layout stage already decided everything: pages of boxes at
 * known positions, shaped lines of glyphs.  Writing that down is PDF
 * syntax (pdfobj.c), fonts cut with hb-subset (pdffont.c), image
 * XObjects (pdfimage.c) and text operators from Pango's lines
 * (pdftext.c); this file builds the pages, their links and destinations,
 * the outline, page labels and metadata.
 *
 * Every page's user space is flipped to y down ("1 0 0 -1 0 H cm"), so
 * boxes are drawn with the layout's own coordinates; annotations and
 * destinations, which PDF keeps outside content streams, are turned back.
 * All pages share one resource dictionary (every font, image and
 * transparency state of the document): readers load a resource when a
 * page's content uses it.
 *
 * Links to the same URL or destination on one page become one annotation
 * with several rectangles (/QuadPoints; a URL broken over two lines).
 * File links stay one per rectangle: they sit close together in a
 * catalogue row, and a reader that ignores /QuadPoints would make the
 * union of the rectangles clickable.  On an imposed page (booklet sheet,
 * slide handout) the destinations and links of every placed page are
 * carried to the sheet with the same matrix its content is drawn with;
 * each source page is placed once, so every destination name still
 * appears once.
 */
#include "render/pdf.h"

#include <cairo.h>
#include <errno.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "render/draw.h"
#include "render/image.h"
#include "render/pdffont.h"
#include "render/pdfimage.h"
#include "render/pdfobj.h"
#include "render/pdftext.h"

#define PT(v) ((double)(v) / 1024.0)

/* Placed pages nest only as deep as impose.c builds them (one level); the
 * limit guards against a cycle, never reached by real input. */
#define MAX_PLACED_DEPTH 4

typedef struct xobj {
    const char *name;            /* borrowed from pdfimage */
    int obj;
} xobj;

typedef struct dest {
    const char *name;            /* borrowed from the pageset */
    int page;                    /* index */
    double x, y;                 /* PDF coordinates (y up) */
    size_t order;                /* met as the order-th destination */
} dest;

static int by_name_only(const void *a, const void *b)
{
    return strcmp(((const dest *)a)->name, ((const dest *)b)->name);
}

typedef struct doc {
    pdfobj *w;
    pdffont_set *fonts;
    pdftext *text;
    pdfimage_set *images;
    image_cache *ic;
    const char *diag_file;
    diag_list *dl;
    xobj *xobjs;
    size_t nxobjs, xcap;
    bool alpha[256];             /* fill alphas used: /GA<n> states */
    int *page_obj;
    dest *dests;
    size_t ndests, dcap;
} doc;

/* ---- content ---- */

static void rect_path(buf *ops, double x, double y, double w, double h)
{
    double v[4] = {x, y, w, h};
    pdf_add_nums(ops, v, 4);
    buf_add(ops, " re\n");
}

/* Sets the fill colour; alpha below 255 also sets a graphics state, so the
 * caller must be inside q ... Q (fill_rgba() is). */
static void set_fill(doc *d, buf *ops, theme_rgba c)
{
    unsigned a = c & 0xff;
    if (a != 255) {
        d->alpha[a] = true;
        buf_addf(ops, "/GA%u gs\n", a);
    }
    double v[3] = {((c >> 24) & 0xff) / 255.0, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0};
    pdf_add_nums(ops, v, 3);
    buf_add(ops, " rg\n");
}

static void fill_rect(doc *d, buf *ops, theme_rgba c, double x, double y, double w, double h)
{
    bool q = (c & 0xff) != 255;
    if (q) buf_add(ops, "q\n");
    set_fill(d, ops, c);
    rect_path(ops, x, y, w, h);
    buf_add(ops, "f\n");
    if (q) buf_add(ops, "Q\n");
}

static void placeholder(doc *d, buf *ops, const box *b)
{
    /* The theme's colors.placeholder-bg; boxes without one, light grey. */
    fill_rect(d, ops, b->color ? b->color : 0xEDEDEDFF, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    buf_add(ops, "0.7 0.7 0.7 RG 0.75 w\n");
    rect_path(ops, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    buf_add(ops, "S\n");
}

static void qr(doc *d, buf *ops, const box *b)
{
    QRcode *code = QRcode_encodeString(b->text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) return;
    /* Four modules of quiet zone around the symbol, as the standard asks. */
    int n = code->width + 8;
    double m = PT(b->w) / n;
    fill_rect(d, ops, 0xFFFFFFFF, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    buf_add(ops, "0 0 0 rg\n");
    for (int y = 0; y < code->width; y++)
        for (int x = 0; x < code->width; x++)
            if (code->data[y * code->width + x] & 1)
                rect_path(ops, PT(b->x) + (x + 4) * m, PT(b->y) + (y + 4) * m, m, m);
    buf_add(ops, "f\n");
    QRcode_free(code);
}

static void concat(buf *ops, const cairo_matrix_t *m)
{
    double v[6] = {m->xx, m->yx, m->xy, m->yy, m->x0, m->y0};
    pdf_add_nums(ops, v, 6);
    buf_add(ops, " cm\n");
}

static void image(doc *d, buf *ops, const box *b)
{
    cairo_surface_t *s = image_cache_get(d->ic, b->path, &b->info, false, d->diag_file, d->dl);
    const char *name = NULL;
    int obj = s ? pdfimage_xobject(d->images, d->w, d->ic, s, &name) : 0;
    if (!obj) {
        placeholder(d, ops, b);
        return;
    }
    bool known = false;
    for (size_t i = 0; i < d->nxobjs && !known; i++) known = d->xobjs[i].obj == obj;
    if (!known) MEM_PUSH(d->xobjs, d->nxobjs, d->xcap) = (xobj){name, obj};
    cairo_matrix_t m;
    if (!image_pdf_matrix(s, &b->info, PT(b->x), PT(b->y), PT(b->w), PT(b->h),
                          b->fit == FIT_COVER, b->anchor_y, &m))
        return;
    /* Clipped to the box for a stretched image too: without it poppler
     * may paint one device pixel past a right or bottom edge. */
    buf_add(ops, "q\n");
    rect_path(ops, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    buf_add(ops, "W n\n");
    concat(ops, &m);
    pdf_add_name(ops, name);
    buf_add(ops, " Do\nQ\n");
}

static void page_ops(doc *d, buf *ops, const page *pg, int depth);

static void placed(doc *d, buf *ops, const box *b, int depth)
{
    if (depth >= MAX_PLACED_DEPTH) return;
    buf_add(ops, "q\n");
    rect_path(ops, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
    buf_add(ops, "W n\n");
    cairo_matrix_t m;
    draw_placed_matrix(b, &m);
    concat(ops, &m);
    /* Also clip to the page itself: its background must not fill the
     * whole cell. */
    rect_path(ops, 0, 0, PT(b->placed->w), PT(b->placed->h));
    buf_add(ops, "W n\n");
    page_ops(d, ops, b->placed, depth + 1);
    buf_add(ops, "Q\n");
}

static void page_ops(doc *d, buf *ops, const page *pg, int depth)
{
    if (pg->background) fill_rect(d, ops, pg->background, 0, 0, PT(pg->w), PT(pg->h));
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        switch (b->kind) {
        case BOX_RECT:
            fill_rect(d, ops, b->color, PT(b->x), PT(b->y), PT(b->w), PT(b->h));
            break;
        case BOX_LINE: {
            PangoLayoutLine *line = pango_layout_get_line_readonly(b->layout, b->line);
            if (!line) break;
            if (b->shape)
                /* Outlines, not text: nothing for a reader to extract. */
                pdftext_outline_line(ops, line, b->x, b->y, b->color >> 8);
            else
                pdftext_show_line(d->text, ops, line, b->x, b->y);
            break;
        }
        case BOX_IMAGE:
            image(d, ops, b);
            break;
        case BOX_PLACEHOLDER:
            placeholder(d, ops, b);
            break;
        case BOX_QR:
            qr(d, ops, b);
            break;
        case BOX_PLACED:
            placed(d, ops, b, depth);
            break;
        case BOX_LINK:
        case BOX_DEST:
            break;
        }
    }
}

/* Pass 1: every glyph of every line the document draws. */
static void collect_page(pdffont_set *fonts, const page *pg, int depth)
{
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind == BOX_LINE && !b->shape) {
            PangoLayoutLine *line = pango_layout_get_line_readonly(b->layout, b->line);
            if (line) pdftext_collect_line(fonts, line);
        } else if (b->kind == BOX_PLACED && depth < MAX_PLACED_DEPTH) {
            collect_page(fonts, b->placed, depth + 1);
        }
    }
}

/* ---- links and destinations ---- */

/* A destination or a link rectangle in y-down points on the page being
 * written: boxes of a placed page are carried to the sheet through
 * draw_placed_matrix(). */
typedef struct tag_item {
    const box *b;            /* BOX_DEST or BOX_LINK: the names, borrowed */
    double x, y, w, h;       /* w, h links only */
} tag_item;

typedef struct tag_list {
    tag_item *items;
    size_t n, cap;
} tag_list;

static void collect_tags(const page *pg, const cairo_matrix_t *m, int depth, tag_list *tl)
{
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind == BOX_DEST) {
            double x = PT(b->x), y = PT(b->y);
            cairo_matrix_transform_point(m, &x, &y);
            MEM_PUSH(tl->items, tl->n, tl->cap) = (tag_item){b, x, y, 0, 0};
        } else if (b->kind == BOX_LINK) {
            /* A turned rectangle is still a rectangle (quarter turns only):
             * its corners' bounding box. */
            double xs[2] = {PT(b->x), PT(b->x + b->w)}, ys[2] = {PT(b->y), PT(b->y + b->h)};
            double x0 = 1e30, y0 = 1e30, x1 = -1e30, y1 = -1e30;
            for (int i = 0; i < 4; i++) {
                double x = xs[i & 1], y = ys[i >> 1];
                cairo_matrix_transform_point(m, &x, &y);
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
            MEM_PUSH(tl->items, tl->n, tl->cap) = (tag_item){b, x0, y0, x1 - x0, y1 - y0};
        } else if (b->kind == BOX_PLACED && depth < MAX_PLACED_DEPTH) {
            cairo_matrix_t pm, cm;
            draw_placed_matrix(b, &pm);
            cairo_matrix_multiply(&cm, &pm, m);
            collect_tags(b->placed, &cm, depth + 1, tl);
        }
    }
}

/* The file specification of a '/'-separated relative path: /F holds the
 * path's bytes, /UF the same path as a Unicode text string (PDF 1.7
 * §7.11.3), which is what readers use for non-ASCII names.  A reader opens
 * a relative path from the folder of the PDF (§7.11.2). */
static void file_spec(buf *b, const char *path)
{
    buf_add(b, "<< /Type /Filespec /F ");
    pdf_add_string(b, path, strlen(path));
    buf_add(b, " /UF <FEFF");
    pdf_add_utf16_hex(b, path, strlen(path));
    buf_add(b, "> >>");
}

/* Destinations sorted by name, then by where they were met, so that the
 * first of two with one name (there should be none) is the one kept. */
static int by_name(const void *a, const void *b)
{
    const dest *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static bool dest_known(const doc *d, const char *name)
{
    dest key = {name, 0, 0, 0, 0};
    /* bsearch() and qsort() must not be given a NULL array, even empty. */
    return d->ndests &&
           bsearch(&key, d->dests, d->ndests, sizeof *d->dests, by_name_only) != NULL;
}

/* Records every destination of every page first, so that a link may point
 * forward; sorted by name, for dest_known() and the name tree. */
static void collect_dests(doc *d, const pageset *ps)
{
    cairo_matrix_t id;
    cairo_matrix_init_identity(&id);
    for (size_t i = 0; i < pageset_npages(ps); i++) {
        const page *pg = pageset_page_const(ps, i);
        tag_list tl = {0};
        collect_tags(pg, &id, 0, &tl);
        for (size_t k = 0; k < tl.n; k++) {
            const box *b = tl.items[k].b;
            if (b->kind != BOX_DEST || !b->dest) continue;
            MEM_PUSH(d->dests, d->ndests, d->dcap) =
                (dest){b->dest, (int)i, tl.items[k].x, PT(pg->h) - tl.items[k].y, d->ndests};
        }
        free(tl.items);
    }
    if (d->ndests > 1) qsort(d->dests, d->ndests, sizeof *d->dests, by_name);
    size_t kept = 0;
    for (size_t i = 0; i < d->ndests; i++)
        if (!kept || strcmp(d->dests[kept - 1].name, d->dests[i].name))
            d->dests[kept++] = d->dests[i];
    d->ndests = kept;
}

/* Writes the page's link annotations; appends " /Annots [...]" to the
 * page dictionary pd when there are any. */
static void annotations(doc *d, const page *pg, buf *pd)
{
    tag_list tl = {0};
    cairo_matrix_t id;
    cairo_matrix_init_identity(&id);
    collect_tags(pg, &id, 0, &tl);
    double H = PT(pg->h);
    bool *done = mem_calloc(tl.n + 1, 1);
    buf annots = BUF_INIT;
    for (size_t k = 0; k < tl.n; k++) {
        const box *b = tl.items[k].b;
        if (b->kind != BOX_LINK || done[k]) continue;
        if (!b->uri && !b->file && !(b->dest && dest_known(d, b->dest))) continue;
        double ux0 = 1e30, uy0 = 1e30, ux1 = -1e30, uy1 = -1e30;
        buf quads = BUF_INIT;
        int nrects = 0;
        for (size_t j = k; j < tl.n; j++) {
            const box *o = tl.items[j].b;
            if (o->kind != BOX_LINK || done[j]) continue;
            bool same = (b->uri && o->uri && !strcmp(b->uri, o->uri)) ||
                        (b->dest && o->dest && !strcmp(b->dest, o->dest)) || (b->file && o == b);
            if (!same) continue;
            done[j] = true;
            const tag_item *t = &tl.items[j];
            double x0 = t->x, x1 = t->x + t->w, y0 = H - t->y - t->h, y1 = H - t->y;
            if (x0 < ux0) ux0 = x0;
            if (y0 < uy0) uy0 = y0;
            if (x1 > ux1) ux1 = x1;
            if (y1 > uy1) uy1 = y1;
            /* Quadrilaterals counter-clockwise from the lower left. */
            double q[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
            if (nrects++) buf_addc(&quads, ' ');
            pdf_add_nums(&quads, q, 8);
        }
        buf a = BUF_INIT;
        double r[4] = {ux0, uy0, ux1, uy1};
        buf_add(&a, "<< /Type /Annot /Subtype /Link /Rect [");
        pdf_add_nums(&a, r, 4);
        buf_add(&a, "]");
        if (nrects > 1) buf_addf(&a, " /QuadPoints [%s]", quads.s);
        buf_add(&a, " /Border [0 0 0] ");
        if (b->uri) {
            buf_add(&a, "/A << /S /URI /URI ");
            pdf_add_string(&a, b->uri, strlen(b->uri));
            buf_add(&a, " >>");
        } else if (b->file) {
            /* A page destination needs a type such as /Fit (§12.3.2.2). */
            buf_add(&a, "/A << /S /GoToR /F ");
            file_spec(&a, b->file);
            buf_add(&a, " /D [0 /Fit] >>");
        } else {
            buf_add(&a, "/Dest ");
            pdf_add_string(&a, b->dest, strlen(b->dest));
        }
        buf_add(&a, " >>");
        int num = pdfobj_add(d->w, a.s, a.len);
        buf_addf(&annots, "%s%d 0 R", annots.len ? " " : "", num);
        buf_free(&a);
        buf_free(&quads);
    }
    if (annots.len) buf_addf(pd, " /Annots [%s]", annots.s);
    buf_free(&annots);
    free(done);
    free(tl.items);
}

/* The name tree of destinations: one leaf, names sorted (§7.9.6). */
static int write_dests(doc *d)
{
    if (!d->ndests) return 0;
    buf b = BUF_INIT;
    buf_add(&b, "<< /Names [");
    for (size_t i = 0; i < d->ndests; i++) {
        const dest *t = &d->dests[i];
        buf_addc(&b, i ? ' ' : '\n');
        pdf_add_string(&b, t->name, strlen(t->name));
        buf_addf(&b, " [%d 0 R /XYZ ", d->page_obj[t->page]);
        double v[2] = {t->x, t->y};
        pdf_add_nums(&b, v, 2);
        buf_add(&b, " 0]\n");
    }
    buf_add(&b, "] >>");
    int num = pdfobj_add(d->w, b.s, b.len);
    buf_free(&b);
    return num;
}

/* ---- the outline ---- */

typedef struct oitem {
    int obj, parent, first, last, prev, next, count;
    size_t last_child;       /* index + 1 in the items of the last child; 0: none */
} oitem;

static int write_outline(doc *d, const pageset *ps)
{
    size_t n = pageset_noutline(ps);
    if (!n) return 0;
    int root = pdfobj_reserve(d->w);
    oitem *it = mem_calloc(n, sizeof *it);
    oitem top = {root, 0, 0, 0, 0, 0, 0, 0};
    /* The open item at each level: an entry deeper than one below the
     * previous is taken as one below it. */
    long open[8];
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        const outline_entry *e = pageset_outline(ps, i);
        int level = e->level < 1 ? 1 : e->level > 7 ? 7 : e->level;
        if (level > depth + 1) level = depth + 1;
        it[i].obj = pdfobj_reserve(d->w);
        oitem *parent = level == 1 ? &top : &it[open[level - 1]];
        it[i].parent = parent->obj;
        if (parent->last_child) {
            it[i].prev = parent->last;
            it[parent->last_child - 1].next = it[i].obj;
        } else {
            parent->first = it[i].obj;
        }
        parent->last = it[i].obj;
        parent->last_child = i + 1;
        open[level] = (long)i;
        depth = level;
        /* Every item is open: its visible descendants count at every
         * ancestor. */
        top.count++;
        for (int l = level - 1; l >= 1; l--) it[open[l]].count++;
    }
    for (size_t i = 0; i < n; i++) {
        const outline_entry *e = pageset_outline(ps, i);
        buf b = BUF_INIT;
        buf_add(&b, "<< /Title ");
        pdf_add_text(&b, e->title ? e->title : "");
        buf_addf(&b, " /Parent %d 0 R", it[i].parent);
        if (it[i].prev) buf_addf(&b, " /Prev %d 0 R", it[i].prev);
        if (it[i].next) buf_addf(&b, " /Next %d 0 R", it[i].next);
        if (it[i].first)
            buf_addf(&b, " /First %d 0 R /Last %d 0 R /Count %d", it[i].first, it[i].last,
                     it[i].count);
        if (e->dest && dest_known(d, e->dest)) {
            buf_add(&b, " /Dest ");
            pdf_add_string(&b, e->dest, strlen(e->dest));
        } else if (e->page >= 0 && (size_t)e->page < pageset_npages(ps)) {
            buf_addf(&b, " /Dest [%d 0 R /Fit]", d->page_obj[e->page]);
        }
        buf_add(&b, " >>");
        pdfobj_write(d->w, it[i].obj, b.s, b.len);
        buf_free(&b);
    }
    buf b = BUF_INIT;
    buf_addf(&b, "<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>", top.first, top.last,
             top.count);
    pdfobj_write(d->w, root, b.s, b.len);
    buf_free(&b);
    free(it);
    return root;
}

/* ---- the document ---- */

static int write_labels(doc *d, const pageset *ps)
{
    bool any = false;
    for (size_t i = 0; i < pageset_npages(ps) && !any; i++) any = pageset_page_const(ps, i)->label;
    if (!any) return 0;
    buf b = BUF_INIT;
    buf_add(&b, "<< /Nums [");
    for (size_t i = 0; i < pageset_npages(ps); i++) {
        const char *l = pageset_page_const(ps, i)->label;
        buf_addf(&b, "%s%zu << ", i ? " " : "", i);
        if (l) {
            buf_add(&b, "/P ");
            pdf_add_text(&b, l);
            buf_addc(&b, ' ');
        }
        buf_add(&b, ">>");
    }
    buf_add(&b, "] >>");
    int num = pdfobj_add(d->w, b.s, b.len);
    buf_free(&b);
    return num;
}

/* "YYYY-MM-DDTHH:MM:SS" → "D:YYYYMMDDHHMMSS" (§7.9.4); NULL when the
 * post gives no date: a PDF date is never the clock's. */
static bool pdf_date(const char *iso, char out[20])
{
    if (!iso) return false;
    char digits[15];
    int n = 0;
    for (const char *p = iso; *p && n < 14; p++)
        if (*p >= '0' && *p <= '9') digits[n++] = *p;
    if (n < 8) return false;
    while (n < 14) digits[n++] = '0';
    digits[14] = '\0';
    snprintf(out, 20, "D:%s", digits);
    return true;
}

static void info_entry(buf *b, const char *key, const char *value)
{
    if (!value || !*value) return;
    buf_addf(b, " /%s ", key);
    pdf_add_text(b, value);
}

static int write_info(doc *d, const pageset *ps)
{
    const pageset_meta *m = pageset_get_meta(ps);
    buf b = BUF_INIT;
    buf_add(&b, "<<");
    info_entry(&b, "Title", m->title);
    info_entry(&b, "Author", m->author);
    info_entry(&b, "Subject", m->subject);
    info_entry(&b, "Keywords", m->keywords);
    info_entry(&b, "Creator", "folio");
    info_entry(&b, "Producer", "folio");
    char date[20];
    if (pdf_date(m->date, date)) {
        buf_addf(&b, " /CreationDate (%s) /ModDate (%s)", date, date);
    }
    buf_add(&b, " >>");
    int num = pdfobj_add(d->w, b.s, b.len);
    buf_free(&b);
    return num;
}

static void write_resources(doc *d, int num)
{
    buf b = BUF_INIT;
    buf_add(&b, "<< /ProcSet [/PDF /Text /ImageB /ImageC /ImageI]");
    bool first = true;
    for (int f = 0; f < pdffont_count(d->fonts); f++) {
        buf_add(&b, first ? " /Font <<" : "");
        first = false;
        buf_addc(&b, ' ');
        pdf_add_name(&b, pdffont_resource(d->fonts, f));
        buf_addf(&b, " %d 0 R", pdffont_objnum(d->fonts, d->w, f));
    }
    if (!first) buf_add(&b, " >>");
    if (d->nxobjs) {
        buf_add(&b, " /XObject <<");
        for (size_t i = 0; i < d->nxobjs; i++) {
            buf_addc(&b, ' ');
            pdf_add_name(&b, d->xobjs[i].name);
            buf_addf(&b, " %d 0 R", d->xobjs[i].obj);
        }
        buf_add(&b, " >>");
    }
    first = true;
    for (int a = 0; a < 256; a++) {
        if (!d->alpha[a]) continue;
        buf_add(&b, first ? " /ExtGState <<" : "");
        first = false;
        buf_addf(&b, " /GA%d << /Type /ExtGState /ca ", a);
        pdf_add_num(&b, a / 255.0);
        buf_add(&b, " >>");
    }
    if (!first) buf_add(&b, " >>");
    buf_add(&b, " >>");
    pdfobj_write(d->w, num, b.s, b.len);
    buf_free(&b);
}

/* Builds the whole file into out. */
static bool build(doc *d, const pageset *ps, buf *out)
{
    size_t n = pageset_npages(ps);
    for (size_t i = 0; i < n; i++) collect_page(d->fonts, pageset_page_const(ps, i), 0);
    pdffont_prepare(d->fonts);

    int catalog = pdfobj_reserve(d->w), pages = pdfobj_reserve(d->w);
    int resources = pdfobj_reserve(d->w);
    d->page_obj = mem_calloc(n, sizeof *d->page_obj);
    for (size_t i = 0; i < n; i++) d->page_obj[i] = pdfobj_reserve(d->w);
    collect_dests(d, ps);

    buf ops = BUF_INIT, pd = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const page *pg = pageset_page_const(ps, i);
        buf_truncate(&ops, 0);
        buf_add(&ops, "1 0 0 -1 0 ");
        pdf_add_num(&ops, PT(pg->h));
        buf_add(&ops, " cm\n");
        page_ops(d, &ops, pg, 0);
        int content = pdfobj_reserve(d->w);
        pdfobj_write_stream(d->w, content, NULL, ops.s, ops.len, true);
        buf_truncate(&pd, 0);
        buf_addf(&pd, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 ", pages);
        double v[2] = {PT(pg->w), PT(pg->h)};
        pdf_add_nums(&pd, v, 2);
        buf_addf(&pd, "] /Resources %d 0 R /Contents %d 0 R", resources, content);
        annotations(d, pg, &pd);
        buf_add(&pd, " >>");
        pdfobj_write(d->w, d->page_obj[i], pd.s, pd.len);
    }
    buf_free(&ops);

    write_resources(d, resources);
    bool ok = pdffont_write(d->fonts, d->w);
    int dests = write_dests(d);
    int outline = write_outline(d, ps);
    int labels = write_labels(d, ps);
    int info = write_info(d, ps);

    buf_truncate(&pd, 0);
    buf_add(&pd, "<< /Type /Pages /Kids [");
    for (size_t i = 0; i < n; i++) buf_addf(&pd, "%s%d 0 R", i ? " " : "", d->page_obj[i]);
    buf_addf(&pd, "] /Count %zu >>", n);
    pdfobj_write(d->w, pages, pd.s, pd.len);

    buf_truncate(&pd, 0);
    buf_addf(&pd, "<< /Type /Catalog /Pages %d 0 R", pages);
    if (dests) buf_addf(&pd, " /Names << /Dests %d 0 R >>", dests);
    if (outline) buf_addf(&pd, " /Outlines %d 0 R", outline);
    if (labels) buf_addf(&pd, " /PageLabels %d 0 R", labels);
    const pageset_meta *m = pageset_get_meta(ps);
    if (m->lang && *m->lang) {
        buf_add(&pd, " /Lang ");
        pdf_add_text(&pd, m->lang);
    }
    buf_add(&pd, " >>");
    pdfobj_write(d->w, catalog, pd.s, pd.len);
    buf_free(&pd);
    return ok && pdfobj_finish(d->w, catalog, info, out);
}

bool pdf_write(const pageset *ps, const char *path, const char *diag_file, diag_list *dl)
{
    return pdf_write_with(ps, NULL, path, diag_file, dl);
}

bool pdf_write_with(const pageset *ps, image_cache *images, const char *path,
                    const char *diag_file, diag_list *dl)
{
    if (pageset_npages(ps) == 0) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "nothing to write: no pages");
        return false;
    }
    doc d = {0};
    d.w = pdfobj_new();
    d.fonts = pdffont_set_new();
    d.text = pdftext_new(d.fonts);
    d.images = pdfimage_set_new();
    d.ic = images ? images : image_cache_new();
    image_cache_set_png_passthrough(d.ic, true);
    d.diag_file = diag_file;
    d.dl = dl;
    buf pdf = BUF_INIT;
    bool ok = build(&d, ps, &pdf);
    pdftext_free(d.text);
    pdffont_set_free(d.fonts);
    pdfimage_set_free(d.images);
    pdfobj_free(d.w);
    if (!images) image_cache_free(d.ic);
    free(d.xobjs);
    free(d.dests);
    free(d.page_obj);
    if (!ok) {
        buf_free(&pdf);
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write PDF: internal error");
        return false;
    }
    file_out *fo = file_out_open(path);
    if (!fo) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        buf_free(&pdf);
        return false;
    }
    bool written = fwrite(pdf.s, 1, pdf.len, file_out_stream(fo)) == pdf.len;
    buf_free(&pdf);
    if (!written) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        file_out_abort(fo);
        return false;
    }
    if (!file_out_commit(fo)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        return false;
    }
    return true;
}

void pdf_describe_fonts(const pageset *ps, buf *out)
{
    pdffont_set *fonts = pdffont_set_new();
    for (size_t i = 0; i < pageset_npages(ps); i++) collect_page(fonts, pageset_page_const(ps, i), 0);
    pdffont_describe(fonts, out);
    pdffont_set_free(fonts);
}
