/* src/audit/spec_weights.c - iaf_spec_set_weights: a spec's microdata (or count tables)
 * weighted by a weights file (core/rowweights.h), as `iaf audit --weights` asks. */
#include "audit/spec.h"
#include "core/rowweights.h"
#include "iaf/audit.h"

static iaf_status set(iaf_spec *s, const char *path, const void *data, size_t size, iaf_error *err)
{
    if (!s || !path || !*path)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no weights file given");
    if (s->nmicrodata == 0 && s->ntables == 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the spec reads no microdata and no count table");
    iaf_rowweights *rw = NULL;
    iaf_status st = data ? iaf_rowweights_load_memory(data, size, path, &rw, err)
                         : iaf_rowweights_load(path, &rw, err);
    if (st != IAF_OK) return st;
    /* rows weight microdata; a count table's cells weight count tables (the audit applies
     * them as it reads each table) */
    if (s->nmicrodata == 0 && !iaf_rowweights_by_cell(rw)) {
        iaf_rowweights_free(rw);
        return iaf_error_set(err, IAF_ERR_INVALID, path, 1, 0,
                             "per-row weights (ID,weight or file,row,weight) need the spec's "
                             "microdata; its checks are on count tables, which take the "
                             "per-cell weights iaf calibrate writes for a count table");
    }
    if (s->nmicrodata > 0 && iaf_rowweights_by_cell(rw)) {
        iaf_rowweights_free(rw);
        return iaf_error_set(err, IAF_ERR_INVALID, path, 1, 0,
                             "per-cell weights (count, g, calibrated_count) weight count tables; "
                             "the spec's microdata takes per-row weights (ID,weight or "
                             "file,row,weight)");
    }
    iaf_rowweights_free(s->row_weights);
    s->row_weights = rw;
    s->micro_opt.row_weights = rw;
    s->micro_opt.weight = NULL; /* the file's weights replace a weight column's */
    return IAF_OK;
}

iaf_status iaf_spec_set_weights(iaf_spec *s, const char *path, iaf_error *err)
{
    return set(s, path, NULL, 0, err);
}

iaf_status iaf_spec_set_weights_memory(iaf_spec *s, const void *data, size_t size, const char *name,
                                       iaf_error *err)
{
    if (!data) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no weights given");
    return set(s, name, data, size, err);
}
