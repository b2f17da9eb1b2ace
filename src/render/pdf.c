/* pdf: see pdf.h.
 *
 * draw_page() paints; this file adds what only a PDF has: destinations,
 * links and the outline.  Link rectangles are
 * grouped per target and page so that a URL broken over two lines is one
 * link with two rectangles.  On an imposed page (booklet sheet, slide
 * handout) the destinations and links of every placed page are carried to
 * the sheet with the same matrix draw.c draws it with; each source page is
 * placed once, so every destination name still appears once.
 */
#include "render/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "render/draw.h"
#include "render/image.h"
#include "render/subset.h"

#define PT(v) ((double)(v) / 1024.0)

/* cairo tag attributes quote strings with '...'; a quote or backslash in
 * a URL or name must be escaped. */
static void add_quoted(buf *b, const char *s)
{
    buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\') buf_addc(b, '\\');
        buf_addc(b, *s);
    }
    buf_addc(b, '\'');
}

/* A destination or a link rectangle in the coordinates of the page being
 * written: boxes of a placed page are carried to the sheet through
 * draw_placed_matrix(). */
typedef struct tag_item {
    const box *b;            /* BOX_DEST or BOX_LINK: the names, borrowed */
    double x, y, w, h;       /* points on the written page; w, h links only */
} tag_item;

typedef struct tag_list {
    tag_item *items;
    size_t n, cap;
} tag_list;

/* Collects pg's destinations and links under matrix m, placed pages
 * included.  depth counts placed pages inside placed pages: impose.c nests
 * one level, so the limit only guards against a future cycle. */
static void collect_tags(const page *pg, const cairo_matrix_t *m, int depth, tag_list *tl)
{
    for (size_t k = 0; k < pg->nboxes; k++) {
        const box *b = &pg->boxes[k];
        if (b->kind == BOX_DEST) {
            double x = PT(b->x), y = PT(b->y);
            cairo_matrix_transform_point(m, &x, &y);
            MEM_PUSH(tl->items, tl->n, tl->cap) = (tag_item){b, x, y, 0, 0};
        } else if (b->kind == BOX_LINK) {
            /* A turned rectangle is still a rectangle (quarter turns only):
             * its corners' bounding box. */
            double xs[2] = {PT(b->x), PT(b->x + b->w)}, ys[2] = {PT(b->y), PT(b->y + b->h)};
            double x0 = 1e30, y0 = 1e30, x1 = -1e30, y1 = -1e30;
            for (int i = 0; i < 4; i++) {
                double x = xs[i & 1], y = ys[i >> 1];
                cairo_matrix_transform_point(m, &x, &y);
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
            MEM_PUSH(tl->items, tl->n, tl->cap) = (tag_item){b, x0, y0, x1 - x0, y1 - y0};
        } else if (b->kind == BOX_PLACED && depth < 4) {
            cairo_matrix_t pm, cm;
            draw_placed_matrix(b, &pm);
            cairo_matrix_multiply(&cm, &pm, m);
            collect_tags(b->placed, &cm, depth + 1, tl);
        }
    }
}

/* Links to other files (box.file).  cairo 1.16 writes a link tag with
 * file='name' as the action
 *
 *   /S /GoToR /F (name) /D [0 null null 0]
 *
 * with the name copied unescaped between the parentheses (a name with a
 * parenthesis or a backslash breaks the file) and a destination that is
 * not one: a page destination needs a type such as /Fit (PDF 32000
 * §12.3.2.2).  So cairo is handed a stand-in name exactly as long as the
 * file specification folio wants in its place, parentheses included, and
 * once cairo is done both are overwritten in place (same length: no
 * offset moves):
 *
 *   /F << /Type /Filespec /F (bytes) /UF <FEFF...> >>   /D [0 /Fit]
 *
 * /F holds the path's UTF-8 bytes with PDF string escapes, /UF the same
 * path as a Unicode text string (PDF 1.7 §7.11.3), which is what readers
 * use for non-ASCII names.  The path is relative: a reader opens it from
 * the folder of the PDF (§7.11.2). */
typedef struct file_link {
    char *standin;           /* what cairo writes between the parentheses */
    char *spec;              /* what replaces "(standin)" */
} file_link;

typedef struct file_links {
    file_link *items;
    size_t n, cap;
} file_links;

static const char GOTOR_DEST_CAIRO[] = "/D [0 null null 0]";
static const char GOTOR_DEST_FOLIO[] = "/D [0 /Fit]       ";

/* The file specification dictionary for a '/'-separated relative path. */
static char *file_spec(const char *path)
{
    buf b = BUF_INIT;
    buf_add(&b, "<< /Type /Filespec /F (");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '(' || *p == ')' || *p == '\\') buf_addf(&b, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f) buf_addf(&b, "\\%03o", *p);
        else buf_addc(&b, (char)*p);
    }
    buf_add(&b, ") /UF <FEFF");
    size_t n = strlen(path);
    for (size_t i = 0; i < n;) {
        size_t adv = 1;
        uint32_t cp = utf8_decode(path + i, n - i, &adv);
        if (!adv) adv = 1;
        i += adv;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            buf_addf(&b, "%04X%04X", 0xD800 + (unsigned)(cp >> 10), 0xDC00 + (unsigned)(cp & 0x3FF));
        } else {
            buf_addf(&b, "%04X", (unsigned)cp);
        }
    }
    buf_add(&b, "> >>");
    return buf_detach(&b);
}

/* Registers a link to path; returns the stand-in name to give cairo. */
static const char *file_link_add(file_links *fl, const char *path)
{
    file_link *l = &MEM_PUSH(fl->items, fl->n, fl->cap);
    l->spec = file_spec(path);
    size_t want = strlen(l->spec) - 2;   /* cairo adds the parentheses */
    buf b = BUF_INIT;
    buf_addf(&b, "folio-file-link-%06zu-", fl->n);
    while (b.len < want) buf_addc(&b, 'x');
    l->standin = buf_detach(&b);
    return l->standin;
}

/* Overwrites each stand-in and the destination after it (see above).
 * Returns false when one is not where cairo should have written it. */
static bool fix_file_links(buf *pdf, const file_links *fl)
{
    for (size_t i = 0; i < fl->n; i++) {
        const file_link *l = &fl->items[i];
        size_t n = strlen(l->standin);
        char *at = memmem(pdf->s, pdf->len, l->standin, n);
        if (!at || at == pdf->s || at[-1] != '(' || (size_t)(at - pdf->s) + n >= pdf->len ||
            at[n] != ')')
            return false;
        memcpy(at - 1, l->spec, n + 2);
        size_t from = (size_t)(at - pdf->s) + n + 1, span = pdf->len - from < 64 ? pdf->len - from : 64;
        char *d = memmem(pdf->s + from, span, GOTOR_DEST_CAIRO, sizeof GOTOR_DEST_CAIRO - 1);
        if (d) memcpy(d, GOTOR_DEST_FOLIO, sizeof GOTOR_DEST_FOLIO - 1);
    }
    return true;
}

static void file_links_free(file_links *fl)
{
    for (size_t i = 0; i < fl->n; i++) {
        free(fl->items[i].standin);
        free(fl->items[i].spec);
    }
    free(fl->items);
}

/* Destinations and links, PDF only.  Links to the same URL or
 * destination on one page become one annotation with several rectangles
 * (a URL broken over two lines).  File links stay one per rectangle: they
 * sit close together in a catalogue row, and a reader that ignores
 * /QuadPoints would make the union of the rectangles clickable. */
static void tag_page(cairo_t *cr, const page *pg, file_links *fl)
{
    tag_list tl = {0};
    cairo_matrix_t id;
    cairo_matrix_init_identity(&id);
    collect_tags(pg, &id, 0, &tl);
    for (size_t k = 0; k < tl.n; k++) {
        const box *b = tl.items[k].b;
        if (b->kind != BOX_DEST) continue;
        buf a = BUF_INIT;
        buf_add(&a, "name=");
        add_quoted(&a, b->dest);
        buf_addf(&a, " x=%.2f y=%.2f", tl.items[k].x, tl.items[k].y);
        cairo_tag_begin(cr, CAIRO_TAG_DEST, a.s);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        buf_free(&a);
    }
    bool *done = mem_calloc(tl.n + 1, 1);
    for (size_t k = 0; k < tl.n; k++) {
        const box *b = tl.items[k].b;
        if (b->kind != BOX_LINK || done[k]) continue;
        buf a = BUF_INIT;
        buf_add(&a, "rect=[");
        for (size_t j = k; j < tl.n; j++) {
            const box *o = tl.items[j].b;
            if (o->kind != BOX_LINK || done[j]) continue;
            bool same = (b->uri && o->uri && !strcmp(b->uri, o->uri)) ||
                        (b->dest && o->dest && !strcmp(b->dest, o->dest)) ||
                        (b->file && o == b);
            if (!same) continue;
            done[j] = true;
            buf_addf(&a, "%.2f %.2f %.2f %.2f ", tl.items[j].x, tl.items[j].y, tl.items[j].w,
                     tl.items[j].h);
        }
        buf_add(&a, "]");
        if (b->uri) {
            buf_add(&a, " uri=");
            add_quoted(&a, b->uri);
        } else if (b->file) {
            buf_add(&a, " file=");
            add_quoted(&a, file_link_add(fl, b->file));
        } else {
            buf_add(&a, " dest=");
            add_quoted(&a, b->dest);
        }
        cairo_tag_begin(cr, CAIRO_TAG_LINK, a.s);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        buf_free(&a);
    }
    free(done);
    free(tl.items);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
    buf_addn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* True when s[i] starts the keyword that opens a stream's data: "stream"
 * after a dictionary's ">>" (and white space), before an end of line.  The
 * same letters in a name, a string or a link ("/upstream", a URL, a file
 * link to "ceph-upstream/...") are not one; taking them for one would skip
 * object definitions up to the next "endstream". */
static bool stream_at(const char *s, size_t n, size_t i)
{
    if (n - i < 7 || memcmp(s + i, "stream", 6) || (s[i + 6] != '\n' && s[i + 6] != '\r'))
        return false;
    size_t k = i;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\n' || s[k - 1] == '\r' || s[k - 1] == '\t'))
        k--;
    return k >= 2 && s[k - 1] == '>' && s[k - 2] == '>';
}

/* cairo 1.16 gives every link annotation a /StructParent and writes a
 * parent tree that refers to structure elements it never writes
 * (../shared/docs/stack.md), so strict readers (qpdf --check) call the file
 * damaged.  The repair is an incremental update that defines each
 * referenced-but-missing object as null, which is what a reader must take
 * a dangling reference to mean anyway (PDF 32000 §7.3.10).  Only text
 * outside streams is scanned: compressed data can look like anything. */
static void repair_dangling(buf *pdf)
{
    const char *s = pdf->s;
    size_t n = pdf->len;
    const char *tr = NULL;
    for (size_t i = n; i-- > 7;)
        if (!memcmp(s + i - 7, "trailer", 7)) {
            tr = s + i - 7;
            break;
        }
    if (!tr) return;
    long size = 0, prev = 0;
    const char *p = strstr(tr, "/Size ");
    if (p) size = strtol(p + 6, NULL, 10);
    p = strstr(tr, "startxref");
    if (p) prev = strtol(p + 9, NULL, 10);
    char root[32] = "", info[32] = "";
    if ((p = strstr(tr, "/Root "))) sscanf(p + 6, "%31[0-9 R]", root);
    if ((p = strstr(tr, "/Info "))) sscanf(p + 6, "%31[0-9 R]", info);
    if (size <= 0 || size > 10000000 || !root[0] || prev <= 0) return;

    unsigned char *defined = mem_calloc((size_t)size, 1), *referenced = mem_calloc((size_t)size, 1);
    size_t i = 0;
    while (i < n) {
        if (stream_at(s, n, i)) {
            const char *end = memmem(s + i, n - i, "endstream", 9);
            if (!end) break;
            i = (size_t)(end - s) + 9;
            continue;
        }
        if (s[i] >= '0' && s[i] <= '9' && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')) {
            char *e;
            long num = strtol(s + i, &e, 10);
            if (num > 0 && num < size) {
                if (!strncmp(e, " 0 obj", 6)) defined[num] = 1;
                else if (!strncmp(e, " 0 R", 4) && (e[4] < 'A' || e[4] > 'z')) referenced[num] = 1;
            }
            i = (size_t)(e - s);
            continue;
        }
        i++;
    }
    long *offs = mem_calloc((size_t)size, sizeof *offs);
    long nmissing = 0;
    if (pdf->len && pdf->s[pdf->len - 1] != '\n') buf_addc(pdf, '\n');
    for (long k = 1; k < size; k++)
        if (referenced[k] && !defined[k]) {
            offs[k] = (long)pdf->len;
            buf_addf(pdf, "%ld 0 obj\nnull\nendobj\n", k);
            nmissing++;
        }
    if (nmissing) {
        long xref = (long)pdf->len;
        buf_add(pdf, "xref\n");
        for (long k = 1; k < size; k++)
            if (offs[k]) buf_addf(pdf, "%ld 1\n%010ld 00000 n \n", k, offs[k]);
        buf_addf(pdf, "trailer\n<< /Size %ld /Root %s", size, root);
        if (info[0]) buf_addf(pdf, " /Info %s", info);
        buf_addf(pdf, " /Prev %ld >>\nstartxref\n%ld\n%%%%EOF\n", prev, xref);
    }
    free(defined);
    free(referenced);
    free(offs);
}

/* cairo 1.16 lists an image once per drawing in the page's /XObject
 * resources, so a page that draws one photo twice (two slides of a
 * handout sharing the cover photo) gets "/x6 6 0 R /x6 6 0 R", which
 * qpdf --check reports as damage.  Both entries name the same object, so
 * the repeat is blanked out with spaces: same length, no offset moves.
 * Only text outside streams is touched. */
static void blank_repeated_resources(buf *pdf)
{
    char *s = pdf->s;
    size_t n = pdf->len;
    static const char key[] = "/XObject <<";
    size_t klen = sizeof key - 1;
    size_t i = 0;
    while (i < n) {
        if (stream_at(s, n, i)) {
            const char *end = memmem(s + i, n - i, "endstream", 9);
            if (!end) break;
            i = (size_t)(end - s) + 9;
            continue;
        }
        if (n - i <= klen || memcmp(s + i, key, klen)) {
            i++;
            continue;
        }
        i += klen;
        /* Entries "/name N 0 R" up to ">>"; the names seen so far are
         * remembered by their offsets. */
        size_t seen[64], seen_len[64], nseen = 0;
        while (i < n) {
            while (i < n && s[i] == ' ') i++;
            if (i >= n || s[i] != '/') break;
            size_t start = i, name_end = i + 1;
            while (name_end < n && s[name_end] != ' ' && s[name_end] != '/' && s[name_end] != '>')
                name_end++;
            char *e;
            strtol(s + name_end, &e, 10);
            if (strncmp(e, " 0 R", 4)) break;
            size_t end = (size_t)(e - s) + 4;
            bool repeat = false;
            for (size_t k = 0; k < nseen && !repeat; k++)
                repeat = seen_len[k] == end - start && !memcmp(s + seen[k], s + start, end - start);
            if (repeat) {
                memset(s + start, ' ', end - start);
            } else if (nseen < sizeof seen / sizeof *seen) {
                seen[nseen] = start;
                seen_len[nseen++] = end - start;
            }
            i = end;
        }
    }
}

/* PNG passthrough (image.h): each stand-in JPEG cairo wrote is found by
 * its marker, and its whole object
 *
 *   N 0 obj
 *   << /Length M 0 R ... /Filter /DCTDecode
 *   >>
 *   stream
 *   <stand-in>
 *   endstream
 *   endobj
 *
 * is replaced by an image XObject over the PNG's own zlib stream with PNG
 * predictors (PDF 32000 §7.4.4.4: Predictor 15 lets every row name its own
 * filter, as PNG rows do).  The length is written directly; object M (the
 * old length) stays defined and unused.  Every later offset in the
 * cross-reference table, and startxref, move by the difference.  Returns
 * false when cairo's output does not have the expected shape: the caller
 * then fails, rather than write a PDF with a stand-in in it. */
typedef struct splice {
    size_t at, old_len;
    buf head;                  /* object header up to "stream\n" */
    const unsigned char *data; /* the PNG's zlib stream, borrowed */
    size_t data_len;
} splice;

static const char splice_tail[] = "\nendstream\nendobj\n";

/* Bytes the object takes in the output. */
static size_t splice_len(const splice *sp)
{
    return sp->head.len + sp->data_len + sizeof splice_tail - 1;
}

static bool shift_xref(buf *out, const splice *sp, size_t nsp)
{
    /* The offset after "startxref": cairo writes one classic table. */
    char *sx = NULL;
    for (size_t i = out->len; i-- > 9;)
        if (!memcmp(out->s + i - 9, "startxref", 9)) {
            sx = out->s + i - 9;
            break;
        }
    if (!sx) return false;
    /* The table follows every splice: it moved by all of them. */
    long xref = strtol(sx + 10, NULL, 10);
    for (size_t i = 0; i < nsp; i++) xref += (long)splice_len(&sp[i]) - (long)sp[i].old_len;
    if (xref <= 0 || (size_t)xref >= out->len || memcmp(out->s + xref, "xref\n", 5)) return false;
    char *p = out->s + xref + 5;
    long first, count;
    if (sscanf(p, "%ld %ld", &first, &count) != 2 || count < 0) return false;
    p = strchr(p, '\n');
    if (!p) return false;
    p++;
    for (long k = 0; k < count; k++, p += 20) {
        if (p + 20 > out->s + out->len || p[17] != 'n') continue;
        long off = strtol(p, NULL, 10);
        long moved = off;
        for (size_t i = 0; i < nsp; i++)
            if ((size_t)off > sp[i].at) moved += (long)splice_len(&sp[i]) - (long)sp[i].old_len;
        char ten[16];
        snprintf(ten, sizeof ten, "%010ld", moved);
        memcpy(p, ten, 10);
    }
    size_t at = (size_t)(sx - out->s);
    buf tail = BUF_INIT;
    buf_addf(&tail, "startxref\n%ld\n%%%%EOF\n", xref);
    out->len = at;
    buf_addn(out, tail.s, tail.len);
    buf_free(&tail);
    return true;
}

static bool embed_pngs(buf *pdf, const image_cache *ic)
{
    size_t n = image_cache_npng(ic);
    splice *sp = mem_calloc(n + 1, sizeof *sp);
    size_t nsp = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const image_png *p = image_cache_png(ic, i);
        size_t mlen = strlen(p->marker);
        const char *m = memmem(pdf->s, pdf->len, p->marker, mlen);
        if (!m) continue;   /* drawn nowhere, or the same file twice: done once */
        bool dup = false;
        for (size_t k = 0; k < nsp; k++) dup = dup || (size_t)(m - pdf->s) - sp[k].at < sp[k].old_len;
        if (dup) continue;
        /* The stand-in starts 6 bytes before its marker (SOI, COM header). */
        const char *data = m - 6;
        static const char st[] = ">>\nstream\n";
        size_t stl = sizeof st - 1;
        if (data - pdf->s < (long)stl + 8 || memcmp(data - stl, st, stl)) { ok = false; break; }
        /* Back to "N 0 obj\n": the dictionary holds no "obj". */
        const char *obj = NULL;
        for (const char *q = data - stl; q > pdf->s + 6; q--)
            if (!memcmp(q - 6, " 0 obj", 6)) {
                obj = q - 6;
                break;
            }
        if (!obj) { ok = false; break; }
        while (obj > pdf->s && obj[-1] >= '0' && obj[-1] <= '9') obj--;
        const char *dict = strstr(obj, "<<");
        size_t jlen = 2 + 4 + mlen + 19 + 2;
        const char *end = data + jlen;
        if (!dict || dict > data || end + sizeof splice_tail - 1 > pdf->s + pdf->len ||
            memcmp(end, splice_tail, sizeof splice_tail - 1)) { ok = false; break; }
        end += sizeof splice_tail - 1;
        bool interpolate = memmem(dict, (size_t)(data - dict), "/Interpolate true", 17) != NULL;
        long num = strtol(obj, NULL, 10);
        buf r = BUF_INIT;
        buf_addf(&r, "%ld 0 obj\n<< /Type /XObject\n   /Subtype /Image\n   /Width %d\n"
                 "   /Height %d\n   /ColorSpace ", num, p->width, p->height);
        if (p->palette) {
            buf_addf(&r, "[/Indexed /DeviceRGB %d <", p->npalette - 1);
            for (int k = 0; k < 3 * p->npalette; k++) buf_addf(&r, "%02x", p->palette[k]);
            buf_add(&r, ">]");
        } else {
            buf_add(&r, p->colors == 3 ? "/DeviceRGB" : "/DeviceGray");
        }
        buf_addf(&r, "\n   /Interpolate %s\n   /BitsPerComponent %d\n   /Filter /FlateDecode\n"
                 "   /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>\n"
                 "   /Length %zu\n>>\nstream\n", interpolate ? "true" : "false", p->bits,
                 p->colors, p->bits, p->width, p->idat_len);
        sp[nsp++] = (splice){(size_t)(obj - pdf->s), (size_t)(end - obj), r, p->idat, p->idat_len};
    }
    if (ok && nsp) {
        /* Splices in file order. */
        for (size_t i = 1; i < nsp; i++)
            for (size_t k = i; k > 0 && sp[k - 1].at > sp[k].at; k--) {
                splice t = sp[k];
                sp[k] = sp[k - 1];
                sp[k - 1] = t;
            }
        /* One allocation of the final size: the PNG data is copied once,
         * straight from the image cache (a photo-heavy post's PDF is mostly
         * this data, and a doubling buffer held up to twice of it). */
        size_t total = pdf->len;
        for (size_t i = 0; i < nsp; i++) total += splice_len(&sp[i]) - sp[i].old_len;
        buf out = BUF_INIT;
        buf_reserve(&out, total + 32);   /* startxref may gain digits */
        size_t from = 0;
        for (size_t i = 0; i < nsp; i++) {
            buf_addn(&out, pdf->s + from, sp[i].at - from);
            buf_addn(&out, sp[i].head.s, sp[i].head.len);
            buf_addn(&out, (const char *)sp[i].data, sp[i].data_len);
            buf_addn(&out, splice_tail, sizeof splice_tail - 1);
            from = sp[i].at + sp[i].old_len;
        }
        buf_addn(&out, pdf->s + from, pdf->len - from);
        ok = shift_xref(&out, sp, nsp);
        buf_free(pdf);
        *pdf = out;
    }
    for (size_t i = 0; i < nsp; i++) buf_free(&sp[i].head);
    free(sp);
    return ok;
}

/* Object offsets from the classic cross-reference table cairo writes
 * (before any incremental update): offs[k] for object k, 0 when free.
 * Returns the number of entries, 0 when the table cannot be read. */
static long xref_offsets(const buf *pdf, long **offs)
{
    *offs = NULL;
    const char *sx = NULL;
    for (size_t i = pdf->len; i-- > 9;)
        if (!memcmp(pdf->s + i - 9, "startxref", 9)) {
            sx = pdf->s + i - 9;
            break;
        }
    if (!sx) return 0;
    long xref = strtol(sx + 10, NULL, 10), first, count;
    if (xref <= 0 || (size_t)xref >= pdf->len || memcmp(pdf->s + xref, "xref\n", 5) ||
        sscanf(pdf->s + xref + 5, "%ld %ld", &first, &count) != 2 || first != 0 || count <= 0 ||
        count > 10000000)
        return 0;
    const char *p = strchr(pdf->s + xref + 5, '\n');
    if (!p || (size_t)(p + 1 - pdf->s) + (size_t)count * 20 > pdf->len) return 0;
    p++;
    *offs = mem_calloc((size_t)count, sizeof **offs);
    for (long k = 0; k < count; k++, p += 20)
        if (p[17] == 'n') (*offs)[k] = strtol(p, NULL, 10);
    return count;
}

/* cairo names each embedded font subset "TAG+Name" with a 6-letter tag
 * hashed from the glyph ids of the face it was cut from.  The CJK faces
 * folio hands cairo are shared by every document of a process and grow
 * with them (subset.h), so their ids, and cairo's tags, would depend on
 * which posts a batch worker rendered before: the only bytes that would.
 * Each tag is replaced, in place (same length, no offset moves), by one
 * hashed from the font's name and its embedded font program, which depend
 * on this document alone.  Only dictionary text is touched. */
static void retag_fonts(buf *pdf)
{
    long *offs;
    long n = xref_offsets(pdf, &offs);
    if (!n) return;
    typedef struct { char old[7], now[7]; } retag;
    retag *tags = NULL;
    size_t ntags = 0, tagcap = 0;
    static const char key[] = "/FontName /";
    const char *s = pdf->s, *end = pdf->s + pdf->len;
    for (const char *p = memmem(s, pdf->len, key, sizeof key - 1); p;
         p = memmem(p + 1, (size_t)(end - p - 1), key, sizeof key - 1)) {
        const char *tag = p + sizeof key - 1;
        if (end - tag < 8 || tag[6] != '+') continue;
        bool upper = true;
        for (int i = 0; i < 6; i++) upper = upper && tag[i] >= 'A' && tag[i] <= 'Z';
        const char *dict_end = memmem(tag, (size_t)(end - tag), ">>", 2);
        const char *ff = memmem(tag, (size_t)(end - tag), "/FontFile", 9);
        if (!upper || !dict_end || !ff || ff > dict_end) continue;
        char *e;
        long obj = strtol(ff + 10 + (ff[9] == ' ' ? 0 : 1), &e, 10);
        if (obj <= 0 || obj >= n || !offs[obj] || strncmp(e, " 0 R", 4)) continue;
        const char *st = memmem(s + offs[obj], (size_t)(end - s - offs[obj]), "stream\n", 7);
        const char *len = memmem(s + offs[obj], (size_t)(end - s - offs[obj]), "/Length ", 8);
        if (!st || !len || len > st) continue;
        long slen = strtol(len + 8, &e, 10);
        if (!strncmp(e, " 0 R", 4)) {
            /* cairo writes the length as an object after the stream. */
            if (slen <= 0 || slen >= n || !offs[slen]) continue;
            const char *lo = strstr(s + offs[slen], " obj");
            slen = lo ? strtol(lo + 4, NULL, 10) : 0;
        }
        if (slen <= 0 || st + 7 + slen > end) continue;
        /* FNV-1a 64 over the name and the font program. */
        uint64_t h = 0xcbf29ce484222325u;
        for (const char *q = tag + 7; q < end && *q > ' ' && *q != '/'; q++)
            h = (h ^ (unsigned char)*q) * 0x100000001b3u;
        for (long i = 0; i < slen; i++) h = (h ^ (unsigned char)st[7 + i]) * 0x100000001b3u;
        retag *t = &MEM_PUSH(tags, ntags, tagcap);
        memcpy(t->old, tag, 6);
        t->old[6] = 0;
        for (int i = 0; i < 6; i++, h /= 26) t->now[i] = (char)('A' + h % 26);
        t->now[6] = 0;
    }
    /* Every "/OLD+" outside streams becomes "/NEW+": the font dictionary,
     * the CIDFont and the descriptor name the same subset. */
    size_t i = 0;
    while (i < pdf->len) {
        if (stream_at(pdf->s, pdf->len, i)) {
            const char *se = memmem(pdf->s + i, pdf->len - i, "endstream", 9);
            if (!se) break;
            i = (size_t)(se - pdf->s) + 9;
            continue;
        }
        if (pdf->s[i] == '/' && pdf->len - i > 8 && pdf->s[i + 7] == '+')
            for (size_t k = 0; k < ntags; k++)
                if (!memcmp(pdf->s + i + 1, tags[k].old, 6)) {
                    memcpy(pdf->s + i + 1, tags[k].now, 6);
                    break;
                }
        i++;
    }
    free(tags);
    free(offs);
}

static void add_outline(cairo_surface_t *s, const pageset *ps)
{
    int parents[8] = {CAIRO_PDF_OUTLINE_ROOT};
    int depth = 0;
    for (size_t i = 0; i < pageset_noutline(ps); i++) {
        const outline_entry *e = pageset_outline(ps, i);
        int level = e->level < 1 ? 1 : e->level > 7 ? 7 : e->level;
        if (level > depth + 1) level = depth + 1;
        buf a = BUF_INIT;
        buf_add(&a, "dest=");
        add_quoted(&a, e->dest);
        int id = cairo_pdf_surface_add_outline(s, parents[level - 1], e->title, a.s,
                                               CAIRO_PDF_OUTLINE_FLAG_OPEN);
        buf_free(&a);
        parents[level] = id;
        depth = level;
    }
}

bool pdf_write(const pageset *ps, subset_cache *fonts, const char *path, const char *diag_file,
               diag_list *dl)
{
    return pdf_write_with(ps, fonts, NULL, path, diag_file, dl);
}

bool pdf_write_with(const pageset *ps, subset_cache *fonts, image_cache *images,
                    const char *path, const char *diag_file, diag_list *dl)
{
    size_t n = pageset_npages(ps);
    if (n == 0) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "nothing to write: no pages");
        return false;
    }
    buf pdf = BUF_INIT;
    const page *first = pageset_page_const(ps, 0);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, &pdf,
                                                             PT(first->w), PT(first->h));
    const pageset_meta *m = pageset_get_meta(ps);
    if (m->title) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, m->title);
    if (m->author) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, m->author);
    if (m->subject) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, m->subject);
    if (m->keywords) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, m->keywords);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "folio");
    /* Without these cairo writes the wall-clock time and no two runs match. */
    const char *date = m->date ? m->date : "2000-01-01T00:00:00";
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);

    cairo_t *cr = cairo_create(s);
    image_cache *ic = images ? images : image_cache_new();
    image_cache_set_png_passthrough(ic, true);
    subset *ss = subset_new(ps, fonts);
    file_links fl = {0};
    for (size_t i = 0; i < n; i++) {
        const page *pg = pageset_page_const(ps, i);
        cairo_pdf_surface_set_size(s, PT(pg->w), PT(pg->h));
        if (pg->label) cairo_pdf_surface_set_page_label(s, pg->label);
        draw_page(cr, pg, ic, ss, true, diag_file, dl);
        tag_page(cr, pg, &fl);
        cairo_show_page(cr);
    }
    add_outline(s, ps);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    subset_free(ss);
    if (st == CAIRO_STATUS_SUCCESS && !embed_pngs(&pdf, ic)) st = CAIRO_STATUS_WRITE_ERROR;
    if (st == CAIRO_STATUS_SUCCESS && !fix_file_links(&pdf, &fl)) st = CAIRO_STATUS_WRITE_ERROR;
    file_links_free(&fl);
    if (!images) image_cache_free(ic);
    if (st != CAIRO_STATUS_SUCCESS) {
        buf_free(&pdf);
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write PDF: %s", cairo_status_to_string(st));
        return false;
    }
    retag_fonts(&pdf);
    blank_repeated_resources(&pdf);
    repair_dangling(&pdf);
    file_out *fo = file_out_open(path);
    if (!fo) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        buf_free(&pdf);
        return false;
    }
    bool written = fwrite(pdf.s, 1, pdf.len, file_out_stream(fo)) == pdf.len;
    buf_free(&pdf);
    if (!written) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        file_out_abort(fo);
        return false;
    }
    if (!file_out_commit(fo)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write output: %s", strerror(errno));
        return false;
    }
    return true;
}

