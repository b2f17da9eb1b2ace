/* fuzz_theme: bytes → a theme file loaded by path through the theme
 * cache (YAML, units, colours, `extends:` resolved against folio's own
 * themes/), as `folio --theme FILE.yaml` does. */
#include "fuzz_common.h"

#include "base/diag.h"
#include "config.h"
#include "style/themefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("theme.yaml", data, size);
    themefile_cache *c = themefile_cache_new();
    themefile_cache_add_dir(c, FOLIO_SOURCE_DIR "/themes");
    diag_list *dl = diag_list_new();
    themefile_cache_get(c, path, dl);
    for (size_t i = 0; i < diag_count(dl); i++) {
        char line[512];
        diag_format(diag_get(dl, i), line, sizeof line);
    }
    diag_list_free(dl);
    themefile_cache_free(c);
    return 0;
}
