/* src/core/crosswalk.h - crosswalk files: dataset category labels -> reference labels.
 *
 * A crosswalk is data, reviewable line by line: a UTF-8 CSV (dialect of io/csv.h) with
 * the header `from,to` and the optional columns `weight` (default 1), `match` (`exact`,
 * the default, or `regex`) and `note` (ignored). Lines starting with `#` are comments
 * (provenance). The full rules are in docs/expressions.md ("Crosswalk files"); in short:
 *   - exact rows map one label; several rows with one `from` split it with weights that
 *     must lie in (0, 1] and sum to 1 (within 1e-9); a repeated (from, to) is an error;
 *   - an empty `to` drops the label explicitly (it must then be the only row of its from);
 *   - regex rows (POSIX ERE, anchored to the whole label, matched in the C.UTF-8 locale)
 *     are tried in file order after the exact rows, the first matching pattern wins; `to`
 *     may use \1..\9 (groups) and \0 (the whole label); weights work as for exact rows,
 *     grouped by identical pattern text.
 *
 * Thread safety: mapping a label that an exact row matches touches no shared state; the
 * regex path uses a scratch buffer and a result cache inside the crosswalk, so one
 * crosswalk must not be used by several threads at once when it has regex rows.
 */
#ifndef IAF_CORE_CROSSWALK_H
#define IAF_CORE_CROSSWALK_H

#include <stddef.h>

#include "iaf/source.h"
#include "iaf/status.h"

/* Most targets one label may have; a file with more rows for one from (or pattern) is
 * refused (IAF_ERR_LIMIT), so a targets array this long never truncates. */
#define IAF_CROSSWALK_MAX_TARGETS 64

typedef struct iaf_crosswalk iaf_crosswalk;

/* Load a crosswalk file. Errors name the file and the 1-based line of the offending row
 * (for a weight sum that is not 1, the line of the first row of that from). On success
 * *out is owned by the caller (iaf_crosswalk_free). */
iaf_status iaf_crosswalk_load(const char *path, iaf_crosswalk **out, iaf_error *err);

/* Same from memory (tests, fuzzers); data is copied. name is used in errors. */
iaf_status iaf_crosswalk_load_memory(const void *data, size_t n, const char *name,
                                     iaf_crosswalk **out, iaf_error *err);

/* NULL is a no-op. */
void iaf_crosswalk_free(iaf_crosswalk *cw);

/* Map one label (ptr NULL = missing: never mapped). Fills up to max (target, weight) pairs
 * in file order and returns how many it filled; 0 means unmapped, and then *dropped (if
 * dropped is non-NULL) is 1 when a row with an empty `to` matched, 0 when no row did,
 * and -1 when the label could not be mapped for want of memory.
 * Target views are owned by cw (exact rows, literal `to`) or by a cache inside cw (regex
 * substitutions) and stay valid until iaf_crosswalk_free. Pass max >=
 * IAF_CROSSWALK_MAX_TARGETS to never lose a target. weights may be NULL. */
size_t iaf_crosswalk_map(iaf_crosswalk *cw, iaf_sv label, iaf_sv *targets, double *weights,
                         size_t max, int *dropped);

/* Data rows in the file (comments and the header excluded). */
size_t iaf_crosswalk_nrows(const iaf_crosswalk *cw);

/* The path or name the crosswalk was loaded from (borrowed, valid until free). */
const char *iaf_crosswalk_file(const iaf_crosswalk *cw);

#endif
