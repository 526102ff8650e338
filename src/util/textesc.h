/* src/util/textesc.h - text from data made safe for a terminal or a plain
 * text output. Labels and names come from input files and may hold ESC and
 * other control bytes that a terminal would obey (colours, cursor moves,
 * window titles, OSC 8 links). Text written for a person escapes them; data
 * files (CSV, JSON) never go through this and keep their exact bytes.
 * Nothing here is public API.
 */
#ifndef IAF_UTIL_TEXTESC_H
#define IAF_UTIL_TEXTESC_H

#include <stddef.h>

#include "util/util.h"

/* Streaming state: up to 3 bytes of a UTF-8 sequence cut by a write. */
typedef struct iaf_textesc {
    unsigned char pend[4];
    size_t npend;
} iaf_textesc;

/* Append s[0..n-1] to out with every C0 control byte but LF and TAB, DEL,
 * and every byte that is not part of valid UTF-8 written as \xNN; the C1
 * controls U+0080..U+009F (valid UTF-8, still obeyed by some terminals) as
 * \u0080..\u009F; a backslash as is. A sequence cut at the end is kept in
 * st for the next call; iaf_textesc_finish escapes what is left. st may be
 * NULL (the text is complete). Returns 0 or -1 (out of memory). */
int iaf_textesc_append(iaf_textesc *st, iaf_buf *out, const char *s, size_t n);
int iaf_textesc_finish(iaf_textesc *st, iaf_buf *out);

#endif
