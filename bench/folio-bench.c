/* folio-bench: in-process measurements for bench/run.sh.
 *
 *   folio-bench warm POST.md [RUNS]     set-up once, then RUNS (default 10)
 *                                       rounds of handout + deck, written to
 *                                       a temporary folder; prints the set-up
 *                                       time, the first round and the median
 *                                       of the others, in ms
 *   folio-bench stages POST.md          one handout, stage by stage: time
 *                                       and peak RSS (VmHWM) after each
 *   folio-bench glyphs POST.md [slides] the glyph ids the handout's (or the
 *                                       deck's) PDF keeps of each CJK face:
 *                                       "FILE INDEX GID...", for comparing
 *                                       with another subsetter
 *
 * Uses folio_core as the CLI does (the fonts and themes of the source
 * tree); never part of the tests.  Timing is wall clock (CLOCK_MONOTONIC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "config.h"
#include "doc/doc.h"
#include "input/article.h"
#include "layout/handout.h"
#include "layout/pageset.h"
#include "layout/slides.h"
#include "pipeline.h"
#include "render/pdf.h"
#include "style/theme.h"
#include "style/themefile.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A field of /proc/self/status in KB ("VmHWM", "RssAnon", "RssFile"). */
static long status_kb(const char *field)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    size_t n = strlen(field);
    long kb = -1;
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, field, n) && line[n] == ':') kb = strtol(line + n + 1, NULL, 10);
    if (fp) fclose(fp);
    return kb;
}

static long vm_hwm_kb(void) { return status_kb("VmHWM"); }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static pipeline_env *setup(diag_list *dl)
{
    themefile_cache *tc = themefile_cache_new();
    themefile_cache_add_dir(tc, FOLIO_SOURCE_DIR "/themes");
    pipeline_env *env = pipeline_env_new(FOLIO_SOURCE_DIR "/fonts", theme_default(), dl);
    if (!env) {
        themefile_cache_free(tc);
        return NULL;
    }
    pipeline_env_set_themes(env, tc);
    return env;
}

static int fail(diag_list *dl)
{
    diag_print(dl, stderr, false);
    return 1;
}

static int run_warm(const char *post, int runs)
{
    diag_list *dl = diag_list_new();
    double t0 = now_ms();
    pipeline_env *env = setup(dl);
    if (!env) return fail(dl);
    double t_setup = now_ms() - t0;
    char dir[] = "/tmp/folio-bench.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char hpath[64], spath[64];
    snprintf(hpath, sizeof hpath, "%s/h.pdf", dir);
    snprintf(spath, sizeof spath, "%s/s.pdf", dir);
    double *h = calloc((size_t)runs + 1, sizeof *h), *s = calloc((size_t)runs + 1, sizeof *s);
    double *both = calloc((size_t)runs + 1, sizeof *both);
    for (int i = 0; i <= runs; i++) {
        pipeline_job hj = {.input = post, .output = hpath, .kind = PIPELINE_HANDOUT};
        pipeline_job sj = {.input = post, .output = spath, .kind = PIPELINE_SLIDES};
        double a = now_ms();
        if (pipeline_run(env, &hj, dl, NULL, NULL) != PIPELINE_OK) return fail(dl);
        double b = now_ms();
        if (pipeline_run(env, &sj, dl, NULL, NULL) != PIPELINE_OK) return fail(dl);
        double c = now_ms();
        h[i] = b - a;
        s[i] = c - b;
        both[i] = c - a;
    }
    printf("setup_ms %.2f\nfirst_handout_ms %.2f\nfirst_slides_ms %.2f\n", t_setup, h[0], s[0]);
    qsort(h + 1, (size_t)runs, sizeof *h, cmp_double);
    qsort(s + 1, (size_t)runs, sizeof *s, cmp_double);
    qsort(both + 1, (size_t)runs, sizeof *both, cmp_double);
    printf("warm_handout_ms %.2f\nwarm_slides_ms %.2f\nwarm_both_ms %.2f\nruns %d\n",
           h[1 + runs / 2], s[1 + runs / 2], both[1 + runs / 2], runs);
    printf("peak_rss_kb %ld\n", vm_hwm_kb());
    unlink(hpath);
    unlink(spath);
    rmdir(dir);
    free(h);
    free(s);
    free(both);
    pipeline_env_free(env);
    diag_list_free(dl);
    return 0;
}

static pageset *lay_out(pipeline_env *env, const doc *d, bool slides, diag_list *dl)
{
    if (slides) {
        slides_opts so = {ASPECT_16_9};
        return slides_layout(d, pipeline_env_theme(env), pipeline_env_fonts(env), &so, dl);
    }
    handout_opts ho = {pipeline_env_theme(env)->paper};
    return handout_layout(d, pipeline_env_theme(env), pipeline_env_fonts(env), &ho, dl);
}

static int run_stages(const char *post)
{
    diag_list *dl = diag_list_new();
    double t = now_ms(), t0 = t;
    printf("%-8s %9s %9s %9s %9s\n", "stage", "ms", "VmHWM KB", "anon KB", "file KB");
    printf("%-8s %9.2f %9ld %9ld %9ld\n", "start", 0.0, vm_hwm_kb(), status_kb("RssAnon"),
           status_kb("RssFile"));
#define STAGE(name)                                                                    \
    do {                                                                               \
        double n = now_ms();                                                           \
        printf("%-8s %9.2f %9ld %9ld %9ld\n", name, n - t, vm_hwm_kb(),                \
               status_kb("RssAnon"), status_kb("RssFile"));                            \
        t = n;                                                                         \
    } while (0)
    pipeline_env *env = setup(dl);
    if (!env) return fail(dl);
    STAGE("fonts");
    article_opts ao = {NULL};
    doc *d = article_load(post, &ao, dl);
    if (!d) return fail(dl);
    STAGE("load");
    pageset *ps = lay_out(env, d, false, dl);
    STAGE("layout");
    if (!pdf_write(ps, "/tmp/folio-bench-stages.pdf", post, dl)) return fail(dl);
    STAGE("pdf");
    unlink("/tmp/folio-bench-stages.pdf");
    printf("%-8s %9.2f\n", "total", now_ms() - t0);
    pageset_free(ps);
    doc_free(d);
    pipeline_env_free(env);
    diag_list_free(dl);
    return 0;
}

static int run_glyphs(const char *post, bool slides)
{
    diag_list *dl = diag_list_new();
    pipeline_env *env = setup(dl);
    if (!env) return fail(dl);
    article_opts ao = {NULL};
    doc *d = article_load(post, &ao, dl);
    if (!d) return fail(dl);
    pageset *ps = lay_out(env, d, slides, dl);
    buf out = BUF_INIT;
    pdf_describe_fonts(ps, &out);
    fputs(out.s ? out.s : "", stdout);
    buf_free(&out);
    pageset_free(ps);
    doc_free(d);
    pipeline_env_free(env);
    diag_list_free(dl);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "warm")) return run_warm(argv[2], argc > 3 ? atoi(argv[3]) : 10);
    if (argc >= 3 && !strcmp(argv[1], "stages")) return run_stages(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "glyphs"))
        return run_glyphs(argv[2], argc > 3 && !strcmp(argv[3], "slides"));
    fputs("usage: folio-bench warm POST.md [RUNS] | stages POST.md | glyphs POST.md [slides]\n",
          stderr);
    return 2;
}
