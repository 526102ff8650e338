/* src/api/text.c - iaf/text.h over util/textesc.c. */
#include "iaf/text.h"

#include <string.h>

#include "api/api.h"
#include "util/textesc.h"

_Static_assert(sizeof(((iaf_text_escaper *)0)->pending) == sizeof(((iaf_textesc *)0)->pend),
               "the public escaper holds the internal state");

static void load(iaf_textesc *in, const iaf_text_escaper *st)
{
    memcpy(in->pend, st->pending, sizeof in->pend);
    in->npend = st->npending;
}

static void store(iaf_text_escaper *st, const iaf_textesc *in)
{
    memcpy(st->pending, in->pend, sizeof in->pend);
    st->npending = in->npend;
}

iaf_status iaf_text_escape(iaf_text_escaper *st, const char *s, size_t n, iaf_buffer *out)
{
    iaf_textesc in = {{0}, 0};
    if (st) load(&in, st);
    int rc = iaf_textesc_append(st ? &in : NULL, iaf_buffer_raw(out), s, n);
    if (st) store(st, &in);
    return rc ? IAF_ERR_NOMEM : IAF_OK;
}

iaf_status iaf_text_escape_finish(iaf_text_escaper *st, iaf_buffer *out)
{
    iaf_textesc in = {{0}, 0};
    if (st) load(&in, st);
    int rc = iaf_textesc_finish(st ? &in : NULL, iaf_buffer_raw(out));
    if (st) store(st, &in);
    return rc ? IAF_ERR_NOMEM : IAF_OK;
}
