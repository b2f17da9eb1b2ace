/* pipeline: see pipeline.h. */
#include "pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "doc/doc.h"
#include "input/article.h"
#include "layout/book.h"
#include "layout/handout.h"
#include "layout/pageset.h"
#include "render/pdf.h"
#include "render/png.h"

struct pipeline_env {
    fontset *fs;
    const theme *th;
    themefile_cache *themes;      /* owned, may be NULL */
    const theme **checked;        /* themes whose fonts were found */
    size_t nchecked, checkcap;
};

/* Every family a theme names must be installed (the theme file names
 * them; a typo there would otherwise fall back silently). */
static bool require_fonts(fontset *fs, const theme *th, diag_list *dl)
{
    const char *families[] = {th->body.cjk, th->body.latin, th->heading.cjk,
                              th->heading.latin, th->mono, th->mono_cjk};
    bool ok = true;
    for (size_t i = 0; i < sizeof families / sizeof *families; i++)
        if (families[i] && !fontset_require(fs, families[i], dl)) ok = false;
    if (!ok && th->file)
        diag_add(dl, DIAG_NOTE, th->file, 0, 0, "theme '%s' names these fonts", th->name);
    return ok;
}

pipeline_env *pipeline_env_new(const char *fonts_dir, const theme *th, diag_list *dl)
{
    fontset *fs = fontset_new(fonts_dir, dl);
    if (!fs) return NULL;
    if (!require_fonts(fs, th, dl)) {
        fontset_free(fs);
        return NULL;
    }
    pipeline_env *env = mem_calloc(1, sizeof *env);
    env->fs = fs;
    env->th = th;
    MEM_PUSH(env->checked, env->nchecked, env->checkcap) = th;
    return env;
}

void pipeline_env_set_themes(pipeline_env *env, themefile_cache *tc)
{
    themefile_cache_free(env->themes);
    env->themes = tc;
}

void pipeline_env_expect_many(pipeline_env *env) { fontset_drop_core(env->fs); }

void pipeline_env_free(pipeline_env *env)
{
    if (!env) return;
    fontset_free(env->fs);
    themefile_cache_free(env->themes);
    free(env->checked);
    free(env);
}

/* The job's theme: --theme, else the post's front matter, else the env's.
 * NULL with an error when it cannot be loaded or its fonts are missing. */
static const theme *job_theme(pipeline_env *env, const pipeline_job *job, const doc *d,
                              diag_list *dl)
{
    const char *name = job->theme ? job->theme : doc_get_meta(d)->theme;
    if (!name || !env->themes) return env->th;
    diag_list *tl = diag_list_new();
    const theme *th = themefile_cache_get(env->themes, name, tl);
    if (!th && !job->theme) {
        /* Say which post asked for it. */
        diag_add(dl, DIAG_ERROR, job->input, 0, 0,
                 "front matter names theme '%s', which cannot be loaded", name);
    }
    diag_move(dl, tl);
    diag_list_free(tl);
    if (!th) return NULL;
    for (size_t i = 0; i < env->nchecked; i++)
        if (env->checked[i] == th) return th;
    if (!require_fonts(env->fs, th, dl)) return NULL;
    MEM_PUSH(env->checked, env->nchecked, env->checkcap) = th;
    return th;
}

fontset *pipeline_env_fonts(pipeline_env *env) { return env->fs; }
const theme *pipeline_env_theme(const pipeline_env *env) { return env->th; }

/* slides --png: one PNG per slide and a contact sheet. */
static bool write_previews(const pageset *ps, const pipeline_job *job, diag_list *dl)
{
    if (mkdir(job->png_dir, 0777) != 0 && errno != EEXIST) {
        diag_add(dl, DIAG_ERROR, job->png_dir, 0, 0, "cannot create folder: %s", strerror(errno));
        return false;
    }
    int width = job->png_width ? job->png_width : 1280;
    char path[4096];
    for (size_t i = 0; i < pageset_npages(ps); i++) {
        snprintf(path, sizeof path, "%s/slide-%02zu.png", job->png_dir, i + 1);
        if (!png_write_page(ps, i, width, path, job->input, dl)) return false;
    }
    snprintf(path, sizeof path, "%s/contact.png", job->png_dir);
    return png_write_contact(ps, 4, 320, path, job->input, dl);
}

int pipeline_run(pipeline_env *env, const pipeline_job *job, diag_list *dl, buf *dump,
                 pipeline_result *res)
{
    article_opts ao = {job->allow_outside};
    doc *d = article_load(job->input, &ao, dl);
    if (!d) {
        if (res) *res = (pipeline_result){0, (int)diag_warnings(dl), (int)diag_errors(dl)};
        return PIPELINE_FAILED;
    }
    int status = pipeline_run_doc(env, job, d, dl, dump, res);
    doc_free(d);
    return status;
}

int pipeline_run_doc(pipeline_env *env, const pipeline_job *job, const doc *d, diag_list *dl,
                     buf *dump, pipeline_result *res)
{
    pipeline_result r = {0};
    int status = PIPELINE_OK;
    const theme *th = job_theme(env, job, d, dl);
    if (!th) {
        r.warnings = (int)diag_warnings(dl);
        r.errors = (int)diag_errors(dl);
        if (res) *res = r;
        return PIPELINE_SETUP;
    }
    pageset *ps = NULL;
    if (job->kind == PIPELINE_SLIDES) {
        slides_opts so = {job->aspect, job->handout_per_page > 0};
        ps = slides_layout(d, th, env->fs, &so, dl);
    } else {
        handout_opts ho = {job->paper_set ? job->paper : th->paper};
        /* A booklet's pages are half the sheet: A5 on A4, half-letter on
         * Letter, laid out at that size so nothing is scaled. */
        if (job->booklet)
            ho.paper = job->sheet == IMPOSE_SHEET_LETTER ? PAPER_HALF_LETTER : PAPER_A5;
        ps = handout_layout(d, th, env->fs, &ho, dl);
    }
    if (job->kind == PIPELINE_HANDOUT && job->booklet) {
        impose_saddle_opts io = {job->sheet, job->marks, job->creep};
        ps = impose_saddle(ps, &io);
    } else if (job->kind == PIPELINE_SLIDES && job->handout_per_page) {
        impose_nup_opts io = {job->handout_per_page, job->sheet};
        ps = impose_nup(ps, &io);
    }
    r.pages = (int)pageset_npages(ps);
    if (job->strict) diag_promote_warnings(dl);
    if (diag_errors(dl)) {
        status = PIPELINE_FAILED;
    } else if (job->dump) {
        if (dump) pageset_dump(ps, dump);
    } else if (!pdf_write_with(ps, job->images, job->output, job->input, dl)) {
        status = PIPELINE_FAILED;
    } else if (job->kind == PIPELINE_SLIDES && job->png_dir && !write_previews(ps, job, dl)) {
        status = PIPELINE_FAILED;
    }
    r.warnings = (int)diag_warnings(dl);
    r.errors = (int)diag_errors(dl);
    if (res) *res = r;
    pageset_free(ps);
    return status;
}

/* A post named by a folder is its index.md, else its README.md.  Returns a
 * new string owned by the caller, or NULL with an error naming the folder. */
static char *post_file(const char *arg, diag_list *dl)
{
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) return mem_strdup(arg);
    const char *names[] = {"index.md", "README.md"};
    for (size_t i = 0; i < 2; i++) {
        buf b = BUF_INIT;
        buf_addf(&b, "%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/", names[i]);
        if (stat(b.s, &st) == 0 && S_ISREG(st.st_mode)) return buf_detach(&b);
        buf_free(&b);
    }
    diag_add(dl, DIAG_ERROR, arg, 0, 0, "folder has no index.md or README.md to make a post of");
    return NULL;
}

int pipeline_run_book(pipeline_env *env, const pipeline_book_job *job, diag_list *dl, buf *dump,
                      pipeline_result *res)
{
    pipeline_result r = {0};
    int status = PIPELINE_OK;
    size_t n = job->ninputs;
    char **paths = mem_calloc(n + 1, sizeof *paths);
    doc **docs = mem_calloc(n + 1, sizeof *docs);
    /* Every post is loaded, so that one run names every post that fails. */
    article_opts ao = {job->allow_outside};
    for (size_t i = 0; i < n; i++) {
        paths[i] = post_file(job->inputs[i], dl);
        if (paths[i]) docs[i] = article_load(paths[i], &ao, dl);
        if (!docs[i]) status = PIPELINE_FAILED;
    }
    const theme *th = NULL;
    if (status == PIPELINE_OK) {
        /* One theme for the volume: --theme, else the first post's. */
        pipeline_job tj = {0};
        tj.input = paths[0];
        tj.theme = job->theme;
        th = job_theme(env, &tj, docs[0], dl);
        if (!th) status = PIPELINE_SETUP;
        const char *chosen = job->theme ? NULL : doc_get_meta(docs[0])->theme;
        for (size_t i = 1; th && !job->theme && i < n; i++) {
            const char *own = doc_get_meta(docs[i])->theme;
            if (own && (!chosen || strcmp(own, chosen)))
                diag_add(dl, DIAG_WARNING, paths[i], 0, 0,
                         "front matter names theme '%s'; the book is set in %s '%s' (--theme "
                         "chooses another)",
                         own, chosen ? "the first post's theme," : "the default theme,",
                         chosen ? chosen : th->name);
        }
    }
    pageset *ps = NULL;
    if (status == PIPELINE_OK) {
        book_opts bo = {job->paper_set ? job->paper : th->paper, job->title, job->order};
        ps = book_layout((const doc *const *)docs, n, th, env->fs, &bo, dl);
        r.pages = (int)pageset_npages(ps);
        if (job->strict) diag_promote_warnings(dl);
        if (diag_errors(dl)) status = PIPELINE_FAILED;
        else if (job->dump) {
            if (dump) pageset_dump(ps, dump);
        } else if (!pdf_write(ps, job->output, NULL, dl)) {
            status = PIPELINE_FAILED;
        }
    }
    r.warnings = (int)diag_warnings(dl);
    r.errors = (int)diag_errors(dl);
    if (res) *res = r;
    pageset_free(ps);
    for (size_t i = 0; i < n; i++) {
        doc_free(docs[i]);
        free(paths[i]);
    }
    free(docs);
    free(paths);
    return status;
}
