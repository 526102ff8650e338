/* iaf/count.h - counting rows of microdata by the values of columns.
 *
 * The one-call form, iaf_count, counts one table. An iaf_counter counts
 * several tables in one scan of the data: add the column lists, run once,
 * then read each table. Either way every table is an iaf_table (iaf/table.h)
 * over the named columns, with one cell per combination of values present:
 * value is the number of rows (or the sum of the weight column), n the number
 * of rows. Missing values - null, the empty string and the declared missing
 * tokens - form one category, the empty string. Categories are sorted by
 * byte order, so the result is the same for any number of threads.
 *
 * The columns a --where filter names are read too; a filter keeps the rows
 * where it is true (docs/expressions.md).
 */
#ifndef IAF_COUNT_H
#define IAF_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/buffer.h"
#include "iaf/defs.h"
#include "iaf/source.h"
#include "iaf/status.h"
#include "iaf/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many columns per table, and tables per counter. */
#define IAF_COUNT_MAX_COLUMNS 16
#define IAF_COUNT_MAX_TABLES 64

typedef struct iaf_count_options {
    iaf_source_options source;  /* format, encoding, delimiter, threads */
    const char *where;          /* universe filter, or NULL for every row */
    const char *where_name;     /* how errors in it are located ("--where:1:7: ...");
                                   NULL = "where" */
    const char *weight;         /* numeric column to sum, or NULL to count rows */
    const char *const *missing; /* nmissing tokens that also mean missing (borrowed) */
    size_t nmissing;
    const char *normalize; /* label normalisation steps, comma-separated ("trim,nfkc"),
                              or NULL; see iaf_normalize_check */
    /* Optional progress report, as iaf_scan_consumer's (thread-safe, called a
     * few times per second at most). */
    void (*progress)(void *ctx, uint64_t bytes_done, uint64_t bytes_total, uint64_t rows_done);
    void *progress_ctx;
    /* Optional: asked between batches, from any worker thread (so it must be
     * thread-safe and quick), with progress_ctx. A non-zero answer ends the
     * scan: iaf_counter_run and iaf_count then return IAF_STOP with no
     * tables and no error. For a host that must stop on an interrupt. */
    int (*cancel)(void *ctx);
} iaf_count_options;

/* IAF_OK when steps is NULL or a comma-separated list of trim, nfc, nfkc,
 * casefold, numeric (docs/spec.md); else IAF_ERR_INVALID naming the step. */
IAF_API iaf_status iaf_normalize_check(const char *steps, iaf_error *err);

/* IAF_OK when expr is a valid filter expression (docs/expressions.md); else
 * IAF_ERR_PARSE located as NAME:1:COL (name NULL = "where"), so a tool can
 * refuse an unparsable --where before it opens any data. Column names are
 * not checked: that needs the data. */
IAF_API iaf_status iaf_where_check(const char *expr, const char *name, iaf_error *err);

typedef struct iaf_counter iaf_counter;

/* Open the dataset (files, globs, directories: iaf_source_open) and parse
 * the options. opt may be NULL (count rows, no filter). On success *out is
 * owned by the caller (iaf_counter_free). */
IAF_API iaf_status iaf_counter_open(const char *const *paths, size_t npaths,
                                    const iaf_count_options *opt, iaf_counter **out,
                                    iaf_error *err);
/* As iaf_counter_open, over a source the caller opened (files or columns
 * the caller holds: iaf_source_open_callbacks). The counter takes src over
 * whether it succeeds or not (iaf_counter_free frees it); opt->source is
 * not used. */
IAF_API iaf_status iaf_counter_open_source(iaf_source *src, const iaf_count_options *opt,
                                           iaf_counter **out, iaf_error *err);
/* Ask for one more table, by 1..IAF_COUNT_MAX_COLUMNS column names (each at
 * most once); *index (optional) receives its position for iaf_counter_table.
 * Before iaf_counter_run only. */
IAF_API iaf_status iaf_counter_add(iaf_counter *c, const char *const *by, size_t nby, size_t *index,
                                   iaf_error *err);
/* Weight every row by a weights file instead of counting it (CSV, JSONL or Parquet:
 * ID,weight joined on the data's column ID, or file,row,weight; see
 * iaf_spec_set_weights for the rules and errors). Before iaf_counter_run, and not with
 * opt->weight. The tables are then weighted, as with a weight column. */
IAF_API iaf_status iaf_counter_set_weights(iaf_counter *c, const char *path, iaf_error *err);
/* Scan the data once and build every table. */
IAF_API iaf_status iaf_counter_run(iaf_counter *c, iaf_error *err);
/* Table i after a successful run (NULL before, or when i is out of range).
 * Borrowed: valid until iaf_counter_free. */
IAF_API const iaf_table *iaf_counter_table(const iaf_counter *c, size_t i);
/* The files the dataset was read from, after glob and directory expansion.
 * Borrowed: valid until iaf_counter_free. */
IAF_API size_t iaf_counter_nfiles(const iaf_counter *c);
IAF_API const char *iaf_counter_file(const iaf_counter *c, size_t i);
/* Free the counter, its tables included. Accepts NULL. */
IAF_API void iaf_counter_free(iaf_counter *c);

/* One table in one call: *out is owned by the caller (iaf_table_free). */
IAF_API iaf_status iaf_count(const char *const *paths, size_t npaths, const char *const *by,
                             size_t nby, const iaf_count_options *opt, iaf_table **out,
                             iaf_error *err);

/* The long CSV of `iaf count`: a header of the attribute names and "count",
 * then one line per cell in the table's order, with the cell's n (rows) or,
 * when weighted is non-zero, its value written by the library's one number
 * rule (shortest text that reads back as the same double). Fields are quoted
 * only when needed (RFC 4180). Appended to out. */
IAF_API iaf_status iaf_table_write_counts_csv(const iaf_table *t, int weighted, iaf_buffer *out,
                                              iaf_error *err);
/* The long CSV of the counter's tables 0..n-1 (iaf_table_write_counts_csv),
 * table k appended to outs[k], formatted side by side on the counter's
 * threads (opt->source.threads); after a successful iaf_counter_run, n at
 * most the number of tables. Every text is in memory at once: a caller with
 * very large tables formats them one at a time instead. The first failing
 * table's error, as one after the other would report it. */
IAF_API iaf_status iaf_counter_write_counts_csv(const iaf_counter *c, int weighted,
                                                iaf_buffer *const *outs, size_t n, iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
