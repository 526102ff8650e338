/* src/io/parquet/writer.h - a small Parquet writer for flat tables of iaf's own outputs
 * (calibration weights): PLAIN-encoded uncompressed data pages (v1) of at most a page
 * size of values each (1 MiB; a single larger value gets a page of its own), row groups of
 * at most a number of rows (2^20), every column REQUIRED, with min/max statistics per page
 * and per column chunk (none for a double column with a NaN or a string above 256 bytes)
 * and type-defined column orders. Strings are BYTE_ARRAY annotated UTF8 (ConvertedType and
 * the STRING logical type), numbers INT64 or DOUBLE. */
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

/* Append a whole Parquet file holding `nrows` rows of `ncols` columns to `out`, with the
 * default layout. IAF_ERR_LIMIT when one value exceeds 2^31 - 5 bytes. */
iaf_status iaf_parquet_write_table(iaf_buf *out, const iaf_pqw_column *cols, size_t ncols,
                                   size_t nrows, iaf_error *err);

/* The layout: bytes of values per data page (a page closes before a value that would pass
 * it) and rows per row group; both 1 to 2^31 - 1. */
typedef struct iaf_pqw_layout {
    size_t page_bytes, group_rows;
} iaf_pqw_layout;
void iaf_pqw_layout_default(iaf_pqw_layout *lay);
/* The same with a given layout (small pages and groups for tests). */
iaf_status iaf_parquet_write_table_layout(iaf_buf *out, const iaf_pqw_column *cols, size_t ncols,
                                          size_t nrows, const iaf_pqw_layout *lay, iaf_error *err);

#endif
