/* src/core/dataset.h - from "these files" to attribute tables.
 *
 * A dataset is microdata (CSV/JSONL/Parquet, one or many files) or a count
 * table (long/wide CSV). Both end as an iaf_rawcount, so universes,
 * recodes and crosswalks work the same way on either. One scan of
 * microdata serves many requests (cubes).
 */
#ifndef IAF_CORE_DATASET_H
#define IAF_CORE_DATASET_H

#include "core/attr.h"
#include "iaf/compare.h" /* iaf_data_form */
#include "core/rawcount.h"
#include "io/counts.h"

typedef struct iaf_dataset_options {
    iaf_data_form form;
    iaf_source_options source; /* microdata reading */
    iaf_counts_options counts; /* count-table reading */
    const char *weight;        /* microdata weight column or NULL */
    iaf_label_rules labels;    /* declared missing tokens and normalisation (borrowed) */
    int (*cancel)(void *ctx);  /* optional: non-zero stops the scan (IAF_STOP) */
    void *cancel_ctx;
    /* weights from a file, joined by id or by file and row (borrowed; instead of weight) */
    struct iaf_rowweights *row_weights;
} iaf_dataset_options;

typedef struct iaf_dataset iaf_dataset;

/* A request: the columns one check needs (attribute columns + universe
 * columns). Returns a request id for iaf_dataset_derive. */
typedef struct iaf_dataset_request {
    const char *const *cols;
    size_t ncols;
} iaf_dataset_request;

iaf_status iaf_dataset_open(const char *const *paths, size_t npaths, const iaf_dataset_options *opt,
                            iaf_dataset **out, iaf_error *err);
/* Microdata whose counts were made elsewhere (iaf/cubes.h): requests are
 * registered as usual and iaf_dataset_count takes each one's cells from the
 * cube of `given` over the same columns (borrowed; must outlive d). With
 * given NULL the dataset only collects requests (a plan). */
iaf_status iaf_dataset_open_cubes(const iaf_rawcount *given, const iaf_dataset_options *opt,
                                  iaf_dataset **out, iaf_error *err);
/* The requests as a raw count without cells (cube definitions only), and
 * the counted raw count handed over (the dataset keeps none). */
iaf_status iaf_dataset_defs(const iaf_dataset *d, iaf_rawcount **out, iaf_error *err);
iaf_rawcount *iaf_dataset_take_rawcount(iaf_dataset *d);
/* Microdata read from files: the source (else NULL). */
iaf_source *iaf_dataset_source(const iaf_dataset *d);
/* Microdata from a source the caller opened; the dataset takes src over,
 * also on failure. */
iaf_status iaf_dataset_open_source(iaf_source *src, const iaf_dataset_options *opt,
                                   iaf_dataset **out, iaf_error *err);
/* The same over a source the caller keeps (and frees after the dataset). */
iaf_status iaf_dataset_open_source_borrowed(iaf_source *src, const iaf_dataset_options *opt,
                                            iaf_dataset **out, iaf_error *err);
/* A count table held in memory as CSV bytes (borrowed for the call); name
 * stands for its file (NULL: "<memory>"). */
iaf_status iaf_dataset_open_counts_memory(const void *data, size_t n, const char *name,
                                          const iaf_dataset_options *opt, iaf_dataset **out,
                                          iaf_error *err);
void iaf_dataset_free(iaf_dataset *d);
int iaf_dataset_is_counts(const iaf_dataset *d);
/* Columns available (microdata: the first file's; counts: its attributes). */
size_t iaf_dataset_ncols(const iaf_dataset *d);
const char *iaf_dataset_col(const iaf_dataset *d, size_t i);

/* Register what will be counted; returns the request index (>= 0) or a
 * negative status. Must be called before iaf_dataset_count. */
/* IAF_OK when d has every column of cols, known before any row is read (count
 * tables, CSV, Parquet; JSON Lines always passes); else IAF_ERR_INVALID located
 * at d's file, with the closest column name when one is close. */
iaf_status iaf_dataset_check_columns(const iaf_dataset *d, const char *const *cols, size_t n,
                                     iaf_error *err);
int iaf_dataset_add_request(iaf_dataset *d, const char *const *cols, size_t ncols, iaf_error *err);
/* Scan once (microdata) or convert (counts). progress may be NULL. */
iaf_status iaf_dataset_count(iaf_dataset *d, const iaf_scan_consumer *progress, iaf_error *err);
/* Derive attribute tables for request `req`. */
iaf_status iaf_dataset_derive(iaf_dataset *d, int req, iaf_attr *const *attrs, size_t nattrs,
                              const iaf_expr *universe, iaf_derived **out, iaf_error *err);
/* Rows scanned and whether a weight was used. */
int64_t iaf_dataset_rows(const iaf_dataset *d);
int iaf_dataset_weighted(const iaf_dataset *d);
/* Weight the rows by a weights file from now on (borrowed; before iaf_dataset_count). */
void iaf_dataset_set_row_weights(iaf_dataset *d, struct iaf_rowweights *rw);
const iaf_table *iaf_dataset_table(const iaf_dataset *d); /* counts form only */
/* The same table to change in place (cell weights), before the dataset is derived. */
iaf_table *iaf_dataset_table_mut(iaf_dataset *d);
/* Files behind the dataset (one for a count table). Borrowed. */
size_t iaf_source_nfiles_of(const iaf_dataset *d);
const char *iaf_dataset_file(const iaf_dataset *d, size_t i);

#endif
