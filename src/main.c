/* folio's command line: argv → options → one pipeline run → exit status.
 *
 * The only place that prints diagnostics and decides the exit status:
 *   0  output written (warnings may have been printed)
 *   1  the post could not be rendered (bad front matter, unwritable output)
 *   2  usage error
 *   3  set-up problem (fonts or their configuration missing; a theme
 *      missing or invalid, or naming fonts that are not installed)
 * `folio batch` (run_batch) adds 130/143 when interrupted; its progress
 * and summary are printed by the batch reporter (src/batch/report.c).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/file.h"
#include "base/mem.h"
#include "batch/batch.h"
#include "batch/shard.h"
#include "config.h"
#include "doc/doc.h"
#include "input/article.h"
#include "layout/impose.h"
#include "pipeline.h"
#include "render/image.h"
#include "style/theme.h"
#include "style/themefile.h"

enum { EXIT_WRITTEN = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_SETUP = 3 };

typedef struct options {
    const char *command;
    const char *input;
    const char *output;
    const char *fonts_dir;
    const char *dump;        /* "boxes" */
    theme_paper paper;
    bool paper_set;
    slides_aspect aspect;
    const char *png_dir;     /* slides: write PNG previews here */
    int png_width;
    bool strict, quiet, absolute;
    const char **allow;      /* NULL-terminated */
    size_t nallow;
    const char *impose;      /* handout: "saddle" */
    int handout_n;           /* slides: --handout N */
    impose_sheet sheet;
    bool sheet_set, marks;
    const char *creep;       /* --creep MM as given */
    const char *theme;       /* --theme NAME|PATH */
    const char **theme_dirs; /* -T DIR, in order */
    size_t ntheme_dirs;
} options;

static void usage(FILE *fp)
{
    fputs("usage: folio handout POST.md [-o OUT.pdf] [--paper a4|a5|letter|half-letter]\n"
          "       folio handout POST.md --impose saddle [--sheet a4|letter] [--marks]\n"
          "                     [--creep MM]\n"
          "       folio slides POST.md [-o OUT.pdf] [--aspect 16:9|4:3] [--png DIR]\n"
          "       folio slides POST.md --handout 1|2|3|4|6 [--sheet a4|letter]\n"
          "       folio render POST.md [-o DIR] [--paper SIZE] [--aspect RATIO] [--png DIR]\n"
          "       folio inspect POST.md [--absolute]\n"
          "       folio themes [-T DIR]...\n"
          "       folio batch DIR... -o OUTDIR [--formats handout,slides] [-j N] [--force]\n"
          "                   [--shard K/N] [--manifest FILE] [--fail-fast] [--timeout S]\n"
          "                   [--memory MB] [--no-catalogue]   (folio batch --help)\n"
          "       folio batch --merge-manifests A.jsonl B.jsonl... -o MERGED.jsonl\n"
          "                   [--catalogue OUTDIR]\n"
          "       folio book POST... -o BOOK.pdf [--title TEXT] [--order date|args]\n"
          "                  (folio book --help for details)\n"
          "       folio --version | --help\n"
          "\n"
          "options:\n"
          "  -o, --output FILE     where to write (default: <post>.handout.pdf or\n"
          "                        <post>.slides.pdf in the current folder)\n"
          "                        render: the folder for both (default: the current one)\n"
          "      --paper SIZE      handout: a4 (default), a5 or letter\n"
          "      --aspect RATIO    slides: 16:9 (default) or 4:3\n"
          "      --png DIR         slides: also write one PNG per slide and contact.png\n"
          "      --png-width PX    width of those PNGs (default 1280)\n"
          "      --strict          treat warnings as errors\n"
          "  -q, --quiet           do not print warnings\n"
          "      --allow-outside DIR  let images come from DIR too (repeatable)\n"
          "      --fonts DIR       folio's fonts folder (default: the installed one)\n"
          "      --theme NAME|PATH a theme by name or YAML file; wins over the post's\n"
          "                        front matter 'theme:' (default: that, else default)\n"
          "  -T, --theme-dir DIR   look for themes in DIR first (repeatable); then\n"
          "                        $XDG_CONFIG_HOME/folio/themes, then folio's themes/\n"
          "      --dump boxes      print the laid-out pages as text instead of writing\n"
          "\n"
          "printing:\n"
          "      --impose saddle   handout: an A5 booklet, two pages to a side of landscape\n"
          "                        sheets in saddle-stitch order; print double-sided with\n"
          "                        'flip on short edge', fold the stack, staple the fold\n"
          "      --sheet SIZE      the paper printed on: a4 (default) or letter\n"
          "      --marks           booklet: crop and fold marks (pages shrink to make room)\n"
          "      --creep MM        booklet: move the innermost sheet's pages MM towards the\n"
          "                        fold, sheets between proportionally (thick booklets)\n"
          "      --handout N       slides: N slides to a portrait page (1, 2, 3, 4 or 6;\n"
          "                        3 adds lines for notes)\n"
          "\n"
          "render writes the handout and the slides of one post, faster than two\n"
          "commands: with two cores the slides are written by a second process at the\n"
          "same time; on one core fonts, images and glyph caches are shared.\n"
          "\n"
          "exit status: 0 written, 1 post could not be rendered, 2 usage error,\n"
          "             3 set-up problem (fonts missing, theme missing or invalid,\n"
          "               render: output folder cannot be made)\n",
          fp);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "folio: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    fprintf(stderr, "try 'folio --help'\n");
    return EXIT_USAGE;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* fonts/: --fonts, $FOLIO_FONTS, next to the binary (../share/folio/fonts,
 * an install), the source tree (a build), the configured install prefix. */
static char *find_data_dir(const char *given, const char *env, const char *sub)
{
    if (given) return mem_strdup(given);
    const char *e = getenv(env);
    if (e && *e) return mem_strdup(e);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char cand[PATH_MAX + 64];
    if (n > 0) {
        exe[n] = 0;
        char *dir = dirname(exe);
        snprintf(cand, sizeof cand, "%s/../share/folio/%s", dir, sub);
        if (is_dir(cand)) return mem_strdup(cand);
    }
    snprintf(cand, sizeof cand, "%s/%s", FOLIO_SOURCE_DIR, sub);
    if (is_dir(cand)) return mem_strdup(cand);
    snprintf(cand, sizeof cand, "%s/%s", FOLIO_INSTALL_DATADIR, sub);
    return mem_strdup(cand);
}

/* <stem>.<kind>.pdf in the current folder; index.md and README.md take
 * their folder's name. */
static char *default_output(const char *input, const char *kind)
{
    char *copy = mem_strdup(input);
    char *base = basename(copy);
    char stem[PATH_MAX];
    snprintf(stem, sizeof stem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot) *dot = 0;
    if (!strcmp(stem, "index") || !strcmp(stem, "README")) {
        char *copy2 = mem_strdup(input);
        char *dir = dirname(copy2);
        char *abs = realpath(dir, NULL);
        snprintf(stem, sizeof stem, "%s", basename(abs ? abs : dir));
        free(abs);
        free(copy2);
    }
    free(copy);
    buf b = BUF_INIT;
    buf_addf(&b, "%s.%s.pdf", stem, kind);
    return buf_detach(&b);
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->allow = mem_calloc((size_t)argc + 1, sizeof *o->allow);
    o->theme_dirs = mem_calloc((size_t)argc + 1, sizeof *o->theme_dirs);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(EXIT_WRITTEN);
        } else if (!strcmp(a, "--version")) {
            printf("folio %s\n", FOLIO_VERSION);
            exit(EXIT_WRITTEN);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!next) return usage_error("%s needs a file name", a);
            o->output = argv[++i];
        } else if (!strcmp(a, "--paper")) {
            if (!next) return usage_error("%s needs a size", a);
            if (!theme_paper_parse(next, &o->paper))
                return usage_error("unknown paper size '%s' (expected a4, a5, letter or half-letter)", next);
            o->paper_set = true;
            i++;
        } else if (!strcmp(a, "--aspect")) {
            if (!next) return usage_error("%s needs a ratio", a);
            if (!strcmp(next, "16:9")) o->aspect = ASPECT_16_9;
            else if (!strcmp(next, "4:3")) o->aspect = ASPECT_4_3;
            else return usage_error("unknown aspect '%s' (expected 16:9 or 4:3)", next);
            i++;
        } else if (!strcmp(a, "--png")) {
            if (!next) return usage_error("%s needs a folder", a);
            o->png_dir = argv[++i];
        } else if (!strcmp(a, "--png-width")) {
            if (!next) return usage_error("%s needs a width in pixels", a);
            char *end;
            long w = strtol(next, &end, 10);
            if (*end || w < 64 || w > 8192)
                return usage_error("--png-width takes a number of pixels from 64 to 8192, not '%s'", next);
            o->png_width = (int)w;
            i++;
        } else if (!strcmp(a, "--fonts")) {
            if (!next) return usage_error("%s needs a folder", a);
            o->fonts_dir = argv[++i];
        } else if (!strcmp(a, "--allow-outside")) {
            if (!next) return usage_error("%s needs a folder", a);
            o->allow[o->nallow++] = argv[++i];
        } else if (!strcmp(a, "--dump")) {
            if (!next || strcmp(next, "boxes")) return usage_error("%s takes 'boxes'", a);
            o->dump = argv[++i];
        } else if (!strcmp(a, "--impose")) {
            if (!next || strcmp(next, "saddle")) return usage_error("%s takes 'saddle'", a);
            o->impose = argv[++i];
        } else if (!strcmp(a, "--sheet")) {
            if (!next) return usage_error("%s needs a size", a);
            if (!impose_sheet_parse(next, &o->sheet))
                return usage_error("unknown sheet size '%s' (expected a4 or letter)", next);
            o->sheet_set = true;
            i++;
        } else if (!strcmp(a, "--marks")) {
            o->marks = true;
        } else if (!strcmp(a, "--creep")) {
            if (!next) return usage_error("%s needs a length in mm", a);
            char *end;
            double mm = strtod(next, &end);
            if (end == next || *end || mm < -10 || mm > 10)
                return usage_error("--creep takes millimetres from -10 to 10, not '%s'", next);
            o->creep = argv[++i];
        } else if (!strcmp(a, "--handout")) {
            char *end;
            long n = next ? strtol(next, &end, 10) : 0;
            if (!next || *end || !impose_nup_valid((int)n))
                return usage_error("--handout takes 1, 2, 3, 4 or 6, not '%s'", next ? next : "");
            o->handout_n = (int)n;
            i++;
        } else if (!strcmp(a, "--theme")) {
            if (!next) return usage_error("%s needs a theme name or file", a);
            o->theme = argv[++i];
        } else if (!strcmp(a, "-T") || !strcmp(a, "--theme-dir")) {
            if (!next) return usage_error("%s needs a folder", a);
            o->theme_dirs[o->ntheme_dirs++] = argv[++i];
        } else if (!strcmp(a, "--strict")) {
            o->strict = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--absolute")) {
            o->absolute = true;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!o->command) {
            o->command = a;
        } else if (!o->input) {
            o->input = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!o->command) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(o->command, "handout") && strcmp(o->command, "slides") &&
        strcmp(o->command, "render") && strcmp(o->command, "inspect") &&
        strcmp(o->command, "themes"))
        return usage_error("unknown command '%s'", o->command);
    if (!strcmp(o->command, "themes")) {
        if (o->input) return usage_error("unexpected argument '%s'", o->input);
        return 0;
    }
    if (!o->input) return usage_error("%s needs a post (a Markdown file)", o->command);
    bool handout = !strcmp(o->command, "handout"), slides = !strcmp(o->command, "slides");
    if (!strcmp(o->command, "render")) {
        if (o->impose || o->handout_n || o->sheet_set || o->marks || o->creep)
            return usage_error("render writes the plain handout and slides; "
                               "print them with 'folio handout --impose' or 'folio slides --handout'");
        if (o->dump) return usage_error("--dump is for 'folio handout' and 'folio slides'");
        return 0;
    }
    if (o->impose && !handout) return usage_error("--impose is for handouts");
    if (o->handout_n && !slides) return usage_error("--handout is for slides");
    if ((o->marks || o->creep) && !o->impose)
        return usage_error("%s needs --impose saddle", o->marks ? "--marks" : "--creep");
    if (o->sheet_set && !o->impose && !o->handout_n)
        return usage_error("--sheet needs --impose saddle or --handout N");
    if (o->impose && o->paper_set)
        return usage_error("--paper cannot be combined with --impose (pages are half the --sheet)");
    return 0;
}

/* Prints diagnostics; returns true when the run may go on (no errors). */
static bool report(diag_list *dl, const options *o)
{
    if (o->strict) diag_promote_warnings(dl);
    diag_print(dl, stderr, o->quiet);
    return diag_errors(dl) == 0;
}

static int run_inspect(const options *o, diag_list *dl)
{
    article_opts ao = {o->allow};
    doc *d = article_load(o->input, &ao, dl);
    if (!d) {
        report(dl, o);
        return EXIT_FAILED;
    }
    buf out = BUF_INIT;
    doc_dump_json_with(d, dl, &out, o->absolute);
    fputs(out.s ? out.s : "", stdout);
    buf_free(&out);
    doc_free(d);
    return report(dl, o) ? EXIT_WRITTEN : EXIT_FAILED;
}

/* The theme search path: -T folders in order, the user's folder, then
 * folio's own themes/ (next to the binary, else the source tree). */
static themefile_cache *theme_cache(const options *o)
{
    themefile_cache *tc = themefile_cache_new();
    for (size_t i = 0; i < o->ntheme_dirs; i++) themefile_cache_add_dir(tc, o->theme_dirs[i]);
    char *user = themefile_user_dir();
    if (user) themefile_cache_add_dir(tc, user);
    free(user);
    char *bundled = find_data_dir(NULL, "FOLIO_THEMES", "themes");
    themefile_cache_add_dir(tc, bundled);
    free(bundled);
    return tc;
}

/* folio themes: one line per theme found, name, description, file. */
static int run_themes(const options *o, diag_list *dl)
{
    themefile_cache *tc = theme_cache(o);
    size_t n;
    themefile_entry *e = themefile_cache_list(tc, &n, dl);
    size_t w = 4;
    for (size_t i = 0; i < n; i++)
        if (strlen(e[i].name) > w) w = strlen(e[i].name);
    for (size_t i = 0; i < n; i++)
        printf("%-*s  %s  (%s)\n", (int)w, e[i].name,
               e[i].th ? e[i].description : "invalid: see the errors", e[i].file);
    free(e);
    themefile_cache_free(tc);
    return report(dl, o) ? EXIT_WRITTEN : EXIT_SETUP;
}

/* The theme (--theme, else the default) and the font set, with the theme
 * search path; NULL when either is missing, with the error in dl. */
static pipeline_env *open_env(const options *o, diag_list *dl)
{
    themefile_cache *tc = theme_cache(o);
    const theme *th = o->theme ? themefile_cache_get(tc, o->theme, dl) : theme_default();
    char *fonts_dir = th ? find_data_dir(o->fonts_dir, "FOLIO_FONTS", "fonts") : NULL;
    pipeline_env *env = th ? pipeline_env_new(fonts_dir, th, dl) : NULL;
    free(fonts_dir);
    if (env) pipeline_env_set_themes(env, tc);
    else themefile_cache_free(tc);
    return env;
}

/* What every command that renders a post takes from the options. */
static pipeline_job job_for(const options *o, pipeline_kind kind)
{
    pipeline_job job = {0};
    job.input = o->input;
    job.kind = kind;
    job.paper = o->paper;
    job.paper_set = o->paper_set;
    job.aspect = o->aspect;
    job.png_dir = kind == PIPELINE_SLIDES ? o->png_dir : NULL;
    job.png_width = o->png_width;
    job.allow_outside = o->allow;
    job.strict = o->strict;
    job.theme = o->theme;
    return job;
}

static int run_render(const options *o, diag_list *dl)
{
    pipeline_env *env = open_env(o, dl);
    if (!env) {
        report(dl, o);
        return EXIT_SETUP;
    }
    pipeline_job job = job_for(o, !strcmp(o->command, "slides") ? PIPELINE_SLIDES : PIPELINE_HANDOUT);
    job.dump = o->dump != NULL;
    job.booklet = o->impose != NULL;
    job.handout_per_page = o->handout_n;
    job.sheet = o->sheet;
    job.marks = o->marks;
    job.creep = o->creep ? THEME_MM(strtod(o->creep, NULL)) : 0;
    char *out = o->output ? mem_strdup(o->output) : default_output(o->input, o->command);
    job.output = out;
    buf dump = BUF_INIT;
    int status = pipeline_run(env, &job, dl, &dump, NULL);
    if (dump.len) fputs(dump.s, stdout);
    buf_free(&dump);
    free(out);
    if (!report(dl, o) && status == EXIT_WRITTEN) status = EXIT_FAILED;
    pipeline_env_free(env);
    return status;
}

/* One format of d for folio render; returns its pipeline status. */
static int render_one(pipeline_env *env, const doc *d, const options *o, pipeline_kind kind,
                      image_cache *images, diag_list *dl)
{
    pipeline_job job = job_for(o, kind);
    job.images = images;
    char *name = default_output(o->input, kind == PIPELINE_SLIDES ? "slides" : "handout");
    char *out = o->output ? file_join(o->output, name) : mem_strdup(name);
    job.output = out;
    int st = pipeline_run_doc(env, &job, d, dl, NULL, NULL);
    free(out);
    free(name);
    return st;
}

/* Loads the theme, the fonts and the post, then writes the n formats of
 * kinds; *loaded is set to how many diagnostics dl held once the post was
 * read (what is said after that is about these formats alone).  Returns
 * the exit status. */
static int render_kinds(const options *o, const pipeline_kind *kinds, size_t n, diag_list *dl,
                        size_t *loaded)
{
    pipeline_env *env = open_env(o, dl);
    *loaded = diag_count(dl);
    if (!env) return EXIT_SETUP;
    article_opts ao = {o->allow};
    doc *d = article_load(o->input, &ao, dl);
    int status = d ? EXIT_WRITTEN : EXIT_FAILED;
    if (d && o->output && !file_mkdirs(o->output)) {
        diag_add(dl, DIAG_ERROR, o->output, 0, 0, "cannot make the output folder: %s", strerror(errno));
        status = EXIT_SETUP;
    }
    *loaded = diag_count(dl);
    if (status == EXIT_WRITTEN) {
        image_cache *images = image_cache_new();
        for (size_t k = 0; k < n; k++) {
            int st = render_one(env, d, o, kinds[k], images, dl);
            if (st != EXIT_WRITTEN && status != EXIT_SETUP) status = st;
        }
        image_cache_free(images);
    }
    doc_free(d);
    pipeline_env_free(env);
    return status;
}

/* folio render: the handout and the slides of one post.  With two cores
 * the slides are written by a child process while this one writes the
 * handout: both PDFs then take about as long as the slower one (seed:
 * 0.18-0.20 s against 0.23-0.26 s one after the other, for 15 % more CPU
 * time).  The fork comes first, while the process has one thread: Pango
 * starts threads as soon as it has a font map, and a child forked while
 * one of them holds an allocator or fontconfig lock would wait for it
 * forever (seen under AddressSanitizer).  Each process loads the fonts
 * (a few ms from fontconfig's caches) and the post itself; the child
 * sends back what it said after reading the post, printed after the
 * handout's diagnostics, so the output reads as if run in turn.  A format
 * that fails does not stop the other. */
static int run_both(const options *o, diag_list *dl)
{
    static const pipeline_kind handout[] = {PIPELINE_HANDOUT},
                               both[] = {PIPELINE_HANDOUT, PIPELINE_SLIDES},
                               slides[] = {PIPELINE_SLIDES};
    int fds[2];
    pid_t pid = -1;
    if (sysconf(_SC_NPROCESSORS_ONLN) >= 2 && pipe(fds) == 0) {
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid < 0) {
            close(fds[0]);
            close(fds[1]);
        }
    }
    if (pid == 0) {
        close(fds[0]);
        size_t loaded;
        int st = render_kinds(o, slides, 1, dl, &loaded);
        diag_list *mine = diag_list_new();
        for (size_t i = loaded; i < diag_count(dl); i++) {
            const diag *g = diag_get(dl, i);
            diag_add(mine, g->severity, g->file, g->line, g->col, "%s", g->message);
        }
        if (o->strict) diag_promote_warnings(mine);
        if (diag_errors(mine) && st == EXIT_WRITTEN) st = EXIT_FAILED;
        FILE *f = fdopen(fds[1], "w");
        if (f) {
            diag_print(mine, f, o->quiet);
            fclose(f);
        }
        _exit(st);
    }
    size_t loaded;
    int status = pid > 0 ? render_kinds(o, handout, 1, dl, &loaded) : render_kinds(o, both, 2, dl, &loaded);
    buf child_text = BUF_INIT;
    if (pid > 0) {
        close(fds[1]);
        char chunk[4096];
        ssize_t n;
        while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            buf_addn(&child_text, chunk, (size_t)n);
        }
        close(fds[0]);
        int ws = 0;
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
        }
        int ss = WIFEXITED(ws) ? WEXITSTATUS(ws) : EXIT_FAILED;
        if (!WIFEXITED(ws))
            diag_add(dl, DIAG_ERROR, o->input, 0, 0,
                     "the slides were not written: their process died (signal %d)",
                     WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
        if (ss != EXIT_WRITTEN && status == EXIT_WRITTEN) status = ss;
    }
    if (!report(dl, o) && status == EXIT_WRITTEN) status = EXIT_FAILED;
    if (child_text.len) fputs(child_text.s, stderr);
    buf_free(&child_text);
    return status;
}

static void batch_usage(FILE *fp)
{
    fputs("usage: folio batch DIR... -o OUTDIR [options]\n"
          "       folio batch --merge-manifests A.jsonl B.jsonl... -o MERGED.jsonl\n"
          "                   [--catalogue OUTDIR]\n"
          "\n"
          "Renders every post under each DIR (a folder's index.md or README.md, any\n"
          "*.md with front matter; drafts, hidden folders and node_modules left out)\n"
          "to OUTDIR/<folder>/<name>.handout.pdf and .slides.pdf, skipping posts\n"
          "whose inputs have not changed since the manifest was written, and then\n"
          "OUTDIR/index.pdf, a catalogue of them all (rebuilt only when it changes).\n"
          "\n"
          "options:\n"
          "  -o, --output DIR      where to write (the tree mirrors each DIR)\n"
          "      --formats LIST    handout, slides or handout,slides (default)\n"
          "  -j, --jobs N          worker processes (default: the number of cores)\n"
          "      --force           render every post, up to date or not\n"
          "      --shard K/N       render only shard K of N (a cluster: see docs/cluster.md)\n"
          "      --manifest FILE   default OUTDIR/manifest.jsonl, with --shard\n"
          "                        OUTDIR/manifest-K-of-N.jsonl\n"
          "      --theme NAME|PATH a theme for every post (default: each post's front\n"
          "                        matter 'theme:', else default)\n"
          "  -T, --theme-dir DIR   look for themes in DIR first (repeatable)\n"
          "      --fail-fast       stop at the first failed post\n"
          "      --timeout S       seconds a post may take before it is killed (default 60, 0: none)\n"
          "      --memory MB       address space a worker may use (default 1024, 0: none)\n"
          "      --worker-rss MB   replace a worker resident above MB after a post by a\n"
          "                        fresh one (default 64, 0: never)\n"
          "      --fonts DIR       folio's fonts folder (default: the installed one)\n"
          "      --no-catalogue    do not write OUTDIR/index.pdf\n"
          "      --merge-manifests merge shard manifests (given as arguments) into -o FILE\n"
          "      --catalogue OUTDIR  with --merge-manifests: then write OUTDIR/index.pdf\n"
          "                        from the merged manifest (OUTDIR: where the shards wrote)\n"
          "\n"
          "exit status: 0 every post rendered or up to date, 1 some post failed,\n"
          "             2 usage error, 3 set-up problem (fonts, output folder),\n"
          "             130/143 interrupted by SIGINT/SIGTERM (run again to continue)\n",
          fp);
}

static int parse_count(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || n < lo || n > hi)
        return usage_error("%s takes a number from %ld to %ld, not '%s'", opt, lo, hi,
                           v ? v : "");
    *out = n;
    return 0;
}

/* folio batch: its own options, then batch_run() (which prints progress
 * and the summary itself). */
static int run_batch(int argc, char **argv)
{
    const char **dirs = mem_calloc((size_t)argc + 1, sizeof *dirs);
    size_t ndirs = 0;
    batch_opts bo = {0};
    bo.handout = bo.slides = true;
    bo.timeout_s = 60;
    /* 1 GiB of address space: the largest corpus post peaks at ~300 MB
     * resident in a worker (fonts, decoded photos); the limit stops only
     * runaways. */
    bo.memory_mb = 1024;
    /* Workers keep fonts, glyph caches and cut faces warm from post to
     * post (a fresh worker per post is 40 % slower on the corpus), and
     * grow with what they have seen: past 64 MiB between posts (issue
     * #8's budget per process) one retires and a fresh fork takes over. */
    bo.worker_rss_mb = 64;
    bool merge = false;
    const char *catalogue_dir = NULL;   /* --merge-manifests --catalogue OUTDIR */
    const char *theme_name = NULL;
    const char **theme_dirs = mem_calloc((size_t)argc + 1, sizeof *theme_dirs);
    size_t ntheme_dirs = 0;
    int rc = 0;
    for (int i = 2; i < argc && !rc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            batch_usage(stdout);
            free(dirs);
            return EXIT_WRITTEN;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else bo.outdir = argv[++i];
        } else if (!strcmp(a, "--formats")) {
            if (!next) {
                rc = usage_error("%s needs a list", a);
                break;
            }
            bo.handout = bo.slides = false;
            char *list = mem_strdup(argv[++i]);
            for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
                if (!strcmp(tok, "handout")) bo.handout = true;
                else if (!strcmp(tok, "slides")) bo.slides = true;
                else rc = usage_error("unknown format '%s' (expected handout or slides)", tok);
            }
            free(list);
            if (!rc && !bo.handout && !bo.slides) rc = usage_error("--formats needs a format");
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            rc = parse_count("-j", a + 2, 1, 1024, &v);
            bo.jobs = (int)v;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            rc = parse_count(a, next, 1, 1024, &v);
            bo.jobs = (int)v;
            i++;
        } else if (!strcmp(a, "--timeout")) {
            rc = parse_count(a, next, 0, 86400, &v);
            bo.timeout_s = (int)v;
            i++;
        } else if (!strcmp(a, "--memory")) {
            rc = parse_count(a, next, 0, 1L << 30, &v);
            if (!rc && v && v < 256) rc = usage_error("--memory: %ld MB is too little to render anything (at least 256)", v);
            bo.memory_mb = v;
            i++;
        } else if (!strcmp(a, "--worker-rss")) {
            rc = parse_count(a, next, 0, 1L << 30, &v);
            bo.worker_rss_mb = v;
            i++;
        } else if (!strcmp(a, "--shard")) {
            if (!next || !shard_parse(next, &bo.shard_k, &bo.shard_n))
                rc = usage_error("--shard takes K/N with 1 <= K <= N, not '%s'", next ? next : "");
            i++;
        } else if (!strcmp(a, "--manifest")) {
            if (!next) rc = usage_error("%s needs a file name", a);
            else bo.manifest = argv[++i];
        } else if (!strcmp(a, "--theme")) {
            if (!next) rc = usage_error("%s needs a theme name or file", a);
            else theme_name = argv[++i];
        } else if (!strcmp(a, "-T") || !strcmp(a, "--theme-dir")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else theme_dirs[ntheme_dirs++] = argv[++i];
        } else if (!strcmp(a, "--fonts")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else bo.fonts_dir = argv[++i];
        } else if (!strcmp(a, "--force")) {
            bo.force = true;
        } else if (!strcmp(a, "--fail-fast")) {
            bo.fail_fast = true;
        } else if (!strcmp(a, "--merge-manifests")) {
            merge = true;
        } else if (!strcmp(a, "--no-catalogue")) {
            bo.no_catalogue = true;
        } else if (!strcmp(a, "--catalogue")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else catalogue_dir = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option '%s'", a);
        } else {
            dirs[ndirs++] = a;
        }
    }
    if (!rc && !bo.outdir)
        rc = usage_error(merge ? "--merge-manifests needs -o MERGED.jsonl"
                               : "batch needs -o OUTDIR");
    if (!rc && !ndirs)
        rc = usage_error(merge ? "--merge-manifests needs manifests to merge"
                               : "batch needs a folder of posts");
    if (!rc && catalogue_dir && !merge)
        rc = usage_error("--catalogue is for --merge-manifests (a batch writes OUTDIR/index.pdf itself)");
    if (rc) {
        free(dirs);
        free(theme_dirs);
        return rc;
    }
    diag_list *dl = diag_list_new();
    options to = {0};
    to.theme_dirs = theme_dirs;
    to.ntheme_dirs = ntheme_dirs;
    themefile_cache *tc = merge && !catalogue_dir ? NULL : theme_cache(&to);
    bo.th = theme_name && tc ? themefile_cache_get(tc, theme_name, dl) : theme_default();
    bo.theme = theme_name;
    bo.themes = tc;
    if ((!merge || catalogue_dir) && !bo.th) {
        themefile_cache_free(tc);
        rc = EXIT_SETUP;
    } else if (merge) {
        rc = batch_merge_manifests(dirs, ndirs, bo.outdir, dl) ? EXIT_WRITTEN : EXIT_FAILED;
        if (rc == EXIT_WRITTEN && catalogue_dir) {
            /* The catalogue of the merged manifest, in the shards' OUTDIR. */
            char *fonts_dir = find_data_dir(bo.fonts_dir, "FOLIO_FONTS", "fonts");
            const char *merged = bo.outdir;
            bo.outdir = catalogue_dir;
            bo.fonts_dir = fonts_dir;
            bo.out = stderr;
            rc = batch_catalogue_run(merged, &bo, dl);
            free(fonts_dir);
        }
        themefile_cache_free(tc);
    } else {
        char *fonts_dir = find_data_dir(bo.fonts_dir, "FOLIO_FONTS", "fonts");
        bo.fonts_dir = fonts_dir;
        bo.dirs = dirs;
        bo.ndirs = ndirs;
        bo.out = stderr;
        bo.tty = isatty(STDERR_FILENO);
        rc = batch_run(&bo, dl);
        free(fonts_dir);
    }
    diag_print(dl, stderr, false);
    diag_list_free(dl);
    free(dirs);
    free(theme_dirs);
    return rc;
}

static void book_usage(FILE *fp)
{
    fputs("usage: folio book POST... -o BOOK.pdf [options]\n"
          "\n"
          "Renders several posts as one printable volume: a cover, a contents page\n"
          "listing every post and its sections, then each post from a right-hand\n"
          "page on, its cover first, with page numbers running through the volume\n"
          "and one bookmark per post.  A POST is a Markdown file, or a folder holding\n"
          "index.md (else README.md); each post's images come from its own folder.\n"
          "\n"
          "options:\n"
          "  -o, --output FILE     the PDF to write (required unless --dump)\n"
          "      --title TEXT      the volume's title (default: the years its posts\n"
          "                        span, \"2023 – 2024\"; a single post's title)\n"
          "      --order ORDER     date: oldest post first, undated posts last\n"
          "                        (default); args: as given\n"
          "      --paper SIZE      a4, a5, letter or half-letter (default: the theme's)\n"
          "      --theme NAME|PATH a theme by name or YAML file (default: the first\n"
          "                        post's front matter 'theme:', else default)\n"
          "  -T, --theme-dir DIR   look for themes in DIR first (repeatable)\n"
          "      --fonts DIR       folio's fonts folder (default: the installed one)\n"
          "      --allow-outside DIR  let images come from DIR too (repeatable)\n"
          "      --strict          treat warnings as errors\n"
          "  -q, --quiet           do not print warnings\n"
          "      --dump boxes      print the laid-out pages as text instead of writing\n"
          "\n"
          "exit status: 0 written, 1 a post could not be loaded or the book written\n"
          "             (nothing is written then), 2 usage error, 3 set-up problem\n"
          "             (fonts missing, theme missing or invalid)\n",
          fp);
}

/* folio book: its own options (several posts), then one pipeline run. */
static int run_book(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    o.command = "book";
    o.allow = mem_calloc((size_t)argc + 1, sizeof *o.allow);
    o.theme_dirs = mem_calloc((size_t)argc + 1, sizeof *o.theme_dirs);
    const char **posts = mem_calloc((size_t)argc + 1, sizeof *posts);
    size_t nposts = 0;
    const char *title = NULL;
    book_order order = BOOK_ORDER_DATE;
    int rc = 0;
    for (int i = 2; i < argc && !rc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            book_usage(stdout);
            rc = -1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!next) rc = usage_error("%s needs a file name", a);
            else o.output = argv[++i];
        } else if (!strcmp(a, "--title")) {
            if (!next) rc = usage_error("%s needs a title", a);
            else title = argv[++i];
        } else if (!strcmp(a, "--order")) {
            if (next && !strcmp(next, "date")) order = BOOK_ORDER_DATE;
            else if (next && !strcmp(next, "args")) order = BOOK_ORDER_ARGS;
            else rc = usage_error("--order takes date or args, not '%s'", next ? next : "");
            i++;
        } else if (!strcmp(a, "--paper")) {
            if (!next) rc = usage_error("%s needs a size", a);
            else if (!theme_paper_parse(next, &o.paper))
                rc = usage_error("unknown paper size '%s' (expected a4, a5, letter or half-letter)", next);
            o.paper_set = true;
            i++;
        } else if (!strcmp(a, "--theme")) {
            if (!next) rc = usage_error("%s needs a theme name or file", a);
            else o.theme = argv[++i];
        } else if (!strcmp(a, "-T") || !strcmp(a, "--theme-dir")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else o.theme_dirs[o.ntheme_dirs++] = argv[++i];
        } else if (!strcmp(a, "--fonts")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else o.fonts_dir = argv[++i];
        } else if (!strcmp(a, "--allow-outside")) {
            if (!next) rc = usage_error("%s needs a folder", a);
            else o.allow[o.nallow++] = argv[++i];
        } else if (!strcmp(a, "--dump")) {
            if (!next || strcmp(next, "boxes")) rc = usage_error("%s takes 'boxes'", a);
            else o.dump = argv[++i];
        } else if (!strcmp(a, "--strict")) {
            o.strict = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o.quiet = true;
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option '%s'", a);
        } else {
            posts[nposts++] = a;
        }
    }
    if (!rc && !nposts) rc = usage_error("book needs posts (Markdown files or their folders)");
    if (!rc && !o.output && !o.dump) rc = usage_error("book needs -o BOOK.pdf");
    if (rc) {
        free(posts);
        free(o.allow);
        free(o.theme_dirs);
        return rc < 0 ? EXIT_WRITTEN : rc;
    }

    diag_list *dl = diag_list_new();
    themefile_cache *tc = theme_cache(&o);
    const theme *th = o.theme ? themefile_cache_get(tc, o.theme, dl) : theme_default();
    char *fonts_dir = find_data_dir(o.fonts_dir, "FOLIO_FONTS", "fonts");
    pipeline_env *env = th ? pipeline_env_new(fonts_dir, th, dl) : NULL;
    free(fonts_dir);
    if (!env) {
        themefile_cache_free(tc);
        report(dl, &o);
        rc = EXIT_SETUP;
    } else {
        pipeline_env_set_themes(env, tc);
        pipeline_book_job job = {0};
        job.inputs = posts;
        job.ninputs = nposts;
        job.output = o.output;
        job.paper = o.paper;
        job.paper_set = o.paper_set;
        job.theme = o.theme;
        job.title = title;
        job.order = order;
        job.allow_outside = o.allow;
        job.strict = o.strict;
        job.dump = o.dump != NULL;
        buf dump = BUF_INIT;
        rc = pipeline_run_book(env, &job, dl, &dump, NULL);
        if (dump.len) fputs(dump.s, stdout);
        buf_free(&dump);
        if (!report(dl, &o) && rc == EXIT_WRITTEN) rc = EXIT_FAILED;
        pipeline_env_free(env);
    }
    diag_list_free(dl);
    free(posts);
    free(o.allow);
    free(o.theme_dirs);
    return rc;
}

int main(int argc, char **argv)
{
    /* Past a file size limit (ulimit -f) a write fails with EFBIG instead
     * of the kernel killing us with SIGXFSZ, so the output code can report
     * it and remove its temporary file (batch workers inherit this). */
    signal(SIGXFSZ, SIG_IGN);
    if (argc > 1 && !strcmp(argv[1], "batch")) return run_batch(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "book")) return run_book(argc, argv);
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        free(o.allow);
        free(o.theme_dirs);
        return rc;
    }
    diag_list *dl = diag_list_new();
    if (!strcmp(o.command, "inspect")) rc = run_inspect(&o, dl);
    else if (!strcmp(o.command, "themes")) rc = run_themes(&o, dl);
    else if (!strcmp(o.command, "render")) rc = run_both(&o, dl);
    else rc = run_render(&o, dl);
    diag_list_free(dl);
    free(o.allow);
    free(o.theme_dirs);
    return rc;
}
