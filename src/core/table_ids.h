/* src/core/table_ids.h - adding cells to a table by category id (library
 * internal). A derivation that maps each distinct raw value once learns its
 * category id once, instead of interning the label again for every cell. */
#ifndef IAF_CORE_TABLE_IDS_H
#define IAF_CORE_TABLE_IDS_H

#include <stdint.h>

#include "iaf/table.h"

/* The id of a category of attribute attr (added if new), valid for
 * iaf_table_add_ids until the next iaf_table_finish; -1 on OOM. */
int64_t iaf_table_category_id(iaf_table *t, size_t attr, iaf_sv label);
/* iaf_table_add with category ids instead of labels. */
iaf_status iaf_table_add_ids(iaf_table *t, const uint32_t *cat_ids, double value, int64_t n,
                             double wsum2, double se, iaf_cell_state state, iaf_error *err);
/* Append a cell that no other add will name again (its key differs from every
 * other cell's, e.g. a distinct raw tuple mapped one to one): no lookup. The
 * table is usable once iaf_table_finish has run. */
iaf_status iaf_table_append_ids(iaf_table *t, const uint32_t *cat_ids, double value, int64_t n,
                                double wsum2, double se, iaf_error *err);
/* Replace cell i's value, rows and sum of squared weights (a count table weighted
 * after reading: iaf audit --weights with per-cell weights). */
void iaf_table_set_cell(iaf_table *t, size_t i, double value, int64_t n, double wsum2);
/* Room for ncells cells without growing. -1 on OOM. */
int iaf_table_reserve(iaf_table *t, size_t ncells);

#endif
