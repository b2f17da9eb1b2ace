/* pool: worker processes that run tasks in isolation.
 *
 * A batch renders each post in a forked worker, so that a post that
 * crashes, hangs or eats memory takes down only its own worker.  The
 * workers are forked from the calling process after it has loaded what
 * every task needs (fonts), which they then share copy-on-write; a worker
 * runs many tasks, one at a time, and a dead one is replaced on the next
 * pool_submit().  A worker whose resident set has grown past the budget
 * retires after answering (it says so with its answer, so no task is ever
 * handed to a worker on its way out).
 *
 * A task is an index; the worker calls fn(ctx, task, reply) and the bytes
 * it appends to reply come back to the parent in a pool_event.  The parent
 * enforces a wall-clock limit per task (SIGKILL), workers run under an
 * address-space limit (setrlimit RLIMIT_AS: allocation fails, folio's
 * allocator aborts), and SIGINT/SIGTERM sent to the parent arrive as a
 * POOL_INTERRUPTED event instead of killing it (a signalfd: no handler,
 * no global state).  Workers ignore SIGINT (a terminal's Ctrl-C reaches
 * the whole process group; the parent decides) and die with the parent
 * (PR_SET_PDEATHSIG), so a SIGKILLed batch leaves no worker behind.
 *
 * While a pool exists, the calling process blocks SIGINT and SIGTERM and
 * ignores SIGPIPE; pool_free() restores both.  Linux only (signalfd,
 * prctl).  Nothing here prints; what a worker writes to stderr is kept
 * (the last line) for the crash report.
 */
#ifndef FOLIO_POOL_H
#define FOLIO_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/diag.h"

/* Runs in a worker: does task and appends the answer to reply.  The
 * return value is ignored (a worker that cannot answer should crash). */
typedef void (*pool_fn)(void *ctx, size_t task, buf *reply);

typedef struct pool_opts {
    int workers;       /* processes, >= 1 */
    int timeout_s;     /* wall-clock limit per task; 0 = none */
    long memory_mb;    /* address-space limit per worker; 0 = none */
    long rss_budget_kb;/* a worker resident above this once a task is done
                          retires and is replaced by a fresh fork: caches
                          and heap grown by earlier tasks do not add up over
                          an archive; 0 = never */
} pool_opts;

typedef enum {
    POOL_DONE,         /* the worker answered: reply */
    POOL_CRASHED,      /* the worker died during the task: signal or exit_code */
    POOL_TIMEOUT,      /* the task ran past timeout_s; its worker was killed */
    POOL_INTERRUPTED,  /* the parent got SIGINT or SIGTERM: signal */
} pool_event_kind;

typedef struct pool_event {
    pool_event_kind kind;
    size_t task;
    char *reply;        /* POOL_DONE: owned by the caller, free(); else NULL */
    size_t reply_len;
    int signal;         /* CRASHED: the signal that ended it (0 when it exited) */
    int exit_code;      /* CRASHED without a signal */
    long elapsed_ms;    /* from submit to the event */
    char stderr_tail[200]; /* CRASHED/TIMEOUT: the worker's last stderr line, or "" */
} pool_event;

typedef struct pool pool;

/* Sets up the pool (workers are forked on demand).  Returns a new pool
 * owned by the caller; free with pool_free(), or NULL with an error
 * appended when the signal set-up fails. */
pool *pool_new(const pool_opts *opts, pool_fn fn, void *ctx, diag_list *dl);
/* Stops every worker (idle ones exit, busy ones are killed), reaps them
 * and restores the signal mask.  NULL is a no-op. */
void pool_free(pool *p);

/* Stops and reaps every worker, as pool_free() does, but keeps the pool
 * for pool_peak_rss_kb(); a later pool_submit() forks new ones. */
void pool_stop(pool *p);

/* True when a task can be submitted now. */
bool pool_has_idle(const pool *p);
/* Hands task to an idle worker, forking one when needed.  Returns false
 * and appends an error when no worker can be started (fork failed). */
bool pool_submit(pool *p, size_t task, diag_list *dl);
size_t pool_busy(const pool *p);

/* Waits up to max_ms (-1: until something happens) for the next event.
 * Returns false when the time ran out with nothing to report. */
bool pool_wait(pool *p, int max_ms, pool_event *ev);

/* SIGKILLs every busy worker and reaps it; writes their tasks into tasks
 * (at most max) and returns how many there were. */
size_t pool_kill_busy(pool *p, size_t *tasks, size_t max);

/* The largest resident set of any reaped worker so far, in KiB. */
long pool_peak_rss_kb(const pool *p);

#endif
