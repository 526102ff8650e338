/* src/core/rawcount.h - one scan, many raw count cubes.
 *
 * The engine counts *raw value tuples*: for each requested cube (a list of
 * columns), how many rows (and how much weight) carry each distinct
 * combination of raw values. Everything else - binning, recoding,
 * crosswalks, universe filters, rules - is applied afterwards to the
 * distinct tuples, which are few (categorical columns) compared with rows.
 * This keeps the per-row path to interning values and bumping a hash cell,
 * lets one scan serve every check of an audit, and makes counts mergeable
 * across shards (a SQL engine's GROUP BY produces the same tuples).
 *
 * Value ids: 0 is the null value (JSON null, Parquet null, absent key);
 * ids >= 1 index the column's dictionary (labels sorted by byte order
 * after iaf_rawcount_run returns, so ids are deterministic).
 */
#ifndef IAF_CORE_RAWCOUNT_H
#define IAF_CORE_RAWCOUNT_H

#include <stdint.h>

#include "iaf/source.h"
#include "util/util.h"

#define IAF_MAX_CUBE_COLS 16

typedef struct iaf_rawcube {
    size_t ncols;
    size_t cols[IAF_MAX_CUBE_COLS]; /* indices into iaf_rawcount.cols */
    size_t ncells;
    uint32_t *keys; /* ncells * ncols value ids, cells sorted by key */
    int64_t *count; /* rows per cell */
    double *wsum;   /* sum of weights per cell (== count when unweighted) */
    double *wsum2;  /* sum of squared weights per cell */
    double *var;    /* count tables only: variance (SE^2) of each cell's value, or NULL */
} iaf_rawcube;

typedef struct iaf_rawcount {
    size_t ncols;
    char **cols;
    size_t *nvalues; /* per column: number of ids including the null id 0 */
    iaf_sv **values; /* per column: values[c][id], values[c][0] = {NULL, 0} */
    size_t ncubes;
    iaf_rawcube *cubes;
    int64_t nrows;
    double wtotal, wtotal2;
    int weighted;
    int nworkers;
    iaf_arena arena; /* owns the value strings */
} iaf_rawcount;

typedef struct iaf_rawcount_request {
    const char *const *cols; /* distinct column names to read */
    size_t ncols;
    const size_t *const *cube_cols; /* per cube: column indices into cols */
    const size_t *cube_ncols;
    size_t ncubes;
    const char *weight; /* weight column or NULL; must not be in cols */
    /* or per-row weights joined by id or by file and row (core/rowweights.h; NULL: none;
     * not with weight); its id column must not be in cols */
    struct iaf_rowweights *row_weights;
    /* Optional: asked before each batch; non-zero stops the scan (IAF_STOP). */
    int (*cancel)(void *ctx);
    void *cancel_ctx;
} iaf_rawcount_request;

iaf_status iaf_rawcount_run(iaf_source *src, const iaf_rawcount_request *req,
                            const iaf_scan_consumer *progress_only, iaf_rawcount **out,
                            iaf_error *err);
void iaf_rawcount_free(iaf_rawcount *rc);

/* Present a count table as a raw count with one cube over all its
 * attributes (values -> wsum, n -> count), so that count tables go through
 * the same derivation (universe, recodes, crosswalks) as microdata. */
#include "iaf/table.h"
iaf_status iaf_rawcount_from_table(const iaf_table *t, iaf_rawcount **out, iaf_error *err);

#endif
