/* article: the input stage's entry point, a post file → doc.
 *
 * Steps, in order:
 *  1. read the file (at most ARTICLE_MAX_BYTES; a FIFO or device is
 *     refused, not waited on), drop a UTF-8 BOM, turn CRLF and lone CR into
 *     LF, and replace NUL bytes and invalid UTF-8 with U+FFFD (one warning
 *     each, naming the first bad byte's offset and line:col in the file);
 *  2. front matter (input/frontmatter.c): an error here fails the post;
 *  3. the body, with the front matter's lines replaced by empty lines so
 *     cmark's line numbers are the file's (input/markdown.c);
 *  4. the title fallback (first heading, else the file name, else the
 *     folder name for index.md), the banner image (resolved quietly:
 *     real posts name site-root banners that never resolve offline);
 *  5. recap detection (doc/recap.c) and the language.
 */
#include "input/article.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "doc/doc_build.h"
#include "doc/recap.h"
#include "input/frontmatter.h"
#include "input/markdown.h"

/* LF-only copy of s without a BOM, NUL bytes replaced with U+FFFD (cmark
 * does the same, and no later stage has to think about embedded NULs). */
static char *normalise(const char *s, size_t n, size_t nuls, size_t *outlen)
{
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    char *out = mem_alloc(n + 2 * nuls + 1);   /* a NUL grows to 3 bytes */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            out[o++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n') i++;
        } else if (s[i] == '\0') {
            o += utf8_encode(UTF8_REPLACEMENT, out + o);
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* The 1-based line and column (in characters) of byte offset off of the
 * file as read: CRLF, lone CR and LF each end a line, a leading BOM is not
 * a character. */
static void line_col_of(const char *s, size_t off, int *line, int *col)
{
    int l = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) {
            l++;
            ls = i + 1;
        }
    }
    if (ls == 0 && off >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) ls = 3;
    *line = l;
    *col = (int)utf8_length(s + ls, off - ls) + 1;
}

/* "posts/a/index.md" → "a"; "posts/b.md" → "b". */
static const char *title_from_path(doc *d, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcasecmp(base + n - 3, ".md") == 0) n -= 3;
    else if (n > 9 && strcasecmp(base + n - 9, ".markdown") == 0) n -= 9;
    if (n == 5 && strncasecmp(base, "index", 5) == 0) {
        const char *dir = doc_dir(d);
        const char *ds = strrchr(dir, '/');
        const char *dn = ds ? ds + 1 : dir;
        if (*dn) return doc_strdup(d, dn);
    }
    return doc_strndup(d, base, n);
}

doc *article_load(const char *path, const article_opts *opts, diag_list *dl)
{
    if (!path) return NULL;
    size_t rawlen = 0;
    char *raw = file_read_all(path, ARTICLE_MAX_BYTES, &rawlen);
    if (!raw) {
        if (errno == EFBIG)
            diag_add(dl, DIAG_ERROR, path, 0, 0,
                     "cannot read: larger than %u bytes; refusing the post",
                     (unsigned)ARTICLE_MAX_BYTES);
        else if (errno == EINVAL)
            diag_add(dl, DIAG_ERROR, path, 0, 0,
                     "cannot read: not a regular file (a FIFO, socket or device)");
        else
            diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    /* Positions are reported in the file as read (before the BOM and CRs
     * are dropped), so an editor jumping to them lands on the byte. */
    const char *nul = memchr(raw, '\0', rawlen);
    size_t nuls = 0;
    if (nul) {
        for (const char *q = nul; q; q = memchr(q + 1, '\0', rawlen - (size_t)(q + 1 - raw)))
            nuls++;
        int l, c;
        line_col_of(raw, (size_t)(nul - raw), &l, &c);
        diag_add(dl, DIAG_WARNING, path, l, c,
                 "NUL byte at byte offset %zu (%zu in all; a binary file?); replaced with U+FFFD",
                 (size_t)(nul - raw), nuls);
    }
    long bad = utf8_first_invalid(raw, rawlen);
    if (bad >= 0) {
        int l, c;
        line_col_of(raw, (size_t)bad, &l, &c);
        diag_add(dl, DIAG_WARNING, path, l, c,
                 "invalid UTF-8 at byte offset %ld; replaced with U+FFFD", bad);
    }
    size_t nlen;
    char *norm = normalise(raw, rawlen, nuls, &nlen);
    free(raw);
    char *text = norm;
    size_t len = nlen;
    if (utf8_first_invalid(norm, nlen) >= 0) {
        text = utf8_sanitize(norm, nlen, &len);
        free(norm);
    }

    char *folder = file_dirname(path);
    char *absdir = file_realpath(folder);
    doc *d = doc_new(path, absdir ? absdir : folder);
    free(folder);
    free(absdir);

    size_t body_off = 0;
    int body_lines = 0;
    if (!frontmatter_parse(d, text, len, path, dl, &body_off, &body_lines)) {
        free(text);
        doc_free(d);
        return NULL;
    }
    buf body = BUF_INIT;
    for (int i = 0; i < body_lines; i++) buf_addc(&body, '\n');
    buf_addn(&body, text + body_off, len - body_off);
    free(text);

    markdown_opts mo = {path, opts ? opts->allow_outside : NULL};
    markdown_parse(d, body.s ? body.s : "", body.len, &mo, dl);
    buf_free(&body);

    doc_meta *m = doc_meta_mut(d);
    if (!m->title) {
        for (size_t i = 0; i < doc_nblocks(d); i++) {
            const doc_block *b = doc_block_at(d, i);
            if (b->kind == DOC_HEADING && b->text.len) {
                m->title = doc_strndup(d, b->text.s, b->text.len);
                break;
            }
        }
        if (!m->title) m->title = title_from_path(d, path);
    }
    if (m->banner) {
        /* Quietly: real posts name site-root banners (img/banners/x.png)
         * that never resolve offline; only a local file counts. */
        char *bp = NULL;
        if (file_resolve(doc_dir(d), m->banner, mo.extra_roots, &bp) == FILE_OK) {
            int idx = markdown_image(d, m->banner, "", m->title_line, 1, &mo, true, dl);
            const doc_image *im = idx >= 0 ? doc_image_at(d, (size_t)idx) : NULL;
            if (im && im->status == DOC_IMG_OK) m->banner_image = idx;
        }
        free(bp);
    }
    recap_detect(d, path, dl);
    /* Front matter speaker photos: registered like any image of the post. */
    for (size_t k = 0; k < m->nspeakers; k++) {
        const doc_speaker_override *o = &m->speakers[k];
        if (!o->photo) continue;
        for (size_t s = 0; s < d->nsections; s++) {
            doc_section *sec = &d->sections[s];
            char num[24];
            snprintf(num, sizeof num, "%zu", s + 1);
            if (strcmp(o->section, sec->title) == 0 || strcmp(o->section, num) == 0) {
                sec->photo = markdown_image(d, o->photo, sec->speaker ? sec->speaker : "",
                                            m->title_line, 1, &mo, false, dl);
                break;
            }
        }
    }
    return d;
}
