/* doc: the document model's storage, accessors and JSON dump.
 *
 * A doc owns one arena (a list of chunks, bump-allocated, freed whole) for
 * blocks, texts and strings, plus a few growable arrays.  The builders
 * (input/markdown.c, input/frontmatter.c, doc/recap.c) use doc_build.h;
 * everyone else reads through doc.h.
 *
 * The JSON dump is the golden-test basis, so it is written by hand with
 * fields in a fixed order, integers only, and paths relative to the post's
 * folder unless asked otherwise.  Blocks are dumped as one compact line
 * each ("para 12:1 text…"), children indented by two spaces per level;
 * the walk uses an explicit stack bounded by DOC_MAX_DEPTH.
 */
#include "doc/doc_build.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/utf8.h"

/* 64 KiB chunks: a typical post (5-30 KB of text) fits in one or two. */
#define ARENA_CHUNK (64u * 1024u)

struct doc_arena_chunk {
    doc_arena_chunk *prev;
    size_t used, size;
    max_align_t data[];
};

void *doc_alloc(doc *d, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    doc_arena_chunk *c = d->arena;
    if (!c || c->size - c->used < n) {
        size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = mem_alloc(sizeof *c + size);
        c->prev = d->arena;
        c->used = 0;
        c->size = size;
        d->arena = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

const char *doc_strndup(doc *d, const char *s, size_t n)
{
    if (!s) return NULL;
    char *p = doc_alloc(d, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

const char *doc_strdup(doc *d, const char *s)
{
    return s ? doc_strndup(d, s, strlen(s)) : NULL;
}

doc *doc_new(const char *path, const char *dir)
{
    doc *d = mem_calloc(1, sizeof *d);
    d->path = mem_strdup(path ? path : "");
    d->dir = mem_strdup(dir ? dir : ".");
    d->meta.banner_image = -1;
    return d;
}

void doc_free(doc *d)
{
    if (!d) return;
    doc_arena_chunk *c = d->arena;
    while (c) {
        doc_arena_chunk *prev = c->prev;
        free(c);
        c = prev;
    }
    free(d->path);
    free(d->dir);
    free(d->blocks);
    free(d->images);
    free(d->sections);
    free(d->intro_images);
    free(d->links);
    free(d);
}

doc_block *doc_block_new(doc *d, doc_kind kind, int line, int col)
{
    doc_block *b = doc_alloc(d, sizeof *b);
    b->kind = kind;
    b->line = line;
    b->col = col;
    b->image = -1;
    return b;
}

void doc_append(doc *d, doc_block *b)
{
    if (d->nblocks) d->blocks[d->nblocks - 1]->next = b;
    MEM_PUSH(d->blocks, d->nblocks, d->cap_blocks) = b;
}

doc_block *doc_block_mut(doc *d, size_t i)
{
    return i < d->nblocks ? d->blocks[i] : NULL;
}

int doc_image_push(doc *d, const doc_image *img)
{
    MEM_PUSH(d->images, d->nimages, d->cap_images) = *img;
    return (int)d->nimages - 1;
}

doc_image *doc_image_mut(doc *d, size_t i)
{
    return i < d->nimages ? &d->images[i] : NULL;
}

int doc_image_find(const doc *d, const char *path, const char *src)
{
    for (size_t i = 0; i < d->nimages; i++) {
        const doc_image *im = &d->images[i];
        if (path && im->path && strcmp(path, im->path) == 0) return (int)i;
        if (!path && !im->path && src && strcmp(src, im->src) == 0) return (int)i;
    }
    return -1;
}

void doc_link_add(doc *d, const char *url)
{
    if (!url) return;
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return;
    for (size_t i = 0; i < d->nlinks; i++)
        if (strcmp(d->links[i], url) == 0) return;
    MEM_PUSH(d->links, d->nlinks, d->cap_links) = doc_strdup(d, url);
}

doc_meta *doc_meta_mut(doc *d) { return &d->meta; }

const char *doc_path(const doc *d) { return d->path; }
const char *doc_dir(const doc *d) { return d->dir; }
const doc_meta *doc_get_meta(const doc *d) { return &d->meta; }
size_t doc_nblocks(const doc *d) { return d->nblocks; }
const doc_block *doc_block_at(const doc *d, size_t i)
{
    return i < d->nblocks ? d->blocks[i] : NULL;
}
size_t doc_nsections(const doc *d) { return d->nsections; }
const doc_section *doc_section_at(const doc *d, size_t i)
{
    return i < d->nsections ? &d->sections[i] : NULL;
}
size_t doc_intro_end(const doc *d) { return d->intro_end; }
size_t doc_nimages(const doc *d) { return d->nimages; }
const doc_image *doc_image_at(const doc *d, size_t i)
{
    return i < d->nimages ? &d->images[i] : NULL;
}
const int *doc_intro_images(const doc *d, size_t *n)
{
    if (n) *n = d->nintro_images;
    return d->intro_images;
}
const char *const *doc_links(const doc *d, size_t *n)
{
    if (n) *n = d->nlinks;
    return d->links;
}

const char *doc_image_status_name(doc_image_status st)
{
    switch (st) {
    case DOC_IMG_OK: return "ok";
    case DOC_IMG_MISSING: return "missing";
    case DOC_IMG_REMOTE: return "remote";
    case DOC_IMG_OUTSIDE: return "outside";
    case DOC_IMG_UNREADABLE: return "unreadable";
    case DOC_IMG_UNSUPPORTED: return "unsupported";
    case DOC_IMG_TOO_LARGE: return "too-large";
    }
    return "unknown";
}

const char *doc_kind_name(doc_kind k)
{
    static const char *const names[] = {
        "para", "heading", "leadin", "image", "list", "item",
        "quote", "code", "rule", "table", "row", "cell",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* Generic words people leave as alt text; with an optional number after. */
static const char *const generic_alt[] = {
    "image", "img", "pic", "picture", "photo", "figure", "fig", "screenshot",
    "图片", "图像", "照片", "配图", "插图", "截图", "图", "海报", "banner", NULL,
};

bool doc_alt_is_meaningful(const char *alt)
{
    if (!alt) return false;
    while (*alt == ' ' || *alt == '\t') alt++;
    size_t n = strlen(alt);
    while (n && (alt[n - 1] == ' ' || alt[n - 1] == '\t')) n--;
    if (!n) return false;
    for (size_t i = 0; generic_alt[i]; i++) {
        size_t g = strlen(generic_alt[i]);
        if (n >= g && strncasecmp(alt, generic_alt[i], g) == 0) {
            size_t k = g;
            while (k < n && (utf8_is_digit((unsigned char)alt[k]) ||
                             alt[k] == '-' || alt[k] == '_' || alt[k] == ' '))
                k++;
            if (k == n) return false;
        }
    }
    /* File-name-like: no spaces, a dot followed by 2-4 letters at the end,
     * or only ASCII letters/digits/_-. (e.g. "IMG_2031", "wechat-1"). */
    bool plain = true, has_digit = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)alt[i];
        if (c >= '0' && c <= '9') has_digit = true;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '.'))
            plain = false;
    }
    if (plain && (has_digit || memchr(alt, '.', n) || memchr(alt, '_', n)))
        return false;
    const char *dot = NULL;
    for (size_t i = 0; i < n; i++)
        if (alt[i] == '.') dot = alt + i;
    if (dot && !memchr(alt, ' ', n)) {
        size_t ext = n - (size_t)(dot - alt) - 1;
        if (ext >= 2 && ext <= 4) return false;
    }
    /* Only digits and punctuation says nothing either. */
    bool letters = false;
    for (size_t i = 0; i < n;) {
        size_t adv;
        uint32_t cp = utf8_decode(alt + i, n - i, &adv);
        if (utf8_is_latin(cp) || utf8_is_han(cp) || utf8_is_kana(cp) || cp > 0x3000)
            letters = true;
        i += adv;
    }
    return letters;
}

/* ---- JSON dump ---- */

static void indent(buf *b, int n)
{
    for (int i = 0; i < n; i++) buf_add(b, "  ");
}

static void key(buf *b, int ind, const char *k)
{
    indent(b, ind);
    buf_add_json(b, k);
    buf_add(b, ": ");
}

static void str_array(buf *b, const char *const *items, size_t n)
{
    buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) buf_add(b, ", ");
        buf_add_json(b, items[i]);
    }
    buf_addc(b, ']');
}

/* The display form of a path: relative to the post's folder when inside,
 * else the base name (so a dump never carries a machine's layout). */
static const char *rel_path(const doc *d, const char *p, bool absolute)
{
    if (!p || absolute) return p;
    size_t n = strlen(d->dir);
    if (strncmp(p, d->dir, n) == 0 && p[n] == '/') return p + n + 1;
    const char *slash = strrchr(p, '/');
    return slash ? slash + 1 : p;
}

/* At most 40 characters of text, newlines shown as "\n" by the JSON layer. */
static void text_prefix(buf *b, const doc_text *t)
{
    size_t i = 0, chars = 0;
    while (i < t->len && chars < 40) {
        size_t adv;
        utf8_decode(t->s + i, t->len - i, &adv);
        i += adv;
        chars++;
    }
    buf_addn(b, t->s ? t->s : "", i);
    if (i < t->len) buf_add(b, "…");
}

static void block_line(const doc *d, buf *line, const doc_block *bl, int depth)
{
    for (int i = 0; i < depth; i++) buf_add(line, "  ");
    buf_addf(line, "%s %d:%d", doc_kind_name(bl->kind), bl->line, bl->col);
    switch (bl->kind) {
    case DOC_HEADING: buf_addf(line, " level=%d", bl->level); break;
    case DOC_IMAGE:
        buf_addf(line, " #%d", bl->image);
        if (bl->image >= 0 && (size_t)bl->image < d->nimages)
            buf_addf(line, " %s", d->images[bl->image].src);
        break;
    case DOC_LIST:
        if (bl->ordered) buf_addf(line, " ordered start=%d", bl->start);
        else buf_add(line, " bullet");
        if (bl->tight) buf_add(line, " tight");
        break;
    case DOC_CODE:
        if (bl->info && *bl->info) buf_addf(line, " info=%s", bl->info);
        break;
    case DOC_ROW:
        if (bl->header) buf_add(line, " header");
        break;
    case DOC_CELL:
        if (bl->align) buf_addf(line, " align=%d", bl->align);
        break;
    default: break;
    }
    if (bl->text.len) {
        buf_addc(line, ' ');
        text_prefix(line, &bl->text);
    }
    for (size_t i = 0; i < bl->text.nspans; i++) {
        static const char *const sk[] = {"em", "strong", "code", "link", "strike"};
        const doc_span *sp = &bl->text.spans[i];
        buf_addf(line, " [%s %u-%u", sk[sp->kind], sp->start, sp->end);
        if (sp->href) buf_addf(line, " %s", sp->href);
        buf_addc(line, ']');
    }
}

static void dump_blocks(const doc *d, buf *b, int ind)
{
    /* Explicit stack: the tree is at most DOC_MAX_DEPTH deep by
     * construction, so a fixed array suffices. */
    const doc_block *stack[DOC_MAX_DEPTH + 2];
    bool first = true;
    buf_add(b, "[");
    for (size_t i = 0; i < d->nblocks; i++) {
        int depth = 0;
        stack[0] = d->blocks[i];
        const doc_block *bl = d->blocks[i];
        while (bl) {
            buf line = BUF_INIT;
            block_line(d, &line, bl, depth);
            buf_add(b, first ? "\n" : ",\n");
            first = false;
            indent(b, ind + 1);
            buf_add_json(b, line.s);
            buf_free(&line);
            if (bl->child && depth < DOC_MAX_DEPTH + 1) {
                stack[++depth] = bl->child;
                bl = bl->child;
                continue;
            }
            /* Next sibling, climbing up; depth 0 is the top-level block. */
            while (depth > 0 && !stack[depth]->next) depth--;
            if (depth == 0) break;
            stack[depth] = stack[depth]->next;
            bl = stack[depth];
        }
    }
    if (!first) {
        buf_addc(b, '\n');
        indent(b, ind);
    }
    buf_addc(b, ']');
}

static void dump(const doc *d, const diag_list *dl, bool with_diags, buf *b,
                 bool absolute)
{
    const doc_meta *m = &d->meta;
    buf_add(b, "{\n");
    key(b, 1, "file");
    if (absolute) {
        buf pth = BUF_INIT;
        const char *slash = strrchr(d->path, '/');
        buf_addf(&pth, "%s/%s", d->dir, slash ? slash + 1 : d->path);
        buf_add_json(b, pth.s);
        buf_free(&pth);
    } else {
        const char *slash = strrchr(d->path, '/');
        buf_add_json(b, slash ? slash + 1 : d->path);
    }
    buf_add(b, ",\n");

    key(b, 1, "meta");
    buf_add(b, "{\n");
    key(b, 2, "title"); buf_add_json(b, m->title); buf_add(b, ",\n");
    key(b, 2, "title_line"); buf_addf(b, "%d,\n", m->title_line);
    key(b, 2, "date"); buf_add_json(b, m->date); buf_add(b, ",\n");
    key(b, 2, "ymd");
    if (m->year) buf_addf(b, "\"%04d-%02d-%02d\",\n", m->year, m->month, m->day);
    else buf_add(b, "null,\n");
    key(b, 2, "author"); buf_add_json(b, m->author); buf_add(b, ",\n");
    key(b, 2, "summary"); buf_add_json(b, m->summary); buf_add(b, ",\n");
    key(b, 2, "tags"); str_array(b, m->tags, m->ntags); buf_add(b, ",\n");
    key(b, 2, "categories"); str_array(b, m->categories, m->ncategories);
    buf_add(b, ",\n");
    key(b, 2, "banner"); buf_add_json(b, m->banner); buf_add(b, ",\n");
    key(b, 2, "banner_image");
    if (m->banner_image >= 0) buf_addf(b, "%d,\n", m->banner_image);
    else buf_add(b, "null,\n");
    key(b, 2, "lang"); buf_add_json(b, m->lang); buf_add(b, ",\n");
    key(b, 2, "theme"); buf_add_json(b, m->theme); buf_add(b, ",\n");
    key(b, 2, "draft"); buf_add(b, m->draft ? "true" : "false"); buf_add(b, ",\n");
    key(b, 2, "speakers"); buf_addc(b, '[');
    for (size_t i = 0; i < m->nspeakers; i++) {
        const doc_speaker_override *o = &m->speakers[i];
        buf_add(b, i ? ", {" : "{");
        buf_add(b, "\"section\": "); buf_add_json(b, o->section);
        buf_add(b, ", \"name\": "); buf_add_json(b, o->name);
        buf_add(b, ", \"role\": "); buf_add_json(b, o->role);
        buf_add(b, ", \"photo\": "); buf_add_json(b, o->photo);
        buf_addc(b, '}');
    }
    buf_add(b, "]\n");
    indent(b, 1); buf_add(b, "},\n");

    key(b, 1, "intro");
    buf_addf(b, "{\"blocks\": %zu, \"images\": [", d->intro_end);
    for (size_t i = 0; i < d->nintro_images; i++)
        buf_addf(b, i ? ", %d" : "%d", d->intro_images[i]);
    buf_add(b, "]},\n");

    key(b, 1, "sections");
    buf_addc(b, '[');
    for (size_t i = 0; i < d->nsections; i++) {
        const doc_section *s = &d->sections[i];
        buf_add(b, i ? ",\n" : "\n");
        indent(b, 2);
        buf_add(b, "{\"title\": "); buf_add_json(b, s->title);
        buf_addf(b, ", \"level\": %d, \"line\": %d, \"blocks\": [%zu, %zu]",
                 s->level, s->line, s->first, s->end);
        buf_add(b, ", \"speaker\": "); buf_add_json(b, s->speaker);
        buf_add(b, ", \"role\": "); buf_add_json(b, s->role);
        buf_add(b, ", \"photo\": ");
        if (s->photo >= 0 && (size_t)s->photo < d->nimages) {
            const doc_image *im = &d->images[s->photo];
            buf_addf(b, "{\"image\": %d, \"src\": ", s->photo);
            buf_add_json(b, im->src);
            buf_addf(b, ", \"resolved\": %s}", im->status == DOC_IMG_OK ? "true" : "false");
        } else {
            buf_add(b, "null");
        }
        buf_addf(b, ", \"paragraphs\": %d}", s->paragraphs);
    }
    if (d->nsections) { buf_addc(b, '\n'); indent(b, 1); }
    buf_add(b, "],\n");

    key(b, 1, "images");
    buf_addc(b, '[');
    for (size_t i = 0; i < d->nimages; i++) {
        const doc_image *im = &d->images[i];
        buf_add(b, i ? ",\n" : "\n");
        indent(b, 2);
        buf_add(b, "{\"src\": "); buf_add_json(b, im->src);
        if (im->path) {
            buf_add(b, ", \"path\": ");
            buf_add_json(b, rel_path(d, im->path, absolute));
        }
        buf_addf(b, ", \"status\": \"%s\"", doc_image_status_name(im->status));
        buf_add(b, ", \"format\": ");
        if (im->info.format != MEDIA_UNKNOWN) buf_add_json(b, media_format_name(im->info.format));
        else buf_add(b, "null");
        buf_addf(b, ", \"width\": %d, \"height\": %d, \"uses\": %d, \"line\": %d",
                 im->width, im->height, im->uses, im->line);
        buf_add(b, ", \"caption\": "); buf_add_json(b, im->caption);
        buf_addc(b, '}');
    }
    if (d->nimages) { buf_addc(b, '\n'); indent(b, 1); }
    buf_add(b, "],\n");

    key(b, 1, "links");
    str_array(b, d->links, d->nlinks);
    buf_add(b, ",\n");

    key(b, 1, "blocks");
    dump_blocks(d, b, 1);
    if (with_diags) {
        buf_add(b, ",\n");
        key(b, 1, "warnings");
        buf_addc(b, '[');
        size_t n = diag_count(dl);
        for (size_t i = 0; i < n; i++) {
            diag tmp = *diag_get(dl, i);
            if (!absolute && tmp.file) {
                char *slash = strrchr(tmp.file, '/');
                if (slash) tmp.file = slash + 1;
            }
            char line[2048];
            diag_format(&tmp, line, sizeof line);
            buf_add(b, i ? ",\n" : "\n");
            indent(b, 2);
            buf_add_json(b, line);
        }
        if (n) { buf_addc(b, '\n'); indent(b, 1); }
        buf_addc(b, ']');
    }
    buf_add(b, "\n}\n");
}

static void text_line(buf *out, const char *s, size_t len)
{
    if (!s || !len) return;
    buf_addn(out, s, len);
    buf_addc(out, '\n');
}

static void str_line(buf *out, const char *s)
{
    if (s) text_line(out, s, strlen(s));
}

static void collect_block(const doc_block *b, buf *out, int depth)
{
    text_line(out, b->text.s, b->text.len);
    str_line(out, b->info);
    for (size_t i = 0; i < b->text.nspans; i++) str_line(out, b->text.spans[i].href);
    if (depth < DOC_MAX_DEPTH + 2)
        for (const doc_block *c = b->child; c; c = c->next) collect_block(c, out, depth + 1);
}

void doc_collect_text(const doc *d, buf *out)
{
    const doc_meta *m = doc_get_meta(d);
    str_line(out, m->title);
    str_line(out, m->date);
    str_line(out, m->author);
    str_line(out, m->summary);
    for (size_t i = 0; i < m->ntags; i++) str_line(out, m->tags[i]);
    for (size_t i = 0; i < m->ncategories; i++) str_line(out, m->categories[i]);
    for (size_t i = 0; i < m->nspeakers; i++) {
        str_line(out, m->speakers[i].name);
        str_line(out, m->speakers[i].role);
    }
    for (size_t i = 0; i < doc_nblocks(d); i++) collect_block(doc_block_at(d, i), out, 0);
    for (size_t i = 0; i < doc_nimages(d); i++) {
        str_line(out, doc_image_at(d, i)->alt);
        str_line(out, doc_image_at(d, i)->caption);
        str_line(out, doc_image_at(d, i)->src);
    }
    for (size_t i = 0; i < doc_nsections(d); i++) {
        const doc_section *s = doc_section_at(d, i);
        str_line(out, s->title);
        str_line(out, s->speaker);
        str_line(out, s->role);
    }
}

void doc_dump_json(const doc *d, buf *out, bool absolute)
{
    dump(d, NULL, false, out, absolute);
}

void doc_dump_json_with(const doc *d, const diag_list *dl, buf *out,
                        bool absolute)
{
    dump(d, dl, true, out, absolute);
}
