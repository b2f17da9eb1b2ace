/* diag: diagnostics as values.
 *
 * A diag_list is an append-only array of records.  Library code adds to it;
 * only main.c and the batch reporter print it (diag_print).  Formatting
 * follows GCC: "file:line:col: severity: message", with line and column
 * left out when unknown (0).
 */
#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

struct diag_list {
    diag *items;
    size_t n, cap;
};

diag_list *diag_list_new(void)
{
    return mem_calloc(1, sizeof(diag_list));
}

void diag_list_free(diag_list *dl)
{
    if (!dl) return;
    for (size_t i = 0; i < dl->n; i++) {
        free(dl->items[i].file);
        free(dl->items[i].message);
    }
    free(dl->items);
    free(dl);
}

void diag_add(diag_list *dl, diag_severity sev, const char *file, int line,
              int col, const char *fmt, ...)
{
    if (!dl) return;
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    diag d = {sev, mem_strdup(file), line < 0 ? 0 : line, col < 0 ? 0 : col,
              buf_detach(&b)};
    MEM_PUSH(dl->items, dl->n, dl->cap) = d;
}

size_t diag_count(const diag_list *dl)
{
    return dl ? dl->n : 0;
}

const diag *diag_get(const diag_list *dl, size_t i)
{
    return dl && i < dl->n ? &dl->items[i] : NULL;
}

static size_t count_sev(const diag_list *dl, diag_severity sev)
{
    size_t c = 0;
    for (size_t i = 0; dl && i < dl->n; i++)
        if (dl->items[i].severity == sev) c++;
    return c;
}

size_t diag_errors(const diag_list *dl) { return count_sev(dl, DIAG_ERROR); }
size_t diag_warnings(const diag_list *dl) { return count_sev(dl, DIAG_WARNING); }

void diag_move(diag_list *dst, diag_list *src)
{
    if (!dst || !src || dst == src) return;
    for (size_t i = 0; i < src->n; i++)
        MEM_PUSH(dst->items, dst->n, dst->cap) = src->items[i];
    src->n = 0;
}

void diag_promote_warnings(diag_list *dl)
{
    for (size_t i = 0; dl && i < dl->n; i++)
        if (dl->items[i].severity == DIAG_WARNING)
            dl->items[i].severity = DIAG_ERROR;
}

static const char *sev_name(diag_severity s)
{
    switch (s) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    default: return "note";
    }
}

void diag_format(const diag *d, char *out, size_t outsz)
{
    if (!outsz) return;
    buf b = BUF_INIT;
    if (d->file) {
        buf_add(&b, d->file);
        if (d->line > 0) {
            buf_addf(&b, ":%d", d->line);
            if (d->col > 0) buf_addf(&b, ":%d", d->col);
        }
        buf_add(&b, ": ");
    }
    buf_addf(&b, "%s: %s", sev_name(d->severity), d->message ? d->message : "");
    size_t n = b.len < outsz - 1 ? b.len : outsz - 1;
    memcpy(out, b.s, n);
    out[n] = '\0';
    buf_free(&b);
}

void diag_print(const diag_list *dl, FILE *fp, bool quiet)
{
    /* A note belongs to the diagnostic before it: when quiet drops a
     * warning, its notes go with it. */
    bool skipping = false;
    for (size_t i = 0; dl && i < dl->n; i++) {
        const diag *d = &dl->items[i];
        if (d->severity == DIAG_NOTE) {
            if (skipping) continue;
        } else {
            skipping = quiet && d->severity == DIAG_WARNING;
            if (skipping) continue;
        }
        if (quiet && d->severity == DIAG_NOTE && i == 0) continue;
        char line[2048];
        diag_format(d, line, sizeof line);
        fprintf(fp, "%s\n", line);
    }
}
