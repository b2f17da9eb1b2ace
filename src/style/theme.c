/* theme: the built-in default.  Each number says why it is what it is. */
#include "style/theme.h"

#include <string.h>

static const theme default_theme = {
    .name = "default",
    .description = "Serif body, sans headings, blue accent; A4 handouts",
    .paper = PAPER_A4,
    /* 20 mm at the sides keeps a 10.5 pt line near 40 Chinese characters
     * (docs/cjk.md §6: 30-40 per line); a taller bottom margin leaves room
     * for the running footer. */
    .margin_top = THEME_MM(22),
    .margin_bottom = THEME_MM(24),
    .margin_inner = THEME_MM(22),
    .margin_outer = THEME_MM(22),
    .body_width = 0,
    /* A column of whole em lets plain Chinese lines fill it exactly, with
     * no justification at all (docs/cjk.md §6). */
    .grid = true,
    .columns = 1,
    .cjk_rules = true,
    .body = {"Noto Serif CJK SC", "Noto Serif"},
    .heading = {"Noto Sans CJK SC", "Noto Sans"},
    .mono = "Noto Sans Mono",
    .mono_cjk = "Noto Sans Mono CJK SC",
    .size_body = (int)(10.5 * THEME_PT),   /* 五号, the usual Chinese body size */
    .size_small = 8 * THEME_PT,
    .size_code = 9 * THEME_PT,
    .size_title = 24 * THEME_PT,
    .size_h1 = 16 * THEME_PT,
    .size_h2 = 14 * THEME_PT,
    .size_h3 = 12 * THEME_PT,
    .line_height = 1.75,                  /* docs/cjk.md §6: 1.6-1.8 */
    /* Latin text has ascenders and descenders and word spaces to guide the
     * eye; at 1.75 its lines drift apart.  1.5 is the usual book setting. */
    .line_height_latin = 1.5,
    .heading_line_height = 1.4,
    .heading_weight = 700,
    .cjk_emphasis = EMPH_BOLD,
    .cjk_emphasis_weight = 700,           /* what text.c draws today */
    .text = 0x1a1a1aff,
    .muted = 0x666666ff,
    .accent = 0x1f5fa8ff,
    .link = 0x1f5fa8ff,
    .rule = 0xc8c8c8ff,
    .code_bg = 0xf2f2f2ff,
    .quote_bar = 0x9bb7d9ff,
    .placeholder_bg = 0xeeeeeeff,
    .page_bg = 0xffffffff,
    .heading_color = 0x1a1a1aff,          /* the text colour: black headings */
    .indent_first_line = true,
    .para_space = 4 * THEME_PT,
    .autospace_em = 0.25,                 /* docs/cjk.md §5 */
    .cjk_punct = THEME_PUNCT_FULL,        /* mainland books and the web */
    .photo_max_height = 0.30,             /* two talks with their photos share a page */
    .photo_dpi = 150,                     /* docs/cjk.md §7 */
    .footer = NULL,
    .cover = THEME_COVER_PHOTO,
    .photo = THEME_PHOTO_TOP,
    /* Beside the text a photo takes 38% of the column: at 40 characters a
     * line that leaves about 24 for the paragraphs, still a readable measure. */
    .photo_width = 0.38,
    .logo = NULL,
    .slide_bg = 0xffffffff,
    .slide_text = 0x1a1a1aff,
    .slide_title = 0x12325aff,
    .slide_muted = 0x5a5a5aff,
    .slide_accent = 0x1f5fa8ff,
    .slide_link = 0x1f5fa8ff,
    .slide_code_bg = 0xf2f2f2ff,
    .slide_rule = 0xc8c8c8ff,
    .slide_quote_bar = 0x9bb7d9ff,
    .slide_bg_image = NULL,
    .slide_title_style = THEME_TITLE_RULE,
    .slide_margin = 40 * THEME_PT,
    /* 24 pt body reads from the back of a room on a 960 pt wide slide;
     * 18 pt is the floor the issue sets before text moves to a
     * continuation slide. */
    .slide_size_title = 34 * THEME_PT,
    .slide_size_body = 24 * THEME_PT,
    .slide_min_body = 18 * THEME_PT,
    .slide_size_small = 12 * THEME_PT,
    .slide_photo_right = false,
    .slide_photo_width = 0.36,
    /* The title slide's text sits on a black band of alpha
     * overlay + 0.4 (1 - overlay) = 0.77 (the rest of the photo gets half
     * the overlay): over the brightest possible pixel that leaves sRGB 0.23,
     * relative luminance 0.043, so white text has a contrast ratio of
     * 1.05 / 0.093 = 11, far above WCAG's 4.5, whatever the photo.  Even the
     * overlay alone (sRGB 0.38, luminance 0.12) gives 6.2. */
    .slide_overlay = 0.62,
};

const theme *theme_default(void) { return &default_theme; }

double theme_line_height(const theme *th, const char *lang)
{
    bool cjk = !lang || !strncmp(lang, "zh", 2) || !strncmp(lang, "ja", 2) ||
               !strncmp(lang, "ko", 2);
    return cjk || th->line_height_latin <= 0 ? th->line_height : th->line_height_latin;
}

void theme_paper_size(theme_paper p, int *w, int *h)
{
    switch (p) {
    case PAPER_A5: *w = THEME_MM(148); *h = THEME_MM(210); break;
    case PAPER_LETTER: *w = 612 * THEME_PT; *h = 792 * THEME_PT; break;
    case PAPER_HALF_LETTER: *w = 396 * THEME_PT; *h = 612 * THEME_PT; break;
    case PAPER_A4:
    default: *w = THEME_MM(210); *h = THEME_MM(297); break;
    }
}

bool theme_paper_parse(const char *s, theme_paper *out)
{
    if (!strcmp(s, "a4") || !strcmp(s, "A4")) *out = PAPER_A4;
    else if (!strcmp(s, "a5") || !strcmp(s, "A5")) *out = PAPER_A5;
    else if (!strcmp(s, "letter") || !strcmp(s, "Letter")) *out = PAPER_LETTER;
    else if (!strcmp(s, "half-letter") || !strcmp(s, "Half-Letter")) *out = PAPER_HALF_LETTER;
    else return false;
    return true;
}
