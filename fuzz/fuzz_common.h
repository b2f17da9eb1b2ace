/* fuzz_common: what the libFuzzer targets share.
 *
 * Each target is one file, fuzz_<stage>.c, defining LLVMFuzzerTestOneInput.
 * Inputs go through the same normalisation article_load() applies before a
 * stage sees them (LF line ends, valid UTF-8), so the stage is fuzzed on
 * what it can actually receive; fuzz_layout instead writes the bytes to a
 * file and loads it as a post, which covers that normalisation too.
 * Header-only (static functions): every target includes it once.
 */
#ifndef FOLIO_FUZZ_COMMON_H
#define FOLIO_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/utf8.h"

/* A fuzz input as a post's text: CR and CRLF become LF, invalid UTF-8 and
 * NUL bytes become U+FFFD.  Returns a new NUL-terminated string owned by
 * the caller (free with free()), its length in *len. */
static inline char *fuzz_text(const uint8_t *data, size_t size, size_t *len)
{
    char *lf = mem_alloc(size * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\r') {
            lf[o++] = '\n';
            if (i + 1 < size && data[i + 1] == '\n') i++;
        } else if (data[i] == 0) {
            o += utf8_encode(UTF8_REPLACEMENT, lf + o);
        } else {
            lf[o++] = (char)data[i];
        }
    }
    char *s = utf8_sanitize(lf, o, len);
    free(lf);
    return s;
}

/* A private folder under $TMPDIR for targets that need files; created once,
 * never removed (libFuzzer ends the process with exit()). */
static inline const char *fuzz_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/folio-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) abort();
    }
    return dir;
}

/* Writes data to dir/name; returns the path in a static buffer. */
static inline const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *fp = fopen(path, "wb");
    if (!fp) abort();
    if (size && fwrite(data, 1, size, fp) != size) abort();
    fclose(fp);
    return path;
}

#endif
