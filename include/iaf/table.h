/* iaf/table.h - categorical count tables over 1..16 named attributes.
 *
 * A table is what every input becomes before comparison: synthetic counts
 * (from microdata or a count file), reference counts or shares, with
 * optional per-cell standard errors and cell states. Categories are byte
 * strings; the empty string is the "missing" category. After
 * iaf_table_finish, categories of each attribute are sorted by byte order
 * and cells by their category ids, so iteration order is deterministic.
 */
#ifndef IAF_TABLE_H
#define IAF_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/source.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum iaf_cell_state {
    IAF_CELL_OK = 0,
    IAF_CELL_SUPPRESSED,     /* value withheld by the publisher */
    IAF_CELL_STRUCTURAL_ZERO /* impossible combination: mass here is a rule violation */
} iaf_cell_state;

typedef enum iaf_table_kind {
    IAF_TABLE_COUNTS = 0, /* values are counts or weighted counts */
    IAF_TABLE_SHARES      /* values are shares (any scale; normalised when compared) */
} iaf_table_kind;

typedef struct iaf_table iaf_table;

typedef struct iaf_cell {
    const uint32_t *cat; /* nattrs category ids */
    double value;        /* count, weighted count or share */
    int64_t n;           /* unweighted rows behind the cell, -1 when unknown */
    double wsum2;        /* sum of squared weights (weighted microdata), else 0 */
    double se;           /* standard error of value, NAN when not given */
    iaf_cell_state state;
} iaf_cell;

IAF_API iaf_table *iaf_table_new(size_t nattrs, const char *const *names, iaf_table_kind kind);
IAF_API void iaf_table_free(iaf_table *t);

/* Add to the cell with these labels (creating it and its categories). Values
 * of the same cell are summed; se adds in quadrature; a non-OK state wins. */
IAF_API iaf_status iaf_table_add(iaf_table *t, const iaf_sv *labels, double value, int64_t n,
                                 double wsum2, double se, iaf_cell_state state, iaf_error *err);
/* Declare a category so that it exists even with no cell (e.g. a reference
 * category the synthetic data never uses). */
IAF_API iaf_status iaf_table_add_category(iaf_table *t, size_t attr, iaf_sv label, iaf_error *err);
/* Sort categories and cells. Must be called before the accessors below;
 * adding after finish is allowed and requires another finish. */
IAF_API iaf_status iaf_table_finish(iaf_table *t, iaf_error *err);

IAF_API size_t iaf_table_nattrs(const iaf_table *t);
IAF_API const char *iaf_table_attr(const iaf_table *t, size_t i);
IAF_API int iaf_table_attr_index(const iaf_table *t, const char *name); /* -1 if absent */
IAF_API iaf_table_kind iaf_table_kind_of(const iaf_table *t);
IAF_API size_t iaf_table_ncats(const iaf_table *t, size_t attr);
IAF_API iaf_sv iaf_table_cat(const iaf_table *t, size_t attr, size_t id); /* borrowed */
IAF_API int64_t iaf_table_find_cat(const iaf_table *t, size_t attr,
                                   iaf_sv label); /* -1 if absent */
IAF_API size_t iaf_table_ncells(const iaf_table *t);
IAF_API iaf_cell iaf_table_cell(const iaf_table *t, size_t i); /* borrowed */
IAF_API double iaf_table_total(const iaf_table *t);            /* sum of values of OK cells */
IAF_API int64_t iaf_table_total_n(const iaf_table *t);         /* sum of n, -1 if any unknown */

/* Sample-size metadata (docs/method.md §8). NAN = unknown. */
IAF_API void iaf_table_set_n(iaf_table *t, double n_obs, double n_eff, int full_count);
IAF_API double iaf_table_n_obs(const iaf_table *t);
IAF_API double iaf_table_n_eff(const iaf_table *t);
IAF_API int iaf_table_full_count(const iaf_table *t);

/* New table summing over every attribute not listed (by name). */
IAF_API iaf_status iaf_table_marginal(const iaf_table *t, const char *const *names, size_t n,
                                      iaf_table **out, iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
