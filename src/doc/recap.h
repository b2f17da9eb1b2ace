/* recap: what a recap post is made of: intro, talk sections, each talk's
 * photo, speaker and role.
 *
 * Runs on a freshly built doc (input/article.c calls it last) and
 * annotates it in place; afterwards the doc is read-only.
 */
#ifndef FOLIO_RECAP_H
#define FOLIO_RECAP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "doc/doc_build.h"

/* Turns bold-only paragraphs into section headings (level 0) or lead-in
 * lines, splits the top-level blocks into intro and sections, picks each
 * section's photo, extracts speaker and role (front matter speakers:
 * override), fills the intro images and, when the front matter gave none,
 * the language.  file names diagnostics (an override that matches no
 * section is a warning). */
void recap_detect(doc *d, const char *file, diag_list *dl);

/* Speaker extraction on one text, exposed for tests: looks for
 * "<role><name><verb>" in the first sentence of para (section_text is the
 * whole section's text, used to confirm a name by repetition, may be
 * NULL).  On success returns true and sets *name and *role (role may be
 * NULL) to new strings owned by the caller (free with free()); otherwise
 * returns false and sets both to NULL.  Never guesses: a name must be 2-4
 * Han characters starting with a known surname and be delimited by a title
 * word, a non-Han boundary, an honorific, or confirmed by repetition. */
bool recap_speaker(const char *para, const char *section_text, char **name,
                   char **role);

/* The same for a heading that is nothing but "<role><name>" (e.g.
 * "麒麟软件有限公司资深专家 陈棋德"); requires a title word before the name. */
bool recap_speaker_title(const char *title, char **name, char **role);

/* True when a block is a bold-only paragraph (one strong span over all
 * of its text). */
bool recap_is_bold_only(const doc_block *b);

#endif
