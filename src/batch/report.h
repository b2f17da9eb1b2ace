/* report: what a batch tells the person watching it.
 *
 * On a terminal, one progress line redrawn in place (\r):
 *   [##########··········] 120/500  3.4 posts/s  ETA 1:52  2 failed
 * with each failure printed above it as it happens.  Elsewhere (a log, CI)
 * one line per post rendered or failed.  At the end a summary: rendered,
 * skipped, failed with each failure's first error line, warnings.
 * With the batch driver (batch.c) this is the only code in src/ besides
 * main.c that prints.
 */
#ifndef FOLIO_REPORT_H
#define FOLIO_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct report report;

/* total: the posts that will be rendered (not the skipped ones).  tty
 * selects the progress bar.  Returns a new reporter owned by the caller;
 * free with report_free(). */
report *report_new(FILE *fp, bool tty, size_t total);
void report_free(report *r);

/* One post finished; error is its first error line (NULL when ok). */
void report_post(report *r, const char *source, bool ok, int pages, int warnings, long ms,
                 const char *error);
/* Redraws the progress line (a terminal only; at most a few times a second). */
void report_tick(report *r);

typedef struct report_totals {
    size_t skipped;       /* up to date */
    size_t drafts;
    size_t other_shards;  /* left to other shards */
    size_t not_run;       /* interrupted or --fail-fast */
    int signal;           /* the interrupting signal, 0 when none */
    long peak_rss_kb;     /* largest worker, 0 when no worker ran */
    const char *manifest;
    const char *catalogue; /* what became of OUTDIR/index.pdf, or NULL (none made) */
} report_totals;

/* Prints the summary.  Returns the number of failed posts. */
size_t report_summary(report *r, const report_totals *t);

#endif
