/* file: confined reading and atomic writing.
 *
 * Resolution.  A reference written in a post is one of: a URL (any
 * "scheme:" other than file:, or "//host/..."), a site-absolute path
 * ("/img/news/x.png", which means the web site's root, not ours), a file://
 * URL, or a relative path.  URLs and site paths are FILE_REMOTE and never
 * touched.  Relative paths are percent-decoded, joined to the base folder,
 * and canonicalised with realpath(), which also follows symlinks; the result
 * must lie inside the canonical base folder or one of the extra roots,
 * compared component-wise ("/a/bc" is not inside "/a/b").  A reference that
 * does not exist is FILE_MISSING when it would lie inside, FILE_OUTSIDE
 * when its ".." components already lead out.
 *
 * Writing.  file_out_open creates "<dest>.tmp.XXXXXX" beside dest with
 * mkstemp, so the final rename() is atomic on the same file system; commit
 * flushes, fsyncs, closes and renames, and any failure (ENOSPC shows up at
 * fflush, fsync or fclose) removes the temporary, so a reader sees either
 * the old file or the complete new one.
 */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"

const char *file_status_name(file_status st)
{
    switch (st) {
    case FILE_OK: return "ok";
    case FILE_REMOTE: return "remote";
    case FILE_OUTSIDE: return "outside the allowed folders";
    case FILE_MISSING: return "not found";
    case FILE_NOT_REGULAR: return "not a regular file";
    case FILE_UNREADABLE: return "unreadable";
    }
    return "unknown";
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string; NULL when it decodes to a NUL
 * byte (never a valid file name). */
static char *percent_decode(const char *s, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            if (c == '\0') {
                buf_free(&b);
                return NULL;
            }
            buf_addc(&b, c);
            i += 2;
        } else {
            buf_addc(&b, s[i]);
        }
    }
    return buf_detach(&b);
}

/* True when path equals root or lies below it (both canonical). */
static bool inside(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/') return true;
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool in_roots(const char *path, const char *base,
                     const char *const *extra_roots)
{
    if (inside(path, base)) return true;
    for (size_t i = 0; extra_roots && extra_roots[i]; i++) {
        char *r = realpath(extra_roots[i], NULL);
        bool in = r && inside(path, r);
        free(r);
        if (in) return true;
    }
    return false;
}

/* Lexically normalises rel (no leading '/'); returns false when ".."
 * climbs above its start. */
static bool lexically_inside(const char *rel)
{
    int depth = 0;
    const char *p = rel;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0) return false;
        } else if (n && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        p += n;
        if (*p == '/') p++;
    }
    return true;
}

static bool has_scheme(const char *s, size_t *schemelen)
{
    size_t i = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    while (s[i] && s[i] != ':') {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-'))
            return false;
        i++;
    }
    /* One letter before ':' would be a Windows drive; treat as a scheme
     * anyway (never a local path on POSIX), i.e. remote. */
    if (s[i] != ':') return false;
    *schemelen = i;
    return true;
}

file_status file_resolve(const char *base_dir, const char *ref,
                         const char *const *extra_roots, char **out)
{
    *out = NULL;
    if (!ref) return FILE_MISSING;
    while (*ref == ' ' || *ref == '\t') ref++;
    size_t n = strlen(ref);
    while (n && (ref[n - 1] == ' ' || ref[n - 1] == '\t')) n--;
    if (!n) return FILE_MISSING;

    size_t sl;
    bool is_file_url = false;
    if (n >= 2 && ref[0] == '/' && ref[1] == '/') return FILE_REMOTE;
    if (has_scheme(ref, &sl)) {
        if (sl == 4 && strncasecmp(ref, "file", 4) == 0) {
            ref += 5;
            n -= 5;
            /* file:///abs or file://localhost/abs; another host is remote. */
            if (n >= 2 && ref[0] == '/' && ref[1] == '/') {
                ref += 2;
                n -= 2;
                if (n >= 9 && strncmp(ref, "localhost", 9) == 0) {
                    ref += 9;
                    n -= 9;
                }
                if (!n || ref[0] != '/') return FILE_REMOTE;
            }
            is_file_url = true;
        } else {
            return FILE_REMOTE;
        }
    } else if (ref[0] == '/') {
        return FILE_REMOTE;   /* site-root path such as /img/news/x.png */
    }

    /* Query and fragment are not part of a file name in a URL reference. */
    size_t cut = 0;
    while (cut < n && ref[cut] != '?' && ref[cut] != '#') cut++;
    char *dec = percent_decode(ref, cut);
    if (!dec || !*dec) {
        free(dec);
        return FILE_MISSING;
    }

    char *base = realpath(base_dir ? base_dir : ".", NULL);
    if (!base) {
        bool escapes = is_file_url || dec[0] == '/' || !lexically_inside(dec);
        free(dec);
        return escapes ? FILE_OUTSIDE : FILE_MISSING;
    }
    buf joined = BUF_INIT;
    if (is_file_url || dec[0] == '/') {
        buf_add(&joined, dec);
    } else {
        buf_add(&joined, base);
        buf_addc(&joined, '/');
        buf_add(&joined, dec);
    }

    file_status st;
    char *real = realpath(joined.s, NULL);
    int real_errno = errno;
    if (!real) {
        /* Missing: decide by where its folder is.  An existing parent is
         * checked like the file itself; otherwise ".." components decide. */
        char *dir = file_dirname(joined.s);
        char *rdir = realpath(dir, NULL);
        if (rdir)
            st = in_roots(rdir, base, extra_roots) ? FILE_MISSING : FILE_OUTSIDE;
        else if (is_file_url || dec[0] == '/' || !lexically_inside(dec))
            st = FILE_OUTSIDE;
        else
            st = FILE_MISSING;
        if (st == FILE_MISSING && real_errno == EACCES) st = FILE_UNREADABLE;
        free(rdir);
        free(dir);
    } else if (!in_roots(real, base, extra_roots)) {
        st = FILE_OUTSIDE;
    } else {
        struct stat sb;
        if (stat(real, &sb) != 0) st = FILE_MISSING;
        else if (!S_ISREG(sb.st_mode)) st = FILE_NOT_REGULAR;
        else if (access(real, R_OK) != 0) st = FILE_UNREADABLE;
        else st = FILE_OK;
    }
    if (st == FILE_OK) *out = real;
    else free(real);
    free(base);
    free(dec);
    buf_free(&joined);
    return st;
}

char *file_read_all(const char *path, size_t max, size_t *len)
{
    if (len) *len = 0;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer forever; it is refused below like any other special file.  On
     * a regular file the flag changes nothing. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        errno = EISDIR;
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    if ((unsigned long long)sb.st_size > max) {
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    /* Read to EOF rather than trusting st_size: the file may change. */
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *data = mem_alloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max + 1) {
                free(data);
                close(fd);
                errno = EFBIG;
                return NULL;
            }
            cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
            data = mem_realloc(data, cap);
        }
        ssize_t r = read(fd, data + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(data);
            close(fd);
            errno = e;
            return NULL;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > max) {
            free(data);
            close(fd);
            errno = EFBIG;
            return NULL;
        }
    }
    close(fd);
    data[n] = '\0';
    if (len) *len = n;
    return data;
}

char *file_dirname(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash) return mem_strdup(".");
    if (slash == path) return mem_strdup("/");
    return mem_strndup(path, (size_t)(slash - path));
}

char *file_join(const char *dir, const char *name)
{
    buf j = BUF_INIT;
    if (dir && *dir) {
        buf_add(&j, dir);
        if (j.s[j.len - 1] != '/') buf_addc(&j, '/');
    }
    buf_add(&j, name);
    return buf_detach(&j);
}

bool file_mkdirs(const char *path)
{
    char *p = mem_strdup(path);
    bool ok = true;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s) continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) ok = false;
        *s = c;
        if (!c || !ok) break;
    }
    struct stat st;
    ok = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

char *file_realpath(const char *path)
{
    if (!path) return NULL;
    char *r = realpath(path, NULL);
    if (!r) return NULL;
    char *copy = mem_strdup(r);   /* realpath's memory is malloc'd anyway */
    free(r);
    return copy;
}

struct file_out {
    char *dest;
    char *temp;
    FILE *fp;
};

file_out *file_out_open(const char *dest)
{
    if (!dest || !*dest) {
        errno = EINVAL;
        return NULL;
    }
    buf t = BUF_INIT;
    buf_addf(&t, "%s.tmp.XXXXXX", dest);
    int fd = mkstemp(t.s);
    if (fd < 0) {
        int e = errno;
        buf_free(&t);
        errno = e;
        return NULL;
    }
    /* mkstemp makes 0600; outputs are ordinary files: 0666 less umask. */
    mode_t um = umask(0);
    umask(um);
    (void)fchmod(fd, 0666 & ~um);
    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        int e = errno;
        close(fd);
        unlink(t.s);
        buf_free(&t);
        errno = e;
        return NULL;
    }
    file_out *fo = mem_calloc(1, sizeof *fo);
    fo->dest = mem_strdup(dest);
    fo->temp = buf_detach(&t);
    fo->fp = fp;
    return fo;
}

const char *file_out_temp_path(const file_out *fo) { return fo ? fo->temp : NULL; }
FILE *file_out_stream(file_out *fo) { return fo ? fo->fp : NULL; }

static void out_free(file_out *fo)
{
    free(fo->dest);
    free(fo->temp);
    free(fo);
}

bool file_out_commit(file_out *fo)
{
    if (!fo) {
        errno = EINVAL;
        return false;
    }
    int err = 0;
    if (fflush(fo->fp) != 0) err = errno;
    if (!err && ferror(fo->fp)) err = EIO;
    if (!err && fsync(fileno(fo->fp)) != 0) err = errno;
    if (fclose(fo->fp) != 0 && !err) err = errno;
    fo->fp = NULL;
    if (!err && rename(fo->temp, fo->dest) != 0) err = errno;
    if (err) {
        unlink(fo->temp);
        out_free(fo);
        errno = err;
        return false;
    }
    out_free(fo);
    return true;
}

void file_out_abort(file_out *fo)
{
    if (!fo) return;
    int e = errno;
    if (fo->fp) fclose(fo->fp);
    unlink(fo->temp);
    out_free(fo);
    errno = e;
}
