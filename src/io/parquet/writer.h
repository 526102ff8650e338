/* src/io/parquet/writer.h - a small Parquet writer for flat tables of iaf's own outputs
 * (calibration weights): one row group, one PLAIN-encoded uncompressed data page (v1)
 * per column, every column REQUIRED, no statistics. Strings are BYTE_ARRAY annotated
 * UTF8 (ConvertedType and the STRING logical type), numbers INT64 or DOUBLE. */
#ifndef IAF_IO_PARQUET_WRITER_H
#define IAF_IO_PARQUET_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"
#include "iaf/source.h" /* iaf_sv */
#include "util/util.h"

typedef enum iaf_pqw_type { IAF_PQW_STRING, IAF_PQW_INT64, IAF_PQW_DOUBLE } iaf_pqw_type;

typedef struct iaf_pqw_column {
    const char *name;
    iaf_pqw_type type;
    const iaf_sv *str;  /* IAF_PQW_STRING: nrows values (borrowed) */
    const int64_t *i64; /* IAF_PQW_INT64 */
    const double *f64;  /* IAF_PQW_DOUBLE */
} iaf_pqw_column;

/* Append a whole Parquet file holding `nrows` rows of `ncols` columns to `out`.
 * IAF_ERR_LIMIT when a column's page would exceed 2^31 - 1 bytes. */
iaf_status iaf_parquet_write_table(iaf_buf *out, const iaf_pqw_column *cols, size_t ncols,
                                   size_t nrows, iaf_error *err);

#endif
