/* theme: every visual choice folio makes, as data.
 *
 * Layout reads a const theme and never hard-codes a size, colour or font
 * family.  theme_default() gives the built-in default; the YAML theme
 * loader (YAML files in themes/, issue #4) fills the same struct.  Geometry is in
 * Pango units (1/1024 pt, PANGO_SCALE), like everything after the style
 * stage; only the theme loader parses mm, pt and em.
 */
#ifndef FOLIO_THEME_H
#define FOLIO_THEME_H

#include <stdbool.h>
#include <stdint.h>

/* 1 pt in Pango units. */
#define THEME_PT 1024
#define THEME_MM(x) ((int)((x) * 72.0 / 25.4 * 1024.0 + 0.5))

typedef uint32_t theme_rgba;  /* 0xRRGGBBAA */

/* Half-letter (5.5 x 8.5 in, "statement") is the US booklet page: a Letter
 * sheet folded once. */
typedef enum { PAPER_A4, PAPER_A5, PAPER_LETTER, PAPER_HALF_LETTER } theme_paper;
typedef enum { EMPH_BOLD, EMPH_DOTS } theme_cjk_emphasis;
/* Handout cover: photo above the title, title alone, or the title on a
 * band of the accent colour across the top of the page. */
typedef enum { THEME_COVER_PHOTO, THEME_COVER_PLAIN, THEME_COVER_BAND } theme_cover;
/* Where a talk's photo goes in a handout: across the column above the
 * text, or in a narrower column beside the heading and first paragraphs. */
typedef enum { THEME_PHOTO_TOP, THEME_PHOTO_LEFT, THEME_PHOTO_RIGHT } theme_photo;
/* Slide titles: an accent rule under them, nothing, or an accent band
 * behind them. */
typedef enum { THEME_TITLE_RULE, THEME_TITLE_PLAIN, THEME_TITLE_BAND } theme_title_style;
/* Chinese punctuation style (clreq §3.1.5): full-width everywhere (全角式,
 * adjacent marks still compressed), 开明式 (the sentence-ending 。？！
 * full-width, every other mark half-width), or half-width marks everywhere
 * (半角式).  Applied by layout/text.c with the fonts' `halt` feature. */
typedef enum { THEME_PUNCT_FULL, THEME_PUNCT_KAIMING, THEME_PUNCT_HALF } theme_punct;

typedef struct theme_font {
    const char *cjk;     /* base family, e.g. "Noto Serif CJK SC" */
    const char *latin;   /* paired Latin face, e.g. "Noto Serif" */
} theme_font;

typedef struct theme {
    const char *name;
    const char *description;
    const char *file;          /* the YAML file it was loaded from; NULL built-in */

    /* page (handout).  Inner and outer margins mirror on facing pages:
     * the inner one is at the left of odd (recto) pages, where a booklet
     * is bound. */
    theme_paper paper;
    int margin_top, margin_bottom, margin_inner, margin_outer;
    int body_width;            /* text column width cap, centred in the frame; 0 = none */
    bool grid;                 /* column width a whole number of body em (docs/cjk.md §6) */
    int columns;               /* handout body text columns, 1 to 3 */

    /* fonts */
    theme_font body, heading;
    const char *mono;          /* "Noto Sans Mono" */
    const char *mono_cjk;      /* "Noto Sans Mono CJK SC" */
    int size_body, size_small, size_code;
    int size_title, size_h1, size_h2, size_h3;
    double line_height;        /* body line pitch as a multiple of size_body */
    double line_height_latin;  /* the same for posts in a Latin-script language */
    double heading_line_height;
    int heading_weight;        /* Pango weight, 700 bold */
    theme_cjk_emphasis cjk_emphasis;
    int cjk_emphasis_weight;   /* weight of emphasised Han text with EMPH_BOLD */

    /* colours */
    theme_rgba text, muted, accent, link, rule, code_bg, quote_bar,
        placeholder_bg, page_bg;
    theme_rgba heading_color;  /* handout headings and the cover title */

    /* paragraphs */
    bool indent_first_line;    /* 2 em first-line indent (book style) */
    int para_space;            /* extra space between paragraphs */

    /* Chinese typesetting */
    double autospace_em;       /* Han–Latin gap, in em; 0 turns it off */
    theme_punct cjk_punct;     /* punctuation style, see theme_punct */
    bool cjk_rules;            /* folio's CJK rules on; off = plain Pango, for comparison */

    /* handout */
    double photo_max_height;   /* talk photos: fraction of the text area height */
    double photo_dpi;          /* photos are never drawn larger than this allows */
    const char *footer;        /* running footer text ({title}, {author}, {date}
                                  are replaced); NULL = the post title, "" = none */
    theme_cover cover;
    theme_photo photo;         /* talk photos: top, or beside the heading */
    double photo_width;        /* left/right: photo column, fraction of the text width */
    const char *logo;          /* absolute path of a logo image, NULL = none */

    /* slides (sizes for a 960x540 pt slide; 4:3 slides are 720x540) */
    theme_rgba slide_bg, slide_text, slide_title, slide_muted, slide_accent;
    theme_rgba slide_link, slide_code_bg, slide_rule, slide_quote_bar;
    const char *slide_bg_image; /* absolute path, drawn full-bleed on content slides */
    theme_title_style slide_title_style;
    int slide_margin;
    int slide_size_title, slide_size_body, slide_min_body, slide_size_small;
    bool slide_photo_right;    /* talk photo frame on the right (else left) */
    double slide_photo_width;  /* frame width as a fraction of the slide */
    double slide_overlay;      /* title slide: black overlay alpha over the photo */
} theme;

/* The built-in default theme. Borrowed, static. */
const theme *theme_default(void);

/* The body line pitch (a multiple of size_body) for a post in language
 * lang ("zh-Hans", "ja", "en", ...; NULL counts as CJK): line_height for
 * Chinese, Japanese and Korean, line_height_latin for the rest. */
double theme_line_height(const theme *th, const char *lang);

/* Page size in Pango units for a paper. */
void theme_paper_size(theme_paper p, int *w, int *h);
/* "a4", "a5", "letter" → paper; false when unknown. */
bool theme_paper_parse(const char *s, theme_paper *out);

#endif
