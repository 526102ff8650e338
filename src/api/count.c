/* src/api/count.c - iaf/count.h: counting tables over the dataset layer
 * (src/core/dataset.c), which scans microdata once for every request and
 * derives each table (missing tokens, normalisation, universe). */
#include "iaf/count.h"

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/hugepage.h"
#include "util/parallel.h"
#include "core/dataset.h"
#include "core/rowweights.h"
#include "core/expr.h"
#include "core/labels.h"
#include "report/csvout.h"
#include "util/util.h"

typedef struct counter_table {
    char **by; /* owned names */
    size_t nby;
    iaf_attr *attrs[IAF_COUNT_MAX_COLUMNS];
    int req;
    iaf_derived *dv;
} counter_table;

struct iaf_counter {
    iaf_dataset *ds;
    iaf_expr *universe;
    char *weight;
    iaf_rowweights *row_weights; /* iaf_counter_set_weights (owned: the dataset borrows it) */
    char **missing;              /* owned copies: the dataset borrows them */
    size_t nmissing;
    iaf_scan_consumer progress;
    counter_table tabs[IAF_COUNT_MAX_TABLES];
    size_t ntabs;
    int threads; /* the source's thread count (0: every core) */
    int ran;
};

iaf_status iaf_normalize_check(const char *steps, iaf_error *err)
{
    if (!steps) return IAF_OK;
    const char *s = steps;
    while (*s) {
        size_t n = strcspn(s, ",");
        char name[16];
        if (n == 0 || n >= sizeof name) goto bad;
        memcpy(name, s, n);
        name[n] = '\0';
        if (!iaf_label_norm_flag(name)) goto bad;
        s += n;
        if (*s == ',' && !*++s) goto bad;
    }
    return IAF_OK;
bad:
    return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                         "normalisation '%s': the steps are trim, nfc, nfkc, casefold, numeric "
                         "(comma-separated)",
                         steps);
}

iaf_status iaf_where_check(const char *expr, const char *name, iaf_error *err)
{
    iaf_expr *e = NULL;
    iaf_error e2;
    iaf_error_clear(&e2);
    iaf_status st = iaf_expr_parse(expr ? expr : "", name ? name : "where", &e, &e2);
    iaf_expr_free(e);
    if (st == IAF_OK) return IAF_OK;
    /* one line of text: NAME:1:COL, like any other located error */
    if (e2.column > 0 && e2.line == 0) {
        e2.line = 1;
        e2.where[0] = '\0';
    }
    if (err) *err = e2;
    return st;
}

unsigned iaf_api_normalize_flags(const char *steps)
{
    unsigned f = 0;
    for (const char *s = steps; s && *s;) {
        size_t n = strcspn(s, ",");
        char name[16];
        if (n < sizeof name) {
            memcpy(name, s, n);
            name[n] = '\0';
            f |= iaf_label_norm_flag(name);
        }
        s += n;
        if (*s == ',') s++;
    }
    return f;
}

static void free_strings(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++)
        iaf_free(v[i]);
    iaf_free(v);
}

static char **copy_strings(const char *const *v, size_t n)
{
    char **c = iaf_calloc(n ? n : 1, sizeof *c);
    if (!c) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(c[i] = iaf_strdup(v[i]))) {
            free_strings(c, i);
            return NULL;
        }
    return c;
}

void iaf_counter_free(iaf_counter *c)
{
    if (!c) return;
    for (size_t k = 0; k < c->ntabs; k++) {
        counter_table *t = &c->tabs[k];
        for (size_t i = 0; i < t->nby; i++)
            iaf_attr_free(t->attrs[i]);
        iaf_derived_free(t->dv);
        free_strings(t->by, t->nby);
    }
    iaf_dataset_free(c->ds);
    iaf_rowweights_free(c->row_weights);
    iaf_expr_free(c->universe);
    iaf_free(c->weight);
    free_strings(c->missing, c->nmissing);
    iaf_free(c);
}

/* The counter's own state from the options; the dataset is opened by the caller. */
static iaf_status counter_new(const iaf_count_options *opt, iaf_counter **out,
                              iaf_dataset_options *dopt, iaf_error *err)
{
    *out = NULL;
    iaf_status st = iaf_normalize_check(opt->normalize, err);
    if (st != IAF_OK) return st;
    iaf_counter *c = iaf_calloc(1, sizeof *c);
    if (!c) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if ((opt->weight && !(c->weight = iaf_strdup(opt->weight))) ||
        (opt->nmissing && !(c->missing = copy_strings(opt->missing, opt->nmissing)))) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    c->nmissing = opt->nmissing;
    if (opt->where && (st = iaf_expr_parse(opt->where, opt->where_name ? opt->where_name : "where",
                                           &c->universe, err)) != IAF_OK)
        goto cleanup;
    memset(dopt, 0, sizeof *dopt);
    dopt->form = IAF_DATA_MICRODATA;
    dopt->source = opt->source;
    c->threads = opt->source.threads;
    dopt->weight = c->weight;
    dopt->labels.missing = (const char *const *)c->missing;
    dopt->labels.nmissing = c->nmissing;
    dopt->labels.normalize = iaf_api_normalize_flags(opt->normalize);
    dopt->cancel = opt->cancel;
    dopt->cancel_ctx = opt->progress_ctx;
    c->progress.ctx = opt->progress_ctx;
    c->progress.progress = opt->progress;
    *out = c;
    return IAF_OK;
cleanup:
    iaf_counter_free(c);
    return st;
}

iaf_status iaf_counter_open(const char *const *paths, size_t npaths, const iaf_count_options *opt,
                            iaf_counter **out, iaf_error *err)
{
    static const iaf_count_options defaults;
    if (!opt) opt = &defaults;
    iaf_dataset_options dopt;
    iaf_status st = counter_new(opt, out, &dopt, err);
    if (st != IAF_OK) return st;
    if ((st = iaf_dataset_open(paths, npaths, &dopt, &(*out)->ds, err)) != IAF_OK) {
        iaf_counter_free(*out);
        *out = NULL;
    }
    return st;
}

iaf_status iaf_counter_open_source(iaf_source *src, const iaf_count_options *opt, iaf_counter **out,
                                   iaf_error *err)
{
    static const iaf_count_options defaults;
    if (!opt) opt = &defaults;
    iaf_dataset_options dopt;
    iaf_status st = counter_new(opt, out, &dopt, err);
    if (st != IAF_OK) {
        iaf_source_free(src);
        return st;
    }
    if ((st = iaf_dataset_open_source(src, &dopt, &(*out)->ds, err)) != IAF_OK) {
        iaf_counter_free(*out);
        *out = NULL;
    }
    return st;
}

iaf_status iaf_counter_add(iaf_counter *c, const char *const *by, size_t nby, size_t *index,
                           iaf_error *err)
{
    if (c->ran)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "the counter has already run");
    if (c->ntabs == IAF_COUNT_MAX_TABLES)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "at most %d tables per scan",
                             IAF_COUNT_MAX_TABLES);
    if (nby < 1 || nby > IAF_COUNT_MAX_COLUMNS)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a table has 1 to %d columns",
                             IAF_COUNT_MAX_COLUMNS);
    for (size_t i = 0; i < nby; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(by[i], by[j]))
                return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                     "column '%s' named more than once", by[i]);
    /* the table's columns, then the filter's (each once) */
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t ncols = 0;
    for (size_t i = 0; i < nby; i++)
        cols[ncols++] = by[i];
    for (size_t v = 0; c->universe && v < iaf_expr_nvars(c->universe); v++) {
        const char *name = iaf_expr_var(c->universe, v);
        int dup = 0;
        for (size_t j = 0; j < ncols; j++)
            dup |= !strcmp(cols[j], name);
        if (dup) continue;
        if (ncols == IAF_MAX_CUBE_COLS)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "too many columns in the table and the filter");
        cols[ncols++] = name;
    }
    counter_table *t = &c->tabs[c->ntabs];
    memset(t, 0, sizeof *t);
    if (!(t->by = copy_strings(by, nby)))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    t->nby = nby;
    c->ntabs++; /* owned by the counter from here on */
    for (size_t i = 0; i < nby; i++)
        if (!(t->attrs[i] = iaf_attr_new_asis(t->by[i], t->by[i])))
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if ((t->req = iaf_dataset_add_request(c->ds, cols, ncols, err)) < 0) return (iaf_status)t->req;
    if (index) *index = c->ntabs - 1;
    return IAF_OK;
}

iaf_status iaf_counter_set_weights(iaf_counter *c, const char *path, iaf_error *err)
{
    if (!c || !path || !*path)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no weights file given");
    if (c->ran)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "the counter has already run");
    if (c->weight)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "a weights file and a weight column exclude each other");
    iaf_rowweights *rw = NULL;
    iaf_status st = iaf_rowweights_load(path, &rw, err);
    if (st != IAF_OK) return st;
    iaf_rowweights_free(c->row_weights);
    c->row_weights = rw;
    iaf_dataset_set_row_weights(c->ds, rw);
    return IAF_OK;
}

/* The tables derived side by side once the data is counted: each reads the
 * shared counts and builds its own table (the four pairs' tail was serial
 * on an idle core). Not with a universe, whose evaluation is kept on one
 * thread. */
typedef struct derive_job {
    iaf_counter *c;
    iaf_status *st;
    iaf_error *errs;
} derive_job;

static void derive_task(void *arg, size_t k)
{
    derive_job *j = arg;
    iaf_counter *c = j->c;
    j->st[k] = iaf_dataset_derive(c->ds, c->tabs[k].req, c->tabs[k].attrs, c->tabs[k].nby, NULL,
                                  &c->tabs[k].dv, &j->errs[k]);
}

/* The statuses and errors of n tasks run side by side: the first failure, as
 * running them one after the other would report it. */
static iaf_status first_failure(const iaf_status *st, const iaf_error *errs, size_t n,
                                iaf_error *err)
{
    for (size_t k = 0; k < n; k++)
        if (st[k] != IAF_OK) {
            if (err) *err = errs[k];
            return st[k];
        }
    return IAF_OK;
}

static iaf_status derive_parallel(iaf_counter *c, iaf_error *err)
{
    derive_job j = {c, iaf_calloc(c->ntabs, sizeof *j.st), iaf_calloc(c->ntabs, sizeof *j.errs)};
    iaf_status st = IAF_ERR_NOMEM;
    if (j.st && j.errs) {
        iaf_par_for(c->threads, c->ntabs, derive_task, &j);
        st = first_failure(j.st, j.errs, c->ntabs, err);
    } else {
        iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    iaf_free(j.st);
    iaf_free(j.errs);
    return st;
}

iaf_status iaf_counter_run(iaf_counter *c, iaf_error *err)
{
    if (c->ran)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "the counter has already run");
    c->ran = 1;
    iaf_status st = iaf_dataset_count(c->ds, &c->progress, err);
    if (st == IAF_OK && c->ntabs > 1 && !c->universe) return derive_parallel(c, err);
    for (size_t k = 0; k < c->ntabs && st == IAF_OK; k++)
        st = iaf_dataset_derive(c->ds, c->tabs[k].req, c->tabs[k].attrs, c->tabs[k].nby,
                                c->universe, &c->tabs[k].dv, err);
    return st;
}

const iaf_table *iaf_counter_table(const iaf_counter *c, size_t i)
{
    return i < c->ntabs && c->tabs[i].dv ? c->tabs[i].dv->table : NULL;
}

size_t iaf_counter_nfiles(const iaf_counter *c)
{
    return iaf_source_nfiles_of(c->ds);
}

const char *iaf_counter_file(const iaf_counter *c, size_t i)
{
    return iaf_dataset_file(c->ds, i);
}

iaf_status iaf_count(const char *const *paths, size_t npaths, const char *const *by, size_t nby,
                     const iaf_count_options *opt, iaf_table **out, iaf_error *err)
{
    *out = NULL;
    iaf_counter *c = NULL;
    iaf_status st = iaf_counter_open(paths, npaths, opt, &c, err);
    if (st == IAF_OK) st = iaf_counter_add(c, by, nby, NULL, err);
    if (st == IAF_OK) st = iaf_counter_run(c, err);
    if (st == IAF_OK) {
        *out = c->tabs[0].dv->table; /* the caller's from here on */
        c->tabs[0].dv->table = NULL;
    }
    iaf_counter_free(c);
    return st;
}

/* Decimal text of v at p; returns the end. As iaf_fmt_i64 (printf's %lld),
 * without a printf call per cell (a tenth of writing a large table). */
static char *put_i64(char *p, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *p++ = '-';
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* The length of put_i64's text of v. */
static size_t dec_len(int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t n = 1 + (v < 0);
    while (u >= 10) {
        u /= 10;
        n++;
    }
    return n;
}

iaf_status iaf_table_write_counts_csv(const iaf_table *t, int weighted, iaf_buffer *out,
                                      iaf_error *err)
{
    iaf_buf *b = iaf_buffer_raw(out);
    int rc = 0;
    size_t na = iaf_table_nattrs(t);
    /* every category's CSV field once (quoted where needed), not per cell */
    iaf_buf fields = {0};
    size_t **off = iaf_calloc(na ? na : 1, sizeof *off);
    if (!off) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t a = 0; a < na && rc == 0; a++) {
        size_t nc = iaf_table_ncats(t, a);
        if (!(off[a] = iaf_calloc(nc + 1, sizeof *off[a]))) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < nc && rc == 0; i++) {
            off[a][i] = fields.len;
            iaf_sv v = iaf_table_cat(t, a, i);
            rc |= iaf_csv_put(&fields, v.ptr, v.len);
        }
        off[a][nc] = fields.len;
    }
    /* the whole text in one allocation: growing a buffer of tens of MB by doubling
     * copied it over and over */
    size_t need = 8, ncells = iaf_table_ncells(t);
    for (size_t i = 0; i < na; i++)
        need += 2 * strlen(iaf_table_attr(t, i)) + 3;
    for (size_t i = 0; i < ncells && rc == 0; i++) {
        iaf_cell cl = iaf_table_cell(t, i);
        for (size_t a = 0; a < na; a++)
            need += off[a][cl.cat[a] + 1] - off[a][cl.cat[a]] + 1;
        /* a number (weighted ones are at most 24 characters), ',' and '\n': a count's
         * digits exactly, so that the reservation can be faulted in whole */
        need += (weighted ? 32 : dec_len(cl.n)) + 2;
    }
    /* an emptied buffer that is too small (one reused for several tables): a fresh
     * block, not a realloc that copies the previous table's text */
    if (rc == 0 && b->len == 0 && b->cap < need + 1) iaf_buf_free(b);
    if (rc == 0 && iaf_buf_reserve(b, need) == 0) {
        iaf_advise_huge(b->data + b->len, need);
        iaf_prefault(b->data + b->len, need);
    } else
        rc = -1;
    for (size_t i = 0; i < na && rc == 0; i++) {
        if (i) rc |= iaf_buf_append(b, ",", 1);
        const char *name = iaf_table_attr(t, i);
        rc |= iaf_csv_put(b, name, strlen(name));
    }
    rc |= iaf_buf_puts(b, ",count\n");
    if (rc == 0) {
        /* within the reservation: written in place */
        char *p = b->data + b->len;
        for (size_t i = 0; i < ncells; i++) {
            iaf_cell cl = iaf_table_cell(t, i);
            for (size_t a = 0; a < na; a++) {
                if (a) *p++ = ',';
                size_t lo = off[a][cl.cat[a]], len = off[a][cl.cat[a] + 1] - lo;
                memcpy(p, fields.data + lo, len);
                p += len;
            }
            *p++ = ',';
            if (weighted) {
                char num[40];
                size_t n = iaf_fmt_f64(num, cl.value);
                memcpy(p, num, n);
                p += n;
            } else {
                p = put_i64(p, cl.n);
            }
            *p++ = '\n';
        }
        b->len = (size_t)(p - b->data);
        b->data[b->len] = '\0';
    }
    for (size_t a = 0; a < na; a++)
        iaf_free(off[a]);
    iaf_free(off);
    iaf_buf_free(&fields);
    return rc ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

typedef struct csv_job {
    const iaf_counter *c;
    int weighted;
    iaf_buffer *const *outs;
    iaf_status *st;
    iaf_error *errs;
} csv_job;

static void csv_task(void *arg, size_t k)
{
    csv_job *j = arg;
    j->st[k] = iaf_table_write_counts_csv(iaf_counter_table(j->c, k), j->weighted, j->outs[k],
                                          &j->errs[k]);
}

iaf_status iaf_counter_write_counts_csv(const iaf_counter *c, int weighted, iaf_buffer *const *outs,
                                        size_t n, iaf_error *err)
{
    if (!c || (n && !outs) || n > c->ntabs || (n && !iaf_counter_table(c, 0)))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the counter has not run, or has fewer than %zu tables", n);
    for (size_t k = 0; k < n; k++)
        if (!outs[k])
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no buffer for table %zu", k);
    csv_job j = {c, weighted, outs, iaf_calloc(n + 1, sizeof *j.st),
                 iaf_calloc(n + 1, sizeof *j.errs)};
    iaf_status st = IAF_ERR_NOMEM;
    if (j.st && j.errs) {
        iaf_par_for(c->threads, n, csv_task, &j);
        st = first_failure(j.st, j.errs, n, err);
    } else {
        iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    iaf_free(j.st);
    iaf_free(j.errs);
    return st;
}
