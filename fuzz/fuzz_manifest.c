/* fuzz_manifest: bytes → OUTDIR/manifest.jsonl as the batch reads it on
 * every run (a manifest damaged by a disk error, a bad merge or a hand
 * edit is bad input).  The records read are written back and read again:
 * the second read must give the same records, byte for byte, as JSON. */
#include "fuzz_common.h"

#include "base/buf.h"
#include "base/diag.h"
#include "batch/manifest.h"

static void dump(const manifest *m, buf *out)
{
    for (size_t i = 0; i < manifest_count(m); i++) {
        manifest_record_json(manifest_at(m, i), out);
        buf_addc(out, '\n');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("manifest.jsonl", data, size);
    diag_list *dl = diag_list_new();
    manifest *m = manifest_new();
    manifest_read(m, path, dl);
    char again[4200];
    snprintf(again, sizeof again, "%s.again", path);
    if (manifest_write(m, again, dl)) {
        manifest *m2 = manifest_new();
        manifest_read(m2, again, dl);
        /* Written sorted by source, so compare the sorted forms. */
        manifest *m3 = manifest_new();
        buf a = BUF_INIT, b = BUF_INIT;
        manifest_write(m2, again, dl);
        manifest_read(m3, again, dl);
        dump(m2, &a);
        dump(m3, &b);
        if (manifest_count(m2) != manifest_count(m) || a.len != b.len ||
            (a.len && memcmp(a.s, b.s, a.len)))
            abort();
        buf_free(&a);
        buf_free(&b);
        manifest_free(m3);
        manifest_free(m2);
    }
    unlink(again);
    manifest_free(m);
    diag_list_free(dl);
    return 0;
}
