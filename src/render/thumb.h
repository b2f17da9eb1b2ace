/* thumb: a small JPEG picture of an image, for the archive catalogue.
 *
 * A batch worker that renders a post also writes a thumbnail of its cover
 * photo beside the PDFs; the catalogue (OUTDIR/index.pdf) embeds those
 * files as they are, so that a catalogue of five hundred posts holds five
 * hundred small JPEGs rather than five hundred full-size photos.
 *
 * The picture is the image as it is seen (EXIF orientation applied),
 * scaled down so that its longer side is max_side pixels (a panorama so
 * that its shorter side keeps max_side / 2; never enlarged), any
 * transparency flattened onto white, and encoded as a baseline JPEG.  The same input gives the same bytes on every run: the scaling is
 * integer arithmetic and the encoder has no clock in it.
 */
#ifndef FOLIO_THUMB_H
#define FOLIO_THUMB_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* The catalogue draws thumbnails about 32 mm wide; 320 px is 250 dpi
 * there, and a few kilobytes at quality 80. */
#define THUMB_MAX_SIDE 320
#define THUMB_QUALITY 80

/* Makes the thumbnail of an image file's bytes (PNG, JPEG or WebP; what
 * render/image.h decodes) and appends the JPEG to *out.  max_side is in
 * pixels (>= 8), quality 1..100.  A JPEG is decoded at the smallest DCT
 * scale (1/2, 1/4, 1/8) that still leaves max_side pixels.  *w and *h
 * (may be NULL) get the thumbnail's size.  Returns false, appending
 * nothing, with the reason in why when the image cannot be decoded. */
bool thumb_encode(const unsigned char *data, size_t len, int max_side, int quality, buf *out,
                  int *w, int *h, char *why, size_t whysz);

/* thumb_encode() of the file at src (at most MEDIA_MAX_BYTES), written
 * atomically to dest (base/file.h: a temporary beside it, renamed).
 * Returns false with the reason in why when src cannot be read or decoded
 * or dest cannot be written; nothing is left at dest then (an older file
 * there stays). */
bool thumb_file(const char *src, const char *dest, int max_side, int quality, char *why,
                size_t whysz);

#endif
