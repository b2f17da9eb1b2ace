/* recap: intro, talk sections, photos and speakers of an event recap.
 *
 * Chinese event recaps ("活动回顾") follow one shape: an intro with event
 * photos, then one section per talk, each opened by a heading (ATX,
 * setext, or a paragraph that is nothing but bold text), followed by the
 * speaker's photo and a paragraph whose first sentence reads
 * "<role><name><verb>…", e.g. "移动云DPU网络引擎开发工程师周文东在演讲中…".
 *
 * Sections.  Every heading starts a section, with its level kept (ATX 1-6,
 * 0 for a bold-only paragraph) so layout can nest bookmarks; the list
 * itself is flat.  A bold-only paragraph is a heading only when it is
 * short (at most 60 characters: talk titles are shorter, emphasised
 * sentences longer) and does not end with "。"; one followed directly by
 * another heading is a lead-in line ("下面就让我们来回顾…"), not a section.
 * A leading level-1 heading that only repeats the title is not a section.
 *
 * Photo.  The first image after the heading before any text block.
 *
 * Speaker.  In the first sentence of the section's first paragraph we look
 * for verbs that end the subject ("在演讲中", "分享了", "为本次活动发表致辞",
 * "介绍了", "带来了", …).  The text between the start of the clause and the
 * verb is role + name; the name is the Han run after the last title word
 * ("经理", "架构师", "Committer", …) or "的", must be 2-4 Han characters,
 * start with a known surname and not itself be a title word.  Without a
 * title word the name must be confirmed: by an honorific after it ("老师",
 * "专家") or by its repetition elsewhere in the section.  Anything less is
 * left NULL: a wrong name in a printed handout is worse than none.  A
 * heading that is nothing but "<role><name>" gives the speaker when the
 * paragraph does not.  Front matter "speakers:" entries override by
 * section title or 1-based number.
 */
#include "doc/recap.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/utf8.h"

/* Longest bold-only paragraph still read as a heading, in characters: the
 * seed's and corpus's talk titles are at most about 40. */
#define BOLD_HEADING_MAX 60

bool recap_is_bold_only(const doc_block *b)
{
    if (!b || b->kind != DOC_PARA || b->text.nspans != 1 || !b->text.len) return false;
    const doc_span *s = &b->text.spans[0];
    return s->kind == SPAN_STRONG && s->start == 0 && s->end == b->text.len &&
           !memchr(b->text.s, '\n', b->text.len);
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool heading_like(const doc_block *b)
{
    if (b->kind == DOC_HEADING) return true;
    if (!recap_is_bold_only(b)) return false;
    if (utf8_length(b->text.s, b->text.len) > BOLD_HEADING_MAX) return false;
    return !ends_with(b->text.s, b->text.len, "。");
}

/* ---- speaker extraction ---- */

static const char *const surnames1 =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
    "熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文"
    "牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符"
    "舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺"
    "楼盘满闻位厉伊仝区郜阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣"
    "晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜"
    "印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展"
    "阴昝智幸奉植衡富尧闭由";

static const char *const surnames2[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
    "长孙", "宇文", "司徒", "令狐", "夏侯", "端木", "独孤", NULL,
};

/* Words that end a role; the name follows.  Longer forms first is not
 * needed: the last ending position wins. */
static const char *const title_words[] = {
    "经理", "总监", "架构师", "工程师", "工程", "主管", "委员", "专家", "教授",
    "博士", "负责人", "主任", "总裁", "CTO", "CEO", "COO", "CIO", "CSO",
    "Committer", "Maintainer", "Contributor", "Developer", "Organizer",
    "Leader", "Ambassador", "成员", "研究员", "董事长", "董事", "首席",
    "院长", "部长", "书记", "秘书长", "主席", "理事长", "理事", "助理", "顾问",
    "处长", "所长", "局长", "科长", "组长", "队长", "站长", "校长", "创始人",
    "合伙人", "讲师", "研究生", "学生", "老师", "开发者", "贡献者", "布道师",
    "设计师", "分析师", "发起人", "联合创始人", "副总", "总经理", "主编",
    "经纪人", "代表", "嘉宾", "总工", NULL,
};

/* Said after a name: "赵川峰老师", "王麟专家". */
static const char *const honorifics[] = {
    "老师", "先生", "女士", "同学", "专家", "教授", "博士", NULL,
};

/* Verbs and phrases that end the subject of a recap sentence. */
static const char *const verbs[] = {
    "在演讲中", "在分享中", "在致辞中", "在致辞", "在会上", "在会议中", "在《",
    "在大会上", "在主题演讲", "在本次", "在开场", "在现场", "发表致辞", "发表了",
    "进行开场致辞", "进行了", "进行致辞", "作了", "做了", "致辞", "分享了",
    "分享", "介绍了", "带来了", "为本次活动", "为大家", "为大会", "为活动",
    "围绕", "以《", "表示", "指出", "代表", "莅临", "探讨了", "阐述了", "解读了",
    "讲解了", "展示了", "演示了", "回顾了", "来分享", "从", "就", "对", NULL,
};

/* Two-character starts that look like surname + name but are words. */
static const char *const not_names[] = {
    "华为", "中国", "中兴", "中科", "麒麟", "统信", "欧拉", "开源", "社区",
    "项目", "方案", "平台", "系统", "技术", "安全", "高校", "高性", "高效",
    "金融", "云原", "云计", "云上", "国产", "国内", "国际", "全球", "全场",
    "全面", "明年", "今年", "时间", "同时", "应用", "于是", "万物", "成为",
    "成功", "文档", "文化", "向大", "向社", "和大", "和社", "关于", "关注",
    "龙芯", "龙蜥", "鲲鹏", "海光", "飞腾", "兆芯", "申威", "曙光", "浪潮",
    "联想", "宁畅", "易捷", "云和", "云豹", "云宏", "阿里", "腾讯", "百度",
    "京东", "移动", "电信", "联通", "天翼", "新华", "新浪", "单位", "权益",
    "方面", "方向", "方式", "方法", "包括", "包含", "支持", "计划", "计算",
    "安装", "安排", "明确", "时代", "时候", "路线", "成果", "成就", "成立",
    "成员", "管理", "高级", "云端", "国家", "全体", "全国", "全新", "信息",
    "信创", "常用", "文章", "章节", "解决", "解读", "展示", "展望", "利用",
    "华南", "华北", "华东", "华中", "南京", "南方", "江苏", "海外", "宁波",
    "关键", "车载", "程序", "成都", "安徽", "丰富", "国际", "欧洲", "通过",
    "于此", "向上", "高度", "高质", "龙头", "齐心", "谈到", "能力", NULL,
};

/* Characters that never occur in a name in our texts. */
static const char *const stop_chars = "的了在和与及是为等们会部司院所组社区中个这那着将被把";

static bool contains_cp(const char *set, uint32_t cp)
{
    size_t n = strlen(set), i = 0;
    while (i < n) {
        size_t a;
        uint32_t c = utf8_decode(set + i, n - i, &a);
        if (c == cp) return true;
        i += a;
    }
    return false;
}

/* Validates a candidate name s[0..n). */
static bool name_ok(const char *s, size_t n)
{
    size_t chars = 0, i = 0;
    uint32_t first = 0;
    while (i < n) {
        size_t a;
        uint32_t cp = utf8_decode(s + i, n - i, &a);
        if (!utf8_is_han(cp) || contains_cp(stop_chars, cp)) return false;
        if (!chars) first = cp;
        chars++;
        i += a;
    }
    if (chars < 2 || chars > 4) return false;
    bool compound = false;
    for (int k = 0; surnames2[k]; k++)
        if (n >= strlen(surnames2[k]) && memcmp(s, surnames2[k], strlen(surnames2[k])) == 0)
            compound = true;
    if (!compound && !contains_cp(surnames1, first)) return false;
    if (chars == 4 && !compound) return false;
    for (int k = 0; not_names[k]; k++)
        if (n >= strlen(not_names[k]) && memcmp(s, not_names[k], strlen(not_names[k])) == 0)
            return false;
    for (int k = 0; title_words[k]; k++) {
        const char *t = title_words[k];
        size_t tl = strlen(t);
        for (size_t j = 0; j + tl <= n; j++)
            if (memcmp(s + j, t, tl) == 0) return false;
    }
    return true;
}

static size_t count_occ(const char *hay, const char *needle, size_t nl)
{
    if (!hay || !nl) return 0;
    size_t c = 0;
    const char *p = hay;
    size_t hl = strlen(hay);
    while ((size_t)(p - hay) + nl <= hl) {
        const char *q = memmem(p, hl - (size_t)(p - hay), needle, nl);
        if (!q) break;
        c++;
        p = q + nl;
    }
    return c;
}

static bool is_trim(uint32_t cp)
{
    return utf8_is_space(cp) || cp == 0x3001 /* 、 */ || cp == ',' ||
           cp == 0xFF0C || cp == '/' || cp == '&' || cp == '|' || cp == '-';
}

/* Cleans a role: spaces and separators at both ends, "来自…的" unwrapped. */
static char *clean_role(const char *s, size_t n)
{
    size_t a;
    /* "专访 | openEuler社区贡献者": only the part after a bar is the role. */
    for (size_t i = 0; i < n; i++) {
        size_t skip = s[i] == '|' ? 1 : (n - i >= 3 && memcmp(s + i, "｜", 3) == 0) ? 3 : 0;
        if (skip) {
            s += i + skip;
            n -= i + skip;
            i = (size_t)-1;
        }
    }
    while (n) {
        uint32_t cp = utf8_decode_prev(s, n, &a);
        if (!is_trim(cp)) break;
        n -= a;
    }
    while (n) {
        uint32_t cp = utf8_decode(s, n, &a);
        if (!is_trim(cp)) break;
        s += a;
        n -= a;
    }
    if (n >= 6 && memcmp(s, "来自", 6) == 0) {
        s += 6;
        n -= 6;
    }
    if (ends_with(s, n, "的")) n -= strlen("的");
    while (n && (s[n - 1] == ' ')) n--;
    while (n && *s == ' ') s++, n--;
    if (!n) return NULL;
    /* A role is a noun phrase, never a whole clause. */
    if (utf8_length(s, n) > 80) return NULL;
    return mem_strndup(s, n);
}

/* Splits p[0..n) into role + name.  title_only: accept only a name after a
 * title word (for headings).  Returns true with new strings. */
static bool split_role_name(const char *p, size_t n, const char *context,
                            bool title_only, char **name, char **role)
{
    *name = *role = NULL;
    while (n && p[n - 1] == ' ') n--;
    bool honor = false;
    for (int k = 0; honorifics[k]; k++)
        if (ends_with(p, n, honorifics[k])) {
            n -= strlen(honorifics[k]);
            honor = true;
            break;
        }
    while (n && p[n - 1] == ' ') n--;
    /* h: start of the trailing Han run. */
    size_t h = n, a;
    while (h > 0) {
        uint32_t cp = utf8_decode_prev(p, h, &a);
        if (!utf8_is_han(cp)) break;
        h -= a;
    }
    if (utf8_length(p + h, n - h) < 2) return false;

    /* Strong boundary: the last title word or "的" ending inside the run
     * (or right at its start, for "Committer李强"), leaving >= 2 chars. */
    long best = -1;
    for (int k = 0; title_words[k]; k++) {
        const char *t = title_words[k];
        size_t tl = strlen(t);
        for (size_t j = 0; j + tl <= n; j++) {
            if (memcmp(p + j, t, tl) != 0) continue;
            size_t e = j + tl;
            /* Skip spaces between a Latin title and the name. */
            while (e < n && p[e] == ' ') e++;
            if (e >= h && e < n && (long)e > best && utf8_length(p + e, n - e) >= 2)
                best = (long)e;
        }
    }
    for (size_t j = h; j + 3 <= n; j++)
        if (memcmp(p + j, "的", 3) == 0 && (long)(j + 3) > best &&
            utf8_length(p + j + 3, n - j - 3) >= 2)
            best = (long)(j + 3);
    if (best >= 0) {
        size_t e = (size_t)best;
        if (name_ok(p + e, n - e)) {
            *name = mem_strndup(p + e, n - e);
            *role = clean_role(p, e);
            return true;
        }
        return false;
    }
    if (title_only) return false;

    /* Weak boundary: the run itself (start of clause or after Latin text)
     * or its last 2-3 characters; each needs confirmation. */
    size_t runlen = utf8_length(p + h, n - h);
    if (runlen <= 3 && honor && name_ok(p + h, n - h)) {
        *name = mem_strndup(p + h, n - h);
        *role = clean_role(p, h);
        return true;
    }
    /* Repetition: the longest tail (3, then 2 chars) that occurs again. */
    size_t tail3 = n, tail2 = n;
    for (int i = 0; i < 3 && tail3 > h; i++) {
        utf8_decode_prev(p, tail3, &a);
        tail3 -= a;
        if (i == 1) tail2 = tail3;
    }
    bool ok3 = runlen >= 3 && name_ok(p + tail3, n - tail3) &&
               count_occ(context, p + tail3, n - tail3) >= 2;
    bool ok2 = name_ok(p + tail2, n - tail2) &&
               count_occ(context, p + tail2, n - tail2) >= 2;
    size_t pick = n;
    if (ok3 && (!ok2 || count_occ(context, p + tail2, n - tail2) ==
                            count_occ(context, p + tail3, n - tail3)))
        pick = tail3;
    else if (ok2 && (honor || runlen == 2 || !ok3))
        pick = tail2;
    if (pick == n) return false;
    /* A 2-character tail of a longer run could be the end of a 3-character
     * name; only accept it when the run has nothing else that could be a
     * name start, or an honorific marks it. */
    if (pick == tail2 && runlen >= 3 && !honor && name_ok(p + tail3, n - tail3))
        return false;
    *name = mem_strndup(p + pick, n - pick);
    *role = clean_role(p, pick);
    return true;
}

/* Byte length of the first sentence. */
static size_t first_sentence(const char *s)
{
    static const char *const ends[] = {"。", "！", "？", "!", "?", "\n", "；", NULL};
    size_t best = strlen(s);
    for (int i = 0; ends[i]; i++) {
        const char *e = strstr(s, ends[i]);
        if (e && (size_t)(e - s) < best) best = (size_t)(e - s);
    }
    return best;
}

/* Byte offset just after the last clause delimiter in s[0..n). */
static size_t clause_start(const char *s, size_t n)
{
    static const char *const delims[] = {"，", ",", "：", ":", "；", ";", "（", "(",
                                         "|", "｜", "邀请", "特邀", "请到", "欢迎",
                                         NULL};
    size_t best = 0;
    for (int i = 0; delims[i]; i++) {
        size_t dl = strlen(delims[i]);
        for (size_t j = 0; j + dl <= n; j++)
            if (memcmp(s + j, delims[i], dl) == 0 && j + dl > best) best = j + dl;
    }
    /* "(" belongs to roles such as "中国太平洋保险(集团)股份有限公司" when a
     * ")" follows; only cut at an unclosed one. */
    return best;
}

typedef struct hit {
    size_t pos;
} hit;

static int hit_cmp(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

bool recap_speaker(const char *para, const char *section_text, char **name,
                   char **role)
{
    *name = *role = NULL;
    if (!para) return false;
    size_t end = first_sentence(para);
    hit *hits = NULL;
    size_t nh = 0, cap = 0;
    for (int v = 0; verbs[v]; v++) {
        size_t vl = strlen(verbs[v]);
        for (size_t j = 0; j + vl <= end; j++)
            if (memcmp(para + j, verbs[v], vl) == 0) MEM_PUSH(hits, nh, cap) = (hit){j};
    }
    if (nh) qsort(hits, nh, sizeof *hits, hit_cmp);
    bool ok = false;
    for (size_t i = 0; i < nh && !ok; i++) {
        if (i && hits[i].pos == hits[i - 1].pos) continue;
        size_t pos = hits[i].pos;
        size_t cs = clause_start(para, pos);
        /* Keep "(集团)" inside a role: cut at "(" only when unclosed. */
        if (cs > 0 && (para[cs - 1] == '(' || ends_with(para, cs, "（"))) {
            const char *close = para[cs - 1] == '(' ? ")" : "）";
            const char *c = strstr(para + cs, close);
            if (c && (size_t)(c - para) < pos) {
                size_t cs2 = clause_start(para, cs - (para[cs - 1] == '(' ? 1 : 3));
                cs = cs2;
            }
        }
        ok = split_role_name(para + cs, pos - cs, section_text ? section_text : para,
                             false, name, role);
    }
    free(hits);
    return ok;
}

bool recap_speaker_title(const char *title, char **name, char **role)
{
    *name = *role = NULL;
    if (!title) return false;
    return split_role_name(title, strlen(title), NULL, true, name, role);
}

/* ---- sections ---- */

static bool is_text_block(const doc_block *b)
{
    return b->kind != DOC_IMAGE && b->kind != DOC_RULE;
}

static void detect_lang(doc *d)
{
    doc_meta *m = doc_meta_mut(d);
    if (m->lang) return;
    size_t han = 0, kana = 0;
    for (size_t i = 0; i < doc_nblocks(d); i++) {
        const doc_block *b = doc_block_at(d, i);
        size_t j = 0;
        while (j < b->text.len) {
            size_t a;
            uint32_t cp = utf8_decode(b->text.s + j, b->text.len - j, &a);
            if (utf8_is_han(cp)) han++;
            else if (utf8_is_kana(cp)) kana++;
            j += a;
        }
    }
    const char *t = m->title;
    for (size_t j = 0, n = t ? strlen(t) : 0; j < n;) {
        size_t a;
        uint32_t cp = utf8_decode(t + j, n - j, &a);
        if (utf8_is_han(cp)) han++;
        else if (utf8_is_kana(cp)) kana++;
        j += a;
    }
    /* Japanese prose is at least a third kana; a stray "の" in Chinese
     * text must not turn it Japanese. 5% is far from both. */
    if (kana && kana * 20 >= han + kana) m->lang = "ja";
    else if (han) m->lang = "zh-Hans";
    else m->lang = "en";
}

void recap_detect(doc *d, const char *file, diag_list *dl)
{
    size_t n = doc_nblocks(d);
    /* 1. Bold-only paragraphs: headings, lead-ins, or emphasis. */
    for (size_t i = 0; i < n; i++) {
        doc_block *b = doc_block_mut(d, i);
        if (b->kind != DOC_PARA || !heading_like(b)) continue;
        const doc_block *nx = i + 1 < n ? doc_block_at(d, i + 1) : NULL;
        if (nx && heading_like(nx)) {
            b->kind = DOC_LEADIN;
        } else {
            b->kind = DOC_HEADING;
            b->level = 0;
        }
        /* The text is the heading; the strong span says nothing more. */
        b->text.nspans = 0;
    }
    /* 2. Section starts. */
    const doc_meta *meta = doc_get_meta(d);
    size_t *starts = NULL, ns = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        const doc_block *b = doc_block_at(d, i);
        if (b->kind != DOC_HEADING) continue;
        if (i == 0 && b->level == 1 && meta->title &&
            strlen(meta->title) == b->text.len &&
            memcmp(meta->title, b->text.s, b->text.len) == 0)
            continue;
        MEM_PUSH(starts, ns, cap) = i;
    }
    d->intro_end = ns ? starts[0] : n;
    for (size_t i = 0; i < d->intro_end; i++) {
        const doc_block *b = doc_block_at(d, i);
        if (b->kind == DOC_IMAGE && b->image >= 0)
            MEM_PUSH(d->intro_images, d->nintro_images, d->cap_intro_images) = b->image;
    }
    for (size_t s = 0; s < ns; s++) {
        const doc_block *h = doc_block_at(d, starts[s]);
        doc_section sec = {0};
        sec.title = doc_strndup(d, h->text.s, h->text.len);
        sec.level = h->level;
        sec.line = h->line;
        sec.first = starts[s];
        sec.end = s + 1 < ns ? starts[s + 1] : n;
        sec.photo = -1;
        bool text_seen = false;
        const doc_block *first_para = NULL;
        buf all = BUF_INIT;
        for (size_t i = sec.first + 1; i < sec.end; i++) {
            const doc_block *b = doc_block_at(d, i);
            if (b->kind == DOC_IMAGE && !text_seen && sec.photo < 0) sec.photo = b->image;
            if (is_text_block(b)) text_seen = true;
            if (b->kind == DOC_PARA) {
                sec.paragraphs++;
                if (!first_para) first_para = b;
                buf_addn(&all, b->text.s, b->text.len);
                buf_addc(&all, '\n');
            }
        }
        char *name = NULL, *role = NULL;
        if (first_para) {
            char *p = mem_strndup(first_para->text.s, first_para->text.len);
            recap_speaker(p, all.s, &name, &role);
            free(p);
        }
        char *tname = NULL, *trole = NULL;
        if (recap_speaker_title(sec.title, &tname, &trole)) {
            /* The heading "<role> <name>" names the same person better. */
            if (!name || (!role && strcmp(name, tname) == 0)) {
                free(name);
                free(role);
                name = tname;
                role = trole;
                tname = trole = NULL;
            }
        }
        free(tname);
        free(trole);
        sec.speaker = doc_strdup(d, name);
        sec.role = doc_strdup(d, role);
        free(name);
        free(role);
        buf_free(&all);
        MEM_PUSH(d->sections, d->nsections, d->cap_sections) = sec;
    }
    free(starts);

    /* 3. Front matter overrides, by title or 1-based number. */
    for (size_t k = 0; k < meta->nspeakers; k++) {
        const doc_speaker_override *o = &meta->speakers[k];
        doc_section *hit_sec = NULL;
        for (size_t s = 0; s < d->nsections && !hit_sec; s++)
            if (o->section && strcmp(o->section, d->sections[s].title) == 0)
                hit_sec = &d->sections[s];
        if (!hit_sec && o->section) {
            char *endp;
            long num = strtol(o->section, &endp, 10);
            if (*endp == '\0' && num >= 1 && (size_t)num <= d->nsections)
                hit_sec = &d->sections[num - 1];
        }
        if (!hit_sec) {
            diag_add(dl, DIAG_WARNING, file, 0, 0,
                     "front matter: speaker for section '%s' matches no section; ignored",
                     o->section ? o->section : "");
            continue;
        }
        if (o->name) hit_sec->speaker = o->name;
        if (o->role) hit_sec->role = o->role;
    }
    detect_lang(d);
}
