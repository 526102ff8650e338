/* iaf/inspect.h - what a Parquet file holds: its writer, row count, schema
 * tree (physical, logical and converted types, repetition), row groups and,
 * per column chunk, codec, encodings, sizes, null count and min/max
 * statistics; and a check that every flat column decodes. For a CSV or JSON
 * Lines file: its columns by position (#N) and, after verify (which reads
 * every row), each column's inferred type, null, empty and distinct counts
 * (exact up to 10000) and min/max.
 *
 * The text form is for a person (names and statistics are the file's bytes:
 * escape them before they reach a terminal); the JSON form is one object
 * with the same facts (see `iaf inspect --json`).
 */
#ifndef IAF_INSPECT_H
#define IAF_INSPECT_H

#include <stddef.h>

#include "iaf/buffer.h"
#include "iaf/defs.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_inspection iaf_inspection;

/* Read the footer of the Parquet file at path (a CSV or JSON Lines file:
 * its header or first object). On success *out is owned by the caller
 * (iaf_inspect_free). */
IAF_API iaf_status iaf_inspect_open(const char *path, iaf_inspection **out, iaf_error *err);
/* Decode every flat column of every row group; *checked (optional) receives
 * the number of column chunks decoded. A corrupt page is a located error.
 * The outcome is remembered for the writers below. */
IAF_API iaf_status iaf_inspect_verify(iaf_inspection *in, size_t *checked, iaf_error *err);
/* Append the text (or JSON) form to out; after iaf_inspect_verify it ends
 * with the verification's outcome ("verified: N flat columns decoded", or
 * "verified_flat_columns": N or null). */
IAF_API iaf_status iaf_inspect_write_text(const iaf_inspection *in, iaf_buffer *out,
                                          iaf_error *err);
IAF_API iaf_status iaf_inspect_write_json(const iaf_inspection *in, iaf_buffer *out,
                                          iaf_error *err);
/* Accepts NULL. */
IAF_API void iaf_inspect_free(iaf_inspection *in);

#ifdef __cplusplus
}
#endif
#endif
