/* batch: render a whole archive, incrementally, in parallel, in shards.
 *
 *   discover (batch/discover.c) → shard filter (batch/shard.c) → up-to-date
 *   check against the manifest (batch/manifest.c) → the rest rendered by
 *   worker processes (batch/pool.c, pipeline_run_doc per format) →
 *   progress and summary (batch/report.c) → manifest rewritten.
 *
 * Fonts are loaded once, before the workers are forked, and only when
 * something needs rendering: a run over an unchanged archive stats its
 * files, compares the manifest and exits without starting a worker.
 */
#ifndef FOLIO_BATCH_H
#define FOLIO_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/diag.h"
#include "style/theme.h"
#include "style/themefile.h"

typedef struct batch_opts {
    const char *const *dirs;  /* archive folders */
    size_t ndirs;
    const char *outdir;
    bool handout, slides;     /* formats; at least one */
    int jobs;                 /* worker processes; 0 = the number of cores */
    bool force;               /* render even what is up to date */
    bool fail_fast;           /* stop at the first failed post */
    unsigned shard_k, shard_n;/* render shard k of n (1-based); n = 0: all */
    const char *manifest;     /* NULL: OUTDIR/manifest.jsonl (manifest-K-of-N.jsonl for a shard) */
    const char *fonts_dir;
    const theme *th;          /* the env's theme: --theme's, else the default */
    const char *theme;        /* --theme NAME|PATH (wins over front matter), or NULL */
    themefile_cache *themes;  /* the theme search path; batch_run() takes ownership */
    int timeout_s;            /* per post; 0 = none */
    long memory_mb;           /* per worker; 0 = none */
    long worker_rss_mb;       /* a worker resident above this after a post is
                                 replaced by a fresh one; 0 = never */
    FILE *out;                /* where progress and the summary go */
    bool tty;                 /* out is a terminal: progress bar */
    bool no_catalogue;        /* no OUTDIR/index.pdf (batch/index.h); posts still
                                 record their facts and thumbnail */
} batch_opts;

/* Exit statuses beyond pipeline.h's: interrupted by SIGINT or SIGTERM. */
enum { BATCH_INTERRUPTED = 128 };

/* Runs the batch, printing progress and the summary to o->out.  Returns
 * PIPELINE_OK (0) when every post in scope was rendered or up to date,
 * PIPELINE_FAILED (1) when any failed, PIPELINE_USAGE (2) for bad folders,
 * PIPELINE_SETUP (3) when fonts or the output folder are unusable (with
 * the reason appended to dl), and 128 + the signal when interrupted. */
int batch_run(const batch_opts *o, diag_list *dl);

/* Merges the manifests of several shards into one (records of a later
 * file replace those of an earlier one with the same source), written
 * atomically to output.  Returns false with an error appended when an
 * input cannot be read or the output written. */
bool batch_merge_manifests(const char *const *inputs, size_t n, const char *output,
                           diag_list *dl);

/* Brings OUTDIR/index.pdf, the archive catalogue (batch/index.h), up to
 * date with the manifest at manifest_path, e.g. one merged from shards;
 * o gives outdir (the folder the records' outputs are relative to), th,
 * fonts_dir, force and out, where one "catalogue: ..." line is printed.
 * Returns PIPELINE_OK when it is written or up to date, PIPELINE_FAILED
 * when the manifest cannot be read or the PDF written, PIPELINE_SETUP
 * when the fonts are missing (the reason appended to dl). */
int batch_catalogue_run(const char *manifest_path, const batch_opts *o, diag_list *dl);

#endif
