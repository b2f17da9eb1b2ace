/* book: several posts as one volume (see book.h).
 *
 * Takes borrowed docs, gives one pageset.  Every page comes from the
 * handout's masters (layout/handout.h), run over the posts one after the
 * other into the same pageset:
 *
 *   volume cover        handout_cover() with the volume's text
 *   blank verso         so that the contents opens on a recto
 *   contents            handout_contents(): a strong row per post, its
 *                       top sections indented under it (spliced in last)
 *   per post:  [blank verso]  so that the post opens on a recto
 *              its cover       handout_cover(), the chapter opener
 *              its body        handout_body() with the prefix "pK-" and its
 *                              sections at outline level 2
 *
 * As in the handout, the contents can only be filled in once every post is
 * paginated, but the pages after it must know from the start whether they
 * are rectos (their inner margin is on the left, and a post must open on
 * one).  So the contents is laid out once with placeholder numbers to learn
 * its length, which becomes the masters' page shift, and once more at the
 * end with the real numbers; then it is spliced in, and the footers, which
 * need final page indices, come last.  A row's height does not depend on
 * its number (the number column has a fixed width), so both runs take the
 * same number of pages.
 *
 * Openers, blank versos and the volume cover carry no footer, as in print;
 * every page still gets its number as the PDF page label, so a viewer's
 * page numbers and the contents agree.
 */
#include "layout/book.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "layout/blocks.h"
#include "layout/handout.h"

static bool is_en(const char *lang) { return lang && !strncmp(lang, "en", 2); }

/* A post's date as one comparable number; undated posts sort after every
 * dated one. */
static long date_key(const doc *d)
{
    const doc_meta *m = doc_get_meta(d);
    if (m->year <= 0) return LONG_MAX;
    return (long)m->year * 10000 + m->month * 100 + m->day;
}

typedef struct sort_item {
    long key;
    size_t index;
} sort_item;

static int by_key(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    /* Ties keep the order given: qsort is not stable by itself. */
    return x->index < y->index ? -1 : x->index > y->index;
}

void book_sort(const doc *const *docs, size_t n, book_order order, size_t *idx)
{
    sort_item *items = mem_calloc(n + 1, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i].key = order == BOOK_ORDER_DATE ? date_key(docs[i]) : 0;
        items[i].index = i;
    }
    qsort(items, n, sizeof *items, by_key);
    for (size_t i = 0; i < n; i++) idx[i] = items[i].index;
    free(items);
}

/* The post whose language the volume takes (the most common one among
 * the posts; on a tie, the earlier post's): the volume's own pages are
 * set in it and it goes into the PDF metadata. */
static const doc *lang_doc(const doc *const *docs, size_t n)
{
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *li = doc_get_meta(docs[i])->lang;
        size_t count = 0;
        for (size_t k = 0; k < n; k++) {
            const char *lk = doc_get_meta(docs[k])->lang;
            if (li == lk || (li && lk && !strcmp(li, lk))) count++;
        }
        if (count > best_count) best = i, best_count = count;
    }
    return docs[best];
}

/* The oldest and newest dated posts, NULL when none is dated. */
static void date_range(const doc *const *docs, size_t n, const doc **first, const doc **last)
{
    *first = *last = NULL;
    for (size_t i = 0; i < n; i++) {
        long k = date_key(docs[i]);
        if (k == LONG_MAX) continue;
        if (!*first || k < date_key(*first)) *first = docs[i];
        if (!*last || k > date_key(*last)) *last = docs[i];
    }
}

char *book_title(const doc *const *docs, size_t n)
{
    if (n == 1 && doc_get_meta(docs[0])->title) return mem_strdup(doc_get_meta(docs[0])->title);
    const doc *first, *last;
    date_range(docs, n, &first, &last);
    buf b = BUF_INIT;
    if (!first) {
        buf_add(&b, is_en(doc_get_meta(lang_doc(docs, n))->lang) ? "Collected posts" : "文集");
    } else {
        int y0 = doc_get_meta(first)->year, y1 = doc_get_meta(last)->year;
        if (y0 == y1) buf_addf(&b, "%d", y0);
        else buf_addf(&b, "%d – %d", y0, y1);
    }
    return buf_detach(&b);
}

/* "2023-04-06 – 2024-09-06", the dates as the posts write them; NULL when
 * no post is dated.  Returns a new string owned by the caller. */
static char *range_text(const doc *const *docs, size_t n)
{
    const doc *first, *last;
    date_range(docs, n, &first, &last);
    if (!first) return NULL;
    const char *a = doc_get_meta(first)->date, *z = doc_get_meta(last)->date;
    buf b = BUF_INIT;
    if (first == last || !strcmp(a, z)) buf_add(&b, a);
    else buf_addf(&b, "%s – %s", a, z);
    return buf_detach(&b);
}

/* The posts' distinct authors in order, at most three, then "…"; NULL when
 * none has one.  Returns a new string owned by the caller. */
static char *authors_text(const doc *const *docs, size_t n)
{
    buf b = BUF_INIT;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const char *a = doc_get_meta(docs[i])->author;
        if (!a || !*a) continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const char *ak = doc_get_meta(docs[k])->author;
            seen = ak && !strcmp(ak, a);
        }
        if (seen) continue;
        if (shown == 3) {
            buf_add(&b, ", …");
            break;
        }
        buf_addf(&b, "%s%s", shown ? ", " : "", a);
        shown++;
    }
    return b.len ? buf_detach(&b) : (buf_free(&b), NULL);
}

/* The posts' distinct tags in order, comma-separated (PDF keywords). */
static char *tags_text(const doc *const *docs, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const doc_meta *m = doc_get_meta(docs[i]);
        for (size_t t = 0; t < m->ntags; t++) {
            bool seen = false;
            for (size_t k = 0; k <= i && !seen; k++) {
                const doc_meta *mk = doc_get_meta(docs[k]);
                size_t upto = k == i ? t : mk->ntags;
                for (size_t u = 0; u < upto && !seen; u++) seen = !strcmp(mk->tags[u], m->tags[t]);
            }
            if (!seen) buf_addf(&b, "%s%s", b.len ? ", " : "", m->tags[t]);
        }
    }
    return b.len ? buf_detach(&b) : (buf_free(&b), NULL);
}

static void init_ctx(blocks_ctx *bc, const doc *d, const theme *th, fontset *fs, diag_list *dl)
{
    memset(bc, 0, sizeof *bc);
    bc->d = d;
    bc->th = th;
    bc->pc = blocks_context(fs, d, th);
    bc->dl = dl;
    bc->body_size = th->size_body;
    bc->photo_max = 0.5;
    bc->indent = th->indent_first_line;
    bc->line_height = theme_line_height(th, doc_get_meta(d)->lang);
}

/* A blank verso when the next page would be one: its final index would
 * be odd. */
static void to_recto(handout_master *m)
{
    if ((pageset_npages(m->ps) + (size_t)m->shift) % 2 == 1) handout_blank_page(m);
}

/* One post's place in the volume, as indices into the pageset before the
 * contents is spliced in (its final index is that plus the contents'
 * length, the masters' shift). */
typedef struct post_pages {
    size_t opener;       /* its cover */
    size_t body, end;    /* its body pages [body, end) */
    int *sec_page;       /* each section's first page (owned) */
} post_pages;

/* The contents rows: a strong row per post, then its top sections one
 * level deeper (the outline has the deeper ones: two levels are what a
 * volume's contents can show without running to many pages), with pages
 * pp[] shifted to final indices.  rows has room for every section of every
 * post.  Returns the number of rows. */
static size_t fill_rows(const doc *const *docs, size_t n, const post_pages *pp, int shift,
                        handout_entry *rows)
{
    size_t r = 0;
    for (size_t k = 0; k < n; k++) {
        handout_entry *e = &rows[r++];
        const char *t = doc_get_meta(docs[k])->title;
        e->title = t ? t : "";
        e->level = 1;
        e->strong = true;
        snprintf(e->dest, sizeof e->dest, "p%zu", k + 1);
        e->page = (int)pp[k].opener + shift;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "p%zu-", k + 1);
        handout_section_entries(docs[k], prefix, 2, pp[k].sec_page, shift, &rows[r]);
        size_t kept = 0;
        for (size_t s = 0; s < doc_nsections(docs[k]); s++)
            if (rows[r + s].level == 2) rows[r + kept++] = rows[r + s];
        r += kept;
    }
    return r;
}

/* Lays out the contents into a new pageset owned by the caller. */
static pageset *contents(blocks_ctx *bc, const handout_master *m, size_t at, const char *heading,
                         const handout_entry *rows, size_t nrows, bool counting)
{
    handout_master cm = *m;
    cm.counting = counting;
    cm.ps = pageset_new();
    cm.shift = (int)at;
    cm.columns = 1;
    cm.col = 0;
    handout_contents(bc, &cm, heading, rows, nrows);
    return cm.ps;
}

/* Lays out post k (0-based) of the volume from the next recto on, with
 * its marks named "p<k+1>" and "p<k+1>-...". */
static void layout_post(blocks_ctx *bc, handout_master *m, size_t k, post_pages *pp)
{
    const doc *d = bc->d;
    const theme *th = bc->th;
    to_recto(m);
    pp->opener = pageset_npages(m->ps);
    m->columns = 1;
    m->col = 0;
    handout_cover(bc, m, NULL);
    char dest[32], prefix[32];
    snprintf(dest, sizeof dest, "p%zu", k + 1);
    snprintf(prefix, sizeof prefix, "p%zu-", k + 1);
    /* The opener's top left corner: a jump shows the whole page. */
    page_add_dest(pageset_page(m->ps, pp->opener), dest, 0, 0);
    const char *title = doc_get_meta(d)->title;
    pageset_add_outline(m->ps, title ? title : "", 1, dest, (int)pp->opener);
    pp->body = pageset_npages(m->ps);
    m->columns = th->columns > 1 ? th->columns : 1;
    m->col = 0;
    handout_marks mk = {prefix, 2};
    handout_body(bc, m, &mk, pp->sec_page);
    pp->end = pageset_npages(m->ps);
}

pageset *book_layout(const doc *const *docs_given, size_t n, const theme *th, fontset *fs,
                     const book_opts *opts, diag_list *dl)
{
    /* The posts in the volume's order; everything below works on that. */
    size_t *idx = mem_calloc(n + 1, sizeof *idx);
    book_sort(docs_given, n, opts ? opts->order : BOOK_ORDER_DATE, idx);
    const doc **docs = mem_calloc(n + 1, sizeof *docs);
    for (size_t i = 0; i < n; i++) docs[i] = docs_given[idx[i]];
    free(idx);

    pageset *ps = pageset_new();
    handout_master m = {ps, th, 0, 0, 0, 1, 0, false};
    theme_paper_size(opts ? opts->paper : th->paper, &m.pw, &m.ph);

    /* The volume's own pages are set in its language, with the volume's
     * text in place of a post's front matter. */
    const doc *vd = lang_doc(docs, n);
    bool en = is_en(doc_get_meta(vd)->lang);
    char *title = opts && opts->title ? mem_strdup(opts->title) : book_title(docs, n);
    char *range = range_text(docs, n);
    char *authors = authors_text(docs, n);
    buf count = BUF_INIT;
    if (en) buf_addf(&count, "%zu post%s", n, n == 1 ? "" : "s");
    else buf_addf(&count, "收录 %zu 篇文章", n);
    buf byline = BUF_INIT;
    if (range) buf_add(&byline, range);
    if (authors) buf_addf(&byline, "%s%s", byline.len ? "  ·  " : "", authors);
    blocks_ctx vbc;
    init_ctx(&vbc, vd, th, fs, dl);
    handout_cover_text vct = {title, byline.s, count.s, -1};
    /* The volume has no photo of its own: a photo cover without one would
     * leave the title at the top of an empty page, so it is set as the
     * plain cover is, a quarter down, over an accent rule. */
    theme vt = *th;
    if (vt.cover == THEME_COVER_PHOTO) vt.cover = THEME_COVER_PLAIN;
    vbc.th = &vt;
    handout_cover(&vbc, &m, &vct);
    vbc.th = th;
    /* Characters no font has in a title given with --title belong to no
     * post; a derived title is a post's title or digits, and the
     * contents repeats the posts' titles and headings: their own pages
     * report those. */
    if (opts && opts->title) blocks_report(&vbc, NULL);
    to_recto(&m);

    /* The contents' length, from rows with placeholder pages (three
     * digits, as wide as any real number). */
    size_t room = n;
    post_pages *pp = mem_calloc(n + 1, sizeof *pp);
    for (size_t k = 0; k < n; k++) {
        size_t nsec = doc_nsections(docs[k]);
        room += nsec;
        pp[k].opener = 998;
        pp[k].sec_page = mem_calloc(nsec + 1, sizeof(int));
        for (size_t s = 0; s < nsec; s++) pp[k].sec_page[s] = 998;
    }
    handout_entry *rows = mem_calloc(room + 1, sizeof *rows);
    const char *heading = en ? "Contents" : "目录";
    size_t contents_at = pageset_npages(ps);
    size_t nrows = fill_rows(docs, n, pp, 0, rows);
    pageset *scratch = contents(&vbc, &m, contents_at, heading, rows, nrows, true);
    m.shift = (int)pageset_npages(scratch);
    pageset_free(scratch);

    blocks_ctx *pbc = mem_calloc(n + 1, sizeof *pbc);
    for (size_t k = 0; k < n; k++) {
        init_ctx(&pbc[k], docs[k], th, fs, dl);
        layout_post(&pbc[k], &m, k, &pp[k]);
    }

    fill_rows(docs, n, pp, m.shift, rows);
    scratch = contents(&vbc, &m, contents_at, heading, rows, nrows, false);
    size_t ncontents = pageset_npages(scratch);
    pageset_splice(ps, contents_at, scratch);
    pageset_free(scratch);

    /* Footers: the contents shows the volume's title and dates, each
     * post's body its own front matter. */
    doc_meta vm = {0};
    vm.title = title;
    vm.date = range;
    vm.author = authors;
    handout_footers(&vbc, ps, contents_at, contents_at + ncontents, &vm);
    for (size_t k = 0; k < n; k++) {
        handout_footers(&pbc[k], ps, pp[k].body + ncontents, pp[k].end + ncontents,
                        doc_get_meta(docs[k]));
        blocks_report(&pbc[k], doc_path(docs[k]));
        g_object_unref(pbc[k].pc);
        free(pp[k].sec_page);
    }
    /* The pages without a footer (covers, openers, blank versos) are still
     * numbered for the viewer. */
    for (size_t i = 0; i < pageset_npages(ps); i++) {
        page *pg = pageset_page(ps, i);
        if (pg->label) continue;
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        pg->label = mem_strdup(num);
    }

    /* PDF metadata: the volume's title, its posts' authors and tags, the
     * newest post's date (never the clock) and its language. */
    const doc *first, *last;
    date_range(docs, n, &first, &last);
    char date[64];
    if (last) {
        const doc_meta *lm = doc_get_meta(last);
        snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00", lm->year,
                 lm->month > 0 ? lm->month : 1, lm->day > 0 ? lm->day : 1);
    } else {
        snprintf(date, sizeof date, "2000-01-01T00:00:00");
    }
    char *tags = tags_text(docs, n);
    pageset_set_meta(ps, title, authors, count.s, tags, date, doc_get_meta(vd)->lang);

    free(tags);
    free(vbc.missing);
    g_object_unref(vbc.pc);
    free(pbc);
    free(rows);
    free(pp);
    buf_free(&byline);
    buf_free(&count);
    free(authors);
    free(range);
    free(title);
    free(docs);
    return ps;
}
