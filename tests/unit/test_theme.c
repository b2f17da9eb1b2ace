/* test_theme: YAML themes (src/style/themefile.c).
 *
 * Each case writes its theme files into a fresh folder and checks either
 * the resolved fields or the exact diagnostic lines, positions included:
 * inheritance through extends chains, units and colours, every validation
 * error, cycles, and the search-path order.  themes/default.yaml must be
 * exactly the built-in theme.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "check.h"
#include "style/theme.h"
#include "style/themefile.h"

/* The source tree, from this file's path (CMake compiles it by its
 * absolute path): tests/unit/test_theme.c → the tree. */
static char src_dir[512];
#define SRC_DIR src_dir

static void find_src_dir(void)
{
    snprintf(src_dir, sizeof src_dir, "%s", __FILE__);
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(src_dir, '/');
        if (slash) *slash = 0;
    }
}

static char root[256];
static int serial;

/* A new empty folder under root. */
static char *new_dir(void)
{
    char *d = malloc(300);
    snprintf(d, 300, "%s/d%d", root, ++serial);
    mkdir(d, 0777);
    return d;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

/* All diagnostics as lines, with the folder's path replaced by "DIR". */
static char *diags(diag_list *dl, const char *dir)
{
    buf b = BUF_INIT;
    buf_add(&b, "");
    for (size_t i = 0; i < diag_count(dl); i++) {
        char line[2048];
        diag_format(diag_get(dl, i), line, sizeof line);
        const char *p = line;
        size_t dl_len = strlen(dir);
        while (*p) {
            if (!strncmp(p, dir, dl_len)) {
                buf_add(&b, "DIR");
                p += dl_len;
            } else {
                buf_addc(&b, *p++);
            }
        }
        buf_addc(&b, '\n');
    }
    return buf_detach(&b);
}

/* Loads NAME from a cache over dir alone; returns the diagnostics. */
static char *load_error(const char *dir, const char *name)
{
    themefile_cache *c = themefile_cache_new();
    themefile_cache_add_dir(c, dir);
    diag_list *dl = diag_list_new();
    const theme *th = themefile_cache_get(c, name, dl);
    CHECK(th == NULL);
    char *s = diags(dl, dir);
    diag_list_free(dl);
    themefile_cache_free(c);
    return s;
}

static void add_bundled(themefile_cache *c)
{
    char d[600];
    snprintf(d, sizeof d, "%s/themes", src_dir);
    themefile_cache_add_dir(c, d);
}

static void test_default_file_is_builtin(void)
{
    themefile_cache *c = themefile_cache_new();
    add_bundled(c);
    diag_list *dl = diag_list_new();
    const theme *th = themefile_cache_get(c, "default", dl);
    CHECK_INT(diag_count(dl), 0);
    CHECK(th != NULL);
    if (!th) return;
    const theme *d = theme_default();
    CHECK(th->file != NULL);
    /* Every field: strings by value, the rest bytewise. */
    theme a = *th, b = *d;
    CHECK_STR(a.name, b.name);
    CHECK_STR(a.description, b.description);
    CHECK_STR(a.body.cjk, b.body.cjk);
    CHECK_STR(a.body.latin, b.body.latin);
    CHECK_STR(a.heading.cjk, b.heading.cjk);
    CHECK_STR(a.heading.latin, b.heading.latin);
    CHECK_STR(a.mono, b.mono);
    CHECK_STR(a.mono_cjk, b.mono_cjk);
    CHECK(a.footer == NULL && a.logo == NULL && a.slide_bg_image == NULL);
    a.name = a.description = a.file = b.name = b.description = b.file = NULL;
    a.body = a.heading = b.body = b.heading = (theme_font){NULL, NULL};
    a.mono = a.mono_cjk = b.mono = b.mono_cjk = NULL;
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    /* Field by field, so a failure says which. */
    CHECK_INT(a.margin_top, b.margin_top);
    CHECK_INT(a.margin_bottom, b.margin_bottom);
    CHECK_INT(a.size_body, b.size_body);
    CHECK_INT(a.slide_margin, b.slide_margin);
    CHECK(a.line_height == b.line_height);
    CHECK(a.slide_overlay == b.slide_overlay);
    CHECK(a.photo_width == b.photo_width);
    CHECK_INT(a.accent, b.accent);
    diag_list_free(dl);
    themefile_cache_free(c);
}

static void test_inheritance(void)
{
    char *dir = new_dir();
    write_file(dir, "base.yaml",
               "description: the base\n"
               "page:\n"
               "  paper: a5\n"
               "  margin-top: 10mm\n"
               "colors:\n"
               "  text: \"#101010\"\n");
    write_file(dir, "mid.yaml",
               "extends: base\n"
               "colors:\n"
               "  accent: \"#ff0000\"\n");
    write_file(dir, "leaf.yaml",
               "extends: mid\n"
               "page:\n"
               "  margin-top: 12pt\n");
    themefile_cache *c = themefile_cache_new();
    themefile_cache_add_dir(c, dir);
    diag_list *dl = diag_list_new();
    const theme *leaf = themefile_cache_get(c, "leaf", dl);
    const theme *mid = themefile_cache_get(c, "mid", dl);
    CHECK_INT(diag_count(dl), 0);
    CHECK(leaf && mid);
    if (leaf && mid) {
        const theme *d = theme_default();
        CHECK_STR(leaf->name, "leaf");
        CHECK_STR(leaf->description, "the base");          /* inherited */
        CHECK_INT(leaf->paper, PAPER_A5);                  /* from base */
        CHECK_INT(leaf->margin_top, 12 * THEME_PT);        /* overridden */
        CHECK_INT(mid->margin_top, THEME_MM(10));          /* the parent keeps its own */
        CHECK_INT(leaf->margin_bottom, d->margin_bottom);  /* untouched: the default */
        CHECK_INT(leaf->text, 0x101010ff);
        CHECK_INT(leaf->accent, 0xff0000ff);
        /* Link and slide accent follow the accent when nobody sets them. */
        CHECK_INT(leaf->link, 0xff0000ff);
        CHECK_INT(leaf->slide_accent, 0xff0000ff);
        CHECK_INT(leaf->slide_link, 0xff0000ff);
        CHECK_STR(leaf->body.cjk, d->body.cjk);
        /* Loaded once: asking again gives the same theme. */
        CHECK(themefile_cache_get(c, "leaf", dl) == leaf);
    }
    diag_list_free(dl);
    themefile_cache_free(c);
    free(dir);
}

/* The 3-line user theme of docs/themes.md. */
static void test_user_accent_theme(void)
{
    themefile_cache *c = themefile_cache_new();
    add_bundled(c);
    diag_list *dl = diag_list_new();
    char path[600];
    snprintf(path, sizeof path, "%s/tests/themes/user-accent.yaml", src_dir);
    const theme *th = themefile_cache_get(c, path, dl);
    CHECK_INT(diag_count(dl), 0);
    CHECK(th != NULL);
    if (th) {
        CHECK_INT(th->accent, 0xc0392bff);
        CHECK_INT(th->link, 0xc0392bff);
        CHECK_INT(th->slide_accent, 0xc0392bff);
        CHECK_STR(th->body.cjk, "Noto Sans CJK SC");
        CHECK_STR(th->heading.cjk, theme_default()->heading.cjk);
        CHECK_INT(th->size_body, theme_default()->size_body);
    }
    diag_list_free(dl);
    themefile_cache_free(c);
}

static void test_units_and_colours(void)
{
    char *dir = new_dir();
    write_file(dir, "u.yaml",
               "page:\n"
               "  margin-top: 25.4mm\n"
               "  margin-inner: 2em\n"
               "  body-width: 30em\n"
               "fonts:\n"
               "  size: 10pt\n"
               "  h1: 150%\n"
               "  line-height: 160%\n"
               "handout:\n"
               "  photo-width: 0.5\n"
               "slides:\n"
               "  body-size: 20pt\n"
               "  margin: 1em\n"
               "  overlay: 40%\n"
               "colors:\n"
               "  accent: \"#A0b0C080\"\n"
               "cjk:\n"
               "  autospace: 0\n");
    /* em follows the final body size, even when a child changes it. */
    write_file(dir, "child.yaml", "extends: u\nfonts:\n  size: 12pt\n");
    themefile_cache *c = themefile_cache_new();
    themefile_cache_add_dir(c, dir);
    diag_list *dl = diag_list_new();
    const theme *th = themefile_cache_get(c, "u", dl);
    const theme *ch = themefile_cache_get(c, "child", dl);
    CHECK_INT(diag_count(dl), 0);
    if (th && ch) {
        CHECK_INT(th->margin_top, 72 * THEME_PT);
        CHECK_INT(th->margin_inner, 20 * THEME_PT);
        CHECK_INT(th->body_width, 300 * THEME_PT);
        CHECK_INT(th->size_h1, 15 * THEME_PT);
        CHECK(th->line_height > 1.599 && th->line_height < 1.601);
        CHECK(th->photo_width == 0.5);
        CHECK_INT(th->slide_margin, 20 * THEME_PT);        /* slides em: slides.body-size */
        CHECK(th->slide_overlay > 0.399 && th->slide_overlay < 0.401);
        CHECK_INT(th->accent, 0xa0b0c080);
        CHECK(th->autospace_em == 0);
        CHECK_INT(ch->margin_inner, 24 * THEME_PT);
        CHECK_INT(ch->size_h1, 18 * THEME_PT);
        CHECK_INT(ch->margin_top, 72 * THEME_PT);
    }
    diag_list_free(dl);
    themefile_cache_free(c);
    free(dir);
}

typedef struct error_case {
    const char *yaml;
    const char *expected;   /* every diagnostic line; DIR for the folder */
} error_case;

static void test_errors(void)
{
    static const error_case cases[] = {
        /* unknown key, with a hint from the same section */
        {"colors:\n  text: \"#000000\"\n  acent: \"#ff0000\"\n",
         "DIR/x.yaml:3:3: error: unknown key 'acent'; did you mean 'accent'?\n"},
        /* unknown section, hinted */
        {"colours:\n  accent: \"#ff0000\"\n",
         "DIR/x.yaml:1:1: error: unknown key 'colours'; did you mean 'colors'?\n"},
        /* a key in the wrong place: the section it belongs to */
        {"accent: \"#ff0000\"\n",
         "DIR/x.yaml:1:1: error: unknown key 'accent'; did you mean 'colors.accent'?\n"},
        /* nothing close */
        {"page:\n  zebra: 1\n", "DIR/x.yaml:2:3: error: unknown key 'zebra' in 'page'\n"},
        /* wrong type */
        {"page:\n  margin-top:\n    a: 1\n",
         "DIR/x.yaml:3:5: error: 'page.margin-top' expects a length in pt, mm or em, found a mapping\n"},
        {"fonts: Noto\n", "DIR/x.yaml:1:8: error: 'fonts' expects a mapping of keys, found a string\n"},
        {"fonts:\n  heading-weight: bold\n",
         "DIR/x.yaml:2:19: error: 'fonts.heading-weight' expects a whole number, found 'bold'\n"},
        /* bad unit, missing unit, base size in em */
        {"page:\n  margin-top: 2cm\n",
         "DIR/x.yaml:2:15: error: 'page.margin-top': bad unit 'cm' in '2cm'; expected pt, mm or em\n"},
        {"page:\n  margin-top: 20\n",
         "DIR/x.yaml:2:15: error: 'page.margin-top': '20' has no unit; expected pt, mm or em\n"},
        {"fonts:\n  size: 1em\n",
         "DIR/x.yaml:2:9: error: 'fonts.size': bad unit 'em' in '1em'; expected pt or mm\n"},
        /* bad colours */
        {"colors:\n  accent: \"#12345\"\n",
         "DIR/x.yaml:2:11: error: 'colors.accent': bad colour '#12345'; expected #rrggbb or #rrggbbaa\n"},
        {"colors:\n  accent: red\n",
         "DIR/x.yaml:2:11: error: 'colors.accent': bad colour 'red'; expected #rrggbb or #rrggbbaa "
         "(quote it: a bare # starts a YAML comment)\n"},
        /* an enum value, hinted */
        {"handout:\n  photo: rigth\n",
         "DIR/x.yaml:2:10: error: 'handout.photo' expects top, left or right, found 'rigth'; "
         "did you mean 'right'?\n"},
        /* out of range */
        {"slides:\n  overlay: 150%\n",
         "DIR/x.yaml:2:12: error: 'slides.overlay': '150%' is out of range (0 to 1)\n"},
        /* a length no page has (found by fuzz_theme: it overflowed an int) */
        {"page:\n  margin-bottom: 1866666666666666666666666mm\n",
         "DIR/x.yaml:2:18: error: 'page.margin-bottom': '1866666666666666666666666mm' is too "
         "large (at most 1000 mm, 2835 pt or 100 em)\n"},
        {"page:\n  margin-top: 1e999em\n",
         "DIR/x.yaml:2:15: error: 'page.margin-top': '1e999em' is too large (at most 1000 mm, "
         "2835 pt or 100 em)\n"},
        /* missing logo file */
        {"logo: media/logo.png\n",
         "DIR/x.yaml:1:7: error: logo file 'media/logo.png' not found (looked for DIR/media/logo.png)\n"},
        /* YAML syntax: libyaml's problem and its context */
        {"page:\n  paper: a4\n bad\n",
         "DIR/x.yaml:3:2: error: theme: did not find expected key\n"
         "DIR/x.yaml:1:1: note: while parsing a block mapping\n"},
        /* extends a theme that is not there */
        {"extends: nosuch\n",
         "DIR/x.yaml:1:10: error: theme 'nosuch' not found; searched DIR\n"},
        /* two errors in one file: both reported */
        {"page:\n  margin-top: 1cm\ncolors:\n  acent: \"#ff0000\"\n",
         "DIR/x.yaml:2:15: error: 'page.margin-top': bad unit 'cm' in '1cm'; expected pt, mm or em\n"
         "DIR/x.yaml:4:3: error: unknown key 'acent'; did you mean 'accent'?\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *dir = new_dir();
        char real[512];
        if (!realpath(dir, real)) snprintf(real, sizeof real, "%s", dir);
        write_file(real, "x.yaml", cases[i].yaml);
        char *got = load_error(real, "x");
        if (strcmp(got, cases[i].expected)) fprintf(stderr, "error case %zu:\n", i);
        CHECK_STR(got, cases[i].expected);
        free(got);
        free(dir);
    }
}

static void test_cycle(void)
{
    char *d = new_dir();
    char dir[512];
    if (!realpath(d, dir)) snprintf(dir, sizeof dir, "%s", d);
    write_file(dir, "a.yaml", "description: a\nextends: b\n");
    write_file(dir, "b.yaml", "extends: c\n");
    write_file(dir, "c.yaml", "colors:\n  accent: \"#000000\"\nextends: a\n");
    char *got = load_error(dir, "a");
    CHECK_STR(got, "DIR/c.yaml:3:10: error: extends cycle: a -> b -> c -> a\n");
    free(got);
    /* A theme extending itself. */
    write_file(dir, "self.yaml", "extends: self.yaml\n");
    got = load_error(dir, "self");
    CHECK_STR(got, "DIR/self.yaml:1:10: error: extends cycle: self -> self\n");
    free(got);
    free(d);
}

static void test_not_found(void)
{
    themefile_cache *c = themefile_cache_new();
    themefile_cache_add_dir(c, "/nonexistent/one");
    themefile_cache_add_dir(c, "/nonexistent/two");
    diag_list *dl = diag_list_new();
    CHECK(themefile_cache_get(c, "fancy", dl) == NULL);
    char *got = diags(dl, "\x01");
    CHECK_STR(got, "error: theme 'fancy' not found; searched /nonexistent/one, /nonexistent/two\n");
    free(got);
    /* "default" without default.yaml on the path: the built-in theme. */
    const theme *d = themefile_cache_get(c, "default", dl);
    CHECK(d != NULL && d->file == NULL && d->size_body == theme_default()->size_body);
    diag_list_free(dl);
    themefile_cache_free(c);
}

static void test_search_order(void)
{
    char *first = new_dir(), *second = new_dir();
    write_file(first, "x.yaml", "description: first\n");
    write_file(second, "x.yaml", "description: second\n");
    write_file(second, "y.yaml", "description: only second\n");
    /* A user theme named like a bundled one, extending it: the search
     * skips the file itself and finds the one further down the path. */
    write_file(first, "z.yaml", "extends: z\ncolors:\n  text: \"#000000\"\n");
    write_file(second, "z.yaml", "description: bundled z\npage:\n  paper: letter\n");
    themefile_cache *c = themefile_cache_new();
    themefile_cache_add_dir(c, first);
    themefile_cache_add_dir(c, second);
    diag_list *dl = diag_list_new();
    const theme *x = themefile_cache_get(c, "x", dl);
    const theme *y = themefile_cache_get(c, "y", dl);
    const theme *z = themefile_cache_get(c, "z", dl);
    CHECK_INT(diag_count(dl), 0);
    CHECK(x && y && z);
    if (x && y && z) {
        CHECK_STR(x->description, "first");
        CHECK_STR(y->description, "only second");
        CHECK_STR(z->description, "bundled z");
        CHECK_INT(z->paper, PAPER_LETTER);
        CHECK_INT(z->text, 0x000000ff);
    }
    /* The listing: one entry per name, the earlier folder's. */
    size_t n;
    themefile_entry *e = themefile_cache_list(c, &n, dl);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(e[0].name, "x");
        CHECK_STR(e[0].description, "first");
        CHECK_STR(e[1].name, "y");
        CHECK_STR(e[2].name, "z");
        CHECK(strstr(e[2].file, first) == e[2].file);
    }
    free(e);
    diag_list_free(dl);
    themefile_cache_free(c);
    free(first);
    free(second);
}

/* Paper names and sizes: half-letter is the page of a booklet folded from
 * a Letter sheet, 5.5 x 8.5 in. */
static void test_paper(void)
{
    theme_paper p = PAPER_A4;
    int w = 0, h = 0;
    CHECK(theme_paper_parse("half-letter", &p) && p == PAPER_HALF_LETTER);
    theme_paper_size(p, &w, &h);
    CHECK_INT(w, 396 * THEME_PT);
    CHECK_INT(h, 612 * THEME_PT);
    CHECK(theme_paper_parse("a5", &p) && p == PAPER_A5);
    theme_paper_size(p, &w, &h);
    CHECK_INT(w, THEME_MM(148));
    CHECK(!theme_paper_parse("legal", &p));
}

/* Line pitch by language: CJK posts (and unknown ones) get line-height,
 * the others line-height-latin. */
static void test_line_height(void)
{
    const theme *d = theme_default();
    CHECK(theme_line_height(d, "zh-Hans") == 1.75);
    CHECK(theme_line_height(d, "zh-Hant") == 1.75);
    CHECK(theme_line_height(d, "ja") == 1.75);
    CHECK(theme_line_height(d, NULL) == 1.75);
    CHECK(theme_line_height(d, "en") == 1.5);
    CHECK(theme_line_height(d, "de") == 1.5);
    theme t = *d;
    t.line_height_latin = 0;   /* unset: the one line height for all */
    CHECK(theme_line_height(&t, "en") == 1.75);
}

static void test_distance(void)
{
    CHECK_INT(themefile_distance("acent", "accent"), 1);
    CHECK_INT(themefile_distance("colours", "colors"), 1);
    CHECK_INT(themefile_distance("", "abc"), 3);
    CHECK_INT(themefile_distance("kitten", "sitting"), 3);
}

/* Every bundled theme loads without a diagnostic. */
static void test_bundled(void)
{
    themefile_cache *c = themefile_cache_new();
    add_bundled(c);
    diag_list *dl = diag_list_new();
    size_t n;
    themefile_entry *e = themefile_cache_list(c, &n, dl);
    CHECK_INT(diag_count(dl), 0);
    CHECK(n >= 3);
    for (size_t i = 0; i < n; i++) CHECK(e[i].th != NULL && *e[i].description);
    const theme *p = themefile_cache_get(c, "print", dl);
    CHECK(p && p->paper == PAPER_A5 && p->photo == THEME_PHOTO_RIGHT);
    free(e);
    diag_list_free(dl);
    themefile_cache_free(c);
}

TEST_MAIN({
    test_paper();
    test_line_height();
    find_src_dir();
    snprintf(root, sizeof root, "/tmp/folio-test-theme.%d", (int)getpid());
    mkdir(root, 0777);
    test_default_file_is_builtin();
    test_inheritance();
    test_user_accent_theme();
    test_units_and_colours();
    test_errors();
    test_cycle();
    test_not_found();
    test_search_order();
    test_distance();
    test_bundled();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
})
