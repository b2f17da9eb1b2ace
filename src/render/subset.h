/* subset: the CJK fonts of one PDF cut down to the glyphs it shows.
 *
 * cairo 1.16 subsets a CFF-flavoured OpenType font itself, and does it
 * badly for Noto CJK: it reads the whole 16 MB CFF table of every face
 * (most of a handout's time and peak memory) and writes about 1.1 KB per
 * glyph plus 50 KB per face, 5.7 times what HarfBuzz's subsetter makes
 * for the same glyphs (../shared/docs/stack.md).  A subset collects the
 * glyph ids every text line of a document uses, per face, cuts each CFF
 * face down with hb-subset before any page is drawn, and then draws
 * those lines itself with the small face; cairo still writes the PDF
 * font (its own subsetter, now over a few hundred glyphs) and the
 * ToUnicode map from the text and clusters it is given.
 *
 * Only plain CFF faces are replaced: TrueType faces (cheap for cairo),
 * synthetic emboldening, variable fonts and runs with missing-glyph boxes
 * are drawn by pango-cairo exactly as before.
 */
#ifndef FOLIO_SUBSET_H
#define FOLIO_SUBSET_H

#include <cairo.h>
#include <pango/pango.h>

#include "layout/pageset.h"

typedef struct subset subset;
typedef struct subset_cache subset_cache;

/* The cut faces shared by the documents a process writes (one per
 * pipeline_env, like the font set; a batch worker starts a new one for
 * each post, pipeline_env_end_post()).  A face grows to hold every glyph
 * any document asked for, and is cut again only when a document needs a
 * glyph it lacks; cairo still embeds only the glyphs each PDF draws, so a
 * PDF's bytes do not depend on the documents written before it, and
 * cairo's per-font glyph caches stay warm from a post's handout to its
 * deck.
 * Returns a new cache owned by the caller; free with subset_cache_free()
 * (NULL is a no-op). */
subset_cache *subset_cache_new(void);
void subset_cache_free(subset_cache *c);

/* Collects the glyphs of every text line of ps (placed pages included)
 * and makes sure the faces of cache hold them (cache NULL: a cache for this
 * document alone).  Returns a new subset owned by the caller; free with
 * subset_free() after the PDF surface is finished, before the cache.
 * Never fails: a face that cannot be cut is left to pango-cairo. */
subset *subset_new(const pageset *ps, subset_cache *cache);
void subset_free(subset *ss);

/* Draws line with its left end of baseline at (x, y), Pango units in
 * cr's user space, the way pango_cairo_show_layout_line() does (runs in
 * their foreground colours on cr's source, backgrounds, underlines and
 * strike-through from the line's attributes), but with the subset faces.
 * ss may be NULL: pango-cairo draws the whole line. */
void subset_show_line(subset *ss, cairo_t *cr, PangoLayoutLine *line, int x, int y);

/* Faces replaced and glyphs this document shows in them, for benchmarks
 * and tests. */
void subset_stats(const subset *ss, int *faces, int *glyphs);
/* Appends one line per face replaced: its font file, face index in the
 * file and the glyph ids this document shows (ids in that face); what a
 * benchmark hands another subsetter to compare sizes (bench/run.sh). */
void subset_describe(const subset *ss, buf *out);

#endif
