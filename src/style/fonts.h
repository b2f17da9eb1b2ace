/* fonts: folio's private font set.
 *
 * A fontset is a fontconfig configuration built from fonts/fonts.conf
 * (never the machine's), a Pango font map over it, and the check that the
 * families folio's themes name are really there.  It is created once per
 * process (or once before a batch forks its workers) and shared by every
 * document: fontconfig set-up and font loading are the expensive part of a
 * first layout (../shared/docs/stack.md: 8-20 ms).
 */
#ifndef FOLIO_FONTS_H
#define FOLIO_FONTS_H

#include <pango/pango.h>
#include <stdbool.h>

#include "base/diag.h"

typedef struct fontset fontset;

/* Loads dir/fonts.conf and the fonts it names, and dir/core.conf when it
 * exists (a configuration of the faces most posts need, for
 * fontset_context_core()).  Returns a new fontset
 * owned by the caller (free with fontset_free()), or NULL and appends an
 * error naming the missing file or family and how to install it. */
fontset *fontset_new(const char *dir, diag_list *dl);
void fontset_free(fontset *fs);

/* Checks that family is installed; appends an error naming the Debian
 * package to install otherwise.  Returns false when missing. */
bool fontset_require(fontset *fs, const char *family, diag_list *dl);

/* Returns a new Pango context owned by the caller (g_object_unref()),
 * set up for PDF output: language tagged (a BCP 47 tag such as "zh-Hans"
 * becomes Pango's "zh-cn" so that Simplified glyph forms are chosen), glyph
 * positions not rounded, no hinting. */
PangoContext *fontset_context(fontset *fs, const char *lang);

/* Whether there are core faces to choose (a core.conf, not dropped). */
bool fontset_has_core(const fontset *fs);
/* Whether every character of text[0..len) is drawn by every one of the
 * families (NULLs skipped) among the core faces (dir/core.conf).  False
 * when there is no core.conf or a family is not among its faces. */
bool fontset_core_covers(fontset *fs, const char *const *families, size_t nfamilies,
                         const char *text, size_t len);
/* Like fontset_context(), over the core faces when there are some.  Pango
 * 1.50 sorts every face of a configuration for each font size and style a
 * document uses, fallback needed or not: over the 21 core faces instead of
 * the 324 of fonts.conf.  For text none of whose characters falls back
 * (fontset_core_covers()), the faces and glyphs are the same. */
PangoContext *fontset_context_core(fontset *fs, const char *lang);
/* Forgets the core faces: every context is then over the whole set.  For
 * a process that lays out many posts (a batch worker): it sorts each size
 * and style once for all of them anyway, and two font maps would each keep
 * their own fonts of the same files (measured: 7 MB more per worker). */
void fontset_drop_core(fontset *fs);

/* The Pango language for a post language tag ("zh-Hans" → zh-cn,
 * "zh-Hant" → zh-tw, "ja" → ja, else en). Borrowed, static. */
PangoLanguage *fontset_language(const char *lang);

/* The fonts folder this set was loaded from. Borrowed. */
const char *fontset_dir(const fontset *fs);

#endif
