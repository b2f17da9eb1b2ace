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

typedef enum { PAPER_A4, PAPER_A5, PAPER_LETTER } theme_paper;
typedef enum { EMPH_BOLD, EMPH_DOTS } theme_cjk_emphasis;

typedef struct theme_font {
    const char *cjk;     /* base family, e.g. "Noto Serif CJK SC" */
    const char *latin;   /* paired Latin face, e.g. "Noto Serif" */
} theme_font;

typedef struct theme {
    const char *name;
    const char *description;

    /* page (handout) */
    theme_paper paper;
    int margin_top, margin_bottom, margin_inner, margin_outer;

    /* fonts */
    theme_font body, heading;
    const char *mono;          /* "Noto Sans Mono" */
    const char *mono_cjk;      /* "Noto Sans Mono CJK SC" */
    int size_body, size_small, size_code;
    int size_title, size_h1, size_h2, size_h3;
    double line_height;        /* body line pitch as a multiple of size_body */
    double heading_line_height;
    int heading_weight;        /* Pango weight, 700 bold */
    theme_cjk_emphasis cjk_emphasis;

    /* colours */
    theme_rgba text, muted, accent, link, rule, code_bg, quote_bar,
        placeholder_bg, page_bg;

    /* paragraphs */
    bool indent_first_line;    /* 2 em first-line indent (book style) */
    int para_space;            /* extra space between paragraphs */

    /* Chinese typesetting */
    double autospace_em;       /* Han–Latin gap, in em; 0 turns it off */

    /* handout */
    double photo_max_height;   /* talk photos: fraction of the text area height */
    double photo_dpi;          /* photos are never drawn larger than this allows */
    const char *footer;        /* running footer text; NULL = the post title */

    /* slides (sizes for a 960x540 pt slide; 4:3 slides are 720x540) */
    theme_rgba slide_bg, slide_text, slide_title, slide_muted, slide_accent;
    int slide_margin;
    int slide_size_title, slide_size_body, slide_min_body, slide_size_small;
    bool slide_photo_right;    /* talk photo frame on the right (else left) */
    double slide_photo_width;  /* frame width as a fraction of the slide */
    double slide_overlay;      /* title slide: black overlay alpha over the photo */
} theme;

/* The built-in default theme. Borrowed, static. */
const theme *theme_default(void);

/* Page size in Pango units for a paper. */
void theme_paper_size(theme_paper p, int *w, int *h);
/* "a4", "a5", "letter" → paper; false when unknown. */
bool theme_paper_parse(const char *s, theme_paper *out);

#endif
