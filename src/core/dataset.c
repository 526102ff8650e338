/* src/core/dataset.c - see dataset.h. */
#include "core/dataset.h"
#include "util/suggest.h"
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
    int src_borrowed; /* src is the caller's (iaf_dataset_open_source_borrowed) */
    iaf_table *table; /* counts */
    char *counts_path;
    char **cols; /* distinct requested columns */
    size_t ncols, colcap;
    req *reqs;
    size_t nreqs, reqcap;
    iaf_rawcount *rc;
    const iaf_rawcount *given; /* counts made elsewhere (iaf_dataset_open_cubes) */
    int counted;
};

static int is_count_file(const char *path, const iaf_dataset_options *o, iaf_error *err)
{
    return iaf_counts_sniff(path, &o->counts, err);
}

/* A new dataset with the caller's options (a zeroed set when opt is NULL). */
static iaf_dataset *dataset_new(const iaf_dataset_options *opt)
{
    iaf_dataset *d = iaf_calloc(1, sizeof *d);
    if (d && opt) d->opt = *opt;
    return d;
}

/* d's table from a count table: the file path, or (memory) n bytes at data
 * named path. Every attribute column is read; requests select among them. */
static iaf_status read_counts(iaf_dataset *d, const char *path, int memory, const void *data,
                              size_t n, iaf_error *err)
{
    iaf_counts_options co = d->opt.counts;
    co.long_all_columns = 1;
    iaf_status st = memory ? iaf_counts_read_memory(data, n, path, &co, &d->table, err)
                           : iaf_counts_read(path, &co, &d->table, err);
    if (st == IAF_OK && !(d->counts_path = iaf_strdup(path)))
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return st;
}

/* Microdata from src, which d frees unless borrowed (also when d cannot be made). */
static iaf_status open_source(iaf_source *src, int borrowed, const iaf_dataset_options *opt,
                              iaf_dataset **out, iaf_error *err)
{
    *out = NULL;
    iaf_dataset *d = dataset_new(opt);
    if (!d) {
        if (!borrowed) iaf_source_free(src);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    d->opt.form = IAF_DATA_MICRODATA;
    d->src = src;
    d->src_borrowed = borrowed;
    *out = d;
    return IAF_OK;
}

iaf_status iaf_dataset_open(const char *const *paths, size_t npaths, const iaf_dataset_options *opt,
                            iaf_dataset **out, iaf_error *err)
{
    *out = NULL;
    iaf_dataset *d = dataset_new(opt);
    if (!d) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
        if ((st = read_counts(d, paths[0], 0, NULL, 0, err)) != IAF_OK) goto fail;
    } else {
        if ((st = iaf_source_open(paths, npaths, &d->opt.source, &d->src, err)) != IAF_OK)
            goto fail;
    }
    *out = d;
    return IAF_OK;
fail:
    iaf_dataset_free(d);
    return st;
}

iaf_status iaf_dataset_open_source(iaf_source *src, const iaf_dataset_options *opt,
                                   iaf_dataset **out, iaf_error *err)
{
    return open_source(src, 0, opt, out, err);
}

iaf_status iaf_dataset_open_source_borrowed(iaf_source *src, const iaf_dataset_options *opt,
                                            iaf_dataset **out, iaf_error *err)
{
    return open_source(src, 1, opt, out, err);
}

iaf_status iaf_dataset_open_counts_memory(const void *data, size_t n, const char *name,
                                          const iaf_dataset_options *opt, iaf_dataset **out,
                                          iaf_error *err)
{
    *out = NULL;
    iaf_dataset *d = dataset_new(opt);
    if (!d) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    d->opt.form = IAF_DATA_COUNTS;
    iaf_status st = read_counts(d, name ? name : "<memory>", 1, data, n, err);
    if (st != IAF_OK) {
        iaf_dataset_free(d);
        return st;
    }
    *out = d;
    return IAF_OK;
}

void iaf_dataset_free(iaf_dataset *d)
{
    if (!d) return;
    if (!d->src_borrowed) iaf_source_free(d->src);
    iaf_rawcount_free(d->rc);
    iaf_table_free(d->table);
    iaf_free(d->counts_path);
    for (size_t i = 0; i < d->ncols; i++)
        iaf_free(d->cols[i]);
    iaf_free(d->cols);
    iaf_free(d->reqs);
    iaf_free(d);
}

iaf_status iaf_dataset_open_cubes(const iaf_rawcount *given, const iaf_dataset_options *opt,
                                  iaf_dataset **out, iaf_error *err)
{
    if (!(*out = dataset_new(opt)))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    (*out)->given = given;
    return IAF_OK;
}

iaf_source *iaf_dataset_source(const iaf_dataset *d)
{
    return d->src;
}

iaf_rawcount *iaf_dataset_take_rawcount(iaf_dataset *d)
{
    iaf_rawcount *rc = d->rc;
    d->rc = NULL;
    d->counted = 0;
    return rc;
}

/* A raw count with d's columns and one cube per request; no values, no cells. */
static iaf_rawcount *defs_new(const iaf_dataset *d)
{
    iaf_rawcount *rc = iaf_calloc(1, sizeof *rc);
    if (!rc) return NULL;
    rc->cols = iaf_calloc(d->ncols ? d->ncols : 1, sizeof *rc->cols);
    rc->nvalues = iaf_calloc(d->ncols ? d->ncols : 1, sizeof *rc->nvalues);
    rc->values = iaf_calloc(d->ncols ? d->ncols : 1, sizeof *rc->values);
    rc->cubes = iaf_calloc(d->nreqs ? d->nreqs : 1, sizeof *rc->cubes);
    if (!rc->cols || !rc->nvalues || !rc->values || !rc->cubes) goto oom;
    rc->ncols = d->ncols;
    for (size_t c = 0; c < d->ncols; c++) {
        if (!(rc->cols[c] = iaf_strdup(d->cols[c]))) goto oom;
        if (!(rc->values[c] = iaf_calloc(1, sizeof *rc->values[c]))) goto oom;
        rc->nvalues[c] = 1;
    }
    rc->ncubes = d->nreqs;
    for (size_t q = 0; q < d->nreqs; q++) {
        rc->cubes[q].ncols = d->reqs[q].ncols;
        memcpy(rc->cubes[q].cols, d->reqs[q].cols, d->reqs[q].ncols * sizeof d->reqs[q].cols[0]);
    }
    rc->weighted = d->opt.weight != NULL || d->opt.row_weights != NULL;
    return rc;
oom:
    iaf_rawcount_free(rc);
    return NULL;
}

iaf_status iaf_dataset_defs(const iaf_dataset *d, iaf_rawcount **out, iaf_error *err)
{
    if (!(*out = defs_new(d)))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}

static _Thread_local const uint32_t *perm_keys;
static _Thread_local size_t perm_nk;

static int cmp_perm_cell(const void *a, const void *b)
{
    const uint32_t *x = perm_keys + (size_t) * (const uint32_t *)a * perm_nk,
                   *y = perm_keys + (size_t) * (const uint32_t *)b * perm_nk;
    for (size_t j = 0; j < perm_nk; j++)
        if (x[j] != y[j]) return x[j] < y[j] ? -1 : 1;
    return 0;
}

/* The cells of request q from the given cube over the same column set (its
 * columns possibly in another order: keys are permuted and cells sorted
 * again, so the cube is the one a scan would have made). */
static iaf_status project_cube(iaf_dataset *d, iaf_rawcount *rc, size_t q, iaf_error *err)
{
    const iaf_rawcount *g = d->given;
    const req *r = &d->reqs[q];
    size_t perm[IAF_MAX_CUBE_COLS];
    const iaf_rawcube *gc = NULL;
    for (size_t k = 0; k < g->ncubes && !gc; k++) {
        const iaf_rawcube *c = &g->cubes[k];
        if (c->ncols != r->ncols) continue;
        size_t found = 0;
        for (size_t j = 0; j < r->ncols; j++)
            for (size_t p = 0; p < c->ncols; p++)
                if (!strcmp(g->cols[c->cols[p]], d->cols[r->cols[j]])) {
                    perm[j] = p;
                    found++;
                    break;
                }
        if (found == r->ncols) gc = c;
    }
    if (!gc) {
        iaf_buf b = {0};
        for (size_t j = 0; j < r->ncols; j++)
            iaf_buf_printf(&b, "%s%s", j ? ", " : "", d->cols[r->cols[j]]);
        iaf_status st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                      "the counts have no cube over (%s): they were made for "
                                      "another spec",
                                      b.data ? b.data : "");
        iaf_buf_free(&b);
        return st;
    }
    iaf_rawcube *out = &rc->cubes[q];
    size_t n = gc->ncells, nk = r->ncols;
    out->ncols = nk;
    memcpy(out->cols, r->cols, nk * sizeof r->cols[0]);
    out->ncells = n;
    uint32_t *keys = iaf_calloc(n * nk + 1, sizeof *keys);
    uint32_t *order = iaf_calloc(n ? n : 1, sizeof *order);
    out->keys = iaf_calloc(n * nk + 1, sizeof *out->keys);
    out->count = iaf_calloc(n ? n : 1, sizeof *out->count);
    out->wsum = iaf_calloc(n ? n : 1, sizeof *out->wsum);
    out->wsum2 = iaf_calloc(n ? n : 1, sizeof *out->wsum2);
    if (!keys || !order || !out->keys || !out->count || !out->wsum || !out->wsum2) {
        iaf_free(keys);
        iaf_free(order);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    int same = 1;
    for (size_t j = 0; j < nk; j++)
        same &= perm[j] == j;
    for (size_t i = 0; i < n; i++) {
        order[i] = (uint32_t)i;
        for (size_t j = 0; j < nk; j++)
            keys[i * nk + j] = gc->keys[i * nk + perm[j]];
    }
    if (!same) {
        perm_keys = keys;
        perm_nk = nk;
        qsort(order, n, sizeof *order, cmp_perm_cell);
    }
    for (size_t i = 0; i < n; i++) {
        size_t o = order[i];
        memcpy(out->keys + i * nk, keys + o * nk, nk * sizeof *keys);
        out->count[i] = gc->count[o];
        out->wsum[i] = gc->wsum[o];
        out->wsum2[i] = gc->wsum2[o];
    }
    iaf_free(keys);
    iaf_free(order);
    return IAF_OK;
}

/* Requests answered from the given counts: d's columns take the given
 * dictionaries (the same ids), each request its cube. */
static iaf_status count_given(iaf_dataset *d, iaf_error *err)
{
    const iaf_rawcount *g = d->given;
    if (!g) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a plan has no counts");
    iaf_rawcount *rc = defs_new(d);
    if (!rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_status st = IAF_OK;
    for (size_t c = 0; c < d->ncols && st == IAF_OK; c++) {
        size_t gc = 0;
        while (gc < g->ncols && strcmp(g->cols[gc], d->cols[c]) != 0)
            gc++;
        if (gc == g->ncols) {
            st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                               "the counts have no column '%s': they were made for another spec",
                               d->cols[c]);
            break;
        }
        iaf_sv *v = iaf_calloc(g->nvalues[gc], sizeof *v);
        if (!v) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memcpy(v, g->values[gc], g->nvalues[gc] * sizeof *v);
        iaf_free(rc->values[c]);
        rc->values[c] = v;
        rc->nvalues[c] = g->nvalues[gc];
    }
    for (size_t q = 0; q < d->nreqs && st == IAF_OK; q++)
        st = project_cube(d, rc, q, err);
    if (st != IAF_OK) {
        iaf_rawcount_free(rc);
        return st;
    }
    rc->nrows = g->nrows;
    rc->wtotal = g->wtotal;
    rc->wtotal2 = g->wtotal2;
    rc->weighted = g->weighted;
    rc->nworkers = 1;
    d->rc = rc;
    return IAF_OK;
}

int iaf_dataset_is_counts(const iaf_dataset *d)
{
    return d->table != NULL;
}

size_t iaf_dataset_ncols(const iaf_dataset *d)
{
    return d->table ? iaf_table_nattrs(d->table) : d->src ? iaf_source_ncols(d->src) : d->ncols;
}

const char *iaf_dataset_col(const iaf_dataset *d, size_t i)
{
    return d->table ? iaf_table_attr(d->table, i)
           : d->src ? iaf_source_colname(d->src, i)
                    : d->cols[i];
}

/* The error for a column d does not have, with the closest name when one is
 * close ("did you mean 'occupation'?") and the columns it has. */
static iaf_status no_column(const iaf_dataset *d, const char *name, iaf_error *err)
{
    size_t na = iaf_dataset_ncols(d);
    const char *near = NULL;
    iaf_buf b = {0};
    for (size_t j = 0; j < na; j++) {
        const char *cand = iaf_dataset_col(d, j), *best = near;
        const char *two[2] = {near, cand};
        if (!(near = iaf_suggest(name, best ? two : two + 1, best ? 2 : 1))) near = best;
        if (b.len < 600) iaf_buf_printf(&b, "%s'%s'", j ? ", " : "", cand);
    }
    if (b.len >= 600) iaf_buf_puts(&b, ", ...");
    iaf_status st =
        iaf_error_set(err, IAF_ERR_INVALID, d->table ? d->counts_path : iaf_dataset_file(d, 0), 0,
                      0, "%sno column '%s'%s%s%s (its columns: %s)",
                      d->table ? "count table has " : "", name, near ? "; did you mean '" : "",
                      near ? near : "", near ? "'?" : "", b.data ? b.data : "none");
    iaf_buf_free(&b);
    return st;
}

iaf_status iaf_dataset_check_columns(const iaf_dataset *d, const char *const *cols, size_t n,
                                     iaf_error *err)
{
    /* JSON Lines has no header: a key may first appear on any line; counts
     * made elsewhere (no source) say which cubes they hold when one is asked */
    if (!d->table && (!d->src || iaf_source_format(d->src) == IAF_FORMAT_JSONL)) return IAF_OK;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0, na = iaf_dataset_ncols(d);
        while (j < na && strcmp(iaf_dataset_col(d, j), cols[i]) != 0)
            j++;
        if (j == na) return no_column(d, cols[i], err);
    }
    return IAF_OK;
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
                return no_column(d, cols[i], err);
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
    } else if (!d->src) {
        st = count_given(d, err);
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
                                   d->opt.row_weights,
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

void iaf_dataset_set_row_weights(iaf_dataset *d, struct iaf_rowweights *rw)
{
    d->opt.row_weights = rw;
    if (rw) d->opt.weight = NULL;
}

int iaf_dataset_weighted(const iaf_dataset *d)
{
    return d->opt.weight != NULL || d->opt.row_weights != NULL;
}

const iaf_table *iaf_dataset_table(const iaf_dataset *d)
{
    return d->table;
}

iaf_table *iaf_dataset_table_mut(iaf_dataset *d)
{
    return d->table;
}

size_t iaf_source_nfiles_of(const iaf_dataset *d)
{
    return d->table ? 1 : d->src ? iaf_source_nfiles(d->src) : 0;
}

const char *iaf_dataset_file(const iaf_dataset *d, size_t i)
{
    return d->table ? d->counts_path : iaf_source_file(d->src, i);
}
