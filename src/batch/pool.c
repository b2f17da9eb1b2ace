/* pool: see pool.h.
 *
 * Each worker has a socketpair (tasks down, answers up; sockets rather
 * than pipes so both sides can send with MSG_NOSIGNAL) and a pipe for its
 * stderr.  The parent poll()s the signalfd, every answer socket and every
 * stderr pipe, with a timeout that expires at the earliest task deadline.
 * An answer is a header (task, length) and the bytes; end-of-file on a
 * busy worker's socket means it died, and waitpid() says how.
 *
 * After fork() the child closes every descriptor that belongs to another
 * worker: otherwise a sibling would hold the parent's end of a socket open
 * and a worker would never see end-of-file when the parent is done.
 */
#include "batch/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_ASAN 1
#endif
#endif

typedef struct worker {
    pid_t pid;          /* 0 when not running */
    int sock;           /* parent's end; -1 when closed */
    int err;            /* read end of its stderr; -1 when closed */
    bool busy;
    size_t task;
    struct timespec start;
    char tail[200];     /* last complete stderr line */
    char line[200];     /* the line being read */
    size_t nline;
} worker;

struct pool {
    pool_opts o;
    pool_fn fn;
    void *ctx;
    worker *w;
    int sigfd;
    sigset_t oldmask;
    struct sigaction oldpipe;
    long peak_rss_kb;
};

typedef struct header {
    uint64_t task;
    uint64_t len;
    uint64_t retire;    /* 1: the worker exits after this answer */
} header;

static long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)((now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000);
}

pool *pool_new(const pool_opts *opts, pool_fn fn, void *ctx, diag_list *dl)
{
    pool *p = mem_calloc(1, sizeof *p);
    p->o = *opts;
    if (p->o.workers < 1) p->o.workers = 1;
    p->fn = fn;
    p->ctx = ctx;
    p->w = mem_calloc((size_t)p->o.workers, sizeof *p->w);
    for (int i = 0; i < p->o.workers; i++) p->w[i].sock = p->w[i].err = -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, &p->oldmask) != 0 ||
        (p->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "cannot set up signal handling: %s", strerror(errno));
        sigprocmask(SIG_SETMASK, &p->oldmask, NULL);
        free(p->w);
        free(p);
        return NULL;
    }
    struct sigaction ign = {0};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &p->oldpipe);
    return p;
}

static bool read_full(int fd, void *dst, size_t n)
{
    char *d = dst;
    while (n) {
        ssize_t r = read(fd, d, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        d += r;
        n -= (size_t)r;
    }
    return true;
}

static bool send_full(int fd, const void *src, size_t n)
{
    const char *s = src;
    while (n) {
        ssize_t r = send(fd, s, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        s += r;
        n -= (size_t)r;
    }
    return true;
}

/* The worker's life: tasks in, answers out, until the parent hangs up. */
static void __attribute__((noreturn)) worker_main(pool *p, int sock)
{
    buf reply = BUF_INIT;
    uint64_t task;
    while (read_full(sock, &task, sizeof task)) {
        buf_truncate(&reply, 0);
        p->fn(p->ctx, (size_t)task, &reply);
        bool retire = p->o.rss_budget_kb > 0 && mem_resident_kb(false) > p->o.rss_budget_kb;
        header h = {task, reply.len, retire};
        if (!send_full(sock, &h, sizeof h) || (reply.len && !send_full(sock, reply.s, reply.len)) ||
            retire)
            break;
    }
    _exit(0);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static bool spawn(pool *p, worker *w, diag_list *dl)
{
    int sv[2], ep[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "cannot start a worker: %s", strerror(errno));
        return false;
    }
    if (pipe2(ep, O_CLOEXEC) != 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "cannot start a worker: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return false;
    }
    pid_t parent = getpid();
    fflush(NULL);   /* or buffered output would be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "cannot start a worker: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        close(ep[0]);
        close(ep[1]);
        return false;
    }
    if (pid == 0) {
        for (int i = 0; i < p->o.workers; i++) {
            close_fd(&p->w[i].sock);
            close_fd(&p->w[i].err);
        }
        close(p->sigfd);
        close(sv[0]);
        close(ep[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigprocmask(SIG_SETMASK, &p->oldmask, NULL);
        dup2(ep[1], 2);
        close(ep[1]);
#ifndef POOL_ASAN
        /* ASan reserves terabytes of address space for its shadow memory:
         * an RLIMIT_AS would stop it from starting at all. */
        if (p->o.memory_mb > 0) {
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = (rlim_t)p->o.memory_mb * 1024 * 1024;
            setrlimit(RLIMIT_AS, &rl);
        }
#endif
        worker_main(p, sv[1]);
    }
    close(sv[1]);
    close(ep[1]);
    w->pid = pid;
    w->sock = sv[0];
    w->err = ep[0];
    w->busy = false;
    w->tail[0] = 0;
    w->nline = 0;
    return true;
}

/* Reaps a worker that has exited or been killed; *status gets waitpid's. */
static void reap(pool *p, worker *w, int *status)
{
    int st = 0;
    struct rusage ru;
    if (w->pid > 0) {
        while (wait4(w->pid, &st, 0, &ru) < 0 && errno == EINTR) {
        }
        if (ru.ru_maxrss > p->peak_rss_kb) p->peak_rss_kb = ru.ru_maxrss;
    }
    if (status) *status = st;
    w->pid = 0;
    close_fd(&w->sock);
    w->busy = false;
}

/* Reads what the worker wrote to stderr; keeps the last complete line. */
static void drain_err(worker *w, bool to_eof)
{
    char chunk[512];
    for (;;) {
        if (w->err < 0) return;
        if (!to_eof) {
            struct pollfd pf = {w->err, POLLIN, 0};
            if (poll(&pf, 1, 0) <= 0) return;
        }
        ssize_t r = read(w->err, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            close_fd(&w->err);
            if (w->nline) {
                memcpy(w->tail, w->line, w->nline);
                w->tail[w->nline] = 0;
                w->nline = 0;
            }
            return;
        }
        for (ssize_t i = 0; i < r; i++) {
            if (chunk[i] == '\n') {
                if (w->nline) {
                    memcpy(w->tail, w->line, w->nline);
                    w->tail[w->nline] = 0;
                }
                w->nline = 0;
            } else if (w->nline < sizeof w->line - 1) {
                w->line[w->nline++] = chunk[i];
            }
        }
        if (!to_eof) return;
    }
}

void pool_stop(pool *p)
{
    for (int i = 0; i < p->o.workers; i++) {
        worker *w = &p->w[i];
        if (!w->pid) continue;
        if (w->busy) kill(w->pid, SIGKILL);
        close_fd(&w->sock);   /* an idle worker reads end-of-file and exits */
        reap(p, w, NULL);
        close_fd(&w->err);
    }
    for (int i = 0; i < p->o.workers; i++) close_fd(&p->w[i].err);
}

void pool_free(pool *p)
{
    if (!p) return;
    pool_stop(p);
    close(p->sigfd);
    sigaction(SIGPIPE, &p->oldpipe, NULL);
    sigprocmask(SIG_SETMASK, &p->oldmask, NULL);
    free(p->w);
    free(p);
}

bool pool_has_idle(const pool *p)
{
    for (int i = 0; i < p->o.workers; i++)
        if (!p->w[i].busy) return true;
    return false;
}

size_t pool_busy(const pool *p)
{
    size_t n = 0;
    for (int i = 0; i < p->o.workers; i++) n += p->w[i].busy;
    return n;
}

bool pool_submit(pool *p, size_t task, diag_list *dl)
{
    for (int i = 0; i < p->o.workers; i++) {
        worker *w = &p->w[i];
        if (w->busy) continue;
        /* Two tries: an idle worker may have died (killed from outside)
         * since its last task; then it is replaced once. */
        for (int attempt = 0; attempt < 2; attempt++) {
            if (!w->pid && !spawn(p, w, dl)) return false;
            uint64_t t = task;
            if (send_full(w->sock, &t, sizeof t)) {
                w->busy = true;
                w->task = task;
                clock_gettime(CLOCK_MONOTONIC, &w->start);
                w->tail[0] = 0;
                return true;
            }
            kill(w->pid, SIGKILL);
            reap(p, w, NULL);
            close_fd(&w->err);
        }
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "cannot hand a task to a new worker");
        return false;
    }
    diag_add(dl, DIAG_ERROR, NULL, 0, 0, "no idle worker");
    return false;
}

static void fill_dead(pool *p, worker *w, pool_event *ev, pool_event_kind kind)
{
    ev->kind = kind;
    ev->task = w->task;
    ev->elapsed_ms = ms_since(&w->start);
    int st;
    if (kind == POOL_TIMEOUT) kill(w->pid, SIGKILL);
    reap(p, w, &st);
    drain_err(w, true);
    snprintf(ev->stderr_tail, sizeof ev->stderr_tail, "%s", w->tail);
    if (WIFSIGNALED(st)) ev->signal = WTERMSIG(st);
    else if (WIFEXITED(st)) ev->exit_code = WEXITSTATUS(st);
}

bool pool_wait(pool *p, int max_ms, pool_event *ev)
{
    memset(ev, 0, sizeof *ev);
    struct timespec began;
    clock_gettime(CLOCK_MONOTONIC, &began);
    size_t nfds = 1 + 2 * (size_t)p->o.workers;
    struct pollfd *pf = mem_calloc(nfds, sizeof *pf);
    bool got = false;
    for (;;) {
        /* The earliest deadline bounds the wait. */
        long wait = max_ms;
        for (int i = 0; i < p->o.workers; i++) {
            worker *w = &p->w[i];
            if (!w->busy || p->o.timeout_s <= 0) continue;
            long left = (long)p->o.timeout_s * 1000 - ms_since(&w->start);
            if (left <= 0) {
                fill_dead(p, w, ev, POOL_TIMEOUT);
                got = true;
                goto out;
            }
            if (wait < 0 || left < wait) wait = left;
        }
        if (max_ms >= 0) {
            long left = max_ms - ms_since(&began);
            if (left <= 0) goto out;
            if (wait < 0 || left < wait) wait = left;
        }
        pf[0] = (struct pollfd){p->sigfd, POLLIN, 0};
        for (int i = 0; i < p->o.workers; i++) {
            pf[1 + 2 * i] = (struct pollfd){p->w[i].sock, POLLIN, 0};
            pf[2 + 2 * i] = (struct pollfd){p->w[i].err, POLLIN, 0};
        }
        int r = poll(pf, nfds, wait > INT32_MAX ? INT32_MAX : (int)wait);
        if (r < 0 && errno != EINTR) goto out;
        if (r <= 0) continue;
        if (pf[0].revents) {
            struct signalfd_siginfo si;
            if (read(p->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
                ev->kind = POOL_INTERRUPTED;
                ev->signal = (int)si.ssi_signo;
                got = true;
                goto out;
            }
        }
        for (int i = 0; i < p->o.workers; i++)
            if (pf[2 + 2 * i].revents) drain_err(&p->w[i], false);
        for (int i = 0; i < p->o.workers; i++) {
            worker *w = &p->w[i];
            if (!pf[1 + 2 * i].revents || w->sock < 0) continue;
            if (!w->busy) {
                /* An idle worker only speaks by dying. */
                reap(p, w, NULL);
                close_fd(&w->err);
                continue;
            }
            header h;
            if (!read_full(w->sock, &h, sizeof h)) {
                fill_dead(p, w, ev, POOL_CRASHED);
                got = true;
                goto out;
            }
            char *reply = mem_alloc(h.len + 1);
            if (h.task != w->task || !read_full(w->sock, reply, h.len)) {
                free(reply);
                fill_dead(p, w, ev, POOL_CRASHED);
                got = true;
                goto out;
            }
            reply[h.len] = 0;
            ev->kind = POOL_DONE;
            ev->task = w->task;
            ev->reply = reply;
            ev->reply_len = h.len;
            ev->elapsed_ms = ms_since(&w->start);
            w->busy = false;
            if (h.retire) {
                /* It exits now; the next pool_submit() forks a fresh one. */
                reap(p, w, NULL);
                drain_err(w, true);
                close_fd(&w->err);
            }
            got = true;
            goto out;
        }
    }
out:
    free(pf);
    return got;
}

size_t pool_kill_busy(pool *p, size_t *tasks, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < p->o.workers; i++) {
        worker *w = &p->w[i];
        if (!w->busy) continue;
        if (n < max) tasks[n] = w->task;
        n++;
        kill(w->pid, SIGKILL);
        reap(p, w, NULL);
        close_fd(&w->err);
    }
    return n;
}

long pool_peak_rss_kb(const pool *p) { return p->peak_rss_kb; }
