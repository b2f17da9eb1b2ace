/* pdffont: the fonts of one PDF, cut to the glyphs it shows and embedded
 * by folio (no cairo).
 *
 * Every face a document draws with becomes one composite font (Type0,
 * Identity-H, two-byte codes): a CFF-flavoured OpenType face (Noto CJK) a
 * CIDFontType0 with its CFF table as FontFile3 /CIDFontType0C, a TrueType
 * face a CIDFontType2 with FontFile2 and /CIDToGIDMap /Identity.  Faces
 * are cut with hb-subset to exactly the glyphs the document shows (glyph
 * ids renumbered, layout tables dropped, CFF charstrings desubroutinized,
 * hints kept).  Widths (/W) come from the face's hmtx, the descriptor from
 * head, hhea, OS/2 and post, and a ToUnicode map from the text each code
 * was drawn for, so that text can be searched and copied.
 *
 * Fonts are keyed by HarfBuzz face: Pango shares one hb_face_t between the
 * sizes and styles of a file and index, so all sizes of a face are one PDF
 * font.  Synthetic emboldening and slant are the text writer's business
 * (pdftext.c), not this module's.
 *
 * Use in two passes: pdffont_collect() every glyph of every line of the
 * document, pdffont_prepare() once, then while writing content
 * pdffont_lookup() / pdffont_glyph() / pdffont_map_text(), and at the end
 * pdffont_write().
 *
 * Subset names ("ABCDEF+NotoSansCJKsc-Regular") are hashed from the
 * embedded program, so the same document gives the same bytes.
 */
#ifndef FOLIO_PDFFONT_H
#define FOLIO_PDFFONT_H

#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>

#include "render/pdfobj.h"

typedef struct pdffont_set pdffont_set;

/* Returns a new, empty set owned by the caller; free with
 * pdffont_set_free() (NULL is a no-op). */
pdffont_set *pdffont_set_new(void);
void pdffont_set_free(pdffont_set *fs);

/* Embed every face whole instead of cutting it: what happens to a face
 * hb-subset cannot cut, for tests of that path.  Call before
 * pdffont_prepare(). */
void pdffont_set_embed_whole(pdffont_set *fs, bool on);

/* Pass 1: glyph (a Pango glyph id of font; PANGO_GLYPH_EMPTY is ignored,
 * a glyph with PANGO_GLYPH_UNKNOWN_FLAG counts as glyph 0, .notdef) will
 * be drawn. */
void pdffont_collect(pdffont_set *fs, PangoFont *font, PangoGlyph glyph);

/* Cuts every face collected.  Never fails: a face that cannot be cut is
 * embedded whole (still only the glyphs drawn get widths and text). */
void pdffont_prepare(pdffont_set *fs);

/* Pass 2.  The font index of font's face, or -1 when it has no usable
 * HarfBuzz face (nothing can be drawn with it).  Valid after
 * pdffont_prepare(); font need not have been collected, but then none of
 * its glyphs are in the cut face. */
int pdffont_lookup(pdffont_set *fs, PangoFont *font);

/* How many fonts have been looked up (indices 0 .. count - 1). */
int pdffont_count(const pdffont_set *fs);

/* The resource name of font f without the slash ("F1"); borrowed, valid
 * until pdffont_set_free(). */
const char *pdffont_resource(const pdffont_set *fs, int f);

/* The object number of font f's Type0 dictionary, reserved in w on first
 * call (the same w must be used throughout and for pdffont_write()). */
int pdffont_objnum(pdffont_set *fs, pdfobj *w, int f);

/* The two-byte code that shows glyph (a glyph id of the original face,
 * as Pango gives it; UNKNOWN_FLAG glyphs pass 0) in font f, and its
 * advance as written in /W, in thousandths of the font size.  Returns
 * false when the glyph was not collected (not in the cut face). */
bool pdffont_glyph(pdffont_set *fs, int f, PangoGlyph glyph, unsigned *code, double *width);

/* Records that code of font f was drawn for the UTF-8 text s (n bytes,
 * n > 0) in the ToUnicode map.  The first text given for a code is kept:
 * returns true when the code maps to exactly s (now or already), false
 * when it maps to other text, and then the caller must attach the text
 * another way (/ActualText). */
bool pdffont_map_text(pdffont_set *fs, int f, unsigned code, const char *s, size_t n);

/* Writes every font that was looked up and given an object number:
 * Type0 dictionary, CIDFont, descriptor, font program and ToUnicode
 * stream.  Returns false only on an internal failure. */
bool pdffont_write(pdffont_set *fs, pdfobj *w);

/* For benchmarks and tests: faces, and glyphs collected in all of them. */
void pdffont_stats(const pdffont_set *fs, int *faces, int *glyphs);
/* Appends one line per CFF face: font file, face index and the original
 * glyph ids drawn (what bench/run.sh hands fontTools to compare sizes). */
void pdffont_describe(const pdffont_set *fs, buf *out);

#endif
