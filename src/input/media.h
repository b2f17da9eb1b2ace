/* media: what an image file is, from its header alone.
 *
 * The input stage probes every image a post references: format, pixel size,
 * EXIF orientation, colour model.  Pixels are never decoded here (a JPEG is
 * later embedded in the PDF as it is), and a header that declares more than
 * MEDIA_MAX_PIXELS is refused before anything is allocated for it.
 */
#ifndef FOLIO_MEDIA_H
#define FOLIO_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

/* 40 megapixels: a 8000x5000 photo.  Decoding it costs 160 MB of ARGB, which
 * bounds a worker's memory; real posts' photos are far below. */
#define MEDIA_MAX_PIXELS (40u * 1000u * 1000u)
/* Image files larger than this are not read at all. */
#define MEDIA_MAX_BYTES (64u * 1024u * 1024u)

typedef enum {
    MEDIA_UNKNOWN = 0,
    MEDIA_PNG,
    MEDIA_JPEG,
    MEDIA_WEBP,
    MEDIA_GIF,   /* recognised, not supported: placeholder */
    MEDIA_BMP,   /* recognised, not supported: placeholder */
    MEDIA_SVG,   /* recognised, not supported: placeholder */
} media_format;

typedef struct media_info {
    media_format format;
    int width, height;   /* stored pixel size, before orientation */
    int orientation;     /* EXIF 1..8; 1 when absent */
    int components;      /* JPEG: 1 grey, 3 YCbCr/RGB, 4 CMYK; PNG: channels in the
                            file (1 grey, 2 grey+alpha, 3 RGB or palette, 4 RGBA or
                            palette with tRNS); WebP: 3, or 4 with alpha */
    bool progressive;    /* JPEG SOF2, PNG Adam7 */
    int bit_depth;       /* PNG: 1..16; JPEG: 8 or 12; WebP: 8 */
    bool alpha;          /* PNG alpha channel or tRNS (palette), WebP alpha flag */
} media_info;

typedef enum {
    MEDIA_OK = 0,
    MEDIA_ERR_TRUNCATED,   /* header ends early */
    MEDIA_ERR_UNKNOWN,     /* not an image format folio knows */
    MEDIA_ERR_UNSUPPORTED, /* a known format folio does not draw (GIF, BMP, SVG, 12-bit JPEG) */
    MEDIA_ERR_TOO_LARGE,   /* declares more than MEDIA_MAX_PIXELS or 0 pixels */
} media_status;

/* Probes the first bytes of an image file (pass the whole file or at least
 * its first 64 KiB; more is needed only for JPEGs with large EXIF blocks).
 * Fills *info as far as it could read it: format is set whenever the
 * signature was recognised, also with an error status, so that a message can
 * name it.  A header whose signature matches but whose fields are invalid
 * (IHDR not first, an undefined colour type) gives MEDIA_ERR_UNKNOWN.
 * Reads nothing past data[len - 1] and allocates nothing. */
media_status media_probe(const unsigned char *data, size_t len, media_info *info);
/* After media_probe() returned MEDIA_OK on the whole file (len bytes):
 * false when the file ends before its image data does (a download or copy
 * cut short), so the input stage can say so at the image's line instead of
 * the renderer failing later.  PNG: the chunks must reach IEND; JPEG: an
 * EOI marker must follow the first scan header; WebP: the RIFF size must
 * fit.  It proves nothing about the data in between: the decoders still
 * check that. */
bool media_complete(const unsigned char *data, size_t len, const media_info *info);
const char *media_format_name(media_format f);   /* "png", "jpeg", ... */
const char *media_status_message(media_status st);/* "truncated image header", ... */

/* Displayed size after EXIF orientation (5..8 swap width and height). */
void media_oriented_size(const media_info *info, int *w, int *h);

#endif
