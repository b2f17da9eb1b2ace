/* Unit tests for batch/pool: worker processes that answer tasks, fail
 * alone (a crash, a hang past the time limit) and retire when they have
 * grown past their memory budget, with no task lost on the way. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/mem.h"
#include "batch/pool.h"
#include "check.h"

/* Task kinds, by index: see task_kind(). */
enum { T_ECHO, T_CRASH, T_HANG, T_GROW };

typedef struct plan {
    const int *kinds;
} plan;

/* Keeps what a T_GROW task allocated, as a cache would: a worker grows. */
static char *grown[64];
static size_t ngrown;

static void run_task(void *ctx, size_t task, buf *reply)
{
    const plan *pl = ctx;
    switch (pl->kinds[task]) {
    case T_CRASH: raise(SIGSEGV); break;
    case T_HANG: pause(); break;
    case T_GROW:
        if (ngrown < 64) {
            /* 8 MiB, every page touched so that it is resident. */
            grown[ngrown] = mem_alloc(8 << 20);
            memset(grown[ngrown++], 1, 8 << 20);
        }
        break;
    default: break;
    }
    buf_addf(reply, "task %zu pid %ld rss %ld", task, (long)getpid(), mem_resident_kb(false));
}

/* The resident size (KiB) of the worker that answered task 0, last run. */
static long after_first_kb;

/* Runs every task of kinds[0..n) through a pool with opts; fills kind[]
 * of the event each task ended with and pids[] of the worker that
 * answered (0 when none did).  Returns the number of distinct pids. */
static size_t run_all(const pool_opts *opts, const int *kinds, size_t n, pool_event_kind *ended,
                      long *pids)
{
    plan pl = {kinds};
    diag_list *dl = diag_list_new();
    pool *p = pool_new(opts, run_task, &pl, dl);
    CHECK(p != NULL);
    size_t next = 0, done = 0;
    while (p && done < n) {
        while (next < n && pool_has_idle(p)) CHECK(pool_submit(p, next++, dl));
        pool_event ev;
        if (!pool_wait(p, 10000, &ev)) break;
        if (ev.kind == POOL_INTERRUPTED) continue;
        ended[ev.task] = ev.kind;
        pids[ev.task] = 0;
        if (ev.reply) {
            size_t t;
            long pid, rss;
            if (sscanf(ev.reply, "task %zu pid %ld rss %ld", &t, &pid, &rss) == 3 && t == ev.task) {
                pids[t] = pid;
                if (t == 0) after_first_kb = rss;
            }
            free(ev.reply);
        }
        done++;
    }
    CHECK_INT(done, n);
    pool_free(p);
    CHECK_INT(diag_count(dl), 0);
    diag_list_free(dl);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = pids[i] == 0;
        for (size_t k = 0; k < i && !seen; k++) seen = pids[k] == pids[i];
        distinct += !seen;
    }
    return distinct;
}

/* One worker answers every task in turn. */
static void test_answers(void)
{
    int kinds[6] = {T_ECHO, T_ECHO, T_ECHO, T_ECHO, T_ECHO, T_ECHO};
    pool_event_kind ended[6];
    long pids[6];
    pool_opts o = {1, 0, 0, 0};
    CHECK_INT(run_all(&o, kinds, 6, ended, pids), 1);
    for (int i = 0; i < 6; i++) CHECK_INT(ended[i], POOL_DONE);
}

/* A task that crashes and one that hangs past the limit fail alone; the
 * tasks around them are answered by replacement workers. */
static void test_failures_alone(void)
{
    int kinds[5] = {T_ECHO, T_CRASH, T_ECHO, T_HANG, T_ECHO};
    pool_event_kind ended[5];
    long pids[5];
    pool_opts o = {1, 1, 0, 0};
    run_all(&o, kinds, 5, ended, pids);
    CHECK_INT(ended[0], POOL_DONE);
    CHECK_INT(ended[1], POOL_CRASHED);
    CHECK_INT(ended[2], POOL_DONE);
    CHECK_INT(ended[3], POOL_TIMEOUT);
    CHECK_INT(ended[4], POOL_DONE);
    CHECK(pids[0] != pids[2] && pids[2] != pids[4]);
}

/* Workers that grow past the budget retire after answering: every task
 * is still answered, by more than one worker.  Each task keeps 8 MiB; the
 * budget is set 4 MiB above what a worker holds after its first task
 * (measured, since what fork() leaves resident differs between builds,
 * ASan's above all), so each worker does two tasks and retires. */
static void test_retire_over_budget(void)
{
    int kinds[8] = {T_GROW, T_GROW, T_GROW, T_GROW, T_GROW, T_GROW, T_GROW, T_GROW};
    pool_event_kind ended[8];
    long pids[8];
    /* Without a budget one worker does them all. */
    pool_opts none = {1, 0, 0, 0};
    CHECK_INT(run_all(&none, kinds, 8, ended, pids), 1);
    long first_kb = after_first_kb;
    CHECK(first_kb > 0);
    pool_opts o = {1, 0, 0, first_kb + 4 * 1024};
    size_t workers = run_all(&o, kinds, 8, ended, pids);
    for (int i = 0; i < 8; i++) CHECK_INT(ended[i], POOL_DONE);
    CHECK(workers >= 3);
}

TEST_MAIN({
    test_answers();
    test_failures_alone();
    test_retire_over_budget();
})
