/* src/core/rowweights.h - per-row weights from a file, joined to microdata rows.
 *
 * A weights file (CSV, JSONL or Parquet, as `iaf calibrate -o` writes them) has either
 * an id column and a weight column (`ID,weight`, or `ID,calibrated_weight` when the id
 * column is itself called weight) or `file,row,weight` (rows 1-based within each data
 * file). Loading checks every weight (finite, > 0, at most 2^53) and every key (non-empty,
 * once); the errors name the weights file and its data row. During a scan each data row
 * takes its weight by its id (the id column is read with the row) or by its file and row
 * number; a row without one, and an id that two rows share, are errors located at the
 * data row. The join is thread-safe: binding to a source happens before the scan, and
 * the rows a scan has reached are marked with atomic flags. */
#ifndef IAF_CORE_ROWWEIGHTS_H
#define IAF_CORE_ROWWEIGHTS_H

#include <stddef.h>

#include "iaf/source.h"
#include "iaf/table.h"
#include "iaf/status.h"

typedef struct iaf_rowweights iaf_rowweights;

iaf_status iaf_rowweights_load(const char *path, iaf_rowweights **out, iaf_error *err);
/* The same from size bytes in memory (borrowed for the call only); name (with its
 * extension: .csv, .parquet) is used in errors and for format detection. */
iaf_status iaf_rowweights_load_memory(const void *data, size_t size, const char *name,
                                      iaf_rowweights **out, iaf_error *err);
void iaf_rowweights_free(iaf_rowweights *rw);
/* The path it was loaded from; the id column (NULL: keyed by file and row). */
const char *iaf_rowweights_path(const iaf_rowweights *rw);
const char *iaf_rowweights_id(const iaf_rowweights *rw);
/* The SHA-256 (hex) of weights loaded from memory; NULL for a file (read it). */
const char *iaf_rowweights_sha256(const iaf_rowweights *rw);
/* Before a scan of src: map its files to the weights file's (by name as written, else
 * by the resolved path, else by base name when that is unique), and clear the marks. */
iaf_status iaf_rowweights_bind(iaf_rowweights *rw, const iaf_source *src, iaf_error *err);
/* The weights of batch b's n rows into w; idcol is the id column's values (NULL when
 * keyed by file and row). */
iaf_status iaf_rowweights_fill(iaf_rowweights *rw, const iaf_batch *b, const iaf_column *idcol,
                               double *w, iaf_error *err);

/* Weights by cell: a count table's (iaf calibrate on `dataset: tables`), keyed by the
 * labels of its key columns with a factor g per cell. */
int iaf_rowweights_by_cell(const iaf_rowweights *rw);
/* Weight count table t (read from path) by cell: each cell's count c becomes c g, its
 * rows c and its sum of squared weights c g^2 (so Kish's n of a cell is c), g looked up
 * by the labels of the key columns as the audit forms them (normalisation and missing
 * tokens of the table). A key column the table lacks and a cell without a weight are
 * errors naming the table; per-row weights are an error here. */
iaf_status iaf_rowweights_weight_table(const iaf_rowweights *rw, iaf_table *t, const char *path,
                                       unsigned normalize, const char *const *missing,
                                       size_t nmissing, iaf_error *err);

#endif
