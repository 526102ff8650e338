/* src/core/labelfold.h - the label the audit gives a raw value of a column read as is
 * (an attribute without recode, bins or crosswalk): null, the empty string and a
 * declared missing token are the missing category (""); any other value is its
 * declared normalisation (core/labels.h). Tokens are normalised like the values, as
 * the derivation does (core/attr.c), so a weights file keyed by these labels joins
 * rows and count-table cells the way the audit counts them. */
#ifndef IAF_CORE_LABELFOLD_H
#define IAF_CORE_LABELFOLD_H

#include <stddef.h>

#include "util/util.h"

typedef struct iaf_label_fold {
    unsigned flags;
    iaf_strmap tokens; /* the declared missing tokens, normalised */
    iaf_buf buf;
} iaf_label_fold;

/* 0, or -1 when out of memory (f is then freed). */
int iaf_label_fold_init(iaf_label_fold *f, unsigned flags, const char *const *missing,
                        size_t nmissing);
/* The label of raw (ptr NULL: a null) into *out, valid until the next call; -1 on OOM. */
int iaf_label_fold_apply(iaf_label_fold *f, iaf_sv raw, iaf_sv *out);
void iaf_label_fold_free(iaf_label_fold *f);

#endif
