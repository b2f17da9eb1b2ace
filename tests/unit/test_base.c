/* Unit tests for src/base: buf, diag, utf8, file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "check.h"

static void test_buf(void)
{
    buf b = BUF_INIT;
    buf_add(&b, "a");
    buf_addf(&b, "%d-%s", 42, "x");
    buf_addc(&b, '!');
    CHECK_STR(b.s, "a42-x!");
    buf_truncate(&b, 1);
    buf_add_json(&b, "q\"\\\n\x01中");
    CHECK_STR(b.s, "a\"q\\\"\\\\\\n\\u0001中\"");
    buf_truncate(&b, 0);
    buf_add_json(&b, NULL);
    CHECK_STR(b.s, "null");
    char *s = buf_detach(&b);
    CHECK_STR(s, "null");
    CHECK(b.s == NULL && b.len == 0);
    free(s);
    buf e = BUF_INIT;
    s = buf_detach(&e);
    CHECK_STR(s, "");
    free(s);

    /* buf_reserve: exactly the room asked for, still a string, and appends
     * within it never move the bytes. */
    buf r = BUF_INIT;
    buf_reserve(&r, 10);
    CHECK(r.s && r.cap == 11 && r.len == 0);
    CHECK_STR(r.s, "");
    const char *at = r.s;
    buf_add(&r, "0123456789");
    CHECK(r.s == at && r.cap == 11);
    CHECK_STR(r.s, "0123456789");
    buf_reserve(&r, 0);
    CHECK(r.s == at && r.cap == 11);
    buf_add(&r, "x");
    CHECK(r.cap > 11);
    CHECK_STR(r.s, "0123456789x");
    buf_free(&r);

    int *items = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) MEM_PUSH(items, n, cap) = i;
    CHECK_INT(n, 1000);
    CHECK_INT(items[999], 999);
    free(items);
}

static void test_diag(void)
{
    diag_list *dl = diag_list_new();
    diag_add(dl, DIAG_ERROR, "post.md", 4, 1, "front matter: could not find expected ':'");
    diag_add(dl, DIAG_NOTE, "post.md", 2, 1, "while scanning a simple key");
    diag_add(dl, DIAG_WARNING, "post.md", 0, 0, "no position");
    char line[256];
    diag_format(diag_get(dl, 0), line, sizeof line);
    CHECK_STR(line, "post.md:4:1: error: front matter: could not find expected ':'");
    diag_format(diag_get(dl, 1), line, sizeof line);
    CHECK_STR(line, "post.md:2:1: note: while scanning a simple key");
    diag_format(diag_get(dl, 2), line, sizeof line);
    CHECK_STR(line, "post.md: warning: no position");
    diag_format(diag_get(dl, 0), line, 8);
    CHECK_STR(line, "post.md");
    CHECK_INT(diag_errors(dl), 1);
    CHECK_INT(diag_warnings(dl), 1);
    diag_list *other = diag_list_new();
    diag_move(other, dl);
    CHECK_INT(diag_count(dl), 0);
    CHECK_INT(diag_count(other), 3);
    diag_promote_warnings(other);
    CHECK_INT(diag_errors(other), 2);
    CHECK(diag_get(other, 3) == NULL);
    diag_list_free(dl);
    diag_list_free(other);
    diag_list_free(NULL);
}

static void test_utf8(void)
{
    size_t adv;
    CHECK_INT(utf8_decode("中", 3, &adv), 0x4E2D);
    CHECK_INT(adv, 3);
    CHECK_INT(utf8_decode("\xC0\x80", 2, &adv), UTF8_REPLACEMENT); /* overlong */
    CHECK_INT(adv, 1);
    CHECK_INT(utf8_decode("\xED\xA0\x80", 3, &adv), UTF8_REPLACEMENT); /* surrogate */
    CHECK_INT(utf8_decode("\xE4\xB8", 2, &adv), UTF8_REPLACEMENT); /* truncated */
    CHECK_INT(utf8_decode_prev("a中", 4, &adv), 0x4E2D);
    CHECK_INT(adv, 3);
    char out[4];
    CHECK_INT(utf8_encode(0x1F600, out), 4);
    CHECK_INT(utf8_first_invalid("ok中", 5), -1);
    CHECK_INT(utf8_first_invalid("ab\xFF" "c", 4), 2);
    CHECK_INT(utf8_first_invalid("\xEF\xBF\xBD", 3), -1); /* a real U+FFFD */
    size_t n;
    char *s = utf8_sanitize("a\xFF" "b\xE4\xB8", 5, &n);
    CHECK_STR(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
    CHECK_INT(utf8_length("a中b", 5), 3);
    /* Width classes used by the soft-break rule (docs/cjk.md §1). */
    CHECK(utf8_is_wide(0x5408));    /* 合 */
    CHECK(utf8_is_wide(0xFF0C));    /* ， */
    CHECK(utf8_is_wide(0x3002));    /* 。 */
    CHECK(utf8_is_wide(0x30AB));    /* カ */
    CHECK(!utf8_is_wide(0xAC00));   /* 가: Hangul keeps spaces */
    CHECK(!utf8_is_wide('r'));
    CHECK(!utf8_is_wide(0x201C));   /* “ is ambiguous: narrow */
    CHECK(utf8_is_han(0x4E2D) && utf8_is_han(0x20000) && !utf8_is_han(0x3042));
    CHECK(utf8_is_kana(0x3042) && !utf8_is_kana(0x4E2D));
    CHECK(utf8_is_cjk_punct(0x3002) && !utf8_is_cjk_punct(0x4E2D));
    CHECK(utf8_is_latin('e') && utf8_is_latin(0xE9) && !utf8_is_latin('1'));
    CHECK(utf8_is_digit('7') && utf8_is_space(0x3000));
}

static char tmpdir[64];

static void write_file(const char *rel, const char *content)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

static void test_file_resolve(void)
{
    strcpy(tmpdir, "/tmp/folio_base_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char p[600], post[256], other[256];
    snprintf(post, sizeof post, "%s/post", tmpdir);
    snprintf(other, sizeof other, "%s/other", tmpdir);
    mkdir(post, 0755);
    mkdir(other, 0755);
    snprintf(p, sizeof p, "%s/post/media", tmpdir);
    mkdir(p, 0755);
    write_file("post/media/a b.png", "x");
    write_file("post/media/x.png", "x");
    write_file("other/secret.png", "x");
    snprintf(p, sizeof p, "%s/post/media/link.png", tmpdir);
    char target[256];
    snprintf(target, sizeof target, "%s/other/secret.png", tmpdir);
    CHECK(symlink(target, p) == 0);

    static const struct { const char *ref; file_status st; } cases[] = {
        {"media/x.png", FILE_OK},
        {"./media/x.png", FILE_OK},
        {"media/a%20b.png", FILE_OK},
        {"media/a b.png", FILE_OK},
        {"media/../media/x.png", FILE_OK},
        {"media/x.png?raw=true", FILE_OK},
        {"media/none.png", FILE_MISSING},
        {"media", FILE_NOT_REGULAR},
        {"../other/secret.png", FILE_OUTSIDE},
        {"..%2fother/secret.png", FILE_OUTSIDE},
        {"../../../../../etc/passwd", FILE_OUTSIDE},
        {"../nothing/here.png", FILE_OUTSIDE},
        {"media/link.png", FILE_OUTSIDE},
        {"http://example.com/a.png", FILE_REMOTE},
        {"https://example.com/a.png", FILE_REMOTE},
        {"data:image/png;base64,AAAA", FILE_REMOTE},
        {"//cdn.example.com/a.png", FILE_REMOTE},
        {"/img/news/x.png", FILE_REMOTE},
        {"file:///etc/passwd", FILE_OUTSIDE},
        {"", FILE_MISSING},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        file_status st = file_resolve(post, cases[i].ref, NULL, &out);
        if (st != cases[i].st)
            fprintf(stderr, "  ref '%s': got %s\n", cases[i].ref, file_status_name(st));
        CHECK_INT(st, cases[i].st);
        CHECK((st == FILE_OK) == (out != NULL));
        if (out) CHECK(out[0] == '/');
        free(out);
    }
    /* file:// inside the folder, and extra roots. */
    char url[300], *out = NULL;
    snprintf(url, sizeof url, "file://%s/media/x.png", post);
    CHECK_INT(file_resolve(post, url, NULL, &out), FILE_OK);
    free(out);
    const char *roots[] = {other, NULL};
    CHECK_INT(file_resolve(post, "../other/secret.png", roots, &out), FILE_OK);
    free(out);
    CHECK_INT(file_resolve(post, "media/link.png", roots, &out), FILE_OK);
    free(out);
    CHECK_INT(file_resolve(post, "../other/none.png", roots, &out), FILE_MISSING);
    CHECK(out == NULL);

    /* Reading. */
    size_t len;
    snprintf(p, sizeof p, "%s/media/x.png", post);
    char *data = file_read_all(p, 10, &len);
    CHECK(data && len == 1 && data[0] == 'x');
    free(data);
    errno = 0;
    CHECK(file_read_all(p, 0, &len) == NULL && errno == EFBIG);
    CHECK(file_read_all(post, 100, &len) == NULL && errno == EISDIR);
    char *dn = file_dirname("a/b/c.md");
    CHECK_STR(dn, "a/b");
    free(dn);
    dn = file_dirname("c.md");
    CHECK_STR(dn, ".");
    free(dn);
    /* Joining: one slash between, none doubled; no folder, just the name. */
    const char *joins[][3] = {{"out", "a/b.pdf", "out/a/b.pdf"}, {"out/", "x", "out/x"},
                              {"", "x", "x"}, {NULL, "x", "x"}, {"/", "x", "/x"}};
    for (size_t i = 0; i < sizeof joins / sizeof *joins; i++) {
        char *j = file_join(joins[i][0], joins[i][1]);
        CHECK_STR(j, joins[i][2]);
        free(j);
    }

    /* Atomic output: commit renames, abort leaves nothing. */
    snprintf(p, sizeof p, "%s/out.pdf", tmpdir);
    file_out *fo = file_out_open(p);
    CHECK(fo != NULL);
    if (fo) {
        CHECK(strncmp(file_out_temp_path(fo), p, strlen(p)) == 0);
        fputs("hello", file_out_stream(fo));
        char tmp[300];
        snprintf(tmp, sizeof tmp, "%s", file_out_temp_path(fo));
        CHECK(access(p, F_OK) != 0);
        CHECK(file_out_commit(fo));
        CHECK(access(tmp, F_OK) != 0);
        data = file_read_all(p, 100, &len);
        CHECK(data && strcmp(data, "hello") == 0);
        free(data);
    }
    snprintf(p, sizeof p, "%s/aborted.pdf", tmpdir);
    fo = file_out_open(p);
    if (fo) {
        char tmp[300];
        snprintf(tmp, sizeof tmp, "%s", file_out_temp_path(fo));
        fputs("x", file_out_stream(fo));
        file_out_abort(fo);
        CHECK(access(tmp, F_OK) != 0);
        CHECK(access(p, F_OK) != 0);
    }
    /* A destination in a missing folder fails cleanly. */
    snprintf(p, sizeof p, "%s/no/such/dir/out.pdf", tmpdir);
    CHECK(file_out_open(p) == NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    CHECK(system(cmd) == 0);
}

TEST_MAIN({
    test_buf();
    test_diag();
    test_utf8();
    test_file_resolve();
})
