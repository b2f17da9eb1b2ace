/* manifest: JSON Lines records of a batch, read, looked up and rewritten.
 *
 * The writer is buf_add_json plus fixed field order.  The reader is a
 * small cursor parser for exactly what the writer produces, tolerant of
 * whitespace, key order and unknown keys (so a later folio can add
 * fields): strings with every JSON escape, integers, arrays of strings,
 * arrays of input objects, null.  Nesting deeper than the record's own
 * (unknown values) is skipped with a fixed depth limit, never recursion
 * the input controls.  Records are kept in insertion order with an
 * open-addressing index by source for O(1) look-ups.
 */
#include "batch/manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/hash.h"
#include "base/mem.h"

/* Manifest lines longer than this are malformed: a post with a thousand
 * images makes a line of about 150 KB. */
#define MANIFEST_MAX_BYTES (512u * 1024u * 1024u)
/* Unknown values nested deeper than this are refused. */
#define SKIP_MAX_DEPTH 32

struct manifest {
    manifest_record *recs;
    size_t n, cap;
    size_t *slots;      /* index + 1, 0 = empty; size nslots (a power of 2) */
    size_t nslots;
};

void manifest_record_clear(manifest_record *r)
{
    free(r->source);
    for (size_t i = 0; i < r->noutputs; i++) free(r->outputs[i]);
    free(r->outputs);
    free(r->status);
    free(r->error);
    free(r->title);
    free(r->date);
    free(r->author);
    free(r->summary);
    free(r->lang);
    for (size_t i = 0; i < r->ninputs; i++) free(r->inputs[i].path);
    free(r->inputs);
    memset(r, 0, sizeof *r);
}

void manifest_record_copy(manifest_record *dst, const manifest_record *src)
{
    *dst = *src;
    dst->source = mem_strdup(src->source);
    dst->status = mem_strdup(src->status);
    dst->error = mem_strdup(src->error);
    dst->title = mem_strdup(src->title);
    dst->date = mem_strdup(src->date);
    dst->author = mem_strdup(src->author);
    dst->summary = mem_strdup(src->summary);
    dst->lang = mem_strdup(src->lang);
    dst->outputs = mem_calloc(src->noutputs + 1, sizeof *dst->outputs);
    for (size_t i = 0; i < src->noutputs; i++) dst->outputs[i] = mem_strdup(src->outputs[i]);
    dst->inputs = mem_calloc(src->ninputs + 1, sizeof *dst->inputs);
    for (size_t i = 0; i < src->ninputs; i++) {
        dst->inputs[i] = src->inputs[i];
        dst->inputs[i].path = mem_strdup(src->inputs[i].path);
    }
}

void manifest_record_json(const manifest_record *r, buf *out)
{
    char hex[17];
    buf_add(out, "{\"source\":");
    buf_add_json(out, r->source);
    buf_add(out, ",\"outputs\":[");
    for (size_t i = 0; i < r->noutputs; i++) {
        if (i) buf_addc(out, ',');
        buf_add_json(out, r->outputs[i]);
    }
    buf_add(out, "],\"status\":");
    buf_add_json(out, r->status ? r->status : "failed");
    hash_hex(r->input_hash, hex);
    buf_addf(out, ",\"pages\":%d,\"warnings\":%d,\"duration_ms\":%" PRId64 ",\"input_hash\":\"%s\"",
             r->pages, r->warnings, r->duration_ms, hex);
    /* String fields, null when absent; the catalogue's facts after error. */
    const char *const strings[][2] = {{"error", r->error},   {"title", r->title},
                                      {"date", r->date},     {"author", r->author},
                                      {"summary", r->summary}, {"lang", r->lang}};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        buf_addf(out, ",\"%s\":", strings[i][0]);
        buf_add_json(out, strings[i][1]);
    }
    buf_add(out, ",\"inputs\":[");
    for (size_t i = 0; i < r->ninputs; i++) {
        const manifest_input *in = &r->inputs[i];
        if (i) buf_addc(out, ',');
        buf_add(out, "{\"path\":");
        buf_add_json(out, in->path);
        hash_hex(in->hash, hex);
        buf_addf(out, ",\"size\":%" PRId64 ",\"mtime_ns\":%" PRId64 ",\"hash\":\"%s\"}", in->size,
                 in->mtime_ns, hex);
    }
    buf_add(out, "]}");
}

/* --- reading -------------------------------------------------------- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static void ws(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

static bool eat(cursor *c, char ch)
{
    ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static void put_utf8(buf *b, unsigned cp)
{
    char s[4];
    if (cp < 0x80) {
        buf_addc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        s[0] = (char)(0xC0 | cp >> 6);
        s[1] = (char)(0x80 | (cp & 0x3F));
        buf_addn(b, s, 2);
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | cp >> 12);
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        buf_addn(b, s, 3);
    } else {
        s[0] = (char)(0xF0 | cp >> 18);
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        buf_addn(b, s, 4);
    }
}

/* A JSON string → new string (NULL on malformed input). */
static char *string(cursor *c)
{
    if (!eat(c, '"')) return NULL;
    buf b = BUF_INIT;
    buf_add(&b, "");
    while (c->p < c->end && *c->p != '"') {
        char ch = *c->p++;
        if ((unsigned char)ch < 0x20) goto bad;
        if (ch != '\\') {
            buf_addc(&b, ch);
            continue;
        }
        if (c->p >= c->end) goto bad;
        ch = *c->p++;
        switch (ch) {
        case '"': case '\\': case '/': buf_addc(&b, ch); break;
        case 'b': buf_addc(&b, '\b'); break;
        case 'f': buf_addc(&b, '\f'); break;
        case 'n': buf_addc(&b, '\n'); break;
        case 'r': buf_addc(&b, '\r'); break;
        case 't': buf_addc(&b, '\t'); break;
        case 'u': {
            if (c->end - c->p < 4) goto bad;
            int cp = hex4(c->p);
            if (cp < 0) goto bad;
            c->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && c->end - c->p >= 6 && c->p[0] == '\\' &&
                c->p[1] == 'u') {
                int lo = hex4(c->p + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    c->p += 6;
                }
            }
            if (cp == 0) goto bad;
            put_utf8(&b, (unsigned)cp);
            break;
        }
        default: goto bad;
        }
    }
    if (!eat(c, '"')) goto bad;
    return buf_detach(&b);
bad:
    buf_free(&b);
    return NULL;
}

static bool literal(cursor *c, const char *word)
{
    ws(c);
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) >= n && !memcmp(c->p, word, n)) {
        c->p += n;
        return true;
    }
    return false;
}

static bool integer(cursor *c, int64_t *out)
{
    ws(c);
    char tmp[32];
    size_t n = 0;
    while (c->p + n < c->end && n < sizeof tmp - 1 &&
           (c->p[n] == '-' || (c->p[n] >= '0' && c->p[n] <= '9')))
        n++;
    if (!n) return false;
    memcpy(tmp, c->p, n);
    tmp[n] = 0;
    char *e;
    errno = 0;
    long long v = strtoll(tmp, &e, 10);
    if (*e || errno) return false;
    c->p += n;
    *out = v;
    return true;
}

/* Skips any JSON value; nesting is tracked with a counter and a small
 * stack of expected closers, never recursion. */
static bool skip_value(cursor *c)
{
    char closers[SKIP_MAX_DEPTH];
    int depth = 0;
    do {
        ws(c);
        if (c->p >= c->end) return false;
        char ch = *c->p;
        if (ch == '{' || ch == '[') {
            if (depth == SKIP_MAX_DEPTH) return false;
            closers[depth++] = ch == '{' ? '}' : ']';
            c->p++;
            if (eat(c, closers[depth - 1])) depth--;
            else if (ch == '{') {
                char *k = string(c);
                if (!k) return false;
                free(k);
                if (!eat(c, ':')) return false;
                continue;
            } else continue;
        } else if (ch == '"') {
            char *s = string(c);
            if (!s) return false;
            free(s);
        } else if (literal(c, "true") || literal(c, "false") || literal(c, "null")) {
        } else {
            /* a number: digits, sign, fraction, exponent */
            const char *start = c->p;
            while (c->p < c->end && strchr("+-0123456789.eE", *c->p)) c->p++;
            if (c->p == start) return false;
        }
        /* after a value: a comma continues the container, a closer ends it */
        while (depth) {
            if (eat(c, closers[depth - 1])) {
                depth--;
                continue;
            }
            if (!eat(c, ',')) return false;
            if (closers[depth - 1] == '}') {
                char *k = string(c);
                if (!k) return false;
                free(k);
                if (!eat(c, ':')) return false;
            }
            break;
        }
    } while (depth);
    return true;
}

static bool string_or_null(cursor *c, char **out)
{
    if (literal(c, "null")) return true;
    free(*out);
    *out = string(c);
    return *out != NULL;
}

static bool hex_string(cursor *c, uint64_t *out)
{
    char *s = string(c);
    bool ok = s && hash_parse_hex(s, out);
    free(s);
    return ok;
}

static bool int_field(cursor *c, int *out)
{
    int64_t v;
    if (!integer(c, &v) || v < 0 || v > 1000000000) return false;
    *out = (int)v;
    return true;
}

static bool input_object(cursor *c, manifest_input *in)
{
    memset(in, 0, sizeof *in);
    if (!eat(c, '{')) return false;
    if (eat(c, '}')) return false;
    do {
        char *key = string(c);
        bool ok = key && eat(c, ':');
        if (ok) {
            if (!strcmp(key, "path")) ok = string_or_null(c, &in->path) && in->path;
            else if (!strcmp(key, "size")) ok = integer(c, &in->size);
            else if (!strcmp(key, "mtime_ns")) ok = integer(c, &in->mtime_ns);
            else if (!strcmp(key, "hash")) ok = hex_string(c, &in->hash);
            else ok = skip_value(c);
        }
        free(key);
        if (!ok) return false;
    } while (eat(c, ','));
    return eat(c, '}') && in->path;
}

bool manifest_record_parse(const char *line, size_t len, manifest_record *r)
{
    manifest_record_clear(r);
    cursor c = {line, line + len};
    size_t capo = 0, capi = 0;
    if (!eat(&c, '{')) goto bad;
    if (eat(&c, '}')) goto bad;
    do {
        char *key = string(&c);
        bool ok = key && eat(&c, ':');
        if (!ok) {
            free(key);
            goto bad;
        }
        if (!strcmp(key, "source")) ok = string_or_null(&c, &r->source);
        else if (!strcmp(key, "status")) ok = string_or_null(&c, &r->status);
        else if (!strcmp(key, "error")) ok = string_or_null(&c, &r->error);
        else if (!strcmp(key, "title")) ok = string_or_null(&c, &r->title);
        else if (!strcmp(key, "date")) ok = string_or_null(&c, &r->date);
        else if (!strcmp(key, "author")) ok = string_or_null(&c, &r->author);
        else if (!strcmp(key, "summary")) ok = string_or_null(&c, &r->summary);
        else if (!strcmp(key, "lang")) ok = string_or_null(&c, &r->lang);
        else if (!strcmp(key, "pages")) ok = int_field(&c, &r->pages);
        else if (!strcmp(key, "warnings")) ok = int_field(&c, &r->warnings);
        else if (!strcmp(key, "duration_ms")) ok = integer(&c, &r->duration_ms);
        else if (!strcmp(key, "input_hash")) ok = hex_string(&c, &r->input_hash);
        else if (!strcmp(key, "outputs")) {
            ok = eat(&c, '[');
            if (ok && !eat(&c, ']')) {
                do {
                    char *s = string(&c);
                    if (!s) {
                        ok = false;
                        break;
                    }
                    MEM_PUSH(r->outputs, r->noutputs, capo) = s;
                } while (eat(&c, ','));
                ok = ok && eat(&c, ']');
            }
        } else if (!strcmp(key, "inputs")) {
            ok = eat(&c, '[');
            if (ok && !eat(&c, ']')) {
                do {
                    manifest_input in;
                    if (!input_object(&c, &in)) {
                        free(in.path);
                        ok = false;
                        break;
                    }
                    MEM_PUSH(r->inputs, r->ninputs, capi) = in;
                } while (eat(&c, ','));
                ok = ok && eat(&c, ']');
            }
        } else {
            ok = skip_value(&c);
        }
        free(key);
        if (!ok) goto bad;
    } while (eat(&c, ','));
    if (!eat(&c, '}')) goto bad;
    ws(&c);
    if (c.p != c.end || !r->source) goto bad;
    if (!r->status) r->status = mem_strdup("failed");
    return true;
bad:
    manifest_record_clear(r);
    return false;
}

/* --- the collection ----------------------------------------------- */

manifest *manifest_new(void) { return mem_calloc(1, sizeof(manifest)); }

void manifest_free(manifest *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) manifest_record_clear(&m->recs[i]);
    free(m->recs);
    free(m->slots);
    free(m);
}

size_t manifest_count(const manifest *m) { return m->n; }
const manifest_record *manifest_at(const manifest *m, size_t i) { return &m->recs[i]; }

static size_t slot_of(const manifest *m, const char *source)
{
    size_t mask = m->nslots - 1;
    size_t s = (size_t)hash_bytes(source, strlen(source), 0) & mask;
    while (m->slots[s] && strcmp(m->recs[m->slots[s] - 1].source, source)) s = (s + 1) & mask;
    return s;
}

static void reindex(manifest *m)
{
    /* Load factor at most 1/2. */
    size_t want = 16;
    while (want < 2 * (m->n + 1)) want *= 2;
    free(m->slots);
    m->nslots = want;
    m->slots = mem_calloc(want, sizeof *m->slots);
    for (size_t i = 0; i < m->n; i++) m->slots[slot_of(m, m->recs[i].source)] = i + 1;
}

const manifest_record *manifest_find(const manifest *m, const char *source)
{
    if (!m->nslots) return NULL;
    size_t s = slot_of(m, source);
    return m->slots[s] ? &m->recs[m->slots[s] - 1] : NULL;
}

void manifest_put(manifest *m, const manifest_record *r)
{
    if (!m->nslots || 2 * (m->n + 1) > m->nslots) reindex(m);
    size_t s = slot_of(m, r->source);
    if (m->slots[s]) {
        manifest_record *old = &m->recs[m->slots[s] - 1];
        manifest_record copy;
        manifest_record_copy(&copy, r);   /* r may point into old */
        manifest_record_clear(old);
        *old = copy;
        return;
    }
    manifest_record_copy(&MEM_PUSH(m->recs, m->n, m->cap), r);
    m->slots[s] = m->n;
}

bool manifest_read(manifest *m, const char *path, diag_list *dl)
{
    size_t len;
    char *text = file_read_all(path, MANIFEST_MAX_BYTES, &len);
    if (!text) {
        if (errno == ENOENT) return true;
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot read manifest: %s", strerror(errno));
        return false;
    }
    const char *p = text, *end = text + len;
    int lineno = 0;
    manifest_record r = {0};
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        lineno++;
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
        if (q < e) {
            if (manifest_record_parse(p, (size_t)(e - p), &r)) manifest_put(m, &r);
            else
                diag_add(dl, DIAG_WARNING, path, lineno, 1,
                         "malformed manifest record; its post will be rendered again");
        }
        p = nl ? nl + 1 : end;
    }
    manifest_record_clear(&r);
    free(text);
    return true;
}

static int cmp_rec(const void *a, const void *b)
{
    const manifest_record *x = *(const manifest_record *const *)a;
    const manifest_record *y = *(const manifest_record *const *)b;
    return strcmp(x->source, y->source);
}

bool manifest_write(const manifest *m, const char *path, diag_list *dl)
{
    const manifest_record **order = mem_calloc(m->n + 1, sizeof *order);
    for (size_t i = 0; i < m->n; i++) order[i] = &m->recs[i];
    if (m->n) qsort(order, m->n, sizeof *order, cmp_rec);
    buf out = BUF_INIT;
    for (size_t i = 0; i < m->n; i++) {
        manifest_record_json(order[i], &out);
        buf_addc(&out, '\n');
    }
    free(order);
    file_out *fo = file_out_open(path);
    bool ok = fo != NULL;
    if (ok) {
        if (out.len) fwrite(out.s, 1, out.len, file_out_stream(fo));
        ok = file_out_commit(fo);
    }
    if (!ok) diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write manifest: %s", strerror(errno));
    buf_free(&out);
    return ok;
}
