/* slides: page masters and fitting for decks (see slides.h).
 *
 * Fitting is measured, not estimated: a content slide's blocks are flowed
 * into a scratch pageset at the body size; if that takes more than one
 * slide the size drops by 2 pt and the flow runs again, down to the
 * theme's minimum (18 pt on a 960x540 slide).  At the minimum the flow is
 * simply allowed to run on, and every extra page it asks for becomes a
 * continuation slide with the same master.  The final run then goes into
 * the deck itself.
 */
#include "layout/slides.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "layout/blocks.h"
#include "layout/flow.h"
#include "layout/text.h"

typedef struct deck {
    const doc *d;
    const theme *th;
    blocks_ctx bc;
    int W, H, margin;
    double scale;            /* slide sizes are for 960 pt wide; 4:3 is 720 */
    bool print;              /* slides_opts.print */
    const bool *stop;        /* set: the content no longer matters (a probe overflowed) */
    /* How much of its content the last trial's fill placed before it
     * stopped, and all it had, as block_weight()s; 0 and 0 when the fill
     * cannot say (the agenda). */
    size_t placed, total;
} deck;

static text_style title_style(deck *k, int size, theme_rgba color)
{
    text_style st = blocks_heading_style(&k->bc, 1);
    st.size = size;
    st.line_pitch = (int)(size * 1.3);
    st.color = color;
    st.align = TEXT_LEFT;
    return st;
}

/* A title in at most max_lines lines: shrink 2 pt at a time down to
 * min_size; below that it may take more lines. */
static text_block *fit_title(deck *k, const char *s, text_style st, int width, int max_lines,
                             int min_size)
{
    /* More characters than max_lines lines could hold at min_size even in
     * glyphs a third of an em wide: shrinking cannot succeed, so start at
     * min_size (a title of thousands of characters was otherwise laid out
     * ten times on each of its continuation slides). */
    long nchars = (long)utf8_length(s, strlen(s));
    if (nchars * (min_size / 3) > (long)max_lines * width && st.size > min_size) {
        st.size = min_size;
        st.line_pitch = (int)(st.size * 1.3);
    }
    for (;;) {
        text_block *tb = blocks_plain(&k->bc, s, &st, width);
        if (text_block_nlines(tb) <= max_lines || st.size - 2 * THEME_PT < min_size) return tb;
        text_block_free(tb);
        st.size -= 2 * THEME_PT;
        st.line_pitch = (int)(st.size * 1.3);
    }
}

/* A slide with the theme's background colour and, when it has one, its
 * background image cover-fitted full-bleed under everything. */
static page *new_slide(deck *k, pageset *ps)
{
    page *pg = pageset_add_page(ps, k->W, k->H);
    pg->background = k->th->slide_bg;
    media_info info;
    if (k->th->slide_bg_image && blocks_probe(k->th->slide_bg_image, &info))
        page_add_image(pg, k->th->slide_bg_image, &info, 0, 0, k->W, k->H, FIT_COVER, 0.5);
    return pg;
}

/* The logo: at most 28 pt high and 120 pt wide (a 960 pt slide), in the
 * bottom-left corner beside the slide number's row. */
static void slide_logo(deck *k, page *pg)
{
    int h = (int)(28 * THEME_PT * k->scale), w = (int)(120 * THEME_PT * k->scale);
    blocks_logo(&k->bc, pg, k->margin, k->H - k->margin / 4 - h, w, h, false);
}

static void mark_slide(pageset *ps, const char *title)
{
    size_t i = pageset_npages(ps) - 1;
    char dest[32];
    snprintf(dest, sizeof dest, "slide-%zu", i + 1);
    page_add_dest(pageset_page(ps, i), dest, 0, 0);
    pageset_add_outline(ps, title, 1, dest, (int)i);
}

static void title_slide(deck *k, pageset *ps)
{
    const doc_meta *meta = doc_get_meta(k->d);
    const theme *th = k->th;
    /* No background image here: the cover photo or slides.title fills it. */
    page *pg = pageset_add_page(ps, k->W, k->H);
    pg->background = th->slide_bg;
    int img = blocks_cover_image(k->d);
    /* On paper (k->print) the photo stays above the title instead of
     * under it: text over a photo is what greyscale printers ruin, and a
     * dark band across a handout page is a lot of toner. */
    bool under = img >= 0 && !k->print;
    if (under) {
        const doc_image *im = doc_image_at(k->d, (size_t)img);
        page_add_image(pg, im->path, &im->info, 0, 0, k->W, k->H, FIT_COVER, 0.5);
        /* A light veil over the whole photo; the text gets a darker band
         * of its own below (see the contrast note in theme.c). */
        theme_rgba veil = (theme_rgba)(th->slide_overlay * 0.5 * 255.0 + 0.5);
        page_add_rect(pg, veil, 0, 0, k->W, k->H);
    } else if (img < 0) {
        pg->background = th->slide_title;
    }
    /* On the photo's dark band the text is white; on a plain title slide
     * it is whichever of white and black reads on slides.title, and on a
     * printed one whichever reads on the slide background. */
    theme_rgba on = under ? 0xffffffff
                          : blocks_text_on(img >= 0 ? th->slide_bg : th->slide_title);
    int width = k->W - 2 * k->margin;
    const char *title = meta->title ? meta->title : "";
    text_style ts = title_style(k, (int)(th->slide_size_title * 1.2 * k->scale), on);
    text_block *tb = fit_title(k, title, ts, width, 2, (int)(24 * THEME_PT * k->scale));
    buf sub = BUF_INIT;
    if (meta->date) buf_add(&sub, meta->date);
    if (meta->author) buf_addf(&sub, "%s%s", sub.len ? "  ·  " : "", meta->author);
    text_style ss = blocks_body_style(&k->bc);
    ss.size = (int)(20 * THEME_PT * k->scale);
    ss.line_pitch = (int)(ss.size * 1.4);
    ss.indent = 0;
    ss.align = TEXT_LEFT;
    ss.color = on == 0xffffffff ? 0xe6e6e6ff : 0x333333ff;
    text_block *sb = sub.len ? blocks_plain(&k->bc, sub.s, &ss, width) : NULL;
    int th_h = text_block_height(tb, text_block_nlines(tb));
    int sb_h = sb ? text_block_height(sb, text_block_nlines(sb)) + ss.size : 0;
    /* The block sits in the lower part of the slide, where a photo's sky
     * or ceiling is least likely to be. */
    int y = k->H - k->margin * 2 - th_h - sb_h;
    if (y < k->margin) y = k->margin;
    int top = y - ss.size - k->margin / 2;
    if (under) {
        double a = th->slide_overlay + (1.0 - th->slide_overlay) * 0.4;
        page_add_rect(pg, (theme_rgba)(a * 255.0 + 0.5), 0, top, k->W, k->H - top);
    } else if (img >= 0 && top - k->margin / 2 > k->H / 5) {
        const doc_image *im = doc_image_at(k->d, (size_t)img);
        page_add_image(pg, im->path, &im->info, 0, 0, k->W, top - k->margin / 2, FIT_COVER, 0.5);
    }
    page_add_rect(pg, th->slide_accent, k->margin, y - ss.size, 4 * THEME_PT * 16, 4 * THEME_PT);
    blocks_place(pg, tb, k->margin, y);
    if (sb) blocks_place(pg, sb, k->margin, y + th_h + ss.size);
    {
        int lh = (int)(36 * THEME_PT * k->scale), lw = (int)(160 * THEME_PT * k->scale);
        blocks_logo(&k->bc, pg, k->W - k->margin - lw, k->margin, lw, lh, true);
    }
    text_block_free(tb);
    text_block_free(sb);
    buf_free(&sub);
    mark_slide(ps, title);
}

/* A content slide's master: title (with "（续）" after the first), the
 * photo frame, the speaker; the flow gets the rest. */
/* The master's text blocks, laid out once per fitted_slides() and placed
 * on the slides of every trial: the title, speaker and role keep their
 * sizes whatever the body size being tried (only a band's padding, and so
 * the width, follows it).  Owned by fitted_slides(). */
typedef struct master_text {
    text_block *tb;
    int width;               /* the width tb was laid out for */
} master_text;

typedef struct master_cache {
    master_text title, cont, speaker, role;   /* cont: the "（续）" title */
} master_cache;

typedef struct master {
    deck *k;
    master_cache *cache;
    pageset *ps;
    const char *title;
    int photo;               /* image index or -1 */
    const char *speaker, *role;
    int count;
    bool photo_right;        /* the frame on the right (intro), else the theme's side */
    /* A probing trial only asks whether the content fits one slide.  Once
     * it needs a second, the answer is no: later slides are bare pages in
     * the first one's frame, and the fill functions stop at the next block
     * (deck.stop), so a long section is not laid out in full at every
     * size that is too large for it. */
    bool probe, overflowed;
    int frame[4];
} master;

/* True when mt holds a block laid out for width; otherwise frees what it
 * holds and sets it up for width, for the caller to lay out. */
static bool reuse(master_text *mt, int width)
{
    if (mt->tb && mt->width == width) return true;
    text_block_free(mt->tb);
    mt->tb = NULL;
    mt->width = width;
    return false;
}

static page *content_page(void *ud, int *fx, int *fy, int *fw, int *fh)
{
    master *m = ud;
    deck *k = m->k;
    const theme *th = k->th;
    if (m->probe && m->count > 0) {
        m->overflowed = true;
        m->count++;
        *fx = m->frame[0], *fy = m->frame[1], *fw = m->frame[2], *fh = m->frame[3];
        return pageset_add_page(m->ps, k->W, k->H);
    }
    page *pg = new_slide(k, m->ps);
    int margin = k->margin;
    int bottom = k->H - margin - th->slide_size_small;  /* leave the slide number room */
    int tx = margin, tw = k->W - 2 * margin;
    if (m->photo >= 0) {
        const doc_image *im = doc_image_at(k->d, (size_t)m->photo);
        int pw = (int)(k->W * th->slide_photo_width);
        bool right = m->photo_right || th->slide_photo_right;
        int px = right ? k->W - margin - pw : margin;
        int ph = bottom - margin;
        /* Portraits keep their upper part, where faces are. */
        double anchor = im->height > im->width ? 0.15 : 0.4;
        if (im->status == DOC_IMG_OK)
            page_add_image(pg, im->path, &im->info, px, margin, pw, ph, FIT_COVER, anchor);
        else
            page_add_placeholder(pg, im->src, px, margin, pw, ph)->color = th->placeholder_bg;
        tw -= pw + margin * 3 / 4;
        if (!right) tx += pw + margin * 3 / 4;
    }
    buf t = BUF_INIT;
    buf_add(&t, m->title);
    if (m->count > 0) buf_add(&t, blocks_ui(k->d, "（续）", " (cont.)"));
    bool band = th->slide_title_style == THEME_TITLE_BAND;
    /* A band pads its title by a third of the body size on every side. */
    int pad = band ? k->bc.body_size / 3 : 0;
    master_text *title = m->count > 0 ? &m->cache->cont : &m->cache->title;
    if (!reuse(title, tw - 2 * pad)) {
        text_style ts = title_style(k, (int)(th->slide_size_title * k->scale),
                                    band ? blocks_text_on(th->slide_accent) : th->slide_title);
        title->tb = fit_title(k, t.s, ts, title->width, 2, (int)(22 * THEME_PT * k->scale));
    }
    const text_block *tb = title->tb;
    int y = margin;
    int tbh = text_block_height(tb, text_block_nlines(tb));
    if (band) page_add_rect(pg, th->slide_accent, tx, y, tw, tbh + 2 * pad);
    blocks_place(pg, tb, tx + pad, y + pad);
    y += tbh + 2 * pad;
    mark_slide(m->ps, t.s);
    buf_free(&t);
    if (m->speaker || m->role) {
        y += k->bc.body_size / 3;
        if (m->speaker) {
            if (!reuse(&m->cache->speaker, tw)) {
                text_style ns = blocks_body_style(&k->bc);
                ns.font = th->heading;
                ns.size = (int)(22 * THEME_PT * k->scale);
                ns.line_pitch = (int)(ns.size * 1.35);
                ns.weight = 700;
                ns.indent = 0;
                ns.align = TEXT_LEFT;
                ns.color = th->slide_accent;
                m->cache->speaker.tb = blocks_plain(&k->bc, m->speaker, &ns, tw);
            }
            const text_block *nb = m->cache->speaker.tb;
            blocks_place(pg, nb, tx, y);
            y += text_block_height(nb, text_block_nlines(nb));
        }
        if (m->role) {
            if (!reuse(&m->cache->role, tw)) {
                text_style rs = blocks_body_style(&k->bc);
                rs.size = (int)(16 * THEME_PT * k->scale);
                rs.line_pitch = (int)(rs.size * 1.35);
                rs.indent = 0;
                rs.align = TEXT_LEFT;
                rs.color = th->slide_muted;
                m->cache->role.tb = blocks_plain(&k->bc, m->role, &rs, tw);
            }
            const text_block *rb = m->cache->role.tb;
            blocks_place(pg, rb, tx, y);
            y += text_block_height(rb, text_block_nlines(rb));
        }
    }
    y += k->bc.body_size / 2;
    if (th->slide_title_style == THEME_TITLE_RULE)
        page_add_rect(pg, th->slide_accent, tx, y, 3 * THEME_PT * 16, 3 * THEME_PT);
    y += k->bc.body_size / 2;
    slide_logo(k, pg);
    *fx = tx;
    *fy = y;
    *fw = tw;
    *fh = bottom - y;
    if (*fh < k->bc.body_size * 2) *fh = k->bc.body_size * 2;
    m->frame[0] = *fx, m->frame[1] = *fy, m->frame[2] = *fw, m->frame[3] = *fh;
    m->count++;
    return pg;
}

typedef void (*content_fn)(deck *k, flow *f, void *arg);

/* Runs fill at decreasing sizes until it fits one slide (or the minimum
 * size is reached), then for real into ps. */
/* Moves the slides of scratch to the end of ps.  Their marks (mark_slide:
 * destinations "slide-1", "slide-2"… and outline entries) are renamed for
 * their places in ps, so the slides read as if laid out there. */
static void adopt_slides(pageset *ps, pageset *scratch)
{
    size_t at = pageset_npages(ps);
    char old[32], dest[32];
    for (size_t j = 0; j < pageset_npages(scratch); j++) {
        page *pg = pageset_page(scratch, j);
        snprintf(old, sizeof old, "slide-%zu", j + 1);
        snprintf(dest, sizeof dest, "slide-%zu", at + j + 1);
        for (size_t b = 0; b < pg->nboxes; b++) {
            box *bx = &pg->boxes[b];
            if (bx->kind == BOX_DEST && bx->dest && !strcmp(bx->dest, old)) {
                free(bx->dest);
                bx->dest = mem_strdup(dest);
            }
        }
    }
    pageset_splice(ps, at, scratch);
    /* After the splice, which would move entries at or after `at`. */
    for (size_t i = 0; i < pageset_noutline(scratch); i++) {
        const outline_entry *e = pageset_outline(scratch, i);
        snprintf(dest, sizeof dest, "slide-%zu", at + (size_t)e->page + 1);
        pageset_add_outline(ps, e->title, e->level, dest, (int)at + e->page);
    }
}

/* Lays the content out at body size `size` in a scratch pageset; returns
 * it (owned by the caller).  A probe (master.probe) that takes more than
 * one slide is cut short: use it only to learn that it does not fit.
 * need, when not NULL, gets how many slides' worth the whole content
 * would take at this size, estimated from how far the fill got (0 when
 * it cannot say). */
static pageset *trial(deck *k, master proto, content_fn fill, void *arg, int size, bool probe,
                      double *need)
{
    pageset *scratch = pageset_new();
    master m = proto;
    m.ps = scratch;
    m.probe = probe;
    k->bc.body_size = size;
    k->stop = &m.overflowed;
    k->placed = k->total = 0;
    flow *f = flow_new(scratch, content_page, &m);
    flow_page(f);
    fill(k, f, arg);
    if (need) {
        int fh = flow_frame_height(f);
        double used = flow_page_index(f) + (fh > 0 ? (double)(fh - flow_remaining(f)) / fh : 1);
        *need = k->placed ? used * (double)k->total / (double)k->placed : 0;
    }
    flow_free(f);
    k->stop = NULL;
    return scratch;
}

static bool stopped(const deck *k) { return k->stop && *k->stop; }

/* The largest of the sizes between top and min (2 pt apart, both left
 * out) at which the content fits one slide, tried from the top as probes;
 * its layout (owned by the caller) with *chosen set to the size, or NULL
 * when it fits at none of them. */
static pageset *between(deck *k, master proto, content_fn fill, void *arg, int top, int min,
                        int *chosen)
{
    for (int size = top - 2 * THEME_PT; size > min; size -= 2 * THEME_PT) {
        pageset *t = trial(k, proto, fill, arg, size, true, NULL);
        if (pageset_npages(t) == 1) {
            *chosen = size;
            return t;
        }
        pageset_free(t);
    }
    return NULL;
}

/* The estimate (trial()'s need, scaled by the area of the minimum size
 * against the top's) under which a section that overflows at the top size
 * is taken to fit one slide at the minimum.  Over the 337 such sections of
 * the corpus, seed and demo (16:9 and 4:3), 63 estimated under 0.85 fit at
 * a size above the minimum, whose full layout the order below saves, and
 * 11 needed several slides after all, costing two probes each; 0.8 and
 * 0.9 save a little less. */
#define FITS_AT_MIN 0.85

/* The content on one slide at the largest body size, from the theme's
 * down to its minimum in 2 pt steps, at which it fits; when it fits at
 * none, at the minimum on as many "（续）" slides as it needs.  Sizes are
 * tried in the order that settles the common cases in one or two layouts:
 * the largest (short sections); then, when how far that trial got says
 * the content needs more than about a slide at the minimum, the minimum
 * (long sections, which then need no more), and only when the minimum
 * fits, the sizes in between from the top; otherwise the sizes in between
 * first, from the top, and the minimum only when none fits.  Whichever
 * trial is the answer goes into ps as it is. */
static void fitted_slides(deck *k, pageset *ps, master proto, content_fn fill, void *arg)
{
    const theme *th = k->th;
    int top = (int)(th->slide_size_body * k->scale);
    int min = (int)(th->slide_min_body * k->scale);
    if (min > top) min = top;
    int chosen = top;
    master_cache cache = {0};
    proto.cache = &cache;
    /* Every trial that may be the answer is laid out in full: the top one
     * only when there is no smaller size to go to, the minimum always. */
    double need = 0;
    pageset *best = trial(k, proto, fill, arg, top, min < top, &need);
    if (pageset_npages(best) > 1 && min < top) {
        pageset_free(best);
        double shrink = (double)min / top;
        if (need > 0 && need * shrink * shrink <= FITS_AT_MIN) {
            /* Expected to fit at the minimum: the sizes between first; the
             * minimum is laid out only when none of them fits. */
            best = between(k, proto, fill, arg, top, min, &chosen);
            if (!best) {
                best = trial(k, proto, fill, arg, min, false, NULL);
                chosen = min;
            }
        } else {
            best = trial(k, proto, fill, arg, min, false, NULL);
            chosen = min;
            pageset *t = pageset_npages(best) == 1 ? between(k, proto, fill, arg, top, min, &chosen) : NULL;
            if (t) {
                pageset_free(best);
                best = t;
            }
        }
    }
    k->bc.body_size = chosen;
    adopt_slides(ps, best);
    pageset_free(best);
    text_block_free(cache.title.tb);
    text_block_free(cache.cont.tb);
    text_block_free(cache.speaker.tb);
    text_block_free(cache.role.tb);
}

typedef struct range {
    size_t first, end;
    size_t skip;             /* a block index not to draw (the photo), or SIZE_MAX */
    bool skip_leadins;       /* lead-in lines go to the agenda instead */
} range;

/* A block's share of a slide's content, for estimating how much a
 * section needs: its text in bytes, with a picture counted as a few
 * lines' worth. */
#define PICTURE_WEIGHT 400

static size_t block_weight(const doc_block *b)
{
    size_t w = b->text.len + (b->kind == DOC_IMAGE ? PICTURE_WEIGHT : 0);
    for (const doc_block *c = b->child; c; c = c->next) w += block_weight(c);
    return w;
}

static bool drawn(const range *r, const deck *k, size_t i)
{
    return i != r->skip && !(r->skip_leadins && doc_block_at(k->d, i)->kind == DOC_LEADIN);
}

static void fill_blocks(deck *k, flow *f, void *arg)
{
    range *r = arg;
    k->bc.photo_max = 0.9;
    for (size_t i = r->first; i < r->end; i++)
        if (drawn(r, k, i)) k->total += block_weight(doc_block_at(k->d, i));
    for (size_t i = r->first; i < r->end && !stopped(k); i++) {
        if (!drawn(r, k, i)) continue;
        blocks_flow(&k->bc, f, doc_block_at(k->d, i));
        k->placed += block_weight(doc_block_at(k->d, i));
    }
}

static bool is_talk(const doc_section *s) { return s->speaker || s->photo >= 0; }

static int count_talks(const doc *d)
{
    int talks = 0;
    for (size_t i = 0; i < doc_nsections(d); i++)
        if (is_talk(doc_section_at(d, i))) talks++;
    return talks;
}

/* The intro: its text with the first event photo in a frame on the right;
 * further photos flow with the text.  Lead-in lines ("下面让我们回顾…")
 * introduce the talks, so they open the agenda when there is one. */
static void intro_slides(deck *k, pageset *ps)
{
    size_t end = doc_intro_end(k->d);
    bool agenda = count_talks(k->d) >= 3;
    range r = {0, end, (size_t)-1, agenda};
    master proto = {.k = k, .title = blocks_ui(k->d, "导语", "Introduction"), .photo = -1,
                     .photo_right = true};
    bool text = false;
    for (size_t i = 0; i < end; i++) {
        const doc_block *b = doc_block_at(k->d, i);
        if (b->kind == DOC_IMAGE && proto.photo < 0 &&
            doc_image_at(k->d, (size_t)b->image)->status == DOC_IMG_OK) {
            proto.photo = b->image;
            r.skip = i;
        } else if (b->kind != DOC_IMAGE && !(agenda && b->kind == DOC_LEADIN)) {
            text = true;
        }
    }
    if (!text && proto.photo < 0) return;
    fitted_slides(k, ps, proto, fill_blocks, &r);
}

/* One row per talk: number and title on the left, the speaker on the
 * right in the muted colour (no separator glyph to space around). */
static void fill_agenda(deck *k, flow *f, void *arg)
{
    (void)arg;
    const theme *th = k->th;
    for (size_t i = 0; i < doc_intro_end(k->d) && !stopped(k); i++) {
        const doc_block *b = doc_block_at(k->d, i);
        if (b->kind == DOC_LEADIN) blocks_flow(&k->bc, f, b);
    }
    text_style st = blocks_body_style(&k->bc);
    st.indent = 0;
    st.align = TEXT_LEFT;
    text_style ss = st;
    ss.color = th->slide_muted;
    ss.align = TEXT_RIGHT;
    int fw = flow_frame_width(f);
    int sw = fw * 3 / 10, tw = fw - sw - st.size;
    int n = 0;
    for (size_t i = 0; i < doc_nsections(k->d) && !stopped(k); i++) {
        const doc_section *s = doc_section_at(k->d, i);
        if (!is_talk(s)) continue;
        buf b = BUF_INIT;
        buf_addf(&b, "%d\t%s", ++n, s->title);
        text_style ts = st;
        ts.indent = -2 * st.size;
        ts.tab = 2 * st.size;
        text_block *tb = blocks_plain(&k->bc, b.s, &ts, tw);
        text_block *sb = s->speaker ? blocks_plain(&k->bc, s->speaker, &ss, sw) : NULL;
        int h = text_block_height(tb, text_block_nlines(tb));
        if (sb && text_block_height(sb, text_block_nlines(sb)) > h)
            h = text_block_height(sb, text_block_nlines(sb));
        flow_space(f, st.size / 3);
        int x0, y;
        page *pg = flow_reserve(f, h, &x0, &y);
        blocks_place(pg, tb, x0, y);
        if (sb) blocks_place(pg, sb, x0 + fw - sw, y);
        text_block_free(tb);
        text_block_free(sb);
        buf_free(&b);
    }
}

static void agenda_slides(deck *k, pageset *ps)
{
    if (count_talks(k->d) < 3) return;
    master proto = {.k = k, .title = blocks_ui(k->d, "议程", "Agenda"), .photo = -1};
    fitted_slides(k, ps, proto, fill_agenda, NULL);
}

static void section_slides(deck *k, pageset *ps)
{
    for (size_t s = 0; s < doc_nsections(k->d); s++) {
        const doc_section *sec = doc_section_at(k->d, s);
        range r = {sec->first + 1, sec->end, (size_t)-1, false};
        if (sec->photo >= 0) {
            for (size_t i = sec->first + 1; i < sec->end; i++) {
                const doc_block *b = doc_block_at(k->d, i);
                if (b->kind == DOC_IMAGE && b->image == sec->photo) {
                    r.skip = i;
                    break;
                }
            }
        }
        master proto = {.k = k, .title = sec->title, .photo = sec->photo,
                         .speaker = sec->speaker, .role = sec->role};
        fitted_slides(k, ps, proto, fill_blocks, &r);
    }
}

/* Closing slides: thanks, and each link as a QR code with its URL under
 * it, clickable; three to a slide. */
static void closing_slides(deck *k, pageset *ps)
{
    const theme *th = k->th;
    size_t nlinks;
    const char *const *links = doc_links(k->d, &nlinks);
    /* Links beyond twelve stay clickable where they stand in the talk
     * slides; a deck does not end on ten slides of QR codes. */
    if (nlinks > 12) nlinks = 12;
    size_t per = 3, nslides = nlinks ? (nlinks + per - 1) / per : 1;
    const char *thanks = blocks_ui(k->d, "谢谢观看", "Thank you");
    for (size_t sl = 0; sl < nslides; sl++) {
        page *pg = new_slide(k, ps);
        slide_logo(k, pg);
        text_style ts = title_style(k, (int)(th->slide_size_title * 1.2 * k->scale), th->slide_title);
        ts.align = TEXT_CENTER;
        int width = k->W - 2 * k->margin;
        text_block *tb = blocks_plain(&k->bc, thanks, &ts, width);
        int y = k->margin;
        if (nlinks == 0) y = (k->H - text_block_height(tb, text_block_nlines(tb))) / 2;
        blocks_place(pg, tb, k->margin, y);
        y += text_block_height(tb, text_block_nlines(tb)) + k->margin / 2;
        text_block_free(tb);
        size_t first = sl * per, last = first + per < nlinks ? first + per : nlinks;
        int count = (int)(last - first);
        if (count > 0) {
            int cell = width / count;
            text_style us = blocks_body_style(&k->bc);
            us.font = th->heading;
            us.size = (int)(14 * THEME_PT * k->scale);
            us.line_pitch = (int)(us.size * 1.35);
            us.indent = 0;
            us.align = TEXT_CENTER;
            us.color = th->slide_link;
            us.autospace_em = 0;
            /* A QR code is scanned from across a room: as large as the
             * slide allows, 150 pt at the least on a 960 pt slide. */
            int qr = k->H - y - k->margin - 3 * us.line_pitch;
            if (qr > cell - k->margin / 2) qr = cell - k->margin / 2;
            for (int i = 0; i < count; i++) {
                const char *url = links[first + (size_t)i];
                int cx = k->margin + i * cell;
                page_add_qr(pg, url, cx + (cell - qr) / 2, y, qr);
                doc_span sp = {SPAN_LINK, 0, (uint32_t)strlen(url), url};
                doc_text t = {url, strlen(url), &sp, 1};
                text_block *ub = blocks_text(&k->bc, &t, &us, cell - k->margin / 2);
                int uy = y + qr + us.size / 2;
                int lines = text_block_nlines(ub);
                if (lines > 3) lines = 3;
                for (int l = 0; l < lines; l++) {
                    int lx, lw, base;
                    text_block_line(ub, l, &lx, &lw, &base);
                    char *txt = text_block_line_text(ub, l);
                    int x = cx + k->margin / 4 + lx;
                    page_add_line(pg, text_block_layout(ub), l, x, uy + l * us.line_pitch + base, lw,
                                  us.line_pitch, txt);
                    page_add_link(pg, url, NULL, x, uy + l * us.line_pitch, lw, us.line_pitch);
                    free(txt);
                }
                /* The QR code itself is a link too. */
                page_add_link(pg, url, NULL, cx + (cell - qr) / 2, y, qr, qr);
                text_block_free(ub);
            }
        }
        mark_slide(ps, thanks);
    }
}

static void number_slides(deck *k, pageset *ps)
{
    size_t n = pageset_npages(ps);
    text_style st = blocks_body_style(&k->bc);
    st.font = k->th->heading;
    st.size = (int)(k->th->slide_size_small * k->scale);
    st.line_pitch = (int)(st.size * 1.3);
    st.indent = 0;
    st.align = TEXT_RIGHT;
    st.color = k->th->slide_muted;
    for (size_t i = 0; i < n; i++) {
        page *pg = pageset_page(ps, i);
        char num[64];
        snprintf(num, sizeof num, "%zu / %zu", i + 1, n);
        free(pg->label);
        pg->label = mem_strdup(num);
        /* The title slide carries no number, but it has its label: a PDF's
         * page labels start at page 0, else viewers show it none. */
        if (i == 0) continue;
        text_block *tb = blocks_plain(&k->bc, num, &st, 8 * st.size);
        blocks_place(pg, tb, k->W - k->margin - 8 * st.size, k->H - k->margin / 2 - st.line_pitch);
        text_block_free(tb);
    }
}

pageset *slides_layout(const doc *d, const theme *th_in, fontset *fs, const slides_opts *opts,
                       diag_list *dl)
{
    /* The body text of slides goes through the same blocks code as the
     * handout, which reads the theme's body colours: give it a view of the
     * theme with the slide palette in those places (dark slides keep dark
     * code backgrounds and light rules). */
    theme view = *th_in;
    view.text = th_in->slide_text;
    view.heading_color = th_in->slide_text;
    view.muted = th_in->slide_muted;
    view.link = th_in->slide_link;
    view.code_bg = th_in->slide_code_bg;
    view.rule = th_in->slide_rule;
    view.quote_bar = th_in->slide_quote_bar;
    const theme *th = &view;
    deck k = {0};
    k.d = d;
    k.th = th;
    k.H = 540 * THEME_PT;
    k.W = opts && opts->aspect == ASPECT_4_3 ? 720 * THEME_PT : 960 * THEME_PT;
    /* 4:3 slides keep the height, so type sizes stay; only widths shrink. */
    k.scale = 1.0;
    k.print = opts && opts->print;
    k.margin = th->slide_margin;
    k.bc.d = d;
    k.bc.th = th;
    k.bc.pc = blocks_context(fs, d, th);
    k.bc.dl = dl;
    k.bc.body_size = th->slide_size_body;
    k.bc.photo_max = 0.9;
    k.bc.indent = false;
    k.bc.line_height = 1.5;
    k.bc.color = th->slide_text;

    pageset *ps = pageset_new();
    title_slide(&k, ps);
    intro_slides(&k, ps);
    agenda_slides(&k, ps);
    section_slides(&k, ps);
    closing_slides(&k, ps);
    number_slides(&k, ps);

    blocks_set_meta(ps, d);
    blocks_report(&k.bc, doc_path(d));
    free(k.bc.missing);
    g_object_unref(k.bc.pc);
    return ps;
}
