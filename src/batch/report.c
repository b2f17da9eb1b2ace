/* report: progress and summary of a batch (see report.h).
 *
 * Rates and the ETA use the wall clock since the first post started, so
 * they include everything the batch does; the ETA is remaining / rate,
 * shown once a post has finished.  The bar is redrawn at most every
 * REDRAW_MS so that a fast incremental run does not spend its time
 * printing.
 */
#include "batch/report.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"

/* Five redraws a second look live without costing anything. */
#define REDRAW_MS 200
#define BAR_WIDTH 24

typedef struct failure {
    char *source, *error;
} failure;

struct report {
    FILE *fp;
    bool tty;
    size_t total, done, failed_n, rendered;
    long warnings;
    struct timespec start, last_draw;
    bool drawn;
    failure *fails;
    size_t nfails, capfails;
};

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

report *report_new(FILE *fp, bool tty, size_t total)
{
    report *r = mem_calloc(1, sizeof *r);
    r->fp = fp;
    r->tty = tty;
    r->total = total;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    return r;
}

void report_free(report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nfails; i++) {
        free(r->fails[i].source);
        free(r->fails[i].error);
    }
    free(r->fails);
    free(r);
}

static void clear_line(report *r)
{
    if (r->tty && r->drawn) fputs("\r\033[K", r->fp);
    r->drawn = false;
}

static void draw(report *r)
{
    if (!r->tty || !r->total) return;
    double secs = seconds_since(&r->start);
    double rate = secs > 0 ? (double)r->done / secs : 0;
    size_t fill = r->total ? r->done * BAR_WIDTH / r->total : 0;
    fputs("\r[", r->fp);
    for (size_t i = 0; i < BAR_WIDTH; i++) fputs(i < fill ? "#" : "\xC2\xB7", r->fp);
    fprintf(r->fp, "] %zu/%zu  %.1f posts/s", r->done, r->total, rate);
    if (r->done && rate > 0) {
        long eta = (long)((double)(r->total - r->done) / rate + 0.5);
        fprintf(r->fp, "  ETA %ld:%02ld", eta / 60, eta % 60);
    }
    if (r->failed_n) fprintf(r->fp, "  %zu failed", r->failed_n);
    fputs("\033[K", r->fp);
    fflush(r->fp);
    r->drawn = true;
    clock_gettime(CLOCK_MONOTONIC, &r->last_draw);
}

void report_tick(report *r)
{
    if (r->tty && seconds_since(&r->last_draw) * 1000 >= REDRAW_MS) draw(r);
}

void report_post(report *r, const char *source, bool ok, int pages, int warnings, long ms,
                 const char *error)
{
    r->done++;
    r->warnings += warnings;
    if (ok) {
        r->rendered++;
    } else {
        r->failed_n++;
        failure *f = &MEM_PUSH(r->fails, r->nfails, r->capfails);
        f->source = mem_strdup(source);
        f->error = mem_strdup(error ? error : "failed");
    }
    if (r->tty) {
        if (!ok) {
            clear_line(r);
            fprintf(r->fp, "failed  %s: %s\n", source, error ? error : "failed");
        }
        report_tick(r);
        if (r->done == r->total) draw(r);
        return;
    }
    if (ok)
        fprintf(r->fp, "ok      %s  %d pages, %d warning%s, %.1f s\n", source, pages, warnings,
                warnings == 1 ? "" : "s", (double)ms / 1000.0);
    else
        fprintf(r->fp, "failed  %s: %s\n", source, error ? error : "failed");
    fflush(r->fp);
}

size_t report_summary(report *r, const report_totals *t)
{
    clear_line(r);
    double secs = seconds_since(&r->start);
    if (t->signal)
        fprintf(r->fp, "interrupted by %s: %zu post%s not rendered; run again to continue\n",
                t->signal == SIGINT ? "SIGINT" : t->signal == SIGTERM ? "SIGTERM" : "a signal",
                t->not_run, t->not_run == 1 ? "" : "s");
    else if (t->not_run)
        fprintf(r->fp, "stopped at the first failure (--fail-fast): %zu post%s not rendered\n",
                t->not_run, t->not_run == 1 ? "" : "s");
    fprintf(r->fp, "%zu rendered, %zu skipped (up to date), %zu failed, %ld warning%s", r->rendered,
            t->skipped, r->failed_n, r->warnings, r->warnings == 1 ? "" : "s");
    if (t->drafts) fprintf(r->fp, ", %zu draft%s left out", t->drafts, t->drafts == 1 ? "" : "s");
    if (t->other_shards) fprintf(r->fp, ", %zu in other shards", t->other_shards);
    fprintf(r->fp, " in %.1f s", secs);
    if (r->rendered + r->failed_n && secs > 0)
        fprintf(r->fp, " (%.1f posts/s)", (double)(r->rendered + r->failed_n) / secs);
    fputc('\n', r->fp);
    if (t->peak_rss_kb)
        fprintf(r->fp, "peak memory of a worker: %.0f MB\n", (double)t->peak_rss_kb / 1024.0);
    if (r->nfails) {
        fprintf(r->fp, "failed posts:\n");
        for (size_t i = 0; i < r->nfails; i++)
            fprintf(r->fp, "  %s: %s\n", r->fails[i].source, r->fails[i].error);
    }
    if (t->manifest) fprintf(r->fp, "manifest: %s\n", t->manifest);
    if (t->catalogue) fprintf(r->fp, "catalogue: %s\n", t->catalogue);
    fflush(r->fp);
    return r->failed_n;
}
