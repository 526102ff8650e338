/* src/api/scan.c - iaf/scan.h: the discovery scan as a library call.
 *
 * Which columns are paired (the given ones, or those a probe of the first
 * rows finds categorical), one request per pair on the dataset layer so that
 * the data are scanned once, then one worker per thread taking the next pair
 * (src/audit/scan.c evaluates a pair), the lumped categories of each column,
 * and the sentences of a dataset card. A pair's result depends only on its
 * own table and the seed, so the result is the same for any thread count. */
#include "iaf/scan.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "core/dataset.h"
#include "audit/scan.h"
#include "core/expr.h"
#include "iaf/count.h"
#include "io/reader.h"
#include "util/json.h"
#include "util/util.h"

#define PROBE_ROWS 20000      /* rows the probe reads */
#define PROBE_MAX_VALUES 5000 /* distinct values the probe keeps per column */

typedef struct skipped {
    char *name;
    char why[96];
} skipped;

typedef struct lumped {
    char *column, *label;
} lumped;

struct iaf_scan_result {
    int64_t rows;
    int weighted;
    char **cols;
    size_t ncols;
    skipped *sk;
    size_t nsk, skcap;
    lumped *lumps;
    size_t nlump, lumpcap;
    iaf_scan_pair *pairs;
    size_t npairs;
    char **card;
    size_t ncard;
    /* the settings, for the JSON */
    char *weight, *reference;
    size_t null_b, boot_b;
    uint64_t seed;
    double tau_ret;
};

static iaf_status oom(iaf_error *err)
{
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

void iaf_scan_result_free(iaf_scan_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->ncols; i++)
        iaf_free(r->cols[i]);
    iaf_free(r->cols);
    for (size_t i = 0; i < r->nsk; i++)
        iaf_free(r->sk[i].name);
    iaf_free(r->sk);
    for (size_t i = 0; i < r->nlump; i++)
        iaf_free(r->lumps[i].column), iaf_free(r->lumps[i].label);
    iaf_free(r->lumps);
    for (size_t p = 0; r->pairs && p < r->npairs; p++)
        iaf_scan_pair_free(&r->pairs[p]);
    iaf_free(r->pairs);
    for (size_t i = 0; i < r->ncard; i++)
        iaf_free(r->card[i]);
    iaf_free(r->card);
    iaf_free(r->weight);
    iaf_free(r->reference);
    iaf_free(r);
}

/* ---- which columns ------------------------------------------------------- */

static int in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name)) return 1;
    return 0;
}

/* Named like an identifier or a weight (case-insensitive); the reason or NULL. */
static const char *by_name(const char *name)
{
    char low[128];
    size_t n = strlen(name);
    if (n >= sizeof low) return NULL;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    static const char *const ids[] = {"id",    "uuid",   "guid", "index",
                                      "rowid", "row_id", "key",  "pk"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(ids); i++)
        if (!strcmp(low, ids[i])) return "identifier (named like one)";
    if ((n > 3 && !strcmp(low + n - 3, "_id")) || (n > 4 && !strcmp(low + n - 4, "uuid")))
        return "identifier (named like one)";
    static const char *const ws[] = {"w", "wt", "pw", "perwt", "hhwt", "wgtp", "pwgtp"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(ws); i++)
        if (!strcmp(low, ws[i])) return "weight (named like one)";
    if (strstr(low, "weight") || strstr(low, "wgt")) return "weight (named like one)";
    return NULL;
}

static int add_skip(iaf_scan_result *r, const char *name, const char *fmt, double a, double b)
{
    if (IAF_GROW(r->sk, r->skcap, r->nsk + 1) != 0) return -1;
    skipped *k = &r->sk[r->nsk];
    if (!(k->name = iaf_strdup(name))) return -1;
    snprintf(k->why, sizeof k->why, fmt, a, b);
    r->nsk++;
    return 0;
}

static int add_col(iaf_scan_result *r, const char *name)
{
    return (r->cols[r->ncols] = iaf_strdup(name)) ? (r->ncols++, 0) : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first name (in sort order) named twice, or NULL; *bad on out of memory. */
static const char *repeated(const char *const *v, size_t n, int *bad)
{
    const char **s = iaf_calloc(n + 1, sizeof *s);
    const char *rep = NULL;
    if (!s) {
        *bad = 1;
        return NULL;
    }
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_str);
    for (size_t i = 1; i < n && !rep; i++)
        if (!strcmp(s[i - 1], s[i])) rep = s[i];
    iaf_free(s);
    return rep;
}

/* The probe: distinct values per column in the first rows (one worker). */
typedef struct probe {
    size_t ncols;
    iaf_strmap *maps;
    long long rows, limit;
} probe;

static iaf_status probe_begin(void *ctx, int w, void **state, iaf_error *err)
{
    (void)w, (void)err;
    *state = ctx;
    return IAF_OK;
}

static iaf_status probe_batch(void *vctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state;
    probe *p = vctx;
    /* exactly the first `limit` rows, however the input is cut into batches */
    size_t nrows =
        (long long)b->nrows < p->limit - p->rows ? b->nrows : (size_t)(p->limit - p->rows);
    for (size_t c = 0; c < b->ncols && c < p->ncols; c++) {
        const iaf_column *col = &b->cols[c];
        if (iaf_strmap_size(&p->maps[c]) > PROBE_MAX_VALUES) continue;
        for (size_t i = 0; i < nrows; i++) {
            char num[40];
            iaf_sv v = {NULL, 0};
            if (col->kind == IAF_COL_STR)
                v = col->str[i];
            else if (col->kind == IAF_COL_DICT && col->idx[i] < col->ndict)
                v = col->dict[col->idx[i]];
            else if (col->kind == IAF_COL_I64 && (!col->valid || col->valid[i]))
                v = (iaf_sv){num, iaf_fmt_i64(num, col->i64[i])};
            else if (col->kind == IAF_COL_F64 && (!col->valid || col->valid[i]))
                v = (iaf_sv){num, iaf_fmt_f64(num, col->f64[i])};
            if (v.ptr && iaf_strmap_intern(&p->maps[c], v.ptr, v.len) < 0) return oom(err);
        }
    }
    p->rows += (long long)nrows;
    return p->rows >= p->limit ? IAF_STOP : IAF_OK; /* enough rows seen */
}

/* Probe the dataset's first rows and keep the columns that can be categorical. */
static iaf_status probe_columns(iaf_source *src, const iaf_scan_options *o, size_t maxcat,
                                iaf_scan_result *r, iaf_error *err)
{
    probe pr;
    memset(&pr, 0, sizeof pr);
    const char **names = NULL;
    iaf_status st = IAF_OK;
    pr.ncols = iaf_source_ncols(src);
    pr.limit = PROBE_ROWS;
    pr.maps = iaf_calloc(pr.ncols + 1, sizeof *pr.maps);
    names = iaf_calloc(pr.ncols + 1, sizeof *names);
    if (!pr.maps || !names || !(r->cols = iaf_calloc(pr.ncols + 1, sizeof *r->cols))) {
        st = oom(err);
        goto done;
    }
    for (size_t i = 0; i < pr.ncols; i++)
        names[i] = iaf_source_colname(src, i);
    iaf_scan_consumer pc = {&pr, probe_begin, probe_batch, NULL};
    if ((st = iaf_source_project(src, names, pr.ncols, err)) != IAF_OK) goto done;
    /* one worker: the first rows in order, whatever the thread count (and a Parquet
     * unit is a whole row group of every column, with long text hundreds of MB
     * decoded: a second worker only decoded another one that the probe never needed) */
    int threads = iaf_source_set_threads(src, 1);
    st = iaf_source_scan(src, &pc, NULL, err);
    iaf_source_set_threads(src, threads);
    if (st == IAF_STOP) st = IAF_OK;
    for (size_t i = 0; st == IAF_OK && i < pr.ncols; i++) {
        size_t d = iaf_strmap_size(&pr.maps[i]);
        double rows = (double)pr.rows;
        const char *why = by_name(names[i]);
        int bad = 0;
        if (o->weight && !strcmp(names[i], o->weight))
            bad = add_skip(r, names[i], "weight (declared)", 0, 0);
        else if (in_list(o->skip, o->skip ? o->nskip : 0, names[i]))
            bad = add_skip(r, names[i], "declared with --skip", 0, 0);
        else if (why)
            bad = add_skip(r, names[i], why, 0, 0);
        else if (rows >= 20 && (double)d > 0.9 * rows)
            bad = add_skip(r, names[i], "identifier (near-unique: %.0f distinct in %.0f rows)",
                           (double)d, rows);
        else if (d < 2)
            bad = add_skip(r, names[i], "one value", 0, 0);
        else if (d > maxcat)
            bad = add_skip(r, names[i],
                           d > PROBE_MAX_VALUES ? "more than %.0f values (continuous or free text)"
                                                : "%.0f values, more than --max-categories",
                           d > PROBE_MAX_VALUES ? (double)PROBE_MAX_VALUES : (double)d, 0);
        else
            bad = add_col(r, names[i]);
        if (bad) st = oom(err);
    }
done:
    for (size_t i = 0; pr.maps && i < pr.ncols; i++)
        iaf_strmap_free(&pr.maps[i]);
    iaf_free(pr.maps);
    iaf_free(names);
    return st;
}

/* The columns to pair: given, every attribute of a count table, or probed. */
static iaf_status choose_columns(const iaf_scan_options *o, const iaf_dataset *ds,
                                 iaf_scan_result *r, iaf_error *err)
{
    size_t nskip = o->skip ? o->nskip : 0;
    size_t maxcat = o->max_categories ? o->max_categories : 100;
    if (o->columns) {
        if (!(r->cols = iaf_calloc(o->ncolumns + 1, sizeof *r->cols))) return oom(err);
        /* declared skips and the weight still leave the list */
        for (size_t i = 0; i < o->ncolumns; i++) {
            int w = o->weight && !strcmp(o->columns[i], o->weight);
            if ((w || in_list(o->skip, nskip, o->columns[i]))
                    ? add_skip(r, o->columns[i], w ? "weight (declared)" : "declared with --skip",
                               0, 0)
                    : add_col(r, o->columns[i]))
                return oom(err);
        }
        return IAF_OK;
    }
    if (iaf_dataset_is_counts(ds)) {
        if (!(r->cols = iaf_calloc(iaf_dataset_ncols(ds) + 1, sizeof *r->cols))) return oom(err);
        for (size_t i = 0; i < iaf_dataset_ncols(ds); i++) {
            const char *name = iaf_dataset_col(ds, i);
            if (in_list(o->skip, nskip, name) ? add_skip(r, name, "declared with --skip", 0, 0)
                                              : add_col(r, name))
                return oom(err);
        }
        return IAF_OK;
    }
    return probe_columns(iaf_dataset_source(ds), o, maxcat, r, err);
}

/* ---- the pairs ------------------------------------------------------------- */

/* What the pair workers share. */
typedef struct scan_ctx {
    iaf_dataset *ds, *rds;
    const iaf_expr *universe;
    const char *const *cols;
    const int *req, *rreq;
    iaf_scan_pair *pairs;
    size_t npairs, b;
    uint64_t seed;
    const iaf_boot_options *bo;
    double tau_ret, ref_n;
    int weighted, ref_weighted;
    size_t *pi, *pj; /* pair p = (cols[pi[p]], cols[pj[p]]) */
    iaf_error *errs; /* per pair */
    size_t next;     /* the next pair to take */
    size_t done;     /* pairs finished */
    int stop;        /* the progress callback asked to stop */
    iaf_status (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    pthread_mutex_t lock;
} scan_ctx;

static iaf_status scan_one(scan_ctx *c, size_t p, iaf_error *err)
{
    const char *x = c->cols[c->pi[p]], *y = c->cols[c->pj[p]];
    iaf_attr *at[2] = {iaf_attr_new_asis(x, x), iaf_attr_new_asis(y, y)};
    iaf_derived *dv = NULL, *rdv = NULL;
    iaf_status st = at[0] && at[1]
                        ? iaf_dataset_derive(c->ds, c->req[p], at, 2, c->universe, &dv, err)
                        : oom(err);
    if (st == IAF_OK) st = iaf_scan_pair_eval(dv->table, c->b, c->seed, &c->pairs[p], err);
    if (st == IAF_OK && c->rreq[p] >= 0)
        st = iaf_dataset_derive(c->rds, c->rreq[p], at, 2, NULL, &rdv, err);
    if (st == IAF_OK && rdv) {
        double n_s = c->weighted ? iaf_table_n_eff(dv->table) : iaf_table_n_obs(dv->table);
        double n_r =
            !iaf_dataset_is_counts(c->rds)
                ? (c->ref_weighted ? iaf_table_n_eff(rdv->table) : iaf_table_n_obs(rdv->table))
            : c->ref_n > 0 ? c->ref_n
                           : INFINITY;
        st = iaf_scan_pair_reference(&c->pairs[p], dv->table, rdv->table, n_s, n_r, c->bo,
                                     c->tau_ret, err);
    }
    iaf_derived_free(dv);
    iaf_derived_free(rdv);
    iaf_attr_free(at[0]);
    iaf_attr_free(at[1]);
    return st;
}

static void *scan_worker(void *arg)
{
    scan_ctx *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        size_t p = c->stop ? c->npairs : c->next++;
        pthread_mutex_unlock(&c->lock);
        if (p >= c->npairs) break;
        iaf_error_clear(&c->errs[p]);
        iaf_status st = scan_one(c, p, &c->errs[p]);
        if (st != IAF_OK && c->errs[p].status == IAF_OK) c->errs[p].status = st;
        if (c->progress) {
            /* one call at a time, in the order the pairs finish */
            pthread_mutex_lock(&c->lock);
            size_t done = ++c->done;
            if (!c->stop && c->progress(c->progress_ctx, done, c->npairs) == IAF_STOP) c->stop = 1;
            pthread_mutex_unlock(&c->lock);
        }
    }
    return NULL;
}

/* Run the pairs on nthreads workers (the calling thread is one of them). */
static iaf_status run_pairs(scan_ctx *sc, size_t nthreads, iaf_error *err)
{
    if (nthreads > sc->npairs) nthreads = sc->npairs;
    if (nthreads > 64) nthreads = 64;
    if (nthreads < 1) nthreads = 1;
    pthread_t tid[64];
    size_t started = 0;
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&tid[t], NULL, scan_worker, sc) == 0) started++;
    scan_worker(sc);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
    if (sc->stop) return IAF_STOP;
    /* the first pair's failure, whichever worker met it first */
    for (size_t p = 0; p < sc->npairs; p++)
        if (sc->errs[p].status != IAF_OK) {
            if (err) *err = sc->errs[p];
            return sc->errs[p].status;
        }
    return IAF_OK;
}

/* Lumped categories: each column's labels, from one of its pairs. */
static iaf_status find_lumps(iaf_scan_result *r, iaf_dataset *ds, const iaf_expr *universe,
                             const scan_ctx *sc, iaf_error *err)
{
    iaf_status st = IAF_OK;
    for (size_t ci = 0; ci < r->ncols && st == IAF_OK; ci++) {
        size_t p = 0, a = 0;
        for (size_t q = 0; q < sc->npairs; q++)
            if (sc->pi[q] == ci || sc->pj[q] == ci) {
                p = q, a = sc->pj[q] == ci;
                break;
            }
        const char *x = r->cols[sc->pi[p]], *y = r->cols[sc->pj[p]];
        iaf_attr *at[2] = {iaf_attr_new_asis(x, x), iaf_attr_new_asis(y, y)};
        iaf_derived *dv = NULL;
        st = at[0] && at[1] ? iaf_dataset_derive(ds, sc->req[p], at, 2, universe, &dv, err)
                            : oom(err);
        for (size_t k = 0; st == IAF_OK && k < iaf_table_ncats(dv->table, a); k++) {
            iaf_sv l = iaf_table_cat(dv->table, a, k);
            if (!iaf_scan_is_lump_label(l.ptr, l.len)) continue;
            if (IAF_GROW(r->lumps, r->lumpcap, r->nlump + 1) != 0) {
                st = oom(err);
                break;
            }
            lumped *lp = &r->lumps[r->nlump];
            lp->column = iaf_strdup(r->cols[ci]);
            lp->label = iaf_strndup(l.ptr, l.len);
            r->nlump++;
            if (!lp->column || !lp->label) st = oom(err);
        }
        iaf_derived_free(dv);
        iaf_attr_free(at[0]);
        iaf_attr_free(at[1]);
    }
    return st;
}

static int cmp_pair(const void *a, const void *b)
{
    const iaf_scan_pair *x = a, *y = b;
    if (x->dep_tvd != y->dep_tvd) return x->dep_tvd > y->dep_tvd ? -1 : 1;
    int c = strcmp(x->x, y->x);
    return c ? c : strcmp(x->y, y->y);
}

/* Is col among the dataset's columns? */
static int has_col(const iaf_dataset *d, const char *col)
{
    for (size_t i = 0; i < iaf_dataset_ncols(d); i++)
        if (!strcmp(iaf_dataset_col(d, i), col)) return 1;
    return 0;
}

/* paths (npaths) or src: the data; rsrc: a reference source, or NULL. */
static iaf_status check_options(const char *const *paths, size_t npaths, const iaf_source *src,
                                const iaf_source *rsrc, const iaf_scan_options *o, iaf_error *err)
{
    if (!src && (!paths || !npaths))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no input files");
    if (rsrc && o->reference_paths)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "a reference source and reference paths: give one");
    if (rsrc && o->reference_form == IAF_DATA_COUNTS)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "a reference source is microdata, not a count table");
    if (o->columns) {
        if (o->ncolumns < 2)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "name at least two columns to pair");
        int bad = 0;
        const char *rep = repeated(o->columns, o->ncolumns, &bad);
        if (bad) return oom(err);
        if (rep)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "column '%s' is named more than once", rep);
    }
    if (o->tau_ret != 0 && !(o->tau_ret > 0 && o->tau_ret < 1))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "tau_ret lies in (0, 1)");
    if (!(o->reference_n >= 0) || o->reference_n > 9007199254740992.0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the reference's n is a positive number up to 2^53 (0: fixed)");
    if (!o->reference_paths && !rsrc &&
        (o->reference_weight || o->reference_n > 0 || o->reference_form != IAF_DATA_AUTO))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "reference options without a reference");
    return iaf_normalize_check(o->normalize, err);
}

/* The scan after the options are checked and r holds the settings: of the paths or of src,
 * against the reference paths of o or rsrc; src and rsrc are taken over. */
static iaf_status scan(const char *const *paths, size_t npaths, iaf_source *src, iaf_source *rsrc,
                       const iaf_scan_options *o, iaf_scan_result *r, iaf_error *err)
{
    iaf_dataset *ds = NULL, *rds = NULL;
    iaf_expr *universe = NULL;
    int *req = NULL, *rreq = NULL;
    scan_ctx sc;
    memset(&sc, 0, sizeof sc);
    pthread_mutex_init(&sc.lock, NULL);
    iaf_dataset_options dopt, ropt;
    memset(&dopt, 0, sizeof dopt);
    memset(&ropt, 0, sizeof ropt);
    dopt.source = o->source;
    if (o->threads > 0) dopt.source.threads = o->threads;
    dopt.counts.encoding = dopt.source.encoding;
    dopt.weight = o->weight;
    dopt.labels.missing = o->missing;
    dopt.labels.nmissing = o->missing ? o->nmissing : 0;
    dopt.labels.normalize = iaf_api_normalize_flags(o->normalize);
    ropt.form = o->reference_form;
    ropt.source = o->reference_source;
    if (o->threads > 0) ropt.source.threads = o->threads;
    ropt.counts.encoding = ropt.source.encoding;
    ropt.counts.long_all_columns = 1;
    ropt.weight = o->reference_weight;
    ropt.labels = dopt.labels;
    iaf_status st = IAF_OK;
    /* the sources go to their datasets at once (which free them, also on failure) */
    if (src && (st = iaf_dataset_open_source(src, &dopt, &ds, err)) != IAF_OK) {
        iaf_source_free(rsrc);
        goto done;
    }
    if (rsrc && (st = iaf_dataset_open_source(rsrc, &ropt, &rds, err)) != IAF_OK) goto done;
    if (o->where && (st = iaf_expr_parse(o->where, "--where", &universe, err)) != IAF_OK) goto done;
    /* the card first: a bad card must not cost a scan */
    if (o->card && (st = iaf_card_read(o->card, &r->card, &r->ncard, err)) != IAF_OK) goto done;
    if (!ds && (st = iaf_dataset_open(paths, npaths, &dopt, &ds, err)) != IAF_OK) goto done;
    if ((st = choose_columns(o, ds, r, err)) != IAF_OK) goto done;
    if (r->ncols < 2) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "fewer than two categorical columns to pair (use --columns)");
        goto done;
    }
    if (o->reference_paths && !rds) {
        if ((st = iaf_dataset_open(o->reference_paths, o->nreference_paths, &ropt, &rds, err)) !=
            IAF_OK) {
            iaf_error_prefix(err, "reference: ");
            goto done;
        }
    }
    size_t ncols = r->ncols, npairs = ncols * (ncols - 1) / 2;
    r->pairs = iaf_calloc(npairs + 1, sizeof *r->pairs);
    req = iaf_calloc(npairs + 1, sizeof *req);
    rreq = iaf_calloc(npairs + 1, sizeof *rreq);
    sc.pi = iaf_calloc(npairs + 1, sizeof *sc.pi);
    sc.pj = iaf_calloc(npairs + 1, sizeof *sc.pj);
    sc.errs = iaf_calloc(npairs + 1, sizeof *sc.errs);
    if (!r->pairs || !req || !rreq || !sc.pi || !sc.pj || !sc.errs) {
        st = oom(err);
        goto done;
    }
    r->npairs = npairs; /* from here on the pairs are freed with the result */
    for (size_t i = 0, p = 0; i < ncols; i++)
        for (size_t j = i + 1; j < ncols; j++, p++) {
            const char *rc[IAF_MAX_CUBE_COLS];
            size_t n = 0;
            rc[n++] = r->cols[i];
            rc[n++] = r->cols[j];
            for (size_t v = 0; universe && v < iaf_expr_nvars(universe) && n < IAF_MAX_CUBE_COLS;
                 v++) {
                const char *name = iaf_expr_var(universe, v);
                if (strcmp(name, r->cols[i]) && strcmp(name, r->cols[j])) rc[n++] = name;
            }
            if ((req[p] = iaf_dataset_add_request(ds, rc, n, err)) < 0) {
                st = (iaf_status)req[p];
                goto done;
            }
            rreq[p] = -1;
            if (rds && has_col(rds, r->cols[i]) && has_col(rds, r->cols[j]) &&
                (rreq[p] = iaf_dataset_add_request(rds, rc, 2, err)) < 0) {
                st = (iaf_status)rreq[p];
                goto done;
            }
            sc.pi[p] = i, sc.pj[p] = j, sc.errs[p].status = IAF_OK;
        }
    if ((st = iaf_dataset_count(ds, NULL, err)) != IAF_OK ||
        (rds && (st = iaf_dataset_count(rds, NULL, err)) != IAF_OK))
        goto done;
    iaf_boot_options bo;
    memset(&bo, 0, sizeof bo);
    bo.b = r->boot_b;
    bo.seed = r->seed;
    bo.threads = 1; /* the pairs run in parallel instead */
    sc.ds = ds;
    sc.rds = rds;
    sc.universe = universe;
    sc.cols = (const char *const *)r->cols;
    sc.req = req;
    sc.rreq = rreq;
    sc.pairs = r->pairs;
    sc.npairs = npairs;
    sc.b = r->null_b;
    sc.seed = r->seed;
    sc.bo = &bo;
    sc.tau_ret = r->tau_ret;
    sc.ref_n = o->reference_n;
    sc.weighted = o->weight != NULL;
    sc.ref_weighted = o->reference_weight != NULL;
    sc.progress = o->progress;
    sc.progress_ctx = o->progress_ctx;
    /* one worker per thread (default: the processors online), each taking the next pair */
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = o->threads > 0 ? (size_t)o->threads : nproc > 0 ? (size_t)nproc : 1;
    if ((st = run_pairs(&sc, nthreads, err)) != IAF_OK) goto done;
    if ((st = find_lumps(r, ds, universe, &sc, err)) != IAF_OK) goto done;
    qsort(r->pairs, npairs, sizeof *r->pairs, cmp_pair);
    r->rows = iaf_dataset_rows(ds);
done:
    iaf_free(sc.pi), iaf_free(sc.pj), iaf_free(sc.errs);
    pthread_mutex_destroy(&sc.lock);
    iaf_free(req);
    iaf_free(rreq);
    iaf_expr_free(universe);
    iaf_dataset_free(ds);
    iaf_dataset_free(rds);
    return st;
}

/* The scan of paths or src (see scan); src and rsrc are taken over. */
static iaf_status run(const char *const *paths, size_t npaths, iaf_source *src, iaf_source *rsrc,
                      const iaf_scan_options *opt, iaf_scan_result **out, iaf_error *err)
{
    static const iaf_scan_options defaults;
    if (!opt) opt = &defaults;
    *out = NULL;
    iaf_status st = check_options(paths, npaths, src, rsrc, opt, err);
    iaf_scan_result *r = st == IAF_OK ? iaf_calloc(1, sizeof *r) : NULL;
    if (st == IAF_OK && !r) st = oom(err);
    if (st != IAF_OK) {
        iaf_source_free(src);
        iaf_source_free(rsrc);
        return st;
    }
    r->weighted = opt->weight != NULL;
    r->null_b = opt->null_b ? opt->null_b : 200;
    r->boot_b = opt->bootstrap_b ? opt->bootstrap_b : 200;
    r->seed = opt->seed_set ? opt->seed : 20260611u;
    r->tau_ret = opt->tau_ret > 0 ? opt->tau_ret : IAF_SCAN_TAU_RET;
    if ((opt->weight && !(r->weight = iaf_strdup(opt->weight))) ||
        (opt->reference_paths && !(r->reference = iaf_strdup(opt->reference_paths[0]))) ||
        (rsrc && !(r->reference = iaf_strdup(iaf_source_file(rsrc, 0)))))
        st = oom(err);
    if (st == IAF_OK)
        st = scan(paths, npaths, src, rsrc, opt, r, err);
    else
        iaf_source_free(src), iaf_source_free(rsrc);
    if (st != IAF_OK) {
        iaf_scan_result_free(r);
        if (st == IAF_STOP) iaf_error_clear(err);
        return st;
    }
    *out = r;
    return IAF_OK;
}

iaf_status iaf_scan_run(const char *const *paths, size_t npaths, const iaf_scan_options *opt,
                        iaf_scan_result **out, iaf_error *err)
{
    return run(paths, npaths, NULL, NULL, opt, out, err);
}

iaf_status iaf_scan_run_sources(iaf_source *data, iaf_source *reference,
                                const iaf_scan_options *opt, iaf_scan_result **out, iaf_error *err)
{
    if (!data) {
        *out = NULL;
        iaf_source_free(reference);
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no data source");
    }
    return run(NULL, 0, data, reference, opt, out, err);
}

/* ---- accessors ------------------------------------------------------------ */

int64_t iaf_scan_result_rows(const iaf_scan_result *r)
{
    return r->rows;
}

int iaf_scan_result_weighted(const iaf_scan_result *r)
{
    return r->weighted;
}

size_t iaf_scan_result_ncolumns(const iaf_scan_result *r)
{
    return r->ncols;
}

const char *iaf_scan_result_column(const iaf_scan_result *r, size_t i)
{
    return i < r->ncols ? r->cols[i] : NULL;
}

size_t iaf_scan_result_nskipped(const iaf_scan_result *r)
{
    return r->nsk;
}

const char *iaf_scan_result_skipped(const iaf_scan_result *r, size_t i, const char **why)
{
    if (i >= r->nsk) return NULL;
    if (why) *why = r->sk[i].why;
    return r->sk[i].name;
}

size_t iaf_scan_result_nlumped(const iaf_scan_result *r)
{
    return r->nlump;
}

const char *iaf_scan_result_lumped(const iaf_scan_result *r, size_t i, const char **label)
{
    if (i >= r->nlump) return NULL;
    if (label) *label = r->lumps[i].label;
    return r->lumps[i].column;
}

size_t iaf_scan_result_npairs(const iaf_scan_result *r)
{
    return r->npairs;
}

const iaf_scan_pair *iaf_scan_result_pair(const iaf_scan_result *r, size_t i)
{
    return i < r->npairs ? &r->pairs[i] : NULL;
}

size_t iaf_scan_result_ncard(const iaf_scan_result *r)
{
    return r->ncard;
}

const char *iaf_scan_result_card(const iaf_scan_result *r, size_t s)
{
    return s < r->ncard ? r->card[s] : NULL;
}

int iaf_scan_result_card_names(const iaf_scan_result *r, size_t s, size_t p)
{
    return s < r->ncard && p < r->npairs && iaf_card_names(r->card[s], r->pairs[p].x) &&
           iaf_card_names(r->card[s], r->pairs[p].y);
}

iaf_status iaf_scan_result_write_json(const iaf_scan_result *r, iaf_buffer *out, iaf_error *err)
{
    iaf_buf *b = iaf_buffer_raw(out);
    size_t len0 = b->len;
    iaf_json j;
    iaf_json_init(&j, b, 1);
    iaf_json_begin_object(&j);
    iaf_json_kint(&j, "rows", r->rows);
    iaf_json_kstr(&j, "weight", r->weight);
    iaf_json_kint(&j, "null_replicates", (int64_t)r->null_b);
    iaf_json_kstr(&j, "null",
                  r->weighted ? "independence, Multinomial(n_eff, p_x p_y) on cells"
                              : "independence with both margins fixed, simulated on cells");
    iaf_json_kint(&j, "seed", (int64_t)r->seed);
    iaf_json_kstr(&j, "reference", r->reference);
    if (r->reference) {
        iaf_json_kint(&j, "bootstrap", (int64_t)r->boot_b);
        iaf_json_knum(&j, "tau_ret", r->tau_ret);
    }
    iaf_json_key(&j, "columns");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < r->ncols; i++)
        iaf_json_str(&j, r->cols[i]);
    iaf_json_end_array(&j);
    iaf_json_key(&j, "skipped");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < r->nsk; i++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "column", r->sk[i].name);
        iaf_json_kstr(&j, "why", r->sk[i].why);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "lumped_categories");
    iaf_json_begin_array(&j);
    int bad = 0;
    for (size_t i = 0; i < r->nlump; i++) {
        iaf_buf lb = {0};
        bad |= iaf_buf_printf(&lb, "%s: '%s'", r->lumps[i].column, r->lumps[i].label) != 0;
        iaf_json_str(&j, lb.data ? lb.data : "");
        iaf_buf_free(&lb);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "pairs");
    iaf_json_begin_array(&j);
    for (size_t p = 0; p < r->npairs; p++)
        iaf_scan_pair_json(&r->pairs[p], &j);
    iaf_json_end_array(&j);
    iaf_json_key(&j, "card_disclosures");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < r->ncard; i++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "sentence", r->card[i]);
        iaf_json_key(&j, "pairs");
        iaf_json_begin_array(&j);
        for (size_t p = 0; p < r->npairs; p++)
            if (iaf_scan_result_card_names(r, i, p)) {
                iaf_json_begin_array(&j);
                iaf_json_str(&j, r->pairs[p].x);
                iaf_json_str(&j, r->pairs[p].y);
                iaf_json_end_array(&j);
            }
        iaf_json_end_array(&j);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_end_object(&j);
    if (j.failed || bad) {
        b->len = len0;
        if (b->data) b->data[len0] = '\0';
        return oom(err);
    }
    return IAF_OK;
}
