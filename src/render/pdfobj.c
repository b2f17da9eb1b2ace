/* pdfobj: see pdfobj.h.
 *
 * The file is one buffer; each object's offset is recorded when it is
 * written, and the cross-reference table lists them by number at the end.
 * PDF 1.7 header, a classic xref table (no object streams: they would save
 * a few KB on a handout at the cost of readers that cannot seek into a
 * damaged file).
 */
#include "render/pdfobj.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/compress.h"
#include "base/hash.h"
#include "base/mem.h"
#include "base/utf8.h"

struct pdfobj {
    buf out;
    size_t *offsets;         /* by object number; 0: reserved, not written */
    size_t n, cap;           /* n - 1 objects reserved (number 0 is the free head) */
};

pdfobj *pdfobj_new(void)
{
    pdfobj *w = mem_calloc(1, sizeof *w);
    /* A comment of bytes above 127 on the second line tells transfer
     * programs the file is binary (§7.5.2). */
    buf_add(&w->out, "%PDF-1.7\n%\xb5\xed\xae\xfb\n");
    MEM_PUSH(w->offsets, w->n, w->cap) = 0;
    return w;
}

void pdfobj_free(pdfobj *w)
{
    if (!w) return;
    buf_free(&w->out);
    free(w->offsets);
    free(w);
}

int pdfobj_reserve(pdfobj *w)
{
    MEM_PUSH(w->offsets, w->n, w->cap) = 0;
    return (int)(w->n - 1);
}

static void begin(pdfobj *w, int num)
{
    if (num > 0 && (size_t)num < w->n) w->offsets[num] = w->out.len;
    buf_addf(&w->out, "%d 0 obj\n", num);
}

void pdfobj_write(pdfobj *w, int num, const char *value, size_t len)
{
    begin(w, num);
    buf_addn(&w->out, value, len);
    buf_add(&w->out, "\nendobj\n");
}

int pdfobj_add(pdfobj *w, const char *value, size_t len)
{
    int num = pdfobj_reserve(w);
    pdfobj_write(w, num, value, len);
    return num;
}

void pdfobj_write_stream(pdfobj *w, int num, const char *entries, const void *data, size_t len,
                         bool deflate)
{
    buf z = BUF_INIT;
    if (deflate) {
        compress_zlib(data, len, &z);
        data = z.s;
        len = z.len;
    }
    begin(w, num);
    buf_addf(&w->out, "<< /Length %zu", len);
    if (deflate) buf_add(&w->out, " /Filter /FlateDecode");
    if (entries && *entries) {
        buf_addc(&w->out, ' ');
        buf_add(&w->out, entries);
    }
    buf_add(&w->out, " >>\nstream\n");
    buf_addn(&w->out, data, len);
    buf_add(&w->out, "\nendstream\nendobj\n");
    buf_free(&z);
}

bool pdfobj_finish(pdfobj *w, int root, int info, buf *out)
{
    for (size_t i = 1; i < w->n; i++)
        if (!w->offsets[i]) return false;
    size_t xref = w->out.len;
    buf_addf(&w->out, "xref\n0 %zu\n0000000000 65535 f \n", w->n);
    for (size_t i = 1; i < w->n; i++) buf_addf(&w->out, "%010zu 00000 n \n", w->offsets[i]);
    /* The identifier is a hash of everything before the trailer: the same
     * document gives the same file, a different one a different id. */
    uint64_t a = hash_bytes(w->out.s, w->out.len, 0x666f6c696fu);
    /* The second half only has to differ between files whose first half
     * does not: one pass over the bytes is enough. */
    uint64_t b = hash_bytes(&a, sizeof a, (uint64_t)w->out.len);
    buf_addf(&w->out, "trailer\n<< /Size %zu /Root %d 0 R", w->n, root);
    if (info > 0) buf_addf(&w->out, " /Info %d 0 R", info);
    buf_addf(&w->out, " /ID [<%016llx%016llx> <%016llx%016llx>] >>\nstartxref\n%zu\n%%%%EOF\n",
             (unsigned long long)a, (unsigned long long)b, (unsigned long long)a,
             (unsigned long long)b, xref);
    buf_addn(out, w->out.s, w->out.len);
    return true;
}

/* ---- syntax ---- */

void pdf_add_num(buf *b, double v)
{
    if (!isfinite(v)) v = 0;
    /* Every coordinate and colour of a page goes through here (a long
     * handout: half a million numbers), so digits are made by hand; only
     * magnitudes no page has fall back to printf. */
    if (fabs(v) >= 1e13) {
        buf_addf(b, "%.0f", v);
        return;
    }
    long long q = llround(v * 10000.0);
    char s[32], *e = s + sizeof s, *p = e;
    bool neg = q < 0;
    unsigned long long u = neg ? (unsigned long long)-q : (unsigned long long)q;
    unsigned frac = (unsigned)(u % 10000);
    u /= 10000;
    if (frac) {
        int digits = 4;
        while (frac % 10 == 0) frac /= 10, digits--;
        for (int i = 0; i < digits; i++, frac /= 10) *--p = (char)('0' + frac % 10);
        *--p = '.';
    }
    do *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (neg) *--p = '-';
    buf_addn(b, p, (size_t)(e - p));
}

void pdf_add_nums(buf *b, const double *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) buf_addc(b, ' ');
        pdf_add_num(b, v[i]);
    }
}

void pdf_add_string(buf *b, const char *s, size_t n)
{
    buf_addc(b, '(');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '(' || c == ')' || c == '\\') {
            buf_addc(b, '\\');
            buf_addc(b, (char)c);
        } else if (c < 32 || c > 126) {
            buf_addf(b, "\\%03o", c);
        } else {
            buf_addc(b, (char)c);
        }
    }
    buf_addc(b, ')');
}

void pdf_add_hex4(buf *b, unsigned v)
{
    static const char digit[] = "0123456789ABCDEF";
    char d[4] = {digit[v >> 12 & 15], digit[v >> 8 & 15], digit[v >> 4 & 15], digit[v & 15]};
    buf_addn(b, d, 4);
}

void pdf_add_hex_bytes(buf *b, const unsigned char *p, size_t n)
{
    static const char digit[] = "0123456789abcdef";
    buf_reserve(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        char d[2] = {digit[p[i] >> 4], digit[p[i] & 15]};
        buf_addn(b, d, 2);
    }
}

void pdf_add_utf16_hex(buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        i += adv;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            pdf_add_hex4(b, 0xD800 + (cp >> 10));
            pdf_add_hex4(b, 0xDC00 + (cp & 0x3FF));
        } else {
            pdf_add_hex4(b, cp);
        }
    }
}

void pdf_add_text(buf *b, const char *utf8)
{
    size_t n = strlen(utf8);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)utf8[i] < 32 || (unsigned char)utf8[i] > 126) ascii = false;
    if (ascii) {
        pdf_add_string(b, utf8, n);
        return;
    }
    buf_add(b, "<FEFF");
    pdf_add_utf16_hex(b, utf8, n);
    buf_addc(b, '>');
}

void pdf_add_name(buf *b, const char *s)
{
    buf_addc(b, '/');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < '!' || c > '~' || strchr("()<>[]{}/%#", c))
            buf_addf(b, "#%02X", c);
        else
            buf_addc(b, (char)c);
    }
}
