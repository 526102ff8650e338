/* iaf/buffer.h - a growable byte buffer the library writes text into.
 *
 * Functions that produce a document (a CSV table, a JSON object) append it
 * to an iaf_buffer the caller owns, so the caller decides where the bytes go
 * (a file, a pipe, an atomic output set) and the library never writes files
 * it was not asked to.
 */
#ifndef IAF_BUFFER_H
#define IAF_BUFFER_H

#include <stddef.h>

#include "iaf/defs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_buffer iaf_buffer;

/* A new empty buffer, owned by the caller (iaf_buffer_free); NULL when out
 * of memory. */
IAF_API iaf_buffer *iaf_buffer_new(void);
/* Free the buffer and its bytes. Accepts NULL. */
IAF_API void iaf_buffer_free(iaf_buffer *b);
/* Empty the buffer, keeping its memory for the next document. */
IAF_API void iaf_buffer_clear(iaf_buffer *b);
/* The bytes, NUL-terminated (also when empty: ""). Borrowed: valid until
 * the next call that changes or frees the buffer. */
IAF_API const char *iaf_buffer_data(const iaf_buffer *b);
IAF_API size_t iaf_buffer_len(const iaf_buffer *b);

#ifdef __cplusplus
}
#endif
#endif
