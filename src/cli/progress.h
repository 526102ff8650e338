/* src/cli/progress.h - a progress line on stderr for long scans.
 *
 * Shown only when stderr is a terminal and the scan has run for more than
 * a second (IAF_PROGRESS_DELAY=SECONDS changes that, for tests), redrawn at
 * most four times a second, and erased when the scan ends: nothing is ever
 * written in non-interactive runs or with --quiet. The line reads
 *   iaf: 12,345,678 rows, 1.23 GB of 2.00 GB (61%), 85.3 MB/s, ETA 0:09
 */
#ifndef IAF_CLI_PROGRESS_H
#define IAF_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/source.h"

typedef struct cli_progress cli_progress;

/* NULL (and no error) when quiet or when stderr is not a terminal; every
 * function below accepts NULL. */
cli_progress *cli_progress_new(int quiet);
/* The consumer to hand to a scan: only its progress member is set; NULL
 * for a NULL p. Valid until cli_progress_free. */
const iaf_scan_consumer *cli_progress_consumer(cli_progress *p);
/* Erase the line if one was drawn (call before printing results). */
void cli_progress_done(cli_progress *p);
void cli_progress_free(cli_progress *p);

/* The text of one line, without "\r" and the erase sequence. */
void cli_progress_format(char *buf, size_t n, uint64_t bytes, uint64_t total, uint64_t rows,
                         double seconds);

#endif
