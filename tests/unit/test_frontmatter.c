/* Unit tests for input/frontmatter.c and the article_load entry: front
 * matter fields, errors with exact positions, warnings, and the input
 * edge cases (no front matter, BOM, CRLF, invalid UTF-8, empty file). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "input/article.h"
#include "input/frontmatter.h"

static char tmpdir[64];

/* Writes content to tmpdir/name and loads it; *dl gets the diagnostics
 * (caller frees). */
static doc *load(const char *name, const char *content, size_t len, diag_list **dl)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    mkdir(p, 0755);
    *slash = '/';
    FILE *f = fopen(p, "wb");
    if (f) {
        fwrite(content, 1, len, f);
        fclose(f);
    }
    *dl = diag_list_new();
    return article_load(p, NULL, *dl);
}

static doc *loads(const char *name, const char *content, diag_list **dl)
{
    return load(name, content, strlen(content), dl);
}

/* The i-th diagnostic formatted with the file's base name. */
static const char *dline(const diag_list *dl, size_t i)
{
    static char line[512];
    const diag *d = diag_get(dl, i);
    if (!d) return NULL;
    diag tmp = *d;
    if (tmp.file && strrchr(tmp.file, '/')) tmp.file = strrchr(tmp.file, '/') + 1;
    diag_format(&tmp, line, sizeof line);
    return line;
}

static void test_good(void)
{
    diag_list *dl;
    doc *d = loads("good.md",
                   "---\n"
                   "title: '【活动回顾】openEuler DPU Meetup 苏州站'\n"
                   "date: '2024-09-06'\n"
                   "categories: [news, meetup]\n"
                   "tags:\n  - openEuler\n  - DPU\n"
                   "banner: 'img/banners/0914-DPU.png'\n"
                   "author: openEuler\n"
                   "description: 描述\n"
                   "lang: zh-CN\n"
                   "theme: recap\n"
                   "draft: false\n"
                   "extra: {kept: ignored}\n"
                   "speakers:\n"
                   "  - section: 开场致辞\n    name: 张三\n    role: 主持人\n"
                   "---\n"
                   "**开场致辞**\n\n正文\n",
                   &dl);
    CHECK(d != NULL);
    CHECK_INT(diag_count(dl), 0);
    for (size_t k = 0; k < diag_count(dl); k++) fprintf(stderr, "    %s\n", dline(dl, k));
    if (d) {
        const doc_meta *m = doc_get_meta(d);
        CHECK_STR(m->title, "【活动回顾】openEuler DPU Meetup 苏州站");
        CHECK_INT(m->title_line, 2);
        CHECK_STR(m->date, "2024-09-06");
        CHECK_INT(m->year, 2024);
        CHECK_INT(m->month, 9);
        CHECK_INT(m->day, 6);
        CHECK_INT(m->ncategories, 2);
        CHECK_STR(m->categories[1], "meetup");
        CHECK_INT(m->ntags, 2);
        CHECK_STR(m->tags[0], "openEuler");
        CHECK_STR(m->banner, "img/banners/0914-DPU.png");
        CHECK_INT(m->banner_image, -1);     /* site path: quietly unresolved */
        CHECK_STR(m->author, "openEuler");
        CHECK_STR(m->summary, "描述");
        CHECK_STR(m->lang, "zh-Hans");
        CHECK_STR(m->theme, "recap");
        CHECK(!m->draft);
        CHECK_INT(m->nspeakers, 1);
        if (m->nspeakers) {
            CHECK_STR(m->speakers[0].section, "开场致辞");
            CHECK_STR(m->speakers[0].name, "张三");
            CHECK_STR(m->speakers[0].role, "主持人");
        }
        /* The body's line numbers are the file's. */
        CHECK_INT(doc_nblocks(d), 2);
        CHECK_INT(doc_block_at(d, 0)->line, 20);
        CHECK_INT(doc_nsections(d), 1);
        if (doc_nsections(d)) {
            CHECK_STR(doc_section_at(d, 0)->speaker, "张三");
            CHECK_STR(doc_section_at(d, 0)->role, "主持人");
        }
    }
    doc_free(d);
    diag_list_free(dl);
}

/* Each case: post text, then the exact diagnostics expected. */
static const struct {
    const char *name, *text;
    bool fails;
    const char *diags[6];
} cases[] = {
    {"bad.md", "---\ntitle: a\ndate: 2024-09-06\nfoo\nbar: x\n---\nbody\n", true,
     {"bad.md:5:1: error: front matter: could not find expected ':'",
      "bad.md:4:1: note: while scanning a simple key"}},
    {"list.md", "---\n- a\n- b\n---\nbody\n", true,
     {"list.md:2:1: error: front matter: expected a mapping of keys to values, found a list"}},
    {"scalar.md", "---\njust text\n---\nbody\n", true,
     {"scalar.md:2:1: error: front matter: expected a mapping of keys to values, found a string"}},
    {"unclosed.md", "---\ntitle: a\n", true,
     {"unclosed.md:1:1: error: front matter: the '---' block is never closed; "
      "expected a line '---' after the YAML"}},
    {"quote.md", "---\ntitle: \"unterminated\n---\n", true,
     {"quote.md:3:1: error: front matter: found unexpected end of stream",
      "quote.md:2:8: note: while scanning a quoted scalar"}},
    {"types.md", "---\ntitle: [a, b]\ndate: {y: 1}\ntags: x\ndraft: maybe\n---\n", false,
     {"types.md:2:8: warning: front matter: 'title' should be a string, found a list; ignored",
      "types.md:3:7: warning: front matter: 'date' should be a string, found a mapping; ignored",
      "types.md:5:8: warning: front matter: 'draft' should be true or false, found maybe; ignored"}},
    {"laughs.md",
     "---\na: &a [\"lol\",\"lol\"]\nb: &b [*a,*a]\nc: &c [*b,*b]\ntitle: *c\n---\n", false,
     {"laughs.md:3:8: warning: front matter: alias '*a' is not supported; read as null",
      "laughs.md: note: front matter: 4 more aliases read as null"}},
    {"dup.md", "---\ntitle: one\ntitle: two\n---\n", false,
     {"dup.md:3:1: warning: front matter: duplicate key 'title' (first on line 2); "
      "the later value is used"}},
    {"date.md", "---\ndate: 2023-02-30\n---\n", false,
     {"date.md:2:7: warning: front matter: date '2023-02-30' is not a valid YYYY-MM-DD "
      "date; no date is printed"}},
    {"lang.md", "---\nlang: klingon\n---\n", false,
     {"lang.md:2:7: warning: front matter: unknown lang 'klingon'; detecting the "
      "language from the text"}},
    {"empty-fm.md", "---\n---\n# 标题\n", false, {NULL}},
    {"rule.md", "---\n", true,
     {"rule.md:1:1: error: front matter: the '---' block is never closed; "
      "expected a line '---' after the YAML"}},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag_list *dl;
        doc *d = loads(cases[i].name, cases[i].text, &dl);
        if ((d == NULL) != cases[i].fails) fprintf(stderr, "  case %s\n", cases[i].name);
        CHECK((d == NULL) == cases[i].fails);
        size_t n = 0;
        while (n < 6 && cases[i].diags[n]) n++;
        if (diag_count(dl) != n) {
            fprintf(stderr, "  case %s: %zu diagnostics\n", cases[i].name, diag_count(dl));
            for (size_t k = 0; k < diag_count(dl); k++) fprintf(stderr, "    %s\n", dline(dl, k));
        }
        CHECK_INT(diag_count(dl), n);
        for (size_t k = 0; k < n; k++) CHECK_STR(dline(dl, k), cases[i].diags[k]);
        doc_free(d);
        diag_list_free(dl);
    }
}

static void test_dates(void)
{
    static const struct { const char *s; bool ok; int y, m, d; } dates[] = {
        {"2024-09-06", true, 2024, 9, 6},
        {"2024-09-06T10:00:00+08:00", true, 2024, 9, 6},
        {"2024-09-06 10:00", true, 2024, 9, 6},
        {"2023-8-1", true, 2023, 8, 1},
        {"2024-02-29", true, 2024, 2, 29},
        {"2023-02-29", false, 0, 0, 0},
        {"2023-13-01", false, 0, 0, 0},
        {"20230101", false, 0, 0, 0},
        {"2023-01-01x", false, 0, 0, 0},
        {"yesterday", false, 0, 0, 0},
        {"", false, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int y, m, d;
        bool ok = frontmatter_parse_date(dates[i].s, &y, &m, &d);
        CHECK(ok == dates[i].ok);
        CHECK_INT(y, dates[i].y);
        CHECK_INT(m, dates[i].m);
        CHECK_INT(d, dates[i].d);
    }
    CHECK_STR(frontmatter_lang("zh-CN"), "zh-Hans");
    CHECK_STR(frontmatter_lang("zh"), "zh-Hans");
    CHECK_STR(frontmatter_lang("zh-Hans"), "zh-Hans");
    CHECK_STR(frontmatter_lang("zh_TW"), "zh-Hant");
    CHECK_STR(frontmatter_lang("zh-HK"), "zh-Hant");
    CHECK_STR(frontmatter_lang("zh-Hant"), "zh-Hant");
    CHECK_STR(frontmatter_lang("ja-JP"), "ja");
    CHECK_STR(frontmatter_lang("en-US"), "en");
    CHECK_STR(frontmatter_lang("fr"), NULL);
}

static void test_no_front_matter(void)
{
    diag_list *dl;
    doc *d = loads("heading.md", "Intro text.\n\n# 第一个标题\n\nbody\n", &dl);
    CHECK(d && strcmp(doc_get_meta(d)->title, "第一个标题") == 0);
    CHECK_INT(doc_get_meta(d)->title_line, 0);
    doc_free(d);
    diag_list_free(dl);

    d = loads("plain-name.md", "just text\n", &dl);
    CHECK(d && strcmp(doc_get_meta(d)->title, "plain-name") == 0);
    CHECK_STR(doc_get_meta(d)->lang, "en");
    doc_free(d);
    diag_list_free(dl);

    d = loads("my-event/index.md", "", &dl);   /* empty file renders */
    CHECK(d != NULL);
    CHECK_INT(diag_count(dl), 0);
    if (d) {
        CHECK_STR(doc_get_meta(d)->title, "my-event");
        CHECK_INT(doc_nblocks(d), 0);
        CHECK_INT(doc_nsections(d), 0);
    }
    doc_free(d);
    diag_list_free(dl);
}

static void test_bom_crlf_utf8(void)
{
    diag_list *dl;
    const char *text = "\xEF\xBB\xBF---\r\ntitle: 标题\r\ndate: 2024-01-02\r\n---\r\n\r\n合作\r\n共赢\r\n";
    doc *d = loads("crlf.md", text, &dl);
    CHECK(d != NULL);
    CHECK_INT(diag_count(dl), 0);
    if (d) {
        CHECK_STR(doc_get_meta(d)->title, "标题");
        CHECK_INT(doc_get_meta(d)->year, 2024);
        CHECK_INT(doc_nblocks(d), 1);
        CHECK_STR(doc_block_at(d, 0)->text.s, "合作共赢");
        CHECK_INT(doc_block_at(d, 0)->line, 6);
    }
    doc_free(d);
    diag_list_free(dl);

    static const char bad[] = "---\ntitle: t\n---\nab\xFF" "cd\n";
    d = load("bad-utf8.md", bad, sizeof bad - 1, &dl);
    CHECK(d != NULL);
    CHECK_INT(diag_count(dl), 1);
    CHECK_STR(dline(dl, 0),
              "bad-utf8.md:4:3: warning: invalid UTF-8 at byte offset 19; replaced with U+FFFD");
    if (d) CHECK_STR(doc_block_at(d, 0)->text.s, "ab\xEF\xBF\xBD" "cd");
    doc_free(d);
    diag_list_free(dl);

    diag_list *dl2 = diag_list_new();
    CHECK(article_load("/nonexistent/folio/post.md", NULL, dl2) == NULL);
    CHECK_INT(diag_errors(dl2), 1);
    diag_list_free(dl2);
}

TEST_MAIN({
    strcpy(tmpdir, "/tmp/folio_fm_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    test_good();
    test_cases();
    test_dates();
    test_no_front_matter();
    test_bom_crlf_utf8();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) check_failed++;
})
