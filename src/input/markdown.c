/* markdown: a Markdown body → the doc's blocks.
 *
 * cmark-gfm parses the body (CommonMark plus the GFM table, autolink and
 * strikethrough extensions); we walk its tree once with cmark_iter, which
 * is iterative, and build doc blocks as we go:
 *
 *  - Containers (quotes, lists, items, tables, rows) push a frame on a
 *    fixed stack of DOC_MAX_DEPTH frames.  Deeper containers are not
 *    created; their content is attached to the deepest frame ("flatten"),
 *    so no later walk depends on input depth.
 *  - Leaf blocks (paragraphs, headings, cells, HTML blocks) collect their
 *    inlines into a text builder: UTF-8 text plus span byte ranges.  Spans
 *    open lazily (at the first visible character after them), so collapsed
 *    whitespace never lands inside a span edge.
 *  - Whitespace: runs collapse to one space, leading and trailing space of
 *    a paragraph is dropped, a soft break follows docs/cjk.md §1 (removed
 *    between two East Asian wide characters, else one space), a hard break
 *    is '\n'.
 *  - Images (Markdown or HTML <img>) are hoisted: the text so far becomes a
 *    paragraph, the image a DOC_IMAGE block, the rest another paragraph;
 *    empty paragraphs are dropped.
 *  - Raw HTML: tags are dropped and the text between them kept (entities
 *    decoded), except the contents of <script> and <style>, which are
 *    skipped even across separate HTML nodes; <br> is a hard break; block
 *    tags inside an HTML block end a paragraph.
 *  - Emphasis next to CJK punctuation: `前往**视频号（X）**查看` is literal
 *    text to cmark (CommonMark flanking); when a run of text ends, the
 *    leftover '*' and '_' runs are paired by the CJK-friendly rule and
 *    become spans (cjk_emphasis, below).
 */
#include "input/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "input/media.h"

/* Inline nesting kept as spans; deeper emphasis still renders its text.
 * cmark itself bounds emphasis nesting far above what anyone writes. */
#define SPAN_STACK 32

typedef struct open_span {
    doc_span_kind kind;
    long start;            /* -1 until the first visible character */
    const char *href;
    bool html;             /* opened by an HTML <a> tag */
} open_span;

/* A run of '*' or '_' that cmark left as literal text (see cjk_emphasis). */
typedef struct delim_run {
    uint32_t pos;          /* byte offset in text_builder.text */
    uint8_t len;
    char ch;
    int node;              /* serial of the cmark text node it came from */
} delim_run;

typedef struct text_builder {
    buf text;
    doc_span *spans;
    size_t nspans, cap;
    delim_run *runs;       /* in text order */
    size_t nruns, cap_runs;
    open_span open[SPAN_STACK];
    int nopen, overflow;
    int pending;           /* 0 none, 1 space, 2 soft break */
} text_builder;

enum { PEND_NONE, PEND_SPACE, PEND_SOFT };

typedef struct frame {
    doc_block *blk;
    doc_block *last;
} frame;

typedef enum { LEAF_NONE, LEAF_PARA, LEAF_HEADING, LEAF_CELL, LEAF_HTML } leaf_kind;

typedef struct md {
    doc *d;
    const markdown_opts *opts;
    diag_list *dl;
    const char *body;
    size_t len;
    size_t *line_starts;
    size_t nlines;

    frame stack[DOC_MAX_DEPTH];
    int depth, overflow;

    leaf_kind leaf;
    int leaf_line, leaf_col, heading_level, cell_index;
    uint8_t *aligns;            /* current table's column alignments */
    uint16_t ncols;
    text_builder tb;
    int *deferred;              /* images met inside headings */
    size_t ndeferred, cap_deferred;

    int img_depth;              /* >0 inside a Markdown image: alt text */
    buf alt;
    bool skip;                  /* inside <script> or <style> */
    int text_serial;            /* numbers cmark text nodes for delim_run.node */
    char skip_tag[8];
} md;

/* ---- small helpers ---- */

bool markdown_join_softbreak(uint32_t before, uint32_t after)
{
    return utf8_is_wide(before) && utf8_is_wide(after);
}

static int char_col(const md *m, int line, int bytecol)
{
    if (line < 1 || (size_t)line > m->nlines || bytecol < 1) return bytecol;
    size_t start = m->line_starts[line - 1];
    size_t end = (size_t)line < m->nlines ? m->line_starts[line] : m->len;
    size_t n = (size_t)(bytecol - 1);
    if (start + n > end) n = end - start;
    return (int)utf8_length(m->body + start, n) + 1;
}

static void node_pos(const md *m, cmark_node *n, int *line, int *col)
{
    int l = cmark_node_get_start_line(n), c = cmark_node_get_start_column(n);
    if (l <= 0) {
        *line = m->leaf_line;
        *col = m->leaf_col;
        return;
    }
    *line = l;
    *col = char_col(m, l, c);
}

static bool is_absolute_url(const char *u)
{
    if (!u || !*u) return false;
    if (u[0] == '#') return true;
    const char *p = u;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
        p++;
    return p > u && *p == ':';
}

/* ---- text builder ---- */

static void tb_reset(text_builder *tb)
{
    buf_truncate(&tb->text, 0);
    tb->nspans = 0;
    tb->nruns = 0;
    tb->pending = PEND_NONE;
}

static void tb_free(text_builder *tb)
{
    buf_free(&tb->text);
    free(tb->spans);
    free(tb->runs);
}

/* Appends visible text, first resolving pending whitespace. */
static void tb_emit(text_builder *tb, const char *s, size_t n)
{
    if (!n) return;
    if (tb->pending && tb->text.len && tb->text.s[tb->text.len - 1] != '\n') {
        bool space = true;
        if (tb->pending == PEND_SOFT) {
            size_t a;
            uint32_t before = utf8_decode_prev(tb->text.s, tb->text.len, &a);
            uint32_t after = utf8_decode(s, n, &a);
            space = !markdown_join_softbreak(before, after);
        }
        if (space) buf_addc(&tb->text, ' ');
    }
    tb->pending = PEND_NONE;
    for (int i = 0; i < tb->nopen; i++)
        if (tb->open[i].start < 0) tb->open[i].start = (long)tb->text.len;
    buf_addn(&tb->text, s, n);
}

static bool ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Records the runs of '*' or '_' in s[0..n), just appended at text offset
 * at, whose bytes are marked in cand (literal delimiters, not escapes). */
static void tb_note_runs(text_builder *tb, size_t at, const char *s, size_t n,
                         const uint8_t *cand, int node)
{
    size_t i = 0;
    while (i < n) {
        if (!cand[i] || (s[i] != '*' && s[i] != '_')) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && cand[j] && s[j] == s[i]) j++;
        /* Longer runs (rules, "____" blanks to fill in) are never emphasis
         * here; 255 keeps the length in a byte. */
        if (j - i <= 255)
            MEM_PUSH(tb->runs, tb->nruns, tb->cap_runs) =
                (delim_run){(uint32_t)(at + i), (uint8_t)(j - i), s[i], node};
        i = j;
    }
}

/* tb_text that also notes delimiter runs (cand: one flag per byte of s, or
 * NULL for none). */
static void tb_text_runs(text_builder *tb, const char *s, size_t n,
                         const uint8_t *cand, int node)
{
    size_t i = 0;
    while (i < n) {
        if (ascii_space(s[i])) {
            bool nl = false;
            while (i < n && ascii_space(s[i])) nl |= s[i++] == '\n';
            int p = nl ? PEND_SOFT : PEND_SPACE;
            if (p > tb->pending) tb->pending = p;
            continue;
        }
        size_t j = i;
        while (j < n && !ascii_space(s[j])) j++;
        tb_emit(tb, s + i, j - i);
        if (cand) tb_note_runs(tb, tb->text.len - (j - i), s + i, j - i, cand + i, node);
        i = j;
    }
}

/* Text with collapsible whitespace; '\n' inside it is a soft break. */
static void tb_text(text_builder *tb, const char *s, size_t n)
{
    tb_text_runs(tb, s, n, NULL, 0);
}

static void tb_softbreak(text_builder *tb)
{
    tb->pending = PEND_SOFT;
}

static void tb_hardbreak(text_builder *tb)
{
    tb->pending = PEND_NONE;
    if (tb->text.len && tb->text.s[tb->text.len - 1] != '\n')
        buf_addc(&tb->text, '\n');
}

static void tb_record(text_builder *tb, const open_span *o)
{
    size_t end = tb->text.len;
    while (end > 0 && tb->text.s[end - 1] == '\n') end--;
    if (o->start < 0 || (size_t)o->start >= end) return;
    doc_span sp = {o->kind, (uint32_t)o->start, (uint32_t)end, o->href};
    MEM_PUSH(tb->spans, tb->nspans, tb->cap) = sp;
}

static void tb_open(text_builder *tb, doc_span_kind kind, const char *href, bool html)
{
    if (tb->nopen >= SPAN_STACK) {
        tb->overflow++;
        return;
    }
    tb->open[tb->nopen++] = (open_span){kind, -1, href, html};
}

static void tb_close(text_builder *tb)
{
    if (tb->overflow) {
        tb->overflow--;
        return;
    }
    if (!tb->nopen) return;
    tb_record(tb, &tb->open[--tb->nopen]);
}

static int span_cmp(const void *a, const void *b)
{
    const doc_span *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;   /* outer first */
    return (int)x->kind - (int)y->kind;
}

/* ---- CJK-friendly emphasis ----
 *
 * CommonMark lets `**` open only when "left-flanking" and close only when
 * "right-flanking", and punctuation next to a delimiter makes it flank
 * only if the other side is whitespace or punctuation too.  Chinese puts
 * no spaces between words, so `前往**视频号（X）**查看` leaves both `**`
 * as literal text: the closer follows `）` and precedes `查`.  Readers see
 * the asterisks.  This pass pairs such leftovers after cmark is done,
 * following the "CJK-friendly" amendment proposed for CommonMark (and
 * markdown-it's plugin of that name): a run that fails to flank only
 * because of punctuation may still open or close when the character on
 * either side is CJK (a wide character or CJK punctuation).
 *
 * Inputs are the runs tb_note_runs recorded: literal '*' and '_' from cmark
 * text nodes that were not backslash escapes or entities (so never code
 * spans, link destinations or raw HTML).  A pair needs the same character
 * and length (1 em, 2 strong, 3 both; '_' only doubled, as single '_' is
 * common in names), the same innermost enclosing span (so the new span
 * nests and never crosses a link or another style), and one of its two
 * runs must have needed the CJK rule: where the plain rules already allow
 * the pair, cmark had its own reasons not to make it, and we keep its
 * answer.  A single '*' pairs only inside one text node, and `5 * 3`
 * (spaces) never flanks.  Pairing is cmark's stack algorithm, simplified:
 * each closer looks only at the nearest live opener with its key, so the
 * pass is linear apart from sorting and O(log n) offset lookups. */

static bool cjk_side(uint32_t cp)
{
    return utf8_is_wide(cp) || utf8_is_cjk_punct(cp);
}

static bool uni_space(uint32_t cp)
{
    return cp == 0 || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           cp == '\f' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Unicode punctuation as far as flanking needs it: ASCII, Latin-1, the
 * General Punctuation block, CJK and fullwidth punctuation. */
static bool uni_punct(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') ||
               (cp >= '[' && cp <= '`') || (cp >= '{' && cp <= '~');
    return (cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB2 && cp != 0xB3 &&
            cp != 0xB5 && cp != 0xB9 && cp != 0xBA && cp != 0xBC && cp != 0xBD &&
            cp != 0xBE) ||
           cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x205E) ||
           (cp >= 0xFE50 && cp <= 0xFE6B) || utf8_is_cjk_punct(cp);
}

/* A link whose text is (the end of) its own URL: a bare URL, where '_' and
 * '*' belong to the address. */
static bool link_shows_href(const text_builder *tb, const doc_span *sp)
{
    if (sp->kind != SPAN_LINK || !sp->href) return false;
    size_t hl = strlen(sp->href), tl = sp->end - sp->start;
    return tl <= hl && memcmp(sp->href + hl - tl, tb->text.s + sp->start, tl) == 0;
}

typedef struct run_info {
    int ctx;               /* innermost enclosing span, -1 for none */
    bool open, close;      /* with the CJK rule */
    bool std_open, std_close;   /* by the plain CommonMark rules */
    int prev_same;         /* stack: next lower opener with the same key */
    int mate;              /* matched run, -1 when none */
} run_info;

static int run_key(const delim_run *r)
{
    return (r->ch == '_' ? 3 : 0) + r->len - 1;
}

/* The characters before and after run r in text[0..len); 0 at the ends. */
static void run_sides(const char *text, size_t len, const delim_run *r, uint32_t *p,
                      uint32_t *n)
{
    size_t adv, e = (size_t)r->pos + r->len;
    *p = r->pos ? utf8_decode_prev(text, r->pos, &adv) : 0;
    *n = e < len ? utf8_decode(text + e, len - e, &adv) : 0;
}

/* Flanking of run r in text[0..len); the text's ends count as whitespace. */
static void run_flanking(const char *text, size_t len, const delim_run *r, run_info *ri)
{
    uint32_t p, n;
    run_sides(text, len, r, &p, &n);
    bool ps = uni_space(p), ns = uni_space(n);
    bool pp = uni_punct(p), np = uni_punct(n);
    bool cjk = cjk_side(p) || cjk_side(n);
    bool left = !ns && (!np || ps || pp);
    bool right = !ps && (!pp || ns || np);
    bool left_cjk = !ns && (left || cjk);
    bool right_cjk = !ps && (right || cjk);
    if (r->ch == '*') {
        ri->std_open = left;
        ri->std_close = right;
        ri->open = left_cjk;
        ri->close = right_cjk;
    } else {
        /* '_' inside a word neither opens nor closes (snake_case); a CJK
         * neighbour counts as the word's edge. */
        ri->std_open = left && (!right || pp);
        ri->std_close = right && (!left || np);
        ri->open = left_cjk && (!right_cjk || pp || cjk_side(p));
        ri->close = right_cjk && (!left_cjk || np || cjk_side(n));
    }
}

/* New offset of old offset x after the byte ranges cut[] (sorted, disjoint;
 * before[i] = bytes cut before cut i) are removed. */
static uint32_t cut_map(uint32_t x, const delim_run *const *cut, const uint32_t *before,
                        size_t ncut)
{
    size_t lo = 0, hi = ncut;   /* first cut starting at or after x */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cut[mid]->pos < x) lo = mid + 1;
        else hi = mid;
    }
    if (!lo) return x;
    const delim_run *c = cut[lo - 1];
    uint32_t inside = x - c->pos < c->len ? x - c->pos : c->len;
    return x - before[lo - 1] - inside;
}

/* Pairs the literal delimiter runs of tb->text[0..len) as described above,
 * removes the paired delimiters and adds their spans.  Returns the new
 * length of the text. */
static size_t cjk_emphasis(text_builder *tb, size_t len)
{
    size_t nr = 0;
    while (nr < tb->nruns && (size_t)tb->runs[nr].pos + tb->runs[nr].len <= len) nr++;
    if (!nr) return len;
    const char *text = tb->text.s;
    if (tb->nspans) qsort(tb->spans, tb->nspans, sizeof *tb->spans, span_cmp);
    run_info *ri = mem_calloc(nr, sizeof *ri);
    int *open_stack = mem_calloc(nr, sizeof *open_stack);
    int *span_stack = mem_calloc(tb->nspans + 1, sizeof *span_stack);
    int nopen = 0, nspan = 0;
    int top[6] = {-1, -1, -1, -1, -1, -1};   /* stack index per key */
    size_t next_span = 0, npairs = 0, ndrop = 0;

    for (size_t i = 0; i < nr; i++) {
        const delim_run *r = &tb->runs[i];
        run_info *me = &ri[i];
        me->mate = -1;
        /* Innermost span containing r->pos: spans are sorted by start,
         * outer first, and nest. */
        while (next_span < tb->nspans && tb->spans[next_span].start <= r->pos) {
            while (nspan && tb->spans[span_stack[nspan - 1]].end <= tb->spans[next_span].start)
                nspan--;
            span_stack[nspan++] = (int)next_span++;
        }
        while (nspan && tb->spans[span_stack[nspan - 1]].end <= r->pos) nspan--;
        me->ctx = nspan ? span_stack[nspan - 1] : -1;
        if (me->ctx >= 0 && (tb->spans[me->ctx].kind == SPAN_CODE ||
                             link_shows_href(tb, &tb->spans[me->ctx])))
            continue;
        if (r->ch == '*' && r->len == 4 && me->ctx >= 0 &&
            tb->spans[me->ctx].kind == SPAN_STRONG) {
            /* `**甲。****乙**`: cmark's "rule of 3" keeps the middle run
             * whole inside one strong span, yet it means "close, reopen",
             * which looks the same as nothing: drop it. */
            uint32_t p, n;
            run_sides(text, len, r, &p, &n);
            if (!uni_space(p) && !uni_space(n) && (cjk_side(p) || cjk_side(n))) {
                me->mate = -2;
                ndrop++;
            }
            continue;
        }
        if (r->len > 3 || (r->ch == '_' && r->len < 2)) continue;
        run_flanking(text, len, r, me);
        int key = run_key(r);
        if (me->close) {
            /* Openers whose span ended before r can never pair again. */
            while (top[key] >= 0) {
                int o = open_stack[top[key]];
                int oc = ri[o].ctx;
                if (oc < 0 || oc == me->ctx || tb->spans[oc].end > r->pos) break;
                top[key] = ri[o].prev_same;
            }
            if (top[key] >= 0) {
                int at = top[key], o = open_stack[at];
                const delim_run *or = &tb->runs[o];
                bool ok = ri[o].ctx == me->ctx && (!ri[o].std_open || !me->std_close) &&
                          r->pos > or->pos + or->len && (r->len > 1 || r->node == or->node);
                if (ok) {
                    ri[o].mate = (int)i;
                    me->mate = o;
                    npairs++;
                    /* Openers between the two stay literal. */
                    while (nopen > at) {
                        int e = open_stack[--nopen];
                        if (top[run_key(&tb->runs[e])] == nopen)
                            top[run_key(&tb->runs[e])] = ri[e].prev_same;
                    }
                    continue;
                }
            }
        }
        if (me->open) {
            me->prev_same = top[key];
            top[key] = nopen;
            open_stack[nopen++] = (int)i;
        }
    }

    if (npairs || ndrop) {
        const delim_run **cut = mem_calloc(2 * npairs + ndrop, sizeof *cut);
        uint32_t *before = mem_calloc(2 * npairs + ndrop, sizeof *before);
        size_t ncut = 0;
        uint32_t total = 0;
        for (size_t i = 0; i < nr; i++) {
            if (ri[i].mate == -1) continue;
            cut[ncut] = &tb->runs[i];
            before[ncut++] = total;
            total += tb->runs[i].len;
        }
        for (size_t i = 0; i < nr; i++) {
            if (ri[i].mate <= (int)i) continue;   /* once per pair, at the opener */
            const delim_run *o = &tb->runs[i], *c = &tb->runs[ri[i].mate];
            doc_span sp = {SPAN_STRONG, o->pos + o->len, c->pos, NULL};
            if (o->len != 1) MEM_PUSH(tb->spans, tb->nspans, tb->cap) = sp;
            sp.kind = SPAN_EM;
            if (o->len != 2) MEM_PUSH(tb->spans, tb->nspans, tb->cap) = sp;
        }
        for (size_t i = 0; i < tb->nspans; i++) {
            tb->spans[i].start = cut_map(tb->spans[i].start, cut, before, ncut);
            tb->spans[i].end = cut_map(tb->spans[i].end, cut, before, ncut);
        }
        /* Compact the text in place, cut by cut. */
        size_t w = cut[0]->pos;
        for (size_t k = 0; k < ncut; k++) {
            size_t from = (size_t)cut[k]->pos + cut[k]->len;
            size_t to = k + 1 < ncut ? cut[k + 1]->pos : len;
            memmove(tb->text.s + w, tb->text.s + from, to - from);
            w += to - from;
        }
        len -= total;
        free(cut);
        free(before);
    }
    free(ri);
    free(open_stack);
    free(span_stack);
    return len;
}

/* Ends the current run of text: records the open spans' parts so far (they
 * reopen lazily in the next run), copies text and spans into the arena.
 * Returns false when the run has no visible text. */
static bool tb_take(md *m, doc_text *out)
{
    text_builder *tb = &m->tb;
    for (int i = 0; i < tb->nopen; i++) {
        tb_record(tb, &tb->open[i]);
        tb->open[i].start = -1;
    }
    size_t len = tb->text.len;
    while (len && (tb->text.s[len - 1] == '\n' || tb->text.s[len - 1] == ' ')) len--;
    len = cjk_emphasis(tb, len);
    bool any = len > 0;
    if (any) {
        out->s = doc_strndup(m->d, tb->text.s, len);
        out->len = len;
        size_t k = 0;
        doc_span *spans = doc_alloc(m->d, (tb->nspans ? tb->nspans : 1) * sizeof *spans);
        for (size_t i = 0; i < tb->nspans; i++) {
            doc_span sp = tb->spans[i];
            if (sp.end > len) sp.end = (uint32_t)len;
            if (sp.start >= sp.end) continue;
            spans[k++] = sp;
        }
        qsort(spans, k, sizeof *spans, span_cmp);
        out->spans = spans;
        out->nspans = k;
    }
    tb_reset(tb);
    return any;
}

/* ---- block tree ---- */

static void add_block(md *m, doc_block *b)
{
    if (m->depth == 0) {
        doc_append(m->d, b);
        return;
    }
    frame *f = &m->stack[m->depth - 1];
    if (f->last) f->last->next = b;
    else f->blk->child = b;
    f->last = b;
}

static void push_container(md *m, doc_block *b)
{
    if (m->depth >= DOC_MAX_DEPTH) {
        m->overflow++;
        return;
    }
    add_block(m, b);
    m->stack[m->depth++] = (frame){b, NULL};
}

static void pop_container(md *m)
{
    if (m->overflow) m->overflow--;
    else if (m->depth) m->depth--;
}

/* Where to end a piece of an over-long paragraph that starts at a: after
 * its MARKDOWN_MAX_PARA_LINES-th hard break when that comes first, else
 * after the last sentence end or space in the final 1 KB before the
 * character limit, else at the last character boundary before it. */
static size_t para_cut(const char *s, size_t a, size_t len)
{
    size_t lim = a;
    unsigned chars = 0, breaks = 0;
    while (lim < len && chars < MARKDOWN_MAX_PARA_CHARS) {
        if (s[lim] == '\n' && ++breaks == MARKDOWN_MAX_PARA_LINES) return lim + 1;
        if (((unsigned char)s[lim] & 0xC0) != 0x80) chars++;
        lim++;
    }
    while (lim < len && ((unsigned char)s[lim] & 0xC0) == 0x80) lim++;
    if (lim == len) return len;
    size_t low = lim - a > 1024 ? lim - 1024 : a;
    for (size_t i = lim; i > low; i--) {
        size_t adv;
        uint32_t cp = utf8_decode_prev(s, i, &adv);
        if (cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '.' || cp == '!' ||
            cp == '?' || cp == ' ' || cp == '\n')
            return i;
        i -= adv - 1;
    }
    size_t i = lim;
    while (i > a + 1 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i;
}

/* t's bytes [a, b) as a text of their own, with the spans clipped to it. */
static doc_text text_piece(doc *d, const doc_text *t, size_t a, size_t b)
{
    doc_text p = {0};
    p.s = doc_strndup(d, t->s + a, b - a);
    p.len = b - a;
    doc_span *spans = doc_alloc(d, (t->nspans ? t->nspans : 1) * sizeof *spans);
    for (size_t i = 0; i < t->nspans; i++) {
        doc_span sp = t->spans[i];
        if (sp.end <= a || sp.start >= b) continue;
        sp.start = sp.start > a ? sp.start - (uint32_t)a : 0;
        sp.end = (sp.end < b ? sp.end : (uint32_t)b) - (uint32_t)a;
        spans[p.nspans++] = sp;
    }
    p.spans = spans;
    return p;
}

/* The paragraph so far becomes a block (when it has text); one longer
 * than MARKDOWN_MAX_PARA_CHARS or MARKDOWN_MAX_PARA_LINES becomes several,
 * with a warning. */
static void flush_para(md *m)
{
    doc_text t = {0};
    if (!tb_take(m, &t)) return;
    if (para_cut(t.s, 0, t.len) == t.len) {
        doc_block *b = doc_block_new(m->d, DOC_PARA, m->leaf_line, m->leaf_col);
        b->text = t;
        add_block(m, b);
        return;
    }
    size_t pieces = 0;
    for (size_t a = 0; a < t.len;) {
        size_t b = para_cut(t.s, a, t.len);
        doc_block *blk = doc_block_new(m->d, DOC_PARA, m->leaf_line, m->leaf_col);
        blk->text = text_piece(m->d, &t, a, b);
        add_block(m, blk);
        pieces++;
        a = b;
        while (a < t.len && (t.s[a] == ' ' || t.s[a] == '\n')) a++;
    }
    diag_add(m->dl, DIAG_WARNING, m->opts ? m->opts->file : doc_path(m->d), m->leaf_line,
             m->leaf_col,
             "paragraph of %zu bytes split into %zu paragraphs of at most %u characters and %d lines",
             t.len, pieces, (unsigned)MARKDOWN_MAX_PARA_CHARS, MARKDOWN_MAX_PARA_LINES);
}

static void add_image_block(md *m, int idx, int line, int col)
{
    if (idx < 0) return;
    doc_block *b = doc_block_new(m->d, DOC_IMAGE, line, col);
    b->image = idx;
    add_block(m, b);
}

/* An image met inside a leaf: hoisted out of paragraphs, deferred after
 * headings, its alt text kept inside table cells. */
static void place_image(md *m, const char *src, const char *alt, int line, int col)
{
    int idx = markdown_image(m->d, src, alt, line, col, m->opts, false, m->dl);
    switch (m->leaf) {
    case LEAF_PARA:
    case LEAF_HTML:
    case LEAF_NONE:
        flush_para(m);
        add_image_block(m, idx, line, col);
        break;
    case LEAF_HEADING:
        if (idx >= 0) MEM_PUSH(m->deferred, m->ndeferred, m->cap_deferred) = idx;
        break;
    case LEAF_CELL:
        if (alt) tb_text(&m->tb, alt, strlen(alt));
        break;
    }
}

/* ---- images ---- */

static const char *remote_kind(const char *src)
{
    if (src[0] == '/' && src[1] == '/') return "network path";
    if (src[0] == '/') return "site path";
    if (strncasecmp(src, "https:", 6) == 0) return "https";
    if (strncasecmp(src, "http:", 5) == 0) return "http";
    if (strncasecmp(src, "data:", 5) == 0) return "data";
    return "url";
}

int markdown_image(doc *d, const char *src, const char *alt, int line, int col,
                   const markdown_opts *opts, bool quiet, diag_list *dl)
{
    if (!src) return -1;
    while (*src == ' ' || *src == '\t') src++;
    if (!*src) return -1;
    char *path = NULL;
    const char *const *roots = opts ? opts->extra_roots : NULL;
    const char *file = opts ? opts->file : doc_path(d);
    file_status fs = file_resolve(doc_dir(d), src, roots, &path);
    int found = doc_image_find(d, path, src);
    if (found >= 0) {
        doc_image *im = doc_image_mut(d, (size_t)found);
        im->uses++;
        free(path);
        return found;
    }
    doc_image im = {0};
    im.src = doc_strdup(d, src);
    size_t altlen = alt ? strlen(alt) : 0;
    if (altlen > MARKDOWN_MAX_ALT_BYTES) {
        /* A caption, laid out under the photo: cut like a long heading. */
        size_t cut = MARKDOWN_MAX_ALT_BYTES;
        while (cut && ((unsigned char)alt[cut] & 0xC0) == 0x80) cut--;
        diag_add(dl, DIAG_WARNING, file, line, col,
                 "alt text of %zu bytes cut to its first %zu bytes (at most %u)", altlen, cut,
                 (unsigned)MARKDOWN_MAX_ALT_BYTES);
        altlen = cut;
    }
    im.alt = alt ? doc_strndup(d, alt, altlen) : doc_strdup(d, "");
    im.caption = doc_alt_is_meaningful(im.alt) ? im.alt : NULL;
    im.line = line;
    im.col = col;
    im.uses = 1;
    im.info.orientation = 1;
    char detail[160] = "";
    switch (fs) {
    case FILE_OK: {
        size_t n = 0;
        unsigned char *data = (unsigned char *)file_read_all(path, MEDIA_MAX_BYTES, &n);
        if (!data) {
            im.status = errno == EFBIG ? DOC_IMG_TOO_LARGE : DOC_IMG_UNREADABLE;
            snprintf(detail, sizeof detail, "%s", strerror(errno));
            break;
        }
        media_status ms = media_probe(data, n, &im.info);
        bool complete = ms != MEDIA_OK || media_complete(data, n, &im.info);
        free(data);
        if (!complete) {
            im.status = DOC_IMG_UNREADABLE;
            snprintf(detail, sizeof detail, "the %s data ends early: a truncated file",
                     media_format_name(im.info.format));
            break;
        }
        switch (ms) {
        case MEDIA_OK: im.status = DOC_IMG_OK; break;
        case MEDIA_ERR_TRUNCATED: im.status = DOC_IMG_UNREADABLE; break;
        case MEDIA_ERR_UNKNOWN:
        case MEDIA_ERR_UNSUPPORTED: im.status = DOC_IMG_UNSUPPORTED; break;
        case MEDIA_ERR_TOO_LARGE: im.status = DOC_IMG_TOO_LARGE; break;
        }
        if (ms != MEDIA_OK) snprintf(detail, sizeof detail, "%s", media_status_message(ms));
        break;
    }
    case FILE_REMOTE: im.status = DOC_IMG_REMOTE; break;
    case FILE_OUTSIDE: im.status = DOC_IMG_OUTSIDE; break;
    case FILE_MISSING: im.status = DOC_IMG_MISSING; break;
    case FILE_NOT_REGULAR:
    case FILE_UNREADABLE:
        im.status = DOC_IMG_UNREADABLE;
        snprintf(detail, sizeof detail, "%s", file_status_name(fs));
        break;
    }
    if (im.status == DOC_IMG_OK) {
        im.path = doc_strdup(d, path);
        media_oriented_size(&im.info, &im.width, &im.height);
    }
    free(path);
    /* Long data: URIs would swamp the message. */
    char shown[72];
    size_t sl = strlen(src);
    if (sl > 60) snprintf(shown, sizeof shown, "%.57s...", src);
    else snprintf(shown, sizeof shown, "%s", src);
    diag_severity sev = quiet ? DIAG_NOTE : DIAG_WARNING;
    switch (im.status) {
    case DOC_IMG_OK: break;
    case DOC_IMG_MISSING:
        diag_add(dl, sev, file, line, col, "image '%s' not found; drawing a placeholder", shown);
        break;
    case DOC_IMG_REMOTE:
        diag_add(dl, sev, file, line, col,
                 "image '%s' is remote (%s); never fetched; drawing a placeholder",
                 shown, remote_kind(src));
        break;
    case DOC_IMG_OUTSIDE:
        diag_add(dl, sev, file, line, col,
                 "image '%s' is outside the post's folder; drawing a placeholder "
                 "(--allow-outside DIR permits a folder)", shown);
        break;
    case DOC_IMG_UNREADABLE:
        diag_add(dl, sev, file, line, col,
                 "image '%s' cannot be read (%s); drawing a placeholder", shown, detail);
        break;
    case DOC_IMG_UNSUPPORTED:
        diag_add(dl, sev, file, line, col,
                 "image '%s' is not a PNG, JPEG or WebP image (%s); drawing a placeholder",
                 shown, detail);
        break;
    case DOC_IMG_TOO_LARGE:
        diag_add(dl, sev, file, line, col,
                 "image '%s' is too large (%s); drawing a placeholder", shown,
                 *detail ? detail : "too many pixels");
        break;
    }
    return doc_image_push(d, &im);
}

/* ---- HTML ---- */

void markdown_decode_entities(const char *s, size_t n, buf *out)
{
    static const struct { const char *name; const char *utf8; } ents[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"},
        {"nbsp", "\xC2\xA0"}, {"ensp", "\xE2\x80\x82"}, {"emsp", "\xE2\x80\x83"},
        {"mdash", "\xE2\x80\x94"}, {"ndash", "\xE2\x80\x93"},
        {"hellip", "\xE2\x80\xA6"}, {"middot", "\xC2\xB7"},
        {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"},
        {"lsquo", "\xE2\x80\x98"}, {"rsquo", "\xE2\x80\x99"},
        {"copy", "\xC2\xA9"}, {"reg", "\xC2\xAE"}, {"times", "\xC3\x97"},
    };
    size_t i = 0;
    while (i < n) {
        if (s[i] != '&') {
            size_t j = i;
            while (j < n && s[j] != '&') j++;
            buf_addn(out, s + i, j - i);
            i = j;
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
        bool done = false;
        if (semi) {
            size_t nl = (size_t)(semi - (s + i)) - 1;
            const char *nm = s + i + 1;
            if (nl >= 2 && nm[0] == '#') {
                uint32_t cp = 0;
                bool hex = nm[1] == 'x' || nm[1] == 'X', ok = true;
                size_t k = hex ? 2 : 1;
                if (k >= nl) ok = false;
                for (; ok && k < nl; k++) {
                    char c = nm[k];
                    int v = c >= '0' && c <= '9' ? c - '0'
                          : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                    if (v < 0 || cp > 0x10FFFF) ok = false;
                    else cp = cp * (hex ? 16 : 10) + (uint32_t)v;
                }
                if (ok) {
                    if (cp == 0 || cp > 0x10FFFF) cp = UTF8_REPLACEMENT;
                    char tmp[4];
                    buf_addn(out, tmp, utf8_encode(cp, tmp));
                    done = true;
                }
            } else {
                for (size_t e = 0; e < sizeof ents / sizeof ents[0]; e++)
                    if (strlen(ents[e].name) == nl && memcmp(ents[e].name, nm, nl) == 0) {
                        buf_add(out, ents[e].utf8);
                        done = true;
                        break;
                    }
            }
            if (done) i = (size_t)(semi - s) + 1;
        }
        if (!done) buf_addc(out, s[i++]);
    }
}

static bool name_is(const char *name, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(name, lit, n) == 0;
}

/* Finds attribute attr in tag text [p, e); returns a new string or NULL. */
static char *tag_attr(const char *p, const char *e, const char *attr)
{
    size_t al = strlen(attr);
    while (p < e) {
        while (p < e && (ascii_space(*p) || *p == '/')) p++;
        const char *ns = p;
        while (p < e && !ascii_space(*p) && *p != '=' && *p != '>' && *p != '/') p++;
        size_t nl = (size_t)(p - ns);
        while (p < e && ascii_space(*p)) p++;
        const char *vs = NULL;
        size_t vl = 0;
        if (p < e && *p == '=') {
            p++;
            while (p < e && ascii_space(*p)) p++;
            if (p < e && (*p == '"' || *p == '\'')) {
                char q = *p++;
                vs = p;
                while (p < e && *p != q) p++;
                vl = (size_t)(p - vs);
                if (p < e) p++;
            } else {
                vs = p;
                while (p < e && !ascii_space(*p) && *p != '>') p++;
                vl = (size_t)(p - vs);
            }
        }
        if (nl == al && strncasecmp(ns, attr, al) == 0 && vs) {
            buf b = BUF_INIT;
            markdown_decode_entities(vs, vl, &b);
            return buf_detach(&b);
        }
        if (nl == 0 && p < e) p++;
    }
    return NULL;
}

static bool block_tag(const char *name, size_t n)
{
    static const char *const tags[] = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
        "table", "tr", "section", "article", "blockquote", "center", "figure",
        "figcaption", "hr", "header", "footer", "template", "video", "pre", NULL,
    };
    for (int i = 0; tags[i]; i++)
        if (name_is(name, n, tags[i])) return true;
    return false;
}

static void html_text(md *m, const char *s, size_t n)
{
    if (m->skip || !n) return;
    buf b = BUF_INIT;
    markdown_decode_entities(s, n, &b);
    if (m->img_depth) buf_addn(&m->alt, b.s ? b.s : "", b.len);
    else tb_text(&m->tb, b.s ? b.s : "", b.len);
    buf_free(&b);
}

static void html_tag(md *m, const char *name, size_t nl, bool closing,
                     const char *attrs, const char *end, bool in_block,
                     int line, int col)
{
    if (m->skip) {
        if (closing && name_is(name, nl, m->skip_tag)) m->skip = false;
        return;
    }
    if (!closing && (name_is(name, nl, "script") || name_is(name, nl, "style"))) {
        m->skip = true;
        snprintf(m->skip_tag, sizeof m->skip_tag, "%.*s", (int)nl, name);
        return;
    }
    if (m->img_depth) return;
    if (name_is(name, nl, "img") && !closing) {
        char *src = tag_attr(attrs, end, "src");
        char *alt = tag_attr(attrs, end, "alt");
        if (src) place_image(m, src, alt ? alt : "", line, col);
        free(src);
        free(alt);
    } else if (name_is(name, nl, "br")) {
        tb_hardbreak(&m->tb);
    } else if (name_is(name, nl, "a")) {
        if (!closing) {
            char *href = tag_attr(attrs, end, "href");
            if (href && is_absolute_url(href)) {
                doc_link_add(m->d, href);
                tb_open(&m->tb, SPAN_LINK, doc_strdup(m->d, href), true);
            }
            free(href);
        } else if (m->tb.nopen && m->tb.open[m->tb.nopen - 1].html &&
                   !m->tb.overflow) {
            tb_close(&m->tb);
        }
    } else if (in_block && block_tag(name, nl)) {
        flush_para(m);
    }
}

/* Feeds raw HTML (an HTML block or inline) through the tag filter. */
static void html_feed(md *m, const char *s, size_t n, bool in_block, int line, int col)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] != '<') {
            size_t j = i;
            while (j < n && s[j] != '<') j++;
            html_text(m, s + i, j - i);
            i = j;
            continue;
        }
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = NULL;
            for (size_t k = i + 4; k + 2 < n && !e; k++)
                if (memcmp(s + k, "-->", 3) == 0) e = s + k;
            i = e ? (size_t)(e - s) + 3 : n;
            continue;
        }
        size_t k = i + 1;
        bool closing = k < n && s[k] == '/';
        if (closing) k++;
        bool letter = k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z'));
        if (!letter && !(k < n && (s[k] == '!' || s[k] == '?'))) {
            html_text(m, s + i, 1);   /* a lone '<' is text */
            i++;
            continue;
        }
        size_t ns = k;
        while (k < n && !ascii_space(s[k]) && s[k] != '>' && s[k] != '/') k++;
        size_t ne = k;
        /* Tag end: '>' outside quotes. */
        char q = 0;
        while (k < n && (q || s[k] != '>')) {
            if (q && s[k] == q) q = 0;
            else if (!q && (s[k] == '"' || s[k] == '\'')) q = s[k];
            k++;
        }
        if (letter)
            html_tag(m, s + ns, ne - ns, closing, s + ne, s + k, in_block, line, col);
        i = k < n ? k + 1 : n;
    }
}

/* ---- the walk ---- */

static void leaf_begin(md *m, leaf_kind k, cmark_node *n)
{
    m->leaf = k;
    int l = cmark_node_get_start_line(n), c = cmark_node_get_start_column(n);
    m->leaf_line = l;
    m->leaf_col = char_col(m, l, c);
    tb_reset(&m->tb);
    m->tb.nopen = m->tb.overflow = 0;
    m->ndeferred = 0;
}

/* A heading or table cell cannot be split like a paragraph: one longer
 * than MARKDOWN_MAX_PARA_CHARS or MARKDOWN_MAX_PARA_LINES is cut there,
 * with a warning. */
static void cap_leaf(md *m, doc_text *t, const char *what)
{
    size_t cut = para_cut(t->s, 0, t->len);
    if (cut == t->len) return;
    while (cut && (t->s[cut - 1] == '\n' || t->s[cut - 1] == ' ')) cut--;
    diag_add(m->dl, DIAG_WARNING, m->opts ? m->opts->file : doc_path(m->d), m->leaf_line,
             m->leaf_col, "%s of %zu bytes cut to its first %zu bytes (at most %u characters and %d lines)",
             what, t->len, cut, (unsigned)MARKDOWN_MAX_PARA_CHARS, MARKDOWN_MAX_PARA_LINES);
    *t = text_piece(m->d, t, 0, cut);
}

static void end_heading(md *m)
{
    doc_text t = {0};
    if (tb_take(m, &t)) {
        cap_leaf(m, &t, "heading");
        doc_block *b = doc_block_new(m->d, DOC_HEADING, m->leaf_line, m->leaf_col);
        b->level = m->heading_level;
        b->text = t;
        add_block(m, b);
    }
    for (size_t i = 0; i < m->ndeferred; i++)
        add_image_block(m, m->deferred[i], m->leaf_line, m->leaf_col);
    m->ndeferred = 0;
}

static void end_cell(md *m)
{
    doc_text t = {0};
    if (tb_take(m, &t)) cap_leaf(m, &t, "table cell");
    doc_block *b = doc_block_new(m->d, DOC_CELL, m->leaf_line, m->leaf_col);
    b->text = t;
    if (m->aligns && m->cell_index < m->ncols) {
        uint8_t a = m->aligns[m->cell_index];
        b->align = a == 'c' ? 1 : a == 'r' ? 2 : 0;
    }
    m->cell_index++;
    add_block(m, b);
}

/* Which bytes of a text node's literal are '*' or '_' written as such in
 * the source, not as "\*" or "&#42;": only those may become emphasis.
 * cmark merges adjacent text, so the literal is re-aligned with its source
 * range (one line; escapes and entity references are the only ways the two
 * differ).  Returns a new array of len flags owned by the caller (free()),
 * or NULL when there is no candidate or the alignment is unsure. */
static uint8_t *delim_candidates(const md *m, cmark_node *n, const char *lit, size_t len)
{
    if (!memchr(lit, '*', len) && !memchr(lit, '_', len)) return NULL;
    int line = cmark_node_get_start_line(n);
    int sc = cmark_node_get_start_column(n), ec = cmark_node_get_end_column(n);
    if (line < 1 || (size_t)line > m->nlines || cmark_node_get_end_line(n) != line ||
        sc < 1 || ec < sc)
        return NULL;
    size_t ls = m->line_starts[line - 1];
    size_t le = (size_t)line < m->nlines ? m->line_starts[line] : m->len;
    if (ls + (size_t)ec > le) return NULL;
    const char *src = m->body + ls + sc - 1;
    size_t sn = (size_t)(ec - sc + 1);
    uint8_t *cand = mem_calloc(len, 1);
    size_t i = 0, k = 0;
    bool any = false;
    while (i < len && k < sn) {
        if (src[k] == lit[i]) {
            cand[i] = lit[i] == '*' || lit[i] == '_';
            any |= cand[i];
            i++;
            k++;
        } else if (src[k] == '\\' && k + 1 < sn && src[k + 1] == lit[i]) {
            i++;   /* an escaped character: literal for good */
            k += 2;
        } else if (src[k] == '&') {
            /* An entity reference: one decoded character, never a
             * delimiter (cmark's longest entity names are 32 bytes). */
            size_t e = k + 1;
            while (e < sn && e < k + 34 && src[e] != ';') e++;
            if (e >= sn || src[e] != ';') break;
            size_t adv;
            utf8_decode(lit + i, len - i, &adv);
            i += adv;
            k = e + 1;
        } else {
            break;
        }
    }
    if (i != len || !any) {
        free(cand);
        return NULL;
    }
    return cand;
}

static void inline_event(md *m, cmark_node *n, cmark_event_type ev)
{
    cmark_node_type t = cmark_node_get_type(n);
    const char *ts = cmark_node_get_type_string(n);
    text_builder *tb = &m->tb;
    bool enter = ev == CMARK_EVENT_ENTER;
    if (m->img_depth && t != CMARK_NODE_IMAGE) {
        /* Alt text: plain text of the image's children. */
        if (!enter) return;
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            buf_add(&m->alt, cmark_node_get_literal(n));
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            buf_addc(&m->alt, ' ');
        return;
    }
    switch (t) {
    case CMARK_NODE_TEXT:
        if (!m->skip) {
            const char *lit = cmark_node_get_literal(n);
            size_t len = strlen(lit);
            uint8_t *cand = delim_candidates(m, n, lit, len);
            tb_text_runs(tb, lit, len, cand, ++m->text_serial);
            free(cand);
        }
        break;
    case CMARK_NODE_SOFTBREAK:
        if (!m->skip) tb_softbreak(tb);
        break;
    case CMARK_NODE_LINEBREAK:
        if (!m->skip) tb_hardbreak(tb);
        break;
    case CMARK_NODE_CODE:
        if (!m->skip) {
            const char *lit = cmark_node_get_literal(n);
            tb_open(tb, SPAN_CODE, NULL, false);
            tb_emit(tb, lit, strlen(lit));
            tb_close(tb);
        }
        break;
    case CMARK_NODE_HTML_INLINE: {
        const char *lit = cmark_node_get_literal(n);
        int l, c;
        node_pos(m, n, &l, &c);
        html_feed(m, lit, strlen(lit), false, l, c);
        break;
    }
    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
        if (enter) tb_open(tb, t == CMARK_NODE_EMPH ? SPAN_EM : SPAN_STRONG, NULL, false);
        else tb_close(tb);
        break;
    case CMARK_NODE_LINK:
        if (enter) {
            const char *url = cmark_node_get_url(n);
            doc_link_add(m->d, url);
            /* Relative links lead nowhere in a PDF: keep the text only. */
            if (is_absolute_url(url)) tb_open(tb, SPAN_LINK, doc_strdup(m->d, url), false);
            else tb_open(tb, SPAN_LINK, NULL, false);
        } else {
            tb_close(tb);
        }
        break;
    case CMARK_NODE_IMAGE:
        if (enter) {
            if (m->img_depth++ == 0) buf_truncate(&m->alt, 0);
        } else if (--m->img_depth == 0 && !m->skip) {
            int l, c;
            node_pos(m, n, &l, &c);
            char *alt = mem_strdup(m->alt.s ? m->alt.s : "");
            place_image(m, cmark_node_get_url(n), alt, l, c);
            free(alt);
        }
        break;
    default:
        if (ts && strcmp(ts, "strikethrough") == 0) {
            if (enter) tb_open(tb, SPAN_STRIKE, NULL, false);
            else tb_close(tb);
        }
        break;
    }
}

/* cmark-gfm's autolinks run to the next space or '<' and trim only ASCII
 * punctuation off their end.  Chinese puts no space after a URL, so in
 * "详见https://x.org/a。下文" the link would be "https://x.org/a。下文".
 * A bare URL (a link whose only child is its own address) ends before the
 * first CJK or general punctuation mark (。，、）」…—“”): no address
 * contains one, while ideographs stay (zh.wikipedia.org/wiki/中文 is an
 * address).  ASCII punctuation left at the new end is trimmed as GFM
 * trims it; the rest becomes text after the link. */
static void trim_bare_url(cmark_node *link)
{
    cmark_node *child = cmark_node_first_child(link);
    if (!child || cmark_node_next(child) || cmark_node_get_type(child) != CMARK_NODE_TEXT) return;
    const char *text = cmark_node_get_literal(child), *url = cmark_node_get_url(link);
    if (!text || !url) return;
    size_t tl = strlen(text), ul = strlen(url);
    if (!tl || tl > ul || strcmp(url + ul - tl, text)) return;
    size_t cut = 0, adv;
    while (cut < tl) {
        uint32_t cp = utf8_decode(text + cut, tl - cut, &adv);
        if (utf8_is_cjk_punct(cp) || (cp >= 0x2010 && cp <= 0x206F)) break;
        cut += adv;
    }
    if (cut == tl) return;
    size_t keep = cut;
    while (keep > 0 && strchr(".,:;!?*_~'\"", text[keep - 1])) keep--;
    if (keep == 0) return;
    char *head = mem_strndup(text, keep), *addr = mem_strndup(url, ul - (tl - keep));
    cmark_node *rest = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(rest, text + keep);
    cmark_node_insert_after(link, rest);
    cmark_node_set_literal(child, head);
    cmark_node_set_url(link, addr);
    free(head);
    free(addr);
}

/* cmark-gfm's extended autolinks are matched before backslash escapes
 * are processed, so "https://x.org/p/RISC\_V", escaped by its author
 * only to keep the underscore from starting emphasis, would keep the
 * backslash in its text and in its address, which then leads nowhere.  In
 * a bare URL a backslash before ASCII punctuation is taken as the escape
 * it is everywhere else in CommonMark, in the text and the address alike. */
static void unescape_bare_url(cmark_node *link)
{
    cmark_node *child = cmark_node_first_child(link);
    if (!child || cmark_node_next(child) || cmark_node_get_type(child) != CMARK_NODE_TEXT) return;
    const char *text = cmark_node_get_literal(child), *url = cmark_node_get_url(link);
    if (!text || !url || !strchr(text, '\\')) return;
    size_t tl = strlen(text), ul = strlen(url);
    if (!tl || tl > ul || strcmp(url + ul - tl, text)) return;
    const char *sources[2] = {text, url};
    char *out[2];
    for (int k = 0; k < 2; k++) {
        const char *src = sources[k];
        char *o = out[k] = mem_alloc(strlen(src) + 1);
        for (; *src; src++) {
            if (*src == '\\' && src[1] && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", src[1])) src++;
            *o++ = *src;
        }
        *o = '\0';
    }
    cmark_node_set_literal(child, out[0]);
    cmark_node_set_url(link, out[1]);
    free(out[0]);
    free(out[1]);
}

static void trim_bare_urls(cmark_node *root)
{
    /* Collected first: the tree is not changed under the iterator. */
    cmark_node **links = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_LINK)
            MEM_PUSH(links, n, cap) = node;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        unescape_bare_url(links[i]);
        trim_bare_url(links[i]);
    }
    free(links);
}

/* Link spans without an href (relative targets) are dropped at the end:
 * a SPAN_LINK always has an href. */
static void drop_hrefless(doc_block *b)
{
    doc_span *sp = (doc_span *)b->text.spans;
    size_t k = 0;
    for (size_t i = 0; i < b->text.nspans; i++)
        if (!(sp[i].kind == SPAN_LINK && !sp[i].href)) sp[k++] = sp[i];
    b->text.nspans = k;
}

static void block_event(md *m, cmark_node *n, cmark_event_type ev)
{
    cmark_node_type t = cmark_node_get_type(n);
    const char *ts = cmark_node_get_type_string(n);
    bool enter = ev == CMARK_EVENT_ENTER;
    int l = cmark_node_get_start_line(n);
    int c = char_col(m, l, cmark_node_get_start_column(n));

    if (t == CMARK_NODE_PARAGRAPH) {
        if (enter) leaf_begin(m, LEAF_PARA, n);
        else {
            flush_para(m);
            m->leaf = LEAF_NONE;
        }
    } else if (t == CMARK_NODE_HEADING) {
        if (enter) {
            leaf_begin(m, LEAF_HEADING, n);
            m->heading_level = cmark_node_get_heading_level(n);
        } else {
            end_heading(m);
            m->leaf = LEAF_NONE;
        }
    } else if (ts && strcmp(ts, "table_cell") == 0) {
        if (enter) leaf_begin(m, LEAF_CELL, n);
        else {
            end_cell(m);
            m->leaf = LEAF_NONE;
        }
    } else if (t == CMARK_NODE_CODE_BLOCK) {
        const char *lit = cmark_node_get_literal(n);
        size_t len = strlen(lit);
        if (len && lit[len - 1] == '\n') len--;
        doc_block *b = doc_block_new(m->d, DOC_CODE, l, c);
        b->text.s = doc_strndup(m->d, lit, len);
        b->text.len = len;
        const char *info = cmark_node_get_fence_info(n);
        if (info && *info) b->info = doc_strdup(m->d, info);
        if (!m->skip) add_block(m, b);
    } else if (t == CMARK_NODE_HTML_BLOCK) {
        leaf_begin(m, LEAF_HTML, n);
        const char *lit = cmark_node_get_literal(n);
        html_feed(m, lit, strlen(lit), true, l, c);
        flush_para(m);
        m->leaf = LEAF_NONE;
    } else if (t == CMARK_NODE_THEMATIC_BREAK) {
        add_block(m, doc_block_new(m->d, DOC_RULE, l, c));
    } else if (t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST ||
               t == CMARK_NODE_ITEM ||
               (ts && (strcmp(ts, "table") == 0 || strcmp(ts, "table_row") == 0 ||
                       strcmp(ts, "table_header") == 0))) {
        if (!enter) {
            pop_container(m);
            return;
        }
        doc_kind k = t == CMARK_NODE_BLOCK_QUOTE ? DOC_QUOTE
                   : t == CMARK_NODE_LIST ? DOC_LIST
                   : t == CMARK_NODE_ITEM ? DOC_ITEM
                   : strcmp(ts, "table") == 0 ? DOC_TABLE : DOC_ROW;
        doc_block *b = doc_block_new(m->d, k, l, c);
        if (k == DOC_LIST) {
            b->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
            b->start = b->ordered ? cmark_node_get_list_start(n) : 0;
            b->tight = cmark_node_get_list_tight(n) != 0;
        } else if (k == DOC_TABLE) {
            m->ncols = cmark_gfm_extensions_get_table_columns(n);
            m->aligns = cmark_gfm_extensions_get_table_alignments(n);
        } else if (k == DOC_ROW) {
            b->header = strcmp(ts, "table_header") == 0 ||
                        cmark_gfm_extensions_get_table_row_is_header(n);
            m->cell_index = 0;
        }
        push_container(m, b);
    }
    /* DOCUMENT, footnotes and unknown custom blocks: nothing to build. */
}

void markdown_parse(doc *d, const char *body, size_t len,
                    const markdown_opts *opts, diag_list *dl)
{
    md m = {0};
    m.d = d;
    m.opts = opts;
    m.dl = dl;
    m.body = body;
    m.len = len;
    size_t cap = 0;
    MEM_PUSH(m.line_starts, m.nlines, cap) = 0;
    for (size_t i = 0; i < len; i++)
        if (body[i] == '\n' && i + 1 <= len) MEM_PUSH(m.line_starts, m.nlines, cap) = i + 1;

    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_SOURCEPOS);
    static const char *const exts[] = {"table", "autolink", "strikethrough"};
    for (size_t i = 0; i < 3; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e) cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, body, len);
    cmark_node *root = cmark_parser_finish(p);
    trim_bare_urls(root);

    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    size_t first_block = doc_nblocks(d);
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE) {
            if (m.leaf != LEAF_NONE) inline_event(&m, n, ev);
        } else {
            block_event(&m, n, ev);
        }
    }
    cmark_iter_free(it);
    cmark_node_free(root);
    cmark_parser_free(p);

    /* Drop href-less link spans everywhere (iterative walk, bounded). */
    for (size_t i = first_block; i < doc_nblocks(d); i++) {
        doc_block *stack[DOC_MAX_DEPTH + 2];
        int depth = 0;
        stack[0] = doc_block_mut(d, i);
        doc_block *b = stack[0];
        while (b) {
            drop_hrefless(b);
            if (b->child && depth < DOC_MAX_DEPTH + 1) {
                b = stack[++depth] = (doc_block *)b->child;
                continue;
            }
            while (depth > 0 && !stack[depth]->next) depth--;
            if (depth == 0) break;
            b = stack[depth] = (doc_block *)stack[depth]->next;
        }
    }
    tb_free(&m.tb);
    buf_free(&m.alt);
    free(m.deferred);
    free(m.line_starts);
}
