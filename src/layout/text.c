/* text: shaping, breaking and justifying one paragraph (see text.h).
 *
 * The paragraph's bytes go to Pango unchanged, so text extracted from the
 * PDF is the source text: no spaces are inserted for Chinese–Latin gaps,
 * no characters for justification.  Everything folio adds is geometry:
 *
 *   1. attributes: language, CJK base family, Latin face on narrow runs,
 *      span styles, and a letter-spacing of autospace_em on the character
 *      before each Han/Latin boundary (docs/cjk.md §5);
 *   2. Pango breaks lines (UAX #14 plus its CJK tailoring);
 *   3. letter spacing moved out of x_offset: Pango puts half of it before
 *      the glyph, which makes pdftotext read "openEule r" (stack.md); after
 *      the fix the whole gap follows the glyph;
 *   4. justification: every line but the last gets its slack spread evenly
 *      over the gaps next to a CJK character and over spaces; gaps inside a
 *      Latin word never stretch, so "DPU" never becomes "D P U".
 */
#include "layout/text.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"

struct text_block {
    PangoLayout *layout;
    const char *text;        /* borrowed from the layout */
    size_t len;
    text_style st;
    int width;
    int nlines;
    int *line_x, *line_w;
    text_dot *dots;
    size_t ndots, dots_cap;
    text_link *links;
    size_t nlinks, links_cap;
    unsigned char *spaced;   /* per byte: 1 when letter spacing was added */
};

/* Characters set in the CJK face and counted as CJK for spacing and
 * justification.  In Chinese text the quotes, dashes, ellipsis and middle
 * dot are full-width marks (their narrow Latin forms look broken there). */
bool text_is_cjk_char(uint32_t cp, bool cjk_lang)
{
    if (utf8_is_wide(cp) || utf8_is_cjk_punct(cp)) return true;
    if (cjk_lang) {
        switch (cp) {
        case 0x201C: case 0x201D: case 0x2018: case 0x2019:
        case 0x2014: case 0x2026: case 0x00B7: case 0x2015:
            return true;
        default: break;
        }
    }
    return false;
}

static bool is_ideo(uint32_t cp) { return utf8_is_han(cp) || utf8_is_kana(cp); }
static bool is_alnum_latin(uint32_t cp) { return utf8_is_latin(cp) || utf8_is_digit(cp); }

bool text_lang_is_cjk(const char *lang)
{
    return !lang || !strncmp(lang, "zh", 2) || !strncmp(lang, "ja", 2) ||
           !strncmp(lang, "ko", 2);
}

static void set_rgba(PangoAttrList *al, theme_rgba c, guint start, guint end)
{
    PangoAttribute *a = pango_attr_foreground_new((guint16)(((c >> 24) & 0xff) * 257),
                                                  (guint16)(((c >> 16) & 0xff) * 257),
                                                  (guint16)(((c >> 8) & 0xff) * 257));
    a->start_index = start;
    a->end_index = end;
    pango_attr_list_insert(al, a);
}

static void insert(PangoAttrList *al, PangoAttribute *a, size_t start, size_t end)
{
    a->start_index = (guint)start;
    a->end_index = (guint)end;
    pango_attr_list_insert(al, a);
}

/* Splits [start, end) into CJK and non-CJK stretches and calls f on each. */
typedef void (*range_fn)(PangoAttrList *al, const text_style *st, size_t a, size_t b, bool cjk);

static void each_script_run(const char *s, size_t start, size_t end, bool cjk_lang,
                            PangoAttrList *al, const text_style *st, range_fn f)
{
    size_t i = start, run = start;
    int cur = -1;
    while (i < end) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, end - i, &adv);
        /* Spaces join whatever run they are in: a space between two Latin
         * words stays in the Latin face. */
        int c = utf8_is_space(cp) ? cur : (int)text_is_cjk_char(cp, cjk_lang);
        if (cur == -1) cur = c;
        if (c != cur && c != -1) {
            if (cur != -1) f(al, st, run, i, cur);
            run = i;
            cur = c;
        }
        i += adv;
    }
    if (run < end) f(al, st, run, end, cur == 1);
}

static void latin_face(PangoAttrList *al, const text_style *st, size_t a, size_t b, bool cjk)
{
    if (!cjk && st->font.latin) insert(al, pango_attr_family_new(st->font.latin), a, b);
}

/* In Chinese text the dash, ellipsis and middle dot are full-width marks;
 * Noto CJK draws them proportional (and "——" narrower than 2 em) unless
 * asked for full widths (stack.md). */
static void full_width_marks(PangoAttrList *al, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        if (cp == 0x2014 || cp == 0x2026 || cp == 0x00B7 || cp == 0x2015) {
            size_t j = i + adv;
            while (j < len) {
                size_t a2;
                uint32_t c2 = utf8_decode(s + j, len - j, &a2);
                if (c2 != cp) break;
                j += a2;
            }
            insert(al, pango_attr_font_features_new("fwid 1, liga 0, clig 0, ccmp 0"), i, j);
            i = j;
            continue;
        }
        i += adv;
    }
}

/* No mark below lies in U+3100..U+FEFF (kana extensions, the ideographs,
 * Hangul): most characters of a Chinese text leave here, without the
 * encoding and string searches, which run for every character a line
 * ends or starts with. */
static bool outside_marks(uint32_t cp) { return cp >= 0x3100 && cp < 0xFF00; }

/* docs/cjk.md §3 (clreq): marks that never start a line and marks that
 * never end one.  Pango's UAX #14 breaking keeps most of them in place;
 * it allows a break before "——" and "……" after a Han character, which
 * clreq forbids, so folio forbids every such break explicitly. */
static bool no_line_start(uint32_t cp)
{
    if (outside_marks(cp)) return false;
    static const char set[] = "，。、；：？！）」』】》〉〕］｝〗〙〛｠｣”’…‥—–·・％‰℃々〻．,.;:?!)]}%";
    if (cp < 0x80 && !strchr(",.;:?!)]}%", (int)cp)) return false;
    char enc[5] = {0};
    utf8_encode(cp, enc);
    return strstr(set, enc) != NULL;
}

static bool no_line_end(uint32_t cp)
{
    if (outside_marks(cp)) return false;
    static const char set[] = "（「『【《〈〔［｛〖〘〚｟｢“‘([{";
    if (cp < 0x80 && !strchr("([{", (int)cp)) return false;
    char enc[5] = {0};
    utf8_encode(cp, enc);
    return strstr(set, enc) != NULL;
}

/* Half-width marks at the edges of a justified line (docs/cjk.md §4): an
 * opening bracket that starts a line loses the blank half on its left, a
 * closing mark that ends one the blank half on its right, so that the
 * text's edges look straight.  Only full-width glyphs are touched, and in
 * Traditional Chinese (centred punctuation) only brackets. */
static bool blank_right(uint32_t cp, bool centred)
{
    if (outside_marks(cp)) return false;
    static const char brackets[] = "）」』】》〉〕］｝〗〙〛”’";
    static const char stops[] = "，。、；：";
    char enc[5] = {0};
    utf8_encode(cp, enc);
    return strstr(brackets, enc) || (!centred && strstr(stops, enc));
}

static bool blank_left(uint32_t cp)
{
    if (outside_marks(cp)) return false;
    static const char set[] = "（「『【《〈〔［｛〖〘〚“‘";
    char enc[5] = {0};
    utf8_encode(cp, enc);
    return cp >= 0x80 && strstr(set, enc);
}

/* Two full-width marks in a row (。」 ），（「) would leave a whole em of
 * blank between their inks; the blank is halved by setting one of them
 * half-width with the font's `halt` feature (the fonts have no `chws`,
 * stack.md): the first when its blank is on its right (closing marks and,
 * in Simplified Chinese, the stops), else the second when both open. */
static void compress_pairs(PangoAttrList *al, const char *s, size_t len, bool centred)
{
    size_t i = 0, prev_at = 0;
    uint32_t prev = 0;
    while (i < len) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        bool mark = blank_right(cp, centred) || blank_left(cp);
        bool prev_mark = prev && (blank_right(prev, centred) || blank_left(prev));
        if (mark && prev_mark) {
            if (blank_right(prev, centred))
                insert(al, pango_attr_font_features_new("halt 1"), prev_at, i);
            else if (blank_left(prev) && blank_left(cp))
                insert(al, pango_attr_font_features_new("halt 1"), i, i + adv);
        }
        prev = cp;
        prev_at = i;
        i += adv;
    }
}

/* Punctuation styles (clreq §3.1.5, the theme's cjk.punctuation): 全角式
 * keeps every mark full-width (pairs are still compressed); 开明式 sets
 * every mark half-width except those that end a sentence (。？！); 半角式
 * sets them all half-width. */
static void punctuation_style(PangoAttrList *al, const char *s, size_t len, theme_punct style,
                              bool centred)
{
    if (style == THEME_PUNCT_FULL) return;
    size_t i = 0;
    while (i < len) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        bool stop = cp == 0x3002 || cp == 0xFF1F || cp == 0xFF01;
        bool mark = blank_right(cp, centred) || blank_left(cp) || stop;
        if (mark && (style == THEME_PUNCT_HALF || !stop))
            insert(al, pango_attr_font_features_new("halt 1"), i, i + adv);
        i += adv;
    }
}

static void kinsoku(PangoAttrList *al, const char *s, size_t len)
{
    /* prev_at: the last character that is not a space; a no-start mark
     * after spaces ("演讲 ——《面向") stays with it too, spaces and all. */
    size_t i = 0, prev_at = 0;
    bool have_prev = false, after_space = false;
    while (i < len) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        /* ASCII marks only hold to a character right before them: "a . b"
         * may break at its spaces (dot leaders, English). */
        bool adjacent = have_prev && !after_space;
        if (no_line_start(cp) && !utf8_is_space(cp) && (cp >= 0x80 ? have_prev : adjacent))
            insert(al, pango_attr_allow_breaks_new(FALSE), prev_at, i + adv);
        if (no_line_end(cp) && i + adv < len) {
            size_t adv2;
            uint32_t next = utf8_decode(s + i + adv, len - i - adv, &adv2);
            if (!utf8_is_space(next))
                insert(al, pango_attr_allow_breaks_new(FALSE), i, i + adv + adv2);
        }
        if (cp == '\n') {
            have_prev = false;
        } else if (!utf8_is_space(cp)) {
            prev_at = i;
            have_prev = true;
        }
        after_space = utf8_is_space(cp);
        i += adv;
    }
}

static void emphasis(PangoAttrList *al, const text_style *st, size_t a, size_t b, bool cjk)
{
    /* docs/cjk.md §1: Han characters are never slanted: they are made
     * bold, or get dots under them (collect_dots()), as the theme says. */
    if (!cjk) insert(al, pango_attr_style_new(PANGO_STYLE_ITALIC), a, b);
    else if (st->emphasis == EMPH_BOLD)
        insert(al, pango_attr_weight_new((PangoWeight)(st->emphasis_weight ? st->emphasis_weight : 700)),
               a, b);
}

static void mono_face(PangoAttrList *al, const text_style *st, size_t a, size_t b, bool cjk)
{
    insert(al, pango_attr_family_new(cjk ? st->mono_cjk : st->mono), a, b);
}

static PangoAttrList *build_attrs(text_block *tb, const char *s, size_t len,
                                  const doc_span *spans, size_t nspans)
{
    const text_style *st = &tb->st;
    bool cjk_lang = text_lang_is_cjk(st->lang);
    PangoAttrList *al = pango_attr_list_new();

    /* Latin face on narrow runs, first, so span attributes override it. */
    each_script_run(s, 0, len, cjk_lang, al, st, latin_face);
    if (cjk_lang && !st->plain) {
        bool centred = st->lang && !strncmp(st->lang, "zh", 2) && strstr(st->lang, "Hant");
        full_width_marks(al, s, len);
        kinsoku(al, s, len);
        compress_pairs(al, s, len, centred);
        punctuation_style(al, s, len, st->punct, centred);
    }

    for (size_t k = 0; k < nspans; k++) {
        const doc_span *sp = &spans[k];
        size_t a = sp->start, b = sp->end > len ? len : sp->end;
        if (a >= b) continue;
        switch (sp->kind) {
        case SPAN_STRONG:
            insert(al, pango_attr_weight_new(PANGO_WEIGHT_BOLD), a, b);
            break;
        case SPAN_EM:
            each_script_run(s, a, b, cjk_lang, al, st, emphasis);
            break;
        case SPAN_CODE:
            each_script_run(s, a, b, cjk_lang, al, st, mono_face);
            insert(al, pango_attr_size_new((int)(st->size * 0.9)), a, b);
            if (st->code_bg) {
                theme_rgba c = st->code_bg;
                insert(al, pango_attr_background_new((guint16)(((c >> 24) & 0xff) * 257),
                                                     (guint16)(((c >> 16) & 0xff) * 257),
                                                     (guint16)(((c >> 8) & 0xff) * 257)),
                       a, b);
            }
            break;
        case SPAN_LINK:
            set_rgba(al, st->link_color, (guint)a, (guint)b);
            break;
        case SPAN_STRIKE:
            insert(al, pango_attr_strikethrough_new(TRUE), a, b);
            break;
        }
    }

    /* Chinese–Latin spacing (docs/cjk.md §5): letter spacing on the
     * character before each boundary between an ideograph and a Latin
     * letter or digit with nothing between them.  A source space at such a
     * boundary is left as it is: the Latin face's space is 0.26 em, within
     * a hundredth of an em of the ¼ em target. */
    if (st->autospace_em > 0 && !st->plain) {
        int gap = (int)(st->autospace_em * st->size);
        size_t i = 0, prev_at = 0, nspaced = 0;
        uint32_t prev = 0;
        while (i < len) {
            size_t adv;
            uint32_t cp = utf8_decode(s + i, len - i, &adv);
            if (prev && ((is_ideo(prev) && is_alnum_latin(cp)) ||
                         (is_alnum_latin(prev) && is_ideo(cp)))) {
                /* Neighbouring spaced characters ("中D中") get values one
                 * unit apart, so that each stays an item of its own and
                 * fix_letter_spacing() knows where Pango put the gap. */
                insert(al, pango_attr_letter_spacing_new(gap + (int)(nspaced++ & 1)), prev_at, i);
                tb->spaced[prev_at] = 1;
            }
            prev = cp;
            prev_at = i;
            i += adv;
        }
    }
    return al;
}

/* A cluster of glyphs in a line: the glyph that carries its advance and
 * the bytes it stands for. */
typedef struct cluster {
    PangoGlyphString *glyphs;
    int last_glyph;
    size_t start, end;   /* byte range in the text */
} cluster;

static size_t line_clusters(const text_block *tb, PangoLayoutLine *line, cluster **out)
{
    size_t n = 0, cap = 0;
    cluster *cl = NULL;
    for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        PangoGlyphString *gs = run->glyphs;
        int item_off = run->item->offset, item_end = item_off + run->item->length;
        for (int g = 0; g < gs->num_glyphs; g++) {
            int c = gs->log_clusters[g];
            if (g + 1 < gs->num_glyphs && gs->log_clusters[g + 1] == c) continue;
            cluster k;
            k.glyphs = gs;
            k.last_glyph = g;
            k.start = (size_t)(item_off + c);
            k.end = g + 1 < gs->num_glyphs ? (size_t)(item_off + gs->log_clusters[g + 1])
                                           : (size_t)item_end;
            MEM_PUSH(cl, n, cap) = k;
        }
    }
    (void)tb;
    *out = cl;
    return n;
}

/* Letter spacing as Pango applies it to a one-character item: half
 * before the glyph (in x_offset) unless the item starts the line, half
 * after it unless it ends the line.  folio wants the whole gap after the
 * glyph (so that pdftotext does not read "openEule r", stack.md), and none
 * at the end of a line (a line end needs no Chinese–Latin gap). */
static void fix_letter_spacing(text_block *tb, PangoLayoutLine *line)
{
    int ls = (int)(tb->st.autospace_em * tb->st.size);
    for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        PangoGlyphString *gs = run->glyphs;
        for (int g = 0; g < gs->num_glyphs; g++) {
            size_t at = (size_t)(run->item->offset + gs->log_clusters[g]);
            if (at >= tb->len || !tb->spaced[at]) continue;
            bool last = !r->next && g == gs->num_glyphs - 1;
            PangoGlyphGeometry *geo = &gs->glyphs[g].geometry;
            int now = geo->x_offset + (last ? 0 : ls - ls / 2);
            int want = last ? 0 : ls;
            geo->x_offset = 0;
            geo->width += want - now;
        }
    }
}

/* The line's logical width: the sum of its glyphs' advances, which is
 * what pango_layout_line_get_extents() gives as the logical width, without
 * the ink boxes it computes for every glyph alongside (1.8 % of a batch
 * worker's instructions, eighth round). */
static int line_natural_width(PangoLayoutLine *line)
{
    int w = 0;
    for (GSList *r = line->runs; r; r = r->next) {
        const PangoGlyphString *gs = ((PangoGlyphItem *)r->data)->glyphs;
        for (int i = 0; i < gs->num_glyphs; i++) w += gs->glyphs[i].geometry.width;
    }
    return w;
}

static void justify_line(text_block *tb, PangoLayoutLine *line, int avail)
{
    bool cjk_lang = text_lang_is_cjk(tb->st.lang);
    cluster *cl;
    size_t n = line_clusters(tb, line, &cl);
    /* Trailing spaces do not count as content (Pango zeroes the final one). */
    while (n > 0) {
        size_t adv;
        uint32_t cp = utf8_decode(tb->text + cl[n - 1].start, tb->len - cl[n - 1].start, &adv);
        if (!utf8_is_space(cp) && cp != '\n') break;
        n--;
    }
    int slack = avail - line_natural_width(line);
    if (n < 2 || slack <= 0) {
        free(cl);
        return;
    }
    /* Three kinds of gap take the slack, in this order of preference:
     * gaps next to a CJK character (every one a little, docs/cjk.md §6),
     * spaces, and, only when those are used up, the gaps between Latin
     * letters.  Each has a ceiling, so that a line broken before a long
     * unbreakable word is left a little short rather than shown with holes:
     * a CJK gap at most 0.15 em (below the 0.2 em where a reader sees a
     * space), a space at most 0.6 em more, a letter gap at most 0.04 em. */
    size_t *gaps = mem_alloc(n * sizeof *gaps);
    unsigned char *kind = mem_alloc(n);
    size_t ncjk = 0, nspace = 0, nlatin = 0, ngaps = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        size_t adv;
        uint32_t c = utf8_decode_prev(tb->text, cl[k].end, &adv);
        uint32_t d = utf8_decode(tb->text + cl[k + 1].start, tb->len - cl[k + 1].start, &adv);
        int kd;
        /* "——" and "……" are one mark drawn as two glyphs: no gap inside. */
        if (c == d && (c == 0x2014 || c == 0x2026 || c == 0x2015)) continue;
        /* A space between a Han character and a Latin word is the
         * Chinese–Latin gap (§5): it stretches like a CJK gap, not like a
         * word space. */
        bool boundary = false;
        if (utf8_is_space(c) && k > 0 && k + 1 < n) {
            size_t a2;
            uint32_t before = utf8_decode_prev(tb->text, cl[k].start, &a2);
            boundary = (text_is_cjk_char(before, cjk_lang) && !text_is_cjk_char(d, cjk_lang)) ||
                       (!text_is_cjk_char(before, cjk_lang) && text_is_cjk_char(d, cjk_lang));
        }
        if (boundary) kd = 0, ncjk++;
        else if (utf8_is_space(c)) kd = 1, nspace++;
        else if (text_is_cjk_char(c, cjk_lang) || text_is_cjk_char(d, cjk_lang)) kd = 0, ncjk++;
        else if (is_alnum_latin(c) && is_alnum_latin(d)) kd = 2, nlatin++;
        else continue;
        gaps[ngaps] = k;
        kind[ngaps++] = (unsigned char)kd;
    }
    int em = tb->st.size;
    int cap[3] = {em * 15 / 100, em * 60 / 100, em * 4 / 100};
    int per[3] = {0, 0, 0};
    int left = slack;
    /* CJK gaps and spaces share the slack equally up to the CJK ceiling. */
    if (ncjk + nspace > 0) {
        int even = left / (int)(ncjk + nspace);
        per[0] = per[1] = even < cap[0] ? even : cap[0];
        left -= per[0] * (int)(ncjk + nspace);
    }
    if (left > 0 && nspace > 0) {
        int more = left / (int)nspace;
        if (per[1] + more > cap[1]) more = cap[1] - per[1];
        if (more > 0) {
            per[1] += more;
            left -= more * (int)nspace;
        }
    }
    if (left > 0 && nlatin > 0) {
        int more = left / (int)nlatin;
        per[2] = more < cap[2] ? more : cap[2];
        left -= per[2] * (int)nlatin;
    }
    /* What integer division left over goes to the first gaps of the
     * uncapped kinds, a unit each, so that a flush line is exactly flush. */
    int rest = left;
    for (size_t j = 0; j < ngaps; j++) {
        cluster *k = &cl[gaps[j]];
        int add = per[kind[j]];
        if (rest > 0 && add > 0 && add < cap[kind[j]]) {
            add++;
            rest--;
        }
        k->glyphs->glyphs[k->last_glyph].geometry.width += add;
    }
    free(kind);
    free(gaps);
    free(cl);
}

static void collect_links(text_block *tb, const doc_span *spans, size_t nspans)
{
    for (size_t k = 0; k < nspans; k++) {
        if (spans[k].kind != SPAN_LINK || !spans[k].href) continue;
        size_t a = spans[k].start, b = spans[k].end > tb->len ? tb->len : spans[k].end;
        for (int i = 0; i < tb->nlines; i++) {
            PangoLayoutLine *line = pango_layout_get_line_readonly(tb->layout, i);
            size_t ls = (size_t)line->start_index, le = ls + (size_t)line->length;
            size_t s0 = a > ls ? a : ls, s1 = b < le ? b : le;
            if (s0 >= s1) continue;
            size_t adv;
            utf8_decode_prev(tb->text, s1, &adv);
            int x0, x1;
            pango_layout_line_index_to_x(line, (int)s0, FALSE, &x0);
            pango_layout_line_index_to_x(line, (int)(s1 - adv), TRUE, &x1);
            if (x1 <= x0) continue;
            text_link l = {i, x0, x1, spans[k].href};
            MEM_PUSH(tb->links, tb->nlinks, tb->links_cap) = l;
        }
    }
}

/* Break points for long URLs and identifiers (docs/cjk.md §3): UAX #14
 * offers none inside "https://example.org/a/b", so a URL longer than what
 * is left of a line would be cut at an arbitrary letter.  folio inserts a
 * U+200B ZERO WIDTH SPACE after each / . - _ ? & = # of such a token: a
 * break opportunity that draws nothing and that PDF text extraction drops
 * (measured with pdftotext and PyMuPDF).  *map gets, for each source byte
 * offset, its offset in the returned text (len + 1 entries). */
static char *add_break_points(const char *s, size_t len, size_t **map, size_t *outlen)
{
    static const char after[] = "/.-_?&=#";
    buf out = BUF_INIT;
    size_t *m = mem_alloc((len + 1) * sizeof *m);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && (unsigned char)s[j] > 0x20 && (unsigned char)s[j] < 0x7f) j++;
        /* A token worth breaking: long, and URL- or path-like. */
        bool urlish = false;
        if (j - i >= 16) {
            for (size_t k = i; k + 2 < j && !urlish; k++)
                if (s[k] == '/' || (s[k] == ':' && s[k + 1] == '/')) urlish = true;
            if (j - i >= 30) urlish = true;
        }
        for (size_t k = i; k < j; k++) {
            m[k] = out.len;
            buf_addc(&out, s[k]);
            if (urlish && k + 1 < j && strchr(after, s[k]) && !strchr(after, s[k + 1]))
                buf_add(&out, "\xe2\x80\x8b");
        }
        if (j == i) {   /* not an ASCII token character: copy one byte */
            m[i] = out.len;
            buf_addc(&out, s[i]);
            j = i + 1;
        }
        i = j;
    }
    m[len] = out.len;
    *map = m;
    *outlen = out.len;
    return out.s ? buf_detach(&out) : mem_strdup("");
}

/* The CJK face for the post's language: a theme names the Simplified face
 * ("Noto Serif CJK SC"); Traditional Chinese and Japanese posts get the
 * sibling face of the same collection, so that the PDF names the right
 * face and HarfBuzz picks the right glyph forms (docs/cjk.md §2). */
char *text_cjk_family(const char *family, const char *lang)
{
    size_t n = strlen(family);
    const char *region = NULL;
    if (lang && !strncmp(lang, "zh", 2) &&
        (strstr(lang, "Hant") || strstr(lang, "TW") || strstr(lang, "tw")))
        region = strstr(lang, "HK") || strstr(lang, "hk") ? "HK" : "TC";
    else if (lang && !strncmp(lang, "ja", 2))
        region = "JP";
    if (!region || n < 3 || strcmp(family + n - 3, " SC")) return mem_strdup(family);
    char *f = mem_strdup(family);
    memcpy(f + n - 2, region, 2);
    return f;
}

/* How many characters other than punctuation and spaces line i holds: a
 * last line with one is a lone character (孤字, docs/cjk.md §6). */
static int line_letters(const text_block *tb, PangoLayoutLine *line)
{
    int n = 0;
    size_t i = (size_t)line->start_index, e = i + (size_t)line->length;
    while (i < e) {
        size_t adv;
        uint32_t cp = utf8_decode(tb->text + i, e - i, &adv);
        if (!utf8_is_space(cp) && !utf8_is_cjk_punct(cp) && !no_line_start(cp) &&
            !no_line_end(cp) && cp != 0x200B)
            n++;
        i += adv;
    }
    return n;
}

static void trim_line_edges(text_block *tb, PangoLayoutLine *line, bool trim_end)
{
    cluster *cl;
    size_t n = line_clusters(tb, line, &cl);
    int em = tb->st.size, half = em / 2;
    bool centred = tb->st.lang && !strncmp(tb->st.lang, "zh", 2) && strstr(tb->st.lang, "Hant");
    if (n > 0) {
        size_t adv;
        uint32_t cp = utf8_decode(tb->text + cl[0].start, tb->len - cl[0].start, &adv);
        PangoGlyphInfo *g = &cl[0].glyphs->glyphs[cl[0].last_glyph];
        if (blank_left(cp) && g->geometry.width > em * 9 / 10) {
            g->geometry.width -= half;
            g->geometry.x_offset -= half;
        }
    }
    while (trim_end && n > 0) {
        size_t adv;
        uint32_t cp = utf8_decode(tb->text + cl[n - 1].start, tb->len - cl[n - 1].start, &adv);
        if (utf8_is_space(cp) || cp == 0x200B) {
            n--;
            continue;
        }
        PangoGlyphInfo *g = &cl[n - 1].glyphs->glyphs[cl[n - 1].last_glyph];
        if (blank_right(cp, centred) && g->geometry.width > em * 9 / 10) g->geometry.width -= half;
        break;
    }
    free(cl);
}

/* Emphasis dots: one under each ideograph of an emphasis span, centred on
 * its advance (after justification, so they follow the glyphs). */
static void collect_dots(text_block *tb, const doc_span *spans, size_t nspans)
{
    for (size_t k = 0; k < nspans; k++) {
        if (spans[k].kind != SPAN_EM) continue;
        size_t i = spans[k].start, e = spans[k].end > tb->len ? tb->len : spans[k].end;
        while (i < e) {
            size_t adv;
            uint32_t cp = utf8_decode(tb->text + i, e - i, &adv);
            if (is_ideo(cp)) {
                int line, x0, x1;
                pango_layout_index_to_line_x(tb->layout, (int)i, FALSE, &line, &x0);
                pango_layout_index_to_line_x(tb->layout, (int)i, TRUE, &line, &x1);
                text_dot d = {line, (x0 + x1) / 2};
                MEM_PUSH(tb->dots, tb->ndots, tb->dots_cap) = d;
            }
            i += adv;
        }
    }
}

/* Whether the block, laid out unwrapped, is one line that fits width with
 * an em to spare; the layout is then kept as it is.  Pango 1.50 shapes a
 * run that fits a wrapped line twice (process_item shapes it, finds that
 * it fits, and shapes it again to insert it), but an unwrapped one once:
 * the headings, captions, names, numbers and leaders that make up most
 * blocks are one line.  The em covers what Pango's wrapping adds at a
 * break (a hyphen, at most), so a line that fits here is the line wrapping
 * would have made.  Text with a hard line break, and text that would not
 * fit at an em a wide character and half of one any other, go straight
 * to wrapping (a looser guess shaped English paragraphs an extra time:
 * 0.4 G more instructions over the corpus than it saved). */
static bool fits_unwrapped(const text_block *tb, PangoLayout *layout, int width)
{
    const text_style *st = &tb->st;
    if (width <= 0) return false;
    /* A first guess, so that paragraphs are not shaped once more only to
     * find they wrap: wide characters an em, others half of one. */
    long wide = 0, narrow = 0;
    for (size_t i = 0; i < tb->len;) {
        size_t adv;
        uint32_t cp = utf8_decode(tb->text + i, tb->len - i, &adv);
        if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) return false;
        if (utf8_is_wide(cp)) wide++;
        else narrow++;
        i += adv;
    }
    int lead = st->indent > 0 ? st->indent : 0;
    if (wide * st->size + narrow * (st->size / 2) + lead + st->size > width) return false;
    if (pango_layout_get_line_count(layout) != 1) return false;
    return line_natural_width(pango_layout_get_line_readonly(layout, 0)) + lead + st->size <= width;
}

text_block *text_block_new(PangoContext *ctx, const char *src, size_t srclen,
                           const doc_span *srcspans, size_t nspans,
                           const text_style *st, int width)
{
    text_block *tb = mem_calloc(1, sizeof *tb);
    tb->st = *st;
    tb->width = width;

    size_t *map, len;
    char *s;
    if (st->plain) {
        /* Plain Pango (cjk.rules: off): no break points, identity map. */
        map = mem_alloc((srclen + 1) * sizeof *map);
        for (size_t k = 0; k <= srclen; k++) map[k] = k;
        s = mem_strndup(src, srclen);
        len = srclen;
    } else {
        s = add_break_points(src, srclen, &map, &len);
    }
    doc_span *spans = mem_alloc((nspans + 1) * sizeof *spans);
    for (size_t k = 0; k < nspans; k++) {
        spans[k] = srcspans[k];
        spans[k].start = (uint32_t)map[srcspans[k].start > srclen ? srclen : srcspans[k].start];
        spans[k].end = (uint32_t)map[srcspans[k].end > srclen ? srclen : srcspans[k].end];
    }
    free(map);
    tb->spaced = mem_calloc(len + 1, 1);

    PangoLayout *layout = pango_layout_new(ctx);
    tb->layout = layout;
    PangoFontDescription *fd = pango_font_description_new();
    char *family = text_cjk_family(st->font.cjk, st->lang);
    pango_font_description_set_family(fd, family);
    free(family);
    pango_font_description_set_absolute_size(fd, st->size);
    pango_font_description_set_weight(fd, (PangoWeight)st->weight);
    if (st->italic) pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);

    pango_layout_set_text(layout, s, (int)len);
    free(s);
    tb->text = pango_layout_get_text(layout);
    s = (char *)tb->text;
    tb->len = len;
    PangoAttrList *al = build_attrs(tb, s, len, spans, nspans);
    /* The block's colour goes first so that span colours (links) win. */
    PangoAttrList *base = pango_attr_list_new();
    PangoAttribute *fg = pango_attr_foreground_new((guint16)(((st->color >> 24) & 0xff) * 257),
                                                   (guint16)(((st->color >> 16) & 0xff) * 257),
                                                   (guint16)(((st->color >> 8) & 0xff) * 257));
    pango_attr_list_insert(base, fg);
    pango_attr_list_splice(base, al, 0, 0);
    pango_attr_list_unref(al);
    pango_layout_set_attributes(layout, base);
    pango_attr_list_unref(base);

    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_indent(layout, st->indent);
    if (st->tab > 0) {
        PangoTabArray *tabs = pango_tab_array_new_with_positions(1, FALSE, PANGO_TAB_LEFT, st->tab);
        pango_layout_set_tabs(layout, tabs);
        pango_tab_array_free(tabs);
    }
    pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
    /* cjk.rules: off shows what Pango does alone: its own justification. */
    if (st->plain && st->align == TEXT_JUSTIFY) pango_layout_set_justify(layout, TRUE);

    /* A lone character on the last line (孤字): break the paragraph again
     * a little narrower, so one more character comes down; justification
     * then spreads the lines back to the full width.  Three tries of one
     * em each; a paragraph that still ends alone keeps the first result. */
    int lay_w = width;
    if (!fits_unwrapped(tb, layout, width)) pango_layout_set_width(layout, lay_w);
    if (st->align == TEXT_JUSTIFY && text_lang_is_cjk(st->lang) && !st->plain) {
        for (int attempt = 0; attempt < 3; attempt++) {
            int n = pango_layout_get_line_count(layout);
            if (n < 2) break;
            PangoLayoutLine *last = pango_layout_get_line_readonly(layout, n - 1);
            if (line_letters(tb, last) != 1) break;
            lay_w -= st->size;
            pango_layout_set_width(layout, lay_w);
            int n2 = pango_layout_get_line_count(layout);
            PangoLayoutLine *last2 = pango_layout_get_line_readonly(layout, n2 - 1);
            if (n2 == n && line_letters(tb, last2) > 1) break;
            if (attempt == 2) {
                lay_w = width;
                pango_layout_set_width(layout, lay_w);
            }
        }
    }

    tb->nlines = pango_layout_get_line_count(layout);
    tb->line_x = mem_calloc((size_t)tb->nlines + 1, sizeof(int));
    tb->line_w = mem_calloc((size_t)tb->nlines + 1, sizeof(int));
    for (int i = 0; i < tb->nlines; i++) {
        PangoLayoutLine *line = pango_layout_get_line(layout, i);
        fix_letter_spacing(tb, line);
        /* A negative indent hangs: the first line is full width and the
         * others are indented (list items with their marker). */
        int indent = st->indent >= 0 ? (i == 0 ? st->indent : 0) : (i == 0 ? 0 : -st->indent);
        size_t end = (size_t)line->start_index + (size_t)line->length;
        bool hard_break = end < len && s[end] == '\n';
        bool last = i == tb->nlines - 1 || hard_break;
        if (st->align == TEXT_JUSTIFY && text_lang_is_cjk(st->lang) && !st->plain)
            trim_line_edges(tb, line, !last);
        if (st->align == TEXT_JUSTIFY && !last && !st->plain) justify_line(tb, line, width - indent);
        int w = line_natural_width(line);
        tb->line_w[i] = w;
        switch (st->align) {
        case TEXT_CENTER: tb->line_x[i] = (width - w) / 2; break;
        case TEXT_RIGHT: tb->line_x[i] = width - w; break;
        default: tb->line_x[i] = indent; break;
        }
    }
    collect_links(tb, spans, nspans);
    if (st->emphasis == EMPH_DOTS) collect_dots(tb, spans, nspans);
    free(spans);
    return tb;
}

void text_block_free(text_block *tb)
{
    if (!tb) return;
    g_object_unref(tb->layout);
    free(tb->line_x);
    free(tb->line_w);
    free(tb->links);
    free(tb->dots);
    free(tb->spaced);
    free(tb);
}

const text_dot *text_block_dots(const text_block *tb, size_t *n)
{
    *n = tb->ndots;
    return tb->dots;
}

/* A dot of 0.16 em reads as a dot, not a stain, at body sizes; its centre
 * 0.3 em below the baseline clears the descent of CJK glyphs (0.12 em) and
 * stays inside the line pitch (at least 1.3 em). */
int text_block_dot_size(const text_block *tb) { return tb->st.size * 16 / 100; }
int text_block_dot_drop(const text_block *tb) { return tb->st.size * 30 / 100; }
theme_rgba text_block_color(const text_block *tb) { return tb->st.color; }

int text_block_nlines(const text_block *tb) { return tb->nlines; }

int text_block_height(const text_block *tb, int n) { return n * tb->st.line_pitch; }

PangoLayout *text_block_layout(const text_block *tb) { return tb->layout; }

void text_block_line(const text_block *tb, int i, int *x, int *width, int *baseline)
{
    if (x) *x = tb->line_x[i];
    if (width) *width = tb->line_w[i];
    /* The CJK em box (0.88 em above the baseline, 0.12 below) centred in
     * the grid cell, so Chinese lines look evenly spaced. */
    if (baseline) *baseline = (tb->st.line_pitch - tb->st.size) / 2 + (int)(0.88 * tb->st.size);
}

char *text_block_line_text(const text_block *tb, int i)
{
    PangoLayoutLine *line = pango_layout_get_line_readonly(tb->layout, i);
    buf b = BUF_INIT;
    const char *p = tb->text + line->start_index, *e = p + line->length;
    while (p < e) {
        const char *z = memmem(p, (size_t)(e - p), "\xe2\x80\x8b", 3);
        if (!z) z = e;
        buf_addn(&b, p, (size_t)(z - p));
        p = z < e ? z + 3 : e;
    }
    return buf_detach(&b);
}

const text_link *text_block_links(const text_block *tb, size_t *n)
{
    *n = tb->nlinks;
    return tb->links;
}

char *text_block_missing_chars(const text_block *tb)
{
    if (pango_layout_get_unknown_glyphs_count(tb->layout) == 0) return NULL;
    buf out = BUF_INIT;
    PangoLayoutIter *it = pango_layout_get_iter(tb->layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run) continue;
        for (int g = 0; g < run->glyphs->num_glyphs; g++) {
            PangoGlyph gl = run->glyphs->glyphs[g].glyph;
            if (!(gl & PANGO_GLYPH_UNKNOWN_FLAG)) continue;
            uint32_t cp = gl & ~PANGO_GLYPH_UNKNOWN_FLAG;
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
            char enc[5] = {0};
            utf8_encode(cp, enc);
            if (!out.s || !strstr(out.s, enc)) buf_add(&out, enc);
        }
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    return out.len ? buf_detach(&out) : (buf_free(&out), NULL);
}

int text_block_max_width(const text_block *tb)
{
    int m = 0;
    for (int i = 0; i < tb->nlines; i++)
        if (tb->line_w[i] + tb->line_x[i] > m) m = tb->line_w[i] + tb->line_x[i];
    return m;
}
