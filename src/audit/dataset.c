/* src/audit/dataset.c - see dataset.h. */
#include "audit/dataset.h"
#include "util/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct req {
    size_t ncols;
    size_t cols[IAF_MAX_CUBE_COLS]; /* indices into d->cols */
} req;

struct iaf_dataset {
    iaf_dataset_options opt;
    iaf_source *src;  /* microdata */
    iaf_table *table; /* counts */
    char *counts_path;
    char **cols; /* distinct requested columns */
    size_t ncols, colcap;
    req *reqs;
    size_t nreqs, reqcap;
    iaf_rawcount *rc;
    int counted;
};

static int is_count_file(const char *path, const iaf_dataset_options *o, iaf_error *err)
{
    return iaf_counts_sniff(path, &o->counts, err);
}

iaf_status iaf_dataset_open(const char *const *paths, size_t npaths, const iaf_dataset_options *opt,
                            iaf_dataset **out, iaf_error *err)
{
    *out = NULL;
    iaf_dataset *d = iaf_calloc(1, sizeof *d);
    if (!d) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (opt) d->opt = *opt;
    iaf_status st = IAF_OK;
    iaf_data_form form = d->opt.form;
    if (form == IAF_DATA_AUTO) {
        form = IAF_DATA_MICRODATA;
        if (npaths == 1 && d->opt.source.format != IAF_FORMAT_JSONL &&
            d->opt.source.format != IAF_FORMAT_PARQUET) {
            size_t n = strlen(paths[0]);
            int csvish = n > 4 && (strcasecmp(paths[0] + n - 4, ".csv") == 0 ||
                                   strcasecmp(paths[0] + n - 4, ".tsv") == 0);
            int cf = csvish ? is_count_file(paths[0], &d->opt, err) : 0;
            if (cf < 0) {
                st = err ? err->status : IAF_ERR_NOMEM;
                goto fail;
            }
            if (cf) form = IAF_DATA_COUNTS;
        }
    }
    if (form == IAF_DATA_COUNTS) {
        if (npaths != 1) {
            st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a count table is one file");
            goto fail;
        }
        /* read every attribute column; requests select among them */
        iaf_counts_options co = d->opt.counts;
        co.long_all_columns = 1;
        if ((st = iaf_counts_read(paths[0], &co, &d->table, err)) != IAF_OK) goto fail;
        if (!(d->counts_path = iaf_strdup(paths[0]))) goto oom;
    } else {
        if ((st = iaf_source_open(paths, npaths, &d->opt.source, &d->src, err)) != IAF_OK)
            goto fail;
    }
    *out = d;
    return IAF_OK;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
fail:
    iaf_dataset_free(d);
    return st;
}

iaf_status iaf_dataset_open_source(iaf_source *src, const iaf_dataset_options *opt,
                                   iaf_dataset **out, iaf_error *err)
{
    *out = NULL;
    iaf_dataset *d = iaf_calloc(1, sizeof *d);
    if (!d) {
        iaf_source_free(src);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (opt) d->opt = *opt;
    d->opt.form = IAF_DATA_MICRODATA;
    d->src = src;
    *out = d;
    return IAF_OK;
}

void iaf_dataset_free(iaf_dataset *d)
{
    if (!d) return;
    iaf_source_free(d->src);
    iaf_rawcount_free(d->rc);
    iaf_table_free(d->table);
    iaf_free(d->counts_path);
    for (size_t i = 0; i < d->ncols; i++)
        iaf_free(d->cols[i]);
    iaf_free(d->cols);
    iaf_free(d->reqs);
    iaf_free(d);
}

int iaf_dataset_is_counts(const iaf_dataset *d)
{
    return d->table != NULL;
}

size_t iaf_dataset_ncols(const iaf_dataset *d)
{
    return d->table ? iaf_table_nattrs(d->table) : iaf_source_ncols(d->src);
}

const char *iaf_dataset_col(const iaf_dataset *d, size_t i)
{
    return d->table ? iaf_table_attr(d->table, i) : iaf_source_colname(d->src, i);
}

int iaf_dataset_add_request(iaf_dataset *d, const char *const *cols, size_t ncols, iaf_error *err)
{
    if (ncols == 0 || ncols > IAF_MAX_CUBE_COLS)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a count needs 1 to %d columns",
                             IAF_MAX_CUBE_COLS);
    req r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < ncols; i++) {
        size_t k = 0;
        for (; k < d->ncols; k++)
            if (strcmp(d->cols[k], cols[i]) == 0) break;
        if (k == d->ncols) {
            if (d->table && iaf_table_attr_index(d->table, cols[i]) < 0)
                return iaf_error_set(err, IAF_ERR_INVALID, d->counts_path, 0, 0,
                                     "count table has no column '%s'", cols[i]);
            if (IAF_GROW(d->cols, d->colcap, d->ncols + 1) != 0 ||
                !(d->cols[d->ncols] = iaf_strdup(cols[i])))
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            d->ncols++;
        }
        /* a column listed twice in one request is counted once */
        int dup = 0;
        for (size_t j = 0; j < r.ncols; j++)
            dup |= r.cols[j] == k;
        if (!dup) r.cols[r.ncols++] = k;
    }
    /* identical requests share one cube */
    for (size_t q = 0; q < d->nreqs; q++)
        if (d->reqs[q].ncols == r.ncols &&
            memcmp(d->reqs[q].cols, r.cols, r.ncols * sizeof r.cols[0]) == 0)
            return (int)q;
    if (IAF_GROW(d->reqs, d->reqcap, d->nreqs + 1) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    d->reqs[d->nreqs] = r;
    return (int)d->nreqs++;
}

iaf_status iaf_dataset_count(iaf_dataset *d, const iaf_scan_consumer *progress, iaf_error *err)
{
    if (d->counted) return IAF_OK;
    iaf_status st;
    if (d->table) {
        st = iaf_rawcount_from_table(d->table, &d->rc, err);
    } else {
        const size_t **cc = iaf_calloc(d->nreqs ? d->nreqs : 1, sizeof *cc);
        size_t *cn = iaf_calloc(d->nreqs ? d->nreqs : 1, sizeof *cn);
        if (!cc || !cn) {
            iaf_free(cc);
            iaf_free(cn);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t q = 0; q < d->nreqs; q++) {
            cc[q] = d->reqs[q].cols;
            cn[q] = d->reqs[q].ncols;
        }
        iaf_rawcount_request rq = {(const char *const *)d->cols,
                                   d->ncols,
                                   (const size_t *const *)cc,
                                   cn,
                                   d->nreqs,
                                   d->opt.weight,
                                   d->opt.cancel,
                                   d->opt.cancel_ctx};
        st = iaf_rawcount_run(d->src, &rq, progress, &d->rc, err);
        iaf_free(cc);
        iaf_free(cn);
    }
    if (st == IAF_OK) d->counted = 1;
    return st;
}

iaf_status iaf_dataset_derive(iaf_dataset *d, int rq, iaf_attr *const *attrs, size_t nattrs,
                              const iaf_expr *universe, iaf_derived **out, iaf_error *err)
{
    *out = NULL;
    if (!d->counted) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "dataset not counted");
    /* count tables: one cube over every attribute; microdata: the request's cube */
    size_t cube = d->table ? 0 : (size_t)rq;
    return iaf_derive(d->rc, cube, attrs, nattrs, universe, &d->opt.labels, out, err);
}

int64_t iaf_dataset_rows(const iaf_dataset *d)
{
    return d->rc ? d->rc->nrows : 0;
}

int iaf_dataset_weighted(const iaf_dataset *d)
{
    return d->opt.weight != NULL;
}

const iaf_table *iaf_dataset_table(const iaf_dataset *d)
{
    return d->table;
}

size_t iaf_source_nfiles_of(const iaf_dataset *d)
{
    return d->table ? 1 : iaf_source_nfiles(d->src);
}

const char *iaf_dataset_file(const iaf_dataset *d, size_t i)
{
    return d->table ? d->counts_path : iaf_source_file(d->src, i);
}
