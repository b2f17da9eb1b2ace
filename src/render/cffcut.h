/* cffcut: CID-keyed CFF fonts cut from flat glyph programs kept per face.
 *
 * hb-subset cuts a Noto CJK face glyph by glyph: it interprets each
 * glyph's charstring with the subroutines it calls, scattered over a
 * 16 MB table, and writes it out flat.  In a batch worker that was a fifth
 * of the wall time, mostly waiting on memory, and the same common
 * characters were cut again for every PDF.  So each face keeps the flat
 * programs hb-subset made (learnt from its output: charstring, CID and
 * font dict of each glyph, and the dicts around them), hb-subset cuts only
 * the glyphs a face has not met yet, and the CFF embedded in a PDF is
 * written here from what is kept.
 *
 * The font written depends only on the face and the glyphs asked for,
 * never on what was cut before (a glyph's flat program is the same
 * whatever it was cut with), so a post's PDF is the same from a single
 * command as from any worker of a batch.  Layout: header, name, Top DICT
 * (hb-subset's, with its strings and offsets renumbered), strings, no
 * global subroutines, charset, FDSelect, charstrings, font dicts (in the
 * order of their names) and their Private DICTs (hb-subset's bytes: with
 * flat charstrings they have no Subrs).
 *
 * Only CID-keyed fonts (ROS in the Top DICT) are handled; cffcut_learn()
 * says false for anything else, and the caller cuts with hb-subset alone.
 */
#ifndef FOLIO_CFFCUT_H
#define FOLIO_CFFCUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

typedef struct cffcut cffcut;

/* An empty store for one face; cap: bytes of charstrings it keeps at most
 * (over it, it forgets every glyph and starts again). */
cffcut *cffcut_new(size_t cap);
void cffcut_free(cffcut *c);

/* Whether glyph (an id in the source face) is known. */
bool cffcut_has(const cffcut *c, uint32_t glyph);

/* Learns the glyphs of a CFF that hb-subset cut (data, len: its 'CFF '
 * table): gids[k] is the source id of the cut's glyph k, for its n glyphs.
 * False when the CFF is not one this module can use (then nothing
 * changes); the store keeps working for the glyphs it has. */
bool cffcut_learn(cffcut *c, const uint8_t *data, size_t len, const uint32_t *gids, size_t n);

/* Appends to out the CFF of the n glyphs gids (source ids, ascending,
 * gids[0] == 0): glyph k of the font is gids[k].  False, out unchanged,
 * when one of them is not known or nothing has been learnt. */
bool cffcut_write(const cffcut *c, const uint32_t *gids, size_t n, buf *out);

/* What a PDF needs of any CFF program (data, len; hb-subset's cut, the
 * store's, or a face's own): its glyph count (CharStrings) and whether it
 * is CID-keyed (ROS in its Top DICT).  False when it cannot be read. */
bool cffcut_glyphs(const uint8_t *data, size_t len, unsigned *nglyphs, bool *cid_keyed);

/* The CID of each of the nglyphs glyphs of a CID-keyed CFF, from its
 * charset (formats 0 to 2; glyph 0 is CID 0).  False when it cannot be
 * read. */
bool cffcut_cids(const uint8_t *data, size_t len, uint16_t *cids, unsigned nglyphs);

#endif
