/* Unit tests for the batch stage's pure parts: the XXH64 hash (against
 * the reference implementation's published values), discovery order and
 * filters, shard assignment, manifest records and files, and the
 * catalogue's facts and thumbnail names (batch/index.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "input/article.h"
#include "batch/discover.h"
#include "batch/index.h"
#include "batch/manifest.h"
#include "batch/shard.h"
#include "check.h"

static void test_hash(void)
{
    /* Values from xxHash's reference (xxhsum -H1). */
    CHECK(hash_bytes("", 0, 0) == 0xEF46DB3751D8E999ULL);
    CHECK(hash_bytes("a", 1, 0) == 0xD24EC4F1A98C6E5BULL);
    CHECK(hash_bytes("abc", 3, 0) == 0x44BC2CF5AD770999ULL);
    const char *fox = "Nobody inspects the spammish repetition";
    CHECK(hash_bytes(fox, strlen(fox), 0) == 0xFBCEA83C8A378BF1ULL);

    /* Streaming in odd pieces equals one shot, across the 32-byte stripes. */
    char data[1000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (char)(i * 7 + 3);
    uint64_t one = hash_bytes(data, sizeof data, 42);
    hash_state h;
    hash_init(&h, 42);
    size_t off = 0, step = 1;
    while (off < sizeof data) {
        size_t n = step < sizeof data - off ? step : sizeof data - off;
        hash_update(&h, data + off, n);
        off += n;
        step = step * 3 % 37 + 1;
    }
    CHECK(hash_final(&h) == one);
    CHECK(hash_bytes(data, sizeof data, 0) != one);

    char hex[17];
    hash_hex(0xEF46DB3751D8E999ULL, hex);
    CHECK_STR(hex, "ef46db3751d8e999");
    uint64_t back = 0;
    CHECK(hash_parse_hex(hex, &back) && back == 0xEF46DB3751D8E999ULL);
    CHECK(!hash_parse_hex("ef46db3751d8e99", &back));
    CHECK(!hash_parse_hex("ef46db3751d8e99x", &back));
    CHECK(!hash_parse_hex("ef46db3751d8e9990", &back));

    /* "ab","c" and "a","bc" differ. */
    hash_state a, b;
    hash_init(&a, 0);
    hash_update_str(&a, "ab");
    hash_update_str(&a, "c");
    hash_init(&b, 0);
    hash_update_str(&b, "a");
    hash_update_str(&b, "bc");
    CHECK(hash_final(&a) != hash_final(&b));
}

static void put(const char *dir, const char *rel, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *s = path + strlen(dir) + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(path, 0777);
            *s = '/';
        }
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

static void test_peek(void)
{
    bool fm, draft;
    discover_peek("---\ntitle: x\n---\nbody\n", 22, &fm, &draft);
    CHECK(fm && !draft);
    const char *d = "\xEF\xBB\xBF---\r\ntitle: x\r\ndraft: true\r\n---\r\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(fm && draft);
    d = "---\ndraft: \"yes\" # later\n...\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(fm && draft);
    d = "---\ndraft: false\n---\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(fm && !draft);
    /* draft after the block, or indented (not top-level), does not count */
    d = "---\ntitle: x\n---\ndraft: true\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(fm && !draft);
    d = "---\nmeta:\n  draft: true\n---\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(fm && !draft);
    d = "# title\n---\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(!fm && !draft);
    d = "----\n";
    discover_peek(d, strlen(d), &fm, &draft);
    CHECK(!fm);
}

static void test_discover(void)
{
    char dir[] = "/tmp/folio-test-discover.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    put(dir, "README.md", "# the archive\n");                 /* root README: not a post */
    put(dir, "b-post/index.md", "# b\n");
    put(dir, "b-post/notes.md", "plain notes\n");              /* no front matter */
    put(dir, "b-post/extra.md", "---\ntitle: e\n---\n");       /* front matter: a post */
    put(dir, "a-post/README.md", "# a\n");                    /* README without index */
    put(dir, "c/draft/index.md", "---\ndraft: true\n---\n");
    put(dir, "c/deep/er/index.md", "---\ntitle: deep\n---\n");
    put(dir, "loose.md", "---\ntitle: loose\n---\n");
    put(dir, ".git/index.md", "# hidden\n");
    put(dir, ".hidden/index.md", "# hidden\n");
    put(dir, "node_modules/pkg/README.md", "# pkg\n");
    put(dir, "d/index.md", "# d\n");
    put(dir, "d/README.md", "# readme beside index: not a post\n");

    discover_list *l = discover_new();
    diag_list *dl = diag_list_new();
    CHECK(discover_add_root(l, dir, dl));
    CHECK(discover_finish(l, dl));
    CHECK_INT(diag_count(dl), 0);
    static const char *const want[][3] = {
        {"a-post/README.md", "a-post", "a-post"},
        {"b-post/extra.md", "b-post", "extra"},
        {"b-post/index.md", "b-post", "b-post"},
        {"c/deep/er/index.md", "c/deep/er", "er"},
        {"d/index.md", "d", "d"},
        {"loose.md", "", "loose"},
    };
    size_t n = sizeof want / sizeof *want;
    CHECK_INT(discover_count(l), n);
    for (size_t i = 0; i < n && i < discover_count(l); i++) {
        const discover_post *p = discover_at(l, i);
        CHECK_STR(p->rel, want[i][0]);
        CHECK_STR(p->out_dir, want[i][1]);
        CHECK_STR(p->name, want[i][2]);
    }
    CHECK_INT(discover_drafts(l), 1);
    discover_free(l);

    /* Two roots with the same relative post collide. */
    char dir2[] = "/tmp/folio-test-discover2.XXXXXX";
    CHECK(mkdtemp(dir2) != NULL);
    put(dir2, "d/index.md", "# other d\n");
    l = discover_new();
    CHECK(discover_add_root(l, dir, dl));
    CHECK(discover_add_root(l, dir2, dl));
    CHECK(!discover_finish(l, dl));
    CHECK(diag_errors(dl) == 1);
    discover_free(l);

    l = discover_new();
    CHECK(!discover_add_root(l, "/nonexistent/folio", dl));
    discover_free(l);
    diag_list_free(dl);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, dir2);
    CHECK(system(cmd) == 0);
}

static void test_shard(void)
{
    unsigned k, n;
    CHECK(shard_parse("1/3", &k, &n) && k == 1 && n == 3);
    CHECK(shard_parse("3/3", &k, &n) && k == 3 && n == 3);
    CHECK(!shard_parse("0/3", &k, &n));
    CHECK(!shard_parse("4/3", &k, &n));
    CHECK(!shard_parse("1/0", &k, &n));
    CHECK(!shard_parse("1", &k, &n));
    CHECK(!shard_parse("a/3", &k, &n));
    CHECK(!shard_parse("1/3x", &k, &n));
    CHECK(!shard_parse("/3", &k, &n));

    /* Every path in exactly one shard, stable, and no shard empty or
     * hoarding: 3000 paths into 3 shards, each within 10% of 1000. */
    size_t count[3] = {0};
    char path[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(path, sizeof path, "posts/%04d/index.md", i);
        unsigned s = shard_of(path, 3);
        CHECK(s < 3);
        CHECK(s == shard_of(path, 3));
        if (s < 3) count[s]++;
    }
    for (int s = 0; s < 3; s++) CHECK(count[s] > 900 && count[s] < 1100);
    CHECK(shard_of("x/index.md", 1) == 0);
}

static void test_manifest(void)
{
    manifest_record r = {0};
    r.source = "a \"quoted\"/索引.md";
    char *outs[] = {"a/a.handout.pdf", "a/a.slides.pdf"};
    r.outputs = outs;
    r.noutputs = 2;
    r.status = "ok";
    r.pages = 12;
    r.warnings = 3;
    r.duration_ms = 812;
    r.input_hash = 0x0123456789abcdefULL;
    manifest_input ins[] = {{"a/index.md", 2569, 1700000000123456789LL, 42},
                            {"a/media/missing.png", -1, 0, 0}};
    r.inputs = ins;
    r.ninputs = 2;
    buf b = BUF_INIT;
    manifest_record_json(&r, &b);
    manifest_record back = {0};
    CHECK(manifest_record_parse(b.s, b.len, &back));
    CHECK_STR(back.source, r.source);
    CHECK_INT(back.noutputs, 2);
    if (back.noutputs == 2) CHECK_STR(back.outputs[1], "a/a.slides.pdf");
    CHECK_STR(back.status, "ok");
    CHECK_INT(back.pages, 12);
    CHECK_INT(back.warnings, 3);
    CHECK_INT(back.duration_ms, 812);
    CHECK(back.input_hash == r.input_hash);
    CHECK(back.error == NULL);
    CHECK_INT(back.ninputs, 2);
    if (back.ninputs == 2) {
        CHECK_STR(back.inputs[0].path, "a/index.md");
        CHECK(back.inputs[0].mtime_ns == 1700000000123456789LL);
        CHECK(back.inputs[0].hash == 42);
        CHECK(back.inputs[1].size == -1);
    }
    /* Re-encoding gives the same line. */
    buf b2 = BUF_INIT;
    manifest_record_json(&back, &b2);
    CHECK_STR(b2.s, b.s);
    buf_free(&b2);

    /* Unknown keys, other order, escapes, whitespace. */
    const char *other = " { \"future\": {\"x\": [1, {\"y\": null}], \"z\": 1.5e3}, \"status\": \"failed\","
                        " \"error\": \"p.md:4:1: error: \\u524d\\ud83d\\ude00\\n\", \"source\": \"p.md\" } ";
    CHECK(manifest_record_parse(other, strlen(other), &back));
    CHECK_STR(back.source, "p.md");
    CHECK_STR(back.status, "failed");
    CHECK_STR(back.error, "p.md:4:1: error: \xE5\x89\x8D\xF0\x9F\x98\x80\n");
    /* Malformed lines. */
    static const char *const bad[] = {"", "{}", "{\"source\":", "{\"source\":\"x\"", "[1]",
                                      "{\"source\":\"x\"} trailing", "{\"status\":\"ok\"}",
                                      "{\"source\":\"x\",\"input_hash\":\"zz\"}",
                                      "{\"source\":\"x\",\"f\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(!manifest_record_parse(bad[i], strlen(bad[i]), &back));
    manifest_record_clear(&back);

    /* A file: put, replace, find, write sorted, read back; a malformed
     * line is a warning, a missing file nothing. */
    char dir[] = "/tmp/folio-test-manifest.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/m.jsonl", dir);
    manifest *m = manifest_new();
    diag_list *dl = diag_list_new();
    CHECK(manifest_read(m, path, dl));
    CHECK_INT(manifest_count(m), 0);
    char name[32];
    for (int i = 99; i >= 0; i--) {
        manifest_record x = r;
        snprintf(name, sizeof name, "p%02d.md", i);
        x.source = name;
        x.pages = i;
        manifest_put(m, &x);
    }
    manifest_record y = r;
    y.source = "p50.md";
    y.pages = 500;
    manifest_put(m, &y);
    CHECK_INT(manifest_count(m), 100);
    CHECK(manifest_find(m, "p50.md") && manifest_find(m, "p50.md")->pages == 500);
    CHECK(manifest_find(m, "nope.md") == NULL);
    CHECK(manifest_write(m, path, dl));
    manifest_free(m);
    FILE *fp = fopen(path, "a");
    fputs("not json\n", fp);
    fclose(fp);
    m = manifest_new();
    CHECK(manifest_read(m, path, dl));
    CHECK_INT(manifest_count(m), 100);
    CHECK_INT(diag_warnings(dl), 1);
    CHECK_STR(manifest_at(m, 0)->source, "p00.md");
    CHECK_STR(manifest_at(m, 99)->source, "p99.md");
    CHECK(manifest_find(m, "p07.md") && manifest_find(m, "p07.md")->pages == 7);
    manifest_free(m);
    diag_list_free(dl);
    buf_free(&b);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* The catalogue's facts in a record: written, read back, re-encoded
 * the same; a record from before the catalogue reads with them NULL; a
 * thumbnail is an output like the PDFs. */
static void test_manifest_facts(void)
{
    manifest_record r = {0};
    r.source = "2023/meetup/index.md";
    char *outs[] = {"2023/meetup/meetup.handout.pdf", "2023/meetup/meetup.slides.pdf",
                    "2023/meetup/meetup.thumb.jpg"};
    r.outputs = outs;
    r.noutputs = 3;
    r.status = "ok";
    r.title = "精彩回顾｜openEuler \"Meetup\" 北京站";
    r.date = "2023-08-29";
    r.author = "openEuler";
    r.summary = "2023年8月25日，社区联合……\\ 一行";
    r.lang = "zh-Hans";
    buf b = BUF_INIT;
    manifest_record_json(&r, &b);
    CHECK(strstr(b.s, "\"date\":\"2023-08-29\"") != NULL);
    manifest_record back = {0};
    CHECK(manifest_record_parse(b.s, b.len, &back));
    CHECK_STR(back.title, r.title);
    CHECK_STR(back.date, r.date);
    CHECK_STR(back.author, r.author);
    CHECK_STR(back.summary, r.summary);
    CHECK_STR(back.lang, r.lang);
    CHECK_INT(back.noutputs, 3);
    if (back.noutputs == 3) CHECK(index_is_thumb(back.outputs[2]));
    CHECK(!index_is_thumb(back.outputs[0]));
    buf b2 = BUF_INIT;
    manifest_record_json(&back, &b2);
    CHECK_STR(b2.s, b.s);
    /* A copy owns its own facts. */
    manifest_record copy;
    manifest_record_copy(&copy, &back);
    manifest_record_clear(&back);
    CHECK_STR(copy.title, r.title);
    manifest_record_clear(&copy);

    /* A failed post: null facts, written as null. */
    manifest_record f = {0};
    f.source = "x.md";
    f.status = "failed";
    f.error = "x.md:1:1: error: no";
    buf b3 = BUF_INIT;
    manifest_record_json(&f, &b3);
    CHECK(strstr(b3.s, "\"title\":null,\"date\":null,\"author\":null,\"summary\":null") != NULL);

    /* A manifest line written before the catalogue existed. */
    const char *old = "{\"source\":\"a/index.md\",\"outputs\":[\"a/a.handout.pdf\"],"
                      "\"status\":\"ok\",\"pages\":9,\"warnings\":0,\"duration_ms\":812,"
                      "\"input_hash\":\"0f3c000000000000\",\"error\":null,\"inputs\":[]}";
    CHECK(manifest_record_parse(old, strlen(old), &back));
    CHECK_STR(back.source, "a/index.md");
    CHECK(back.title == NULL && back.date == NULL && back.author == NULL &&
          back.summary == NULL && back.lang == NULL);
    manifest_record_clear(&back);

    char *t = index_thumb_rel("2023/meetup", "meetup");
    CHECK_STR(t, "2023/meetup/meetup.thumb.jpg");
    free(t);
    t = index_thumb_rel("", "top");
    CHECK_STR(t, "top.thumb.jpg");
    free(t);
    buf_free(&b);
    buf_free(&b2);
    buf_free(&b3);
}

/* What a worker records of a post: one line each, cut, ISO dates (none
 * when the front matter's is not one), the first paragraph when there is
 * no summary. */
static void test_facts(void)
{
    char dir[] = "/tmp/folio-test-facts.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    buf sum = BUF_INIT;
    for (int i = 0; i < 50; i++) buf_add(&sum, "十个汉字的一句话。");
    buf post = BUF_INIT;
    buf_addf(&post, "---\ntitle: |\n  第一行\n  第二行\t制表\ndate: 2023-8-5\nauthor: '  开源  社区 '\n"
                    "summary: %s\n---\n\n正文第一段。\n", sum.s);
    put(dir, "a/index.md", post.s);
    put(dir, "b/index.md", "---\ntitle: Only a title\ndate: 2021\n---\n\n# Heading\n\n"
                           "The first   paragraph\nof the post.\n\nThe second.\n");
    char path[512];
    diag_list *dl = diag_list_new();
    snprintf(path, sizeof path, "%s/a/index.md", dir);
    doc *d = article_load(path, NULL, dl);
    CHECK(d != NULL);
    if (d) {
        index_facts f;
        index_facts_of(d, &f);
        CHECK_STR(f.title, "第一行 第二行 制表");
        CHECK_STR(f.date, "2023-08-05");
        CHECK_STR(f.author, "开源 社区");
        CHECK(f.summary && !strncmp(f.summary, "十个汉字的一句话。十个", strlen("十个汉字的一句话。十个")));
        /* 320 characters and an ellipsis. */
        size_t chars = 0;
        for (const char *c = f.summary; c && *c; c++) chars += ((unsigned char)*c & 0xC0) != 0x80;
        CHECK_INT(chars, 321);
        CHECK(f.summary && strstr(f.summary, "…") == f.summary + strlen(f.summary) - 3);
        CHECK_STR(f.lang, "zh-Hans");
        index_facts_clear(&f);
        CHECK(f.title == NULL);
        doc_free(d);
    }
    snprintf(path, sizeof path, "%s/b/index.md", dir);
    d = article_load(path, NULL, dl);
    CHECK(d != NULL);
    if (d) {
        index_facts f;
        index_facts_of(d, &f);
        CHECK_STR(f.title, "Only a title");
        CHECK(f.date == NULL);   /* not a date the handout prints either */
        CHECK(f.author == NULL);
        CHECK_STR(f.summary, "The first paragraph of the post.");
        index_facts_clear(&f);
        doc_free(d);
    }
    diag_list_free(dl);
    buf_free(&sum);
    buf_free(&post);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

TEST_MAIN({
    test_hash();
    test_peek();
    test_discover();
    test_shard();
    test_manifest();
    test_manifest_facts();
    test_facts();
})
