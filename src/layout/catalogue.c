/* catalogue: the archive catalogue's page master (see catalogue.h).
 *
 * Order of work: the entries are sorted (newest first, undated last, ties
 * by their key, so the order never depends on how they were handed in),
 * then flowed down the pages with layout/flow.c, a year heading kept with
 * the row after it, each row an unbreakable box; footers come last, when
 * the number of pages is known.
 *
 * A row is as tall as the taller of its thumbnail box and its text.  The
 * text is cut, never shrunk: a title to two lines and a summary to three,
 * each ending in "…" when cut (at a word boundary in Latin text), so a
 * row's height has a small fixed bound and a page holds six or seven rows
 * however long the posts' front matter is.  Text is set ragged-right:
 * justifying three-line excerpts would open gaps that say nothing.
 *
 * The words the catalogue adds (its title, "讲义"/"Handout", ...) are laid
 * out once and placed on every row that needs them; each post's own text
 * is shaped with that post's language tag, so a Traditional Chinese title
 * keeps its glyph forms in a Simplified catalogue.
 */
#include "layout/catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "layout/blocks.h"
#include "layout/flow.h"
#include "layout/text.h"

/* The lines a title and a summary may take in a row. */
#define TITLE_LINES 2
#define SUMMARY_LINES 3

typedef struct words {
    const char *title, *undated, *handout, *slides, *empty;
    const char *count_pre, *count_one, *count_many;   /* around the number of posts */
    const char *range;                    /* between the oldest and newest date */
    const char *sep;                      /* between date and author */
} words;

/* Chinese leaves the spacing around numbers to autospace (docs/cjk.md §5),
 * and its middle dot is full width, with its own space around it. */
static const words WORDS_HANS = {"归档目录", "未注明日期", "讲义", "幻灯片", "没有可以列出的文章。",
                                 "共", "篇文章", "篇文章", "至", "·"};
static const words WORDS_HANT = {"歸檔目錄", "未註明日期", "講義", "幻燈片", "沒有可以列出的文章。",
                                 "共", "篇文章", "篇文章", "至", "·"};
static const words WORDS_EN = {"Archive", "Undated", "Handout", "Slides", "No posts to list.",
                               "", " post", " posts", " to ", " · "};

static const words *words_for(const char *lang)
{
    if (lang && !strncmp(lang, "en", 2)) return &WORDS_EN;
    if (lang && (!strcmp(lang, "zh-Hant") || !strcmp(lang, "zh-TW") || !strcmp(lang, "zh-HK")))
        return &WORDS_HANT;
    return &WORDS_HANS;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The most frequent of n strings (ties: the first in byte order), or NULL
 * when n is 0.  Sorts a copy of the pointers: O(n log n) however many
 * distinct values there are. */
static const char *most_common(const char **v, size_t n)
{
    if (!n) return NULL;
    qsort(v, n, sizeof *v, cmp_str);
    const char *best = v[0];
    size_t best_n = 0;
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && !strcmp(v[k], v[i])) k++;
        if (k - i > best_n) {
            best = v[i];
            best_n = k - i;
        }
        i = k;
    }
    return best;
}

const char *catalogue_lang(const catalogue_entry *e, size_t n)
{
    const char **v = mem_calloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = e[i].lang ? e[i].lang : "zh-Hans";
    const char *best = most_common(v, n);
    free(v);
    return best ? best : "zh-Hans";
}

/* --- page master -------------------------------------------------- */

typedef struct master {
    pageset *ps;
    const theme *th;
    int pw, ph;
} master;

/* The frame of page i: inner margin on the left of rectos (i even), as
 * in a handout, so a printed catalogue binds like one. */
static void page_frame(const theme *th, int pw, int ph, size_t i, int *fx, int *fy, int *fw,
                       int *fh)
{
    bool recto = i % 2 == 0;
    *fx = recto ? th->margin_inner : th->margin_outer;
    *fw = pw - th->margin_inner - th->margin_outer;
    *fy = th->margin_top;
    *fh = ph - th->margin_top - th->margin_bottom;
}

static page *new_page(void *ud, int *fx, int *fy, int *fw, int *fh)
{
    master *m = ud;
    size_t i = pageset_npages(m->ps);
    page *pg = pageset_add_page(m->ps, m->pw, m->ph);
    if (m->th->page_bg != 0xffffffff && (m->th->page_bg & 0xff)) pg->background = m->th->page_bg;
    page_frame(m->th, m->pw, m->ph, i, fx, fy, fw, fh);
    return pg;
}

/* --- text --------------------------------------------------------- */

static text_style style_of(const theme *th, theme_font font, int size, double pitch, int weight,
                           theme_rgba color, const char *lang)
{
    text_style st = blocks_theme_style(th, lang);
    st.font = font;
    st.size = size;
    st.weight = weight;
    st.color = color;
    st.line_pitch = (int)(size * pitch);
    return st;
}

/* Characters a cut text should not end on before its "…": spaces,
 * opening brackets and quotes, and pauses (a "，…" reads as a typo). */
static bool bad_before_ellipsis(uint32_t cp)
{
    return utf8_is_space(cp) || strchr(" ,;:-(['\"", (int)(cp < 128 ? cp : 1)) != NULL ||
           cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF1A || cp == 0xFF08 ||
           cp == 0x3010 || cp == 0x300A || cp == 0x300C || cp == 0x300E || cp == 0x201C ||
           cp == 0x2018 || cp == 0x2014 || cp == 0x00B7;
}

static void drop_last(buf *b)
{
    size_t adv = 0;
    if (!b->len) return;
    utf8_decode_prev(b->s, b->len, &adv);
    buf_truncate(b, b->len - (adv ? adv : 1));
}

static void trim_tail(buf *b)
{
    while (b->len) {
        size_t adv = 0;
        uint32_t cp = utf8_decode_prev(b->s, b->len, &adv);
        if (!bad_before_ellipsis(cp)) break;
        buf_truncate(b, b->len - (adv ? adv : 1));
    }
}

/* Shortens a cut text by one unit: a Latin word (back to the space
 * before it, when that is among the last 24 bytes), else one character. */
static void drop_word(buf *b)
{
    size_t adv = 0;
    if (!b->len) return;
    uint32_t cp = utf8_decode_prev(b->s, b->len, &adv);
    if (utf8_is_latin(cp) || utf8_is_digit(cp)) {
        size_t lo = b->len > 24 ? b->len - 24 : 0;
        for (size_t i = b->len; i-- > lo;)
            if (b->s[i] == ' ') {
                buf_truncate(b, i);
                return;
            }
    }
    drop_last(b);
}

/* s at width in at most max lines: when it takes more, the text of the
 * first max lines, shortened (by characters, and by whole words in Latin
 * text) until it fits with "…" after it.  Returns a new block owned by
 * the caller. */
static text_block *clamped(blocks_ctx *bc, const char *s, const text_style *st, int width, int max)
{
    text_block *tb = blocks_plain(bc, s, st, width);
    if (text_block_nlines(tb) <= max) return tb;
    buf keep = BUF_INIT;
    buf_add(&keep, "");
    for (int i = 0; i < max; i++) {
        char *t = text_block_line_text(tb, i);
        buf_add(&keep, t);
        free(t);
    }
    text_block_free(tb);
    /* The text of max lines ends where a line broke: usually at a space
     * or between two Han characters, so the "…" (one em at most) needs a
     * character or a word to go.  Each try drops one more. */
    for (int tries = 0;; tries++) {
        trim_tail(&keep);
        buf cand = BUF_INIT;
        buf_addf(&cand, "%s…", keep.s);
        tb = blocks_plain(bc, cand.s, st, width);
        buf_free(&cand);
        /* Also too long: the "…" alone at the start of a line, where a
         * run with no break opportunity (a URL) filled the line before. */
        int nl = text_block_nlines(tb);
        char *last = nl ? text_block_line_text(tb, nl - 1) : NULL;
        bool alone = last && !strncmp(last, "…", strlen("…"));
        free(last);
        if ((nl <= max && !alone) || !keep.len || tries >= 64) break;
        text_block_free(tb);
        drop_word(&keep);
    }
    buf_free(&keep);
    return tb;
}

/* The first letter, digit or ideograph of a title (skipping 【, “ and
 * the like), upper-cased; "?" when it has none.  Writes a NUL-terminated
 * UTF-8 character into out[8]. */
static void initial_of(const char *title, char out[8])
{
    size_t n = strlen(title);
    for (size_t i = 0; i < n;) {
        size_t adv = 1;
        uint32_t cp = utf8_decode(title + i, n - i, &adv);
        if (!adv) adv = 1;
        bool letter = utf8_is_han(cp) || utf8_is_kana(cp) || utf8_is_latin(cp) ||
                      utf8_is_digit(cp) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                      (cp >= 0x0370 && cp < 0x2000 && !utf8_is_space(cp));
        if (letter && adv < 8) {
            memcpy(out, title + i, adv);
            out[adv] = 0;
            if (adv == 1 && out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
            return;
        }
        i += adv;
    }
    strcpy(out, "?");
}

/* Width of a one-line block's first line. */
static int line_width(const text_block *tb)
{
    int lx, lw, base;
    if (text_block_nlines(tb) < 1) return 0;
    text_block_line(tb, 0, &lx, &lw, &base);
    return lx + lw;
}

/* A link over each line of tb placed at (x, y). */
static void link_lines(page *pg, const text_block *tb, int x, int y, const char *file)
{
    int pitch = text_block_height(tb, 1);
    for (int i = 0; i < text_block_nlines(tb); i++) {
        int lx, lw, base;
        text_block_line(tb, i, &lx, &lw, &base);
        page_add_file_link(pg, file, x + lx, y + i * pitch, lw, pitch);
    }
}

/* --- rows ---------------------------------------------------------- */

typedef struct ctx {
    blocks_ctx bc;
    pageset *ps;
    const theme *th;
    const words *w;
    const char *lang;          /* the catalogue's */
    int thumb_w, thumb_h, gap; /* the thumbnail box and the space beside it */
    text_style title, meta, summary, link, initial;
    text_block *handout_word, *slides_word, *link_sep;
} ctx;

typedef struct row {
    text_block *title, *meta, *summary, *initial;
    int h;                     /* the row's height */
    int meta_y, summary_y;     /* from the row's top */
} row;

static void row_free(row *r)
{
    text_block_free(r->title);
    text_block_free(r->meta);
    text_block_free(r->summary);
    text_block_free(r->initial);
    memset(r, 0, sizeof *r);
}

/* Lays out an entry's text at column width cw. */
static void row_make(ctx *c, const catalogue_entry *e, int cw, row *r)
{
    memset(r, 0, sizeof *r);
    const char *lang = e->lang ? e->lang : c->lang;
    text_style ts = c->title, ms = c->meta, ss = c->summary;
    ts.lang = ms.lang = ss.lang = lang;
    r->title = clamped(&c->bc, e->title && *e->title ? e->title : "?", &ts, cw, TITLE_LINES);
    int y = text_block_height(r->title, text_block_nlines(r->title));
    /* Date and author on one line, shortened to leave room for the links
     * at its right end. */
    int links = 0;
    if (e->handout) links += line_width(c->handout_word);
    if (e->slides) links += line_width(c->slides_word) + (e->handout ? line_width(c->link_sep) : 0);
    buf m = BUF_INIT;
    buf_add(&m, "");
    if (e->date) buf_add(&m, e->date);
    if (e->author && *e->author) buf_addf(&m, "%s%s", m.len ? c->w->sep : "", e->author);
    r->meta_y = y + c->meta.size / 4;
    int mw = cw - links - (links ? c->meta.size : 0);
    if (m.len) r->meta = clamped(&c->bc, m.s, &ms, mw > cw / 3 ? mw : cw / 3, 1);
    buf_free(&m);
    y = r->meta_y + c->meta.line_pitch;
    /* A summary that only repeats the title says nothing. */
    if (e->summary && *e->summary && strcmp(e->summary, e->title ? e->title : "")) {
        r->summary_y = y + c->summary.size / 4;
        r->summary = clamped(&c->bc, e->summary, &ss, cw, SUMMARY_LINES);
        y = r->summary_y + text_block_height(r->summary, text_block_nlines(r->summary));
    }
    r->h = y > c->thumb_h ? y : c->thumb_h;
    if (!e->thumb) {
        char ini[8];
        initial_of(e->title ? e->title : "", ini);
        text_style is = c->initial;
        is.lang = lang;
        r->initial = blocks_plain(&c->bc, ini, &is, c->thumb_w);
    }
}

/* Places row r of entry e with its top left corner at (x, y). */
static void row_place(ctx *c, const catalogue_entry *e, const row *r, page *pg, int x, int y,
                      int fw)
{
    const theme *th = c->th;
    const char *target = e->handout ? e->handout : e->slides;
    if (e->thumb) {
        /* Cropped to the box: the middle of a landscape photo, the upper
         * part of a portrait (where the faces are). */
        int dw, dh;
        media_oriented_size(&e->thumb_info, &dw, &dh);
        page_add_image(pg, e->thumb, &e->thumb_info, x, y, c->thumb_w, c->thumb_h, FIT_COVER,
                       dh > dw ? 0.2 : 0.5);
    } else {
        /* The placeholder: the title's first letter on the accent colour,
         * drawn as a shape: it is decoration, and as text it would read as
         * part of the lines beside it. */
        page_add_rect(pg, th->accent, x, y, c->thumb_w, c->thumb_h);
        int lx, lw, base, ih = text_block_height(r->initial, 1);
        text_block_line(r->initial, 0, &lx, &lw, &base);
        char *txt = text_block_line_text(r->initial, 0);
        box *b = page_add_line(pg, text_block_layout(r->initial), 0, x + (c->thumb_w - lw) / 2,
                               y + (c->thumb_h - ih) / 2 + base, lw, ih, txt);
        b->shape = true;
        b->color = c->initial.color;
        free(txt);
    }
    if (target) page_add_file_link(pg, target, x, y, c->thumb_w, c->thumb_h);
    int cx = x + c->thumb_w + c->gap, cw = fw - c->thumb_w - c->gap;
    blocks_place(pg, r->title, cx, y);
    if (target) link_lines(pg, r->title, cx, y, target);
    if (r->meta) blocks_place(pg, r->meta, cx, y + r->meta_y);
    /* The links, right-aligned on the meta line: handout, then slides,
     * with the date line's separator between them (no bare space: a
     * space between two Chinese words reads as a typo). */
    int lx = cx + cw;
    if (e->slides) {
        lx -= line_width(c->slides_word);
        blocks_place(pg, c->slides_word, lx, y + r->meta_y);
        page_add_file_link(pg, e->slides, lx, y + r->meta_y, line_width(c->slides_word),
                           text_block_height(c->slides_word, 1));
        if (e->handout) {
            lx -= line_width(c->link_sep);
            blocks_place(pg, c->link_sep, lx, y + r->meta_y);
        }
    }
    if (e->handout) {
        lx -= line_width(c->handout_word);
        blocks_place(pg, c->handout_word, lx, y + r->meta_y);
        page_add_file_link(pg, e->handout, lx, y + r->meta_y, line_width(c->handout_word),
                           text_block_height(c->handout_word, 1));
    }
    if (r->summary) blocks_place(pg, r->summary, cx, y + r->summary_y);
}

/* --- the whole ----------------------------------------------------- */

/* The year of an ISO date, 0 when it has none. */
static int year_of(const char *date)
{
    if (!date) return 0;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (date[i] < '0' || date[i] > '9') return 0;
        y = y * 10 + (date[i] - '0');
    }
    return date[4] == 0 || date[4] == '-' ? y : 0;
}

static int cmp_entries(const void *a, const void *b)
{
    const catalogue_entry *x = *(const catalogue_entry *const *)a;
    const catalogue_entry *y = *(const catalogue_entry *const *)b;
    bool dx = year_of(x->date) > 0, dy = year_of(y->date) > 0;
    if (dx != dy) return dx ? -1 : 1;
    if (dx) {
        int c = strcmp(y->date, x->date);   /* newest first */
        if (c) return c;
    }
    int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
    if (c) return c;
    return strcmp(x->title ? x->title : "", y->title ? y->title : "");
}

/* The title block: the catalogue's name, how many posts and which dates. */
static void title_block(ctx *c, flow *f, const catalogue_entry *const *sorted, size_t n)
{
    const theme *th = c->th;
    text_style ts = style_of(th, th->heading, th->size_title, 1.3, th->heading_weight,
                             th->heading_color, c->lang);
    text_block *tb = blocks_plain(&c->bc, c->w->title, &ts, flow_frame_width(f));
    int x0, y;
    page *pg = flow_reserve(f, 0, &x0, &y);
    page_add_dest(pg, "catalogue", x0, y);
    pageset_add_outline(c->ps, c->w->title, 1, "catalogue", flow_page_index(f));
    flow_text(f, tb, 0, NULL);
    text_block_free(tb);

    buf line = BUF_INIT;
    buf_add(&line, "");
    if (n) {
        buf_addf(&line, "%s%zu%s", c->w->count_pre, n, n == 1 ? c->w->count_one : c->w->count_many);
        /* sorted: newest first, undated last. */
        const char *newest = sorted[0]->date, *oldest = NULL;
        for (size_t i = n; i-- > 0;)
            if (year_of(sorted[i]->date)) {
                oldest = sorted[i]->date;
                break;
            }
        if (oldest && year_of(newest)) {
            buf_add(&line, c->w->sep);
            if (!strcmp(oldest, newest)) buf_add(&line, newest);
            else buf_addf(&line, "%s%s%s", oldest, c->w->range, newest);
        }
    } else {
        buf_add(&line, c->w->empty);
    }
    text_style ls = style_of(th, th->heading, th->size_h3, 1.5, 400, th->muted, c->lang);
    flow_space(f, th->size_body / 2);
    tb = blocks_plain(&c->bc, line.s, &ls, flow_frame_width(f));
    flow_text(f, tb, 0, NULL);
    text_block_free(tb);
    buf_free(&line);
    /* A short accent rule, as on a plain handout cover. */
    flow_space(f, th->size_body);
    pg = flow_reserve(f, 2 * THEME_PT, &x0, &y);
    page_add_rect(pg, th->accent, x0, y, 6 * th->size_body, 2 * THEME_PT);
    flow_space(f, th->size_h1);
}

/* A year heading, kept with the first row under it (need: that row's
 * height).  Adds the year's bookmark. */
static void year_heading(ctx *c, flow *f, pageset *ps, int year, int need)
{
    const theme *th = c->th;
    char label[32], dest[32];
    if (year) {
        snprintf(label, sizeof label, "%d", year);
        snprintf(dest, sizeof dest, "year-%d", year);
    } else {
        snprintf(label, sizeof label, "%s", c->w->undated);
        snprintf(dest, sizeof dest, "undated");
    }
    text_style hs = style_of(th, th->heading, th->size_h2, 1.4, th->heading_weight, th->accent,
                             c->lang);
    text_block *tb = blocks_plain(&c->bc, label, &hs, flow_frame_width(f));
    int h = text_block_height(tb, text_block_nlines(tb));
    int after = th->size_body;
    flow_space(f, th->size_h1 * 3 / 2);
    flow_need(f, h + THEME_PT / 2 + after + need);
    int x0, y;
    page *pg = flow_reserve(f, h, &x0, &y);
    page_add_dest(pg, dest, x0, y);
    pageset_add_outline(ps, label, 1, dest, flow_page_index(f));
    blocks_place(pg, tb, x0, y);
    text_block_free(tb);
    pg = flow_reserve(f, THEME_PT / 2, &x0, &y);
    page_add_rect(pg, th->rule, x0, y, flow_frame_width(f), THEME_PT / 2);
    flow_space(f, after);
}

/* The author most entries name (ties: first in byte order), for the
 * PDF's metadata; NULL when none names one. */
static const char *common_author(const catalogue_entry *const *e, size_t n)
{
    const char **v = mem_calloc(n + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i]->author && *e[i]->author) v[k++] = e[i]->author;
    const char *best = most_common(v, k);
    free(v);
    return best;
}

pageset *catalogue_layout(const catalogue_entry *entries, size_t n, const theme *th, fontset *fs,
                          const catalogue_opts *opts, diag_list *dl)
{
    pageset *ps = pageset_new();
    master m = {ps, th, 0, 0};
    theme_paper_size(opts ? opts->paper : th->paper, &m.pw, &m.ph);

    ctx c = {0};
    c.ps = ps;
    c.th = th;
    c.lang = opts && opts->lang ? opts->lang : catalogue_lang(entries, n);
    c.w = words_for(c.lang);
    c.bc.th = th;
    c.bc.pc = fontset_context(fs, c.lang);
    c.bc.dl = dl;
    c.bc.body_size = th->size_body;

    int fx, fy, fw, fh;
    page_frame(th, m.pw, m.ph, 0, &fx, &fy, &fw, &fh);
    /* The thumbnail box: a fifth of the frame (33 mm on A4), never under
     * 24 mm; 4:3, the shape of most event photos, so little is cropped. */
    c.thumb_w = fw / 5 > THEME_MM(24) ? fw / 5 : THEME_MM(24);
    c.thumb_h = c.thumb_w * 3 / 4;
    c.gap = th->size_body * 3 / 2;
    int cw = fw - c.thumb_w - c.gap;
    c.title = style_of(th, th->heading, th->size_h3, 1.35, th->heading_weight, th->heading_color,
                       c.lang);
    c.meta = style_of(th, th->heading, th->size_small, 1.5, 400, th->muted, c.lang);
    /* Titles at the h3 size, summaries at the body size: titles stand out
     * by weight and face more than by size (under 1.15 times the body,
     * so a checker does not take each of them for a section heading). */
    c.summary = style_of(th, th->body, th->size_body, 1.5, 400, th->text, c.lang);
    c.link = style_of(th, th->heading, th->size_small, 1.5, 400, th->link, c.lang);
    c.initial = style_of(th, th->heading, c.thumb_h / 2, 1.2, th->heading_weight,
                         blocks_text_on(th->accent), c.lang);
    c.handout_word = blocks_plain(&c.bc, c.w->handout, &c.link, cw);
    c.slides_word = blocks_plain(&c.bc, c.w->slides, &c.link, cw);
    c.link_sep = blocks_plain(&c.bc, c.w->sep, &c.meta, cw);

    const catalogue_entry **sorted = mem_calloc(n + 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++) sorted[i] = &entries[i];
    if (n) qsort(sorted, n, sizeof *sorted, cmp_entries);

    flow *f = flow_new(ps, new_page, &m);
    title_block(&c, f, sorted, n);
    int year = -1;
    /* Between rows of a year: space and a hairline in its middle. */
    int row_gap = th->size_body * 2;
    for (size_t i = 0; i < n; i++) {
        const catalogue_entry *e = sorted[i];
        row r;
        row_make(&c, e, cw, &r);
        int y_of = year_of(e->date);
        bool first = y_of != year;
        if (first) {
            year_heading(&c, f, ps, y_of, r.h);
            year = y_of;
        } else {
            flow_space(f, row_gap);
        }
        int x0, y;
        int before = flow_page_index(f);
        page *pg = flow_reserve(f, r.h, &x0, &y);
        if (!first && flow_page_index(f) == before)
            page_add_rect(pg, th->rule, x0, y - row_gap / 2, fw, THEME_PT / 4);
        row_place(&c, e, &r, pg, x0, y, fw);
        row_free(&r);
    }
    flow_free(f);
    /* Page numbers and the catalogue's name, as a handout's footer. */
    blocks_footers(&c.bc, ps, 0, pageset_npages(ps), c.w->title, c.lang, page_frame);

    /* Metadata: the newest post's date, never the clock. */
    char date[64] = "2000-01-01T00:00:00";
    if (n && year_of(sorted[0]->date)) {
        const char *d = sorted[0]->date;
        int mo = strlen(d) >= 7 ? atoi(d + 5) : 1, dd = strlen(d) >= 10 ? atoi(d + 8) : 1;
        snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00", year_of(d),
                 mo >= 1 && mo <= 12 ? mo : 1, dd >= 1 && dd <= 31 ? dd : 1);
    }
    pageset_set_meta(ps, c.w->title, common_author(sorted, n), NULL, NULL, date, c.lang);

    blocks_report(&c.bc, "index.pdf");
    free(c.bc.missing);
    text_block_free(c.handout_word);
    text_block_free(c.slides_word);
    text_block_free(c.link_sep);
    g_object_unref(c.bc.pc);
    free(sorted);
    return ps;
}
