/* Unit tests for doc/recap.c: sections, lead-ins, photos, speakers; the
 * seed post's six talks; no invented names over the whole corpus. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"
#include "check.h"
#include "doc/recap.h"
#include "input/article.h"

/* First sentence of a talk paragraph → speaker, role (NULL: none). */
static const struct { const char *para, *name, *role; } speakers[] = {
    {"openEuler委员会委员/移动云计算产品部副总经理张胜举为本次活动发表致辞。张胜举分享了计算架构。",
     "张胜举", "openEuler委员会委员/移动云计算产品部副总经理"},
    {"移动云操作系统架构师、openEuler 兼容性 SIG Maintainer 严海双分享了移动云DPU操作系统。",
     "严海双", "移动云操作系统架构师、openEuler 兼容性 SIG Maintainer"},
    {"中国信通院云大所云计算部高级业务主管赵伟博在演讲中强调了DPU的作用。",
     "赵伟博", "中国信通院云大所云计算部高级业务主管"},
    {"移动云DPU网络引擎开发工程师周文东在演讲中分享了实践。", "周文东", "移动云DPU网络引擎开发工程师"},
    {"openEuler sig-DPU Committer李强在演讲中探讨了DPU软件无感卸载方案。", "李强",
     "openEuler sig-DPU Committer"},
    {"云豹智能软件系统首席架构师&总监陈安庆在演讲中介绍了virtio-fs。", "陈安庆",
     "云豹智能软件系统首席架构师&总监"},
    /* Corpus patterns. */
    {"来自天翼云的王麟专家分享了自己的历程。", "王麟", "天翼云"},
    {"Maintainer、TC委员赵川峰老师介绍了LLVM。", "赵川峰", "Maintainer、TC委员"},
    {"openEuler 胶东用户组Organizer 宋鸿鹏老师发表致辞。", "宋鸿鹏", "openEuler 胶东用户组Organizer"},
    {"本次活动邀请三湘银行科技处总工胡丁分享《实践》。", "胡丁", "三湘银行科技处总工"},
    {"openEuler社区技术委员会委员熊伟代表社区进行开场致辞。", "熊伟", "openEuler社区技术委员会委员"},
    {"中国太平洋保险(集团)股份有限公司系统运维专家柯佳表示，", "柯佳",
     "中国太平洋保险(集团)股份有限公司系统运维专家"},
    {"马玉峰在致辞中表示，感谢。马玉峰还说。", "马玉峰", NULL},
    /* Nothing to find: never invent. */
    {"本次 Meetup 的分享材料已上传至 openEuler Gitee仓库。", NULL, NULL},
    {"华为云介绍了新的方案。", NULL, NULL},
    {"openEuler 23.09版本介绍了很多特性。", NULL, NULL},
    {"社区的成员分享了经验。", NULL, NULL},
    {"2.2 加入 openEuler 的成员单位分享了", NULL, NULL},
    {"研发工程陈孚分享了", "陈孚", "研发工程"},
    {"新浪资深研发陈孚分享了经验。", NULL, NULL},  /* 陈孚 or 研陈孚? unsure */
    {"", NULL, NULL},
};

static void test_speakers(void)
{
    for (size_t i = 0; i < sizeof speakers / sizeof speakers[0]; i++) {
        char *name, *role;
        bool ok = recap_speaker(speakers[i].para, NULL, &name, &role);
        if (!name != !speakers[i].name || (name && strcmp(name, speakers[i].name)))
            fprintf(stderr, "  case %zu: %s\n", i, speakers[i].para);
        CHECK(ok == (speakers[i].name != NULL));
        CHECK_STR(name, speakers[i].name);
        CHECK_STR(role, speakers[i].role);
        free(name);
        free(role);
    }
    static const struct { const char *title, *name, *role; } titles[] = {
        {"麒麟软件有限公司资深专家 陈棋德", "陈棋德", "麒麟软件有限公司资深专家"},
        {"达闼机器人股份有限公司产品副总裁王斌", "王斌", "达闼机器人股份有限公司产品副总裁"},
        {"专访 | openEuler社区贡献者陈国凯", "陈国凯", "openEuler社区贡献者"},
        {"开场致辞", NULL, NULL},
        {"用户组成员权益", NULL, NULL},
        {"移动云DPU操作系统，让算力供给更高效", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        char *name, *role;
        recap_speaker_title(titles[i].title, &name, &role);
        CHECK_STR(name, titles[i].name);
        CHECK_STR(role, titles[i].role);
        free(name);
        free(role);
    }
}

static char tmpdir[64];

static doc *load(const char *name, const char *content, diag_list **dl)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(content, f);
        fclose(f);
    }
    *dl = diag_list_new();
    return article_load(p, NULL, *dl);
}

static void test_sections(void)
{
    diag_list *dl;
    doc *d = load("sections.md",
                  "---\ntitle: 回顾\n---\n"
                  "开头的介绍。\n\n![现场](intro.png)\n\n"
                  "**下面就让我们来回顾本次 Meetup 的精彩内容**\n\n"
                  "**开场致辞**\n\n![image2](a.png)\n\n"
                  "移动云DPU网络引擎开发工程师周文东在演讲中分享了实践。\n\n"
                  "**这是一句很长的强调文字，它以句号结尾所以不是标题。**\n\n"
                  "## 第二个议题\n\n文字在前。\n\n![不是照片](b.png)\n\n"
                  "**彩蛋！！！**\n\n链接：https://gitee.com/openeuler\n",
                  &dl);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(doc_nsections(d), 3);
    CHECK_INT(doc_intro_end(d), 3);
    CHECK_INT(doc_block_at(d, 2)->kind, DOC_LEADIN);
    CHECK_INT(doc_block_at(d, 3)->kind, DOC_HEADING);
    CHECK_INT(doc_block_at(d, 3)->level, 0);
    size_t ni;
    const int *intro = doc_intro_images(d, &ni);
    CHECK_INT(ni, 1);
    if (ni) CHECK_STR(doc_image_at(d, (size_t)intro[0])->caption, "现场");
    const doc_section *s0 = doc_section_at(d, 0);
    CHECK_STR(s0->title, "开场致辞");
    CHECK_INT(s0->level, 0);
    CHECK_INT(s0->line, 10);
    CHECK_STR(s0->speaker, "周文东");
    CHECK_STR(s0->role, "移动云DPU网络引擎开发工程师");
    CHECK(s0->photo >= 0);
    if (s0->photo >= 0) CHECK_STR(doc_image_at(d, (size_t)s0->photo)->src, "a.png");
    CHECK_INT(s0->paragraphs, 2);   /* the long bold sentence stays a paragraph */
    const doc_block *emph = doc_block_at(d, s0->first + 3);
    CHECK_INT(emph->kind, DOC_PARA);
    CHECK_INT(emph->text.nspans, 1);
    const doc_section *s1 = doc_section_at(d, 1);
    CHECK_STR(s1->title, "第二个议题");
    CHECK_INT(s1->level, 2);
    CHECK_INT(s1->photo, -1);       /* image after text is not a photo */
    CHECK_STR(s1->speaker, NULL);
    const doc_section *s2 = doc_section_at(d, 2);
    CHECK_STR(s2->title, "彩蛋！！！");
    CHECK_STR(s2->speaker, NULL);
    CHECK_INT(s2->end, doc_nblocks(d));
    CHECK_STR(doc_get_meta(d)->lang, "zh-Hans");
    buf out = BUF_INIT;
    doc_dump_json_with(d, dl, &out, false);
    CHECK(strstr(out.s, "\"speaker\": \"周文东\"") != NULL);
    CHECK(strstr(out.s, "\"warnings\": [") != NULL);
    CHECK(strstr(out.s, tmpdir) == NULL);   /* no absolute paths */
    buf_free(&out);
    doc_free(d);
    diag_list_free(dl);

    /* Language detection. */
    d = load("ja.md", "これは日本語の文章です。カタカナも少し。\n", &dl);
    CHECK_STR(doc_get_meta(d)->lang, "ja");
    doc_free(d);
    diag_list_free(dl);
}

static void test_seed(void)
{
    const char *path = FOLIO_SHARED_DIR "/seed/dpu-meetup/index.md";
    if (access(path, R_OK) != 0) {
        printf("seed: skipped (%s absent)\n", path);
        return;
    }
    diag_list *dl = diag_list_new();
    doc *d = article_load(path, NULL, dl);
    CHECK(d != NULL);
    CHECK_INT(diag_errors(dl), 0);
    static const struct { const char *title, *name, *role; } want[] = {
        {"开场致辞", "张胜举", "openEuler委员会委员/移动云计算产品部副总经理"},
        {"移动云DPU操作系统，让算力供给更高效", "严海双",
         "移动云操作系统架构师、openEuler 兼容性 SIG Maintainer"},
        {"以开源为路径 推动dpu标准化生态建设", "赵伟博", "中国信通院云大所云计算部高级业务主管"},
        {"移动云磐石DPU规模化应用中运维能力提升实践", "周文东", "移动云DPU网络引擎开发工程师"},
        {"针对DPU的软件无感卸载方案探索", "李强", "openEuler sig-DPU Committer"},
        {"virtio-fs在dpu上的卸载", "陈安庆", "云豹智能软件系统首席架构师&总监"},
        {"彩蛋！！！", NULL, NULL},
    };
    if (d) {
        CHECK_INT(doc_nsections(d), 7);
        for (size_t i = 0; i < 7 && i < doc_nsections(d); i++) {
            const doc_section *s = doc_section_at(d, i);
            CHECK_STR(s->title, want[i].title);
            CHECK_STR(s->speaker, want[i].name);
            CHECK_STR(s->role, want[i].role);
            CHECK((s->photo >= 0) == (i < 6));
        }
        CHECK_INT(doc_block_at(d, doc_intro_end(d) - 1)->kind, DOC_LEADIN);
        size_t n;
        doc_links(d, &n);
        CHECK_INT(n, 1);
        CHECK(strstr(doc_block_at(d, 0)->text.s, "OpenAtom openEuler（简称\"openEuler\"） DPU Meetup苏州站"));
    }
    doc_free(d);
    diag_list_free(dl);
}

/* A name is 2-4 Han characters (or a Latin name), never punctuation. */
static bool plausible_name(const char *s)
{
    size_t n = strlen(s), i = 0, chars = 0;
    bool han = true;
    while (i < n) {
        size_t a;
        uint32_t cp = utf8_decode(s + i, n - i, &a);
        if (!utf8_is_han(cp)) han = false;
        if (!utf8_is_han(cp) && !utf8_is_latin(cp) && cp != ' ' && cp != '-' && cp != '.')
            return false;
        chars++;
        i += a;
    }
    return han ? chars >= 2 && chars <= 4 : chars >= 3;
}

static void test_corpus(void)
{
    const char *dir = FOLIO_SHARED_DIR "/corpus";
    DIR *dp = opendir(dir);
    if (!dp) {
        printf("corpus: skipped (%s absent)\n", dir);
        return;
    }
    struct dirent *e;
    int posts = 0, named = 0;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/index.md", dir, e->d_name);
        if (access(path, R_OK) != 0) continue;
        posts++;
        diag_list *dl = diag_list_new();
        doc *d = article_load(path, NULL, dl);
        if (!d || diag_errors(dl)) fprintf(stderr, "  corpus post %s failed\n", e->d_name);
        CHECK(d != NULL);
        CHECK_INT(diag_errors(dl), 0);
        for (size_t i = 0; d && i < doc_nsections(d); i++) {
            const doc_section *s = doc_section_at(d, i);
            if (!s->speaker) continue;
            named++;
            if (!plausible_name(s->speaker))
                fprintf(stderr, "  %s: implausible name '%s'\n", e->d_name, s->speaker);
            CHECK(plausible_name(s->speaker));
            CHECK(!s->role || strlen(s->role) < 300);
        }
        buf out = BUF_INIT;
        if (d) doc_dump_json_with(d, dl, &out, false);
        buf_free(&out);
        doc_free(d);
        diag_list_free(dl);
    }
    closedir(dp);
    printf("corpus: %d posts, %d named speakers\n", posts, named);
    CHECK(posts >= 40);
}

TEST_MAIN({
    strcpy(tmpdir, "/tmp/folio_recap_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    test_speakers();
    test_sections();
    test_seed();
    test_corpus();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) check_failed++;
})
