/* text: one paragraph of styled text, shaped and broken into lines.
 *
 * A text_block is a PangoLayout built from doc_text (UTF-8 plus spans)
 * with folio's Chinese rules applied (docs/cjk.md):
 *   - every run tagged with the post's language, so Chinese gets SC/TC glyph
 *     forms rather than Japanese ones (§2);
 *   - the CJK face as the base family and the paired Latin face applied by
 *     attribute to runs of Latin letters, digits and ASCII punctuation, so
 *     “ ” — … keep their full-width Chinese forms (§2, stack.md);
 *   - ¼ em between Han and Latin letters or digits (§5) as letter spacing
 *     on the character before the boundary, so the line breaker sees it;
 *   - emphasis in CJK runs made bold, never slanted (§1);
 *   - Pango's UAX #14 breaking (which keeps §3's marks off line starts and
 *     ends), then folio's own justification: slack spread over every gap
 *     next to a CJK character and every space, never inside a Latin word,
 *     last line not stretched (§6).
 * Lines sit on a fixed baseline grid (line_pitch), so text on facing pages
 * lines up and heights are exact multiples.
 */
#ifndef FOLIO_TEXT_H
#define FOLIO_TEXT_H

#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "style/theme.h"

typedef enum { TEXT_JUSTIFY, TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT } text_align;

typedef struct text_style {
    theme_font font;          /* CJK base family and paired Latin face */
    const char *mono, *mono_cjk;
    int size;                 /* Pango units */
    int weight;               /* 400 regular, 700 bold */
    bool italic;              /* Latin runs only; CJK is never slanted */
    theme_rgba color, link_color, code_bg;
    int line_pitch;           /* baseline to baseline, Pango units */
    int indent;               /* first-line indent, Pango units; negative hangs */
    int tab;                  /* a tab stop (list markers), 0 = none */
    text_align align;
    const char *lang;         /* post language tag */
    double autospace_em;      /* Han–Latin gap in em, 0 = off */
    theme_cjk_emphasis emphasis;
    int emphasis_weight;      /* EMPH_BOLD: weight of emphasised CJK text (0 = 700) */
    theme_punct punct;        /* full-width, 开明式 or half-width marks */
    bool plain;               /* cjk.rules: off — Pango alone, for comparison */
} text_style;

/* An emphasis dot (着重号) under a character of line `line`, centred at x
 * (Pango units from the line's origin).  Dots are drawn by whoever places
 * the line, size text_block_dot_size() square, its centre dot_drop below
 * the baseline. */
typedef struct text_dot {
    int line;
    int x;
} text_dot;

typedef struct text_link {
    int line;                 /* line index */
    int x0, x1;               /* Pango units from the block's left edge */
    const char *href;         /* borrowed from the doc_span */
} text_link;

typedef struct text_block text_block;

/* Whether cp is set in the CJK face (and spaced and justified as CJK):
 * wide characters and CJK punctuation, and in a CJK-language post the
 * quotes, dashes, ellipsis and middle dot as well.  Everything else is set
 * in the Latin face of the pair. */
bool text_is_cjk_char(uint32_t cp, bool cjk_lang);
/* Whether lang (a BCP 47 tag, NULL = Chinese) is Chinese, Japanese or
 * Korean. */
bool text_lang_is_cjk(const char *lang);
/* The CJK family text of lang is set in: the theme's Simplified face, or
 * its Traditional or Japanese sibling.  New string. */
char *text_cjk_family(const char *family, const char *lang);

/* Shapes and breaks s[0..len) with spans at width (Pango units).
 * Returns a new block owned by the caller; free with text_block_free(). */
text_block *text_block_new(PangoContext *ctx, const char *s, size_t len,
                           const doc_span *spans, size_t nspans,
                           const text_style *st, int width);
void text_block_free(text_block *tb);

int text_block_nlines(const text_block *tb);
/* Height of lines [0, n): n * line_pitch. */
int text_block_height(const text_block *tb, int n);
/* The layout (borrowed; ref it to keep it beyond text_block_free()). */
PangoLayout *text_block_layout(const text_block *tb);
/* Line i: x offset from the block's left edge (alignment, indent), its
 * width, and its baseline measured from the top of line i's grid cell. */
void text_block_line(const text_block *tb, int i, int *x, int *width, int *baseline);
/* The line's text, a new string owned by the caller (free()). */
char *text_block_line_text(const text_block *tb, int i);
/* Link rectangles, per line; borrowed. */
const text_link *text_block_links(const text_block *tb, size_t *n);
/* Characters no installed font can draw, as a new UTF-8 string of
 * distinct characters (NULL when none), owned by the caller. */
char *text_block_missing_chars(const text_block *tb);
/* Emphasis dots, borrowed; their size and how far below the baseline
 * their centre sits (Pango units). */
const text_dot *text_block_dots(const text_block *tb, size_t *n);
int text_block_dot_size(const text_block *tb);
int text_block_dot_drop(const text_block *tb);
/* The block's text colour (dots are drawn in it). */
theme_rgba text_block_color(const text_block *tb);

/* Widest line's natural width (for shrink-to-fit decisions). */
int text_block_max_width(const text_block *tb);

#endif
