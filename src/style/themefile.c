/* themefile: YAML theme files → theme structs (see themefile.h).
 *
 * Three steps.  Parsing reads one file with libyaml's document loader into
 * a list of assignments: every key is looked up in the key table below
 * (section, key, type, field), its scalar is checked for its type, unit or
 * colour, and kept as a typed value with its position; nothing is applied
 * yet.  Chaining follows `extends:` from file to file (iteratively; a file
 * met twice is a cycle).  Resolving starts from theme_default() and applies
 * the chain's assignments root first, so a theme overrides only what it
 * names.  Lengths in em are resolved last, against the final body size
 * (fonts.size, or slides.body-size inside the slides section), which is why
 * application is two passes: the base sizes first, then the rest.
 *
 * Three colours follow another one unless a file in the chain sets them:
 * colors.link follows colors.accent, slides.accent follows colors.accent,
 * slides.link follows colors.link.  So a user theme that changes only the
 * accent changes links and slide accents too.
 *
 * The YAML tree is walked to a fixed depth (root → section → value); a
 * deeper value is a type error, never recursed into.  Positions: libyaml
 * marks are 0-based, diagnostics 1-based (columns count characters, as
 * libyaml does).
 */
#include "style/themefile.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "input/media.h"

/* Theme files are a few kilobytes; a megabyte is a mistake, not a theme. */
#define THEMEFILE_MAX_BYTES (1 << 20)
/* A logo or background header is probed from its first bytes. */
#define IMAGE_PROBE_BYTES (64 << 20)

typedef enum {
    T_STR,       /* any string; null → NULL */
    T_FONT,      /* a font family name */
    T_BASE,      /* a base size: pt or mm */
    T_LEN,       /* pt, mm or em */
    T_SIZE,      /* pt, mm, em or % of the base size */
    T_FRAC,      /* 0..1 or 0%..100% */
    T_RATIO,     /* a multiple: 1.75 or 175% */
    T_INT,       /* an integer within [lo, hi] */
    T_COLOR,     /* #rrggbb or #rrggbbaa */
    T_ENUM,      /* one of names[] */
    T_PATH,      /* an image file relative to the theme file */
    T_EM,        /* an amount in em (0 = off) */
} vtype;

typedef enum { F_INT, F_DOUBLE, F_BOOL, F_RGBA, F_STR, F_ENUM } ftype;

typedef struct keydef {
    const char *section;   /* "" for top-level keys */
    const char *key;
    vtype type;
    ftype field_type;
    size_t offset;
    const char *const *names;  /* T_ENUM: names, values are their indices */
    int lo, hi;                /* T_INT range */
    bool slides_em;            /* em relative to slides.body-size */
} keydef;

static const char *const paper_names[] = {"a4", "a5", "letter", "half-letter", NULL};
static const char *const emph_names[] = {"bold", "dots", NULL};
static const char *const para_names[] = {"spaced", "indent", NULL};  /* bool indent */
static const char *const cover_names[] = {"photo", "plain", "band", NULL};
static const char *const photo_names[] = {"top", "left", "right", NULL};
static const char *const side_names[] = {"left", "right", NULL};     /* bool right */
static const char *const title_names[] = {"rule", "plain", "band", NULL};
static const char *const punct_names[] = {"full", "kaiming", "half", NULL};
static const char *const grid_names[] = {"none", "em", NULL};       /* bool grid */
static const char *const onoff_names[] = {"off", "on", NULL};

#define O(f) offsetof(theme, f)
static const keydef keys[] = {
    {"", "name", T_STR, F_STR, O(name), NULL, 0, 0, false},
    {"", "description", T_STR, F_STR, O(description), NULL, 0, 0, false},
    {"", "extends", T_STR, F_STR, 0, NULL, 0, 0, false},
    {"", "logo", T_PATH, F_STR, O(logo), NULL, 0, 0, false},
    {"page", "paper", T_ENUM, F_ENUM, O(paper), paper_names, 0, 0, false},
    {"page", "margin-top", T_LEN, F_INT, O(margin_top), NULL, 0, 0, false},
    {"page", "margin-bottom", T_LEN, F_INT, O(margin_bottom), NULL, 0, 0, false},
    {"page", "margin-inner", T_LEN, F_INT, O(margin_inner), NULL, 0, 0, false},
    {"page", "margin-outer", T_LEN, F_INT, O(margin_outer), NULL, 0, 0, false},
    {"page", "body-width", T_LEN, F_INT, O(body_width), NULL, 0, 0, false},
    {"page", "grid", T_ENUM, F_BOOL, O(grid), grid_names, 0, 0, false},
    {"page", "columns", T_INT, F_INT, O(columns), NULL, 1, 3, false},
    {"fonts", "body", T_FONT, F_STR, O(body.cjk), NULL, 0, 0, false},
    {"fonts", "body-latin", T_FONT, F_STR, O(body.latin), NULL, 0, 0, false},
    {"fonts", "heading", T_FONT, F_STR, O(heading.cjk), NULL, 0, 0, false},
    {"fonts", "heading-latin", T_FONT, F_STR, O(heading.latin), NULL, 0, 0, false},
    {"fonts", "mono", T_FONT, F_STR, O(mono), NULL, 0, 0, false},
    {"fonts", "mono-cjk", T_FONT, F_STR, O(mono_cjk), NULL, 0, 0, false},
    {"fonts", "size", T_BASE, F_INT, O(size_body), NULL, 0, 0, false},
    {"fonts", "small", T_SIZE, F_INT, O(size_small), NULL, 0, 0, false},
    {"fonts", "code", T_SIZE, F_INT, O(size_code), NULL, 0, 0, false},
    {"fonts", "title", T_SIZE, F_INT, O(size_title), NULL, 0, 0, false},
    {"fonts", "h1", T_SIZE, F_INT, O(size_h1), NULL, 0, 0, false},
    {"fonts", "h2", T_SIZE, F_INT, O(size_h2), NULL, 0, 0, false},
    {"fonts", "h3", T_SIZE, F_INT, O(size_h3), NULL, 0, 0, false},
    {"fonts", "line-height", T_RATIO, F_DOUBLE, O(line_height), NULL, 0, 0, false},
    {"fonts", "line-height-latin", T_RATIO, F_DOUBLE, O(line_height_latin), NULL, 0, 0, false},
    {"fonts", "heading-line-height", T_RATIO, F_DOUBLE, O(heading_line_height), NULL, 0, 0, false},
    {"fonts", "heading-weight", T_INT, F_INT, O(heading_weight), NULL, 100, 900, false},
    {"fonts", "emphasis", T_ENUM, F_ENUM, O(cjk_emphasis), emph_names, 0, 0, false},
    {"fonts", "emphasis-weight", T_INT, F_INT, O(cjk_emphasis_weight), NULL, 100, 900, false},
    {"colors", "text", T_COLOR, F_RGBA, O(text), NULL, 0, 0, false},
    {"colors", "heading", T_COLOR, F_RGBA, O(heading_color), NULL, 0, 0, false},
    {"colors", "muted", T_COLOR, F_RGBA, O(muted), NULL, 0, 0, false},
    {"colors", "accent", T_COLOR, F_RGBA, O(accent), NULL, 0, 0, false},
    {"colors", "link", T_COLOR, F_RGBA, O(link), NULL, 0, 0, false},
    {"colors", "rule", T_COLOR, F_RGBA, O(rule), NULL, 0, 0, false},
    {"colors", "code-bg", T_COLOR, F_RGBA, O(code_bg), NULL, 0, 0, false},
    {"colors", "quote-bar", T_COLOR, F_RGBA, O(quote_bar), NULL, 0, 0, false},
    {"colors", "placeholder-bg", T_COLOR, F_RGBA, O(placeholder_bg), NULL, 0, 0, false},
    {"colors", "page-bg", T_COLOR, F_RGBA, O(page_bg), NULL, 0, 0, false},
    {"paragraph", "style", T_ENUM, F_BOOL, O(indent_first_line), para_names, 0, 0, false},
    {"paragraph", "space", T_LEN, F_INT, O(para_space), NULL, 0, 0, false},
    {"handout", "cover", T_ENUM, F_ENUM, O(cover), cover_names, 0, 0, false},
    {"handout", "photo", T_ENUM, F_ENUM, O(photo), photo_names, 0, 0, false},
    {"handout", "photo-width", T_FRAC, F_DOUBLE, O(photo_width), NULL, 0, 0, false},
    {"handout", "photo-height", T_FRAC, F_DOUBLE, O(photo_max_height), NULL, 0, 0, false},
    {"handout", "photo-dpi", T_INT, F_DOUBLE, O(photo_dpi), NULL, 72, 1200, false},
    {"handout", "footer", T_STR, F_STR, O(footer), NULL, 0, 0, false},
    {"slides", "background", T_COLOR, F_RGBA, O(slide_bg), NULL, 0, 0, true},
    {"slides", "background-image", T_PATH, F_STR, O(slide_bg_image), NULL, 0, 0, true},
    {"slides", "text", T_COLOR, F_RGBA, O(slide_text), NULL, 0, 0, true},
    {"slides", "title", T_COLOR, F_RGBA, O(slide_title), NULL, 0, 0, true},
    {"slides", "muted", T_COLOR, F_RGBA, O(slide_muted), NULL, 0, 0, true},
    {"slides", "accent", T_COLOR, F_RGBA, O(slide_accent), NULL, 0, 0, true},
    {"slides", "link", T_COLOR, F_RGBA, O(slide_link), NULL, 0, 0, true},
    {"slides", "code-bg", T_COLOR, F_RGBA, O(slide_code_bg), NULL, 0, 0, true},
    {"slides", "rule", T_COLOR, F_RGBA, O(slide_rule), NULL, 0, 0, true},
    {"slides", "quote-bar", T_COLOR, F_RGBA, O(slide_quote_bar), NULL, 0, 0, true},
    {"slides", "margin", T_LEN, F_INT, O(slide_margin), NULL, 0, 0, true},
    {"slides", "body-size", T_BASE, F_INT, O(slide_size_body), NULL, 0, 0, true},
    {"slides", "title-size", T_SIZE, F_INT, O(slide_size_title), NULL, 0, 0, true},
    {"slides", "min-body-size", T_SIZE, F_INT, O(slide_min_body), NULL, 0, 0, true},
    {"slides", "small-size", T_SIZE, F_INT, O(slide_size_small), NULL, 0, 0, true},
    {"slides", "photo", T_ENUM, F_BOOL, O(slide_photo_right), side_names, 0, 0, true},
    {"slides", "photo-width", T_FRAC, F_DOUBLE, O(slide_photo_width), NULL, 0, 0, true},
    {"slides", "title-style", T_ENUM, F_ENUM, O(slide_title_style), title_names, 0, 0, true},
    {"slides", "overlay", T_FRAC, F_DOUBLE, O(slide_overlay), NULL, 0, 0, true},
    {"cjk", "autospace", T_EM, F_DOUBLE, O(autospace_em), NULL, 0, 0, false},
    {"cjk", "punctuation", T_ENUM, F_ENUM, O(cjk_punct), punct_names, 0, 0, false},
    {"cjk", "rules", T_ENUM, F_BOOL, O(cjk_rules), onoff_names, 0, 0, false},
};
#undef O
#define NKEYS (sizeof keys / sizeof *keys)

static const char *const sections[] = {"page", "fonts", "colors", "paragraph",
                                       "handout", "slides", "cjk", NULL};

static int key_index(const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key)) return (int)i;
    return -1;
}

/* ---- values ---- */

typedef enum { U_ABS, U_EM } unit;

typedef struct value {
    int key;               /* index into keys[] */
    int line, col;         /* of the value */
    double num;            /* U_ABS lengths in Pango units; U_EM in em; fractions; ratios */
    unit unit;
    long ival;             /* ints, enums */
    theme_rgba rgba;
    char *str;             /* strings, paths (absolute); NULL for a null string */
} value;

typedef struct parsed {
    char *path;            /* as found */
    char *real;            /* realpath, the cache key */
    char *stem;            /* file name without .yaml */
    value *vals;
    size_t nvals, cap;
    char *extends;         /* NULL when none */
    int ext_line, ext_col;
    char *name, *description;
} parsed;

typedef struct resolved {
    char *real;
    theme *th;
} resolved;

struct themefile_cache {
    char **dirs;
    size_t ndirs, dircap;
    parsed **files;
    size_t nfiles, filecap;
    resolved *themes;
    size_t nthemes, themecap;
    char **keep;           /* strings handed out by themefile_cache_list() */
    size_t nkeep, keepcap;
};

size_t themefile_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = mem_alloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t corner = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = corner + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            corner = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* The closest candidate within a third of the word's length (1 edit for
 * words up to 3 letters, else 2 to 3, so a swapped pair like "rigth" is
 * caught): close enough to be a typo, not a different word. */
static const char *closest(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : len / 3 < 2 ? 2 : len / 3;
    if (limit > 3) limit = 3;
    const char *best = NULL;
    size_t bd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = themefile_distance(word, cands[i]);
        if (d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    return best;
}

static const char *type_name(const yaml_node_t *n)
{
    if (!n) return "nothing";
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a string";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static const char *expects(const keydef *k)
{
    switch (k->type) {
    case T_STR: return "a string";
    case T_FONT: return "a font family name";
    case T_BASE: return "a size in pt or mm";
    case T_LEN: return "a length in pt, mm or em";
    case T_SIZE: return "a size in pt, mm, em or %";
    case T_FRAC: return "a fraction (0.38 or 38%)";
    case T_RATIO: return "a multiple (1.75 or 175%)";
    case T_INT: return "a whole number";
    case T_COLOR: return "a colour (#rrggbb or #rrggbbaa)";
    case T_ENUM: return "one of its names";
    case T_PATH: return "an image file name";
    case T_EM: return "an amount in em (0 = off)";
    }
    return "a value";
}

static bool is_plain_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    const char *s = (const char *)n->data.scalar.value;
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Splits "12.5mm" into 12.5 and "mm".  Returns false when it does not
 * start with a number. */
static bool split_number(const char *s, double *num, const char **unit_out)
{
    char *end;
    *num = strtod(s, &end);
    if (end == s || *num != *num) return false;
    while (*end == ' ') end++;
    *unit_out = end;
    return true;
}

typedef struct pctx {
    const char *file;
    const char *dir;      /* the file's folder, for paths */
    diag_list *dl;
    bool ok;
} pctx;

__attribute__((format(printf, 4, 5)))
static void perr(pctx *p, const yaml_node_t *n, diag_severity sev, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(p->dl, sev, p->file, n ? (int)n->start_mark.line + 1 : 0,
             n ? (int)n->start_mark.column + 1 : 0, "%s", msg);
    if (sev == DIAG_ERROR) p->ok = false;
}

static void qualified(const keydef *k, char *out, size_t n)
{
    if (*k->section) snprintf(out, n, "%s.%s", k->section, k->key);
    else snprintf(out, n, "%s", k->key);
}

static bool parse_length(pctx *p, const keydef *k, const yaml_node_t *n, const char *s, value *v)
{
    char q[64];
    qualified(k, q, sizeof q);
    double num;
    const char *u;
    const char *units = k->type == T_BASE ? "pt or mm" : k->type == T_LEN ? "pt, mm or em"
                                                                           : "pt, mm, em or %";
    if (!split_number(s, &num, &u)) {
        perr(p, n, DIAG_ERROR, "'%s' expects %s, found '%s'", q, expects(k), s);
        return false;
    }
    if (num < 0) {
        perr(p, n, DIAG_ERROR, "'%s' must not be negative, found '%s'", q, s);
        return false;
    }
    v->unit = U_ABS;
    /* Nothing on a page is a metre long or a hundred em: a bound that also
     * keeps every length an int in Pango units (found by fuzz_theme:
     * '1866666666666666666666666mm' overflowed). */
    bool rel = !strcmp(u, "em") || !strcmp(u, "%");
    double mm = !strcmp(u, "pt") ? num * 25.4 / 72.0 : !strcmp(u, "mm") ? num : 0;
    double em = !strcmp(u, "%") ? num / 100.0 : rel ? num : 0;
    if (!isfinite(num) || mm > 1000 || em > 100) {
        perr(p, n, DIAG_ERROR, "'%s': '%s' is too large (at most 1000 mm, 2835 pt or 100 em)", q, s);
        return false;
    }
    if (!strcmp(u, "pt")) v->num = num * THEME_PT;
    else if (!strcmp(u, "mm")) v->num = num * 72.0 / 25.4 * THEME_PT;
    else if (!strcmp(u, "em") && k->type != T_BASE) { v->unit = U_EM; v->num = num; }
    else if (!strcmp(u, "%") && k->type == T_SIZE) { v->unit = U_EM; v->num = num / 100.0; }
    else if (!*u && num == 0) v->num = 0;
    else if (!*u) {
        perr(p, n, DIAG_ERROR, "'%s': '%s' has no unit; expected %s", q, s, units);
        return false;
    } else {
        perr(p, n, DIAG_ERROR, "'%s': bad unit '%s' in '%s'; expected %s", q, u, s, units);
        return false;
    }
    return true;
}

static bool parse_color(const char *s, theme_rgba *out)
{
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 9)) return false;
    uint32_t v = 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | (uint32_t)d;
    }
    *out = n == 7 ? (v << 8 | 0xff) : v;
    return true;
}

/* An image file named by a theme: relative to the theme's folder; it must
 * exist and be an image folio can draw. */
static bool parse_path(pctx *p, const keydef *k, const yaml_node_t *n, const char *s, value *v)
{
    char q[64];
    qualified(k, q, sizeof q);
    buf b = BUF_INIT;
    if (s[0] == '/') buf_add(&b, s);
    else buf_addf(&b, "%s/%s", p->dir, s);
    size_t len = 0;
    char *data = file_read_all(b.s, IMAGE_PROBE_BYTES, &len);
    if (!data) {
        perr(p, n, DIAG_ERROR, "%s file '%s' not found (looked for %s)",
             !strcmp(k->key, "logo") ? "logo" : q, s, b.s);
        buf_free(&b);
        return false;
    }
    media_info info;
    media_status st = media_probe((const unsigned char *)data, len, &info);
    free(data);
    if (st != MEDIA_OK) {
        perr(p, n, DIAG_ERROR, "'%s': '%s' is not an image folio can draw: %s", q, s,
             media_status_message(st));
        buf_free(&b);
        return false;
    }
    char *real = file_realpath(b.s);
    v->str = real ? real : buf_detach(&b);
    if (real) buf_free(&b);
    return true;
}

static bool parse_value(pctx *p, int ki, const yaml_node_t *n, value *v)
{
    const keydef *k = &keys[ki];
    char q[64];
    qualified(k, q, sizeof q);
    memset(v, 0, sizeof *v);
    v->key = ki;
    v->line = (int)n->start_mark.line + 1;
    v->col = (int)n->start_mark.column + 1;
    if (n->type != YAML_SCALAR_NODE) {
        perr(p, n, DIAG_ERROR, "'%s' expects %s, found %s", q, expects(k), type_name(n));
        return false;
    }
    const char *s = (const char *)n->data.scalar.value;
    bool quoted = n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    switch (k->type) {
    case T_STR:
        v->str = is_plain_null(n) ? NULL : mem_strdup(s);
        return true;
    case T_FONT:
        if (!*s || is_plain_null(n)) {
            perr(p, n, DIAG_ERROR, "'%s' expects %s, found nothing", q, expects(k));
            return false;
        }
        v->str = mem_strdup(s);
        return true;
    case T_BASE:
    case T_LEN:
    case T_SIZE:
        return parse_length(p, k, n, s, v);
    case T_EM: {
        double num;
        const char *u;
        if (!split_number(s, &num, &u) || num < 0 || num > 2) {
            perr(p, n, DIAG_ERROR, "'%s' expects %s up to 2em, found '%s'", q, expects(k), s);
            return false;
        }
        if (*u && strcmp(u, "em")) {
            perr(p, n, DIAG_ERROR, "'%s': bad unit '%s' in '%s'; expected em", q, u, s);
            return false;
        }
        v->num = num;
        return true;
    }
    case T_FRAC:
    case T_RATIO: {
        double num;
        const char *u;
        if (!split_number(s, &num, &u) || (*u && strcmp(u, "%"))) {
            if (split_number(s, &num, &u))
                perr(p, n, DIAG_ERROR, "'%s': bad unit '%s' in '%s'; expected %s", q, u, s,
                     k->type == T_FRAC ? "a plain fraction or %" : "a plain number or %");
            else
                perr(p, n, DIAG_ERROR, "'%s' expects %s, found '%s'", q, expects(k), s);
            return false;
        }
        if (*u) num /= 100.0;
        double lo = k->type == T_FRAC ? 0 : 0.8, hi = k->type == T_FRAC ? 1 : 4;
        if (num < lo || num > hi) {
            perr(p, n, DIAG_ERROR, "'%s': '%s' is out of range (%g to %g)", q, s, lo, hi);
            return false;
        }
        v->num = num;
        return true;
    }
    case T_INT: {
        char *end;
        long l = strtol(s, &end, 10);
        if (end == s || *end) {
            perr(p, n, DIAG_ERROR, "'%s' expects %s, found '%s'", q, expects(k), s);
            return false;
        }
        if (l < k->lo || l > k->hi) {
            perr(p, n, DIAG_ERROR, "'%s': %ld is out of range (%d to %d)", q, l, k->lo, k->hi);
            return false;
        }
        v->ival = l;
        return true;
    }
    case T_COLOR:
        if (!parse_color(s, &v->rgba)) {
            if (s[0] != '#' && !quoted && !*s)
                perr(p, n, DIAG_ERROR, "'%s' expects %s, found nothing", q, expects(k));
            else
                perr(p, n, DIAG_ERROR, "'%s': bad colour '%s'; expected #rrggbb or #rrggbbaa%s", q, s,
                     s[0] != '#' && !quoted ? " (quote it: a bare # starts a YAML comment)" : "");
            return false;
        }
        return true;
    case T_ENUM: {
        for (long i = 0; k->names[i]; i++)
            if (!strcmp(k->names[i], s)) {
                v->ival = i;
                return true;
            }
        buf alts = BUF_INIT;
        size_t nn = 0;
        for (size_t i = 0; k->names[i]; i++) nn++;
        for (size_t i = 0; i < nn; i++)
            buf_addf(&alts, "%s%s", i == 0 ? "" : i + 1 == nn ? " or " : ", ", k->names[i]);
        const char *hint = closest(s, k->names, nn);
        if (hint)
            perr(p, n, DIAG_ERROR, "'%s' expects %s, found '%s'; did you mean '%s'?", q, alts.s, s, hint);
        else
            perr(p, n, DIAG_ERROR, "'%s' expects %s, found '%s'", q, alts.s, s);
        buf_free(&alts);
        return false;
    }
    case T_PATH:
        if (is_plain_null(n)) {
            v->str = NULL;
            return true;
        }
        return parse_path(p, k, n, s, v);
    }
    return false;
}

static void parsed_free(parsed *pf)
{
    if (!pf) return;
    for (size_t i = 0; i < pf->nvals; i++) free(pf->vals[i].str);
    free(pf->vals);
    free(pf->path);
    free(pf->real);
    free(pf->stem);
    free(pf->extends);
    free(pf->name);
    free(pf->description);
    free(pf);
}

/* An unknown key: a hint from the same level, else the same key in
 * another section ("accent" at the top → "colors.accent"). */
static void unknown_key(pctx *p, const yaml_node_t *kn, const char *section, const char *key)
{
    const char *cands[NKEYS + 8];
    size_t nc = 0;
    if (!*section)
        for (size_t i = 0; sections[i]; i++) cands[nc++] = sections[i];
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && strcmp(keys[i].key, "extends") != 0)
            cands[nc++] = keys[i].key;
    if (!*section) cands[nc++] = "extends";
    const char *hint = closest(key, cands, nc);
    char elsewhere[64] = "";
    if (!hint)
        for (size_t i = 0; i < NKEYS; i++)
            if (!strcmp(keys[i].key, key) && strcmp(keys[i].section, section) != 0) {
                qualified(&keys[i], elsewhere, sizeof elsewhere);
                hint = elsewhere;
                break;
            }
    if (hint) perr(p, kn, DIAG_ERROR, "unknown key '%s'; did you mean '%s'?", key, hint);
    else if (*section) perr(p, kn, DIAG_ERROR, "unknown key '%s' in '%s'", key, section);
    else perr(p, kn, DIAG_ERROR, "unknown key '%s'", key);
}

static void add_value(parsed *pf, const value *v)
{
    MEM_PUSH(pf->vals, pf->nvals, pf->cap) = *v;
}

static void walk_section(pctx *p, yaml_document_t *doc, parsed *pf, const char *section,
                         const yaml_node_t *map)
{
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
        yaml_node_t *vn = yaml_document_get_node(doc, pr->value);
        if (!kn || kn->type != YAML_SCALAR_NODE) {
            perr(p, kn, DIAG_ERROR, "keys in '%s' must be names, found %s", section, type_name(kn));
            continue;
        }
        const char *key = (const char *)kn->data.scalar.value;
        int ki = key_index(section, key);
        if (ki < 0) {
            unknown_key(p, kn, section, key);
            continue;
        }
        value v;
        if (parse_value(p, ki, vn, &v)) add_value(pf, &v);
    }
}

static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? mem_strndup(base, (size_t)(dot - base)) : mem_strdup(base);
}

/* Reads and checks one file.  Returns a new parsed file, or NULL with
 * errors appended. */
static parsed *parse_file(const char *path, diag_list *dl)
{
    size_t len = 0;
    char *text = file_read_all(path, THEMEFILE_MAX_BYTES, &len);
    if (!text) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot read theme file: %s", strerror(errno));
        return NULL;
    }
    parsed *pf = mem_calloc(1, sizeof *pf);
    pf->path = mem_strdup(path);
    pf->real = file_realpath(path);
    if (!pf->real) pf->real = mem_strdup(path);
    pf->stem = stem_of(path);
    char *dir = file_dirname(pf->real);
    pctx p = {path, dir, dl, true};

    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        diag_add(dl, DIAG_ERROR, path, (int)parser.problem_mark.line + 1,
                 (int)parser.problem_mark.column + 1, "theme: %s",
                 parser.problem ? parser.problem : "not valid YAML");
        if (parser.context)
            diag_add(dl, DIAG_NOTE, path, (int)parser.context_mark.line + 1,
                     (int)parser.context_mark.column + 1, "%s", parser.context);
        yaml_parser_delete(&parser);
        free(text);
        free(dir);
        parsed_free(pf);
        return NULL;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
             pr < root->data.mapping.pairs.top; pr++) {
            yaml_node_t *kn = yaml_document_get_node(&doc, pr->key);
            yaml_node_t *vn = yaml_document_get_node(&doc, pr->value);
            if (!kn || kn->type != YAML_SCALAR_NODE) {
                perr(&p, kn, DIAG_ERROR, "theme keys must be names, found %s", type_name(kn));
                continue;
            }
            const char *key = (const char *)kn->data.scalar.value;
            bool is_section = false;
            for (size_t i = 0; sections[i]; i++)
                if (!strcmp(sections[i], key)) is_section = true;
            if (is_section) {
                if (vn->type == YAML_MAPPING_NODE) walk_section(&p, &doc, pf, key, vn);
                else if (!is_plain_null(vn))
                    perr(&p, vn, DIAG_ERROR, "'%s' expects a mapping of keys, found %s", key,
                         type_name(vn));
                continue;
            }
            int ki = key_index("", key);
            if (ki < 0) {
                unknown_key(&p, kn, "", key);
                continue;
            }
            value v;
            if (!parse_value(&p, ki, vn, &v)) continue;
            if (!strcmp(key, "extends")) {
                free(pf->extends);
                pf->extends = v.str;
                pf->ext_line = v.line;
                pf->ext_col = v.col;
            } else if (!strcmp(key, "name")) {
                free(pf->name);
                pf->name = v.str;
            } else if (!strcmp(key, "description")) {
                free(pf->description);
                pf->description = v.str;
            } else {
                add_value(pf, &v);
            }
        }
    } else if (root && !is_plain_null(root)) {
        perr(&p, root, DIAG_ERROR, "a theme is a mapping of keys, found %s", type_name(root));
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(text);
    free(dir);
    if (!p.ok) {
        parsed_free(pf);
        return NULL;
    }
    return pf;
}

/* ---- the cache ---- */

themefile_cache *themefile_cache_new(void) { return mem_calloc(1, sizeof(themefile_cache)); }

static void theme_strings_free(theme *th)
{
    /* Every string of a resolved theme is its own copy. */
    free((char *)th->name);
    free((char *)th->description);
    free((char *)th->file);
    free((char *)th->body.cjk);
    free((char *)th->body.latin);
    free((char *)th->heading.cjk);
    free((char *)th->heading.latin);
    free((char *)th->mono);
    free((char *)th->mono_cjk);
    free((char *)th->footer);
    free((char *)th->logo);
    free((char *)th->slide_bg_image);
}

void themefile_cache_free(themefile_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->ndirs; i++) free(c->dirs[i]);
    free(c->dirs);
    for (size_t i = 0; i < c->nfiles; i++) parsed_free(c->files[i]);
    free(c->files);
    for (size_t i = 0; i < c->nthemes; i++) {
        theme_strings_free(c->themes[i].th);
        free(c->themes[i].th);
        free(c->themes[i].real);
    }
    free(c->themes);
    for (size_t i = 0; i < c->nkeep; i++) free(c->keep[i]);
    free(c->keep);
    free(c);
}

void themefile_cache_add_dir(themefile_cache *c, const char *dir)
{
    MEM_PUSH(c->dirs, c->ndirs, c->dircap) = mem_strdup(dir);
}

size_t themefile_cache_ndirs(const themefile_cache *c) { return c->ndirs; }
const char *themefile_cache_dir(const themefile_cache *c, size_t i) { return c->dirs[i]; }

char *themefile_user_dir(void)
{
    buf b = BUF_INIT;
    const char *x = getenv("XDG_CONFIG_HOME");
    const char *h = getenv("HOME");
    if (x && *x) buf_addf(&b, "%s/folio/themes", x);
    else if (h && *h) buf_addf(&b, "%s/.config/folio/themes", h);
    else return NULL;
    return buf_detach(&b);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml")) ||
           (n > 4 && !strcmp(s + n - 4, ".yml"));
}

/* NAME.yaml in the first folder that has it, skipping the file `skip`
 * (a theme extending the theme of its own name further down the path).
 * Returns a new path owned by the caller, or NULL. */
static char *search(themefile_cache *c, const char *name, const char *skip)
{
    for (size_t i = 0; i < c->ndirs; i++) {
        const char *exts[] = {"yaml", "yml"};
        for (size_t e = 0; e < 2; e++) {
            buf b = BUF_INIT;
            buf_addf(&b, "%s/%s.%s", c->dirs[i], name, exts[e]);
            if (is_file(b.s)) {
                char *real = file_realpath(b.s);
                bool same = skip && real && !strcmp(real, skip);
                free(real);
                if (!same) return buf_detach(&b);
            }
            buf_free(&b);
        }
    }
    return NULL;
}

static void not_found(themefile_cache *c, const char *name, const char *file, int line, int col,
                      diag_list *dl)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < c->ndirs; i++) buf_addf(&b, "%s%s", i ? ", " : "", c->dirs[i]);
    diag_add(dl, DIAG_ERROR, file, line, col, "theme '%s' not found; searched %s", name,
             b.len ? b.s : "no folders");
    buf_free(&b);
}

static parsed *cached_file(themefile_cache *c, const char *path, diag_list *dl)
{
    char *real = file_realpath(path);
    if (real)
        for (size_t i = 0; i < c->nfiles; i++)
            if (!strcmp(c->files[i]->real, real)) {
                free(real);
                return c->files[i];
            }
    free(real);
    parsed *pf = parse_file(path, dl);
    if (pf) MEM_PUSH(c->files, c->nfiles, c->filecap) = pf;
    return pf;
}

static void set_field(theme *th, const keydef *k, const value *v, int base_body, int base_slide)
{
    char *f = (char *)th + k->offset;
    switch (k->field_type) {
    case F_INT: {
        double n = v->num;
        if (v->unit == U_EM) n *= k->slides_em ? base_slide : base_body;
        if (k->type == T_INT) n = (double)v->ival;
        int x = (int)(n + 0.5);
        memcpy(f, &x, sizeof x);
        break;
    }
    case F_DOUBLE: {
        double d = k->type == T_INT ? (double)v->ival : v->num;
        memcpy(f, &d, sizeof d);
        break;
    }
    case F_BOOL: {
        bool b = v->ival != 0;
        memcpy(f, &b, sizeof b);
        break;
    }
    case F_ENUM: {
        int e = (int)v->ival;
        memcpy(f, &e, sizeof e);
        break;
    }
    case F_RGBA:
        memcpy(f, &v->rgba, sizeof v->rgba);
        break;
    case F_STR: {
        char *old;
        memcpy(&old, f, sizeof old);
        free(old);
        char *s = mem_strdup(v->str);
        memcpy(f, &s, sizeof s);
        break;
    }
    }
}

/* A resolved theme owns its strings (the built-in default's are static):
 * copies the ones every theme carries from d. */
static void own_strings(theme *th, const theme *d)
{
    th->body.cjk = mem_strdup(d->body.cjk);
    th->body.latin = mem_strdup(d->body.latin);
    th->heading.cjk = mem_strdup(d->heading.cjk);
    th->heading.latin = mem_strdup(d->heading.latin);
    th->mono = mem_strdup(d->mono);
    th->mono_cjk = mem_strdup(d->mono_cjk);
    th->footer = mem_strdup(d->footer);
    th->logo = mem_strdup(d->logo);
    th->slide_bg_image = mem_strdup(d->slide_bg_image);
}

/* Applies chain[n-1] (the root) .. chain[0] over the built-in default. */
static theme *resolve(parsed **chain, size_t n)
{
    const theme *d = theme_default();
    theme *th = mem_alloc(sizeof *th);
    *th = *d;
    th->name = mem_strdup(chain[0]->name ? chain[0]->name : chain[0]->stem);
    th->description = mem_strdup(d->description);
    th->file = mem_strdup(chain[0]->path);
    own_strings(th, d);
    for (size_t i = n; i-- > 0;)
        if (chain[i]->description) {
            free((char *)th->description);
            th->description = mem_strdup(chain[i]->description);
        }

    /* Pass 1: the em bases. */
    int ki_size = key_index("fonts", "size"), ki_slide = key_index("slides", "body-size");
    for (size_t i = n; i-- > 0;)
        for (size_t j = 0; j < chain[i]->nvals; j++) {
            const value *v = &chain[i]->vals[j];
            if (v->key == ki_size || v->key == ki_slide) set_field(th, &keys[v->key], v, 0, 0);
        }
    /* Pass 2: everything, tracking the colours that follow others. */
    bool set[NKEYS] = {false};
    for (size_t i = n; i-- > 0;)
        for (size_t j = 0; j < chain[i]->nvals; j++) {
            const value *v = &chain[i]->vals[j];
            if (v->key == ki_size || v->key == ki_slide) continue;   /* final already */
            set_field(th, &keys[v->key], v, th->size_body, th->slide_size_body);
            set[v->key] = true;
        }
    if (!set[key_index("colors", "link")]) th->link = th->accent;
    if (!set[key_index("slides", "accent")]) th->slide_accent = th->accent;
    if (!set[key_index("slides", "link")]) th->slide_link = th->link;
    return th;
}

/* The built-in theme as a resolved entry of its own, so callers can free
 * every theme of the cache alike. */
static const theme *builtin(themefile_cache *c)
{
    for (size_t i = 0; i < c->nthemes; i++)
        if (!strcmp(c->themes[i].real, "<built-in>")) return c->themes[i].th;
    const theme *d = theme_default();
    theme *th = mem_alloc(sizeof *th);
    *th = *d;
    th->name = mem_strdup(d->name);
    th->description = mem_strdup(d->description);
    th->file = NULL;
    own_strings(th, d);
    resolved r = {mem_strdup("<built-in>"), th};
    MEM_PUSH(c->themes, c->nthemes, c->themecap) = r;
    return th;
}

/* Loads the theme in file `path`, following extends. */
static const theme *load_path(themefile_cache *c, const char *path, diag_list *dl)
{
    char *real = file_realpath(path);
    if (!real) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "theme file not found");
        return NULL;
    }
    for (size_t i = 0; i < c->nthemes; i++)
        if (!strcmp(c->themes[i].real, real)) {
            free(real);
            return c->themes[i].th;
        }
    parsed **chain = NULL;
    size_t n = 0, cap = 0;
    const theme *out = NULL;
    char *cur = mem_strdup(path);
    bool ok = true;
    while (cur) {
        parsed *pf = cached_file(c, cur, dl);
        free(cur);
        cur = NULL;
        if (!pf) {
            ok = false;
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (!strcmp(chain[i]->real, pf->real)) {
                /* The last file's extends closes the loop: report it there. */
                buf b = BUF_INIT;
                for (size_t j = i; j < n; j++) buf_addf(&b, "%s -> ", chain[j]->stem);
                buf_add(&b, pf->stem);
                const parsed *last = chain[n - 1];
                diag_add(dl, DIAG_ERROR, last->path, last->ext_line, last->ext_col,
                         "extends cycle: %s", b.s);
                buf_free(&b);
                ok = false;
                break;
            }
        if (!ok) break;
        MEM_PUSH(chain, n, cap) = pf;
        if (!pf->extends) break;
        /* The built-in default ends a chain unless a default.yaml is on the
         * path (then it is that file, so default.yaml stays the truth). */
        if (looks_like_path(pf->extends)) {
            if (pf->extends[0] == '/') cur = mem_strdup(pf->extends);
            else {
                char *dir = file_dirname(pf->path);
                buf b = BUF_INIT;
                buf_addf(&b, "%s/%s", dir, pf->extends);
                free(dir);
                cur = buf_detach(&b);
            }
            if (!is_file(cur)) {
                diag_add(dl, DIAG_ERROR, pf->path, pf->ext_line, pf->ext_col,
                         "extends: theme file '%s' not found", pf->extends);
                free(cur);
                cur = NULL;
                ok = false;
            }
        } else {
            cur = search(c, pf->extends, pf->real);
            if (!cur && strcmp(pf->extends, "default") != 0) {
                not_found(c, pf->extends, pf->path, pf->ext_line, pf->ext_col, dl);
                ok = false;
            }
        }
    }
    if (ok) {
        theme *th = resolve(chain, n);
        resolved r = {mem_strdup(real), th};
        MEM_PUSH(c->themes, c->nthemes, c->themecap) = r;
        out = th;
    }
    free(chain);
    free(real);
    return out;
}

const theme *themefile_cache_get(themefile_cache *c, const char *name_or_path, diag_list *dl)
{
    if (looks_like_path(name_or_path)) {
        if (!is_file(name_or_path)) {
            diag_add(dl, DIAG_ERROR, name_or_path, 0, 0, "theme file not found");
            return NULL;
        }
        return load_path(c, name_or_path, dl);
    }
    char *path = search(c, name_or_path, NULL);
    if (!path) {
        if (!strcmp(name_or_path, "default")) return builtin(c);
        not_found(c, name_or_path, NULL, 0, 0, dl);
        return NULL;
    }
    const theme *th = load_path(c, path, dl);
    free(path);
    return th;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const themefile_entry *)a)->name, ((const themefile_entry *)b)->name);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

themefile_entry *themefile_cache_list(themefile_cache *c, size_t *n, diag_list *dl)
{
    themefile_entry *out = NULL;
    size_t cnt = 0, cap = 0;
    char **stems = NULL;
    size_t nstems = 0, stemcap = 0;
    for (size_t i = 0; i < c->ndirs; i++) {
        DIR *dir = opendir(c->dirs[i]);
        if (!dir) continue;
        char **names = NULL;
        size_t nn = 0, ncap = 0;
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t l = strlen(e->d_name);
            if (e->d_name[0] == '.') continue;
            if ((l > 5 && !strcmp(e->d_name + l - 5, ".yaml")) ||
                (l > 4 && !strcmp(e->d_name + l - 4, ".yml")))
                MEM_PUSH(names, nn, ncap) = mem_strdup(e->d_name);
        }
        closedir(dir);
        qsort(names, nn, sizeof *names, str_cmp);
        for (size_t j = 0; j < nn; j++) {
            char *stem = stem_of(names[j]);
            bool seen = false;
            for (size_t k = 0; k < nstems; k++)
                if (!strcmp(stems[k], stem)) seen = true;
            if (seen) {
                free(stem);
                free(names[j]);
                continue;
            }
            MEM_PUSH(stems, nstems, stemcap) = stem;
            buf b = BUF_INIT;
            buf_addf(&b, "%s/%s", c->dirs[i], names[j]);
            free(names[j]);
            const theme *th = load_path(c, b.s, dl);
            buf_free(&b);
            /* The entry's strings are the theme's when it loaded. */
            themefile_entry en = {stem, "", NULL, th};
            if (th) {
                en.name = th->name;
                en.description = th->description ? th->description : "";
                en.file = th->file;
            } else {
                for (size_t k = 0; k < c->nfiles; k++)
                    if (!strcmp(c->files[k]->stem, stem)) en.file = c->files[k]->path;
                if (!en.file) en.file = stem;
            }
            MEM_PUSH(out, cnt, cap) = en;
        }
        free(names);
    }
    /* Entries of broken files point at their stems: the cache keeps them. */
    for (size_t k = 0; k < nstems; k++) MEM_PUSH(c->keep, c->nkeep, c->keepcap) = stems[k];
    free(stems);
    if (cnt) qsort(out, cnt, sizeof *out, entry_cmp);
    *n = cnt;
    return out;
}
