/* An Arrow C stream (arrow_abi.h) read into an xsource (columns.h). */
#ifndef IAF_PY_ARROW_H
#define IAF_PY_ARROW_H

#include <stddef.h>

#include "arrow_abi.h"
#include "columns.h"

/* The record batches pulled from a stream, kept alive while they are read. */
typedef struct xarrays {
    struct ArrowArray *v;
    size_t n, cap;
} xarrays;

/* Pull every batch of the stream into keep and describe them in s (chunks
 * and columns; parts are the caller's). 0, or -1 with errbuf filled. The
 * stream is not released. Whatever was pulled is in keep either way. */
int xs_from_arrow_stream(xsource *s, struct ArrowArrayStream *stream, xarrays *keep, char *errbuf,
                         size_t errn);
/* Release every batch kept. */
void xarrays_release(xarrays *k);

#endif
