/* manifest: what a batch rendered, as JSON Lines.
 *
 * One record per post, one line each, sorted by source:
 *
 *   {"source":"x/index.md","outputs":["x/x.handout.pdf"],"status":"ok",
 *    "pages":9,"warnings":2,"duration_ms":812,"input_hash":"0f3c...",
 *    "error":null,"title":"...","date":"2023-08-29","author":"...",
 *    "summary":"...","lang":"zh-Hans","inputs":[{"path":"x/index.md","size":2569,
 *    "mtime_ns":1700000000000000000,"hash":"9a1e..."}, ...]}
 *
 * title, date, author, summary and lang are what the archive catalogue
 * (OUTDIR/index.pdf, batch/index.h) shows of the post: the front matter's,
 * the date as YYYY-MM-DD (null when the front matter has no valid one:
 * the handout prints none either), the summary cut to a few hundred
 * characters on one line, the language tag its text is shaped with.  They are null for
 * a failed post, and absent from manifests written before the catalogue
 * (such a record is read with them NULL).  An ok post's outputs may end
 * with a thumbnail of its cover photo, "x/x.thumb.jpg" (render/thumb.h).
 *
 * source is relative to the archive folder, outputs to OUTDIR, so the
 * manifests of shards rendered on different machines merge.  input_hash
 * covers the post, every local image it uses, the theme, the fonts
 * configuration and folio's version; inputs lists the files with their
 * size and mtime, so an unchanged archive is recognised from stat() alone.
 * A missing image is an input too ("size":-1): when it appears, the post
 * is rendered again.
 *
 * Writing goes through file_out (temporary file + rename): a reader, or a
 * run killed at any moment, sees the old manifest or the new one.
 */
#ifndef FOLIO_MANIFEST_H
#define FOLIO_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"

typedef struct manifest_input {
    char *path;          /* relative to the archive folder when inside it */
    int64_t size;        /* bytes; -1 when the file is absent */
    int64_t mtime_ns;    /* modification time, ns since the epoch */
    uint64_t hash;       /* XXH64 of the bytes; 0 when absent */
} manifest_input;

typedef struct manifest_record {
    char *source;
    char **outputs;
    size_t noutputs;
    char *status;        /* "ok" or "failed" */
    int pages, warnings;
    int64_t duration_ms;
    uint64_t input_hash;
    char *error;         /* first error line of a failure, else NULL */
    /* What the catalogue shows; NULL when unknown (failed, or an older
     * manifest).  date is ISO, "2023-08-29" (the catalogue also reads
     * "2023-08" and "2023"). */
    char *title, *date, *author, *summary, *lang;
    manifest_input *inputs;
    size_t ninputs;
} manifest_record;

/* Frees what r owns (not r) and zeroes it. */
void manifest_record_clear(manifest_record *r);
/* Deep copy of src into *dst (which is overwritten). */
void manifest_record_copy(manifest_record *dst, const manifest_record *src);
/* Appends r as one JSON line without the newline. */
void manifest_record_json(const manifest_record *r, buf *out);
/* Parses one line into *r (cleared first).  Returns false on malformed
 * JSON or a record without source; unknown keys are ignored. */
bool manifest_record_parse(const char *line, size_t len, manifest_record *r);

typedef struct manifest manifest;

/* Returns a new empty manifest owned by the caller; free with manifest_free(). */
manifest *manifest_new(void);
void manifest_free(manifest *m);

/* Adds the records of the file at path.  A missing file adds nothing and
 * is not an error (the first run); malformed lines give one warning each
 * and are skipped.  Returns false with an error when the file exists but
 * cannot be read. */
bool manifest_read(manifest *m, const char *path, diag_list *dl);

/* Borrowed; NULL when there is no record for source.  Valid until the next
 * manifest_put() or manifest_free(). */
const manifest_record *manifest_find(const manifest *m, const char *source);
/* Copies r in, replacing any record with the same source. */
void manifest_put(manifest *m, const manifest_record *r);
size_t manifest_count(const manifest *m);
/* Borrowed, in insertion order; valid like manifest_find(). */
const manifest_record *manifest_at(const manifest *m, size_t i);

/* Writes every record, sorted by source, atomically.  Returns false and
 * appends an error when the file cannot be written (the old one stays). */
bool manifest_write(const manifest *m, const char *path, diag_list *dl);

#endif
