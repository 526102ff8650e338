/* src/core/labelfold.c - see labelfold.h. */
#include "core/labelfold.h"

#include <string.h>

#include "core/labels.h"

void iaf_label_fold_free(iaf_label_fold *f)
{
    if (!f) return;
    iaf_strmap_free(&f->tokens);
    iaf_buf_free(&f->buf);
    memset(f, 0, sizeof *f);
}

int iaf_label_fold_init(iaf_label_fold *f, unsigned flags, const char *const *missing,
                        size_t nmissing)
{
    memset(f, 0, sizeof *f);
    f->flags = flags;
    for (size_t i = 0; i < nmissing; i++) {
        f->buf.len = 0;
        if (iaf_label_normalize(missing[i], strlen(missing[i]), flags, &f->buf) != 0 ||
            iaf_strmap_intern(&f->tokens, f->buf.data ? f->buf.data : "", f->buf.len) < 0) {
            iaf_label_fold_free(f);
            return -1;
        }
    }
    return 0;
}

int iaf_label_fold_apply(iaf_label_fold *f, iaf_sv raw, iaf_sv *out)
{
    *out = (iaf_sv){"", 0};
    if (!raw.ptr || raw.len == 0) return 0;
    iaf_sv v = raw;
    if (f->flags) {
        f->buf.len = 0;
        if (iaf_label_normalize(raw.ptr, raw.len, f->flags, &f->buf) != 0) return -1;
        v = (iaf_sv){f->buf.data ? f->buf.data : "", f->buf.len};
    }
    if (v.len == 0 || iaf_strmap_find(&f->tokens, v.ptr, v.len) >= 0) return 0;
    *out = v;
    return 0;
}
