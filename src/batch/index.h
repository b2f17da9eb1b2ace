/* index: OUTDIR/index.pdf, the archive catalogue, from the manifest.
 *
 * Two halves.  In a worker, right after a post is rendered: its catalogue
 * facts (title, date, author, summary, language), which go into its
 * manifest record, and a thumbnail of its cover photo written beside its
 * PDFs as OUTDIR/<dir>/<name>.thumb.jpg, which becomes one of its outputs
 * (so skipping, shards and --merge-manifests carry it like the PDFs).  In
 * the parent, once every post is done (or after shard manifests are
 * merged): the catalogue laid out by layout/catalogue.c from the ok
 * records and written by render/pdf.c.  Nothing is rendered again for it:
 * a catalogue of 500 posts reads 500 small JPEGs.
 *
 * The catalogue is rebuilt only when something it shows may have changed.
 * A key, XXH64 over folio's version, the theme, the fonts configuration
 * and every listed record's facts, outputs and input hash, is kept in
 * OUTDIR/index.key with the size of the index.pdf it was written for; when
 * the key and the file match, index.pdf is left alone (same bytes, same
 * mtime).  A post rendered again after a change, a post that failed or
 * vanished, a new post, another theme: the key changes and the catalogue
 * is written again, from scratch, atomically.  The same records give the
 * same bytes.
 *
 * A failed post is not listed: it has no PDF to link to.  Its previous
 * PDFs may still be on disk, but the catalogue lists only what the last
 * run produced.
 */
#ifndef FOLIO_INDEX_H
#define FOLIO_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "batch/manifest.h"
#include "doc/doc.h"
#include "pipeline.h"
#include "style/theme.h"

/* --- in the worker -------------------------------------------------- */

/* The catalogue facts of a post, as the manifest records them (see
 * manifest.h): one line of text each, whitespace runs collapsed, cut with
 * "…" (title 200, author 120, summary 320 characters).  The summary is the
 * front matter's, else the post's first paragraph.  New strings, NULL
 * when the post has none; free with index_facts_clear(). */
typedef struct index_facts {
    char *title, *date, *author, *summary, *lang;
} index_facts;

void index_facts_of(const doc *d, index_facts *f);
void index_facts_clear(index_facts *f);

/* The thumbnail's path relative to OUTDIR, for a post whose outputs are
 * out_dir/name.*: "out_dir/name.thumb.jpg".  A new string (free()). */
char *index_thumb_rel(const char *out_dir, const char *name);
/* True when an output path names a thumbnail. */
bool index_is_thumb(const char *output);

/* Writes the thumbnail of the picture that stands for the post (its cover
 * photo: the banner, else the first photo of its introduction, see
 * layout/blocks.h's blocks_cover_image(); else its first talk photo; else
 * its first photo-sized image) to dest, atomically.  Returns false when the post has no usable cover
 * or it cannot be decoded or written; a thumbnail left at dest by an
 * earlier run is removed then, so a stale picture is never listed. */
bool index_write_thumb(const doc *d, const char *dest);

/* --- in the parent -------------------------------------------------- */

typedef struct index_opts {
    const char *outdir;       /* where index.pdf goes; outputs are relative to it */
    const theme *th;          /* the catalogue's theme: paper, fonts, colours */
    const char *fonts_dir;    /* for the key, and to load fonts when *env is NULL */
    bool force;               /* write even when the key matches */
} index_opts;

typedef enum {
    INDEX_UNCHANGED,          /* up to date: nothing written */
    INDEX_WRITTEN,
    INDEX_FAILED,             /* error appended to dl; an older index.pdf stays */
} index_status;

typedef struct index_result {
    index_status status;
    size_t posts;             /* listed */
    size_t pages;             /* 0 when unchanged */
} index_result;

/* Brings OUTDIR/index.pdf up to date with the ok records of m.  *env
 * supplies the fonts; when NULL and the catalogue must be written, one is
 * made from o->fonts_dir and o->th and returned in *env (the caller frees
 * it), so an up-to-date run never loads a font. */
index_result index_update(const manifest *m, const index_opts *o, pipeline_env **env,
                          diag_list *dl);

/* The paths index_update() writes: OUTDIR/index.pdf and OUTDIR/index.key.
 * New strings (free()). */
char *index_pdf_path(const char *outdir);
char *index_key_path(const char *outdir);

#endif
