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

/* A DICT operand: its bytes, or (sid) a string id, by name when custom. */
typedef struct operand {
    const char *str;             /* custom string (owned), or NULL */
    uint8_t raw[12];             /* the operand's bytes otherwise (a real may take more: see put) */
    uint8_t *longraw;            /* a long real's bytes (owned), when raw cannot hold them */
    size_t len;
} operand;

typedef struct dict_op {
    unsigned op;                 /* 0..21, or 1200 + second byte */
    operand *args;
    size_t nargs;
} dict_op;

typedef struct dict {
    dict_op *ops;
    size_t nops, cap;
} dict;

typedef struct fdict {
    char *name;                  /* FontName, the font dict's identity across cuts */
    dict ops;                    /* without Private */
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

/* Parses a DICT into d, with its numbers' values where wanted: *vals gets
 * the integer value of each operand (0 for reals), in order, for the
 * caller to read offsets from; strings (ix) name custom SIDs. */
typedef struct parsed_op {
    unsigned op;
    long v[4];
    size_t nv;
} parsed_op;

static bool parse_dict(const uint8_t *p, size_t len, const index_view *strings, dict *d,
                       parsed_op *found, size_t maxfound, size_t *nfound)
{
    operand args[48];
    long vals[48];
    size_t nargs = 0;
    *nfound = 0;
    for (size_t i = 0; i < len;) {
        unsigned b = p[i];
        if (b <= 21) {
            unsigned op = b;
            i++;
            if (b == 12) {
                if (i >= len) return false;
                op = 1200 + p[i++];
            }
            if (*nfound < maxfound) {
                parsed_op *f = &found[(*nfound)++];
                f->op = op;
                f->nv = nargs < 4 ? nargs : 4;
                for (size_t k = 0; k < f->nv; k++) f->v[k] = vals[k];
            }
            if (d) {
                dict_op *o = &MEM_PUSH(d->ops, d->nops, d->cap);
                o->op = op;
                o->nargs = nargs;
                o->args = mem_alloc((nargs ? nargs : 1) * sizeof *o->args);
                for (size_t k = 0; k < nargs; k++) {
                    o->args[k] = args[k];
                    if (is_sid(op, k) && vals[k] >= NSTD) {
                        const uint8_t *s;
                        size_t sl;
                        if (!strings || !index_get(strings, (unsigned)(vals[k] - NSTD), &s, &sl))
                            return false;
                        o->args[k].str = mem_strndup((const char *)s, sl);
                    }
                }
            } else {
                for (size_t k = 0; k < nargs; k++) free(args[k].longraw);
            }
            nargs = 0;
            continue;
        }
        size_t start = i;
        long v = 0;
        size_t used = cffcut_operand(p, len, i, &v);
        if (!used) return false;
        i += used;
        if (nargs == 48) return false;
        operand *a = &args[nargs];
        memset(a, 0, sizeof *a);
        a->len = i - start;
        if (a->len <= sizeof a->raw) {
            memcpy(a->raw, p + start, a->len);
        } else {
            a->longraw = mem_alloc(a->len);
            memcpy(a->longraw, p + start, a->len);
        }
        vals[nargs++] = v;
    }
    return nargs == 0;
}

size_t cffcut_operand(const uint8_t *p, size_t len, size_t i, long *v)
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
        /* A real: nibbles up to the end nibble 0xf, its value not read. */
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

static const parsed_op *find_op(const parsed_op *f, size_t n, unsigned op)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].op == op) return &f[i];
    return NULL;
}

static void op_free(dict_op *o)
{
    for (size_t k = 0; k < o->nargs; k++) {
        free((char *)o->args[k].str);
        free(o->args[k].longraw);
    }
    free(o->args);
}

/* Drops the operators of d listed in ops (n of them). */
static void dict_drop(dict *d, const unsigned *ops, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < d->nops; i++) {
        bool drop = false;
        for (size_t k = 0; k < n; k++) drop |= d->ops[i].op == ops[k];
        if (drop) op_free(&d->ops[i]);
        else d->ops[w++] = d->ops[i];
    }
    d->nops = w;
}

static void dict_free(dict *d)
{
    for (size_t i = 0; i < d->nops; i++) op_free(&d->ops[i]);
    free(d->ops);
    memset(d, 0, sizeof *d);
}

static int fd_by_name(const cffcut *c, const char *name)
{
    for (size_t i = 0; i < c->nfds; i++)
        if (!strcmp(c->fds[i].name, name)) return (int)i;
    return -1;
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
        dict_free(&c->fds[i].ops);
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

bool cffcut_learn(cffcut *c, const uint8_t *p, size_t n, const uint32_t *gids, size_t ng)
{
    if (n < 4 || p[0] != 1 || p[2] < 4 || p[2] > n) return false;
    index_view names, tops, strings, gsubrs, cs, fda;
    if (!read_index(p, n, p[2], &names) || !read_index(p, n, names.end, &tops) ||
        !read_index(p, n, tops.end, &strings) || !read_index(p, n, strings.end, &gsubrs))
        return false;
    /* Flat charstrings call no global subroutine. */
    if (gsubrs.count || names.count < 1 || tops.count < 1) return false;
    const uint8_t *tp, *np;
    size_t tl, nl;
    if (!index_get(&tops, 0, &tp, &tl) || !index_get(&names, 0, &np, &nl)) return false;
    dict top = {0};
    parsed_op f[64];
    size_t nf;
    if (!parse_dict(tp, tl, &strings, &top, f, 64, &nf)) {
        dict_free(&top);
        return false;
    }
    const parsed_op *ros = find_op(f, nf, 1230), *cset = find_op(f, nf, 15),
                    *chars = find_op(f, nf, 17), *fdsel = find_op(f, nf, 1237),
                    *fdarr = find_op(f, nf, 1236);
    bool ok = ros && cset && chars && fdsel && fdarr && cset->nv && chars->nv && fdsel->nv &&
              fdarr->nv && !find_op(f, nf, 16) && !find_op(f, nf, 18);
    ok = ok && read_index(p, n, (size_t)chars->v[0], &cs) && cs.count == ng && ng >= 1 &&
         read_index(p, n, (size_t)fdarr->v[0], &fda) && fda.count >= 1 && fda.count <= 256;
    if (!ok) {
        dict_free(&top);
        return false;
    }
    /* Each glyph's CID (charset) and font dict (FDSelect). */
    uint16_t *cid = mem_calloc(ng, sizeof *cid);
    uint8_t *fd = mem_calloc(ng, 1);
    size_t at = (size_t)cset->v[0];
    if (at < n) {
        unsigned format = p[at++];
        size_t g = 1;
        if (format == 0) {
            for (; g < ng && at + 2 <= n; g++, at += 2) cid[g] = (uint16_t)get16(p + at);
        } else if (format == 1 || format == 2) {
            size_t range = format == 1 ? 3 : 4;
            while (g < ng && at + range <= n) {
                unsigned first = get16(p + at), left = format == 1 ? p[at + 2] : get16(p + at + 2);
                at += range;
                for (unsigned k = 0; k <= left && g < ng; k++) cid[g++] = (uint16_t)(first + k);
            }
        }
        ok = g == ng;
    } else {
        ok = false;
    }
    at = (size_t)fdsel->v[0];
    if (ok && at < n) {
        unsigned format = p[at++];
        if (format == 0) {
            ok = at + ng <= n;
            for (size_t g = 0; ok && g < ng; g++) fd[g] = p[at + g];
        } else if (format == 3 && at + 2 <= n) {
            unsigned nr = get16(p + at);
            at += 2;
            ok = at + 3 * (size_t)nr + 2 <= n && nr;
            for (unsigned r = 0; ok && r < nr; r++) {
                unsigned first = get16(p + at + 3 * r), next = get16(p + at + 3 * (r + 1));
                for (unsigned g = first; g < next && g < ng; g++) fd[g] = p[at + 3 * r + 2];
            }
        } else {
            ok = false;
        }
    } else {
        ok = false;
    }
    /* The font dicts, matched to the ones already known by name. */
    int map[256];
    for (unsigned k = 0; ok && k < fda.count; k++) {
        const uint8_t *fp;
        size_t fl;
        dict fdd = {0};
        parsed_op ff[16];
        size_t nff;
        ok = index_get(&fda, k, &fp, &fl) && parse_dict(fp, fl, &strings, &fdd, ff, 16, &nff);
        const parsed_op *priv = ok ? find_op(ff, nff, 18) : NULL;
        const char *name = NULL;
        for (size_t i = 0; ok && i < fdd.nops; i++)
            if (fdd.ops[i].op == 1238 && fdd.ops[i].nargs == 1) name = fdd.ops[i].args[0].str;
        ok = ok && priv && priv->nv == 2 && name && priv->v[0] >= 0 && priv->v[1] >= 0 &&
             (size_t)priv->v[1] + (size_t)priv->v[0] <= n;
        if (ok) {
            /* A Private DICT of flat charstrings has no Subrs. */
            parsed_op pf[32];
            size_t npf;
            ok = parse_dict(p + priv->v[1], (size_t)priv->v[0], NULL, NULL, pf, 32, &npf) &&
                 !find_op(pf, npf, 19);
        }
        if (ok) {
            int i = fd_by_name(c, name);
            if (i < 0) {
                fdict *x = &MEM_PUSH(c->fds, c->nfds, c->fdcap);
                x->name = mem_strdup(name);
                unsigned drop[] = {18, 1238};
                dict_drop(&fdd, drop, 2);
                x->ops = fdd;
                memset(&fdd, 0, sizeof fdd);
                x->priv_len = (size_t)priv->v[0];
                x->priv = mem_alloc(x->priv_len + 1);
                memcpy(x->priv, p + priv->v[1], x->priv_len);
                i = (int)c->nfds - 1;
            } else {
                ok = c->fds[i].priv_len == (size_t)priv->v[0] &&
                     !memcmp(c->fds[i].priv, p + priv->v[1], (size_t)priv->v[0]);
            }
            map[k] = i;
        }
        dict_free(&fdd);
    }
    for (size_t g = 0; ok && g < ng; g++) ok = fd[g] < fda.count && gids[g] < MAXGLYPHS;
    if (ok && !c->have_top) {
        unsigned drop[] = {15, 17, 1236, 1237};
        dict_drop(&top, drop, 4);
        c->top = top;
        memset(&top, 0, sizeof top);
        c->name = mem_alloc(nl + 1);
        memcpy(c->name, np, nl);
        c->name_len = nl;
        c->have_top = true;
    }
    dict_free(&top);
    if (ok) {
        size_t more = 0;
        for (size_t g = 0; g < ng; g++) {
            const uint8_t *s;
            size_t sl;
            if (!index_get(&cs, (unsigned)g, &s, &sl)) ok = false;
            else if (c->slot[gids[g]] < 0) more += sl;
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
            prog *pr = &MEM_PUSH(c->progs, c->nprogs, c->progcap);
            *pr = (prog){(uint32_t)c->nbytes, (uint32_t)sl, cid[g], (uint16_t)map[fd[g]]};
            c->nbytes += sl;
            c->slot[gids[g]] = (int32_t)(c->nprogs - 1);
        }
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
        for (size_t k = 0; k < o->nargs; k++) {
            const operand *a = &o->args[k];
            if (a->str) put_int(b, (long)sid_of(strs, ns, scap, a->str));
            else buf_addn(b, (const char *)(a->longraw ? a->longraw : a->raw), a->len);
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
    size_t cs_at = top.len;
    put_off32(&top, 0);
    put_op(&top, 15);
    put_off32(&top, 0);
    put_op(&top, 1237);
    put_off32(&top, 0);
    put_op(&top, 17);
    put_off32(&top, 0);
    put_op(&top, 1236);
    buf fdicts = BUF_INIT;
    size_t *fd_end = mem_alloc((nused + 1) * sizeof *fd_end), *priv_at = mem_alloc((nused + 1) * sizeof *priv_at);
    for (size_t i = 0; i < nused; i++) {
        const fdict *x = &c->fds[order[i]];
        put_dict(&fdicts, &x->ops, &strs, &ns, &scap);
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
    size_t top_index_at = head.len;
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
    (void)top_index_at;
    /* Fill the offsets in. */
    buf fix = BUF_INIT;
    put_off32(&fix, (long)charset_at);
    put_off32(&fix, (long)fdsel_at);
    put_off32(&fix, (long)chars_at);
    put_off32(&fix, (long)fda_at);
    char *t = head.s + top_data_at + cs_at;
    memcpy(t, fix.s, 5);
    memcpy(t + 6, fix.s + 5, 5);
    memcpy(t + 13, fix.s + 10, 5);
    memcpy(t + 19, fix.s + 15, 5);
    size_t fd_data_at = fdaindex.len - fdicts.len, pos = privs_at;
    for (size_t i = 0; i < nused; i++) {
        buf o = BUF_INIT;
        put_off32(&o, (long)pos);
        memcpy(fdaindex.s + fd_data_at + priv_at[i], o.s, 5);
        buf_free(&o);
        pos += c->fds[order[i]].priv_len;
    }
    buf_addn(out, head.s, head.len);
    buf_addn(out, cset.s, cset.len);
    buf_addn(out, fdsel.s, fdsel.len);
    buf_addn(out, csindex.s, csindex.len);
    buf_addn(out, fdaindex.s, fdaindex.len);
    for (size_t i = 0; i < nused; i++)
        buf_addn(out, (const char *)c->fds[order[i]].priv, c->fds[order[i]].priv_len);

    buf_free(&fix);
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
