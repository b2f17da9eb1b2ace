/* batch: the driver (see batch.h).
 *
 * Incremental rendering.  A post's input hash is XXH64 over a global part
 * (folio's version, the theme, fonts/fonts.conf, the formats) and every
 * file the post uses: the post itself and each local image, present or
 * missing, by relative path and content hash.  The worker that renders a
 * post reports those files with their size and mtime; the manifest keeps
 * them.  The next run stats each recorded file: when size and mtime are
 * unchanged the recorded content hash is taken as is, otherwise the file
 * is hashed again (a touched but unchanged photo costs a read, not a
 * render).  The post is skipped when the recomputed hash equals the
 * recorded one and its outputs exist.  A post that failed is always tried
 * again.
 *
 * Interruption.  SIGINT/SIGTERM arrive as pool events: busy workers are
 * killed, the temporary files of their outputs (<output>.tmp.XXXXXX, see
 * base/file.h) removed, the manifest written with what was finished, and
 * the next run continues from there.  A SIGKILLed batch cannot clean up;
 * its workers die with it (pool.c) and the next run removes stale
 * temporaries beside every output before it starts.
 *
 * The manifest is rewritten every MANIFEST_EVERY completions (and at the
 * end), so a killed run loses at most that many posts' records: their
 * outputs are complete, and they are rendered again.
 */
#include "batch/batch.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "base/buf.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/mem.h"
#include "batch/discover.h"
#include "batch/index.h"
#include "batch/manifest.h"
#include "batch/pool.h"
#include "batch/report.h"
#include "batch/shard.h"
#include "config.h"
#include "doc/doc.h"
#include "input/article.h"
#include "pipeline.h"

/* Rewrite the manifest after this many posts (or MANIFEST_SECONDS): an
 * interrupted run keeps nearly all its progress for a few writes of a
 * file of ~300 bytes per post. */
#define MANIFEST_EVERY 10
#define MANIFEST_SECONDS 5


typedef struct format {
    const char *kind;       /* "handout", "slides" */
    pipeline_kind pk;
} format;

typedef struct root_info {
    const char *root;       /* as given */
    char *real;             /* canonical, for relativising image paths */
} root_info;

/* Everything a run needs; the workers see a copy-on-write snapshot. */
typedef struct state {
    const batch_opts *o;
    format formats[2];
    size_t nformats;
    uint64_t global;        /* the global part of every input hash */
    root_info *roots;
    size_t nroots;
    const discover_post **todo;
    size_t ntodo;
    pipeline_env *env;
} state;

/* Output path relative to OUTDIR for one format of a post. */
static char *output_rel(const discover_post *p, const char *kind)
{
    buf b = BUF_INIT;
    if (*p->out_dir) buf_addf(&b, "%s/", p->out_dir);
    buf_addf(&b, "%s.%s.pdf", p->name, kind);
    return buf_detach(&b);
}

/* Removes dest.tmp.XXXXXX files (file_out's temporaries) beside dest. */
static void remove_temps(const char *dest)
{
    char *dir = file_dirname(dest);
    const char *slash = strrchr(dest, '/');
    const char *base = slash ? slash + 1 : dest;
    size_t n = strlen(base);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            const char *nm = de->d_name;
            if (strncmp(nm, base, n) || strncmp(nm + n, ".tmp.", 5) || strlen(nm + n + 5) != 6)
                continue;
            char *full = file_join(dir, nm);
            unlink(full);
            free(full);
        }
        closedir(d);
    }
    free(dir);
}

static void remove_post_temps(const state *s, const discover_post *p)
{
    for (size_t f = 0; f <= s->nformats; f++) {
        char *rel = f < s->nformats ? output_rel(p, s->formats[f].kind)
                                    : index_thumb_rel(p->out_dir, p->name);
        char *abs = file_join(s->o->outdir, rel);
        remove_temps(abs);
        free(abs);
        free(rel);
    }
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* The input hash of a post from its global part and its files. */
static uint64_t input_hash(uint64_t global, const manifest_input *in, size_t n)
{
    hash_state h;
    hash_init(&h, 0);
    hash_update_u64(&h, global);
    for (size_t i = 0; i < n; i++) {
        hash_update_str(&h, in[i].path);
        hash_update_u64(&h, in[i].size >= 0 ? 1 : 0);
        hash_update_u64(&h, in[i].size >= 0 ? in[i].hash : 0);
    }
    return hash_final(&h);
}

static uint64_t global_hash(const batch_opts *o, const state *s)
{
    hash_state h;
    hash_init(&h, 0);
    hash_update_str(&h, "folio batch 1");
    hash_update_str(&h, FOLIO_VERSION);
    /* Themes: --theme, and the bytes of every theme file on the search
     * path, since any post may name any of them in its front matter (a
     * few small YAML files, read once per run).  The built-in default
     * changes only with FOLIO_VERSION. */
    hash_update_str(&h, o->theme ? o->theme : "");
    hash_update_str(&h, o->th && o->th->name ? o->th->name : "default");
    if (o->theme && strchr(o->theme, '/')) {
        uint64_t th = 0;
        if (hash_file(o->theme, &th)) hash_update_u64(&h, th);
    }
    if (o->themes) {
        diag_list *ignored = diag_list_new();   /* reported when a post uses the theme */
        size_t n = 0;
        themefile_entry *e = themefile_cache_list(o->themes, &n, ignored);
        for (size_t i = 0; i < n; i++) {
            uint64_t th = 0;
            hash_update_str(&h, e[i].name);
            if (e[i].file && hash_file(e[i].file, &th)) hash_update_u64(&h, th);
        }
        free(e);
        diag_list_free(ignored);
    }
    char *conf = file_join(o->fonts_dir ? o->fonts_dir : "", "fonts.conf");
    uint64_t fh = 0;
    if (!hash_file(conf, &fh)) fh = 0;
    free(conf);
    hash_update_u64(&h, fh);
    for (size_t f = 0; f < s->nformats; f++) hash_update_str(&h, s->formats[f].kind);
    return hash_final(&h);
}

/* A path as the manifest records it: relative to the post's root when
 * inside it. */
static char *relativise(const state *s, const discover_post *p, const char *abs)
{
    for (size_t i = 0; i < s->nroots; i++) {
        if (strcmp(s->roots[i].root, p->root) || !s->roots[i].real) continue;
        const char *r = s->roots[i].real;
        size_t n = strlen(r);
        if (!strncmp(abs, r, n) && abs[n] == '/') return mem_strdup(abs + n + 1);
    }
    return mem_strdup(abs);
}

static char *resolve_input(const discover_post *p, const char *path)
{
    return path[0] == '/' ? mem_strdup(path) : file_join(p->root, path);
}

static bool output_exists(const state *s, const char *rel)
{
    char *abs = file_join(s->o->outdir, rel);
    struct stat st;
    bool exists = stat(abs, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    free(abs);
    return exists;
}

/* The up-to-date check for one post (see the file comment).  Fills
 * *fresh with rec and refreshed sizes and mtimes when it returns true.
 * Outputs: one PDF per format, in order, then at most the thumbnail; all
 * must exist.  A record without catalogue facts (written before the
 * catalogue existed) is not up to date while the catalogue is on: the
 * post is rendered once more to learn them. */
static bool up_to_date(const state *s, const discover_post *p, const manifest_record *rec,
                       manifest_record *fresh)
{
    if (!rec || strcmp(rec->status, "ok") || rec->noutputs < s->nformats ||
        rec->noutputs > s->nformats + 1 || !rec->ninputs)
        return false;
    if (!s->o->no_catalogue && !rec->title) return false;
    for (size_t f = 0; f < rec->noutputs; f++) {
        char *rel = f < s->nformats ? output_rel(p, s->formats[f].kind)
                                    : index_thumb_rel(p->out_dir, p->name);
        bool same = !strcmp(rel, rec->outputs[f]);
        free(rel);
        if (!same || !output_exists(s, rec->outputs[f])) return false;
    }
    if (strcmp(rec->inputs[0].path, p->rel)) return false;
    manifest_record_copy(fresh, rec);
    for (size_t i = 0; i < fresh->ninputs; i++) {
        manifest_input *in = &fresh->inputs[i];
        char *path = resolve_input(p, in->path);
        struct stat st;
        if (stat(path, &st) != 0) {
            in->size = -1;
            in->mtime_ns = 0;
            in->hash = 0;
        } else if ((int64_t)st.st_size != in->size || mtime_ns(&st) != in->mtime_ns) {
            uint64_t h = 0;
            in->size = hash_file(path, &h) ? (int64_t)st.st_size : -1;
            in->mtime_ns = mtime_ns(&st);
            in->hash = h;
        }
        free(path);
    }
    if (input_hash(s->global, fresh->inputs, fresh->ninputs) == rec->input_hash) return true;
    manifest_record_clear(fresh);
    return false;
}

/* --- in the worker ------------------------------------------------ */

static void add_dep(buf *reply, const char *path, const char *bytes, size_t len)
{
    if (strchr(path, '\n')) return;
    struct stat st;
    uint64_t h = 0;
    int64_t size = -1, mt = 0;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        mt = mtime_ns(&st);
        if (bytes) {
            h = hash_bytes(bytes, len, 0);
            size = (int64_t)st.st_size;
        } else if (hash_file(path, &h)) {
            size = (int64_t)st.st_size;
        }
    }
    char hex[17];
    hash_hex(h, hex);
    buf_addf(reply, "dep %" PRId64 " %" PRId64 " %s %s\n", size, mt, hex, path);
}

static const char *first_error(const diag_list *dl, char *line, size_t n)
{
    for (size_t i = 0; i < diag_count(dl); i++) {
        const diag *d = diag_get(dl, i);
        if (d->severity == DIAG_ERROR) {
            diag_format(d, line, n);
            return line;
        }
    }
    return NULL;
}

/* What the catalogue needs of a rendered post (batch/index.h): its facts
 * as reply lines, and its thumbnail, written now (it is an output).  The
 * facts are single lines already (index_facts_of() collapses them). */
static void catalogue_facts(const state *s, const discover_post *p, const doc *d, buf *reply)
{
    index_facts f;
    index_facts_of(d, &f);
    const char *names[] = {"title", "date", "author", "summary", "lang"};
    const char *vals[] = {f.title, f.date, f.author, f.summary, f.lang};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (vals[i]) buf_addf(reply, "%s %s\n", names[i], vals[i]);
    index_facts_clear(&f);
    char *rel = index_thumb_rel(p->out_dir, p->name);
    char *abs = file_join(s->o->outdir, rel);
    if (index_write_thumb(d, abs)) buf_addf(reply, "output %s\n", rel);
    free(abs);
    free(rel);
}

/* Freed heap a worker keeps between posts (see the end of render_post()). */
#define TRIM_ABOVE_KB (32L * 1024)

/* Renders todo[task] in every format; the reply is line-based:
 * status, pages, warnings, error, output, catalogue facts and dep lines. */
static void render_post(void *ctx, size_t task, buf *reply)
{
    state *s = ctx;
    const discover_post *p = s->todo[task];
    diag_list *dl = diag_list_new();
    size_t len = 0;
    char *text = file_read_all(p->path, ARTICLE_MAX_BYTES, &len);
    doc *d = NULL;
    int pages = 0;
    bool ok = true, draft = false;
    if (!text) {
        /* article_load words the error (too large, unreadable). */
    } else if (memchr(text, '\0', len)) {
        size_t at = (size_t)((const char *)memchr(text, '\0', len) - text);
        diag_add(dl, DIAG_ERROR, p->path, 0, 0,
                 "not a text file (NUL byte at offset %zu); expected a Markdown post", at);
        ok = false;
    }
    if (ok) {
        d = article_load(p->path, NULL, dl);
        ok = d != NULL;
    }
    if (d && doc_get_meta(d)->draft) draft = true;
    if (d && !draft) {
        /* One image cache for the post's PDFs: each photo is read, checked
         * and (when it must be) encoded once, not once per format. */
        image_cache *images = image_cache_new();
        for (size_t f = 0; f < s->nformats && ok; f++) {
            char *rel = output_rel(p, s->formats[f].kind);
            char *abs = file_join(s->o->outdir, rel);
            pipeline_job job = {0};
            job.input = p->path;
            job.output = abs;
            job.kind = s->formats[f].pk;
            job.theme = s->o->theme;
            job.images = images;
            pipeline_result res;
            if (pipeline_run_doc(s->env, &job, d, dl, NULL, &res) == PIPELINE_OK) {
                pages += res.pages;
                buf_addf(reply, "output %s\n", rel);
            } else {
                ok = false;
            }
            free(abs);
            free(rel);
        }
        image_cache_free(images);
        if (ok) catalogue_facts(s, p, d, reply);
    }
    char line[1024];
    const char *err = first_error(dl, line, sizeof line);
    buf_addf(reply, "status %s\npages %d\nwarnings %zu\n", draft ? "draft" : ok ? "ok" : "failed",
             pages, diag_warnings(dl));
    if (!ok) {
        buf_add(reply, "error ");
        for (const char *c = err ? err : "failed"; *c; c++) buf_addc(reply, *c == '\n' ? ' ' : *c);
        buf_addc(reply, '\n');
    }
    add_dep(reply, p->path, text, len);
    for (size_t i = 0; d && i < doc_nimages(d); i++) {
        const doc_image *im = doc_image_at(d, i);
        if (im->path) {
            add_dep(reply, im->path, NULL, 0);
        } else if (im->status != DOC_IMG_REMOTE && im->status != DOC_IMG_OUTSIDE && im->src &&
                   im->src[0] && im->src[0] != '/') {
            /* Missing or unusable: recorded, so that fixing it re-renders. */
            char *path = file_join(doc_dir(d), im->src);
            add_dep(reply, path, NULL, 0);
            free(path);
        }
    }
    free(text);
    doc_free(d);
    diag_list_free(dl);
#ifdef __GLIBC__
    /* A worker lives for many posts, and glibc keeps freed heap: one post
     * with large decoded images would leave the worker at twice its usual
     * size for the rest of the run.  But giving back every free page after
     * every post (malloc_trim() madvises them away) made the next post
     * fault its whole working heap in again: two thirds of a worker's page
     * faults, about 1 250 a post, 16-18 % of the corpus batch's time.  A
     * post's heap, kept, is 10-25 MB and raises the worker's peak by about
     * 1 MB; only more than that is given back. */
    if (mem_resident_kb(true) > TRIM_ABOVE_KB) malloc_trim(0);
#endif
}

/* --- in the parent ------------------------------------------------ */

/* Turns a worker's reply into a manifest record; *draft when the post's
 * front matter turned out to say draft. */
static void parse_reply(const state *s, const discover_post *p, const char *reply,
                        manifest_record *r, bool *draft)
{
    size_t capo = 0, capi = 0;
    *draft = false;
    r->source = mem_strdup(p->rel);
    for (const char *line = reply; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char *l = mem_strndup(line, n);
        if (!strncmp(l, "status ", 7)) {
            if (!strcmp(l + 7, "draft")) *draft = true;
            free(r->status);
            r->status = mem_strdup(!strcmp(l + 7, "ok") ? "ok" : "failed");
        } else if (!strncmp(l, "pages ", 6)) {
            r->pages = atoi(l + 6);
        } else if (!strncmp(l, "warnings ", 9)) {
            r->warnings = atoi(l + 9);
        } else if (!strncmp(l, "error ", 6)) {
            free(r->error);
            r->error = mem_strdup(l + 6);
        } else if (!strncmp(l, "output ", 7)) {
            MEM_PUSH(r->outputs, r->noutputs, capo) = mem_strdup(l + 7);
        } else if (!strncmp(l, "title ", 6)) {
            free(r->title);
            r->title = mem_strdup(l + 6);
        } else if (!strncmp(l, "date ", 5)) {
            free(r->date);
            r->date = mem_strdup(l + 5);
        } else if (!strncmp(l, "author ", 7)) {
            free(r->author);
            r->author = mem_strdup(l + 7);
        } else if (!strncmp(l, "summary ", 8)) {
            free(r->summary);
            r->summary = mem_strdup(l + 8);
        } else if (!strncmp(l, "lang ", 5)) {
            free(r->lang);
            r->lang = mem_strdup(l + 5);
        } else if (!strncmp(l, "dep ", 4)) {
            manifest_input in = {0};
            char hex[17] = {0};
            int used = 0;
            if (sscanf(l + 4, "%" SCNd64 " %" SCNd64 " %16s %n", &in.size, &in.mtime_ns, hex,
                       &used) == 3 &&
                used > 0 && hash_parse_hex(hex, &in.hash)) {
                in.path = relativise(s, p, l + 4 + used);
                if (!capi || strcmp(in.path, r->inputs[0].path)) {
                    MEM_PUSH(r->inputs, r->ninputs, capi) = in;
                } else {
                    free(in.path);
                }
            }
        }
        free(l);
        line = nl ? nl + 1 : line + n;
    }
    /* The post is the first input under its relative name, whatever path
     * the worker opened it by. */
    if (r->ninputs) {
        free(r->inputs[0].path);
        r->inputs[0].path = mem_strdup(p->rel);
    }
    if (!r->status) r->status = mem_strdup("failed");
    r->input_hash = input_hash(s->global, r->inputs, r->ninputs);
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

static void failed_record(const discover_post *p, const char *error, long ms, manifest_record *r)
{
    r->source = mem_strdup(p->rel);
    r->status = mem_strdup("failed");
    r->error = mem_strdup(error);
    r->duration_ms = ms;
}

static void write_manifest(const manifest *m, const char *path, diag_list *dl)
{
    diag_list *tmp = diag_list_new();
    if (!manifest_write(m, path, tmp)) diag_move(dl, tmp);
    diag_list_free(tmp);
}

static char *default_manifest(const batch_opts *o)
{
    buf b = BUF_INIT;
    if (o->shard_n)
        buf_addf(&b, "%s/manifest-%u-of-%u.jsonl", o->outdir, o->shard_k, o->shard_n);
    else
        buf_addf(&b, "%s/manifest.jsonl", o->outdir);
    return buf_detach(&b);
}

/* index_update() for OUTDIR; returns the summary's line about it (a new
 * string), or NULL when it failed (the error is in dl). */
static char *batch_catalogue(const manifest *m, const batch_opts *o, pipeline_env **env,
                             diag_list *dl)
{
    index_opts io = {o->outdir, o->th, o->fonts_dir, o->force};
    index_result ir = index_update(m, &io, env, dl);
    if (ir.status == INDEX_FAILED) return NULL;
    char *path = index_pdf_path(o->outdir);
    buf b = BUF_INIT;
    if (ir.status == INDEX_UNCHANGED)
        buf_addf(&b, "%s is up to date (%zu post%s)", path, ir.posts, ir.posts == 1 ? "" : "s");
    else
        buf_addf(&b, "%s, %zu post%s on %zu page%s", path, ir.posts, ir.posts == 1 ? "" : "s",
                 ir.pages, ir.pages == 1 ? "" : "s");
    free(path);
    return buf_detach(&b);
}

int batch_run(const batch_opts *o, diag_list *dl)
{
    state s = {0};
    s.o = o;
    if (o->handout) s.formats[s.nformats++] = (format){"handout", PIPELINE_HANDOUT};
    if (o->slides) s.formats[s.nformats++] = (format){"slides", PIPELINE_SLIDES};

    discover_list *posts = discover_new();
    bool ok = true;
    for (size_t i = 0; i < o->ndirs; i++) ok = discover_add_root(posts, o->dirs[i], dl) && ok;
    if (ok) ok = discover_finish(posts, dl);
    if (!ok) {
        discover_free(posts);
        themefile_cache_free(o->themes);
        return PIPELINE_USAGE;
    }
    if (!file_mkdirs(o->outdir)) {
        diag_add(dl, DIAG_ERROR, o->outdir, 0, 0, "cannot create the output folder: %s",
                 strerror(errno));
        discover_free(posts);
        themefile_cache_free(o->themes);
        return PIPELINE_SETUP;
    }
    s.roots = mem_calloc(o->ndirs + 1, sizeof *s.roots);
    for (size_t i = 0; i < o->ndirs; i++)
        s.roots[s.nroots++] = (root_info){o->dirs[i], file_realpath(o->dirs[i])};
    s.global = global_hash(o, &s);

    char *mpath = o->manifest ? mem_strdup(o->manifest) : default_manifest(o);
    manifest *old = manifest_new();
    manifest *now = manifest_new();
    diag_list *mdl = diag_list_new();
    manifest_read(old, mpath, mdl);
    remove_temps(mpath);

    size_t n = discover_count(posts), other_shards = 0, skipped = 0;
    s.todo = mem_calloc(n + 1, sizeof *s.todo);
    for (size_t i = 0; i < n; i++) {
        const discover_post *p = discover_at(posts, i);
        if (o->shard_n && shard_of(p->rel, o->shard_n) != o->shard_k - 1) {
            other_shards++;
            continue;
        }
        remove_post_temps(&s, p);
        manifest_record fresh = {0};
        if (!o->force && up_to_date(&s, p, manifest_find(old, p->rel), &fresh)) {
            manifest_put(now, &fresh);
            manifest_record_clear(&fresh);
            skipped++;
        } else {
            s.todo[s.ntodo++] = p;
        }
    }

    int status = PIPELINE_OK;
    report *rep = report_new(o->out, o->tty, s.ntodo);
    diag_print(mdl, o->out, false);   /* malformed manifest lines */
    report_totals tot = {0};
    tot.skipped = skipped;
    tot.drafts = discover_drafts(posts);
    tot.other_shards = other_shards;
    tot.manifest = mpath;

    themefile_cache *themes = o->themes;
    if (s.ntodo) {
        s.env = pipeline_env_new(o->fonts_dir, o->th, dl);
        if (!s.env) {
            status = PIPELINE_SETUP;
            goto finish;
        }
        if (themes) pipeline_env_set_themes(s.env, themes);
        themes = NULL;
        pipeline_env_expect_many(s.env);
        int jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
        if (jobs < 1) jobs = 1;
        if ((size_t)jobs > s.ntodo) jobs = (int)s.ntodo;
        pool_opts po = {jobs, o->timeout_s, o->memory_mb, o->worker_rss_mb * 1024};
        pool *pl = pool_new(&po, render_post, &s, dl);
        if (!pl) {
            status = PIPELINE_SETUP;
            goto finish;
        }
        size_t next = 0, done = 0, since_write = 0;
        bool stop = false;
        struct timespec last_write;
        clock_gettime(CLOCK_MONOTONIC, &last_write);
        while (done < s.ntodo) {
            while (!stop && next < s.ntodo && pool_has_idle(pl)) {
                const discover_post *p = s.todo[next];
                char *dir = file_join(o->outdir, p->out_dir);
                file_mkdirs(dir);
                free(dir);
                if (!pool_submit(pl, next, dl)) {
                    stop = true;
                    status = PIPELINE_SETUP;
                    break;
                }
                next++;
            }
            if (!pool_busy(pl)) break;
            pool_event ev;
            if (!pool_wait(pl, 250, &ev)) {
                report_tick(rep);
                continue;
            }
            if (ev.kind == POOL_INTERRUPTED) {
                size_t *busy = mem_calloc((size_t)jobs, sizeof *busy);
                size_t nb = pool_kill_busy(pl, busy, (size_t)jobs);
                for (size_t i = 0; i < nb && i < (size_t)jobs; i++)
                    remove_post_temps(&s, s.todo[busy[i]]);
                free(busy);
                tot.signal = ev.signal;
                break;
            }
            const discover_post *p = s.todo[ev.task];
            manifest_record r = {0};
            bool draft = false;
            char msg[512];
            if (ev.kind == POOL_DONE) {
                parse_reply(&s, p, ev.reply, &r, &draft);
                free(ev.reply);
            } else {
                remove_post_temps(&s, p);
                if (ev.kind == POOL_TIMEOUT)
                    snprintf(msg, sizeof msg, "%s: error: timed out after %d s; worker killed",
                             p->path, o->timeout_s);
                else if (ev.signal)
                    snprintf(msg, sizeof msg, "%s: error: worker crashed (%s)%s%s%s", p->path,
                             signal_name(ev.signal),
                             ev.signal == SIGABRT || ev.signal == SIGSEGV
                                 ? "; over the memory limit or a bug"
                                 : "",
                             ev.stderr_tail[0] ? ": " : "", ev.stderr_tail);
                else
                    snprintf(msg, sizeof msg, "%s: error: worker exited with status %d%s%s",
                             p->path, ev.exit_code, ev.stderr_tail[0] ? ": " : "",
                             ev.stderr_tail);
                failed_record(p, msg, ev.elapsed_ms, &r);
            }
            r.duration_ms = ev.elapsed_ms;
            done++;
            if (draft) {
                tot.drafts++;
                report_tick(rep);
            } else {
                bool post_ok = !strcmp(r.status, "ok");
                manifest_put(now, &r);
                report_post(rep, p->rel, post_ok, r.pages, r.warnings, ev.elapsed_ms, r.error);
                if (!post_ok && o->fail_fast) {
                    stop = true;
                    size_t *busy = mem_calloc((size_t)jobs, sizeof *busy);
                    size_t nb = pool_kill_busy(pl, busy, (size_t)jobs);
                    for (size_t i = 0; i < nb && i < (size_t)jobs; i++)
                        remove_post_temps(&s, s.todo[busy[i]]);
                    free(busy);
                }
            }
            manifest_record_clear(&r);
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            if (++since_write >= MANIFEST_EVERY || t.tv_sec - last_write.tv_sec >= MANIFEST_SECONDS) {
                write_manifest(now, mpath, dl);
                since_write = 0;
                last_write = t;
            }
            if (stop && !pool_busy(pl)) break;
        }
        tot.not_run = s.ntodo - done;
        pool_stop(pl);
        tot.peak_rss_kb = pool_peak_rss_kb(pl);
        pool_free(pl);
    }
finish:
    write_manifest(now, mpath, dl);
    /* The catalogue lists the whole archive: not from one shard (it is
     * made after merging), not from an interrupted run. */
    char *catalogue = NULL;
    bool catalogue_failed = false;
    if (status == PIPELINE_OK && !o->no_catalogue && !o->shard_n && !tot.signal &&
        !tot.not_run) {
        catalogue = batch_catalogue(now, o, &s.env, dl);
        catalogue_failed = !catalogue;
        tot.catalogue = catalogue ? catalogue : "not written (see the error below)";
    }
    if (status == PIPELINE_OK) {
        size_t failed = report_summary(rep, &tot);
        if (tot.signal) status = BATCH_INTERRUPTED + tot.signal;
        else if (failed || tot.not_run || catalogue_failed) status = PIPELINE_FAILED;
    }
    free(catalogue);
    report_free(rep);
    themefile_cache_free(themes);
    pipeline_env_free(s.env);
    diag_list_free(mdl);
    manifest_free(old);
    manifest_free(now);
    free(mpath);
    for (size_t i = 0; i < s.nroots; i++) free(s.roots[i].real);
    free(s.roots);
    free(s.todo);
    discover_free(posts);
    return status;
}

bool batch_merge_manifests(const char *const *inputs, size_t n, const char *output,
                           diag_list *dl)
{
    manifest *m = manifest_new();
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (access(inputs[i], R_OK) != 0) {
            diag_add(dl, DIAG_ERROR, inputs[i], 0, 0, "cannot read manifest: %s", strerror(errno));
            ok = false;
            break;
        }
        ok = manifest_read(m, inputs[i], dl);
    }
    if (ok) ok = manifest_write(m, output, dl);
    manifest_free(m);
    return ok;
}

int batch_catalogue_run(const char *manifest_path, const batch_opts *o, diag_list *dl)
{
    manifest *m = manifest_new();
    int status = PIPELINE_OK;
    if (access(manifest_path, R_OK) != 0) {
        diag_add(dl, DIAG_ERROR, manifest_path, 0, 0, "cannot read manifest: %s", strerror(errno));
        status = PIPELINE_FAILED;
    } else if (!manifest_read(m, manifest_path, dl)) {
        status = PIPELINE_FAILED;
    } else if (!file_mkdirs(o->outdir)) {
        diag_add(dl, DIAG_ERROR, o->outdir, 0, 0, "cannot create the output folder: %s",
                 strerror(errno));
        status = PIPELINE_SETUP;
    } else {
        pipeline_env *env = NULL;
        size_t before = diag_errors(dl);
        char *line = batch_catalogue(m, o, &env, dl);
        if (line) fprintf(o->out, "catalogue: %s\n", line);
        /* No env after a failure: the fonts could not be loaded. */
        else status = env || diag_errors(dl) == before ? PIPELINE_FAILED : PIPELINE_SETUP;
        free(line);
        pipeline_env_free(env);
    }
    manifest_free(m);
    return status;
}
