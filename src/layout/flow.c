/* flow: see flow.h.  Greedy, one column, fixed baseline pitch per block. */
#include "layout/flow.h"

#include <stdlib.h>

#include "base/mem.h"

struct flow {
    pageset *ps;
    flow_page_fn new_page;
    void *ud;
    int page_index;          /* -1 until the first page */
    int fx, fy, fw, fh;      /* frame */
    int y;                   /* cursor, absolute */
    bool empty;              /* nothing placed on this page yet */
    int pending_space;       /* space not yet applied (dropped at a page top) */
};

flow *flow_new(pageset *ps, flow_page_fn new_page, void *ud)
{
    flow *f = mem_calloc(1, sizeof *f);
    f->ps = ps;
    f->new_page = new_page;
    f->ud = ud;
    f->page_index = -1;
    return f;
}

void flow_free(flow *f) { free(f); }

static void next_page(flow *f)
{
    f->new_page(f->ud, &f->fx, &f->fy, &f->fw, &f->fh);
    f->page_index = (int)pageset_npages(f->ps) - 1;
    f->y = f->fy;
    f->empty = true;
    f->pending_space = 0;
}

page *flow_page(flow *f)
{
    if (f->page_index < 0) next_page(f);
    return pageset_page(f->ps, (size_t)f->page_index);
}

int flow_page_index(const flow *f) { return f->page_index; }

int flow_frame_width(flow *f)
{
    flow_page(f);
    return f->fw;
}

int flow_frame_height(flow *f)
{
    flow_page(f);
    return f->fh;
}

int flow_remaining(flow *f)
{
    flow_page(f);
    int r = f->fy + f->fh - f->y - (f->empty ? 0 : f->pending_space);
    return r < 0 ? 0 : r;
}

bool flow_at_top(const flow *f) { return f->page_index < 0 || f->empty; }

void flow_space(flow *f, int h)
{
    if (h > f->pending_space) f->pending_space = h;
}

void flow_break(flow *f)
{
    if (f->page_index < 0 || !f->empty) next_page(f);
}

void flow_need(flow *f, int h)
{
    flow_page(f);
    if (!f->empty && flow_remaining(f) < h) next_page(f);
}

/* Applies pending space before content, unless at a page top. */
static void settle(flow *f)
{
    flow_page(f);
    if (!f->empty) f->y += f->pending_space;
    f->pending_space = 0;
}

page *flow_reserve(flow *f, int h, int *x0, int *y)
{
    flow_need(f, h);
    settle(f);
    page *pg = flow_page(f);
    *x0 = f->fx;
    *y = f->y;
    f->y += h;
    f->empty = false;
    return pg;
}

/* How many lines fit in the space left, at pitch. */
static int lines_fitting(flow *f, int pitch)
{
    int left = f->fy + f->fh - f->y;
    return left < pitch ? 0 : left / pitch;
}

void flow_text(flow *f, const text_block *tb, int x, const flow_decor *decor)
{
    int n = text_block_nlines(tb);
    if (n == 0) return;
    int pitch = text_block_height(tb, 1);
    PangoLayout *layout = text_block_layout(tb);
    size_t nlinks;
    const text_link *links = text_block_links(tb, &nlinks);

    flow_page(f);
    if (!f->empty && lines_fitting(f, pitch + f->pending_space) < 1) next_page(f);
    settle(f);

    int i = 0;
    while (i < n) {
        int fit = lines_fitting(f, pitch);
        int rest = n - i;
        int take = rest <= fit ? rest : fit;
        if (take < rest && !f->empty) {
            /* Orphan: a lone first line at the page foot moves on. */
            if (i == 0 && take < 2 && n >= 2) take = 0;
            /* Widow: leave at least two lines for the next page. */
            else if (rest - take < 2 && take > 2) take = rest - 2;
        }
        if (take <= 0) {
            if (f->empty) take = 1;   /* a line taller than the frame: place it anyway */
            else {
                next_page(f);
                continue;
            }
        }
        page *pg = flow_page(f);
        for (int k = 0; k < take; k++, i++) {
            int lx, lw, base;
            text_block_line(tb, i, &lx, &lw, &base);
            int top = f->y;
            if (decor && decor->bg)
                page_add_rect(pg, decor->bg, f->fx + decor->bg_x0, top,
                              decor->bg_x1 - decor->bg_x0, pitch);
            if (decor && decor->bar)
                page_add_rect(pg, decor->bar, f->fx + decor->bar_x, top, decor->bar_w, pitch);
            char *txt = text_block_line_text(tb, i);
            page_add_line(pg, layout, i, f->fx + x + lx, top + base, lw, pitch, txt);
            free(txt);
            size_t ndots;
            const text_dot *dots = text_block_dots(tb, &ndots);
            int ds = text_block_dot_size(tb), drop = text_block_dot_drop(tb);
            for (size_t d = 0; d < ndots; d++)
                if (dots[d].line == i)
                    page_add_rect(pg, text_block_color(tb), f->fx + x + lx + dots[d].x - ds / 2,
                                  top + base + drop - ds / 2, ds, ds);
            for (size_t l = 0; l < nlinks; l++) {
                if (links[l].line != i) continue;
                page_add_link(pg, links[l].href, NULL, f->fx + x + lx + links[l].x0, top,
                              links[l].x1 - links[l].x0, pitch);
            }
            f->y += pitch;
            f->empty = false;
        }
        if (i < n) next_page(f);
    }
}
