/* fuzz_frontmatter: bytes → frontmatter_parse().  The YAML block, its
 * delimiters and every field reader; the dictionary fuzz/yaml.dict holds
 * YAML's tokens and the keys folio reads. */
#include "fuzz_common.h"

#include "base/diag.h"
#include "doc/doc_build.h"
#include "input/frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    char *text = fuzz_text(data, size, &len);
    doc *d = doc_new("fuzz.md", "/nonexistent");
    diag_list *dl = diag_list_new();
    size_t off = 0;
    int lines = 0;
    if (frontmatter_parse(d, text, len, "fuzz.md", dl, &off, &lines)) {
        if (off > len) abort();
    }
    for (size_t i = 0; i < diag_count(dl); i++) {
        char line[512];
        diag_format(diag_get(dl, i), line, sizeof line);
    }
    diag_list_free(dl);
    doc_free(d);
    free(text);
    return 0;
}
