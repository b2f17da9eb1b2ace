/* pipeline: one post through every stage, for the CLI and batch alike.
 *
 *   article_load (input) → doc → handout_layout / slides_layout (layout,
 *   with a theme and fonts from style) → pageset → pdf_write (render)
 *
 * A pipeline_env holds what is loaded once per process (or once before a
 * batch forks its workers): the font set, the theme search path and the
 * CJK faces cut for PDFs so far (render/subset.h).  A
 * pipeline_job describes one output; pipeline_run() produces it and says
 * what happened in a pipeline_result.  Nothing here prints.
 */
#ifndef FOLIO_PIPELINE_H
#define FOLIO_PIPELINE_H

#include <stdbool.h>

#include "base/diag.h"
#include "layout/book.h"
#include "layout/impose.h"
#include "layout/slides.h"
#include "render/image.h"
#include "style/fonts.h"
#include "style/theme.h"
#include "style/themefile.h"

typedef enum { PIPELINE_HANDOUT, PIPELINE_SLIDES } pipeline_kind;

/* Exit statuses, shared by the CLI and the batch reporter. */
enum {
    PIPELINE_OK = 0,       /* written (there may be warnings) */
    PIPELINE_FAILED = 1,   /* this post could not be rendered */
    PIPELINE_USAGE = 2,
    PIPELINE_SETUP = 3,    /* fonts or themes missing */
};

typedef struct pipeline_env pipeline_env;

/* Loads the fonts from fonts_dir and checks that the theme's families are
 * installed.  Returns a new env owned by the caller (free with
 * pipeline_env_free()), or NULL with an error appended. */
pipeline_env *pipeline_env_new(const char *fonts_dir, const theme *th, diag_list *dl);
void pipeline_env_free(pipeline_env *env);
/* Where themes named by a job (--theme) or a post (front matter `theme:`)
 * are found; takes ownership of tc (freed with the env).  Without one,
 * every job uses the env's theme.  A theme is loaded once and its font
 * families checked once, whatever the number of posts naming it. */
void pipeline_env_set_themes(pipeline_env *env, themefile_cache *tc);
/* The env will lay out many posts (a batch): see fontset_drop_core(). */
void pipeline_env_expect_many(pipeline_env *env);
fontset *pipeline_env_fonts(pipeline_env *env);  /* borrowed */
const theme *pipeline_env_theme(const pipeline_env *env); /* borrowed */

typedef struct pipeline_job {
    const char *input;            /* the post */
    const char *output;           /* the PDF to write; NULL with dump */
    pipeline_kind kind;
    theme_paper paper;            /* handout */
    bool paper_set;               /* else the theme's */
    slides_aspect aspect;         /* slides */
    const char *png_dir;          /* slides: previews, may be NULL */
    const char *theme;            /* NAME|PATH: wins over the post's front matter
                                     `theme:`; NULL = the post's, else the env's */
    int png_width;                /* 0 = 1280 */
    const char *const *allow_outside; /* NULL-terminated, may be NULL */
    bool strict;                  /* warnings fail the post */
    bool dump;                    /* append the boxes to dump instead of writing */
    /* Printing (impose.h).  handout with booklet: laid out on A5 and
     * imposed as a saddle-stitched booklet (paper is ignored); slides with
     * handout_per_page 1, 2, 3, 4 or 6: printed that many to a page. */
    bool booklet;
    int handout_per_page;         /* 0: a slide per page, as shown */
    impose_sheet sheet;           /* the paper both are printed on */
    bool marks;                   /* booklet: crop and fold marks */
    int creep;                    /* booklet: Pango units, see impose_saddle_opts */
    /* Borrowed, may be NULL: an image cache shared by the jobs of one post
     * (pdf_write_with()), so that its images are read and encoded once. */
    image_cache *images;
} pipeline_job;

typedef struct pipeline_result {
    int pages;
    int warnings, errors;
} pipeline_result;

/* Runs one job.  Returns PIPELINE_OK, PIPELINE_FAILED, or PIPELINE_SETUP
 * when the theme it names cannot be loaded or its fonts are missing;
 * diagnostics go to dl (never printed), the box dump to dump when
 * job->dump is set. */
int pipeline_run(pipeline_env *env, const pipeline_job *job, diag_list *dl, buf *dump,
                 pipeline_result *res);

typedef struct doc doc;

/* Like pipeline_run() for a post already loaded with article_load() (so a
 * batch loads it once for both outputs and sees its images); job->input
 * only names the post in diagnostics.  d is not changed. */
int pipeline_run_doc(pipeline_env *env, const pipeline_job *job, const doc *d, diag_list *dl,
                     buf *dump, pipeline_result *res);

/* folio book: several posts as one volume (layout/book.h). */
typedef struct pipeline_book_job {
    const char *const *inputs;    /* the posts: Markdown files, or folders holding
                                     index.md (else README.md) */
    size_t ninputs;               /* at least 1 */
    const char *output;           /* the PDF to write; NULL with dump */
    theme_paper paper;
    bool paper_set;               /* else the theme's */
    const char *theme;            /* NAME|PATH, wins over the posts' front matter;
                                     NULL = the first post's `theme:`, else the env's */
    const char *title;            /* the volume's title; NULL = derived (book_title()) */
    book_order order;
    const char *const *allow_outside; /* NULL-terminated, may be NULL */
    bool strict;                  /* warnings fail the book */
    bool dump;                    /* append the boxes to dump instead of writing */
} pipeline_book_job;

/* Loads every post (each confined to its own folder) and renders them as
 * one volume.  Returns PIPELINE_OK, PIPELINE_FAILED when a post cannot be
 * loaded (every such post gets its error, naming its file; nothing is
 * written) or the PDF cannot be written, PIPELINE_SETUP when the theme
 * cannot be loaded.  res->pages counts the volume's pages. */
int pipeline_run_book(pipeline_env *env, const pipeline_book_job *job, diag_list *dl, buf *dump,
                      pipeline_result *res);

#endif
