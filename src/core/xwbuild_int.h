/* src/core/xwbuild_int.h - what the parts of the crosswalk builder share (library-internal):
 * the classification, the values and the result as the loader (xwclass.c) makes them and the
 * matcher (xwbuild.c) and the writers (xwwrite.c) read them. */
#ifndef IAF_CORE_XWBUILD_INT_H
#define IAF_CORE_XWBUILD_INT_H

#include "core/xwbuild.h"
#include "io/csv.h"
#include "util/util.h"

#define NONE SIZE_MAX

typedef struct xw_code {
    iaf_sv code, title;
    size_t level;
    long long line;
} xw_code;

typedef struct title_index {
    iaf_strmap map; /* title -> id */
    size_t *head;   /* id -> first row */
    size_t *next;   /* row -> next row with the same title */
} title_index;

struct iaf_xwb_class {
    char *file;
    iaf_csv_table *table;
    size_t n;
    xw_code *codes;
    size_t nlevels;
    char *level_name[IAF_XWB_MAX_LEVELS];
    size_t level_len[IAF_XWB_MAX_LEVELS];
    iaf_strmap code_index; /* distinct code -> id */
    size_t *code_row;      /* id -> first row with that code */
    title_index exact, norm;
    iaf_buf dups;
};

struct iaf_xwb_values {
    iaf_strmap labels; /* first appearance order */
    double *mass;
    size_t cap;
    int has_mass;
};

typedef struct xw_result {
    iaf_xwb_result pub; /* first: the public part */
    iaf_arena arena;
} xw_result;

#endif
