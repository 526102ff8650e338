/* src/io/reader.h - the internal interface every file reader implements.
 *
 * A reader handles one file of one format. source.c strings files together,
 * checks that schemas agree and schedules parts on worker threads. A "part"
 * is an independently readable slice: one row group for Parquet, the whole
 * file for CSV/JSONL. read_part must be safe to call concurrently for
 * different parts of one reader.
 */
#ifndef IAF_IO_READER_H
#define IAF_IO_READER_H

#include "iaf/source.h"
#include "io/file.h"

typedef iaf_status (*iaf_emit_fn)(void *user, const iaf_batch *batch, iaf_error *err);

typedef struct iaf_reader_vtable {
    const char *name; /* "csv", "jsonl", "parquet" */
    /* Open; the iaf_file is borrowed and outlives the reader. */
    iaf_status (*open)(iaf_file *f, const iaf_source_options *opt, void **rd, iaf_error *err);
    size_t (*ncols)(void *rd);
    const char *(*colname)(void *rd, size_t i);
    iaf_status (*project)(void *rd, const char *const *names, size_t n, iaf_error *err);
    size_t (*nparts)(void *rd);
    /* Bytes the part will read (for progress); 0 if unknown. */
    uint64_t (*part_bytes)(void *rd, size_t part);
    /* Decode part `part`, calling emit for each batch of at most batch_rows
     * rows. Returns the first error (its own or emit's). */
    iaf_status (*read_part)(void *rd, size_t part, iaf_emit_fn emit, void *user, iaf_error *err);
    void (*close)(void *rd);
} iaf_reader_vtable;

/* The worker threads of a source's next scans (0 = every core); the previous value. */
int iaf_source_set_threads(iaf_source *src, int threads);

/* Row i of a batch's column as text: a string or dictionary entry as it is, a
 * number formatted into num; {NULL, 0} for a null. */
iaf_sv iaf_column_text(const iaf_column *col, size_t i, char num[64]);

extern const iaf_reader_vtable iaf_csv_reader;
extern const iaf_reader_vtable iaf_jsonl_reader;
extern const iaf_reader_vtable iaf_parquet_reader;

#endif
