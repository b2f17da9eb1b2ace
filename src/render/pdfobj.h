/* pdfobj: PDF file syntax (ISO 32000-1 §7), written into memory.
 *
 * Numbered objects, streams (optionally deflated), strings, names and
 * numbers, the cross-reference table and the trailer.  Objects may be
 * written in any order: a number is reserved first, so that other objects
 * can refer to it ("12 0 R") before it is written.  Nothing here knows
 * what a page or a font is; pdf.c, pdffont.c and pdfimage.c build those.
 *
 * Output is a function of the calls only: numbers print the same on every
 * machine, and the file identifier (/ID) is a hash of the bytes written,
 * so the same document gives the same file.
 */
#ifndef FOLIO_PDFOBJ_H
#define FOLIO_PDFOBJ_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef struct pdfobj pdfobj;

/* Returns a new, empty file (header written) owned by the caller; free
 * with pdfobj_free(). */
pdfobj *pdfobj_new(void);
void pdfobj_free(pdfobj *w);

/* Returns a new object number (1, 2, ...), to be written exactly once. */
int pdfobj_reserve(pdfobj *w);

/* Writes object num, whose value is the len bytes of value (a dictionary
 * "<< ... >>", an array, a number...). */
void pdfobj_write(pdfobj *w, int num, const char *value, size_t len);

/* pdfobj_reserve() and pdfobj_write() in one: returns the new number. */
int pdfobj_add(pdfobj *w, const char *value, size_t len);

/* Writes object num as a stream.  entries (may be NULL) are the
 * dictionary's entries other than /Length and /Filter, e.g.
 * "/Type /XObject /Subtype /Image ..."; pdfobj adds /Length, and with
 * deflate true compresses data (compress_zlib()) and adds /Filter /FlateDecode.
 * With deflate false, data is copied as it is (entries must then name any
 * filter the data already has). */
void pdfobj_write_stream(pdfobj *w, int num, const char *entries, const void *data, size_t len,
                         bool deflate);

/* Finishes the file: cross-reference table and trailer with /Root root,
 * /Info info (0: none) and /ID.  Appends the whole file to out.  Returns
 * false (out untouched) when a reserved object was never written. */
bool pdfobj_finish(pdfobj *w, int root, int info, buf *out);

/* ---- syntax, appended to b ---- */

/* A number as PDF writes reals: at most four decimals, no exponent,
 * trailing zeros and a "-0" dropped ("12", "0.5", "-3.1416"). */
void pdf_add_num(buf *b, double v);
/* n numbers as pdf_add_num() writes them, one space apart. */
void pdf_add_nums(buf *b, const double *v, int n);
/* A literal string "(...)" of n bytes, with (, ) and \ escaped and bytes
 * outside printable ASCII written as \ooo. */
void pdf_add_string(buf *b, const char *s, size_t n);
/* A text string (§7.9.2.2) from UTF-8: printable ASCII as a literal
 * string, anything else as <FEFF...> UTF-16BE hex.  Invalid UTF-8 bytes
 * become U+FFFD. */
void pdf_add_text(buf *b, const char *utf8);
/* A name "/..." from s, with delimiters, '#' and bytes outside
 * '!'..'~' written as #xx. */
void pdf_add_name(buf *b, const char *s);
/* UTF-16BE hex digits (no brackets, no BOM) of the UTF-8 text s, n bytes,
 * surrogate pairs beyond the BMP, for ToUnicode maps and /ActualText. */
void pdf_add_utf16_hex(buf *b, const char *s, size_t n);
/* Four upper-case hex digits of v's low 16 bits: a 2-byte code in a hex
 * string, as printf("%04X") writes it (text runs: the hot path). */
void pdf_add_hex4(buf *b, unsigned v);
/* Two lower-case hex digits per byte of p, n bytes (no brackets). */
void pdf_add_hex_bytes(buf *b, const unsigned char *p, size_t n);

#endif
