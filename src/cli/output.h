/* src/cli/output.h - how the tool writes its outputs (docs/reliability.md).
 *
 * Every file a command writes goes through an output set:
 *   - "-" is standard output;
 *   - a symbolic link is followed (chains, relative and dangling links) and
 *     its final target is written, never the link itself;
 *   - a regular file or a new path is replaced atomically: a temporary file
 *     NAME.tmp.XXXXXX (created with O_EXCL next to the target) is written
 *     and fsync'ed (at commit), then renamed over the target; the replaced file keeps its
 *     permission bits (and owner, where allowed);
 *   - a character device, FIFO or socket is written through directly;
 *   - a directory or block device is refused, and so is a file that is an
 *     input of the same run (same device and inode, under any name);
 *   - the files of one set are all written to temporaries first and renamed
 *     into place together; a failed rename rolls the earlier ones back, so
 *     a failed run leaves every file as it was.
 * SIGINT, SIGTERM and SIGHUP remove the temporaries of every open set and end
 * the process by the same signal (exit status 130, 143, 129 in a shell);
 * during the renames the signal waits until the set is complete. */
#ifndef IAF_CLI_OUTPUT_H
#define IAF_CLI_OUTPUT_H

#include <stddef.h>

#include "iaf/status.h"

/* Install the signal handlers (once, from main; a signal ignored on entry
 * stays ignored). */
void cli_signals_install(void);

/* Note a file read by this run: an output that is the same file is refused.
 * Paths that do not exist or are not regular files are ignored ("-" too).
 * Returns 0, or -1 when out of memory. */
int cli_input_add(const char *path);

typedef struct cli_outset cli_outset;

cli_outset *cli_outset_new(void);
/* Check path and stage data for it (copied to a temporary file next to the
 * target, or kept in memory for standard output and devices). Nothing
 * existing is changed yet. */
iaf_status cli_outset_add(cli_outset *s, const char *path, const char *data, size_t n,
                          iaf_error *err);
/* Write the direct outputs, then rename every temporary into place: all or
 * nothing. */
iaf_status cli_outset_commit(cli_outset *s, iaf_error *err);
/* Remove the temporaries not committed; NULL is a no-op. */
void cli_outset_free(cli_outset *s);

/* Check that standard output was written completely: flush it and report a
 * failure once ("iaf: <stdout>: write failed: ..."). Returns 0 or EXIT_DATA. */
int cli_stdout_close(void);
/* Write n bytes to standard output now; on failure fills err (and marks
 * the failure as reported). */
iaf_status cli_stdout_write(const char *data, size_t n, iaf_error *err);

#endif
