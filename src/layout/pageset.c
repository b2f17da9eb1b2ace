/* pageset: storage for laid-out pages and their text dump (see pageset.h). */
#include "layout/pageset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct pageset {
    page *pages;
    size_t npages, cap;
    outline_entry *outline;
    size_t noutline, ocap;
    pageset_meta meta;
    pageset **adopted;       /* owned: the pages BOX_PLACED boxes show */
    size_t nadopted, acap;
};

pageset *pageset_new(void) { return mem_calloc(1, sizeof(pageset)); }

static void box_clear(box *b)
{
    if (b->layout) g_object_unref(b->layout);
    free(b->text);
    free(b->path);
    free(b->uri);
    free(b->dest);
    free(b->file);
}

void pageset_free(pageset *ps)
{
    if (!ps) return;
    for (size_t i = 0; i < ps->npages; i++) {
        page *pg = &ps->pages[i];
        for (size_t k = 0; k < pg->nboxes; k++) box_clear(&pg->boxes[k]);
        free(pg->boxes);
        free(pg->label);
    }
    free(ps->pages);
    for (size_t i = 0; i < ps->noutline; i++) {
        free(ps->outline[i].title);
        free(ps->outline[i].dest);
    }
    free(ps->outline);
    free(ps->meta.title);
    free(ps->meta.author);
    free(ps->meta.subject);
    free(ps->meta.keywords);
    free(ps->meta.creator);
    free(ps->meta.date);
    free(ps->meta.lang);
    for (size_t i = 0; i < ps->nadopted; i++) pageset_free(ps->adopted[i]);
    free(ps->adopted);
    free(ps);
}

page *pageset_insert_page(pageset *ps, size_t index, int w, int h)
{
    mem_grow((void **)&ps->pages, &ps->cap, ps->npages + 1, sizeof *ps->pages);
    if (index > ps->npages) index = ps->npages;
    memmove(&ps->pages[index + 1], &ps->pages[index], (ps->npages - index) * sizeof *ps->pages);
    ps->npages++;
    page *pg = &ps->pages[index];
    memset(pg, 0, sizeof *pg);
    pg->w = w;
    pg->h = h;
    for (size_t i = 0; i < ps->noutline; i++)
        if (ps->outline[i].page >= (int)index) ps->outline[i].page++;
    return pg;
}

page *pageset_add_page(pageset *ps, int w, int h) { return pageset_insert_page(ps, ps->npages, w, h); }

void pageset_splice(pageset *dst, size_t index, pageset *src)
{
    size_t n = src->npages;
    if (n == 0) return;
    mem_grow((void **)&dst->pages, &dst->cap, dst->npages + n, sizeof *dst->pages);
    if (index > dst->npages) index = dst->npages;
    memmove(&dst->pages[index + n], &dst->pages[index], (dst->npages - index) * sizeof *dst->pages);
    memcpy(&dst->pages[index], src->pages, n * sizeof *src->pages);
    dst->npages += n;
    src->npages = 0;
    for (size_t i = 0; i < dst->noutline; i++)
        if (dst->outline[i].page >= (int)index) dst->outline[i].page += (int)n;
}

size_t pageset_npages(const pageset *ps) { return ps->npages; }
page *pageset_page(pageset *ps, size_t i) { return &ps->pages[i]; }
const page *pageset_page_const(const pageset *ps, size_t i) { return &ps->pages[i]; }

static box *add_box(page *pg, box_kind kind, int x, int y, int w, int h)
{
    box *b = &MEM_PUSH(pg->boxes, pg->nboxes, pg->cap);
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->x = x;
    b->y = y;
    b->w = w;
    b->h = h;
    return b;
}

box *page_add_line(page *pg, PangoLayout *layout, int line, int x, int baseline, int w,
                   int h, const char *text)
{
    box *b = add_box(pg, BOX_LINE, x, baseline, w, h);
    b->layout = g_object_ref(layout);
    b->line = line;
    b->text = mem_strdup(text);
    return b;
}

box *page_add_image(page *pg, const char *path, const media_info *info, int x, int y, int w,
                    int h, box_fit fit, double anchor_y)
{
    box *b = add_box(pg, BOX_IMAGE, x, y, w, h);
    b->path = mem_strdup(path);
    b->info = *info;
    b->fit = fit;
    b->anchor_y = anchor_y;
    return b;
}

box *page_add_placeholder(page *pg, const char *label, int x, int y, int w, int h)
{
    box *b = add_box(pg, BOX_PLACEHOLDER, x, y, w, h);
    b->text = mem_strdup(label);
    return b;
}

box *page_add_rect(page *pg, theme_rgba color, int x, int y, int w, int h)
{
    box *b = add_box(pg, BOX_RECT, x, y, w, h);
    b->color = color;
    return b;
}

box *page_add_link(page *pg, const char *uri, const char *dest, int x, int y, int w, int h)
{
    box *b = add_box(pg, BOX_LINK, x, y, w, h);
    b->uri = mem_strdup(uri);
    b->dest = mem_strdup(dest);
    return b;
}

box *page_add_file_link(page *pg, const char *file, int x, int y, int w, int h)
{
    box *b = add_box(pg, BOX_LINK, x, y, w, h);
    b->file = mem_strdup(file);
    return b;
}

box *page_add_dest(page *pg, const char *name, int x, int y)
{
    box *b = add_box(pg, BOX_DEST, x, y, 0, 0);
    b->dest = mem_strdup(name);
    return b;
}

box *page_add_qr(page *pg, const char *payload, int x, int y, int size)
{
    box *b = add_box(pg, BOX_QR, x, y, size, size);
    b->text = mem_strdup(payload);
    return b;
}

box *page_add_placed(page *pg, const pageset *src, size_t index, int clip_x, int clip_y,
                     int clip_w, int clip_h, int place_x, int place_y, double scale,
                     int rotation)
{
    assert(index < src->npages);
    assert(rotation == 0 || rotation == 90 || rotation == 180 || rotation == 270);
    box *b = add_box(pg, BOX_PLACED, clip_x, clip_y, clip_w, clip_h);
    b->placed = &src->pages[index];
    b->placed_index = (int)index;
    b->place_x = place_x;
    b->place_y = place_y;
    b->scale = scale;
    b->rotation = rotation;
    return b;
}

void pageset_placed_point(const box *b, double sx, double sy, double *x, double *y)
{
    double s = b->scale;
    double pw = b->placed->w * s, ph = b->placed->h * s;
    sx *= s;
    sy *= s;
    /* Turning clockwise about the top left corner and moving the result
     * back onto (place_x, place_y), as cairo's translate/rotate does in
     * draw.c: 90° sends the page's top edge to the right side. */
    switch (b->rotation) {
    case 90: *x = ph - sy; *y = sx; break;
    case 180: *x = pw - sx; *y = ph - sy; break;
    case 270: *x = sy; *y = pw - sx; break;
    default: *x = sx; *y = sy; break;
    }
    *x += b->place_x;
    *y += b->place_y;
}

void pageset_adopt(pageset *ps, pageset *src)
{
    MEM_PUSH(ps->adopted, ps->nadopted, ps->acap) = src;
}

void pageset_add_outline(pageset *ps, const char *title, int level, const char *dest, int pg)
{
    outline_entry *e = &MEM_PUSH(ps->outline, ps->noutline, ps->ocap);
    e->title = mem_strdup(title);
    e->level = level;
    e->dest = mem_strdup(dest);
    e->page = pg;
}

size_t pageset_noutline(const pageset *ps) { return ps->noutline; }
const outline_entry *pageset_outline(const pageset *ps, size_t i) { return &ps->outline[i]; }
const pageset_meta *pageset_get_meta(const pageset *ps) { return &ps->meta; }

void pageset_set_meta(pageset *ps, const char *title, const char *author, const char *subject,
                      const char *keywords, const char *date, const char *lang)
{
    free(ps->meta.title);
    free(ps->meta.author);
    free(ps->meta.subject);
    free(ps->meta.keywords);
    free(ps->meta.date);
    free(ps->meta.lang);
    ps->meta.title = mem_strdup(title);
    ps->meta.author = mem_strdup(author);
    ps->meta.subject = mem_strdup(subject);
    ps->meta.keywords = mem_strdup(keywords);
    ps->meta.date = mem_strdup(date);
    ps->meta.lang = mem_strdup(lang);
}

/* Pango units as points with two decimals, from integers only. */
static void add_pt(buf *out, int v)
{
    long a = v < 0 ? -(long)v : v;
    long hundredths = (a * 100 + 512) / 1024;
    buf_addf(out, "%s%ld.%02ld", v < 0 ? "-" : "", hundredths / 100, hundredths % 100);
}

static void add_rect(buf *out, const box *b)
{
    add_pt(out, b->x);
    buf_addc(out, ' ');
    add_pt(out, b->y);
    buf_addc(out, ' ');
    add_pt(out, b->w);
    buf_addc(out, ' ');
    add_pt(out, b->h);
}

void pageset_dump(const pageset *ps, buf *out)
{
    for (size_t i = 0; i < ps->npages; i++) {
        const page *pg = &ps->pages[i];
        buf_addf(out, "page %zu ", i + 1);
        add_pt(out, pg->w);
        buf_addc(out, 'x');
        add_pt(out, pg->h);
        if (pg->label) buf_addf(out, " label=%s", pg->label);
        buf_addc(out, '\n');
        for (size_t k = 0; k < pg->nboxes; k++) {
            const box *b = &pg->boxes[k];
            static const char *names[] = {"line", "image", "placeholder", "rect",
                                          "link", "dest", "qr", "placed"};
            buf_addf(out, "  %-11s ", names[b->kind]);
            add_rect(out, b);
            switch (b->kind) {
            case BOX_LINE:
                buf_addf(out, " \"%s\"%s", b->text ? b->text : "", b->shape ? " shape" : "");
                break;
            case BOX_IMAGE: {
                const char *base = strrchr(b->path, '/');
                buf_addf(out, " %s %s", base ? base + 1 : b->path,
                         b->fit == FIT_COVER ? "cover" : "contain");
                break;
            }
            case BOX_PLACEHOLDER: buf_addf(out, " #%08x \"%s\"", b->color, b->text); break;
            case BOX_RECT: buf_addf(out, " #%08x", b->color); break;
            case BOX_LINK:
                if (b->uri) buf_addf(out, " uri=%s", b->uri);
                if (b->dest) buf_addf(out, " dest=%s", b->dest);
                if (b->file) buf_addf(out, " file=%s", b->file);
                break;
            case BOX_DEST: buf_addf(out, " %s", b->dest); break;
            case BOX_QR: buf_addf(out, " \"%s\"", b->text); break;
            case BOX_PLACED:
                /* The scale in 1/10000, rounded: enough to tell layouts
                 * apart, and no floating-point formatting in dumps. */
                buf_addf(out, " p%d at ", b->placed_index + 1);
                add_pt(out, b->place_x);
                buf_addc(out, ' ');
                add_pt(out, b->place_y);
                buf_addf(out, " scale=%ld rot=%d", (long)(b->scale * 10000 + 0.5), b->rotation);
                if (b->placed->nboxes == 0) buf_add(out, " blank");
                break;
            }
            buf_addc(out, '\n');
        }
    }
    for (size_t i = 0; i < ps->noutline; i++) {
        const outline_entry *e = &ps->outline[i];
        buf_addf(out, "outline %d p%d %s \"%s\"\n", e->level, e->page + 1, e->dest, e->title);
    }
}
