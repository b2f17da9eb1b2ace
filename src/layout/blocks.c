/* blocks: doc blocks → flowed lines and boxes (see blocks.h).
 *
 * Every block kind of the model is drawn with the body styles of the
 * theme: paragraphs justified with a first-line indent (or spaced, as the
 * theme says), lists with hanging markers on a tab stop, quotes with a bar,
 * code with a tinted background line by line (so a code block can cross a
 * page), tables as unbreakable rows of equal-width cells, images scaled to
 * the column and never beyond photo_dpi.  Containers nest at most
 * DOC_MAX_DEPTH deep (the doc guarantees it), which bounds the recursion.
 */
#include "layout/blocks.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/utf8.h"

text_style blocks_theme_style(const theme *th, const char *lang)
{
    text_style st = {0};
    st.font = th->body;
    st.mono = th->mono;
    st.mono_cjk = th->mono_cjk;
    st.size = th->size_body;
    st.weight = 400;
    st.color = th->text;
    st.link_color = th->link;
    st.code_bg = th->code_bg;
    st.line_pitch = (int)(st.size * th->line_height);
    st.align = TEXT_LEFT;
    st.lang = lang ? lang : "zh-Hans";
    st.autospace_em = th->autospace_em;
    st.emphasis = th->cjk_emphasis;
    st.emphasis_weight = th->cjk_emphasis_weight;
    st.punct = th->cjk_punct;
    st.plain = !th->cjk_rules;
    return st;
}

text_style blocks_body_style(const blocks_ctx *bc)
{
    const theme *th = bc->th;
    text_style st = blocks_theme_style(th, doc_get_meta(bc->d)->lang);
    st.size = bc->body_size;
    if (bc->color) st.color = bc->color;
    st.line_pitch = (int)(st.size * (bc->line_height > 0 ? bc->line_height : th->line_height));
    st.indent = bc->indent ? 2 * st.size : 0;
    st.align = TEXT_JUSTIFY;
    return st;
}

text_style blocks_heading_style(const blocks_ctx *bc, int level)
{
    const theme *th = bc->th;
    text_style st = blocks_body_style(bc);
    st.font = th->heading;
    st.weight = th->heading_weight;
    st.color = bc->color ? bc->color : th->heading_color;
    /* Sizes scale with the body, so slides (larger body) keep proportions. */
    int size = level == 1 ? th->size_h1 : level == 3 || level > 3 ? th->size_h3 : th->size_h2;
    st.size = (int)((double)size * bc->body_size / th->size_body);
    st.line_pitch = (int)(st.size * th->heading_line_height);
    st.indent = 0;
    st.align = TEXT_LEFT;
    return st;
}

static void note_missing(blocks_ctx *bc, const text_block *tb)
{
    char *m = text_block_missing_chars(tb);
    if (!m) return;
    buf b = BUF_INIT;
    if (bc->missing) buf_add(&b, bc->missing);
    size_t i = 0, n = strlen(m);
    while (i < n) {
        size_t adv;
        utf8_decode(m + i, n - i, &adv);
        char one[8] = {0};
        memcpy(one, m + i, adv);
        if (!b.s || !strstr(b.s, one)) buf_add(&b, one);
        i += adv;
    }
    free(m);
    free(bc->missing);
    bc->missing = buf_detach(&b);
}

text_block *blocks_text(blocks_ctx *bc, const doc_text *t, const text_style *st, int width)
{
    text_block *tb = text_block_new(bc->pc, t->s, t->len, t->spans, t->nspans, st, width);
    note_missing(bc, tb);
    return tb;
}

void blocks_place(page *pg, const text_block *tb, int x, int y)
{
    int pitch = text_block_height(tb, 1);
    size_t ndots;
    const text_dot *dots = text_block_dots(tb, &ndots);
    int ds = text_block_dot_size(tb), drop = text_block_dot_drop(tb);
    for (int i = 0; i < text_block_nlines(tb); i++) {
        int lx, lw, base;
        text_block_line(tb, i, &lx, &lw, &base);
        char *txt = text_block_line_text(tb, i);
        page_add_line(pg, text_block_layout(tb), i, x + lx, y + i * pitch + base, lw, pitch, txt);
        free(txt);
        for (size_t d = 0; d < ndots; d++)
            if (dots[d].line == i)
                page_add_rect(pg, text_block_color(tb), x + lx + dots[d].x - ds / 2,
                              y + i * pitch + base + drop - ds / 2, ds, ds);
    }
}

text_block *blocks_plain(blocks_ctx *bc, const char *s, const text_style *st, int width)
{
    doc_text t = {s, strlen(s), NULL, 0};
    return blocks_text(bc, &t, st, width);
}

void blocks_footers(blocks_ctx *bc, pageset *ps, size_t first, size_t end, const char *running,
                    const char *lang, blocks_frame_fn frame)
{
    const theme *th = bc->th;
    text_style fs = blocks_theme_style(th, lang);
    fs.font = th->heading;
    fs.size = th->size_small;
    fs.line_pitch = (int)(fs.size * 1.4);
    fs.color = th->muted;
    text_style ns = fs;
    ns.align = TEXT_RIGHT;
    /* Every page of a master has the same frame width (rectos and versos
     * swap their margins), so the running text is laid out once. */
    text_block *tb = NULL;
    int tb_w = -1;
    for (size_t i = first; i < end && i < pageset_npages(ps); i++) {
        page *pg = pageset_page(ps, i);
        int fx, fy, fw, fh;
        frame(th, pg->w, pg->h, i, &fx, &fy, &fw, &fh);
        int y = pg->h - th->margin_bottom / 2 - fs.line_pitch / 2;
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        free(pg->label);
        pg->label = mem_strdup(num);
        text_block *nb = blocks_plain(bc, num, &ns, fw / 4);
        blocks_place(pg, nb, fx + fw - fw / 4, y);
        text_block_free(nb);
        int w = fw * 3 / 4 - fs.size * 2;
        if (running && *running && w != tb_w) {
            text_block_free(tb);
            tb = blocks_plain(bc, running, &fs, w);
            tb_w = w;
        }
        /* The running text in one line: cut at the first line break. */
        if (tb && text_block_nlines(tb) > 0) {
            int lx, lw, base;
            text_block_line(tb, 0, &lx, &lw, &base);
            char *txt = text_block_line_text(tb, 0);
            page_add_line(pg, text_block_layout(tb), 0, fx + lx, y + base, lw, fs.line_pitch, txt);
            free(txt);
        }
        page_add_rect(pg, th->rule, fx, y - fs.size / 2, fw, THEME_PT / 2);
    }
    text_block_free(tb);
}

int blocks_cover_image(const doc *d)
{
    const doc_meta *m = doc_get_meta(d);
    if (m->banner_image >= 0 && doc_image_at(d, (size_t)m->banner_image)->status == DOC_IMG_OK)
        return m->banner_image;
    size_t n;
    const int *intro = doc_intro_images(d, &n);
    for (size_t i = 0; i < n; i++)
        if (doc_image_at(d, (size_t)intro[i])->status == DOC_IMG_OK) return intro[i];
    return -1;
}

/* What layout sets that is not the post's own text: the list bullet,
 * separators, numbers, the words of blocks_ui() and of book.c.
 * blocks_context() reads it with the post, so that a post is laid out
 * over the core faces only when these too are drawn by the families its
 * theme names.  The nested-list bullet ◦ is added only for a post that has
 * one (uses_white_bullet()): Noto Serif and Noto Sans lack it, so such a
 * post takes the whole set, where the bullet falls back as it always has.
 * Every word blocks_ui() returns must be here; debug builds check it. */
static const char generated_text[] =
    "• · … – — / . , : 0123456789\n"
    "（续） (cont.)\n目录 Contents\n导语 Introduction\n议程 Agenda\n谢谢观看 Thank you\n"
    "文集 Collected posts\n收录 篇文章\n";

const char *blocks_ui(const doc *d, const char *zh, const char *en)
{
    assert(strstr(generated_text, zh) && strstr(generated_text, en));
    const char *l = doc_get_meta(d)->lang;
    return l && !strncmp(l, "en", 2) ? en : zh;
}

void blocks_set_meta(pageset *ps, const doc *d)
{
    const doc_meta *meta = doc_get_meta(d);
    char date[64];
    /* A post without a date gets a fixed one: the wall clock would make
     * every run's PDF different. */
    if (meta->year > 0)
        snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00", meta->year,
                 meta->month > 0 ? meta->month : 1, meta->day > 0 ? meta->day : 1);
    else
        snprintf(date, sizeof date, "2000-01-01T00:00:00");
    buf tags = BUF_INIT;
    for (size_t i = 0; i < meta->ntags; i++) buf_addf(&tags, "%s%s", i ? ", " : "", meta->tags[i]);
    pageset_set_meta(ps, meta->title, meta->author, meta->summary, tags.s, date, meta->lang);
    buf_free(&tags);
}

static double linear(unsigned c)
{
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

theme_rgba blocks_text_on(theme_rgba bg)
{
    double l = 0.2126 * linear(bg >> 24 & 0xff) + 0.7152 * linear(bg >> 16 & 0xff) +
               0.0722 * linear(bg >> 8 & 0xff);
    /* WCAG contrast of white, 1.05 / (l + 0.05), equals black's,
     * (l + 0.05) / 0.05, at l = 0.18: above it dark text wins. */
    return l > 0.18 ? 0x1a1a1aff : 0xffffffff;
}

void blocks_report(blocks_ctx *bc, const char *file)
{
    if (!bc->missing) return;
    buf b = BUF_INIT;
    size_t i = 0, n = strlen(bc->missing);
    while (i < n) {
        size_t adv;
        uint32_t cp = utf8_decode(bc->missing + i, n - i, &adv);
        buf_addf(&b, "%sU+%04X", b.len ? ", " : "", cp);
        i += adv;
    }
    diag_add(bc->dl, DIAG_WARNING, file, 0, 0,
             "no installed font can draw %s (%s); they are drawn as boxes", bc->missing, b.s);
    buf_free(&b);
    free(bc->missing);
    bc->missing = NULL;
}

/* Image geometry: width limited by the frame and by photo_dpi (docs/cjk.md
 * §7: never blown up past about 150 dpi), height by max_frac of the frame. */
static void image_size(blocks_ctx *bc, flow *f, const doc_image *img, double max_frac, int *w, int *h)
{
    int fw = flow_frame_width(f), fh = flow_frame_height(f);
    if (img->status != DOC_IMG_OK || img->width <= 0 || img->height <= 0) {
        *w = fw / 2;
        *h = fw / 4;
        return;
    }
    double pw = img->width * 72.0 / bc->th->photo_dpi * THEME_PT;
    double ww = pw < fw ? pw : fw;
    double hh = ww * img->height / img->width;
    double hmax = fh * max_frac;
    if (hh > hmax) {
        ww *= hmax / hh;
        hh = hmax;
    }
    *w = (int)ww;
    *h = (int)hh;
}

static text_block *caption_block(blocks_ctx *bc, const doc_image *img, int width)
{
    if (!img->caption || !*img->caption) return NULL;
    text_style st = blocks_body_style(bc);
    st.size = (int)(st.size * 0.85);
    st.line_pitch = (int)(st.size * 1.5);
    st.indent = 0;
    st.align = TEXT_CENTER;
    st.color = bc->th->muted;
    doc_text t = {img->caption, strlen(img->caption), NULL, 0};
    return blocks_text(bc, &t, &st, width);
}

int blocks_image_height(blocks_ctx *bc, flow *f, int image, double max_frac)
{
    const doc_image *img = doc_image_at(bc->d, (size_t)image);
    int w, h;
    image_size(bc, f, img, max_frac, &w, &h);
    text_block *cap = caption_block(bc, img, flow_frame_width(f));
    if (cap) {
        h += text_block_height(cap, text_block_nlines(cap));
        text_block_free(cap);
    }
    return h;
}

void blocks_image(blocks_ctx *bc, flow *f, int image, double max_frac)
{
    const doc_image *img = doc_image_at(bc->d, (size_t)image);
    int w, h;
    image_size(bc, f, img, max_frac, &w, &h);
    text_block *cap = caption_block(bc, img, flow_frame_width(f));
    int caph = cap ? text_block_height(cap, text_block_nlines(cap)) : 0;
    int space = bc->th->para_space + bc->body_size / 2;
    flow_space(f, space);
    int x0, y;
    page *pg = flow_reserve(f, h + caph, &x0, &y);
    int x = x0 + (flow_frame_width(f) - w) / 2;
    if (img->status == DOC_IMG_OK)
        page_add_image(pg, img->path, &img->info, x, y, w, h, FIT_CONTAIN, 0.5);
    else {
        /* The placeholder names the file; its label is laid out here so
         * that render never shapes text. */
        const char *base = strrchr(img->src, '/');
        const char *label = base && base[1] ? base + 1 : img->src;
        page_add_placeholder(pg, label, x, y, w, h)->color = bc->th->placeholder_bg;
        text_style ls = blocks_body_style(bc);
        ls.size = (int)(ls.size * 0.85);
        ls.line_pitch = (int)(ls.size * 1.4);
        ls.indent = 0;
        ls.align = TEXT_CENTER;
        ls.color = bc->th->muted;
        ls.autospace_em = 0;
        doc_text lt = {label, strlen(label), NULL, 0};
        text_block *lb = blocks_text(bc, &lt, &ls, w - ls.size);
        int n = text_block_nlines(lb), pitch = text_block_height(lb, 1);
        if (n * pitch > h) n = h / pitch;
        int top = y + (h - n * pitch) / 2;
        for (int i = 0; i < n; i++) {
            int lx, lw, lbase;
            text_block_line(lb, i, &lx, &lw, &lbase);
            char *txt = text_block_line_text(lb, i);
            page_add_line(pg, text_block_layout(lb), i, x + ls.size / 2 + lx, top + i * pitch + lbase, lw, pitch, txt);
            free(txt);
        }
        text_block_free(lb);
    }
    if (cap) {
        int fw = flow_frame_width(f);
        int pitch = text_block_height(cap, 1);
        for (int i = 0; i < text_block_nlines(cap); i++) {
            int lx, lw, base;
            text_block_line(cap, i, &lx, &lw, &base);
            char *txt = text_block_line_text(cap, i);
            page_add_line(pg, text_block_layout(cap), i, x0 + lx, y + h + i * pitch + base, lw, pitch, txt);
            free(txt);
        }
        (void)fw;
        text_block_free(cap);
    }
    flow_space(f, space);
}

typedef struct place {
    int x, width;         /* relative to the frame */
    int depth;
    flow_decor decor;
    bool in_list;
} place;

static void flow_block(blocks_ctx *bc, flow *f, const doc_block *b, place pl);

static void flow_children(blocks_ctx *bc, flow *f, const doc_block *first, place pl)
{
    for (const doc_block *c = first; c; c = c->next) flow_block(bc, f, c, pl);
}

static void flow_para(blocks_ctx *bc, flow *f, const doc_text *t, text_style st, place pl)
{
    if (t->len == 0) return;
    if (pl.in_list || pl.depth > 0) st.indent = 0;
    text_block *tb = blocks_text(bc, t, &st, pl.width);
    flow_space(f, bc->th->para_space);
    flow_text(f, tb, pl.x, pl.decor.bar || pl.decor.bg ? &pl.decor : NULL);
    text_block_free(tb);
}

static void flow_list(blocks_ctx *bc, flow *f, const doc_block *list, place pl)
{
    text_style st = blocks_body_style(bc);
    int hang = (int)(1.6 * st.size);
    int num = list->ordered ? list->start : 0;
    flow_space(f, bc->th->para_space);
    for (const doc_block *item = list->child; item; item = item->next, num++) {
        char marker[32];
        if (list->ordered) snprintf(marker, sizeof marker, "%d.", num);
        else snprintf(marker, sizeof marker, "%s", pl.depth % 2 ? "◦" : "•");
        place inner = pl;
        inner.x = pl.x + hang;
        inner.width = pl.width - hang;
        inner.depth = pl.depth + 1;
        inner.in_list = true;
        const doc_block *first = item->child;
        if (first && first->kind == DOC_PARA) {
            /* The marker joins the first paragraph on a tab stop, hanging
             * into the margin of the item, so it shares the first line. */
            buf t = BUF_INIT;
            buf_addf(&t, "%s\t", marker);
            size_t shift = t.len;
            buf_addn(&t, first->text.s, first->text.len);
            doc_span *sp = mem_alloc((first->text.nspans + 1) * sizeof *sp);
            for (size_t k = 0; k < first->text.nspans; k++) {
                sp[k] = first->text.spans[k];
                sp[k].start += (uint32_t)shift;
                sp[k].end += (uint32_t)shift;
            }
            doc_text dt = {t.s, t.len, sp, first->text.nspans};
            text_style ist = st;
            ist.indent = -hang;
            ist.tab = hang;
            text_block *tb = blocks_text(bc, &dt, &ist, pl.width);
            if (!list->tight) flow_space(f, bc->th->para_space);
            flow_text(f, tb, pl.x, pl.decor.bar || pl.decor.bg ? &pl.decor : NULL);
            text_block_free(tb);
            free(sp);
            buf_free(&t);
            first = first->next;
        } else {
            doc_text dt = {marker, strlen(marker), NULL, 0};
            text_style mst = st;
            mst.indent = 0;
            text_block *tb = blocks_text(bc, &dt, &mst, hang);
            flow_text(f, tb, pl.x, NULL);
            text_block_free(tb);
        }
        flow_children(bc, f, first, inner);
    }
    flow_space(f, bc->th->para_space);
}

static void flow_code(blocks_ctx *bc, flow *f, const doc_block *b, place pl)
{
    const theme *th = bc->th;
    text_style st = blocks_body_style(bc);
    st.font.cjk = th->mono_cjk;
    st.font.latin = th->mono;
    st.size = (int)((double)th->size_code * bc->body_size / th->size_body);
    st.line_pitch = (int)(st.size * 1.45);
    st.indent = 0;
    st.align = TEXT_LEFT;
    st.autospace_em = 0;
    size_t len = b->text.len;
    while (len > 0 && b->text.s[len - 1] == '\n') len--;
    if (len == 0) return;
    int pad = st.size / 2;
    flow_decor d = pl.decor;
    d.bg = th->code_bg;
    d.bg_x0 = pl.x;
    d.bg_x1 = pl.x + pl.width;
    flow_space(f, th->para_space + st.size / 2);
    /* In pieces of at most CODE_CHUNK_LINES lines, flowed one after the
     * other with no space between: Pango makes each line a paragraph of its
     * own and its cost grows with the cube of their number in one layout
     * (a 1000-line block took 35 s). */
    enum { CODE_CHUNK_LINES = 64 };
    for (size_t a = 0; a < len;) {
        size_t e = a;
        for (int k = 0; e < len && k < CODE_CHUNK_LINES; e++)
            if (b->text.s[e] == '\n' && ++k == CODE_CHUNK_LINES) break;
        size_t n = e - a;   /* without the chunk's last '\n' */
        text_block *tb = text_block_new(bc->pc, b->text.s + a, n, NULL, 0, &st, pl.width - 2 * pad);
        note_missing(bc, tb);
        flow_text(f, tb, pl.x + pad, &d);
        text_block_free(tb);
        a = e < len ? e + 1 : len;
    }
    flow_space(f, th->para_space + st.size / 2);
}

static void flow_rule(blocks_ctx *bc, flow *f, place pl)
{
    int x0, y;
    flow_space(f, bc->body_size);
    page *pg = flow_reserve(f, THEME_PT, &x0, &y);
    page_add_rect(pg, bc->th->rule, x0 + pl.x, y, pl.width, THEME_PT / 2);
    flow_space(f, bc->body_size);
}

/* Tables: equal-width columns, rows kept whole, a hairline grid.  Wide
 * tables get a smaller size so that cells keep a usable width. */
static void flow_table(blocks_ctx *bc, flow *f, const doc_block *table, place pl)
{
    const theme *th = bc->th;
    int ncols = 0;
    for (const doc_block *row = table->child; row; row = row->next) {
        int n = 0;
        for (const doc_block *c = row->child; c; c = c->next) n++;
        if (n > ncols) ncols = n;
    }
    if (ncols == 0) return;
    text_style st = blocks_body_style(bc);
    double scale = ncols > 6 ? 0.7 : ncols > 3 ? 0.85 : 0.92;
    st.size = (int)(st.size * scale);
    st.line_pitch = (int)(st.size * 1.5);
    st.indent = 0;
    st.align = TEXT_LEFT;
    int colw = pl.width / ncols;
    int pad = st.size / 3;
    flow_space(f, th->para_space + st.size / 2);
    for (const doc_block *row = table->child; row; row = row->next) {
        text_block *cells[256];
        int n = 0, maxlines = 1;
        for (const doc_block *c = row->child; c && n < 256; c = c->next, n++) {
            text_style cs = st;
            if (row->header) cs.weight = 700;
            cs.align = c->align == 1 ? TEXT_CENTER : c->align == 2 ? TEXT_RIGHT : TEXT_LEFT;
            cells[n] = blocks_text(bc, &c->text, &cs, colw - 2 * pad > st.size ? colw - 2 * pad : st.size);
            if (text_block_nlines(cells[n]) > maxlines) maxlines = text_block_nlines(cells[n]);
        }
        int rowh = maxlines * st.line_pitch + 2 * pad;
        int limit = flow_frame_height(f);
        if (rowh > limit) rowh = limit;
        int x0, y;
        page *pg = flow_reserve(f, rowh, &x0, &y);
        int left = x0 + pl.x;
        if (row->header) page_add_rect(pg, th->code_bg, left, y, colw * ncols, rowh);
        page_add_rect(pg, th->rule, left, y, colw * ncols, THEME_PT / 2);
        for (int k = 0; k < n; k++) {
            int lines = text_block_nlines(cells[k]);
            int fit = (rowh - 2 * pad) / st.line_pitch;
            if (lines > fit) lines = fit;
            for (int i = 0; i < lines; i++) {
                int lx, lw, base;
                text_block_line(cells[k], i, &lx, &lw, &base);
                char *txt = text_block_line_text(cells[k], i);
                page_add_line(pg, text_block_layout(cells[k]), i, left + k * colw + pad + lx,
                              y + pad + i * st.line_pitch + base, lw, st.line_pitch, txt);
                free(txt);
            }
            text_block_free(cells[k]);
        }
        if (!row->next) page_add_rect(pg, th->rule, left, y + rowh - THEME_PT / 2, colw * ncols, THEME_PT / 2);
    }
    flow_space(f, th->para_space + st.size / 2);
}

static void flow_block(blocks_ctx *bc, flow *f, const doc_block *b, place pl)
{
    switch (b->kind) {
    case DOC_PARA:
        flow_para(bc, f, &b->text, blocks_body_style(bc), pl);
        break;
    case DOC_LEADIN: {
        text_style st = blocks_body_style(bc);
        st.weight = 700;
        st.indent = 0;
        flow_space(f, bc->th->para_space * 2);
        flow_para(bc, f, &b->text, st, pl);
        break;
    }
    case DOC_HEADING: {
        text_style st = blocks_heading_style(bc, b->level);
        text_block *tb = blocks_text(bc, &b->text, &st, pl.width);
        text_style body = blocks_body_style(bc);
        flow_space(f, st.size);
        flow_need(f, text_block_height(tb, text_block_nlines(tb)) + 2 * body.line_pitch + st.size);
        flow_text(f, tb, pl.x, NULL);
        flow_space(f, st.size / 3);
        text_block_free(tb);
        break;
    }
    case DOC_IMAGE:
        blocks_image(bc, f, b->image, bc->photo_max);
        break;
    case DOC_LIST:
        flow_list(bc, f, b, pl);
        break;
    case DOC_ITEM:
        flow_children(bc, f, b->child, pl);
        break;
    case DOC_QUOTE: {
        place inner = pl;
        int in = bc->body_size;
        inner.x += in;
        inner.width -= in;
        inner.depth++;
        inner.decor.bar = bc->th->quote_bar;
        inner.decor.bar_x = pl.x + in / 4;
        inner.decor.bar_w = THEME_PT * 2;
        flow_space(f, bc->th->para_space);
        flow_children(bc, f, b->child, inner);
        flow_space(f, bc->th->para_space);
        break;
    }
    case DOC_CODE:
        flow_code(bc, f, b, pl);
        break;
    case DOC_RULE:
        flow_rule(bc, f, pl);
        break;
    case DOC_TABLE:
        flow_table(bc, f, b, pl);
        break;
    case DOC_ROW:
    case DOC_CELL:
        break;
    }
}

void blocks_flow(blocks_ctx *bc, flow *f, const doc_block *b)
{
    place pl = {0};
    pl.width = flow_frame_width(f);
    flow_block(bc, f, b, pl);
}

void blocks_flow_at(blocks_ctx *bc, flow *f, const doc_block *b, int x, int width)
{
    place pl = {0};
    pl.x = x;
    pl.width = width;
    flow_block(bc, f, b, pl);
}

int blocks_image_box(blocks_ctx *bc, page *pg, int image, int x, int y, int w, int maxh)
{
    const doc_image *img = doc_image_at(bc->d, (size_t)image);
    int iw = w, ih = w / 2;
    if (img->status == DOC_IMG_OK && img->width > 0 && img->height > 0) {
        double pw = img->width * 72.0 / bc->th->photo_dpi * THEME_PT;
        double ww = pw < w ? pw : w;
        double hh = ww * img->height / img->width;
        if (hh > maxh) {
            ww *= maxh / hh;
            hh = maxh;
        }
        iw = (int)ww;
        ih = (int)hh;
    }
    text_block *cap = caption_block(bc, img, w);
    if (!pg) {
        int h = ih + (cap ? text_block_height(cap, text_block_nlines(cap)) : 0);
        text_block_free(cap);
        return h;
    }
    if (img->status == DOC_IMG_OK)
        page_add_image(pg, img->path, &img->info, x + (w - iw) / 2, y, iw, ih, FIT_CONTAIN, 0.5);
    else
        page_add_placeholder(pg, img->src, x, y, iw, ih)->color = bc->th->placeholder_bg;
    if (!cap) return ih;
    int pitch = text_block_height(cap, 1);
    for (int i = 0; i < text_block_nlines(cap); i++) {
        int lx, lw, base;
        text_block_line(cap, i, &lx, &lw, &base);
        char *txt = text_block_line_text(cap, i);
        page_add_line(pg, text_block_layout(cap), i, x + lx, y + ih + i * pitch + base, lw, pitch, txt);
        free(txt);
    }
    int h = ih + text_block_height(cap, text_block_nlines(cap));
    text_block_free(cap);
    return h;
}

/* Logos are small; anything over 16 MB is not one. */
#define LOGO_MAX_BYTES (16 << 20)

bool blocks_probe(const char *path, media_info *info)
{
    size_t len = 0;
    char *data = file_read_all(path, LOGO_MAX_BYTES, &len);
    if (!data) return false;
    bool ok = media_probe((const unsigned char *)data, len, info) == MEDIA_OK;
    free(data);
    return ok;
}

void blocks_logo(blocks_ctx *bc, page *pg, int x, int y, int w, int h, bool right)
{
    media_info info;
    if (!bc->th->logo || !blocks_probe(bc->th->logo, &info)) return;
    int pw, ph;
    media_oriented_size(&info, &pw, &ph);
    if (pw <= 0 || ph <= 0) return;
    int lw = (int)((double)h * pw / ph), lh = h;
    if (lw > w) {
        lh = (int)((double)lh * w / lw);
        lw = w;
    }
    page_add_image(pg, bc->th->logo, &info, right ? x + w - lw : x, y, lw, lh, FIT_CONTAIN, 0.5);
}

/* Whether flow_list() marks some item of b (or of what it holds) "◦": an
 * unordered list at an odd depth, lists and quotes each adding one. */
static bool uses_white_bullet(const doc_block *b, int depth)
{
    if (b->kind == DOC_LIST && !b->ordered && depth % 2) return true;
    int inner = depth + (b->kind == DOC_LIST || b->kind == DOC_QUOTE);
    for (const doc_block *c = b->child; c; c = c->next)
        if (uses_white_bullet(c, inner)) return true;
    return false;
}

PangoContext *blocks_context(fontset *fs, const doc *d, const theme *th)
{
    const char *lang = doc_get_meta(d)->lang;
    /* A batch worker has none: no need to read the post through. */
    if (!fontset_has_core(fs)) return fontset_context(fs, lang);
    buf text = BUF_INIT, cjk = BUF_INIT, other = BUF_INIT;
    doc_collect_text(d, &text);
    if (th->footer) buf_add(&text, th->footer);
    buf_add(&text, generated_text);
    for (size_t i = 0; i < doc_nblocks(d); i++)
        if (uses_white_bullet(doc_block_at(d, i), 0)) {
            buf_add(&text, "◦");
            break;
        }
    bool cjk_lang = text_lang_is_cjk(lang);
    for (size_t i = 0; i < text.len;) {
        size_t adv;
        uint32_t cp = utf8_decode(text.s + i, text.len - i, &adv);
        if (!adv) adv = 1;
        /* Spaces join either kind of run (text.c): both must have them. */
        bool space = utf8_is_space(cp), wide = text_is_cjk_char(cp, cjk_lang);
        if (space || !wide) buf_addn(&other, text.s + i, adv);
        if (space || wide) buf_addn(&cjk, text.s + i, adv);
        i += adv;
    }
    char *body = text_cjk_family(th->body.cjk, lang), *heading = text_cjk_family(th->heading.cjk, lang);
    const char *cjk_fams[] = {body, heading, th->mono_cjk};
    const char *latin_fams[] = {th->body.latin ? th->body.latin : body,
                                th->heading.latin ? th->heading.latin : heading, th->mono};
    bool core = fontset_core_covers(fs, cjk_fams, 3, cjk.s, cjk.len) &&
                fontset_core_covers(fs, latin_fams, 3, other.s, other.len);
    free(body);
    free(heading);
    buf_free(&text);
    buf_free(&cjk);
    buf_free(&other);
    return core ? fontset_context_core(fs, lang) : fontset_context(fs, lang);
}
