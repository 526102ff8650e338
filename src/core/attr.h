/* src/core/attr.h - attributes derived from columns, and the step that turns
 * raw value-tuple counts into attribute tables (METHOD.md sections 2-3).
 *
 * An attribute is a categorical variable made from one column: the raw
 * value as is, a numeric value binned into labelled bands, a recode
 * (value -> value), or a crosswalk (many-to-one or weighted many-to-many).
 * Missing raw values - null, the empty string, and the tokens an attribute
 * or its dataset declares (METHOD.md section 3.7: nothing else by default,
 * so a Y/N column's "N" is a category) - become the missing category (the
 * empty label) unless the attribute drops them. Declared label
 * normalisation (core/labels.h) runs on every raw value first, and on the
 * missing tokens and recode keys it is compared with.
 */
#ifndef IAF_CORE_ATTR_H
#define IAF_CORE_ATTR_H

#include "core/crosswalk.h"
#include "core/expr.h"
#include "core/labels.h"
#include "core/rawcount.h"
#include "iaf/table.h"

typedef enum iaf_attr_kind {
    IAF_ATTR_ASIS = 0,
    IAF_ATTR_BIN,
    IAF_ATTR_RECODE,
    IAF_ATTR_CROSSWALK
} iaf_attr_kind;

typedef struct iaf_attr {
    char *name;
    char *column;
    iaf_attr_kind kind;
    /* BIN: nbins bands [edges[i], edges[i+1]) (last one closed when
     * right_closed_last), labels[i]; values outside every band are unmapped */
    size_t nbins;
    double *edges;
    char **labels;
    int right_closed_last;
    /* RECODE: from[i] -> to[i]; unlisted values kept as is when keep_other,
     * else unmapped */
    size_t nrecode;
    char **from, **to;
    int keep_other;
    iaf_strmap recode_index; /* from -> i */
    /* CROSSWALK (borrowed, owned by whoever loaded it) */
    iaf_crosswalk *crosswalk;
    /* missing handling */
    char **missing_tokens; /* declared raw values that mean "missing" (null and "" always do) */
    size_t nmissing;
    int drop_missing;   /* 1: missing rows leave the universe instead of forming a category */
    unsigned normalize; /* IAF_NORM_* steps declared for this attribute */
} iaf_attr;

/* Label rules declared for a whole dataset or reference: missing tokens and
 * normalisation steps added to those of every attribute derived from it. */
typedef struct iaf_label_rules {
    const char *const *missing;
    size_t nmissing;
    unsigned normalize;
} iaf_label_rules;

/* An attribute that passes the column through unchanged; missing values are
 * null and "" only. name and column are copied. */
iaf_attr *iaf_attr_new_asis(const char *name, const char *column);
/* A deep copy of a (bins, recodes, missing tokens, normalisation; the
 * crosswalk stays borrowed) named `name` and reading `column` (NULL: a's). */
iaf_attr *iaf_attr_copy(const iaf_attr *a, const char *name, const char *column);
void iaf_attr_free(iaf_attr *a);
/* Replace the declared missing tokens (copied). */
int iaf_attr_set_missing(iaf_attr *a, const char *const *tokens, size_t n);

typedef enum iaf_map_result {
    IAF_MAP_OK = 0,   /* targets filled */
    IAF_MAP_MISSING,  /* raw value is missing; target is the missing category unless dropped */
    IAF_MAP_UNMAPPED, /* no category: counted in coverage */
    IAF_MAP_DROPPED   /* explicitly dropped by a crosswalk row with empty `to` */
} iaf_map_result;

#define IAF_MAX_TARGETS 64

/* Map one raw value (ptr NULL = null) to up to IAF_MAX_TARGETS (label,
 * weight) pairs. Labels are borrowed (attribute, crosswalk or scratch
 * storage in buf; valid until the next call with the same buf). */
iaf_map_result iaf_attr_map(iaf_attr *a, iaf_sv raw, iaf_sv *labels, double *weights, size_t *n,
                            char buf[64]);

/* Coverage of one attribute: mass that found no category, by raw value. */
typedef struct iaf_coverage_item {
    char *raw;   /* raw value ("" for empty; NULL for null) */
    double mass; /* weighted count */
    int64_t n;   /* rows */
    iaf_map_result why;
} iaf_coverage_item;

typedef struct iaf_coverage {
    char *attr;
    double mapped, unmapped, dropped, missing; /* masses in universe */
    size_t nitems;
    iaf_coverage_item *items; /* unmapped/dropped values, largest mass first */
    int64_t missing_n;        /* rows in universe whose value was treated as missing */
    size_t nmissing_items;
    iaf_coverage_item *missing_items; /* those values as written (raw NULL = null), largest first */
} iaf_coverage;

/* The result of deriving attributes from one raw cube. */
typedef struct iaf_derived {
    iaf_table *table; /* counts over the attributes, universe applied */
    size_t nattrs;
    iaf_coverage *coverage; /* per attribute */
    double universe_mass;   /* weighted rows in universe (before unmapped loss) */
    int64_t universe_n;     /* rows in universe */
    double universe_wsum2;  /* for Kish's effective n */
    double total_mass;      /* weighted rows scanned */
    int64_t total_n;
} iaf_derived;

/* Derive: for every cell of cube (from rc), apply the universe filter (may be
 * NULL; its variables are attribute names first, then column names, all
 * of which must be in the cube), map each attribute, and add the weighted
 * cartesian product of targets to the table. attrs[i]->column must be in
 * the cube. rules (may be NULL) are the dataset's declared label rules; they
 * also apply to raw columns named in the universe (a declared missing token
 * reads as null there). */
iaf_status iaf_derive(const iaf_rawcount *rc, size_t cube, iaf_attr *const *attrs, size_t nattrs,
                      const iaf_expr *universe, const iaf_label_rules *rules, iaf_derived **out,
                      iaf_error *err);
/* Free what a coverage record owns (not the record). */
void iaf_coverage_clear(iaf_coverage *c);
void iaf_derived_free(iaf_derived *d);

#endif
