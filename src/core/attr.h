/* src/core/attr.h - attributes derived from columns, and the step that turns
 * raw value-tuple counts into attribute tables (METHOD.md sections 2-3).
 *
 * An attribute is a categorical variable made from one column: the raw
 * value as is, a numeric value binned into labelled bands, a recode
 * (value -> value), or a crosswalk (many-to-one or weighted many-to-many).
 * Missing raw values (null, and by default "", "NA", "N") become the
 * missing category (the empty label) unless the attribute drops them.
 */
#ifndef IAF_CORE_ATTR_H
#define IAF_CORE_ATTR_H

#include "core/crosswalk.h"
#include "core/expr.h"
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
    char **missing_tokens; /* raw values that mean "missing" (null always does) */
    size_t nmissing;
    int drop_missing; /* 1: missing rows leave the universe instead of forming a category */
} iaf_attr;

/* An attribute that passes the column through unchanged, with the default
 * missing tokens "", "NA" and "N". name and column are copied. */
iaf_attr *iaf_attr_new_asis(const char *name, const char *column);
void iaf_attr_free(iaf_attr *a);
/* Replace the missing tokens (copied). */
int iaf_attr_set_missing(iaf_attr *a, const char *const *tokens, size_t n);

typedef enum iaf_map_result {
    IAF_MAP_OK = 0,   /* targets filled */
    IAF_MAP_MISSING,  /* raw value is missing; target is the missing category unless dropped */
    IAF_MAP_UNMAPPED, /* no category: counted in coverage */
    IAF_MAP_DROPPED,  /* explicitly dropped by a crosswalk row with empty `to` */
    IAF_MAP_NOMEM     /* out of memory */
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
 * the cube. */
iaf_status iaf_derive(const iaf_rawcount *rc, size_t cube, iaf_attr *const *attrs, size_t nattrs,
                      const iaf_expr *universe, iaf_derived **out, iaf_error *err);
void iaf_derived_free(iaf_derived *d);

#endif
