/* media: what an image file is, from its header alone.
 *
 * The input stage calls media_probe() on the bytes of every image a post
 * references, before anything is decoded or allocated for its pixels.  The
 * answer decides whether the image is drawn or replaced by a placeholder, how
 * large it is on the page (after EXIF orientation), and whether the renderer
 * may embed a JPEG as it is.
 *
 * Each format is recognised by its signature and then read as far as the
 * size is declared:
 *
 *   PNG   8-byte signature, then IHDR, which the PNG spec (ISO/IEC 15948
 *         §11.2.2) requires to be the first chunk: width, height, bit depth,
 *         colour type, interlace method.
 *   JPEG  SOI, then a walk over the marker segments (ITU-T T.81 §B.1.1.4:
 *         0xFF, fill bytes, a marker, a big-endian length that counts
 *         itself) up to the first frame header SOFn: precision, height,
 *         width, components.  Segments before it may hold EXIF (APP1,
 *         "Exif\0\0", a TIFF structure) whose IFD0 carries the orientation
 *         tag 0x0112; the walk continues after SOF up to the first scan
 *         (SOS) for writers that put APP1 late, as long as data remains.
 *   WebP  a RIFF container (RIFF size WEBP) whose first chunk is VP8 (lossy
 *         key frame header), VP8L (lossless, 14-bit sizes) or VP8X
 *         (extended: flags and 24-bit canvas size).
 *   GIF, BMP, SVG are recognised so that the warning can name them, and
 *         refused: folio does not draw them.
 *
 * Every read is checked against len first; offsets taken from the file
 * (EXIF IFD offsets, segment lengths, chunk sizes) are compared with what
 * remains before they are used, never added to a pointer unchecked.  The
 * JPEG walk advances by at least two bytes per segment, so it ends on any
 * input.  No function here allocates.
 */
#include "input/media.h"

#include <stdint.h>
#include <string.h>

/* ---- byte readers: callers have checked that the bytes exist ---- */

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static uint32_t le24(const unsigned char *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The pixel limit, in 64 bits so that 65535 x 65535 cannot wrap. */
static media_status check_size(media_info *info, uint64_t w, uint64_t h)
{
    if (w > INT32_MAX || h > INT32_MAX) return MEDIA_ERR_TOO_LARGE;
    info->width = (int)w;
    info->height = (int)h;
    if (w == 0 || h == 0 || w * h > MEDIA_MAX_PIXELS) return MEDIA_ERR_TOO_LARGE;
    return MEDIA_OK;
}

/* True when data (len bytes) is a proper prefix of sig: a file cut short
 * inside its signature. */
static bool is_prefix_of(const unsigned char *data, size_t len, const char *sig, size_t siglen)
{
    return len < siglen && memcmp(data, sig, len) == 0;
}

/* ---- PNG ---- */

static const char png_sig[8] = "\x89PNG\r\n\x1a\n";

static media_status probe_png(const unsigned char *d, size_t len, media_info *info)
{
    /* signature 8, chunk length 4, type 4, IHDR data 13 (the CRC is not
     * needed to read the header and is checked by the decoder). */
    if (len < 8 + 8 + 13) return MEDIA_ERR_TRUNCATED;
    if (be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0) return MEDIA_ERR_UNKNOWN;
    const unsigned char *h = d + 16;
    uint32_t w = be32(h), ht = be32(h + 4);
    int depth = h[8], type = h[9], interlace = h[12];
    info->bit_depth = depth;
    info->progressive = interlace == 1;
    /* Allowed depths per colour type, PNG spec table 11.1. */
    bool ok;
    switch (type) {
    case 0: info->components = 1; ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
    case 2: info->components = 3; ok = depth == 8 || depth == 16; break;
    case 3: info->components = 3; ok = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
    case 4: info->components = 2; ok = depth == 8 || depth == 16; break;
    case 6: info->components = 4; ok = depth == 8 || depth == 16; break;
    default: info->components = 0; ok = false; break;
    }
    info->alpha = type == 4 || type == 6;
    /* PNG limits sizes to 2^31 - 1; compression, filter and interlace
     * methods other than 0, 0 and 0/1 are undefined. */
    if (!ok || h[10] != 0 || h[11] != 0 || interlace > 1 || w > INT32_MAX || ht > INT32_MAX)
        return MEDIA_ERR_UNKNOWN;
    media_status st = check_size(info, w, ht);
    if (st != MEDIA_OK) return st;
    /* A tRNS chunk gives a palette image alpha (a grey or RGB image one
     * transparent colour).  Walk the chunks between IHDR and the first IDAT
     * as far as the data goes: informative only. */
    if (type == 0 || type == 2 || type == 3) {
        size_t pos = 8 + 8 + 13 + 4;
        while (pos <= len && len - pos >= 8) {
            uint32_t n = be32(d + pos);
            if (!memcmp(d + pos + 4, "tRNS", 4)) {
                info->alpha = true;
                if (type == 3) info->components = 4;
                break;
            }
            if (!memcmp(d + pos + 4, "IDAT", 4) || n > len - pos - 8 || len - pos - 8 - n < 4)
                break;
            pos += 8 + (size_t)n + 4;
        }
    }
    return MEDIA_OK;
}

/* ---- JPEG ---- */

/* Reads the orientation from an APP1 payload (after the marker and length):
 * "Exif\0\0", then a TIFF header (byte order "II" or "MM", 42, offset of
 * IFD0), then IFD0: a 2-byte count and 12-byte entries (tag, type, count,
 * value).  Orientation is a SHORT with count 1, stored in the value field.
 * Returns 0 when absent or malformed: the caller keeps 1. */
static int exif_orientation(const unsigned char *p, size_t n)
{
    if (n < 6 + 8 || memcmp(p, "Exif\0\0", 6) != 0) return 0;
    const unsigned char *t = p + 6;
    size_t tn = n - 6;
    bool little;
    if (!memcmp(t, "II\x2a\0", 4)) little = true;
    else if (!memcmp(t, "MM\0\x2a", 4)) little = false;
    else return 0;
    uint32_t ifd = little ? le32(t + 4) : be32(t + 4);
    if (ifd < 8 || ifd > tn || tn - ifd < 2) return 0;
    unsigned count = little ? le16(t + ifd) : be16(t + ifd);
    size_t pos = (size_t)ifd + 2;
    /* The count comes from the file: stop at the end of the segment. */
    for (unsigned i = 0; i < count && tn - pos >= 12; i++, pos += 12) {
        const unsigned char *e = t + pos;
        unsigned tag = little ? le16(e) : be16(e);
        if (tag != 0x0112) continue;
        unsigned type = little ? le16(e + 2) : be16(e + 2);
        uint32_t cnt = little ? le32(e + 4) : be32(e + 4);
        if (type != 3 || cnt != 1) return 0;
        unsigned v = little ? le16(e + 8) : be16(e + 8);
        return v >= 1 && v <= 8 ? (int)v : 0;
    }
    return 0;
}

static media_status probe_jpeg(const unsigned char *d, size_t len, media_info *info)
{
    size_t pos = 2;
    bool have_sof = false;
    media_status result = MEDIA_ERR_TRUNCATED;
    for (;;) {
        if (pos >= len) break;
        if (d[pos] != 0xFF) {
            /* Garbage between segments: libjpeg skips it with a warning,
             * but before the frame header it means this is no JPEG. */
            if (!have_sof) result = MEDIA_ERR_UNKNOWN;
            break;
        }
        while (pos < len && d[pos] == 0xFF) pos++;   /* fill bytes */
        if (pos >= len) break;
        unsigned m = d[pos++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;   /* no length */
        if (m == 0xD9 || m == 0xDA || m == 0x00 || m == 0xD8) {
            /* EOI or a scan before any frame header: not a valid JPEG.
             * After the frame header, the first scan ends the walk. */
            if (!have_sof) result = MEDIA_ERR_UNKNOWN;
            break;
        }
        if (len - pos < 2) break;
        size_t seg = be16(d + pos);
        if (seg < 2) {
            if (!have_sof) result = MEDIA_ERR_UNKNOWN;
            break;
        }
        const unsigned char *p = d + pos + 2;
        size_t avail = len - pos - 2;
        size_t n = seg - 2;
        if (m == 0xE1 && info->orientation == 1) {
            int o = exif_orientation(p, n < avail ? n : avail);
            if (o) info->orientation = o;
        }
        bool is_sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (is_sof && !have_sof) {
            if (avail < 6 || n < 6) {
                if (avail >= n) result = MEDIA_ERR_UNKNOWN;   /* a short SOF */
                break;
            }
            have_sof = true;
            info->bit_depth = p[0];
            info->components = p[5];
            info->progressive = m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE;
            result = check_size(info, be16(p + 3), be16(p + 1));
            if (result != MEDIA_OK) break;
            /* libjpeg-turbo here decodes 8-bit Huffman baseline, extended
             * and progressive frames; PDF DCTDecode promises no more.
             * Lossless (C3), hierarchical (C5-C7) and arithmetic-coded
             * (C9-CF) frames and 12-bit samples are refused. */
            if (m > 0xC2 || info->bit_depth != 8) result = MEDIA_ERR_UNSUPPORTED;
            else if (info->components != 1 && info->components != 3 && info->components != 4)
                result = MEDIA_ERR_UNSUPPORTED;
            if (result != MEDIA_OK) break;
        }
        if (n > avail) break;   /* segment runs past the data */
        pos += seg;
    }
    return result;
}

/* ---- WebP ---- */

static media_status probe_webp(const unsigned char *d, size_t len, media_info *info)
{
    /* RIFF(4) size(4) WEBP(4) fourcc(4) chunk size(4) */
    if (len < 20) return MEDIA_ERR_TRUNCATED;
    const unsigned char *c = d + 20;
    size_t avail = len - 20;
    uint32_t csize = le32(d + 16);
    info->components = 3;
    info->bit_depth = 8;
    if (!memcmp(d + 12, "VP8 ", 4)) {
        /* RFC 6386 §9.1: 3-byte frame tag (bit 0 clear on a key frame),
         * start code 9d 01 2a, then 14-bit width and height, each with a
         * 2-bit upscaling factor that does not change the decoded size. */
        if (avail < 10) return MEDIA_ERR_TRUNCATED;
        if (csize < 10 || (c[0] & 1) || memcmp(c + 3, "\x9d\x01\x2a", 3) != 0)
            return MEDIA_ERR_UNKNOWN;
        return check_size(info, le16(c + 6) & 0x3fff, le16(c + 8) & 0x3fff);
    }
    if (!memcmp(d + 12, "VP8L", 4)) {
        /* WebP lossless bitstream §3: signature 0x2f, then 14 bits width-1,
         * 14 bits height-1, 1 bit alpha_is_used, 3 bits version (0). */
        if (avail < 5) return MEDIA_ERR_TRUNCATED;
        if (csize < 5 || c[0] != 0x2f) return MEDIA_ERR_UNKNOWN;
        uint32_t bits = le32(c + 1);
        if (bits >> 29) return MEDIA_ERR_UNKNOWN;
        info->alpha = (bits >> 28) & 1;
        info->components = info->alpha ? 4 : 3;
        return check_size(info, (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
    if (!memcmp(d + 12, "VP8X", 4)) {
        /* Extended format: flags (ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04,
         * animation 0x02), 3 reserved bytes, 24-bit canvas width-1 and
         * height-1. */
        if (avail < 10) return MEDIA_ERR_TRUNCATED;
        if (csize < 10) return MEDIA_ERR_UNKNOWN;
        info->alpha = (c[0] & 0x10) != 0;
        info->components = info->alpha ? 4 : 3;
        media_status st = check_size(info, le24(c + 4) + 1, le24(c + 7) + 1);
        if (st != MEDIA_OK) return st;
        /* libwebp's still-image decoder draws no animation. */
        return (c[0] & 0x02) ? MEDIA_ERR_UNSUPPORTED : MEDIA_OK;
    }
    return MEDIA_ERR_UNKNOWN;
}

/* ---- recognised, not drawn ---- */

static media_status probe_gif(const unsigned char *d, size_t len, media_info *info)
{
    if (len >= 10) {
        info->width = (int)le16(d + 6);
        info->height = (int)le16(d + 8);
    }
    return MEDIA_ERR_UNSUPPORTED;
}

/* "BM" alone is too weak (a text file may start with it): also require a
 * known DIB header size (core 12, info 40, v2 52, v3 56, v4 108, v5 124). */
static bool is_bmp(const unsigned char *d, size_t len)
{
    if (len < 18 || d[0] != 'B' || d[1] != 'M') return false;
    uint32_t dib = le32(d + 14);
    return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 108 || dib == 124;
}

static media_status probe_bmp(const unsigned char *d, size_t len, media_info *info)
{
    uint32_t dib = le32(d + 14);
    if (dib == 12 && len >= 22) {
        info->width = (int)le16(d + 18);
        info->height = (int)le16(d + 20);
    } else if (dib >= 40 && len >= 26) {
        /* A negative height means top-down rows. */
        int32_t w = (int32_t)le32(d + 18), h = (int32_t)le32(d + 22);
        if (w > 0 && h != INT32_MIN) {
            info->width = w;
            info->height = h < 0 ? -h : h;
        }
    }
    return MEDIA_ERR_UNSUPPORTED;
}

/* An SVG is XML text whose first element is <svg>.  Skips a UTF-8 BOM,
 * white space, the XML declaration, comments, a DOCTYPE and processing
 * instructions, all within the first 4 KiB. */
static bool is_svg(const unsigned char *d, size_t len)
{
    size_t n = len < 4096 ? len : 4096, i = 0;
    if (n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3)) i = 3;
    for (;;) {
        while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) i++;
        if (i >= n || d[i] != '<') return false;
        const char *end = NULL;
        if (n - i >= 4 && !memcmp(d + i, "<!--", 4)) end = "-->";
        else if (n - i >= 2 && (d[i + 1] == '?' || d[i + 1] == '!')) end = ">";
        if (!end) {
            if (n - i < 5 || memcmp(d + i + 1, "svg", 3) != 0) return false;
            unsigned char c = d[i + 4];
            return c == ' ' || c == '>' || c == '\t' || c == '\r' || c == '\n' || c == '/';
        }
        const unsigned char *e = memmem(d + i + 1, n - i - 1, end, strlen(end));
        if (!e) return false;
        i = (size_t)(e - d) + strlen(end);
    }
}

/* ---- entry points ---- */

media_status media_probe(const unsigned char *data, size_t len, media_info *info)
{
    memset(info, 0, sizeof *info);
    info->orientation = 1;
    if (!data || len == 0) return MEDIA_ERR_TRUNCATED;

    if (len >= 8 ? !memcmp(data, png_sig, 8) : is_prefix_of(data, len, png_sig, 8)) {
        info->format = MEDIA_PNG;
        return probe_png(data, len, info);
    }
    if (len >= 3 ? !memcmp(data, "\xFF\xD8\xFF", 3) : is_prefix_of(data, len, "\xFF\xD8\xFF", 3)) {
        info->format = MEDIA_JPEG;
        return probe_jpeg(data, len, info);
    }
    if (len >= 4 ? !memcmp(data, "RIFF", 4) : is_prefix_of(data, len, "RIFF", 4)) {
        /* RIFF also holds WAV and AVI: only RIFF....WEBP is WebP. */
        if (len > 8 && !(len >= 12 ? !memcmp(data + 8, "WEBP", 4)
                                   : is_prefix_of(data + 8, len - 8, "WEBP", 4)))
            return MEDIA_ERR_UNKNOWN;
        info->format = MEDIA_WEBP;
        return probe_webp(data, len, info);
    }
    if (len >= 6 && (!memcmp(data, "GIF87a", 6) || !memcmp(data, "GIF89a", 6))) {
        info->format = MEDIA_GIF;
        return probe_gif(data, len, info);
    }
    if (is_bmp(data, len)) {
        info->format = MEDIA_BMP;
        return probe_bmp(data, len, info);
    }
    if (is_svg(data, len)) {
        info->format = MEDIA_SVG;
        return MEDIA_ERR_UNSUPPORTED;
    }
    return MEDIA_ERR_UNKNOWN;
}

/* PNG: length, type, data, CRC per chunk, from after the signature. */
static bool png_complete(const unsigned char *d, size_t len)
{
    size_t pos = 8;
    while (len - pos >= 12) {
        uint32_t n = be32(d + pos);
        if (!memcmp(d + pos + 4, "IEND", 4)) return true;
        if (n > len - pos - 12) return false;
        pos += 12 + (size_t)n;
    }
    return false;
}

/* True when FF D9 occurs in d[0..n).  Searched from the end, where a
 * whole file has it: a forward memmem() read every byte of every photo
 * (twice per post: here and again when render embeds it), 2 % of a
 * seed deck's instructions. */
static bool ends_with_eoi(const unsigned char *d, size_t n)
{
    for (size_t i = n; i >= 2; i--)
        if (d[i - 1] == 0xD9 && d[i - 2] == 0xFF) return true;
    return false;
}

/* JPEG: the marker segments up to the first SOS, then EOI (FF D9) in what
 * follows; byte stuffing keeps FF D9 out of entropy-coded data. */
static bool jpeg_complete(const unsigned char *d, size_t len)
{
    size_t pos = 2;
    while (pos < len && d[pos] == 0xFF) {
        while (pos < len && d[pos] == 0xFF) pos++;
        if (pos >= len) return false;
        unsigned m = d[pos++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;
        if (m == 0xD9 || len - pos < 2) return false;
        size_t seg = be16(d + pos);
        if (seg < 2 || seg > len - pos) return false;
        pos += seg;
        if (m == 0xDA) return ends_with_eoi(d + pos, len - pos);
    }
    return false;
}

bool media_complete(const unsigned char *data, size_t len, const media_info *info)
{
    if (!data || !info) return false;
    switch (info->format) {
    case MEDIA_PNG: return len >= 8 && png_complete(data, len);
    case MEDIA_JPEG: return len >= 2 && jpeg_complete(data, len);
    case MEDIA_WEBP: return len >= 8 && le32(data + 4) <= len - 8;
    default: return true;
    }
}

const char *media_format_name(media_format f)
{
    switch (f) {
    case MEDIA_UNKNOWN: break;
    case MEDIA_PNG: return "png";
    case MEDIA_JPEG: return "jpeg";
    case MEDIA_WEBP: return "webp";
    case MEDIA_GIF: return "gif";
    case MEDIA_BMP: return "bmp";
    case MEDIA_SVG: return "svg";
    }
    return "unknown";
}

const char *media_status_message(media_status st)
{
    switch (st) {
    case MEDIA_OK: return "ok";
    case MEDIA_ERR_TRUNCATED: return "truncated image header";
    case MEDIA_ERR_UNKNOWN: return "not a recognised image format";
    case MEDIA_ERR_UNSUPPORTED: return "unsupported image format or variant";
    case MEDIA_ERR_TOO_LARGE: return "declares no pixels or more than 40 megapixels";
    }
    return "unknown status";
}

void media_oriented_size(const media_info *info, int *w, int *h)
{
    bool swap = info->orientation >= 5 && info->orientation <= 8;
    *w = swap ? info->height : info->width;
    *h = swap ? info->width : info->height;
}
