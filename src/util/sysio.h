/* src/util/sysio.h - the system calls of the file layer, as one table.
 *
 * Every read of an input (src/io/file.c, the fingerprints of util/sha256.c)
 * and every write of an output (the output sets of src/cli/output.c: the
 * temporary's open, write, fsync and close, the final rename or exchange)
 * calls the kernel through iaf_sys, never directly, so the fault-injection
 * tests (tests/faults/) can make the k-th read, write, fsync, close or
 * rename fail, or come back short, without #ifdefs in the code under test.
 * The default table holds the C library's functions. The library calls
 * through the variables below; programs (the tool, tests) reach them through
 * iaf/sysio.h.
 */
#ifndef IAF_UTIL_SYSIO_H
#define IAF_UTIL_SYSIO_H

#include "iaf/sysio.h" /* iaf_sysio, and setting the table from outside */

/* The table in use. */
extern iaf_sysio iaf_sys;
/* The C library's functions (to restore, or to call from a test's hooks). */
extern const iaf_sysio iaf_sysio_libc;

#endif
