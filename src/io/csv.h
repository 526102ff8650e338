/* src/io/csv.h - small CSV tables (reference tables, count tables,
 * crosswalks) read whole into memory, and a field writer for CSV outputs.
 *
 * The dialect and the errors are those of the streaming CSV reader
 * (iaf_csv_reader in io/reader.h); both share one tokenizer:
 *   - RFC 4180: a header row, then rows with exactly as many fields;
 *     quoted fields may hold the delimiter, CR, LF and doubled quotes ("");
 *   - LF or CRLF line ends; a UTF-8 byte-order mark at the start is dropped;
 *     blank lines are skipped; the last line may lack its line end;
 *   - a bare CR outside quotes, a quote inside an unquoted field, text
 *     after a closing quote, a row with another number of fields than the
 *     header, a duplicate or empty column name and a NUL byte are errors;
 *   - text must be valid UTF-8 after decoding (encoding "cp949"/"euc-kr"
 *     converts through iconv first). The table API checks every field; the
 *     streaming reader checks the header and the projected columns only
 *     (the long text columns it skips are never decoded);
 *   - errors carry the file, the 1-based line (counted by LF) and the
 *     1-based byte column, of the UTF-8 text after decoding, and the byte
 *     offset (also after decoding).
 */
#ifndef IAF_IO_CSV_H
#define IAF_IO_CSV_H

#include <stddef.h>

#include "iaf/source.h"
#include "iaf/status.h"
#include "util/util.h"

typedef struct iaf_csv_options {
    char delimiter;       /* 0 = ',' */
    const char *encoding; /* NULL / "utf-8" / "utf8", or "cp949" / "euc-kr" (case-insensitive) */
    size_t skip_lines;    /* physical lines to drop before the header (KOSIS title lines) */
    int comments;         /* nonzero: a line starting with '#' (outside quotes) is skipped */
} iaf_csv_options;

typedef struct iaf_csv_table {
    size_t ncols, nrows;
    iaf_sv *header;   /* ncols names, distinct and non-empty */
    iaf_sv *cells;    /* nrows * ncols, row-major; never null (empty = ptr != NULL, len 0) */
    long long *line;  /* nrows: 1-based line number where each row starts */
    const char *file; /* name used in errors */
    /* private storage follows */
} iaf_csv_table;

/* What a table read whole may hold (its text is copied, its cells are views): the error
 * names the limit. */
#define IAF_CSV_TABLE_MAX_BYTES ((size_t)1 << 30)
#define IAF_CSV_TABLE_MAX_CELLS ((size_t)1 << 26)

/* Read a whole CSV file. opt may be NULL (defaults). On success *out is owned
 * by the caller (iaf_csv_table_free); every view in it stays valid until
 * then. Every string view is followed by a NUL byte, so ptr may be used as a
 * C string when the text has no embedded NUL (CSV text never has one). */
iaf_status iaf_csv_table_read(const char *path, const iaf_csv_options *opt, iaf_csv_table **out,
                              iaf_error *err);

/* Same from a buffer; data is copied, so it need not outlive the call. name
 * is used in errors (NULL = "<memory>"). */
iaf_status iaf_csv_table_read_memory(const void *data, size_t n, const char *name,
                                     const iaf_csv_options *opt, iaf_csv_table **out,
                                     iaf_error *err);

void iaf_csv_table_free(iaf_csv_table *t);

/* Index of the column with this exact name, or -1. */
int iaf_csv_table_col(const iaf_csv_table *t, const char *name);

static inline iaf_sv iaf_csv_cell(const iaf_csv_table *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

/* Append one field to b, quoted ("" doubled) only when needed: when it holds
 * ',', '"', CR or LF, or starts or ends with a space or tab, and an empty
 * string stays empty. A NULL s with n == 0 appends nothing. The caller adds
 * the delimiters and line ends. Returns 0, or -1 when out of memory. */
int iaf_csv_write_field(iaf_buf *b, const char *s, size_t n);

#endif
