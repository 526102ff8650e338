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
#include <stdio.h>

#include "iaf/status.h"

typedef struct iaf_file iaf_file;
struct iaf_buf;

/* Inputs are regular files: a directory, FIFO, device or socket is refused
 * with an error saying which it is (a FIFO without a writer does not block). */
iaf_status iaf_file_open(const char *path, iaf_file **out, iaf_error *err);
/* The same check for a sequential reader: a stdio stream ("rb") on a regular
 * file, or NULL with err set. */
FILE *iaf_file_fopen(const char *path, iaf_error *err);
/* Wrap a borrowed buffer; name appears in errors. */
iaf_status iaf_file_open_memory(const void *data, size_t size, const char *name, iaf_file **out,
                                iaf_error *err);
void iaf_file_close(iaf_file *f);

const char *iaf_file_name(const iaf_file *f);
uint64_t iaf_file_size(const iaf_file *f);

/* Read exactly n bytes at offset into buf; a short read is an IO error
 * naming the file and offset. Thread-safe. */
iaf_status iaf_file_pread(iaf_file *f, void *buf, size_t n, uint64_t offset, iaf_error *err);

/* The whole content, read-only, valid until iaf_file_close. Maps lazily
 * (once); thread-safe after the first call returns. */
iaf_status iaf_file_map(iaf_file *f, const unsigned char **data, iaf_error *err);

/* Read a whole small input into out (appended; out->data stays NUL-terminated when
 * non-empty): at most cap bytes, else IAF_ERR_LIMIT "larger than the limit of <cap> for
 * <what>" (what: "a dataset card"). iaf_file_read_all opens path without blocking and refuses
 * anything but a regular file (a FIFO or /dev/zero would never end); iaf_fd_read_all reads a
 * descriptor the caller opened on purpose (standard input), name appearing in errors. Every
 * read and every allocation is checked. */
iaf_status iaf_file_read_all(const char *path, size_t cap, const char *what, struct iaf_buf *out,
                             iaf_error *err);
iaf_status iaf_fd_read_all(int fd, const char *name, size_t cap, const char *what,
                           struct iaf_buf *out, iaf_error *err);

#endif
