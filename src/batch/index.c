/* index: the archive catalogue's facts, thumbnails and file (see index.h).
 *
 * The key.  index_update() hashes what the catalogue shows and what it is
 * drawn with, in a fixed order (records sorted by source), and compares
 * that with OUTDIR/index.key, a one-line file written after index.pdf:
 *
 *   folio-catalogue 1 <key, 16 hex digits> <size of index.pdf in bytes>
 *
 * A key file that is missing, malformed, or names another size than the
 * index.pdf on disk (a run killed between the two writes, a hand-edited
 * PDF) means "rebuild".  Checking costs a hash over the manifest's ok
 * records and two stat()s: a rerun over an unchanged archive pays
 * microseconds for its catalogue and loads no font.
 *
 * The record's input_hash is part of the key: it changes whenever the post
 * or one of its images changes, which is when its thumbnail may have.
 */
#include "batch/index.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "config.h"
#include "input/media.h"
#include "layout/blocks.h"
#include "layout/catalogue.h"
#include "layout/pageset.h"
#include "render/pdf.h"
#include "render/thumb.h"

/* Bumped when the catalogue's layout changes in a way FOLIO_VERSION does
 * not tell (during development), so old catalogues are rebuilt. */
#define INDEX_FORMAT "folio-catalogue 1"

/* How much of each fact the manifest keeps, in characters: more than the
 * catalogue shows (two lines of title, three of summary), little enough
 * that a record stays a line of a few hundred bytes. */
#define TITLE_CHARS 200
#define AUTHOR_CHARS 120
#define SUMMARY_CHARS 320

/* Thumbnails are a few tens of KiB; a larger file there is not one. */
#define THUMB_MAX_BYTES (1u << 20)

/* --- facts ----------------------------------------------------------- */

/* s on one line: control characters and whitespace runs become one
 * space, zero-width characters go, the ends are trimmed, and the text is
 * cut after max characters with "…".  NULL for NULL or nothing left. */
static char *one_line(const char *s, size_t max)
{
    if (!s) return NULL;
    buf b = BUF_INIT;
    size_t n = strlen(s), chars = 0;
    bool space = false, cut = false;
    for (size_t i = 0; i < n;) {
        size_t adv = 1;
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        if (!adv) adv = 1;
        const char *at = s + i;
        i += adv;
        if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF) continue;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || utf8_is_space(cp) ||
            cp == 0x2028 || cp == 0x2029) {
            space = b.len > 0;
            continue;
        }
        if (chars + (space ? 1 : 0) >= max) {
            cut = true;
            break;
        }
        if (space) {
            buf_addc(&b, ' ');
            chars++;
            space = false;
        }
        buf_addn(&b, at, adv);
        chars++;
    }
    if (cut) buf_add(&b, "…");
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

void index_facts_of(const doc *d, index_facts *f)
{
    memset(f, 0, sizeof *f);
    const doc_meta *m = doc_get_meta(d);
    f->title = one_line(m->title, TITLE_CHARS);
    if (!f->title) f->title = mem_strdup("?");
    f->author = one_line(m->author, AUTHOR_CHARS);
    f->summary = one_line(m->summary, SUMMARY_CHARS);
    /* No summary: the post's first paragraph says what it is about. */
    for (size_t i = 0; !f->summary && i < doc_nblocks(d); i++) {
        const doc_block *b = doc_block_at(d, i);
        if (b->kind == DOC_PARA && b->text.len) f->summary = one_line(b->text.s, SUMMARY_CHARS);
    }
    /* The date the handout prints: the input stage accepts only a whole
     * one (and warns about anything else). */
    if (m->year > 0 && m->month >= 1 && m->month <= 12 && m->day >= 1 && m->day <= 31) {
        char date[32];
        snprintf(date, sizeof date, "%04d-%02d-%02d", m->year % 10000, m->month, m->day);
        f->date = mem_strdup(date);
    }
    f->lang = one_line(m->lang, 32);
}

void index_facts_clear(index_facts *f)
{
    free(f->title);
    free(f->date);
    free(f->author);
    free(f->summary);
    free(f->lang);
    memset(f, 0, sizeof *f);
}

/* --- thumbnails ------------------------------------------------------ */

static const char THUMB_SUFFIX[] = ".thumb.jpg";

char *index_thumb_rel(const char *out_dir, const char *name)
{
    buf b = BUF_INIT;
    if (out_dir && *out_dir) buf_addf(&b, "%s/", out_dir);
    buf_addf(&b, "%s%s", name, THUMB_SUFFIX);
    return buf_detach(&b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

bool index_is_thumb(const char *output) { return output && ends_with(output, THUMB_SUFFIX); }

/* The picture that stands for the post: its cover (the banner, else the
 * first photo of the intro, as on the handout's cover), else the first
 * talk photo, else the first image big enough to be a photo rather than
 * an icon or a divider (at least 200 x 120 px, no longer than 3:1).  Many
 * recaps put no photo before their first talk. */
static int thumb_source(const doc *d)
{
    int img = blocks_cover_image(d);
    for (size_t i = 0; img < 0 && i < doc_nsections(d); i++) {
        int ph = doc_section_at(d, i)->photo;
        if (ph >= 0 && doc_image_at(d, (size_t)ph)->status == DOC_IMG_OK) img = ph;
    }
    for (size_t i = 0; img < 0 && i < doc_nimages(d); i++) {
        const doc_image *im = doc_image_at(d, i);
        if (im->status == DOC_IMG_OK && im->width >= 200 && im->height >= 120 &&
            im->width <= 3 * im->height && im->height <= 3 * im->width)
            img = (int)i;
    }
    return img;
}

bool index_write_thumb(const doc *d, const char *dest)
{
    int img = thumb_source(d);
    char why[256];
    if (img >= 0) {
        const doc_image *im = doc_image_at(d, (size_t)img);
        if (im->path && thumb_file(im->path, dest, THUMB_MAX_SIDE, THUMB_QUALITY, why, sizeof why))
            return true;
    }
    /* No cover (any more): no picture from an older version of the post. */
    unlink(dest);
    return false;
}

/* --- the catalogue ----------------------------------------------------- */

char *index_pdf_path(const char *outdir) { return file_join(outdir, "index.pdf"); }
char *index_key_path(const char *outdir) { return file_join(outdir, "index.key"); }

static int cmp_source(const void *a, const void *b)
{
    const manifest_record *x = *(const manifest_record *const *)a;
    const manifest_record *y = *(const manifest_record *const *)b;
    return strcmp(x->source, y->source);
}

static void hash_opt(hash_state *h, const char *s)
{
    hash_update_u64(h, s ? 1 : 0);
    if (s) hash_update_str(h, s);
}

static uint64_t catalogue_key(const manifest_record *const *recs, size_t n, const index_opts *o)
{
    hash_state h;
    hash_init(&h, 0);
    hash_update_str(&h, INDEX_FORMAT);
    hash_update_str(&h, FOLIO_VERSION);
    const theme *th = o->th;
    hash_opt(&h, th->name);
    uint64_t fh = 0;
    if (th->file && hash_file(th->file, &fh)) hash_update_u64(&h, fh);
    hash_update_u64(&h, (uint64_t)th->paper);
    char *conf = file_join(o->fonts_dir ? o->fonts_dir : "", "fonts.conf");
    fh = 0;
    if (!hash_file(conf, &fh)) fh = 0;
    free(conf);
    hash_update_u64(&h, fh);
    hash_update_u64(&h, (uint64_t)n);
    for (size_t i = 0; i < n; i++) {
        const manifest_record *r = recs[i];
        hash_update_str(&h, r->source);
        hash_opt(&h, r->title);
        hash_opt(&h, r->date);
        hash_opt(&h, r->author);
        hash_opt(&h, r->summary);
        hash_opt(&h, r->lang);
        hash_update_u64(&h, (uint64_t)r->noutputs);
        for (size_t k = 0; k < r->noutputs; k++) hash_update_str(&h, r->outputs[k]);
        hash_update_u64(&h, r->input_hash);
    }
    return hash_final(&h);
}

/* True when index.key holds key and index.pdf has the size it names. */
static bool key_matches(const char *key_path, const char *pdf_path, uint64_t key)
{
    size_t len = 0;
    char *text = file_read_all(key_path, 4096, &len);
    if (!text) return false;
    char hex[17] = {0};
    long long size = -1;
    uint64_t old = 0;
    int used = 0;
    bool ok = !strncmp(text, INDEX_FORMAT " ", sizeof INDEX_FORMAT) &&
              sscanf(text + sizeof INDEX_FORMAT, "%16s %lld%n", hex, &size, &used) == 2 &&
              hash_parse_hex(hex, &old) && old == key;
    free(text);
    struct stat st;
    return ok && stat(pdf_path, &st) == 0 && S_ISREG(st.st_mode) && (long long)st.st_size == size;
}

static bool write_key(const char *key_path, const char *pdf_path, uint64_t key, diag_list *dl)
{
    struct stat st;
    if (stat(pdf_path, &st) != 0) return false;
    char hex[17];
    hash_hex(key, hex);
    file_out *fo = file_out_open(key_path);
    bool ok = fo != NULL;
    if (ok) {
        fprintf(file_out_stream(fo), "%s %s %lld\n", INDEX_FORMAT, hex, (long long)st.st_size);
        ok = file_out_commit(fo);
    }
    if (!ok)
        diag_add(dl, DIAG_WARNING, key_path, 0, 0,
                 "cannot write the catalogue's key: %s; it will be rebuilt next time",
                 strerror(errno));
    return ok;
}

/* An output of r that ends with suffix and exists as a non-empty file. */
static const char *output_with(const manifest_record *r, const char *outdir, const char *suffix)
{
    for (size_t k = 0; k < r->noutputs; k++) {
        if (!ends_with(r->outputs[k], suffix)) continue;
        char *abs = file_join(outdir, r->outputs[k]);
        struct stat st;
        bool there = stat(abs, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
        free(abs);
        if (there) return r->outputs[k];
    }
    return NULL;
}

/* The thumbnail of r, probed: an absolute path (new string), or NULL when
 * it has none or the file is not a JPEG folio wrote. */
static char *thumb_of(const manifest_record *r, const char *outdir, media_info *info)
{
    for (size_t k = 0; k < r->noutputs; k++) {
        if (!index_is_thumb(r->outputs[k])) continue;
        char *abs = file_join(outdir, r->outputs[k]);
        size_t len = 0;
        char *data = file_read_all(abs, THUMB_MAX_BYTES, &len);
        bool ok = data && media_probe((const unsigned char *)data, len, info) == MEDIA_OK &&
                  info->format == MEDIA_JPEG && info->components == 3 &&
                  media_complete((const unsigned char *)data, len, info);
        free(data);
        if (ok) return abs;
        free(abs);
    }
    return NULL;
}

index_result index_update(const manifest *m, const index_opts *o, pipeline_env **env,
                          diag_list *dl)
{
    index_result res = {INDEX_FAILED, 0, 0};
    size_t total = manifest_count(m), n = 0;
    const manifest_record **recs = mem_calloc(total + 1, sizeof *recs);
    for (size_t i = 0; i < total; i++) {
        const manifest_record *r = manifest_at(m, i);
        if (r->status && !strcmp(r->status, "ok")) recs[n++] = r;
    }
    if (n) qsort(recs, n, sizeof *recs, cmp_source);
    res.posts = n;
    char *pdf_path = index_pdf_path(o->outdir), *key_path = index_key_path(o->outdir);
    uint64_t key = catalogue_key(recs, n, o);
    if (!o->force && key_matches(key_path, pdf_path, key)) {
        res.status = INDEX_UNCHANGED;
        goto done;
    }
    if (!*env) *env = pipeline_env_new(o->fonts_dir, o->th, dl);
    if (!*env) goto done;

    catalogue_entry *entries = mem_calloc(n + 1, sizeof *entries);
    char **thumbs = mem_calloc(n + 1, sizeof *thumbs);
    for (size_t i = 0; i < n; i++) {
        const manifest_record *r = recs[i];
        catalogue_entry *e = &entries[i];
        /* A record from before the catalogue has no title: its path says
         * which post it is. */
        e->title = r->title ? r->title : r->source;
        e->date = r->date;
        e->author = r->author;
        e->summary = r->summary;
        e->lang = r->lang;
        e->handout = output_with(r, o->outdir, ".handout.pdf");
        e->slides = output_with(r, o->outdir, ".slides.pdf");
        e->key = r->source;
        thumbs[i] = thumb_of(r, o->outdir, &e->thumb_info);
        e->thumb = thumbs[i];
    }
    catalogue_opts co = {o->th->paper, NULL};
    pageset *ps = catalogue_layout(entries, n, o->th, pipeline_env_fonts(*env), &co, dl);
    res.pages = pageset_npages(ps);
    if (pdf_write(ps, pdf_path, pdf_path, dl)) {
        write_key(key_path, pdf_path, key, dl);
        res.status = INDEX_WRITTEN;
    }
    pageset_free(ps);
    for (size_t i = 0; i < n; i++) free(thumbs[i]);
    free(thumbs);
    free(entries);
done:
    free(pdf_path);
    free(key_path);
    free(recs);
    return res;
}
