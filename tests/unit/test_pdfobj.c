/* pdfobj: PDF syntax as the spec writes it, and a file whose
 * cross-reference table points at its objects. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "render/pdfobj.h"

static void check_num(double v, const char *want)
{
    buf b = BUF_INIT;
    pdf_add_num(&b, v);
    CHECK_STR(b.s, want);
    buf_free(&b);
}

/* Reals: at most four decimals, rounded half away from zero, no trailing
 * zeros, no exponent, no "-0". */
static void test_numbers(void)
{
    check_num(0, "0");
    check_num(-0.0, "0");
    check_num(12, "12");
    check_num(-12, "-12");
    check_num(0.5, "0.5");
    check_num(-3.14159265, "-3.1416");
    check_num(595.27559, "595.2756");
    check_num(1.0 / 3, "0.3333");
    check_num(0.00004, "0");
    check_num(-0.00004, "0");
    check_num(0.00005, "0.0001");
    check_num(1024.9999, "1024.9999");
    check_num(1024.99996, "1025");
    check_num(1e12, "1000000000000");
    check_num(1.0 / 0.0, "0");
}

static void check_text(const char *utf8, const char *want)
{
    buf b = BUF_INIT;
    pdf_add_text(&b, utf8);
    CHECK_STR(b.s, want);
    buf_free(&b);
}

static void test_strings(void)
{
    buf b = BUF_INIT;
    pdf_add_string(&b, "a(b)c\\d\n\xff", 9);
    CHECK_STR(b.s, "(a\\(b\\)c\\\\d\\012\\377)");
    buf_truncate(&b, 0);
    pdf_add_name(&b, "Im 1#/(x)");
    CHECK_STR(b.s, "/Im#201#23#2F#28x#29");
    buf_truncate(&b, 0);
    /* Beyond the BMP: a surrogate pair. */
    pdf_add_utf16_hex(&b, "中\xF0\x9F\x98\x80", 7);
    CHECK_STR(b.s, "4E2DD83DDE00");
    buf_free(&b);
    /* Text strings: ASCII as a literal, anything else as UTF-16BE. */
    check_text("Title (1)", "(Title \\(1\\))");
    check_text("活动", "<FEFF6D3B52A8>");
    check_text("a\tb", "<FEFF006100090062>");
}

/* Where needle is in the file (binary: streams may hold NUL bytes). */
static const char *find(const buf *f, const char *needle)
{
    return memmem(f->s, f->len, needle, strlen(needle));
}

/* The offset the xref table gives for object num. */
static long xref_offset(const buf *f, int num)
{
    const char *x = find(f, "\nxref\n");
    if (!x) return -1;
    const char *row = strchr(strchr(x + 6, '\n') + 1, '\n') + 1;  /* after "0 N" and object 0 */
    return strtol(row + 20 * (num - 1), NULL, 10);
}

static void test_file(void)
{
    pdfobj *w = pdfobj_new();
    int root = pdfobj_reserve(w), pages = pdfobj_reserve(w), content = pdfobj_reserve(w);
    CHECK_INT(root, 1);
    CHECK_INT(content, 3);
    /* Written out of order: the table still finds each. */
    const char data[] = "BT /F1 12 Tf (hello hello hello hello) Tj ET";
    pdfobj_write_stream(w, content, NULL, data, strlen(data), true);
    const char *pv = "<< /Type /Pages /Kids [] /Count 0 >>";
    pdfobj_write(w, pages, pv, strlen(pv));
    buf missing = BUF_INIT;
    CHECK(!pdfobj_finish(w, root, 0, &missing));   /* root never written */
    CHECK(missing.len == 0);
    const char *rv = "<< /Type /Catalog /Pages 2 0 R >>";
    pdfobj_write(w, root, rv, strlen(rv));
    buf f = BUF_INIT;
    CHECK(pdfobj_finish(w, root, 0, &f));
    pdfobj_free(w);
    CHECK(!strncmp(f.s, "%PDF-1.7\n", 9));
    for (int num = 1; num <= 3; num++) {
        long off = xref_offset(&f, num);
        char head[32];
        snprintf(head, sizeof head, "%d 0 obj\n", num);
        CHECK(off > 0 && !strncmp(f.s + off, head, strlen(head)));
    }
    CHECK(find(&f, "/Size 4 /Root 1 0 R /ID [<") != NULL);
    /* The stream inflates back to the content and says how long it is. */
    const char *st = find(&f, "stream\n");
    const char *len = find(&f, "/Length ");
    CHECK(st && len && find(&f, "/Filter /FlateDecode"));
    if (st && len) {
        unsigned long n = strtoul(len + 8, NULL, 10);
        char out[256];
        uLongf outlen = sizeof out;
        CHECK(uncompress((Bytef *)out, &outlen, (const Bytef *)st + 7, n) == Z_OK);
        CHECK(outlen == strlen(data) && !memcmp(out, data, outlen));
        CHECK(!strncmp(st + 7 + n, "\nendstream", 10));
    }
    /* The same calls, the same bytes; other content, another /ID. */
    for (int k = 0; k < 2; k++) {
        pdfobj *v = pdfobj_new();
        int r = pdfobj_reserve(v), p = pdfobj_reserve(v), c = pdfobj_reserve(v);
        pdfobj_write_stream(v, c, NULL, data, strlen(data) - (size_t)k, true);
        pdfobj_write(v, p, pv, strlen(pv));
        pdfobj_write(v, r, rv, strlen(rv));
        buf g = BUF_INIT;
        CHECK(pdfobj_finish(v, r, 0, &g));
        pdfobj_free(v);
        const char *ida = find(&f, "/ID"), *idb = find(&g, "/ID");
        CHECK(ida && idb);
        if (ida && idb) CHECK((strncmp(ida, idb, 40) == 0) == (k == 0));
        CHECK((f.len == g.len && !memcmp(f.s, g.s, f.len)) == (k == 0));
        buf_free(&g);
    }
    buf_free(&f);
}

TEST_MAIN({
    test_numbers();
    test_strings();
    test_file();
})
