/* utf8: decoding, validation and the character classes folio's rules need.
 *
 * The decoder follows RFC 3629 strictly (no overlongs, no surrogates, no
 * code points above U+10FFFF); every invalid or truncated sequence counts
 * as one bad byte, which utf8_sanitize turns into U+FFFD, the behaviour
 * the WHATWG encoding standard calls "replacement".  The classes are small
 * range tables taken from UAX #11 (East Asian Width) and the Unicode block
 * list; ambiguous-width characters (curly quotes, the ellipsis) are
 * treated as narrow, which is what CSS Text 3 does for segment breaks.
 */
#include "base/utf8.h"

#include "base/mem.h"

uint32_t utf8_decode(const char *s, size_t n, size_t *adv)
{
    const unsigned char *p = (const unsigned char *)s;
    *adv = n ? 1 : 0;
    if (!n) return UTF8_REPLACEMENT;
    unsigned c = p[0];
    if (c < 0x80) return c;
    size_t len;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return UTF8_REPLACEMENT;
    if (n < len) return UTF8_REPLACEMENT;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return UTF8_REPLACEMENT;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return UTF8_REPLACEMENT;
    *adv = len;
    return cp;
}

uint32_t utf8_decode_prev(const char *s, size_t n, size_t *adv)
{
    if (!n) {
        *adv = 0;
        return UTF8_REPLACEMENT;
    }
    /* Step back over at most three continuation bytes to a lead byte, then
     * check that the sequence decoded from there ends exactly at n. */
    size_t back = 1;
    while (back < 4 && back < n &&
           ((unsigned char)s[n - back] & 0xC0) == 0x80)
        back++;
    size_t a;
    uint32_t cp = utf8_decode(s + n - back, back, &a);
    if (a == back && cp != UTF8_REPLACEMENT) {
        *adv = back;
        return cp;
    }
    *adv = 1;
    cp = utf8_decode(s + n - 1, 1, &a);
    return cp;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = UTF8_REPLACEMENT;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A decoded U+FFFD is valid only if the bytes really spell EF BF BD. */
static bool is_real_fffd(const char *s, size_t adv)
{
    return adv == 3 && (unsigned char)s[0] == 0xEF;
}

long utf8_first_invalid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        if (cp == UTF8_REPLACEMENT && !is_real_fffd(s + i, adv)) return (long)i;
        i += adv;
    }
    return -1;
}

char *utf8_sanitize(const char *s, size_t n, size_t *outlen)
{
    char *out = mem_alloc(n * 3 + 1);   /* each bad byte grows to 3 */
    size_t o = 0, i = 0;
    while (i < n) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        if (cp == UTF8_REPLACEMENT && !is_real_fffd(s + i, adv)) {
            o += utf8_encode(UTF8_REPLACEMENT, out + o);
        } else {
            for (size_t k = 0; k < adv; k++) out[o++] = s[i + k];
        }
        i += adv;
    }
    out[o] = '\0';
    if (outlen) *outlen = o;
    return out;
}

size_t utf8_length(const char *s, size_t n)
{
    size_t i = 0, c = 0;
    while (i < n) {
        size_t adv;
        utf8_decode(s + i, n - i, &adv);
        i += adv;
        c++;
    }
    return c;
}

bool utf8_is_wide(uint32_t cp)
{
    /* UAX #11 W and F ranges for CJK scripts, without Hangul (cjk.md §1:
     * Korean uses spaces between words, so its soft breaks stay spaces). */
    return (cp >= 0x2E80 && cp <= 0x303E) ||   /* radicals, CJK punctuation */
           (cp >= 0x3041 && cp <= 0x3130) ||   /* kana, bopomofo */
           (cp >= 0x3190 && cp <= 0x33FF) ||   /* kanbun .. CJK compat */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* ext A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* unified ideographs */
           (cp >= 0xA000 && cp <= 0xA4CF) ||   /* Yi */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compat ideographs */
           (cp >= 0xFE10 && cp <= 0xFE19) ||   /* vertical forms */
           (cp >= 0xFE30 && cp <= 0xFE6F) ||   /* compat/small forms */
           (cp >= 0xFF01 && cp <= 0xFF60) ||   /* fullwidth ASCII */
           (cp >= 0xFFE0 && cp <= 0xFFE6) ||   /* fullwidth signs */
           (cp >= 0x20000 && cp <= 0x3FFFD);   /* planes 2 and 3 */
}

bool utf8_is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFD) ||
           cp == 0x3007 || cp == 0x3005;
}

bool utf8_is_kana(uint32_t cp)
{
    return (cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A0 && cp <= 0x30FF) ||
           (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F);
}

bool utf8_is_cjk_punct(uint32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x303F && cp != 0x3005 && cp != 0x3007) ||
           (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
           (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
           (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           cp == 0x2014 || cp == 0x2026 || cp == 0x2018 || cp == 0x2019 ||
           cp == 0x201C || cp == 0x201D || cp == 0x00B7 || cp == 0x30FB;
}

bool utf8_is_latin(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x1E00 && cp <= 0x1EFF);
}

bool utf8_is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

bool utf8_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
           cp == '\v' || cp == 0x3000;
}
