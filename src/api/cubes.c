/* src/api/cubes.c - the entry points of iaf/cubes.h that run a spec (count
 * only, a plan's cube definitions, the audit from counts) over the audit's
 * run modes, and the files of a count directory or a plan into a public
 * buffer. The cubes themselves (loading, merging, rendering, the SQL texts)
 * are src/core/cubes.c. */
#include "iaf/cubes.h"

#include <string.h>

#include "api/api.h"
#include "audit/audit.h"
#include "core/cubes.h"
#include "util/util.h"

iaf_status iaf_cubes_render_file(const iaf_cubes *c, size_t i, iaf_buffer *out, iaf_error *err)
{
    return iaf_cubes_render(c, i, iaf_buffer_raw(out), err);
}

iaf_status iaf_cubes_plan(const iaf_spec *spec, const char *dialect_name, const char *table,
                          const char *out_dir, iaf_cubes **out, iaf_error *err)
{
    *out = NULL;
    const char *d = iaf_cubes_dialect(dialect_name);
    if (!d)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "unknown SQL dialect '%s' (duckdb, postgres, spark, trino, bigquery)",
                             dialect_name ? dialect_name : "");
    if (!table && strcmp(d, "duckdb") != 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the %s plan needs the source table (--table)", d);
    iaf_audit_options o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    iaf_cubes *c = NULL;
    iaf_status st = iaf_audit_run_mode(spec, &o, IAF_RUN_PLAN, NULL, NULL, &c, err);
    if (st != IAF_OK) return st;
    if (!table && !c->ninputs) {
        iaf_cubes_free(c);
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                             "the duckdb plan reads the spec's microdata files, which are not "
                             "there: give the source table (--table)");
    }
    if (!(c->dialect = iaf_strdup(d)) || (table && !(c->table = iaf_strdup(table))) ||
        (out_dir && !(c->out_dir = iaf_strdup(out_dir)))) {
        iaf_cubes_free(c);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    *out = c;
    return IAF_OK;
}

iaf_status iaf_cubes_count(const iaf_spec *spec, const iaf_audit_options *opt, iaf_cubes **out,
                           iaf_error *err)
{
    return iaf_audit_run_mode(spec, opt, IAF_RUN_COUNT, NULL, NULL, out, err);
}

iaf_status iaf_audit_run_cubes(const iaf_spec *spec, const iaf_audit_options *opt,
                               const iaf_cubes *cubes, iaf_audit **out, iaf_error *err)
{
    *out = NULL;
    if (!cubes || cubes->rows < 0 || !cubes->rc)
        return iaf_error_set(err, IAF_ERR_INVALID, cubes ? cubes->dir : NULL, 0, 0,
                             "a plan holds no counts: run it on an engine first");
    return iaf_audit_run_mode(spec, opt, IAF_RUN_CUBES, cubes, out, NULL, err);
}
