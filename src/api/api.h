/* src/api/api.h - what the public entry points of src/api/ share inside the
 * library (never installed). */
#ifndef IAF_API_API_H
#define IAF_API_API_H

#include "iaf/buffer.h"
#include "util/util.h"

/* The internal buffer behind a public one (writers append to it). */
iaf_buf *iaf_buffer_raw(iaf_buffer *b);

/* IAF_NORM_* flags of "trim,nfkc,..." (steps already checked by
 * iaf_normalize_check; unknown steps are ignored). */
unsigned iaf_api_normalize_flags(const char *steps);

#endif
