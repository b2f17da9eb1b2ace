/* fuzz_markdown: bytes → the document model: markdown_parse(), recap
 * detection and the JSON dump (folio inspect).  Images resolve against an
 * empty private folder, so every one is missing, remote or outside; the
 * dictionary fuzz/markdown.dict holds Markdown, GFM and HTML tokens. */
#include "fuzz_common.h"

#include "base/buf.h"
#include "base/diag.h"
#include "doc/doc.h"
#include "doc/doc_build.h"
#include "doc/recap.h"
#include "input/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    char *text = fuzz_text(data, size, &len);
    doc *d = doc_new("fuzz.md", fuzz_dir());
    diag_list *dl = diag_list_new();
    markdown_opts mo = {"fuzz.md", NULL};
    markdown_parse(d, text, len, &mo, dl);
    recap_detect(d, "fuzz.md", dl);
    buf out = BUF_INIT;
    doc_dump_json_with(d, dl, &out, false);
    buf_free(&out);
    diag_list_free(dl);
    doc_free(d);
    free(text);
    return 0;
}
