/* handout: page masters for the printable handout (see handout.h).
 *
 * The masters are written once and used twice: handout_layout() runs them
 * over one post, book_layout() (layout/book.c) over several posts in one
 * pageset, naming their destinations with a per-post prefix and nesting
 * their outline one level deeper.
 *
 * Order of work: the cover is laid out first, then the body (intro and
 * sections), and only then the contents page, because its page numbers are
 * known only after the body is paginated.  The contents is laid out twice,
 * once to learn how many pages it takes and once with the final numbers,
 * then spliced in after the cover.  Footers come last, when every page's
 * number is final.  Physical page numbers are printed (the cover is page 1
 * but carries no footer), so a viewer's page box and the paper agree.
 */
#include "layout/handout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "layout/blocks.h"
#include "layout/flow.h"
#include "layout/text.h"

/* Column k of n in a frame: equal widths, a gutter of two body em
 * between them (wide enough that a reader's eye never jumps across), each
 * a whole number of em on the grid. */
static void column_frame(const theme *th, int n, int k, int *fx, int *fw)
{
    int gap = 2 * th->size_body;
    int w = (*fw - gap * (n - 1)) / n;
    if (th->grid && th->size_body > 0) w = w / th->size_body * th->size_body;
    int used = n * w + (n - 1) * gap;
    *fx += (*fw - used) / 2 + k * (w + gap);
    *fw = w;
}

/* The text frame of the page with final index i.  Odd pages (i even) are
 * rectos, bound on the left, so the inner margin is on the left there and
 * on the right of versos.  A body-width cap narrows the column, centred,
 * and the grid rounds it down to whole em. */
static void page_frame(const theme *th, int pw, int ph, size_t i, int *fx, int *fy, int *fw,
                       int *fh)
{
    bool recto = i % 2 == 0;
    int left = recto ? th->margin_inner : th->margin_outer;
    int right = recto ? th->margin_outer : th->margin_inner;
    *fx = left;
    *fw = pw - left - right;
    if (th->body_width > 0 && th->body_width < *fw) {
        *fx += (*fw - th->body_width) / 2;
        *fw = th->body_width;
    }
    /* On the grid: the column narrows to a whole number of body em,
     * centred, so that forty characters fill a line exactly. */
    if (th->grid && th->size_body > 0) {
        int w = *fw / th->size_body * th->size_body;
        *fx += (*fw - w) / 2;
        *fw = w;
    }
    *fy = th->margin_top;
    *fh = ph - th->margin_top - th->margin_bottom;
}

page *handout_blank_page(handout_master *m)
{
    page *pg = pageset_add_page(m->ps, m->pw, m->ph);
    /* White paper needs no fill; anything else is painted. */
    if (m->th->page_bg != 0xffffffff && (m->th->page_bg & 0xff)) pg->background = m->th->page_bg;
    return pg;
}

static page *new_page(void *ud, int *fx, int *fy, int *fw, int *fh)
{
    handout_master *m = ud;
    size_t n = pageset_npages(m->ps);
    /* The next column of the current page, while it has one left. */
    if (m->columns > 1 && m->col > 0 && m->col < m->columns && n > 0) {
        page_frame(m->th, m->pw, m->ph, n - 1 + (size_t)m->shift, fx, fy, fw, fh);
        column_frame(m->th, m->columns, m->col++, fx, fw);
        return pageset_page(m->ps, n - 1);
    }
    size_t i = n + (size_t)m->shift;
    page *pg = handout_blank_page(m);
    page_frame(m->th, m->pw, m->ph, i, fx, fy, fw, fh);
    if (m->columns > 1) {
        column_frame(m->th, m->columns, 0, fx, fw);
        m->col = 1;
    }
    return pg;
}

static void flow_plain(blocks_ctx *bc, flow *f, const char *s, text_style *st)
{
    doc_text t = {s, strlen(s), NULL, 0};
    text_block *tb = blocks_text(bc, &t, st, flow_frame_width(f));
    flow_text(f, tb, 0, NULL);
    text_block_free(tb);
}

/* The logo on the cover: 12 mm high at the top right of the frame. */
#define LOGO_HEIGHT THEME_MM(12)

/* Cover styles (theme.cover): `photo` puts the cover image above the title;
 * `plain` sets the title a quarter down an otherwise empty page; `band`
 * sets it in the page colour on an accent band across the top third, with
 * the cover image below the summary when it fits. */
static void layout_cover(blocks_ctx *bc, handout_master *m, const handout_cover_text *ct)
{
    const theme *th = bc->th;
    flow *f = flow_new(m->ps, new_page, m);
    page *pg = flow_page(f);
    int fw = flow_frame_width(f), fh = flow_frame_height(f);
    int x0, y;
    int img = ct->image;
    const char *title = ct->title ? ct->title : "";

    text_style ts = blocks_heading_style(bc, 1);
    ts.size = th->size_title;
    ts.line_pitch = (int)(ts.size * 1.3);
    if (th->cover == THEME_COVER_BAND) {
        text_style bs = ts;
        bs.color = blocks_text_on(th->accent);
        text_block *tb = blocks_plain(bc, title, &bs, fw);
        int tbh = text_block_height(tb, text_block_nlines(tb));
        /* A third of the page, or more for a long title: the band ends a
         * title size below the title's last line. */
        int band = m->ph / 3;
        if (band < th->margin_top + tbh + 2 * ts.size) band = th->margin_top + tbh + 2 * ts.size;
        page_add_rect(pg, th->accent, 0, 0, m->pw, band);
        pg = flow_reserve(f, band - th->margin_top, &x0, &y);
        blocks_logo(bc, pg, x0, y, fw, LOGO_HEIGHT, true);
        blocks_place(pg, tb, x0, band - ts.size - tbh);
        text_block_free(tb);
    } else {
        if (th->logo) {
            pg = flow_reserve(f, LOGO_HEIGHT, &x0, &y);
            blocks_logo(bc, pg, x0, y, fw, LOGO_HEIGHT, true);
        }
        if (th->cover == THEME_COVER_PHOTO && img >= 0) blocks_image(bc, f, img, 0.45);
        else if (th->cover == THEME_COVER_PLAIN) flow_reserve(f, fh / 4, &x0, &y);
        flow_space(f, th->size_title);
        flow_plain(bc, f, title, &ts);
        if (th->cover == THEME_COVER_PLAIN) {
            /* A short accent rule under the title. */
            flow_space(f, th->size_body);
            pg = flow_reserve(f, 2 * THEME_PT, &x0, &y);
            page_add_rect(pg, th->accent, x0, y, 6 * th->size_body, 2 * THEME_PT);
        }
    }

    if (ct->byline && *ct->byline) {
        text_style ms = blocks_body_style(bc);
        ms.indent = 0;
        ms.align = TEXT_LEFT;
        ms.color = th->muted;
        flow_space(f, th->size_body);
        flow_plain(bc, f, ct->byline, &ms);
    }
    if (ct->summary && *ct->summary) {
        text_style ss = blocks_body_style(bc);
        ss.indent = 0;
        ss.size = th->size_h3;
        ss.line_pitch = (int)(ss.size * bc->line_height);
        ss.color = th->muted;
        flow_space(f, th->size_h1);
        flow_plain(bc, f, ct->summary, &ss);
    }
    if (th->cover == THEME_COVER_BAND && img >= 0) {
        /* The photo only where it fits on the cover: a cover is one page. */
        int space = th->para_space + bc->body_size / 2;
        int left = flow_remaining(f) - 2 * space - 3 * th->size_body;
        double frac = (double)left / fh;
        if (frac > 0.45) frac = 0.45;
        if (frac > 0.15) {
            flow_space(f, th->size_h1);
            blocks_image(bc, f, img, frac);
        }
    }
    flow_free(f);
}

void handout_cover(blocks_ctx *bc, handout_master *m, const handout_cover_text *ct)
{
    if (ct) {
        layout_cover(bc, m, ct);
        return;
    }
    /* The post's own: its title, "date  ·  author", summary, cover image. */
    const doc_meta *meta = doc_get_meta(bc->d);
    buf line = BUF_INIT;
    if (meta->date) buf_add(&line, meta->date);
    if (meta->author) buf_addf(&line, "%s%s", line.len ? "  ·  " : "", meta->author);
    handout_cover_text own = {meta->title, line.s, meta->summary, blocks_cover_image(bc->d)};
    layout_cover(bc, m, &own);
    buf_free(&line);
}

void handout_section_dest(char *out, size_t size, const char *prefix, size_t i)
{
    snprintf(out, size, "%ssec-%zu", prefix ? prefix : "", i + 1);
}

static int min_section_level(const doc *d)
{
    int lo = 99;
    for (size_t i = 0; i < doc_nsections(d); i++) {
        int l = doc_section_at(d, i)->level;
        if (l < lo) lo = l;
    }
    return lo == 99 ? 0 : lo;
}

/* The outline and contents level of a section at level l, when the
 * shallowest level of the post, lo, maps to top. */
static int section_level(int l, int lo, int top)
{
    int level = l - lo + top;
    return level < top ? top : level;
}

void handout_section_entries(const doc *d, const char *prefix, int top, const int *sec_page,
                             int shift, handout_entry *out)
{
    int lo = min_section_level(d);
    for (size_t s = 0; s < doc_nsections(d); s++) {
        const doc_section *sec = doc_section_at(d, s);
        handout_entry *e = &out[s];
        e->title = sec->title;
        e->level = section_level(sec->level, lo, top);
        e->strong = false;
        handout_section_dest(e->dest, sizeof e->dest, prefix, s);
        e->page = sec_page[s] + shift;
    }
}

/* Flows top-level blocks [a, b).  A lead-in line at the end (a bold line
 * introducing the next section, "下面让我们回顾…") is not flowed: its index
 * is returned so that it can be kept with that section's heading. */
static size_t flow_range(blocks_ctx *bc, flow *f, size_t a, size_t b)
{
    size_t leadin = (size_t)-1;
    if (b > a && doc_block_at(bc->d, b - 1)->kind == DOC_LEADIN) leadin = --b;
    for (size_t i = a; i < b; i++) blocks_flow(bc, f, doc_block_at(bc->d, i));
    return leadin;
}

void handout_body(blocks_ctx *bc, handout_master *m, const handout_marks *mk, int *sec_page)
{
    const doc *d = bc->d;
    const theme *th = bc->th;
    flow *f = flow_new(m->ps, new_page, m);
    flow_break(f);
    bc->photo_max = 0.5;
    size_t leadin = flow_range(bc, f, 0, doc_intro_end(d));

    int lo = min_section_level(d);
    text_style body = blocks_body_style(bc);
    text_style ls = body;
    ls.weight = 700;
    ls.indent = 0;
    for (size_t s = 0; s < doc_nsections(d); s++) {
        const doc_section *sec = doc_section_at(d, s);
        const doc_block *hb = doc_block_at(d, sec->first);
        text_style hs = blocks_heading_style(bc, sec->level);
        /* theme.photo left/right: the talk photo (the block right after the
         * heading) takes a column beside the heading and the paragraphs
         * that fit next to it; the text column narrows to tw. */
        size_t next = sec->first + 1;
        int fw = flow_frame_width(f), fh = flow_frame_height(f);
        bool side = th->photo != THEME_PHOTO_TOP && sec->photo >= 0 && next < sec->end &&
                    doc_block_at(d, next)->kind == DOC_IMAGE &&
                    doc_block_at(d, next)->image == sec->photo;
        int gap = bc->body_size * 3 / 2;
        int pw = (int)(fw * th->photo_width), tw = fw - pw - gap;
        int xoff = side && th->photo == THEME_PHOTO_LEFT ? pw + gap : 0;
        int side_h = 0;
        if (side) side_h = blocks_image_box(bc, NULL, sec->photo, 0, 0, pw, (int)(fh * th->photo_max_height));
        text_block *tb = blocks_text(bc, &hb->text, &hs, side ? tw : fw);
        text_block *lb = NULL;
        if (leadin != (size_t)-1)
            lb = blocks_text(bc, &doc_block_at(d, leadin)->text, &ls, flow_frame_width(f));
        /* Keep the heading (and a lead-in line before it) with its photo
         * and the first two lines of its text (docs/cjk.md §7). */
        int need = text_block_height(tb, text_block_nlines(tb)) + hs.size / 2 + 2 * body.line_pitch;
        if (side && need < side_h) need = side_h;
        if (lb) need += text_block_height(lb, text_block_nlines(lb)) + (int)(hs.size * 1.6);
        if (!side && sec->photo >= 0 && next < sec->end && doc_block_at(d, next)->kind == DOC_IMAGE)
            need += blocks_image_height(bc, f, sec->photo, th->photo_max_height) +
                    2 * (th->para_space + bc->body_size / 2);
        flow_space(f, (int)(hs.size * 1.6));
        flow_need(f, need);
        int level = section_level(sec->level, lo, mk->level);
        int x0, y;
        page *pg;
        if (lb) {
            /* A lead-in gets a bookmark of its own: it reads as a heading. */
            char ldest[sizeof ((handout_entry *)0)->dest];
            snprintf(ldest, sizeof ldest, "%slead-%zu", mk->prefix, s + 1);
            pg = flow_reserve(f, 0, &x0, &y);
            page_add_dest(pg, ldest, x0, y);
            pageset_add_outline(m->ps, doc_block_at(d, leadin)->text.s, level, ldest,
                                flow_page_index(f));
            flow_text(f, lb, 0, NULL);
            text_block_free(lb);
            flow_space(f, (int)(hs.size * 1.2));
        }
        pg = flow_reserve(f, 0, &x0, &y);
        char dest[sizeof ((handout_entry *)0)->dest];
        handout_section_dest(dest, sizeof dest, mk->prefix, s);
        page_add_dest(pg, dest, x0, y);
        sec_page[s] = flow_page_index(f);
        pageset_add_outline(m->ps, sec->title, level, dest, sec_page[s]);
        size_t from = sec->first + 1;
        int ybot = 0;
        if (side) {
            int px = th->photo == THEME_PHOTO_LEFT ? x0 : x0 + fw - pw;
            ybot = y + blocks_image_box(bc, pg, sec->photo, px, y, pw, (int)(fh * th->photo_max_height));
            from = next + 1;
        }
        flow_text(f, tb, xoff, NULL);
        text_block_free(tb);
        flow_space(f, hs.size / 2);
        bc->photo_max = th->photo_max_height;
        if (side) {
            /* Whole paragraphs beside the photo while they start above its
             * foot and end on this page; then clear the photo. */
            int bottom = th->margin_top + fh;
            for (; from < sec->end; from++) {
                const doc_block *b = doc_block_at(d, from);
                if (b->kind != DOC_PARA || bottom - flow_remaining(f) >= ybot) break;
                text_block *pb = blocks_text(bc, &b->text, &body, tw);
                int h = text_block_height(pb, text_block_nlines(pb)) + th->para_space;
                text_block_free(pb);
                if (h > flow_remaining(f)) break;
                blocks_flow_at(bc, f, b, xoff, tw);
            }
            int cur = bottom - flow_remaining(f);
            if (cur < ybot) flow_reserve(f, ybot - cur, &x0, &y);
            flow_space(f, th->para_space + bc->body_size / 2);
        }
        leadin = flow_range(bc, f, from, sec->end);
    }
    if (leadin != (size_t)-1) blocks_flow(bc, f, doc_block_at(d, leadin));
    flow_free(f);
}

/* The contents: one row per entry, title, dot leaders, page number; the
 * whole row links to the entry's destination.  A strong row (a post in a
 * book) is set in the heading face, a line's worth of space above it, and
 * kept on a page with the row after it. */
/* Dot leaders.  Pango 1.50 wraps a line that does not fit by trying break
 * positions back from its end and shaping the text again at each, and a
 * leader written as lead_w / (size / 2) pairs of ". " was always a little
 * too long for its width (a pair is a hair over half an em): 2 M
 * instructions to wrap each, a fifth of a long report's handout.  So one
 * row of pairs is laid out unwrapped, the end of each of its dots measured,
 * and each leader is given the pairs that fit: the same row Pango's
 * wrapping kept, without the search.  The ends come from one walk over the
 * row's glyphs (the leading edge of the space after each dot), not from
 * pango_layout_index_to_pos() per dot, which walks the line from its start
 * and boxes every glyph each time: 3 % of a batch worker's instructions. */
typedef struct leaders {
    int *end;                /* end[i]: where the (i + 1)-th dot ends, Pango units */
    int n;
} leaders;

static leaders leaders_measure(blocks_ctx *bc, const text_style *ls, int fw)
{
    leaders ld = {NULL, 0};
    int n = fw / (ls->size / 2) + 2;
    buf dots = BUF_INIT;
    for (int k = 0; k < n; k++) buf_add(&dots, ". ");
    text_style st = *ls;
    st.align = TEXT_LEFT;
    doc_text dt = {dots.s, dots.len, NULL, 0};
    text_block *db = blocks_text(bc, &dt, &st, 4 * fw);
    if (db && text_block_nlines(db) == 1) {
        PangoLayout *l = text_block_layout(db);
        int len = (int)strlen(pango_layout_get_text(l));
        /* edge[i]: the x where the cluster starting at byte i begins. */
        int *edge = mem_alloc(sizeof *edge * ((size_t)len + 1));
        for (int i = 0; i <= len; i++) edge[i] = -1;
        PangoLayoutLine *line = pango_layout_get_line_readonly(l, 0);
        int x = 0;
        for (GSList *r = line->runs; r; r = r->next) {
            const PangoGlyphItem *gi = r->data;
            const PangoGlyphString *gs = gi->glyphs;
            for (int g = 0; g < gs->num_glyphs; g++) {
                int at = gi->item->offset + gs->log_clusters[g];
                if (at >= 0 && at <= len && edge[at] < 0) edge[at] = x;
                x += gs->glyphs[g].geometry.width;
            }
        }
        ld.end = mem_alloc(sizeof *ld.end * (size_t)n);
        for (int k = 0; k < n; k++) {
            int at = 2 * k + 1;
            if (at <= len && edge[at] >= 0) {
                ld.end[k] = edge[at];
            } else {
                PangoRectangle pos;
                pango_layout_index_to_pos(l, at, &pos);
                ld.end[k] = pos.x;
            }
        }
        free(edge);
        ld.n = n;
    }
    text_block_free(db);
    buf_free(&dots);
    return ld;
}

/* How many dots of a ". . ." row fit in width. */
static int leaders_fit(const leaders *ld, int width)
{
    int k = 0;
    while (k < ld->n && ld->end[k] <= width) k++;
    return k;
}

void handout_contents(blocks_ctx *bc, handout_master *m, const char *heading,
                      const handout_entry *e, size_t n)
{
    const theme *th = bc->th;
    flow *f = flow_new(m->ps, new_page, m);
    flow_page(f);
    text_style hs = blocks_heading_style(bc, 1);
    int x0, y;
    page *pg = flow_reserve(f, 0, &x0, &y);
    page_add_dest(pg, "contents", x0, y);
    flow_plain(bc, f, heading, &hs);
    flow_space(f, th->size_h1);

    text_style es = blocks_body_style(bc);
    es.indent = 0;
    es.align = TEXT_LEFT;
    es.line_pitch = (int)(es.size * 2.0);
    text_style ns = es;
    ns.align = TEXT_RIGHT;
    ns.font = th->body;
    text_style ls = ns;
    ls.color = th->muted;
    text_style ss = es;
    ss.font = th->heading;
    ss.weight = th->heading_weight;
    ss.color = th->heading_color;
    text_style sns = ss;
    sns.align = TEXT_RIGHT;
    int fw = flow_frame_width(f);
    int numw = 3 * es.size;
    leaders ld = m->counting ? (leaders){NULL, 0} : leaders_measure(bc, &ls, fw);
    for (size_t s = 0; s < n; s++) {
        const text_style *rs = e[s].strong ? &ss : &es, *rns = e[s].strong ? &sns : &ns;
        int indent = (e[s].level - 1) * 2 * es.size;
        if (indent < 0) indent = 0;
        if (indent > fw / 4) indent = fw / 4;
        doc_text tt = {e[s].title, strlen(e[s].title), NULL, 0};
        text_block *tb = blocks_text(bc, &tt, rs, fw - indent - numw - 2 * es.size);
        if (m->counting) {
            int h = text_block_height(tb, text_block_nlines(tb));
            if (e[s].strong) {
                flow_space(f, es.size);
                flow_need(f, h + (s + 1 < n ? es.line_pitch : 0));
            }
            pg = flow_reserve(f, h, &x0, &y);
            blocks_place(pg, tb, x0 + indent, y);
            text_block_free(tb);
            continue;
        }
        char num[32];
        snprintf(num, sizeof num, "%d", e[s].page + 1);
        doc_text nt = {num, strlen(num), NULL, 0};
        text_block *nb = blocks_text(bc, &nt, rns, numw);
        int h = text_block_height(tb, text_block_nlines(tb));
        int lx, lw, base;
        text_block_line(tb, text_block_nlines(tb) - 1, &lx, &lw, &base);
        /* Dot leaders from the end of the title's last line to the number. */
        int lead_x = indent + lw + es.size / 2;
        int lead_w = fw - numw - lead_x;
        if (e[s].strong) {
            /* Half a row of space (a row is two body sizes) sets a post
             * apart from the sections of the one before. */
            flow_space(f, es.size);
            flow_need(f, h + (s + 1 < n ? es.line_pitch : 0));
        }
        pg = flow_reserve(f, h, &x0, &y);
        blocks_place(pg, tb, x0 + indent, y);
        blocks_place(pg, nb, x0 + fw - numw, y + h - text_block_height(nb, 1));
        if (lead_w > es.size) {
            buf dots = BUF_INIT;
            int nd = ld.n ? leaders_fit(&ld, lead_w) : lead_w / (es.size / 2);
            for (int k = 0; k < nd; k++) buf_add(&dots, k ? " ." : ".");
            text_style ds = ls;
            doc_text dt = {dots.s, dots.len, NULL, 0};
            text_block *db = blocks_text(bc, &dt, &ds, lead_w);
            int dlx, dlw, dbase;
            text_block_line(db, 0, &dlx, &dlw, &dbase);
            char *txt = text_block_line_text(db, 0);
            page_add_line(pg, text_block_layout(db), 0, x0 + lead_x + (lead_w - dlw), y + h - es.line_pitch + dbase,
                          dlw, es.line_pitch, txt);
            free(txt);
            text_block_free(db);
            buf_free(&dots);
        }
        page_add_link(pg, NULL, e[s].dest, x0 + indent, y, fw - indent, h);
        text_block_free(tb);
        text_block_free(nb);
    }
    free(ld.end);
    flow_free(f);
}

/* The running footer's text: theme.footer with {title}, {author} and
 * {date} replaced, or the post title when the theme has none.  Returns a
 * new string owned by the caller. */
static char *footer_text(const theme *th, const doc_meta *meta)
{
    const char *t = th->footer ? th->footer : "{title}";
    buf b = BUF_INIT;
    buf_add(&b, "");
    while (*t) {
        const char *val = NULL;
        size_t skip = 0;
        if (!strncmp(t, "{title}", 7)) val = meta->title, skip = 7;
        else if (!strncmp(t, "{author}", 8)) val = meta->author, skip = 8;
        else if (!strncmp(t, "{date}", 6)) val = meta->date, skip = 6;
        if (skip) {
            if (val) buf_add(&b, val);
            t += skip;
        } else {
            buf_addc(&b, *t++);
        }
    }
    return buf_detach(&b);
}

void handout_footers(blocks_ctx *bc, pageset *ps, size_t first, size_t end,
                     const doc_meta *meta)
{
    char *label = footer_text(bc->th, meta);
    blocks_footers(bc, ps, first, end, label, doc_get_meta(bc->d)->lang, page_frame);
    free(label);
}

pageset *handout_layout(const doc *d, const theme *th, fontset *fs, const handout_opts *opts,
                        diag_list *dl)
{
    const doc_meta *meta = doc_get_meta(d);
    pageset *ps = pageset_new();
    handout_master m = {ps, th, 0, 0, 0, 1, 0, false};
    theme_paper_size(opts ? opts->paper : th->paper, &m.pw, &m.ph);

    blocks_ctx bc = {0};
    bc.d = d;
    bc.th = th;
    bc.pc = blocks_context(fs, d, th);
    bc.dl = dl;
    bc.body_size = th->size_body;
    bc.photo_max = 0.5;
    bc.indent = th->indent_first_line;
    bc.line_height = theme_line_height(th, meta->lang);

    handout_cover(&bc, &m, NULL);
    size_t cover_pages = pageset_npages(ps);
    size_t nsec = doc_nsections(d);
    int *sec_page = mem_calloc(nsec + 1, sizeof(int));
    handout_entry *rows = mem_calloc(nsec + 1, sizeof *rows);
    const char *heading = blocks_ui(d, "目录", "Contents");
    /* How many pages the contents will take, learnt before the body is laid
     * out (with three-digit page numbers: as wide as any real one), so
     * that body pages know whether they are rectos or versos. */
    int ncontents = 0;
    handout_master sm = m;
    sm.shift = (int)cover_pages;
    if (nsec >= 3) {
        for (size_t s = 0; s < nsec; s++) sec_page[s] = 998;
        handout_section_entries(d, "", 1, sec_page, 0, rows);
        pageset *scratch = pageset_new();
        sm.ps = scratch;
        sm.counting = true;
        handout_contents(&bc, &sm, heading, rows, nsec);
        sm.counting = false;
        ncontents = (int)pageset_npages(scratch);
        pageset_free(scratch);
    }
    m.shift = ncontents;
    m.columns = th->columns > 1 ? th->columns : 1;
    handout_marks mk = {"", 1};
    handout_body(&bc, &m, &mk, sec_page);

    if (nsec >= 3) {
        handout_section_entries(d, "", 1, sec_page, ncontents, rows);
        pageset *scratch = pageset_new();
        sm.ps = scratch;
        handout_contents(&bc, &sm, heading, rows, nsec);
        pageset_splice(ps, cover_pages, scratch);
        pageset_free(scratch);
    }
    handout_footers(&bc, ps, cover_pages, pageset_npages(ps), meta);

    blocks_set_meta(ps, d);

    blocks_report(&bc, doc_path(d));
    free(bc.missing);
    g_object_unref(bc.pc);
    free(rows);
    free(sec_page);
    return ps;
}
