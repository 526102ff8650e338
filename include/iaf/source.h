/* iaf/source.h - reading microdata (CSV, JSONL, Parquet) as column batches.
 *
 * A source is one logical dataset made of one or more files of the same
 * format whose schemas agree. The caller names the columns it needs
 * (projection), then scans: readers deliver batches of rows, each batch
 * holding only the projected columns, to a consumer callback. Independent
 * parts (Parquet row groups; one CSV/JSONL file) may be scanned by several
 * worker threads at once; every worker has its own consumer state, and the
 * consumer merges the states afterwards.
 *
 * Ownership: everything a batch points to is borrowed and valid only during
 * the on_batch call that receives it.
 */
#ifndef IAF_SOURCE_H
#define IAF_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed byte string, not NUL-terminated. ptr == NULL means "null"
 * (missing) where a column allows nulls; an empty string has ptr != NULL. */
typedef struct iaf_sv {
    const char *ptr;
    size_t len;
} iaf_sv;

typedef enum iaf_format {
    IAF_FORMAT_AUTO = 0, /* from the file name (.csv .tsv .jsonl .ndjson .parquet), then content */
    IAF_FORMAT_CSV,
    IAF_FORMAT_JSONL,
    IAF_FORMAT_PARQUET,
    IAF_FORMAT_MEMORY /* columns held by the caller (iaf_source_open_callbacks) */
} iaf_format;

/* How one projected column is represented in a batch. */
typedef enum iaf_col_kind {
    IAF_COL_STR = 0, /* str[i]: text of row i, ptr NULL for null */
    IAF_COL_DICT,    /* dict[idx[i]]: idx[i] == IAF_NULL_INDEX for null */
    IAF_COL_I64,     /* i64[i], null when valid && !valid[i] */
    IAF_COL_F64      /* f64[i], null when valid && !valid[i] */
} iaf_col_kind;

#define IAF_NULL_INDEX UINT32_MAX

typedef struct iaf_column {
    iaf_col_kind kind;
    const iaf_sv *str;  /* IAF_COL_STR: nrows values */
    const iaf_sv *dict; /* IAF_COL_DICT: ndict distinct values (never null entries) */
    size_t ndict;
    uint64_t dict_id;     /* IAF_COL_DICT: same id => same dictionary as an earlier
                             batch of this worker (consumers may cache translations);
                             0 = no caching */
    const uint32_t *idx;  /* IAF_COL_DICT: nrows indices < ndict or IAF_NULL_INDEX */
    const int64_t *i64;   /* IAF_COL_I64 */
    const double *f64;    /* IAF_COL_F64 */
    const uint8_t *valid; /* IAF_COL_I64/F64: NULL = no nulls, else 1 valid / 0 null */
} iaf_column;

typedef struct iaf_batch {
    size_t nrows;
    size_t ncols;           /* == number of projected columns */
    const iaf_column *cols; /* in projection order */
    const char *file;       /* file the rows come from */
    long long first_line;   /* text formats: line of the first row (1-based), else 0 */
    long long first_row;    /* 0-based index of the first row within its file */
} iaf_batch;

typedef struct iaf_source_options {
    iaf_format format;    /* IAF_FORMAT_AUTO by default */
    const char *encoding; /* NULL or "utf-8"; "cp949" / "euc-kr" for text formats (iconv) */
    char delimiter;       /* CSV field delimiter; 0 = ',' (or '\t' for .tsv) */
    size_t batch_rows;    /* 0 = default (4096) */
    int threads;          /* worker threads for scans; 0 = number of cores */
} iaf_source_options;

typedef struct iaf_source iaf_source;

/* Open files as one dataset. paths may contain shell globs and directories
 * (a directory means its *.parquet / *.csv / *.jsonl files, sorted). Files
 * are opened lazily except the first, whose schema is read at once.
 * On success *out is owned by the caller (iaf_source_free). */
IAF_API iaf_status iaf_source_open(const char *const *paths, size_t npaths,
                                   const iaf_source_options *opt, iaf_source **out, iaf_error *err);

/* Open one in-memory buffer (tests, fuzzers). name is used in errors. The
 * buffer is borrowed and must outlive the source. */
IAF_API iaf_status iaf_source_open_memory(const void *data, size_t size, const char *name,
                                          const iaf_source_options *opt, iaf_source **out,
                                          iaf_error *err);

/* Columns held by the caller (a data frame, Arrow record batches): the data
 * is cut into nparts independent parts, which workers read concurrently,
 * each by one read_part call that hands its rows over as batches. */
typedef iaf_status (*iaf_emit_batch_fn)(void *emit_ctx, const iaf_batch *batch, iaf_error *err);
typedef struct iaf_source_callbacks {
    void *ctx;
    size_t nparts;
    /* Read part `part`: call emit(emit_ctx, batch, err) for each batch of its
     * rows, in order, and return the first failure (emit's included; IAF_STOP
     * from emit must be returned as is). A batch holds the projected columns,
     * proj[0..nproj-1] (indices into the names given to
     * iaf_source_open_callbacks), in that order; its rows are borrowed only
     * during the emit call, so buffers may be reused. batch->file may be NULL
     * (the source's name is used); first_row counts from the start of the
     * whole dataset. Called from worker threads: concurrent calls are for
     * different parts. */
    iaf_status (*read_part)(void *ctx, size_t part, const size_t *proj, size_t nproj,
                            iaf_emit_batch_fn emit, void *emit_ctx, iaf_error *err);
    /* Optional: the bytes of part `part`, for progress; NULL = unknown. */
    uint64_t (*part_bytes)(void *ctx, size_t part);
} iaf_source_callbacks;

/* A source over columns the caller holds: ncols column names (copied) and
 * the callbacks (copied; cb->ctx is borrowed and must outlive the source).
 * name (copied; NULL = "<memory>") stands for the file in errors. Its
 * format is IAF_FORMAT_MEMORY; opt's format, encoding and delimiter are
 * ignored. On success *out is owned by the caller (iaf_source_free). */
IAF_API iaf_status iaf_source_open_callbacks(const char *name, const char *const *columns,
                                             size_t ncols, const iaf_source_callbacks *cb,
                                             const iaf_source_options *opt, iaf_source **out,
                                             iaf_error *err);

IAF_API void iaf_source_free(iaf_source *src);

IAF_API iaf_format iaf_source_format(const iaf_source *src);
IAF_API size_t iaf_source_nfiles(const iaf_source *src);
IAF_API const char *iaf_source_file(const iaf_source *src, size_t i);

/* Columns of the first file (for JSONL: the keys of its first object). The
 * returned name is borrowed, valid until iaf_source_free. */
IAF_API size_t iaf_source_ncols(const iaf_source *src);
IAF_API const char *iaf_source_colname(const iaf_source *src, size_t i);

/* Select the columns to read, by name, in the order batches will hold them.
 * An unknown column is an error naming the file and the columns it has
 * (JSONL accepts any key: a key absent from a row is null). */
IAF_API iaf_status iaf_source_project(iaf_source *src, const char *const *names, size_t n,
                                      iaf_error *err);

typedef struct iaf_scan_consumer {
    void *ctx;
    /* Called once per worker before its first batch; *state is the worker's
     * (owned by the consumer, which frees it after the scan). */
    iaf_status (*worker_begin)(void *ctx, int worker, void **state, iaf_error *err);
    /* Called for every batch. Returning IAF_STOP ends the scan early: the
     * other workers stop after their current batch and iaf_source_scan
     * returns IAF_STOP with no error. Returning a failure stops the scan with
     * that status and the error the callback filled (if it filled none, one
     * naming the callback, the file and the batch's first line). */
    iaf_status (*on_batch)(void *ctx, void *state, const iaf_batch *batch, iaf_error *err);
    /* Optional progress report: bytes of input consumed so far (all workers),
     * total bytes (0 if unknown), rows so far. Called from any worker, at most
     * a few times per second; must be thread-safe. */
    void (*progress)(void *ctx, uint64_t bytes_done, uint64_t bytes_total, uint64_t rows_done);
} iaf_scan_consumer;

/* Read every projected column of every row, in file order within a worker.
 * Calls worker_begin for workers 0..nworkers-1 (nworkers <= threads) and
 * then on_batch concurrently from those workers. Returns IAF_OK, IAF_STOP
 * (a callback asked to stop) or the error of the earliest part that failed,
 * so the error does not depend on the number of threads. */
IAF_API iaf_status iaf_source_scan(iaf_source *src, const iaf_scan_consumer *consumer,
                                   int *nworkers, iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
