/* src/util/sysio.h - the system calls of the file layer, as one table.
 *
 * Every read of an input (src/io/file.c, the fingerprints of util/sha256.c)
 * and every write of an output (the output sets of src/cli/output.c: the
 * temporary's open, write, fsync and close, the final rename or exchange)
 * calls the kernel through iaf_sys, never directly, so the fault-injection
 * tests (tests/faults/) can make the k-th read, write, fsync, close or
 * rename fail, or come back short, without #ifdefs in the code under test.
 * The default table holds the C library's functions. Not public API;
 * swapped only by tests, before any file is opened.
 */
#ifndef IAF_UTIL_SYSIO_H
#define IAF_UTIL_SYSIO_H

#include <stddef.h>
#include <sys/types.h>

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

/* The table in use. */
extern iaf_sysio iaf_sys;
/* The C library's functions (to restore, or to call from a test's hooks). */
extern const iaf_sysio iaf_sysio_libc;

#endif
