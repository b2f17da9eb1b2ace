/* handout: page masters for the printable handout (see handout.h).
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

typedef struct master {
    pageset *ps;
    const theme *th;
    int pw, ph;
} master;

static page *new_page(void *ud, int *fx, int *fy, int *fw, int *fh)
{
    master *m = ud;
    page *pg = pageset_add_page(m->ps, m->pw, m->ph);
    *fx = m->th->margin_inner;
    *fy = m->th->margin_top;
    *fw = m->pw - m->th->margin_inner - m->th->margin_outer;
    *fh = m->ph - m->th->margin_top - m->th->margin_bottom;
    return pg;
}

static void flow_plain(blocks_ctx *bc, flow *f, const char *s, text_style *st)
{
    doc_text t = {s, strlen(s), NULL, 0};
    text_block *tb = blocks_text(bc, &t, st, flow_frame_width(f));
    flow_text(f, tb, 0, NULL);
    text_block_free(tb);
}

static void layout_cover(blocks_ctx *bc, master *m)
{
    const doc *d = bc->d;
    const doc_meta *meta = doc_get_meta(d);
    const theme *th = bc->th;
    flow *f = flow_new(m->ps, new_page, m);
    flow_page(f);
    int img = blocks_cover_image(d);
    if (img >= 0) blocks_image(bc, f, img, 0.45);
    flow_space(f, th->size_title);

    text_style ts = blocks_heading_style(bc, 1);
    ts.size = th->size_title;
    ts.line_pitch = (int)(ts.size * 1.3);
    flow_plain(bc, f, meta->title ? meta->title : "", &ts);

    buf line = BUF_INIT;
    if (meta->date) buf_add(&line, meta->date);
    if (meta->author) buf_addf(&line, "%s%s", line.len ? "  ·  " : "", meta->author);
    if (line.len) {
        text_style ms = blocks_body_style(bc);
        ms.indent = 0;
        ms.align = TEXT_LEFT;
        ms.color = th->muted;
        flow_space(f, th->size_body);
        flow_plain(bc, f, line.s, &ms);
    }
    buf_free(&line);
    if (meta->summary && *meta->summary) {
        text_style ss = blocks_body_style(bc);
        ss.indent = 0;
        ss.size = th->size_h3;
        ss.line_pitch = (int)(ss.size * th->line_height);
        ss.color = th->muted;
        flow_space(f, th->size_h1);
        flow_plain(bc, f, meta->summary, &ss);
    }
    flow_free(f);
}

static char *section_dest(size_t i)
{
    char name[32];
    snprintf(name, sizeof name, "sec-%zu", i + 1);
    return mem_strdup(name);
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

/* Lays out the body; fills sec_page[i] with each section's page index. */
static void layout_body(blocks_ctx *bc, master *m, int *sec_page)
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
        text_block *tb = blocks_text(bc, &hb->text, &hs, flow_frame_width(f));
        text_block *lb = NULL;
        if (leadin != (size_t)-1)
            lb = blocks_text(bc, &doc_block_at(d, leadin)->text, &ls, flow_frame_width(f));
        /* Keep the heading (and a lead-in line before it) with its photo
         * and the first two lines of its text (docs/cjk.md §7). */
        int need = text_block_height(tb, text_block_nlines(tb)) + hs.size / 2 + 2 * body.line_pitch;
        if (lb) need += text_block_height(lb, text_block_nlines(lb)) + (int)(hs.size * 1.6);
        size_t next = sec->first + 1;
        if (sec->photo >= 0 && next < sec->end && doc_block_at(d, next)->kind == DOC_IMAGE)
            need += blocks_image_height(bc, f, sec->photo, th->photo_max_height) +
                    2 * (th->para_space + bc->body_size / 2);
        flow_space(f, (int)(hs.size * 1.6));
        flow_need(f, need);
        int level = sec->level - lo + 1;
        if (level < 1) level = 1;
        int x0, y;
        page *pg;
        if (lb) {
            /* A lead-in gets a bookmark of its own: it reads as a heading. */
            char ldest[32];
            snprintf(ldest, sizeof ldest, "lead-%zu", s + 1);
            pg = flow_reserve(f, 0, &x0, &y);
            page_add_dest(pg, ldest, x0, y);
            pageset_add_outline(m->ps, doc_block_at(d, leadin)->text.s, level, ldest,
                                flow_page_index(f));
            flow_text(f, lb, 0, NULL);
            text_block_free(lb);
            flow_space(f, (int)(hs.size * 1.2));
        }
        pg = flow_reserve(f, 0, &x0, &y);
        char *dest = section_dest(s);
        page_add_dest(pg, dest, x0, y);
        sec_page[s] = flow_page_index(f);
        pageset_add_outline(m->ps, sec->title, level, dest, sec_page[s]);
        free(dest);
        flow_text(f, tb, 0, NULL);
        text_block_free(tb);
        flow_space(f, hs.size / 2);
        bc->photo_max = th->photo_max_height;
        leadin = flow_range(bc, f, sec->first + 1, sec->end);
    }
    if (leadin != (size_t)-1) blocks_flow(bc, f, doc_block_at(d, leadin));
    flow_free(f);
}

/* The contents: one row per section, title, dot leaders, page number; the
 * whole row links to the section. */
static void layout_contents(blocks_ctx *bc, master *m, const int *sec_page, int offset)
{
    const doc *d = bc->d;
    const theme *th = bc->th;
    flow *f = flow_new(m->ps, new_page, m);
    flow_page(f);
    text_style hs = blocks_heading_style(bc, 1);
    int x0, y;
    page *pg = flow_reserve(f, 0, &x0, &y);
    page_add_dest(pg, "contents", x0, y);
    flow_plain(bc, f, blocks_ui(d, "目录", "Contents"), &hs);
    flow_space(f, th->size_h1);

    int lo = min_section_level(d);
    text_style es = blocks_body_style(bc);
    es.indent = 0;
    es.align = TEXT_LEFT;
    es.line_pitch = (int)(es.size * 2.0);
    text_style ns = es;
    ns.align = TEXT_RIGHT;
    ns.font = th->body;
    text_style ls = ns;
    ls.color = th->muted;
    int fw = flow_frame_width(f);
    int numw = 3 * es.size;
    for (size_t s = 0; s < doc_nsections(d); s++) {
        const doc_section *sec = doc_section_at(d, s);
        int indent = (sec->level - lo) * 2 * es.size;
        if (indent < 0) indent = 0;
        if (indent > fw / 4) indent = fw / 4;
        doc_text tt = {sec->title, strlen(sec->title), NULL, 0};
        text_block *tb = blocks_text(bc, &tt, &es, fw - indent - numw - 2 * es.size);
        char num[32];
        snprintf(num, sizeof num, "%d", sec_page[s] + offset + 1);
        doc_text nt = {num, strlen(num), NULL, 0};
        text_block *nb = blocks_text(bc, &nt, &ns, numw);
        int h = text_block_height(tb, text_block_nlines(tb));
        int lx, lw, base;
        text_block_line(tb, text_block_nlines(tb) - 1, &lx, &lw, &base);
        /* Dot leaders from the end of the title's last line to the number. */
        int lead_x = indent + lw + es.size / 2;
        int lead_w = fw - numw - lead_x;
        pg = flow_reserve(f, h, &x0, &y);
        blocks_place(pg, tb, x0 + indent, y);
        blocks_place(pg, nb, x0 + fw - numw, y + h - text_block_height(nb, 1));
        if (lead_w > es.size) {
            buf dots = BUF_INIT;
            int n = lead_w / (es.size / 2);
            for (int k = 0; k < n; k++) buf_add(&dots, ". ");
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
        char *dest = section_dest(s);
        page_add_link(pg, NULL, dest, x0 + indent, y, fw - indent, h);
        free(dest);
        text_block_free(tb);
        text_block_free(nb);
    }
    flow_free(f);
}

static void add_footers(blocks_ctx *bc, pageset *ps, size_t first)
{
    const theme *th = bc->th;
    const doc_meta *meta = doc_get_meta(bc->d);
    const char *label = th->footer ? th->footer : meta->title ? meta->title : "";
    text_style fs = blocks_body_style(bc);
    fs.size = th->size_small;
    fs.line_pitch = (int)(fs.size * 1.4);
    fs.indent = 0;
    fs.align = TEXT_LEFT;
    fs.color = th->muted;
    fs.font = th->heading;
    for (size_t i = first; i < pageset_npages(ps); i++) {
        page *pg = pageset_page(ps, i);
        int fw = pg->w - th->margin_inner - th->margin_outer;
        int y = pg->h - th->margin_bottom / 2 - fs.line_pitch / 2;
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        free(pg->label);
        pg->label = mem_strdup(num);
        text_style ns = fs;
        ns.align = TEXT_RIGHT;
        doc_text nt = {num, strlen(num), NULL, 0};
        text_block *nb = blocks_text(bc, &nt, &ns, fw / 4);
        blocks_place(pg, nb, th->margin_inner + fw - fw / 4, y);
        text_block_free(nb);
        /* The running title, one line: cut at the first line break. */
        doc_text tt = {label, strlen(label), NULL, 0};
        text_block *tb = blocks_text(bc, &tt, &fs, fw * 3 / 4 - fs.size * 2);
        if (text_block_nlines(tb) > 0) {
            int lx, lw, base;
            text_block_line(tb, 0, &lx, &lw, &base);
            char *txt = text_block_line_text(tb, 0);
            page_add_line(pg, text_block_layout(tb), 0, th->margin_inner + lx, y + base, lw, fs.line_pitch, txt);
            free(txt);
        }
        text_block_free(tb);
        page_add_rect(pg, th->rule, th->margin_inner, y - fs.size / 2, fw, THEME_PT / 2);
    }
}

pageset *handout_layout(const doc *d, const theme *th, fontset *fs, const handout_opts *opts,
                        diag_list *dl)
{
    const doc_meta *meta = doc_get_meta(d);
    pageset *ps = pageset_new();
    master m = {ps, th, 0, 0};
    theme_paper_size(opts ? opts->paper : th->paper, &m.pw, &m.ph);

    blocks_ctx bc = {0};
    bc.d = d;
    bc.th = th;
    bc.pc = fontset_context(fs, meta->lang);
    bc.dl = dl;
    bc.body_size = th->size_body;
    bc.photo_max = 0.5;
    bc.indent = th->indent_first_line;
    bc.line_height = th->line_height;

    layout_cover(&bc, &m);
    size_t cover_pages = pageset_npages(ps);
    size_t nsec = doc_nsections(d);
    int *sec_page = mem_calloc(nsec + 1, sizeof(int));
    layout_body(&bc, &m, sec_page);

    if (nsec >= 3) {
        /* First pass: how many pages the contents takes. */
        pageset *scratch = pageset_new();
        master sm = m;
        sm.ps = scratch;
        layout_contents(&bc, &sm, sec_page, 0);
        int ncontents = (int)pageset_npages(scratch);
        pageset_free(scratch);
        scratch = pageset_new();
        sm.ps = scratch;
        layout_contents(&bc, &sm, sec_page, ncontents);
        pageset_splice(ps, cover_pages, scratch);
        pageset_free(scratch);
    }
    add_footers(&bc, ps, cover_pages);

    blocks_set_meta(ps, d);

    blocks_report(&bc, doc_path(d));
    free(bc.missing);
    g_object_unref(bc.pc);
    free(sec_page);
    return ps;
}
