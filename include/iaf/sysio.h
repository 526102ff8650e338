/* iaf/sysio.h - the system calls of iaf's file layer, as one table.
 *
 * Every read of an input (files, the fingerprints in reports) and every write
 * of an output the iaf tool makes (the temporaries of its output sets, their
 * fsync and close, the final rename or exchange) calls the kernel through
 * this table, never directly: a program can install its own functions - to
 * make the k-th read or rename fail in a test, as tests/faults does, or to
 * watch what is opened - without #ifdefs in the code it runs. The default
 * table holds the C library's functions; each member has their contract
 * (return value and errno).
 *
 * iaf_set_sysio is not thread-safe: install a table before any file is
 * opened, and keep it until the last iaf call that reads or writes returns.
 */
#ifndef IAF_SYSIO_H
#define IAF_SYSIO_H

#include <stddef.h>
#include <sys/types.h>

#include "iaf/defs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_sysio {
    int (*open_fn)(const char *path, int flags, mode_t mode);
    ssize_t (*read_fn)(int fd, void *buf, size_t n);
    ssize_t (*pread_fn)(int fd, void *buf, size_t n, off_t offset);
    void *(*mmap_fn)(void *addr, size_t n, int prot, int flags, int fd, off_t offset);
    ssize_t (*write_fn)(int fd, const void *buf, size_t n);
    int (*fsync_fn)(int fd);
    int (*close_fn)(int fd);
    int (*rename_fn)(const char *from, const char *to);
    /* renameat2(AT_FDCWD, from, AT_FDCWD, to, flags): RENAME_EXCHANGE and
     * RENAME_NOREPLACE */
    int (*rename2_fn)(const char *from, const char *to, unsigned flags);
} iaf_sysio;

/* Install table (copied; every member must be set), or the C library's
 * functions again when table is NULL. */
IAF_API void iaf_set_sysio(const iaf_sysio *table);
/* The table in use. Borrowed: valid until the next iaf_set_sysio. */
IAF_API const iaf_sysio *iaf_get_sysio(void);
/* The C library's functions (static), for an installed table to call. */
IAF_API const iaf_sysio *iaf_sysio_default(void);

#ifdef __cplusplus
}
#endif
#endif
