/* iaf/cubes.h - the raw cubes of an audit, beyond one machine (docs/scale.md).
 *
 * An audit counts raw value tuples first (one cube per distinct column set
 * of its checks) and derives everything else from those counts. Counts add
 * up across partitions of the rows, so the counting can run elsewhere:
 *
 *   - shards: iaf_cubes_count counts one part of the rows (no check is
 *     run); iaf_cubes_merge sums parts exactly (cell counts are integers);
 *   - SQL engines: iaf_cubes_plan gives, for every cube, the GROUP BY query
 *     that computes it in a dialect, and the manifest the engine's output
 *     is read back with;
 *
 * and iaf_audit_run_cubes runs the audit from the counts instead of rows.
 * Its report equals the report of a scan of the same rows, apart from the
 * `provenance` member, which says where the counts came from.
 *
 * A count directory holds manifest.json (schema iaf-counts/1: the
 * fingerprint of the spec, the cube definitions and the inputs' schema;
 * the cubes, their columns and files) and one file per cube: a CSV written
 * by iaf (cube columns, then iaf_n, and iaf_w, iaf_w2 when weighted), or an
 * engine's CSV or Parquet output (one file, or a directory of part-*
 * files). In CSV an unquoted empty field is NULL, a quoted one ("") the
 * empty string, as PostgreSQL, DuckDB and Spark write them.
 *
 * Ownership as everywhere (iaf.h): handles made through `out` are owned by
 * the caller and released with iaf_cubes_free; strings returned by
 * accessors are borrowed from the handle.
 */
#ifndef IAF_CUBES_H
#define IAF_CUBES_H

#include "iaf/defs.h"

#include <stddef.h>
#include <stdint.h>

#include "iaf/audit.h"
#include "iaf/buffer.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_cubes iaf_cubes;

/* Count the spec's microdata into the raw cubes its checks need, as
 * iaf_audit_run would before deriving (same threads, same progress); no
 * check is run. Count tables and references are read, so that the spec is
 * validated as a whole. */
IAF_API iaf_status iaf_cubes_count(const iaf_spec *spec, const iaf_audit_options *opt,
                                   iaf_cubes **out, iaf_error *err);

/* Load a count directory: shards written from iaf_cubes_count or
 * iaf_cubes_merge, or an engine's output beside the manifest of
 * iaf_cubes_plan. Every cube must count the same rows. */
IAF_API iaf_status iaf_cubes_load(const char *dir, iaf_cubes **out, iaf_error *err);

/* Add the cells of `add` to `into`. Both must carry the same fingerprint
 * (same spec, cube definitions and input schema); else IAF_ERR_INVALID
 * naming both. Input files are appended in order. */
IAF_API iaf_status iaf_cubes_merge(iaf_cubes *into, const iaf_cubes *add, iaf_error *err);

/* The SQL plan of a spec (iaf_cubes_plan): one query per cube in `dialect`
 * ("duckdb", "postgres", "spark", "trino", "bigquery") over `table`
 * (written as given; NULL for DuckDB reads the spec's microdata files).
 * out_dir is the directory the engine writes its results to, as the
 * plan's script names them (NULL: the bare file names). IAF_ERR_INVALID for an unknown
 * dialect or a missing table. */
IAF_API iaf_status iaf_cubes_plan(const iaf_spec *spec, const char *dialect, const char *table,
                                  const char *out_dir, iaf_cubes **out, iaf_error *err);

/* Names of the dialects, NULL-terminated. */
IAF_API const char *const *iaf_cubes_dialects(void);

/* The files of a count directory or a plan: manifest.json first, then one
 * file per cube (a plan: cube-NN.sql and plan.sql, the script that writes
 * every result). Rendered into a caller-owned buffer (appended). The name
 * of iaf_cubes_file_name is valid until the next call on the same thread. */
IAF_API size_t iaf_cubes_nfiles(const iaf_cubes *c);
IAF_API const char *iaf_cubes_file_name(const iaf_cubes *c, size_t i);
IAF_API iaf_status iaf_cubes_render_file(const iaf_cubes *c, size_t i, iaf_buffer *out,
                                         iaf_error *err);

/* What the counts are: the fingerprint (64 hex digits), the number of
 * cubes, rows counted (-1 for a plan) and the input files counted (shards;
 * none for a plan). */
IAF_API const char *iaf_cubes_fingerprint(const iaf_cubes *c);
IAF_API size_t iaf_cubes_ncubes(const iaf_cubes *c);
IAF_API int64_t iaf_cubes_rows(const iaf_cubes *c);
IAF_API size_t iaf_cubes_ninputs(const iaf_cubes *c);
IAF_API const char *iaf_cubes_input_path(const iaf_cubes *c, size_t i);

IAF_API void iaf_cubes_free(iaf_cubes *c);

/* Run every check of spec from counts instead of rows. The cubes must
 * hold every cube the spec needs (same columns, same weight); count tables
 * and references are read from their files as usual. */
IAF_API iaf_status iaf_audit_run_cubes(const iaf_spec *spec, const iaf_audit_options *opt,
                                       const iaf_cubes *cubes, iaf_audit **out, iaf_error *err);

#ifdef __cplusplus
}
#endif

#endif
