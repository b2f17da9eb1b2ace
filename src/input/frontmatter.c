/* frontmatter: YAML front matter → doc_meta.
 *
 * A post may open with a YAML block between "---" lines (Jekyll/Hugo/
 * VuePress convention).  We find the block, feed it to libyaml's event
 * parser and build a small tree of scalars, sequences and mappings with an
 * explicit stack (no recursion: nesting is capped at FM_MAX_DEPTH).  The
 * event API never expands aliases (a billion-laughs document is just a few
 * alias events), and we go further: an alias is refused and read as null,
 * because front matter never needs one (one warning for the first, a note
 * counting the rest).  libyaml does not
 * report duplicate keys; we do (warning, the later value wins, as in most
 * YAML loaders).
 *
 * Positions: libyaml marks are 0-based and relative to the YAML text,
 * which starts on the post's line 2; diagnostics are 1-based file
 * positions (columns in characters: libyaml counts characters too).
 *
 * Fields read: title, date, author, summary/description, tags,
 * category/categories, banner/cover/image, lang, theme, draft, speakers.
 * Others are ignored.  A field of the wrong type is a warning and ignored.
 */
#include "input/frontmatter.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/mem.h"

/* Real front matter is two levels deep (speakers: - name:); 32 leaves room
 * for anything sensible and bounds the builder's stack. */
#define FM_MAX_DEPTH 32
/* A 10 000-character title (30 KB of CJK) still fits; see text_of(). */
#define FM_MAX_TEXT (32u * 1024u)
#define FM_MAX_LINES 64
/* Tags and authors: real posts list fewer than ten. */
#define FM_MAX_ITEMS 256

typedef enum { FM_NULL, FM_SCALAR, FM_SEQ, FM_MAP } fm_type;

typedef struct fm_node fm_node;
struct fm_node {
    fm_type type;
    char *value;          /* FM_SCALAR */
    bool plain;           /* unquoted scalar (null/true/false apply) */
    int line, col;        /* 1-based file position */
    fm_node **items;      /* SEQ: values; MAP: key, value, key, value ... */
    size_t n, cap;
};

static void node_free(fm_node *root)
{
    /* Iterative: a worklist of nodes still to free. */
    fm_node **work = NULL;
    size_t n = 0, cap = 0;
    if (root) MEM_PUSH(work, n, cap) = root;
    while (n) {
        fm_node *x = work[--n];
        for (size_t i = 0; i < x->n; i++)
            if (x->items[i]) MEM_PUSH(work, n, cap) = x->items[i];
        free(x->items);
        free(x->value);
        free(x);
    }
    free(work);
}

static const char *type_name(const fm_node *x)
{
    if (!x) return "nothing";
    switch (x->type) {
    case FM_NULL: return "null";
    case FM_SCALAR: return "a string";
    case FM_SEQ: return "a list";
    case FM_MAP: return "a mapping";
    }
    return "?";
}

static bool is_null(const fm_node *x)
{
    if (!x || x->type == FM_NULL) return true;
    if (x->type == FM_SCALAR && x->plain &&
        (!*x->value || strcmp(x->value, "~") == 0 || strcmp(x->value, "null") == 0 ||
         strcmp(x->value, "Null") == 0 || strcmp(x->value, "NULL") == 0))
        return true;
    return false;
}

typedef struct fm_ctx {
    doc *d;
    const char *file;
    diag_list *dl;
    int line0;   /* file line of the YAML text's first line, 1-based */
} fm_ctx;

static int mark_line(const fm_ctx *c, yaml_mark_t m) { return (int)m.line + c->line0; }
static int mark_col(yaml_mark_t m) { return (int)m.column + 1; }

static void yaml_error(const fm_ctx *c, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "malformed YAML";
    yaml_mark_t pm = p->problem_mark;
    diag_add(c->dl, DIAG_ERROR, c->file, mark_line(c, pm), mark_col(pm),
             "front matter: %s", problem);
    if (p->context)
        diag_add(c->dl, DIAG_NOTE, c->file, mark_line(c, p->context_mark),
                 mark_col(p->context_mark), "%s", p->context);
}

/* Parses the YAML text into a tree.  Returns false after an error. */
static bool build_tree(fm_ctx *c, const char *y, size_t n, fm_node **out)
{
    yaml_parser_t p;
    *out = NULL;
    if (!yaml_parser_initialize(&p)) {
        diag_add(c->dl, DIAG_ERROR, c->file, c->line0, 1,
                 "front matter: cannot initialise the YAML parser");
        return false;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)y, n);
    fm_node *stack[FM_MAX_DEPTH + 1];
    int depth = 0;
    fm_node *root = NULL;
    bool ok = true, done = false, seen_doc = false;
    size_t naliases = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_error(c, &p);
            ok = false;
            break;
        }
        fm_node *x = NULL;
        int line = mark_line(c, ev.start_mark), col = mark_col(ev.start_mark);
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (seen_doc) {
                diag_add(c->dl, DIAG_WARNING, c->file, line, col,
                         "front matter: more than one YAML document; the rest is ignored");
                done = true;
            }
            seen_doc = true;
            break;
        case YAML_ALIAS_EVENT:
            /* One warning, not one per alias: a billion-laughs block has
             * thousands, and the count follows in a note at the end. */
            if (naliases++ == 0)
                diag_add(c->dl, DIAG_WARNING, c->file, line, col,
                         "front matter: alias '*%s' is not supported; read as null",
                         (const char *)ev.data.alias.anchor);
            x = mem_calloc(1, sizeof *x);
            x->type = FM_NULL;
            break;
        case YAML_SCALAR_EVENT:
            x = mem_calloc(1, sizeof *x);
            x->type = FM_SCALAR;
            x->value = mem_strndup((const char *)ev.data.scalar.value,
                                   ev.data.scalar.length);
            x->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            x = mem_calloc(1, sizeof *x);
            x->type = ev.type == YAML_SEQUENCE_START_EVENT ? FM_SEQ : FM_MAP;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0) depth--;
            break;
        default: break;
        }
        if (x) {
            x->line = line;
            x->col = col;
            if (depth == 0) {
                if (root) node_free(root);   /* unreachable: one root per doc */
                root = x;
            } else {
                fm_node *parent = stack[depth - 1];
                MEM_PUSH(parent->items, parent->n, parent->cap) = x;
            }
            if (x->type == FM_SEQ || x->type == FM_MAP) {
                if (depth >= FM_MAX_DEPTH) {
                    diag_add(c->dl, DIAG_ERROR, c->file, line, col,
                             "front matter: nested deeper than %d levels",
                             FM_MAX_DEPTH);
                    ok = false;
                    done = true;
                } else {
                    stack[depth++] = x;
                }
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (naliases > 1)
        diag_add(c->dl, DIAG_NOTE, c->file, 0, 0,
                 "front matter: %zu more aliases read as null", naliases - 1);
    if (!ok) {
        node_free(root);
        return false;
    }
    *out = root;
    return true;
}

/* v's string in the arena, cut after FM_MAX_TEXT bytes or FM_MAX_LINES
 * lines (at a character boundary) with a warning: a title or summary is
 * laid out as one paragraph, whose cost grows faster than its length. */
static const char *text_of(fm_ctx *c, const char *key, const fm_node *v)
{
    const char *s = v->value;
    size_t n = strlen(s), cut = n < FM_MAX_TEXT ? n : FM_MAX_TEXT;
    int lines = 0;
    for (size_t i = 0; i < cut; i++)
        if (s[i] == '\n' && ++lines == FM_MAX_LINES) cut = i;
    if (cut == n) return doc_strdup(c->d, s);
    while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
             "front matter: '%s' of %zu bytes cut to its first %zu bytes "
             "(at most %u bytes and %d lines)", key, n, cut, (unsigned)FM_MAX_TEXT,
             FM_MAX_LINES);
    return doc_strndup(c->d, s, cut);
}

static const char *scalar_of(fm_ctx *c, const char *key, const fm_node *v)
{
    if (is_null(v)) return NULL;
    if (v->type != FM_SCALAR) {
        diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
                 "front matter: '%s' should be a string, found %s; ignored",
                 key, type_name(v));
        return NULL;
    }
    return text_of(c, key, v);
}

/* A string or a list of strings → array in the arena. */
static const char *const *list_of(fm_ctx *c, const char *key, const fm_node *v,
                                  size_t *count)
{
    *count = 0;
    if (is_null(v)) return NULL;
    if (v->type == FM_SCALAR) {
        const char **a = doc_alloc(c->d, sizeof *a);
        a[0] = text_of(c, key, v);
        *count = 1;
        return a;
    }
    if (v->type != FM_SEQ) {
        diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
                 "front matter: '%s' should be a string or a list of strings, "
                 "found %s; ignored", key, type_name(v));
        return NULL;
    }
    const char **a = doc_alloc(c->d, (v->n ? v->n : 1) * sizeof *a);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const fm_node *it = v->items[i];
        if (is_null(it)) continue;
        if (it->type != FM_SCALAR) {
            diag_add(c->dl, DIAG_WARNING, c->file, it->line, it->col,
                     "front matter: '%s' item should be a string, found %s; ignored",
                     key, type_name(it));
            continue;
        }
        if (k == FM_MAX_ITEMS) {
            diag_add(c->dl, DIAG_WARNING, c->file, it->line, it->col,
                     "front matter: '%s' has more than %d items; the rest are ignored",
                     key, FM_MAX_ITEMS);
            break;
        }
        a[k++] = text_of(c, key, it);
    }
    *count = k;
    return a;
}

static const fm_node *map_get(const fm_node *m, const char *key)
{
    for (size_t i = 0; i + 1 < m->n; i += 2)
        if (m->items[i]->type == FM_SCALAR && strcmp(m->items[i]->value, key) == 0)
            return m->items[i + 1];
    return NULL;
}

static void read_speakers(fm_ctx *c, const fm_node *v, doc_meta *meta)
{
    if (is_null(v)) return;
    if (v->type != FM_SEQ) {
        diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
                 "front matter: 'speakers' should be a list of mappings, found %s; ignored",
                 type_name(v));
        return;
    }
    doc_speaker_override *a = doc_alloc(c->d, (v->n ? v->n : 1) * sizeof *a);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const fm_node *it = v->items[i];
        if (it->type != FM_MAP) {
            diag_add(c->dl, DIAG_WARNING, c->file, it->line, it->col,
                     "front matter: speaker should be a mapping with section, name, "
                     "role, photo; found %s; ignored", type_name(it));
            continue;
        }
        doc_speaker_override o = {
            scalar_of(c, "section", map_get(it, "section")),
            scalar_of(c, "name", map_get(it, "name")),
            scalar_of(c, "role", map_get(it, "role")),
            scalar_of(c, "photo", map_get(it, "photo")),
        };
        if (!o.section) {
            /* Without a section it applies to the speaker's 1-based position. */
            char num[24];
            snprintf(num, sizeof num, "%zu", k + 1);
            o.section = doc_strdup(c->d, num);
        }
        a[k++] = o;
    }
    meta->speakers = a;
    meta->nspeakers = k;
}

static bool all_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

bool frontmatter_parse_date(const char *s, int *y, int *m, int *d)
{
    *y = *m = *d = 0;
    if (!s) return false;
    while (*s == ' ') s++;
    /* YYYY-MM-DD; single-digit month/day tolerated (2023-8-1). */
    if (strlen(s) < 8 || !all_digits(s, 4) || (s[4] != '-' && s[4] != '/'))
        return false;
    char sep = s[4];
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    const char *p = s + 5;
    int mon = 0, day = 0, nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 2) mon = mon * 10 + (*p++ - '0'), nd++;
    if (!nd || *p != sep) return false;
    p++;
    nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 2) day = day * 10 + (*p++ - '0'), nd++;
    if (!nd) return false;
    /* After the date: end, or a time introduced by 'T'/'t'/space. */
    if (*p && *p != 'T' && *p != 't' && *p != ' ') return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1])
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (mon == 2 && day == 29 && !leap) return false;
    *y = year;
    *m = mon;
    *d = day;
    return true;
}

const char *frontmatter_lang(const char *tag)
{
    if (!tag) return NULL;
    char t[32];
    size_t n = 0;
    for (; tag[n] && n < sizeof t - 1; n++)
        t[n] = tag[n] == '_' ? '-' : (char)((tag[n] >= 'A' && tag[n] <= 'Z') ? tag[n] + 32 : tag[n]);
    t[n] = '\0';
    if (strcmp(t, "zh-tw") == 0 || strcmp(t, "zh-hk") == 0 || strcmp(t, "zh-mo") == 0 ||
        strncmp(t, "zh-hant", 7) == 0)
        return "zh-Hant";
    if (strcmp(t, "zh") == 0 || strncmp(t, "zh-", 3) == 0) return "zh-Hans";
    if (strcmp(t, "ja") == 0 || strncmp(t, "ja-", 3) == 0) return "ja";
    if (strcmp(t, "en") == 0 || strncmp(t, "en-", 3) == 0) return "en";
    return NULL;
}

static bool bool_of(fm_ctx *c, const fm_node *v, bool *out)
{
    if (is_null(v)) return false;
    if (v->type == FM_SCALAR) {
        static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", NULL};
        static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", NULL};
        for (int i = 0; yes[i]; i++)
            if (strcmp(v->value, yes[i]) == 0) return *out = true, true;
        for (int i = 0; no[i]; i++)
            if (strcmp(v->value, no[i]) == 0) return *out = false, true;
    }
    diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
             "front matter: 'draft' should be true or false, found %s; ignored",
             v->type == FM_SCALAR ? v->value : type_name(v));
    return false;
}

static void read_fields(fm_ctx *c, const fm_node *root)
{
    doc_meta *m = doc_meta_mut(c->d);
    /* Duplicate keys: report each later occurrence; the later value wins
     * because fields are read in order and overwrite. */
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const fm_node *k = root->items[i], *v = root->items[i + 1];
        if (k->type != FM_SCALAR) {
            diag_add(c->dl, DIAG_WARNING, c->file, k->line, k->col,
                     "front matter: key should be a string, found %s; ignored",
                     type_name(k));
            continue;
        }
        for (size_t j = 0; j < i; j += 2)
            if (root->items[j]->type == FM_SCALAR &&
                strcmp(root->items[j]->value, k->value) == 0) {
                diag_add(c->dl, DIAG_WARNING, c->file, k->line, k->col,
                         "front matter: duplicate key '%s' (first on line %d); "
                         "the later value is used", k->value, root->items[j]->line);
                break;
            }
        const char *key = k->value;
        if (strcmp(key, "title") == 0) {
            const char *s = scalar_of(c, key, v);
            if (s) { m->title = s; m->title_line = k->line; }
        } else if (strcmp(key, "date") == 0) {
            const char *s = scalar_of(c, key, v);
            if (s) {
                m->date = s;
                if (!frontmatter_parse_date(s, &m->year, &m->month, &m->day))
                    diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
                             "front matter: date '%s' is not a valid YYYY-MM-DD date; "
                             "no date is printed", s);
            }
        } else if (strcmp(key, "author") == 0) {
            if (v && v->type == FM_SEQ) {
                size_t n;
                const char *const *a = list_of(c, key, v, &n);
                buf b = BUF_INIT;
                for (size_t i2 = 0; i2 < n; i2++) {
                    if (i2) buf_add(&b, ", ");
                    buf_add(&b, a[i2]);
                }
                if (n) m->author = doc_strdup(c->d, b.s);
                buf_free(&b);
            } else {
                const char *s = scalar_of(c, key, v);
                if (s) m->author = s;
            }
        } else if (strcmp(key, "summary") == 0) {
            const char *s = scalar_of(c, key, v);
            if (s) m->summary = s;
        } else if (strcmp(key, "description") == 0) {
            const char *s = scalar_of(c, key, v);
            if (s && !map_get(root, "summary")) m->summary = s;
        } else if (strcmp(key, "tags") == 0) {
            m->tags = list_of(c, key, v, &m->ntags);
        } else if (strcmp(key, "category") == 0 || strcmp(key, "categories") == 0) {
            m->categories = list_of(c, key, v, &m->ncategories);
        } else if (strcmp(key, "banner") == 0 || strcmp(key, "cover") == 0 ||
                   strcmp(key, "image") == 0) {
            const char *s = scalar_of(c, key, v);
            /* banner beats cover beats image, whatever the order. */
            if (s && (strcmp(key, "banner") == 0 || !m->banner ||
                      (strcmp(key, "cover") == 0 && !map_get(root, "banner"))))
                m->banner = s;
        } else if (strcmp(key, "lang") == 0) {
            const char *s = scalar_of(c, key, v);
            if (s) {
                const char *l = frontmatter_lang(s);
                if (l) m->lang = l;
                else diag_add(c->dl, DIAG_WARNING, c->file, v->line, v->col,
                              "front matter: unknown lang '%s'; detecting the "
                              "language from the text", s);
            }
        } else if (strcmp(key, "theme") == 0) {
            const char *s = scalar_of(c, key, v);
            if (s) m->theme = s;
        } else if (strcmp(key, "draft") == 0) {
            bool b;
            if (bool_of(c, v, &b)) m->draft = b;
        } else if (strcmp(key, "speakers") == 0) {
            read_speakers(c, v, m);
        }
    }
}

/* Returns the length of the line at s (up to, not including, '\n'). */
static size_t line_len(const char *s, size_t n)
{
    const char *e = memchr(s, '\n', n);
    return e ? (size_t)(e - s) : n;
}

static bool is_fence(const char *s, size_t n, bool closing)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 3 && memcmp(s, "---", 3) == 0) return true;
    return closing && n == 3 && memcmp(s, "...", 3) == 0;
}

bool frontmatter_parse(doc *d, const char *text, size_t len, const char *file,
                       diag_list *dl, size_t *body_off, int *body_lines)
{
    *body_off = 0;
    *body_lines = 0;
    size_t first = line_len(text, len);
    if (!is_fence(text, first, false)) return true;
    size_t y0 = first + 1, pos = y0;
    int lines = 1;
    size_t yend = 0;
    bool closed = false;
    while (pos < len) {
        size_t l = line_len(text + pos, len - pos);
        lines++;
        if (is_fence(text + pos, l, true)) {
            yend = pos;
            pos += l + (pos + l < len ? 1 : 0);
            closed = true;
            break;
        }
        pos += l + 1;
    }
    if (!closed) {
        diag_add(dl, DIAG_ERROR, file, 1, 1,
                 "front matter: the '---' block is never closed; expected a line "
                 "'---' after the YAML");
        return false;
    }
    fm_ctx c = {d, file, dl, 2};
    fm_node *root = NULL;
    if (!build_tree(&c, text + y0, yend - y0, &root)) return false;
    bool ok = true;
    if (root && !is_null(root) && root->type != FM_MAP) {
        diag_add(dl, DIAG_ERROR, file, root->line, root->col,
                 "front matter: expected a mapping of keys to values, found %s",
                 type_name(root));
        ok = false;
    } else if (root && root->type == FM_MAP) {
        read_fields(&c, root);
    }
    node_free(root);
    *body_off = pos;
    *body_lines = lines;
    return ok;
}
