/* fuzz_layout: bytes → a post file → article_load() → handout or slides
 * layout → the box dump.  The whole pipeline short of writing a PDF, on an
 * A5 handout (the smallest page) or a 4:3 deck, chosen by the input's
 * length so that both see every input shape.  Fonts are loaded once from
 * folio's fonts/ (as a batch worker does); inputs are capped at 16 KiB so
 * one execution stays in the milliseconds. */
#include "fuzz_common.h"

#include "base/buf.h"
#include "base/diag.h"
#include "config.h"
#include "doc/doc.h"
#include "input/article.h"
#include "layout/handout.h"
#include "layout/pageset.h"
#include "layout/slides.h"
#include "style/fonts.h"
#include "style/theme.h"

static fontset *fonts;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    diag_list *dl = diag_list_new();
    fonts = fontset_new(FOLIO_SOURCE_DIR "/fonts", dl);
    diag_list_free(dl);
    if (!fonts) {
        fprintf(stderr, "fuzz_layout: cannot load fonts from %s/fonts\n", FOLIO_SOURCE_DIR);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return -1;
    const char *path = fuzz_write("index.md", data, size);
    diag_list *dl = diag_list_new();
    doc *d = article_load(path, NULL, dl);
    if (d) {
        pageset *ps;
        if (size % 2) {
            slides_opts so = {ASPECT_4_3, size % 4 == 1};
            ps = slides_layout(d, theme_default(), fonts, &so, dl);
        } else {
            handout_opts ho = {PAPER_A5};
            ps = handout_layout(d, theme_default(), fonts, &ho, dl);
        }
        buf out = BUF_INIT;
        pageset_dump(ps, &out);
        buf_free(&out);
        pageset_free(ps);
        doc_free(d);
    }
    diag_list_free(dl);
    return 0;
}
