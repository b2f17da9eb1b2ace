/* cffcut: see cffcut.h.
 *
 * Reading (Adobe TN 5176, the CFF format): INDEX structures (a count, an
 * offset size, count + 1 offsets from 1, the data), DICTs (operands then
 * an operator; 12 escapes a second byte), charset formats 0 to 2,
 * FDSelect formats 0 and 3.  Operands are kept as their bytes, except
 * string ids (renumbered when written) and offsets (dropped, written
 * again in the five-byte form so that a DICT's size does not depend on
 * where things land).
 */
#include "render/cffcut.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define NSTD 391                 /* standard strings: SIDs below are not stored */
#define MAXGLYPHS 65536

/* A DICT operand: its bytes in the dict's copy, its value when an
 * integer (0 for a real), and for a custom string id the string. */
typedef struct operand {
    size_t off, len;
    long v;
    char *str;                   /* owned; NULL but for custom SIDs read with strings */
} operand;

typedef struct dict_op {
    unsigned op;                 /* 0..21, or 1200 + second byte */
    size_t first, nargs;         /* its operands: args[first .. first + nargs) */
} dict_op;

/* A DICT as read: its bytes (copied) and operators; dropping an operator
 * leaves its operands unreferenced in args. */
typedef struct dict {
    uint8_t *bytes;
    operand *args;
    size_t nargs, argcap;
    dict_op *ops;
    size_t nops, opcap;
} dict;

typedef struct fdict {
    char *name;                  /* FontName, the font dict's identity across cuts */
    dict d;                      /* without FontName and Private */
    uint8_t *priv;               /* the Private DICT's bytes */
    size_t priv_len;
} fdict;

typedef struct prog {
    uint32_t off, len;           /* in bytes */
    uint16_t cid;
    uint16_t fd;                 /* index in fds */
} prog;

struct cffcut {
    size_t cap;
    bool have_top;
    uint8_t *name;
    size_t name_len;
    dict top;                    /* without charset, CharStrings, FDSelect, FDArray */
    fdict *fds;
    size_t nfds, fdcap;
    int32_t *slot;               /* [MAXGLYPHS]: index in progs, -1 unknown */
    prog *progs;
    size_t nprogs, progcap;
    uint8_t *bytes;
    size_t nbytes, bytecap;
};

static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

static uint32_t get_off(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) v = v << 8 | p[i];
    return v;
}

/* ---- reading ---- */

typedef struct index_view {
    unsigned count;
    const uint8_t *data;         /* byte before the first object's */
    const uint8_t *offs;
    unsigned offsize;
    size_t end;                  /* position after the INDEX */
    uint32_t last;               /* the last offset: data size + 1 */
} index_view;

static bool read_index(const uint8_t *p, size_t n, size_t at, index_view *ix)
{
    if (at + 2 > n) return false;
    ix->count = get16(p + at);
    if (!ix->count) {
        ix->end = at + 2;
        ix->offs = ix->data = NULL;
        ix->offsize = 0;
        ix->last = 1;
        return true;
    }
    if (at + 3 > n) return false;
    ix->offsize = p[at + 2];
    if (ix->offsize < 1 || ix->offsize > 4) return false;
    size_t offs = at + 3, data = offs + (size_t)(ix->count + 1) * ix->offsize;
    if (data > n) return false;
    ix->offs = p + offs;
    ix->data = p + data - 1;
    uint32_t last = get_off(ix->offs + (size_t)ix->count * ix->offsize, ix->offsize);
    if (last < 1 || data - 1 + last > n) return false;
    ix->end = data - 1 + last;
    ix->last = last;
    return true;
}

/* Object k of an INDEX read by read_index(). */
static bool index_get(const index_view *ix, unsigned k, const uint8_t **obj, size_t *len)
{
    if (k >= ix->count) return false;
    uint32_t a = get_off(ix->offs + (size_t)k * ix->offsize, ix->offsize);
    uint32_t b = get_off(ix->offs + (size_t)(k + 1) * ix->offsize, ix->offsize);
    if (a < 1 || b < a || b > ix->last) return false;
    *obj = ix->data + a;
    *len = b - a;
    return true;
}

/* Whether operand k of operator op is a string id. */
static bool is_sid(unsigned op, size_t k)
{
    switch (op) {
    case 0: case 1: case 2: case 3: case 4:          /* version .. Weight */
    case 1200: case 1221: case 1222: case 1238:      /* Copyright, PostScript, BaseFontName, FontName */
        return k == 0;
    case 1230: return k < 2;                         /* ROS: registry, ordering */
    default: return false;
    }
}

/* The DICT operand at p[i] (len bytes in all): its bytes, 0 when it is cut
 * short or not an operand; *v gets an integer's value (0 for a real, whose
 * value nobody here reads). */
static size_t read_operand(const uint8_t *p, size_t len, size_t i, long *v)
{
    unsigned b = p[i];
    *v = 0;
    if (b == 28) {
        if (i + 3 > len) return 0;
        *v = (int16_t)get16(p + i + 1);
        return 3;
    }
    if (b == 29) {
        if (i + 5 > len) return 0;
        *v = (int32_t)get_off(p + i + 1, 4);
        return 5;
    }
    if (b == 30) {
        /* A real: nibbles up to the end nibble 0xf. */
        for (size_t k = i + 1; k < len; k++)
            if ((p[k] >> 4) == 0xf || (p[k] & 0xf) == 0xf) return k + 1 - i;
        return 0;
    }
    if (b >= 32 && b <= 246) {
        *v = (long)b - 139;
        return 1;
    }
    if (b >= 247 && b <= 254) {
        if (i + 2 > len) return 0;
        long w = (long)(b <= 250 ? b - 247 : b - 251) * 256 + p[i + 1] + 108;
        *v = b <= 250 ? w : -w;
        return 2;
    }
    return 0;
}

static void dict_free(dict *d)
{
    for (size_t i = 0; i < d->nargs; i++) free(d->args[i].str);
    free(d->args);
    free(d->ops);
    free(d->bytes);
    memset(d, 0, sizeof *d);
}

/* Reads the DICT p (len bytes) into d; with strings, custom string ids
 * get their strings (false when one is missing).  On failure d is still
 * to be freed. */
static bool parse_dict(const uint8_t *p, size_t len, const index_view *strings, dict *d)
{
    memset(d, 0, sizeof *d);
    d->bytes = mem_alloc(len + 1);
    memcpy(d->bytes, p, len);
    size_t first = 0;
    for (size_t i = 0; i < len;) {
        unsigned b = p[i];
        if (b > 21) {
            long v;
            size_t used = read_operand(p, len, i, &v);
            if (!used) return false;
            MEM_PUSH(d->args, d->nargs, d->argcap) = (operand){i, used, v, NULL};
            i += used;
            continue;
        }
        unsigned op = b;
        i++;
        if (b == 12) {
            if (i >= len) return false;
            op = 1200 + p[i++];
        }
        for (size_t k = first; strings && k < d->nargs; k++) {
            const uint8_t *s;
            size_t sl;
            if (!is_sid(op, k - first) || d->args[k].v < NSTD) continue;
            if (!index_get(strings, (unsigned)(d->args[k].v - NSTD), &s, &sl)) return false;
            d->args[k].str = mem_strndup((const char *)s, sl);
        }
        MEM_PUSH(d->ops, d->nops, d->opcap) = (dict_op){op, first, d->nargs - first};
        first = d->nargs;
    }
    return first == d->nargs;
}

static const dict_op *find_op(const dict *d, unsigned op)
{
    for (size_t i = 0; i < d->nops; i++)
        if (d->ops[i].op == op) return &d->ops[i];
    return NULL;
}

/* Operand k of o (an integer's value), or -1 when o has fewer. */
static long arg(const dict *d, const dict_op *o, size_t k)
{
    return o && k < o->nargs ? d->args[o->first + k].v : -1;
}

/* Drops the operators of d listed in ops (n of them). */
static void dict_drop(dict *d, const unsigned *ops, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < d->nops; i++) {
        bool drop = false;
        for (size_t k = 0; k < n; k++) drop |= d->ops[i].op == ops[k];
        if (!drop) d->ops[w++] = d->ops[i];
    }
    d->nops = w;
}

/* The CIDs of glyphs 1 .. ng - 1 from the charset at p[at] (formats 0 to
 * 2; glyph 0 is CID 0).  False when it is cut short or predefined. */
static bool read_charset(const uint8_t *p, size_t n, long at, uint16_t *cids, size_t ng)
{
    if (at <= 2 || (size_t)at >= n) return false;
    size_t i = (size_t)at;
    unsigned format = p[i++];
    size_t g = 1;
    cids[0] = 0;
    if (format == 0) {
        for (; g < ng && i + 2 <= n; g++, i += 2) cids[g] = (uint16_t)get16(p + i);
    } else if (format == 1 || format == 2) {
        size_t range = format == 1 ? 3 : 4;
        while (g < ng && i + range <= n) {
            unsigned first = get16(p + i), left = format == 1 ? p[i + 2] : get16(p + i + 2);
            i += range;
            for (unsigned k = 0; k <= left && g < ng; k++) cids[g++] = (uint16_t)(first + k);
        }
    }
    return g >= ng;
}

/* The font dict of each glyph from the FDSelect at p[at] (formats 0, 3). */
static bool read_fdselect(const uint8_t *p, size_t n, long at, uint8_t *fd, size_t ng)
{
    if (at <= 0 || (size_t)at >= n) return false;
    size_t i = (size_t)at;
    unsigned format = p[i++];
    if (format == 0) {
        if (i + ng > n) return false;
        memcpy(fd, p + i, ng);
        return true;
    }
    if (format != 3 || i + 2 > n) return false;
    unsigned nr = get16(p + i);
    i += 2;
    if (!nr || i + 3 * (size_t)nr + 2 > n) return false;
    for (unsigned r = 0; r < nr; r++) {
        unsigned from = get16(p + i + 3 * r), next = get16(p + i + 3 * (r + 1));
        for (unsigned g = from; g < next && g < ng; g++) fd[g] = p[i + 3 * r + 2];
    }
    return true;
}

/* The header, name, Top DICT and strings of the CFF p (n bytes). */
typedef struct cff_head {
    index_view names, strings;
    size_t after;                /* past the String INDEX */
    dict top;
} cff_head;

static bool read_head(const uint8_t *p, size_t n, bool with_strings, cff_head *h)
{
    memset(h, 0, sizeof *h);
    index_view tops;
    const uint8_t *tp;
    size_t tl;
    if (n < 4 || p[0] != 1 || p[2] < 4 || p[2] > n || !read_index(p, n, p[2], &h->names) ||
        !read_index(p, n, h->names.end, &tops) || !read_index(p, n, tops.end, &h->strings) ||
        !index_get(&tops, 0, &tp, &tl))
        return false;
    h->after = h->strings.end;
    return parse_dict(tp, tl, with_strings ? &h->strings : NULL, &h->top);
}

bool cffcut_glyphs(const uint8_t *p, size_t n, unsigned *nglyphs, bool *cid_keyed)
{
    cff_head h;
    index_view cs;
    bool ok = read_head(p, n, false, &h);
    long chars = ok ? arg(&h.top, find_op(&h.top, 17), 0) : -1;
    ok = ok && chars > 0 && read_index(p, n, (size_t)chars, &cs) && cs.count;
    if (ok) {
        *nglyphs = cs.count;
        *cid_keyed = find_op(&h.top, 1230) != NULL;
    }
    dict_free(&h.top);
    return ok;
}

bool cffcut_cids(const uint8_t *p, size_t n, uint16_t *cids, unsigned nglyphs)
{
    cff_head h;
    bool ok = read_head(p, n, false, &h) &&
              read_charset(p, n, arg(&h.top, find_op(&h.top, 15), 0), cids, nglyphs);
    dict_free(&h.top);
    return ok;
}

cffcut *cffcut_new(size_t cap)
{
    cffcut *c = mem_calloc(1, sizeof *c);
    c->cap = cap;
    c->slot = mem_alloc(MAXGLYPHS * sizeof *c->slot);
    for (size_t i = 0; i < MAXGLYPHS; i++) c->slot[i] = -1;
    return c;
}

void cffcut_free(cffcut *c)
{
    if (!c) return;
    free(c->name);
    dict_free(&c->top);
    for (size_t i = 0; i < c->nfds; i++) {
        free(c->fds[i].name);
        dict_free(&c->fds[i].d);
        free(c->fds[i].priv);
    }
    free(c->fds);
    free(c->slot);
    free(c->progs);
    free(c->bytes);
    free(c);
}

bool cffcut_has(const cffcut *c, uint32_t glyph)
{
    return glyph < MAXGLYPHS && c->slot[glyph] >= 0;
}

/* Forgets every glyph (the font dicts and the Top DICT stay). */
static void forget(cffcut *c)
{
    for (size_t i = 0; i < MAXGLYPHS; i++) c->slot[i] = -1;
    c->nprogs = 0;
    c->nbytes = 0;
}

/* Font dict k of the cut (its FDArray fda, strings for its name) as an
 * index in c->fds, added when new; -1 when unusable or when a font dict of
 * that name is known with other Private bytes. */
static int learn_fd(cffcut *c, const uint8_t *p, size_t n, const index_view *fda,
                    const index_view *strings, unsigned k)
{
    const uint8_t *fp;
    size_t fl;
    dict d = {0}, priv_d;
    bool ok = index_get(fda, k, &fp, &fl) && parse_dict(fp, fl, strings, &d);
    const dict_op *priv = ok ? find_op(&d, 18) : NULL, *fname = ok ? find_op(&d, 1238) : NULL;
    long size = arg(&d, priv, 0), at = arg(&d, priv, 1);
    const char *name = fname && fname->nargs == 1 ? d.args[fname->first].str : NULL;
    ok = ok && priv && priv->nargs == 2 && name && size >= 0 && at >= 0 &&
         (size_t)at + (size_t)size <= n;
    /* A Private DICT of flat charstrings has no Subrs. */
    if (ok) {
        ok = parse_dict(p + at, (size_t)size, NULL, &priv_d) && !find_op(&priv_d, 19);
        dict_free(&priv_d);
    }
    int i = -1;
    for (size_t j = 0; ok && j < c->nfds && i < 0; j++)
        if (!strcmp(c->fds[j].name, name)) i = (int)j;
    if (ok && i >= 0) {
        if (c->fds[i].priv_len != (size_t)size || memcmp(c->fds[i].priv, p + at, (size_t)size))
            i = -1;
    } else if (ok) {
        fdict *x = &MEM_PUSH(c->fds, c->nfds, c->fdcap);
        x->name = mem_strdup(name);
        x->priv_len = (size_t)size;
        x->priv = mem_alloc(x->priv_len + 1);
        memcpy(x->priv, p + at, x->priv_len);
        unsigned drop[] = {18, 1238};
        dict_drop(&d, drop, 2);
        x->d = d;
        memset(&d, 0, sizeof d);
        i = (int)c->nfds - 1;
    }
    dict_free(&d);
    return i;
}

bool cffcut_learn(cffcut *c, const uint8_t *p, size_t n, const uint32_t *gids, size_t ng)
{
    cff_head h;
    index_view gsubrs, cs, fda;
    const uint8_t *np;
    size_t nl;
    bool ok = read_head(p, n, true, &h) && read_index(p, n, h.after, &gsubrs) &&
              index_get(&h.names, 0, &np, &nl);
    const dict *t = &h.top;
    long cset = arg(t, find_op(t, 15), 0), chars = arg(t, find_op(t, 17), 0),
         fdsel = arg(t, find_op(t, 1237), 0), fdarr = arg(t, find_op(t, 1236), 0);
    /* CID-keyed, flat charstrings (no global subroutines), one glyph each. */
    ok = ok && !gsubrs.count && find_op(t, 1230) && !find_op(t, 16) && !find_op(t, 18) &&
         cset > 0 && chars > 0 && fdsel > 0 && fdarr > 0 && ng >= 1 &&
         read_index(p, n, (size_t)chars, &cs) && cs.count == ng &&
         read_index(p, n, (size_t)fdarr, &fda) && fda.count >= 1 && fda.count <= 256;
    uint16_t *cid = mem_calloc(ng + 1, sizeof *cid);
    uint8_t *fd = mem_calloc(ng + 1, 1);
    ok = ok && read_charset(p, n, cset, cid, ng) && read_fdselect(p, n, fdsel, fd, ng);
    int map[256];
    for (unsigned k = 0; ok && k < fda.count; k++) ok = (map[k] = learn_fd(c, p, n, &fda, &h.strings, k)) >= 0;
    for (size_t g = 0; ok && g < ng; g++) ok = fd[g] < fda.count && gids[g] < MAXGLYPHS;
    if (ok && !c->have_top) {
        unsigned drop[] = {15, 17, 1236, 1237};
        dict_drop(&h.top, drop, 4);
        c->top = h.top;
        memset(&h.top, 0, sizeof h.top);
        c->name = mem_alloc(nl + 1);
        memcpy(c->name, np, nl);
        c->name_len = nl;
        c->have_top = true;
    }
    dict_free(&h.top);
    size_t more = 0;
    for (size_t g = 0; ok && g < ng; g++) {
        const uint8_t *s;
        size_t sl;
        ok = index_get(&cs, (unsigned)g, &s, &sl);
        if (ok && c->slot[gids[g]] < 0) more += sl;
    }
    if (ok && c->nbytes + more > c->cap) forget(c);
    for (size_t g = 0; ok && g < ng; g++) {
        if (c->slot[gids[g]] >= 0) continue;
        const uint8_t *s;
        size_t sl;
        index_get(&cs, (unsigned)g, &s, &sl);
        if (c->nbytes + sl > c->bytecap) {
            c->bytecap = (c->nbytes + sl) * 2;
            c->bytes = mem_realloc(c->bytes, c->bytecap);
        }
        memcpy(c->bytes + c->nbytes, s, sl);
        MEM_PUSH(c->progs, c->nprogs, c->progcap) =
            (prog){(uint32_t)c->nbytes, (uint32_t)sl, cid[g], (uint16_t)map[fd[g]]};
        c->nbytes += sl;
        c->slot[gids[g]] = (int32_t)(c->nprogs - 1);
    }
    free(cid);
    free(fd);
    return ok;
}

/* ---- writing ---- */

static void put16(buf *b, unsigned v)
{
    buf_addc(b, (char)(v >> 8 & 0xff));
    buf_addc(b, (char)(v & 0xff));
}

static void put_off32(buf *b, long v);

static void put_int(buf *b, long v)
{
    if (v >= -107 && v <= 107) {
        buf_addc(b, (char)(v + 139));
    } else if (v >= 108 && v <= 1131) {
        v -= 108;
        buf_addc(b, (char)((v >> 8) + 247));
        buf_addc(b, (char)(v & 0xff));
    } else if (v >= -1131 && v <= -108) {
        v = -v - 108;
        buf_addc(b, (char)((v >> 8) + 251));
        buf_addc(b, (char)(v & 0xff));
    } else if (v >= -32768 && v <= 32767) {
        buf_addc(b, 28);
        put16(b, (unsigned)(v & 0xffff));
    } else {
        put_off32(b, v);
    }
}

/* An offset, always five bytes, so that a DICT's size does not depend on
 * where what it points at lands. */
static void put_off32(buf *b, long v)
{
    buf_addc(b, 29);
    uint32_t u = (uint32_t)v;
    buf_addc(b, (char)(u >> 24));
    buf_addc(b, (char)(u >> 16 & 0xff));
    buf_addc(b, (char)(u >> 8 & 0xff));
    buf_addc(b, (char)(u & 0xff));
}

/* Rewrites the five-byte offset put_off32() left at p. */
static void patch_off32(char *p, size_t v)
{
    p[1] = (char)(v >> 24 & 0xff);
    p[2] = (char)(v >> 16 & 0xff);
    p[3] = (char)(v >> 8 & 0xff);
    p[4] = (char)(v & 0xff);
}

static void put_op(buf *b, unsigned op)
{
    if (op >= 1200) {
        buf_addc(b, 12);
        buf_addc(b, (char)(op - 1200));
    } else {
        buf_addc(b, (char)op);
    }
}

/* The SID of str among the custom strings (added on first use). */
static unsigned sid_of(const char ***strs, size_t *n, size_t *cap, const char *str)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*strs)[i], str)) return (unsigned)(NSTD + i);
    MEM_PUSH(*strs, *n, *cap) = str;
    return (unsigned)(NSTD + *n - 1);
}

static void put_dict(buf *b, const dict *d, const char ***strs, size_t *ns, size_t *scap)
{
    for (size_t i = 0; i < d->nops; i++) {
        const dict_op *o = &d->ops[i];
        for (size_t k = o->first; k < o->first + o->nargs; k++) {
            const operand *a = &d->args[k];
            if (a->str) put_int(b, (long)sid_of(strs, ns, scap, a->str));
            else buf_addn(b, (const char *)d->bytes + a->off, a->len);
        }
        put_op(b, o->op);
    }
}

static void put_index(buf *b, const buf *objs, const size_t *ends, size_t count)
{
    put16(b, (unsigned)count);
    if (!count) return;
    size_t last = ends[count - 1] + 1;
    unsigned size = last <= 0xff ? 1 : last <= 0xffff ? 2 : last <= 0xffffff ? 3 : 4;
    buf_addc(b, (char)size);
    for (size_t k = 0; k <= count; k++) {
        size_t v = (k ? ends[k - 1] : 0) + 1;
        for (unsigned s = size; s-- > 0;) buf_addc(b, (char)(v >> (8 * s) & 0xff));
    }
    buf_addn(b, objs->s, objs->len);
}

/* Sorts font dict indexes by name (at most 256 of them). */
static void sort_by_name(const cffcut *c, int *order, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int v = order[i];
        size_t j = i;
        for (; j > 0 && strcmp(c->fds[order[j - 1]].name, c->fds[v].name) > 0; j--)
            order[j] = order[j - 1];
        order[j] = v;
    }
}

bool cffcut_write(const cffcut *c, const uint32_t *gids, size_t n, buf *out)
{
    if (!c->have_top || !n || gids[0] != 0) return false;
    for (size_t k = 0; k < n; k++)
        if (gids[k] >= MAXGLYPHS || c->slot[gids[k]] < 0 || (k && gids[k] <= gids[k - 1]))
            return false;
    /* The font dicts used, in the order of their names. */
    int *newfd = mem_alloc((c->nfds + 1) * sizeof *newfd), *order = mem_alloc((c->nfds + 1) * sizeof *order);
    size_t nused = 0;
    for (size_t i = 0; i < c->nfds; i++) newfd[i] = -1;
    for (size_t k = 0; k < n; k++) {
        int f = c->progs[c->slot[gids[k]]].fd;
        if (newfd[f] < 0) {
            newfd[f] = 0;
            order[nused++] = f;
        }
    }
    sort_by_name(c, order, nused);
    for (size_t i = 0; i < nused; i++) newfd[order[i]] = (int)i;

    const char **strs = NULL;
    size_t ns = 0, scap = 0;
    /* Top DICT, then each font dict, with placeholders for the offsets;
     * their sizes are final. */
    buf top = BUF_INIT;
    put_dict(&top, &c->top, &strs, &ns, &scap);
    static const unsigned offset_ops[4] = {15, 1237, 17, 1236}; /* charset, FDSelect, CharStrings, FDArray */
    size_t off_at[4];
    for (int k = 0; k < 4; k++) {
        off_at[k] = top.len;
        put_off32(&top, 0);
        put_op(&top, offset_ops[k]);
    }
    buf fdicts = BUF_INIT;
    size_t *fd_end = mem_alloc((nused + 1) * sizeof *fd_end), *priv_at = mem_alloc((nused + 1) * sizeof *priv_at);
    for (size_t i = 0; i < nused; i++) {
        const fdict *x = &c->fds[order[i]];
        put_dict(&fdicts, &x->d, &strs, &ns, &scap);
        put_int(&fdicts, (long)sid_of(&strs, &ns, &scap, x->name));
        put_op(&fdicts, 1238);
        put_off32(&fdicts, (long)x->priv_len);
        priv_at[i] = fdicts.len;
        put_off32(&fdicts, 0);
        put_op(&fdicts, 18);
        fd_end[i] = fdicts.len;
    }
    /* charset: format 0 or 2, whichever is smaller. */
    buf cset = BUF_INIT;
    size_t runs = 0;
    for (size_t k = 1; k < n; k++) {
        uint16_t cid = c->progs[c->slot[gids[k]]].cid;
        if (k == 1 || cid != c->progs[c->slot[gids[k - 1]]].cid + 1u) runs++;
    }
    if (4 * runs < 2 * (n - 1)) {
        buf_addc(&cset, 2);
        for (size_t k = 1; k < n;) {
            size_t e = k;
            uint16_t first = c->progs[c->slot[gids[k]]].cid;
            while (e + 1 < n && c->progs[c->slot[gids[e + 1]]].cid == c->progs[c->slot[gids[e]]].cid + 1u) e++;
            put16(&cset, first);
            put16(&cset, (unsigned)(e - k));
            k = e + 1;
        }
    } else {
        buf_addc(&cset, 0);
        for (size_t k = 1; k < n; k++) put16(&cset, c->progs[c->slot[gids[k]]].cid);
    }
    /* FDSelect: format 0 or 3, whichever is smaller. */
    buf fdsel = BUF_INIT;
    size_t ranges = 0;
    for (size_t k = 0; k < n; k++)
        if (!k || newfd[c->progs[c->slot[gids[k]]].fd] != newfd[c->progs[c->slot[gids[k - 1]]].fd])
            ranges++;
    if (3 * ranges + 4 < n) {
        buf_addc(&fdsel, 3);
        put16(&fdsel, (unsigned)ranges);
        for (size_t k = 0; k < n; k++) {
            int f = newfd[c->progs[c->slot[gids[k]]].fd];
            if (k && f == newfd[c->progs[c->slot[gids[k - 1]]].fd]) continue;
            put16(&fdsel, (unsigned)k);
            buf_addc(&fdsel, (char)f);
        }
        put16(&fdsel, (unsigned)n);
    } else {
        buf_addc(&fdsel, 0);
        for (size_t k = 0; k < n; k++) buf_addc(&fdsel, (char)newfd[c->progs[c->slot[gids[k]]].fd]);
    }
    /* The charstrings. */
    buf chars = BUF_INIT;
    size_t *cs_end = mem_alloc(n * sizeof *cs_end);
    for (size_t k = 0; k < n; k++) {
        const prog *pr = &c->progs[c->slot[gids[k]]];
        buf_addn(&chars, (const char *)c->bytes + pr->off, pr->len);
        cs_end[k] = chars.len;
    }
    /* Strings, now that every dict has named its own. */
    buf sdata = BUF_INIT;
    size_t *s_end = mem_alloc((ns + 1) * sizeof *s_end);
    for (size_t i = 0; i < ns; i++) {
        buf_add(&sdata, strs[i]);
        s_end[i] = sdata.len;
    }
    buf nm = BUF_INIT;
    buf_addn(&nm, (const char *)c->name, c->name_len);
    size_t nm_end = nm.len, top_end = top.len;

    /* Where everything lands: the INDEXes' sizes are known now. */
    buf head = BUF_INIT;
    buf_addn(&head, "\x01\x00\x04\x04", 4);
    put_index(&head, &nm, &nm_end, 1);
    put_index(&head, &top, &top_end, 1);
    size_t top_data_at = head.len - top.len;
    put_index(&head, &sdata, s_end, ns);
    put16(&head, 0); /* no global subroutines */
    size_t charset_at = head.len, fdsel_at = charset_at + cset.len, chars_at = fdsel_at + fdsel.len;
    buf csindex = BUF_INIT;
    put_index(&csindex, &chars, cs_end, n);
    size_t fda_at = chars_at + csindex.len;
    buf fdaindex = BUF_INIT;
    put_index(&fdaindex, &fdicts, fd_end, nused);
    size_t privs_at = fda_at + fdaindex.len;
    /* Fill the offsets in. */
    const size_t targets[4] = {charset_at, fdsel_at, chars_at, fda_at};
    for (int k = 0; k < 4; k++) patch_off32(head.s + top_data_at + off_at[k], targets[k]);
    size_t fd_data_at = fdaindex.len - fdicts.len, pos = privs_at;
    for (size_t i = 0; i < nused; i++) {
        patch_off32(fdaindex.s + fd_data_at + priv_at[i], pos);
        pos += c->fds[order[i]].priv_len;
    }
    buf_addn(out, head.s, head.len);
    buf_addn(out, cset.s, cset.len);
    buf_addn(out, fdsel.s, fdsel.len);
    buf_addn(out, csindex.s, csindex.len);
    buf_addn(out, fdaindex.s, fdaindex.len);
    for (size_t i = 0; i < nused; i++)
        buf_addn(out, (const char *)c->fds[order[i]].priv, c->fds[order[i]].priv_len);

    buf_free(&head);
    buf_free(&csindex);
    buf_free(&fdaindex);
    buf_free(&nm);
    buf_free(&sdata);
    buf_free(&chars);
    buf_free(&fdsel);
    buf_free(&cset);
    buf_free(&fdicts);
    buf_free(&top);
    free(s_end);
    free(cs_end);
    free(fd_end);
    free(priv_at);
    free(strs);
    free(newfd);
    free(order);
    return true;
}
