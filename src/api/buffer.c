/* src/api/buffer.c - iaf/buffer.h over the internal growable buffer. */
#include "iaf/buffer.h"

#include <stdlib.h>

#include "api/api.h"
#include "util/util.h"

struct iaf_buffer {
    iaf_buf b;
};

iaf_buffer *iaf_buffer_new(void)
{
    return iaf_calloc(1, sizeof(iaf_buffer));
}

void iaf_buffer_free(iaf_buffer *b)
{
    if (!b) return;
    iaf_buf_free(&b->b);
    iaf_free(b);
}

void iaf_buffer_clear(iaf_buffer *b)
{
    if (!b) return;
    b->b.len = 0;
    if (b->b.data) b->b.data[0] = '\0';
}

const char *iaf_buffer_data(const iaf_buffer *b)
{
    return b && b->b.data ? b->b.data : "";
}

size_t iaf_buffer_len(const iaf_buffer *b)
{
    return b ? b->b.len : 0;
}

iaf_buf *iaf_buffer_raw(iaf_buffer *b)
{
    return &b->b;
}
