/* src/util/json.h - a streaming JSON writer into a growable buffer.
 *
 * Deterministic by construction: keys are written in the order the caller
 * gives them, numbers with one rule (iaf_fmt_f64: shortest round-trip
 * text; integral values without a decimal point), and NaN/infinite values
 * as null - so "undefined" metrics are null, never a number.
 */
#ifndef IAF_UTIL_JSON_H
#define IAF_UTIL_JSON_H

#include <stdint.h>

#include "util/util.h"

typedef struct iaf_json {
    iaf_buf *out;
    int depth;
    int pretty;
    int first[64]; /* per depth: no element written yet */
    int after_key;
    int failed; /* out of memory at some point */
    /* optional: told of every string written, keys and values (NULL: none) */
    void (*on_string)(void *ctx, const char *s, size_t n);
    void *on_string_ctx;
} iaf_json;

void iaf_json_init(iaf_json *j, iaf_buf *out, int pretty);
/* A writer into out for one value that parent will take whole with
 * iaf_json_raw after a key: the same layout (pretty, depth), its first
 * value placed as right after a key. */
void iaf_json_init_value(iaf_json *j, iaf_buf *out, const iaf_json *parent);
/* A value already written as JSON text by a writer from iaf_json_init_value
 * on this one (separator and indentation as for any value). */
void iaf_json_raw(iaf_json *j, const char *text, size_t n);
void iaf_json_begin_object(iaf_json *j);
void iaf_json_end_object(iaf_json *j);
void iaf_json_begin_array(iaf_json *j);
void iaf_json_end_array(iaf_json *j);
void iaf_json_key(iaf_json *j, const char *key);
void iaf_json_str(iaf_json *j, const char *s); /* NULL writes null */
void iaf_json_strn(iaf_json *j, const char *s, size_t n);
void iaf_json_num(iaf_json *j, double v); /* non-finite writes null */
void iaf_json_int(iaf_json *j, int64_t v);
void iaf_json_bool(iaf_json *j, int v);
void iaf_json_null(iaf_json *j);
/* Shorthands for "key": value */
void iaf_json_kstr(iaf_json *j, const char *key, const char *s);
void iaf_json_knum(iaf_json *j, const char *key, double v);
void iaf_json_kint(iaf_json *j, const char *key, int64_t v);
void iaf_json_kbool(iaf_json *j, const char *key, int v);

/* Append s as a JSON string literal (with quotes) to b. Invalid UTF-8 bytes
 * are replaced by U+FFFD so the output is always valid JSON. */
int iaf_json_quote(iaf_buf *b, const char *s, size_t n);

#endif
