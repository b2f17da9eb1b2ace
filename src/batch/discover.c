/* discover: finds the posts of an archive.
 *
 * The walk is iterative (a stack of folders still to read), so the depth of
 * the archive never grows the C stack.  Each folder's entries are read
 * whole and sorted, then files are classified (see discover.h) and folders
 * pushed; the final list is sorted once more by relative path, so the
 * order does not depend on the walk or on readdir().  Only the first
 * PEEK_BYTES of a candidate file are read: enough for any real front
 * matter (the largest in the corpus is under 2 KB) to decide `draft`.
 */
#include "batch/discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"

/* Front matter longer than this is not peeked past; a draft flag beyond it
 * is missed (the post is rendered, not silently dropped). */
#define PEEK_BYTES 65536

typedef struct post_rec {
    char *root, *rel, *path, *out_dir, *name;
} post_rec;

struct discover_list {
    post_rec *items;
    size_t n, cap;
    discover_post *views;   /* built by discover_finish */
    size_t drafts;
};

discover_list *discover_new(void) { return mem_calloc(1, sizeof(discover_list)); }

void discover_free(discover_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        post_rec *p = &l->items[i];
        free(p->root);
        free(p->rel);
        free(p->path);
        free(p->out_dir);
        free(p->name);
    }
    free(l->items);
    free(l->views);
    free(l);
}

size_t discover_count(const discover_list *l) { return l->n; }
size_t discover_drafts(const discover_list *l) { return l->drafts; }

const discover_post *discover_at(const discover_list *l, size_t i)
{
    return l->views && i < l->n ? &l->views[i] : NULL;
}

/* Next line of s[0..len) from *off; returns its length without the line
 * end (LF or CRLF), or -1 at the end. */
static long next_line(const char *s, size_t len, size_t *off, const char **line)
{
    if (*off >= len) return -1;
    const char *p = s + *off;
    const char *nl = memchr(p, '\n', len - *off);
    size_t n = nl ? (size_t)(nl - p) : len - *off;
    *off += n + (nl ? 1 : 0);
    if (!nl) {
        /* An unterminated last line of a truncated peek is not trusted. */
        return -1;
    }
    if (n && p[n - 1] == '\r') n--;
    *line = p;
    return (long)n;
}

static bool is_true_word(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    /* Drop a trailing comment. */
    const char *hash = memchr(s, '#', n);
    if (hash) {
        n = (size_t)(hash - s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    }
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) s++, n -= 2;
    static const char *const words[] = {"true", "yes", "on"};
    for (size_t i = 0; i < 3; i++)
        if (n == strlen(words[i]) && strncasecmp(s, words[i], n) == 0) return true;
    return false;
}

void discover_peek(const char *text, size_t len, bool *has_front_matter, bool *draft)
{
    *has_front_matter = false;
    *draft = false;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    size_t off = 0;
    const char *line;
    long n = next_line(text, len, &off, &line);
    if (n < 3 || memcmp(line, "---", 3) != 0) return;
    for (long i = 3; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t') return;
    *has_front_matter = true;
    while ((n = next_line(text, len, &off, &line)) >= 0) {
        if ((n == 3 && (!memcmp(line, "---", 3) || !memcmp(line, "...", 3)))) return;
        if (n > 6 && !memcmp(line, "draft", 5)) {
            size_t k = 5;
            while (k < (size_t)n && (line[k] == ' ' || line[k] == '\t')) k++;
            if (k < (size_t)n && line[k] == ':' && is_true_word(line + k + 1, (size_t)n - k - 1))
                *draft = true;
        }
    }
}

/* Reads the first PEEK_BYTES of path; false when it cannot be read. */
static bool peek_file(const char *path, bool *fm, bool *draft)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char *b = mem_alloc(PEEK_BYTES);
    size_t got = 0;
    while (got < PEEK_BYTES) {
        ssize_t r = read(fd, b + got, PEEK_BYTES - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    discover_peek(b, got, fm, draft);
    free(b);
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* The root folder's own name, for an index.md at the root. */
static char *root_name(const char *root)
{
    char *abs = realpath(root, NULL);
    char *copy = mem_strdup(abs ? abs : root);
    char *base = mem_strdup(basename(copy));
    free(copy);
    free(abs);
    return base;
}

static void add_post(discover_list *l, const char *root, const char *reldir, const char *file)
{
    post_rec *p = &MEM_PUSH(l->items, l->n, l->cap);
    p->root = mem_strdup(root);
    p->rel = file_join(reldir, file);
    p->path = file_join(root, p->rel);
    p->out_dir = mem_strdup(reldir);
    if (!strcmp(file, "index.md") || !strcmp(file, "README.md")) {
        if (*reldir) {
            const char *slash = strrchr(reldir, '/');
            p->name = mem_strdup(slash ? slash + 1 : reldir);
        } else {
            p->name = root_name(root);
        }
    } else {
        p->name = mem_strndup(file, strlen(file) - 3);
    }
}

bool discover_add_root(discover_list *l, const char *root, diag_list *dl)
{
    struct stat st;
    if (stat(root, &st) != 0) {
        diag_add(dl, DIAG_ERROR, root, 0, 0, "cannot read folder of posts: %s", strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        diag_add(dl, DIAG_ERROR, root, 0, 0, "expected a folder of posts, found a file");
        return false;
    }
    char **stack = NULL;   /* relative folders still to read */
    size_t nstack = 0, capstack = 0;
    MEM_PUSH(stack, nstack, capstack) = mem_strdup("");
    bool first = true;
    while (nstack) {
        char *reldir = stack[--nstack];
        char *dirpath = file_join(root, reldir);
        DIR *dir = opendir(dirpath);
        if (!dir) {
            if (first) {
                diag_add(dl, DIAG_ERROR, root, 0, 0, "cannot read folder: %s", strerror(errno));
                free(dirpath);
                free(reldir);
                while (nstack) free(stack[--nstack]);
                free(stack);
                return false;
            }
            diag_add(dl, DIAG_WARNING, dirpath, 0, 0, "cannot read folder: %s; its posts are left out",
                     strerror(errno));
            free(dirpath);
            free(reldir);
            continue;
        }
        first = false;
        char **names = NULL;
        size_t nnames = 0, capnames = 0;
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (de->d_name[0] == '.' || !strcmp(de->d_name, "node_modules")) continue;
            MEM_PUSH(names, nnames, capnames) = mem_strdup(de->d_name);
        }
        closedir(dir);
        if (nnames) qsort(names, nnames, sizeof *names, cmp_str);

        bool has_index = false;
        for (size_t i = 0; i < nnames; i++)
            if (!strcmp(names[i], "index.md")) has_index = true;
        /* Folders are pushed in reverse so that they pop in order; the
         * final sort makes the order exact anyway. */
        for (size_t k = nnames; k-- > 0;) {
            char *full = file_join(dirpath, names[k]);
            struct stat es;
            if (lstat(full, &es) == 0 && S_ISDIR(es.st_mode))
                MEM_PUSH(stack, nstack, capstack) = file_join(reldir, names[k]);
            free(full);
        }
        for (size_t i = 0; i < nnames; i++) {
            const char *nm = names[i];
            if (!ends_with(nm, ".md") || strlen(nm) == 3) continue;
            char *full = file_join(dirpath, nm);
            struct stat fs;
            if (stat(full, &fs) != 0 || !S_ISREG(fs.st_mode)) {
                free(full);
                continue;
            }
            bool fm = false, draft = false;
            bool readable = peek_file(full, &fm, &draft);
            bool is_index = !strcmp(nm, "index.md");
            bool is_readme = !strcmp(nm, "README.md");
            bool post = is_index || fm || (is_readme && !has_index && *reldir);
            /* An unreadable index.md is still a post: its failure is reported. */
            if (!readable && !is_index) post = false;
            if (post && draft) l->drafts++;
            else if (post) add_post(l, root, reldir, nm);
            free(full);
        }
        for (size_t i = 0; i < nnames; i++) free(names[i]);
        free(names);
        free(dirpath);
        free(reldir);
    }
    free(stack);
    return true;
}

static int cmp_post(const void *a, const void *b)
{
    const post_rec *x = a, *y = b;
    int c = strcmp(x->rel, y->rel);
    return c ? c : strcmp(x->root, y->root);
}

/* "dir/name", the key two posts must not share. */
static char *stem_of(const post_rec *p) { return file_join(p->out_dir, p->name); }

static int cmp_stem(const void *a, const void *b)
{
    return strcmp(((char *const *)a)[0], ((char *const *)b)[0]);
}

bool discover_finish(discover_list *l, diag_list *dl)
{
    if (l->n) qsort(l->items, l->n, sizeof *l->items, cmp_post);
    free(l->views);
    l->views = mem_calloc(l->n ? l->n : 1, sizeof *l->views);
    for (size_t i = 0; i < l->n; i++) {
        post_rec *p = &l->items[i];
        l->views[i] = (discover_post){p->root, p->rel, p->path, p->out_dir, p->name};
    }
    /* Pairs (stem, path) sorted by stem: equal neighbours collide. */
    char **pairs = mem_calloc(l->n * 2 + 2, sizeof *pairs);
    for (size_t i = 0; i < l->n; i++) {
        pairs[2 * i] = stem_of(&l->items[i]);
        pairs[2 * i + 1] = l->items[i].path;
    }
    if (l->n) qsort(pairs, l->n, 2 * sizeof *pairs, cmp_stem);
    bool ok = true;
    for (size_t i = 1; i < l->n; i++)
        if (!strcmp(pairs[2 * i], pairs[2 * i - 2])) {
            diag_add(dl, DIAG_ERROR, pairs[2 * i + 1], 0, 0,
                     "would write the same output '%s' as %s; batch them separately", pairs[2 * i],
                     pairs[2 * i - 1]);
            ok = false;
        }
    for (size_t i = 0; i < l->n; i++) free(pairs[2 * i]);
    free(pairs);
    return ok;
}
