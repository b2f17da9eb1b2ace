/* fonts: a private fontconfig configuration and a Pango font map over it.
 *
 * Why private: with the machine's configuration `serif` resolves to a
 * Japanese sans face and the result depends on LANG and on whatever the
 * user installed (../shared/docs/stack.md).  folio builds an FcConfig from
 * fonts/fonts.conf only, hands it to a PangoCairoFcFontMap, and names
 * families explicitly everywhere, so the same post gives the same PDF.
 *
 * The font map is the expensive object; callers create one fontset per
 * process and a cheap PangoContext per document.
 */
#include "style/fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/mem.h"

struct fontset {
    char *dir;
    FcConfig *config;
    PangoFontMap *map;
};

/* Which Debian package provides a family, for the error message. */
static const char *package_for(const char *family)
{
    if (strstr(family, "CJK")) return "fonts-noto-cjk";
    if (strstr(family, "Mono")) return "fonts-noto-mono";
    if (strncmp(family, "Noto", 4) == 0) return "fonts-noto-core";
    if (strncmp(family, "DejaVu", 6) == 0) return "fonts-dejavu-core";
    return NULL;
}

fontset *fontset_new(const char *dir, diag_list *dl)
{
    char conf[4096];
    snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
    struct stat st;
    if (stat(conf, &st) != 0) {
        diag_add(dl, DIAG_ERROR, conf, 0, 0,
                 "font configuration not found; pass --fonts DIR or reinstall folio");
        return NULL;
    }
    FcConfig *config = FcConfigCreate();
    if (!FcConfigParseAndLoad(config, (const FcChar8 *)conf, FcTrue)) {
        diag_add(dl, DIAG_ERROR, conf, 0, 0, "font configuration could not be parsed");
        FcConfigDestroy(config);
        return NULL;
    }
    if (!FcConfigBuildFonts(config)) {
        diag_add(dl, DIAG_ERROR, conf, 0, 0, "fonts could not be loaded");
        FcConfigDestroy(config);
        return NULL;
    }
    fontset *fs = mem_calloc(1, sizeof *fs);
    fs->dir = mem_strdup(dir);
    fs->config = config;
    /* Pango's font map starts a thread that calls FcInit(), which would
     * load the machine's whole configuration (/etc/fonts and the cache of
     * every installed font: 25 M instructions and a few MB, measured) only
     * for folio never to use it.  With folio's configuration current,
     * FcInit() finds one and returns; nothing else in the process asks
     * fontconfig for the default. */
    FcConfigSetCurrent(config);
    fs->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fs->map), config);
    return fs;
}

void fontset_free(fontset *fs)
{
    if (!fs) return;
    g_object_unref(fs->map);
    FcConfigDestroy(fs->config);
    free(fs->dir);
    free(fs);
}

bool fontset_require(fontset *fs, const char *family, diag_list *dl)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    FcFontSet *set = FcFontList(fs->config, pat, os);
    bool ok = set && set->nfont > 0;
    if (set) FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    if (!ok) {
        const char *pkg = package_for(family);
        if (pkg)
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "font family '%s' is not installed; install it with "
                     "'apt-get install %s' (or run scripts/setup.sh)", family, pkg);
        else
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "font family '%s' is not installed; put its files in %s",
                     family, fs->dir);
    }
    return ok;
}

PangoLanguage *fontset_language(const char *lang)
{
    if (!lang) return pango_language_from_string("zh-cn");
    if (strncmp(lang, "zh", 2) == 0) {
        if (strstr(lang, "Hant") || strstr(lang, "TW") || strstr(lang, "HK") ||
            strstr(lang, "tw") || strstr(lang, "hk"))
            return pango_language_from_string("zh-tw");
        return pango_language_from_string("zh-cn");
    }
    if (strncmp(lang, "ja", 2) == 0) return pango_language_from_string("ja");
    if (strncmp(lang, "ko", 2) == 0) return pango_language_from_string("ko");
    return pango_language_from_string("en");
}

PangoContext *fontset_context(fontset *fs, const char *lang)
{
    PangoContext *ctx = pango_font_map_create_context(fs->map);
    pango_context_set_language(ctx, fontset_language(lang));
    /* Whole-point rounding is Pango's default even on a PDF surface; it
     * makes justified lines ragged by up to half a point per glyph. */
    pango_context_set_round_glyph_positions(ctx, FALSE);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(ctx, 72.0);
    return ctx;
}

const char *fontset_dir(const fontset *fs) { return fs->dir; }
