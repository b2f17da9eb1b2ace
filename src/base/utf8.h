/* utf8: the few Unicode facts folio's rules need.
 *
 * East Asian width (UAX #11) decides soft-break removal (docs/cjk.md §1);
 * script classes decide Chinese–Latin spacing and the Latin face (§2, §5).
 * The tables cover the ranges that occur in Chinese, Japanese and Latin
 * text; they are deliberately conservative where UAX #11 says "ambiguous".
 */
#ifndef FOLIO_UTF8_H
#define FOLIO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes one code point at s (n bytes available). Sets *adv to the bytes
 * consumed (>= 1 when n >= 1). Invalid or truncated sequences give
 * UTF8_REPLACEMENT and advance one byte. */
uint32_t utf8_decode(const char *s, size_t n, size_t *adv);
/* Decodes the code point that ends at s+n (the one before position n). */
uint32_t utf8_decode_prev(const char *s, size_t n, size_t *adv);
/* Writes cp as UTF-8 into out (at least 4 bytes); returns the length. */
size_t utf8_encode(uint32_t cp, char *out);
/* Returns the byte offset of the first invalid sequence, or -1 if valid. */
long utf8_first_invalid(const char *s, size_t n);
/* Returns a new valid UTF-8 copy (invalid bytes become U+FFFD), owned by
 * the caller; free with free(). *outlen gets its length. */
char *utf8_sanitize(const char *s, size_t n, size_t *outlen);
size_t utf8_length(const char *s, size_t n);   /* in code points */

bool utf8_is_wide(uint32_t cp);     /* East Asian Wide/Fullwidth, not Hangul */
bool utf8_is_han(uint32_t cp);      /* CJK ideographs incl. extensions, 〇 々 */
bool utf8_is_kana(uint32_t cp);
bool utf8_is_cjk_punct(uint32_t cp);/* fullwidth/CJK punctuation and brackets */
bool utf8_is_latin(uint32_t cp);    /* Latin letters (ASCII and extended) */
bool utf8_is_digit(uint32_t cp);    /* ASCII 0-9 */
bool utf8_is_space(uint32_t cp);    /* ASCII whitespace and U+3000 */

#endif
