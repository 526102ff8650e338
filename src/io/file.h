/* src/io/file.h - random-access input: a file on disk or a borrowed buffer.
 *
 * Readers use pread-style access so that several threads can read different
 * parts of one file and a Parquet scan touches only the column chunks it
 * needs. iaf_file_map gives the whole content when a reader prefers it
 * (mmap for files; the buffer itself for memory inputs).
 */
#ifndef IAF_IO_FILE_H
#define IAF_IO_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"

typedef struct iaf_file iaf_file;

iaf_status iaf_file_open(const char *path, iaf_file **out, iaf_error *err);
/* Wrap a borrowed buffer; name appears in errors. */
iaf_status iaf_file_open_memory(const void *data, size_t size, const char *name, iaf_file **out,
                                iaf_error *err);
void iaf_file_close(iaf_file *f);

const char *iaf_file_name(const iaf_file *f);
uint64_t iaf_file_size(const iaf_file *f);

/* Read exactly n bytes at offset into buf; a short read is an IO error
 * naming the file and offset. Thread-safe. */
iaf_status iaf_file_pread(iaf_file *f, void *buf, size_t n, uint64_t offset, iaf_error *err);

/* Read the whole file at path into out (appended; NUL-terminated) through
 * the file layer, refusing more than cap bytes (IAF_ERR_LIMIT, naming
 * what). For small whole-file inputs: specs, saved reports. */
typedef struct iaf_buf iaf_buf;
iaf_status iaf_file_read_all(const char *path, size_t cap, const char *what, iaf_buf *out,
                             iaf_error *err);

/* The whole content, read-only, valid until iaf_file_close. Maps lazily
 * (once); thread-safe after the first call returns. */
iaf_status iaf_file_map(iaf_file *f, const unsigned char **data, iaf_error *err);

#endif
