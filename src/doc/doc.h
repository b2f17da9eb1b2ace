/* doc: the document model, what a post *is*, independent of any page.
 *
 * The input stage (input/article.c) builds a doc from a Markdown file with
 * YAML front matter; the recap stage (doc/recap.c) finds the intro, the talk
 * sections, their photos and speakers.  Layout reads it through const
 * pointers and never changes it.  `folio inspect` dumps it as JSON
 * (doc_dump_json), the basis of golden tests.
 *
 * Shape: a list of top-level blocks; containers (lists, items, quotes,
 * tables) hold children through child/next.  Container nesting is capped
 * at DOC_MAX_DEPTH while building, so every later walk is bounded whatever
 * the input.  Text is UTF-8 with inline styling as byte ranges (spans), the
 * form Pango wants.  Images are hoisted out of paragraphs into DOC_IMAGE
 * blocks (in order), and every distinct file is one doc_image record.
 *
 * All strings and records are owned by the doc (one arena) and valid until
 * doc_free().
 */
#ifndef FOLIO_DOC_H
#define FOLIO_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "input/media.h"

#define DOC_MAX_DEPTH 16

typedef enum {
    DOC_PARA,      /* text */
    DOC_HEADING,   /* text, level 1..6; also bold-only paragraphs that open a section (level 0) */
    DOC_LEADIN,    /* a bold-only paragraph followed directly by a heading: text */
    DOC_IMAGE,     /* image index */
    DOC_LIST,      /* children DOC_ITEM; ordered, start, tight */
    DOC_ITEM,      /* children: blocks */
    DOC_QUOTE,     /* children: blocks */
    DOC_CODE,      /* text (no spans), info */
    DOC_RULE,      /* thematic break */
    DOC_TABLE,     /* children DOC_ROW */
    DOC_ROW,       /* children DOC_CELL; header */
    DOC_CELL,      /* text */
} doc_kind;

typedef enum {
    SPAN_EM,
    SPAN_STRONG,
    SPAN_CODE,
    SPAN_LINK,     /* href set; bare URLs (autolinks) too */
    SPAN_STRIKE,
} doc_span_kind;

typedef struct doc_span {
    doc_span_kind kind;
    uint32_t start, end;   /* byte range in doc_text.s, start < end */
    const char *href;      /* SPAN_LINK: absolute URL or #fragment */
} doc_span;

/* Inline text: soft breaks already resolved (docs/cjk.md §1), raw HTML tags
 * dropped, hard breaks as '\n'.  Spans are sorted by start; they may nest
 * but never cross. */
typedef struct doc_text {
    const char *s;
    size_t len;
    const doc_span *spans;
    size_t nspans;
} doc_text;

typedef struct doc_block doc_block;
struct doc_block {
    doc_kind kind;
    int line, col;          /* source position, 1-based (0: unknown) */
    int level;              /* DOC_HEADING: 1..6, 0 for a bold-only paragraph */
    doc_text text;          /* PARA, HEADING, LEADIN, CODE, CELL */
    const char *info;       /* DOC_CODE: fence info string, may be NULL */
    int image;              /* DOC_IMAGE: index into doc_images() */
    bool ordered;           /* DOC_LIST */
    int start;              /* DOC_LIST: first number when ordered */
    bool tight;             /* DOC_LIST */
    bool header;            /* DOC_ROW: the table's header row */
    int align;              /* DOC_CELL: 0 left/none, 1 centre, 2 right */
    const doc_block *child; /* first child (containers) */
    const doc_block *next;  /* next sibling inside a container */
};

typedef enum {
    DOC_IMG_OK = 0,
    DOC_IMG_MISSING,      /* no such file */
    DOC_IMG_REMOTE,       /* http(s)/data:/site-absolute: never fetched */
    DOC_IMG_OUTSIDE,      /* escapes the post's folder */
    DOC_IMG_UNREADABLE,   /* not a regular file, permission, truncated */
    DOC_IMG_UNSUPPORTED,  /* not an image folio can draw */
    DOC_IMG_TOO_LARGE,    /* declares more than MEDIA_MAX_PIXELS */
} doc_image_status;

typedef struct doc_image {
    const char *src;        /* as written in the post */
    const char *path;       /* resolved absolute path; NULL unless DOC_IMG_OK */
    const char *alt;        /* alt text of the first use ("" when none) */
    const char *caption;    /* meaningful alt text, NULL for "image2", "", file names */
    doc_image_status status;
    media_info info;        /* valid when DOC_IMG_OK */
    int width, height;      /* displayed pixel size (after EXIF orientation) */
    int line, col;          /* first use */
    int uses;               /* how many times the post references it */
} doc_image;

typedef struct doc_section {
    const char *title;      /* plain text */
    int level;              /* heading level; 0 for a bold-only paragraph */
    int line;               /* source line of the heading */
    size_t first, end;      /* top-level block range [first, end), heading first */
    int photo;              /* image index of the talk photo, -1 when none */
    const char *speaker;    /* NULL when not known: never invented */
    const char *role;       /* NULL when not known */
    int paragraphs;         /* DOC_PARA blocks in the section */
} doc_section;

typedef struct doc_speaker_override {
    const char *section;    /* section title it applies to (or its 1-based number) */
    const char *name, *role, *photo;
} doc_speaker_override;

typedef struct doc_meta {
    const char *title;      /* front matter, else first heading, else file name */
    const char *date;       /* as written, NULL when absent */
    int year, month, day;   /* parsed from date; 0 when unknown */
    const char *author;
    const char *summary;    /* summary, else description */
    const char *const *tags; size_t ntags;
    const char *const *categories; size_t ncategories;
    const char *banner;     /* banner, cover or image, as written */
    int banner_image;       /* index into doc_images() when it resolved, else -1 */
    const char *lang;       /* front matter lang, else detected: "zh-Hans", "zh-Hant", "ja", "en" */
    const char *theme;      /* front matter theme: NULL when absent */
    bool draft;
    const doc_speaker_override *speakers; size_t nspeakers;
    int title_line;         /* line of the title key (0 when derived) */
} doc_meta;

typedef struct doc doc;

/* Frees the doc and everything it owns; NULL is a no-op. */
void doc_free(doc *d);

const char *doc_path(const doc *d);       /* the post's file as given */
const char *doc_dir(const doc *d);        /* its folder, absolute */
const doc_meta *doc_get_meta(const doc *d);
size_t doc_nblocks(const doc *d);
const doc_block *doc_block_at(const doc *d, size_t i);   /* top-level */
size_t doc_nsections(const doc *d);
const doc_section *doc_section_at(const doc *d, size_t i);
/* Top-level blocks before the first section: [0, doc_intro_end()). */
size_t doc_intro_end(const doc *d);
size_t doc_nimages(const doc *d);
const doc_image *doc_image_at(const doc *d, size_t i);
/* Images in the intro, in order (event photos); borrowed array. */
const int *doc_intro_images(const doc *d, size_t *n);
/* Every http(s) URL of the post (link targets and bare URLs), deduplicated,
 * in order of appearance; borrowed. */
const char *const *doc_links(const doc *d, size_t *n);

/* Appends every string of the post that layout may draw, each followed by
 * a newline: the front matter's fields, the blocks' text (nested ones
 * too), image alt text and captions, link targets, section titles and
 * speakers.  What the font set checks for coverage (fonts.h). */
void doc_collect_text(const doc *d, buf *out);

/* Appends the model as stable, indented JSON (fields in fixed order, no
 * pointers, no absolute paths unless absolute is true). */
void doc_dump_json(const doc *d, buf *out, bool absolute);
/* The same JSON with a "warnings" array (the diagnostics of dl formatted as
 * GCC-style lines, file names made relative like the rest) as the last
 * member; dl may be NULL.  This is what `folio inspect POST.md` prints. */
void doc_dump_json_with(const doc *d, const diag_list *dl, buf *out,
                        bool absolute);
/* Stable lowercase name of a block kind ("para", "heading", ...). */
const char *doc_kind_name(doc_kind k);

#endif
