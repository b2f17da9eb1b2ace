/* image: probed image files → cairo surfaces, drawn oriented and fitted.
 *
 * The render stage draws every DOC_IMG_OK image through an image_cache,
 * one per document (or per job): each file is read, checked and decoded at
 * most once, and a surface drawn twice is embedded in a PDF once.
 *
 * Vector output (PDF) never decodes a JPEG: the surface carries the file's
 * bytes as CAIRO_MIME_TYPE_JPEG and pdfimage.c writes them as a DCTDecode
 * image.  Raster output (PNG previews) decodes with
 * libjpeg-turbo, libpng and libwebp.  EXIF orientation is applied as a
 * transform when drawing, so the passthrough JPEG stays as it is.
 *
 * Not thread-safe: a cache belongs to one job.
 */
#ifndef FOLIO_IMAGE_H
#define FOLIO_IMAGE_H

#include <cairo.h>
#include <pango/pango.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/diag.h"
#include "input/media.h"

typedef struct image_cache image_cache;

/* Returns a new empty cache owned by the caller; free with
 * image_cache_free(). */
image_cache *image_cache_new(void);
/* Frees the cache and every surface it holds (cairo keeps its own
 * reference to a surface still used by an unfinished PDF); NULL is a no-op. */
void image_cache_free(image_cache *c);

/* PNG passthrough, for the PDF writer (pdfimage.c).
 *
 * Decoding a PNG to deflate its pixels again cost a quarter of a handout's
 * instructions for the seed's 1000 x 456 photo (cairo 1.16's way), and
 * the result was larger than the file.  With passthrough
 * on, an opaque, non-interlaced PNG of 8 bits or fewer per sample (grey,
 * RGB or palette without tRNS; no gAMA other than sRGB's; an ICC profile
 * is ignored, as decoding ignores it) whose zlib stream inflates to
 * exactly the rows its header promises is not decoded: its surface is a
 * stand-in tied to an image_png (image_cache_png_of()), which the PDF
 * writer embeds as the PNG's own zlib stream with PNG predictors (PDF
 * 32000 §7.4.4.4).  The stand-in also carries, as CAIRO_MIME_TYPE_JPEG, a
 * JPEG of the same size holding only the marker below: never to be
 * written as a JPEG, it only names the PNG.  Any other opaque image that
 * has to be decoded (an RGBA PNG whose alpha is 255 throughout, a WebP)
 * goes the same way, its rows encoded by image_deflate_rows(), and its
 * pixels are not kept.  Off by default. */
typedef struct image_png {
    char marker[64];               /* NUL-terminated; inside the stand-in JPEG */
    int width, height;
    int colors;                    /* 1 grey or palette index, 3 RGB */
    int bits;                      /* per sample: 1, 2, 4 or 8 */
    const unsigned char *palette;  /* RGB triples, NULL unless indexed */
    int npalette;                  /* 1..256 */
    const unsigned char *idat;     /* every IDAT chunk's data in order: one zlib stream */
    size_t idat_len;
} image_png;

void image_cache_set_png_passthrough(image_cache *c, bool on);
/* The PNGs embedded by passthrough so far, i < image_cache_npng(c).
 * Borrowed; valid until image_cache_free(). */
size_t image_cache_npng(const image_cache *c);
const image_png *image_cache_png(const image_cache *c, size_t i);
/* The PNG a passthrough stand-in surface s (from image_cache_get() on c)
 * carries, NULL when s is no such stand-in (a JPEG passthrough, a pixel
 * surface, or a surface of another cache).  A PDF writer must ask this
 * before taking CAIRO_MIME_TYPE_JPEG data as a real JPEG.  Borrowed;
 * valid until image_cache_free(). */
const image_png *image_cache_png_of(const image_cache *c, cairo_surface_t *s);

/* True when the surface is ARGB32 with some pixel not fully opaque. */
bool image_translucent(cairo_surface_t *s);

/* Appends to out the rows of s (RGB24 or ARGB32) as 8-bit samples, each
 * row Paeth-filtered (PNG filter type 4) and the whole deflated: what a
 * PDF image with /DecodeParms << /Predictor 15 >> reads.  The samples are
 * RGB, premultiplication undone (an RGB24 surface's top byte is no
 * alpha), or with alpha_only the alpha channel.  Returns false when s has
 * no pixels. */
bool image_deflate_rows(cairo_surface_t *s, bool alpha_only, buf *out);

/* True when an image of this probed size may be decoded: at least one
 * pixel and at most MEDIA_MAX_PIXELS. */
bool image_decode_size_ok(const media_info *info);

/* Returns the surface for the image file at path (an absolute path from
 * doc_image.path).  Borrowed; valid until image_cache_free().
 *
 * The file is read again and re-probed; info (the probe made by the input
 * stage, may be NULL) must still describe it, else the file changed under
 * folio and the image is refused.
 *
 * need_pixels false (PDF): a JPEG is not decoded; the surface is a 1 x 1
 * RGB24 stand-in whose pixel is never written, carrying the file bytes as
 * CAIRO_MIME_TYPE_JPEG (draw it with image_draw*, which know its displayed
 * size).  A CMYK JPEG is the
 * exception and is decoded (cairo 1.16 would embed it without the /Decode
 * inversion Adobe CMYK needs).  need_pixels true (PNG/SVG previews): JPEG
 * (grey, YCbCr, CMYK including Adobe inverted CMYK, progressive) is decoded
 * to RGB24.  PNG and WebP are always decoded, to ARGB32 with premultiplied
 * alpha when they have alpha, else RGB24.  Every surface carries a
 * CAIRO_MIME_TYPE_UNIQUE_ID derived from the file's bytes, so that cairo's
 * PDF backend writes an image drawn several times once.
 *
 * Returns NULL and appends a warning naming path (file diag_file, no line)
 * when the file cannot be read, is truncated, fails to decode, is not PNG,
 * JPEG or WebP, or exceeds MEDIA_MAX_PIXELS; the failure is remembered, so
 * a second call for the same path returns NULL without a second warning.
 * dl may be NULL. */
cairo_surface_t *image_cache_get(image_cache *c, const char *path, const media_info *info,
                                 bool need_pixels, const char *diag_file, diag_list *dl);

/* Decodes the bytes of a PNG, JPEG or WebP file to pixels outside any
 * cache (thumbnails), with the checks image_cache_get() makes: the header
 * re-probed and held to MEDIA_MAX_PIXELS, a JPEG's scan complete.
 * jpeg_scale_denom 2, 4 or 8 has libjpeg-turbo decode a JPEG at that
 * fraction of its size straight from the DCT coefficients, far cheaper
 * than decoding it whole and scaling down (1: full size; PNG and WebP are
 * always decoded whole).  *info (may be NULL) gets the probe, for the EXIF
 * orientation, which is not applied.  Returns a new surface owned by the
 * caller (free with cairo_surface_destroy()), RGB24, or ARGB32 with
 * premultiplied alpha; NULL with the reason in why on failure. */
cairo_surface_t *image_decode(const unsigned char *data, size_t len, int jpeg_scale_denom,
                              media_info *info, char *why, size_t whysz);

/* Draws s so that the displayed image (after EXIF orientation
 * info->orientation, 1..8; anything else counts as 1) exactly fills the
 * rectangle x, y, w, h (user units, points on a PDF page), stretching if
 * the aspect ratios differ.  Orientation is a cairo transform, so a
 * passthrough JPEG stays passthrough.  Uses CAIRO_FILTER_GOOD.  Saves and
 * restores cr's state.  info may be NULL (orientation 1). */
void image_draw(cairo_t *cr, cairo_surface_t *s, const media_info *info, double x, double y,
                double w, double h);

/* Cover fit: scales the displayed image uniformly so that it covers the
 * rectangle x, y, w, h and clips what overflows.  Horizontally the crop is
 * centred; anchor_y (clamped to 0..1) picks the part kept vertically: 0
 * keeps the top (where faces are in a portrait), 0.5 the middle, 1 the
 * bottom.  Saves and restores cr's state. */
void image_draw_cover(cairo_t *cr, cairo_surface_t *s, const media_info *info, double x,
                      double y, double w, double h, double anchor_y);

/* For a PDF writer that draws images itself (pdfimage.h): sets *m to the
 * map from PDF image space (the unit square, (0, 0) the lower-left corner
 * of the image as stored, row 0 at v = 1) to user space (points, y down,
 * origin top-left, as cairo's in draw.c), placing s as image_draw() would
 * (cover false) or image_draw_cover() with anchor_y (cover true),
 * orientation included.  Write it as "xx yx xy yy x0 y0 cm" in that
 * order, then "/Im Do", after clipping to x, y, w, h ("re W n") in both
 * cases, as cairo's PDF surface did: a cover image overflows the
 * rectangle, and poppler widens any image to whole device pixels, a hard
 * edge one pixel too far unless clipped.  Returns false
 * (*m the identity) when image_draw*() would draw nothing: s NULL, w or h
 * not positive. */
bool image_pdf_matrix(cairo_surface_t *s, const media_info *info, double x, double y, double w,
                      double h, bool cover, double anchor_y, cairo_matrix_t *m);

/* Placeholder for a missing or unsupported image: a light grey box with a
 * thin border filling x, y, w, h, and label (the file name, UTF-8) centred
 * in mid grey, wrapped and ellipsized to fit, clipped to the box.
 *
 * pc is a Pango context made for cairo output (pango_cairo_*), e.g. the one
 * the layout stage shapes with, so that the label uses folio's private
 * fonts; it is not modified.  font is a Pango font description string such
 * as "Noto Sans CJK SC 8" (NULL: "Sans 8").  With pc or label NULL only the
 * box is drawn.  Saves and restores cr's state. */
void image_draw_placeholder(cairo_t *cr, PangoContext *pc, const char *font, const char *label,
                            double x, double y, double w, double h);

#endif
