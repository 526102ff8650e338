/* iaf/text.h - text from data made safe for a terminal, and the closest name.
 *
 * Labels, column names and messages quoting them come from input files and
 * may hold ESC and other control bytes a terminal would obey (colours,
 * cursor moves, window titles, links). Text meant for a person goes through
 * iaf_text_escape; data outputs (CSV, JSON, Markdown, HTML) keep their bytes.
 */
#ifndef IAF_TEXT_H
#define IAF_TEXT_H

#include <stddef.h>

#include "iaf/buffer.h"
#include "iaf/defs.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Streaming state: a UTF-8 sequence cut between two calls. Zero-initialise
 * it ({0}) before the first call. */
typedef struct iaf_text_escaper {
    unsigned char pending[4];
    size_t npending;
} iaf_text_escaper;

/* Append s[0..n) to out with every C0 control byte but LF and TAB, DEL, and
 * every byte that is not part of valid UTF-8 written as \xNN, and the C1
 * controls U+0080..U+009F as \u0080..\u009F. A sequence cut at the end of s
 * waits in st for the next call; iaf_text_escape_finish writes what is left.
 * st may be NULL when s is the whole text. IAF_ERR_NOMEM or IAF_OK. */
IAF_API iaf_status iaf_text_escape(iaf_text_escaper *st, const char *s, size_t n, iaf_buffer *out);
IAF_API iaf_status iaf_text_escape_finish(iaf_text_escaper *st, iaf_buffer *out);

/* "Did you mean ...?": the candidate closest to name by edit distance over
 * characters (UTF-8 code points; ASCII case ignored), when it is close enough
 * to be a likely typo: at most one edit for names up to 5 characters, else a
 * third of the name's length. Ties go to the earliest candidate. NULL when
 * none is close, when name is itself a candidate, or for names longer than
 * 128 characters. The one rule behind every suggestion iaf makes (columns,
 * options). Borrowed from cands; allocates nothing. */
IAF_API const char *iaf_suggest(const char *name, const char *const *cands, size_t n);

#ifdef __cplusplus
}
#endif
#endif
