/* api/calibrate_spec.c - `iaf calibrate`: calibration weights for a spec's synthetic
 * microdata to the references of the checks a user selects (include/iaf/calibrate.h).
 *
 * The references come from the audit's comparisons (the support and the reference
 * mass per cell, after harmonisation). The units are the distinct combinations of
 * the columns the selected checks read (their attribute and universe columns): a
 * calibration weight depends on a row only through those columns, so every row of
 * a unit gets the same factor g. Each check is derived once more with those columns
 * carried as they are, which places every unit in the check's cell (or outside its
 * universe). Targets: the reference's shares over the cells the synthetic data
 * reach, times the synthetic mass in those cells (the mass the reference describes). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "audit/audit.h"
#include "core/dataset.h"
#include "audit/spec.h"
#include "core/labelfold.h"
#include "io/reader.h"
#include "io/csv.h"
#include "io/parquet/writer.h"
#include "iaf/calibrate.h"
#include "iaf/metrics.h"
#include "util/checked.h"
#include "util/util.h"

#define KEY_SEP '\x1f'

typedef struct {
    const iaf_spec_check *check;     /* a check's reference, or */
    const iaf_spec_calib_margin *bm; /* a margin of the spec's calibrate: block */
    const char *name;
    long line;
    const iaf_comparison *cmp;
    int32_t *category; /* per unit */
    double *target;    /* per support cell */
    char **labels;     /* per support cell: "x | y" */
    size_t ncat;
    size_t offsupport_units; /* units whose cell the reference does not have */
} calib_margin;

typedef struct {
    const iaf_spec_check *check;
    const iaf_comparison *cmp; /* borrowed until the run's checks are re-audited */
    int req;
    int calibrated;
    double tvd[2], cond[2]; /* unweighted, calibrated; cond NAN for one attribute */
} reaudit;

struct iaf_calib_run {
    int counts;  /* the units are cells of a count table (dataset: tables), not rows */
    char *table; /* that table's id */
    size_t ncols;
    char *cols[IAF_MAX_CUBE_COLS];
    size_t nunits;
    char **unit_labels; /* nunits * ncols */
    double *mass;       /* per unit: design mass (weighted rows) */
    int64_t *rows;      /* per unit: rows */
    size_t nmargins;
    calib_margin *m;
    iaf_calib_options opt;
    iaf_calib_result *res;
    size_t ninputs;
    char **inputs; /* the files the audit read */
    size_t nre;
    reaudit *re;   /* every marginal and joint check on the microdata, before and after */
    int reaudited; /* computed (only when calibration converged) */
};

void iaf_calib_run_free(iaf_calib_run *r)
{
    if (!r) return;
    iaf_free(r->table);
    for (size_t i = 0; i < r->ncols; i++)
        iaf_free(r->cols[i]);
    if (r->unit_labels)
        for (size_t i = 0; i < r->nunits * r->ncols; i++)
            iaf_free(r->unit_labels[i]);
    iaf_free(r->unit_labels);
    iaf_free(r->mass);
    iaf_free(r->rows);
    for (size_t k = 0; r->m && k < r->nmargins; k++) {
        iaf_free(r->m[k].category);
        iaf_free(r->m[k].target);
        for (size_t c = 0; r->m[k].labels && c < r->m[k].ncat; c++)
            iaf_free(r->m[k].labels[c]);
        iaf_free(r->m[k].labels);
    }
    iaf_free(r->m);
    for (size_t i = 0; i < r->ninputs; i++)
        iaf_free(r->inputs[i]);
    iaf_free(r->inputs);
    iaf_free(r->re);
    iaf_calib_result_free(r->res);
    iaf_free(r);
}

const iaf_calib_result *iaf_calib_run_result(const iaf_calib_run *r)
{
    return r ? r->res : NULL;
}

size_t iaf_calib_run_ninputs(const iaf_calib_run *r)
{
    return r ? r->ninputs : 0;
}

const char *iaf_calib_run_input(const iaf_calib_run *r, size_t i)
{
    return r && i < r->ninputs ? r->inputs[i] : NULL;
}

static int add_col(iaf_calib_run *r, const char *name)
{
    for (size_t i = 0; i < r->ncols; i++)
        if (!strcmp(r->cols[i], name)) return 0;
    if (r->ncols == IAF_MAX_CUBE_COLS) return -2;
    if (!(r->cols[r->ncols] = iaf_strdup(name))) return -1;
    r->ncols++;
    return 0;
}

static int find_label(char *const *l, size_t n, iaf_sv v)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(l[i]) == v.len && memcmp(l[i], v.ptr, v.len) == 0) return (int)i;
    return -1;
}

/* The key of a derived cell's carried columns (attributes first .. first + ncols). */
static int cell_key(iaf_buf *b, const iaf_table *t, iaf_cell cl, size_t first, size_t ncols)
{
    b->len = 0;
    for (size_t j = 0; j < ncols; j++) {
        iaf_sv v = iaf_table_cat(t, first + j, cl.cat[first + j]);
        if (iaf_buf_append(b, v.ptr, v.len) || iaf_buf_append(b, "\x1f", 1)) return -1;
    }
    return 0;
}

/* Each re-audited check derived with the units' columns carried: its cells on the
 * reference's support, unweighted and with every unit's g. */
static iaf_status reaudit_all(iaf_calib_run *r, iaf_dataset *ds, const iaf_strmap *keys,
                              iaf_attr *const *carry, size_t ncarry, iaf_buf *key, iaf_error *err)
{
    const double *g = iaf_calib_result_g(r->res);
    for (size_t q = 0; q < r->nre; q++) {
        reaudit *ra = &r->re[q];
        const iaf_spec_check *ck = ra->check;
        const iaf_comparison *c = ra->cmp;
        const size_t K = c->kx * c->ky;
        iaf_attr *attrs[2 + IAF_MAX_CUBE_COLS];
        size_t na = 0;
        for (size_t a = 0; a < ck->nattrs; a++)
            attrs[na++] = ck->attrs[a];
        for (size_t j = 0; j < ncarry; j++)
            attrs[na++] = carry[j];
        iaf_derived *dv = NULL;
        iaf_status st = iaf_dataset_derive(ds, ra->req, attrs, na, ck->universe, &dv, err);
        if (st != IAF_OK) return iaf_error_prefix(err, "check '%s': ", ck->id);
        double *sb = iaf_calloc(K, sizeof *sb), *sa = iaf_calloc(K, sizeof *sa);
        double *rr = iaf_calloc(K, sizeof *rr);
        if (!sb || !sa || !rr) {
            iaf_free(sb);
            iaf_free(sa);
            iaf_free(rr);
            iaf_derived_free(dv);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        const iaf_table *t = dv->table;
        for (size_t i = 0; i < iaf_table_ncells(t); i++) {
            iaf_cell cl = iaf_table_cell(t, i);
            if (cell_key(key, t, cl, ck->nattrs, r->ncols)) {
                st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            int64_t u = iaf_strmap_find(keys, key->data, key->len);
            int xi = find_label(c->xl, c->kx, iaf_table_cat(t, 0, cl.cat[0]));
            int yi = ck->nattrs > 1 ? find_label(c->yl, c->ky, iaf_table_cat(t, 1, cl.cat[1])) : 0;
            if (u < 0 || xi < 0 || yi < 0) continue;
            size_t j = (size_t)xi * c->ky + (size_t)yi;
            if (c->state[j] != IAF_CELL_OK) continue;
            sb[j] += cl.value;
            sa[j] += cl.value * g[u];
        }
        iaf_derived_free(dv);
        for (size_t j = 0; j < K; j++)
            rr[j] = c->state[j] == IAF_CELL_OK ? c->r[j] : 0;
        ra->tvd[0] = iaf_tvd(sb, rr, K);
        ra->tvd[1] = iaf_tvd(sa, rr, K);
        ra->cond[0] = ra->cond[1] = NAN;
        if (ck->nattrs > 1) {
            ra->cond[0] = iaf_cond_tvd(sb, rr, c->kx, c->ky);
            ra->cond[1] = iaf_cond_tvd(sa, rr, c->kx, c->ky);
        }
        ra->cmp = NULL; /* the audit is freed after this */
        iaf_free(sb);
        iaf_free(sa);
        iaf_free(rr);
        if (st != IAF_OK) return st;
    }
    return IAF_OK;
}

static const iaf_spec_check *find_check(const iaf_spec *spec, const char *id)
{
    for (size_t c = 0; c < spec->nchecks; c++)
        if (!strcmp(spec->checks[c].id, id)) return &spec->checks[c];
    return NULL;
}

void iaf_calibrate_spec_defaults(const iaf_spec *spec, iaf_calib_spec_options *opt,
                                 double *min_neff, const char **id_column)
{
    if (!spec || !spec->calibrate.present) return;
    const iaf_spec_calibrate *cb = &spec->calibrate;
    if (opt) {
        if (cb->method >= 0) opt->calib.method = (iaf_calib_method)cb->method;
        if (!isnan(cb->lower)) opt->calib.lower = cb->lower;
        if (!isnan(cb->upper)) opt->calib.upper = cb->upper;
        if (!isnan(cb->epsilon)) opt->calib.epsilon = cb->epsilon;
        if (cb->max_iter) opt->calib.max_iter = cb->max_iter;
    }
    if (min_neff && !isnan(cb->min_neff)) *min_neff = cb->min_neff;
    if (id_column && cb->id) *id_column = cb->id;
}

static const iaf_spec_calib_margin *find_margin(const iaf_spec *spec, const char *id)
{
    for (size_t i = 0; i < spec->calibrate.nmargins; i++)
        if (!strcmp(spec->calibrate.margins[i].id, id)) return &spec->calibrate.margins[i];
    return NULL;
}

/* The selected targets: the options' ids, else the spec's calibrate: block (its `to:`,
 * else every margin). An owned array of borrowed names; NULL when out of memory. */
static const char **selection(const iaf_spec *spec, const iaf_calib_spec_options *opt, size_t *n)
{
    const iaf_spec_calibrate *cb = &spec->calibrate;
    *n = opt->nchecks ? opt->nchecks : cb->nto ? cb->nto : cb->nmargins;
    const char **l = iaf_malloc((*n + 1) * sizeof *l);
    for (size_t i = 0; l && i < *n; i++)
        l[i] = opt->nchecks ? opt->checks[i] : cb->nto ? cb->to[i] : cb->margins[i].id;
    return l;
}

iaf_status iaf_calibrate_spec_validate(const iaf_spec *spec, const iaf_calib_spec_options *opt,
                                       iaf_error *err)
{
    if (!spec || !opt || (opt->nchecks && !opt->checks))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "calibration needs a spec");
    if (opt->nchecks == 0 && !spec->calibrate.present)
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                             "name the checks to calibrate to (the spec has no calibrate: block)");
    if (spec->nmicrodata == 0 && spec->ntables == 0)
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                             "calibration needs the spec's microdata or a count table (dataset: "
                             "microdata or tables)");
    size_t n = 0;
    const char **names = selection(spec, opt, &n);
    if (!names) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_status st = IAF_OK;
    for (size_t k = 0; k < n && st == IAF_OK; k++) {
        const iaf_spec_check *ck = find_check(spec, names[k]);
        const iaf_spec_calib_margin *bm = ck ? NULL : find_margin(spec, names[k]);
        long line = ck ? ck->line : bm ? bm->line : 0;
        if (!ck && !bm)
            st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                               "no check or calibration margin '%s' in the spec", names[k]);
        for (size_t j = 0; j < k && st == IAF_OK; j++)
            if (!strcmp(names[j], names[k]))
                st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, line, 0,
                                   "'%s' is selected twice", names[k]);
        /* with microdata the units are its rows; without, the cells of one count table */
        if (st == IAF_OK && ck &&
            ((ck->kind != IAF_CHECK_MARGINAL && ck->kind != IAF_CHECK_JOINT) ||
             (ck->synthetic >= 0 && spec->nmicrodata > 0)))
            st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, ck->line, 0,
                               "check '%s': calibration takes marginal and joint checks on the "
                               "microdata (or, without microdata, on a count table)",
                               ck->id);
    }
    iaf_free(names);
    return st;
}

/* The universe columns of an expression whose variables are attribute names (of
 * attrs, else of the spec) or columns. */
static int add_universe_cols(iaf_calib_run *r, const iaf_spec *spec, const iaf_expr *u,
                             iaf_attr *const *attrs, size_t nattrs)
{
    int rc = 0;
    for (size_t v = 0; u && v < iaf_expr_nvars(u) && !rc; v++) {
        const char *name = iaf_expr_var(u, v);
        for (size_t a = 0; a < nattrs; a++)
            if (!strcmp(attrs[a]->name, name)) name = attrs[a]->column;
        for (size_t a = 0; a < spec->nattrs; a++)
            if (!strcmp(spec->attrs[a]->name, name)) name = spec->attrs[a]->column;
        rc = add_col(r, name);
    }
    return rc;
}

/* A margin of the calibrate: block: the reference's table over its attributes (any
 * arity), harmonised by the attributes' labels; every unit placed in its cell. */
static iaf_status block_margin(iaf_calib_run *r, const iaf_spec *spec, calib_margin *m,
                               iaf_dataset *ds, int req, iaf_attr *const *carry, size_t ncarry,
                               const iaf_strmap *keys, iaf_buf *key, int threads, iaf_error *err)
{
    const iaf_spec_calib_margin *bm = m->bm;
    const iaf_spec_source *rs = &spec->references[bm->reference];
    const size_t na = bm->nattrs;
    iaf_dataset *rd = NULL;
    iaf_derived *rdv = NULL, *dv = NULL;
    iaf_attr *ra[IAF_SPEC_CALIB_MAX_ATTRS] = {0};
    iaf_strmap cells;
    memset(&cells, 0, sizeof cells);
    double *rmass = NULL, *smass = NULL;
    iaf_status st = IAF_OK;
    iaf_dataset_options o;
    iaf_spec_source_options(rs, threads, &o);
    const char *names[IAF_SPEC_CALIB_MAX_ATTRS];
    if (!rs->nattrs && o.counts.form == IAF_COUNTS_WIDE) {
        for (size_t i = 0; i < na; i++)
            names[i] = bm->ref_cols[i];
        o.counts.attrs = names;
        o.counts.nattrs = na;
    }
    const char *paths[1] = {rs->file};
    if ((st = iaf_dataset_open(paths, 1, &o, &rd, err)) != IAF_OK) goto located;
    const int rmicro = !iaf_dataset_is_counts(rd);
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t nc = 0;
    for (size_t i = 0; i < na; i++) {
        const iaf_attr *sa = bm->attrs[i];
        const char *rc = bm->ref_cols[i];
        /* as the audit: a count table's column as is, microdata derived as the synthetic side */
        ra[i] = !rmicro                 ? iaf_attr_new_asis(sa->name, rc)
                : !strcmp(rc, sa->name) ? iaf_attr_copy(sa, NULL, NULL)
                                        : iaf_attr_copy(sa, NULL, rc);
        if (!ra[i]) goto oom;
        cols[nc++] = ra[i]->column;
    }
    for (size_t u = 0; bm->reference_universe && u < iaf_expr_nvars(bm->reference_universe); u++) {
        const char *name = iaf_expr_var(bm->reference_universe, u);
        for (size_t i = 0; rmicro && name && i < na; i++)
            if (!strcmp(ra[i]->name, name)) name = NULL;
        int dup = 0;
        for (size_t j = 0; name && j < nc; j++)
            dup |= !strcmp(cols[j], name);
        if (name && !dup && nc < IAF_MAX_CUBE_COLS) cols[nc++] = name;
    }
    int rq = iaf_dataset_add_request(rd, cols, nc, err);
    if (rq < 0) {
        st = (iaf_status)rq;
        goto located;
    }
    if ((st = iaf_dataset_count(rd, NULL, err)) != IAF_OK ||
        (st = iaf_dataset_derive(rd, rq, ra, na, bm->reference_universe, &rdv, err)) != IAF_OK)
        goto located;
    /* the reference's cells (published, non-negative) by their labels */
    const iaf_table *rt = rdv->table;
    if (!(rmass = iaf_calloc(iaf_table_ncells(rt) + 1, sizeof *rmass))) goto oom;
    for (size_t i = 0; i < iaf_table_ncells(rt); i++) {
        iaf_cell cl = iaf_table_cell(rt, i);
        if (cl.state != IAF_CELL_OK || !(cl.value >= 0)) continue;
        if (cell_key(key, rt, cl, 0, na)) goto oom;
        size_t before = iaf_strmap_size(&cells);
        int64_t j = iaf_strmap_intern(&cells, key->data, key->len);
        if (j < 0) goto oom;
        if ((size_t)j == before) rmass[j] = 0;
        rmass[j] += cl.value;
    }
    m->ncat = iaf_strmap_size(&cells);
    if (m->ncat == 0) {
        st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, bm->line, 0,
                           "calibration margin '%s': the reference has no cells", bm->id);
        goto done;
    }
    /* the synthetic side with the units' columns carried */
    iaf_attr *attrs[IAF_SPEC_CALIB_MAX_ATTRS + IAF_MAX_CUBE_COLS];
    size_t nat = 0;
    for (size_t a = 0; a < na; a++)
        attrs[nat++] = bm->attrs[a];
    for (size_t j = 0; j < ncarry; j++)
        attrs[nat++] = carry[j];
    if ((st = iaf_dataset_derive(ds, req, attrs, nat, bm->universe, &dv, err)) != IAF_OK)
        goto located;
    m->category = iaf_malloc((r->nunits + 1) * sizeof *m->category);
    m->target = iaf_calloc(m->ncat, sizeof *m->target);
    m->labels = iaf_calloc(m->ncat, sizeof *m->labels);
    smass = iaf_calloc(m->ncat, sizeof *smass);
    if (!m->category || !m->target || !m->labels || !smass) goto oom;
    for (size_t i = 0; i < r->nunits; i++)
        m->category[i] = IAF_CALIB_NONE;
    const iaf_table *t = dv->table;
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell cl = iaf_table_cell(t, i);
        if (cell_key(key, t, cl, na, r->ncols)) goto oom;
        int64_t u = iaf_strmap_find(keys, key->data, key->len);
        if (u < 0) continue; /* cannot happen: the same columns */
        if (cell_key(key, t, cl, 0, na)) goto oom;
        int64_t j = iaf_strmap_find(&cells, key->data, key->len);
        if (m->category[u] != IAF_CALIB_NONE ||
            fabs(cl.value - r->mass[u]) > 1e-9 * (1 + r->mass[u])) {
            st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, bm->line, 0,
                               "calibration margin '%s': a weighted many-to-many mapping splits "
                               "rows between categories; calibration needs each row in one",
                               bm->id);
            goto done;
        }
        if (j >= 0 && rmass[j] > 0) {
            m->category[u] = (int32_t)j;
            smass[j] += cl.value;
        } else {
            m->category[u] = IAF_CALIB_NONE;
            m->offsupport_units++;
        }
    }
    /* targets as for a check: the reference's shares over the reached cells, times the
     * synthetic mass there; an unreached cell keeps its share of the whole, for the report */
    double rsum = 0, rall = 0, inside = 0;
    for (size_t j = 0; j < m->ncat; j++) {
        rall += rmass[j];
        if (rmass[j] > 0 && smass[j] > 0) {
            rsum += rmass[j];
            inside += smass[j];
        }
    }
    for (size_t j = 0; j < m->ncat; j++) {
        m->target[j] = smass[j] > 0 ? (rsum > 0 ? rmass[j] / rsum * inside : 0)
                                    : (rall > 0 ? rmass[j] / rall * inside : 0);
        iaf_sv k = iaf_strmap_get(&cells, j);
        iaf_buf lb;
        memset(&lb, 0, sizeof lb);
        for (size_t p = 0, a = 0; p < k.len; p++) {
            if (k.ptr[p] == KEY_SEP) {
                if (++a < na && iaf_buf_puts(&lb, " | ")) goto lboom;
            } else if (iaf_buf_append(&lb, &k.ptr[p], 1)) {
                goto lboom;
            }
        }
        if (iaf_buf_append(&lb, "", 1)) goto lboom;
        m->labels[j] = lb.data;
        continue;
    lboom:
        iaf_free(lb.data);
        goto oom;
    }
    goto done;
located:
    if (err && !err->file[0]) {
        snprintf(err->file, sizeof err->file, "%s", spec->path);
        err->line = bm->line;
    }
    iaf_error_prefix(err, "calibration margin '%s': ", bm->id);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    for (size_t i = 0; i < na; i++)
        iaf_attr_free(ra[i]);
    iaf_free(rmass);
    iaf_free(smass);
    iaf_strmap_free(&cells);
    iaf_derived_free(rdv);
    iaf_derived_free(dv);
    iaf_dataset_free(rd);
    return st;
}

/* Append to cols[0..*nc) the columns a check reads on the synthetic side (its
 * attributes' and its universe's) that are not there yet: 0, or -1 when they
 * would pass IAF_MAX_CUBE_COLS (cols then holds as many as fit). */
static int check_cols_add(const iaf_spec *spec, const iaf_spec_check *ck, const char **cols,
                          size_t *nc)
{
    const size_t nu = ck->universe ? iaf_expr_nvars(ck->universe) : 0;
    for (size_t a = 0; a < ck->nattrs + nu; a++) {
        const char *name;
        if (a < ck->nattrs) {
            name = ck->attrs[a]->column;
        } else {
            name = iaf_expr_var(ck->universe, a - ck->nattrs);
            for (size_t b = 0; b < ck->nattrs; b++)
                if (!strcmp(ck->attrs[b]->name, name)) name = ck->attrs[b]->column;
            for (size_t b = 0; b < spec->nattrs; b++)
                if (!strcmp(spec->attrs[b]->name, name)) name = spec->attrs[b]->column;
        }
        int dup = 0;
        for (size_t j = 0; j < *nc; j++)
            dup |= !strcmp(cols[j], name);
        if (dup) continue;
        if (*nc == IAF_MAX_CUBE_COLS) return -1;
        cols[(*nc)++] = name;
    }
    return 0;
}

/* The columns a check reads on the synthetic side, at most IAF_MAX_CUBE_COLS. */
static size_t check_cols(const iaf_spec *spec, const iaf_spec_check *ck, const char **cols)
{
    size_t nc = 0;
    (void)check_cols_add(spec, ck, cols, &nc);
    return nc;
}

static int table_has(const iaf_dataset *d, const char *const *cols, size_t n)
{
    iaf_error scratch;
    iaf_error_clear(&scratch);
    return iaf_dataset_check_columns(d, cols, n, &scratch) == IAF_OK;
}

/* The spec's dataset tables opened as the audit opens them (its missing tokens and
 * normalisation, which the spec merges into each table's). */
static iaf_status open_tables(const iaf_spec *spec, int threads, iaf_dataset **tabs, iaf_error *err)
{
    for (size_t i = 0; i < spec->ntables; i++) {
        const iaf_spec_source *t = &spec->tables[i];
        iaf_dataset_options o;
        iaf_spec_source_options(t, threads, &o);
        const char *paths[1] = {t->file};
        iaf_status st =
            t->mem ? iaf_dataset_open_counts_memory(t->mem, t->nmem, t->file, &o, &tabs[i], err)
                   : iaf_dataset_open(paths, 1, &o, &tabs[i], err);
        if (st != IAF_OK) return iaf_error_prefix(err, "dataset table '%s': ", t->id);
        if (!iaf_dataset_is_counts(tabs[i]))
            return iaf_error_set(err, IAF_ERR_INVALID, t->file, 0, 0,
                                 "dataset table '%s' is not a count table", t->id);
    }
    return IAF_OK;
}

/* The table a check reads, as the audit picks it: its `synthetic:`, else the first
 * table with its columns; -1 when none has them. */
static int check_table(const iaf_spec *spec, const iaf_spec_check *ck, iaf_dataset *const *tabs)
{
    if (ck->synthetic >= 0) return ck->synthetic;
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t nc = check_cols(spec, ck, cols);
    for (size_t t = 0; t < spec->ntables; t++)
        if (table_has(tabs[t], cols, nc)) return (int)t;
    return -1;
}

/* Without microdata the units are the cells of one count table: the table a check
 * names with `synthetic:`, else the first that holds every column the targets read.
 * Every target must read that table. */
static iaf_status pick_table(iaf_calib_run *r, const iaf_spec *spec, iaf_dataset *const *tabs,
                             int *out, iaf_error *err)
{
    int t = -1;
    for (size_t k = 0; k < r->nmargins && t < 0; k++)
        if (r->m[k].check && r->m[k].check->synthetic >= 0) t = r->m[k].check->synthetic;
    for (size_t i = 0; i < spec->ntables && t < 0; i++)
        if (table_has(tabs[i], (const char *const *)r->cols, r->ncols)) t = (int)i;
    if (t < 0)
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, r->m[0].line, 0,
                             "no dataset table holds every column the targets read; a count "
                             "table is calibrated to targets on its own cells");
    for (size_t k = 0; k < r->nmargins; k++) {
        const iaf_spec_check *ck = r->m[k].check;
        const char *cols[IAF_MAX_CUBE_COLS];
        size_t nc = 0;
        if (ck) {
            nc = check_cols(spec, ck, cols);
        } else {
            for (size_t a = 0; a < r->m[k].bm->nattrs; a++)
                cols[nc++] = r->m[k].bm->attrs[a]->column;
        }
        if ((ck && ck->synthetic >= 0 && ck->synthetic != t) || !table_has(tabs[t], cols, nc))
            return iaf_error_set(err, IAF_ERR_INVALID, spec->path, r->m[k].line, 0,
                                 "'%s' does not read the dataset table '%s' that the other "
                                 "targets read; a count table is calibrated to targets on its "
                                 "own cells",
                                 r->m[k].name, spec->tables[t].id);
    }
    *out = t;
    return IAF_OK;
}

iaf_status iaf_calibrate_spec(const iaf_spec *spec, const iaf_calib_spec_options *opt,
                              iaf_calib_run **out, iaf_error *err)
{
    if (!out) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "calibration: no result");
    *out = NULL;
    iaf_status st = iaf_calibrate_spec_validate(spec, opt, err);
    if (st != IAF_OK) return st;
    iaf_calib_run *r = iaf_calloc(1, sizeof *r);
    iaf_audit *audit = NULL;
    iaf_dataset *ds = NULL, **tabs = NULL; /* tabs: a count table's spec, ds one of them */
    iaf_derived *udv = NULL;
    iaf_attr *carry[IAF_MAX_CUBE_COLS];
    size_t ncarry = 0;
    iaf_strmap keys;
    memset(&keys, 0, sizeof keys);
    iaf_buf key;
    memset(&key, 0, sizeof key);
    iaf_calib_margin *cm = NULL;
    const char **names = NULL;
    if (!r) goto oom;
    r->opt = opt->calib;
    if (!(names = selection(spec, opt, &r->nmargins))) goto oom;
    r->m = iaf_calloc(r->nmargins + 1, sizeof *r->m);
    if (!r->m) goto oom;

    /* The targets, and the columns they read. */
    for (size_t k = 0; k < r->nmargins; k++) {
        const iaf_spec_check *ck = find_check(spec, names[k]);
        r->m[k].check = ck;
        r->m[k].name = names[k];
        if (!ck) {
            const iaf_spec_calib_margin *bm = find_margin(spec, names[k]);
            r->m[k].bm = bm;
            r->m[k].line = bm->line;
            int rc = 0;
            for (size_t a = 0; a < bm->nattrs && !rc; a++)
                rc = add_col(r, bm->attrs[a]->column);
            if (!rc) rc = add_universe_cols(r, spec, bm->universe, bm->attrs, bm->nattrs);
            if (rc == -1) goto oom;
            if (rc == -2) {
                st = iaf_error_set(err, IAF_ERR_LIMIT, spec->path, bm->line, 0,
                                   "the selected targets read more than %d columns",
                                   IAF_MAX_CUBE_COLS);
                goto done;
            }
            continue;
        }
        r->m[k].line = ck->line;
        int rc = 0;
        for (size_t a = 0; a < ck->nattrs && !rc; a++)
            rc = add_col(r, ck->attrs[a]->column);
        if (!rc) rc = add_universe_cols(r, spec, ck->universe, ck->attrs, ck->nattrs);
        if (rc == -1) goto oom;
        if (rc == -2) {
            st = iaf_error_set(err, IAF_ERR_LIMIT, spec->path, ck->line, 0,
                               "the selected checks read more than %d columns", IAF_MAX_CUBE_COLS);
            goto done;
        }
    }

    /* The references, harmonised, from the audit (point estimates only). */
    iaf_audit_options ao;
    memset(&ao, 0, sizeof ao);
    ao.threads = opt->threads;
    ao.no_bootstrap = 1;
    if ((st = iaf_audit_run(spec, &ao, &audit, err)) != IAF_OK) goto done;
    r->inputs = iaf_calloc(audit->ninputs + 1, sizeof *r->inputs);
    if (!r->inputs) goto oom;
    for (size_t i = 0; i < audit->ninputs; i++, r->ninputs++)
        if (!(r->inputs[i] = iaf_strdup(audit->inputs[i].path))) goto oom;
    for (size_t k = 0; k < r->nmargins; k++) {
        if (r->m[k].bm) continue;
        for (size_t c = 0; c < audit->nresults; c++)
            if (audit->results[c].check == r->m[k].check && audit->results[c].nvariants > 0)
                r->m[k].cmp = audit->results[c].variants[0].cmp;
        if (!r->m[k].cmp) {
            st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, r->m[k].check->line, 0,
                               "check '%s': no comparison to calibrate to", r->m[k].check->id);
            goto done;
        }
    }

    /* The units: distinct combinations of the columns, with their mass (of the rows,
     * or of a count table's cells). */
    int tab = -1;
    if (spec->nmicrodata == 0) {
        if (!(tabs = iaf_calloc(spec->ntables + 1, sizeof *tabs))) goto oom;
        if ((st = open_tables(spec, opt->threads, tabs, err)) != IAF_OK ||
            (st = pick_table(r, spec, tabs, &tab, err)) != IAF_OK)
            goto done;
        r->counts = 1;
        if (!(r->table = iaf_strdup(spec->tables[tab].id))) goto oom;
        ds = tabs[tab];
    } else {
        iaf_dataset_options mo = spec->micro_opt;
        mo.source.threads = opt->threads;
        if ((st = iaf_dataset_open((const char *const *)spec->microdata, spec->nmicrodata, &mo, &ds,
                                   err)) != IAF_OK)
            goto done;
    }
    int req = iaf_dataset_add_request(ds, (const char *const *)r->cols, r->ncols, err);
    if (req < 0) {
        st = (iaf_status)req;
        goto done;
    }
    /* Every marginal and joint check on the microdata, to be re-audited with the
     * weights: its columns and the units' columns in one request. */
    r->re = iaf_calloc(spec->nchecks + 1, sizeof *r->re);
    if (!r->re) goto oom;
    for (size_t c = 0; c < audit->nresults; c++) {
        const iaf_check_result *cr = &audit->results[c];
        const iaf_spec_check *ck = cr->check;
        if ((ck->kind != IAF_CHECK_MARGINAL && ck->kind != IAF_CHECK_JOINT) || cr->nvariants == 0 ||
            !cr->variants[0].cmp ||
            (r->counts ? check_table(spec, ck, tabs) != tab : ck->synthetic >= 0))
            continue;
        const char *cols[IAF_MAX_CUBE_COLS];
        size_t nc = 0;
        for (size_t j = 0; j < r->ncols; j++)
            cols[nc++] = r->cols[j];
        if (check_cols_add(spec, ck, cols, &nc) != 0) continue; /* too many columns */
        reaudit *ra = &r->re[r->nre];
        ra->check = ck;
        ra->cmp = cr->variants[0].cmp;
        for (size_t k = 0; k < r->nmargins; k++)
            ra->calibrated |= r->m[k].check == ck;
        if ((ra->req = iaf_dataset_add_request(ds, cols, nc, err)) < 0) {
            st = (iaf_status)ra->req;
            goto done;
        }
        r->nre++;
    }
    if ((st = iaf_dataset_count(ds, NULL, err)) != IAF_OK) goto done;
    for (size_t j = 0; j < r->ncols; j++) {
        char name[300];
        snprintf(name, sizeof name, "\x1f%s", r->cols[j]);
        if (!(carry[j] = iaf_attr_new_asis(name, r->cols[j]))) goto oom;
        ncarry++;
    }
    if ((st = iaf_dataset_derive(ds, req, carry, ncarry, NULL, &udv, err)) != IAF_OK) goto done;
    const iaf_table *ut = udv->table;
    r->nunits = iaf_table_ncells(ut);
    r->unit_labels = iaf_calloc(r->nunits * r->ncols + 1, sizeof *r->unit_labels);
    r->mass = iaf_calloc(r->nunits + 1, sizeof *r->mass);
    r->rows = iaf_calloc(r->nunits + 1, sizeof *r->rows);
    if (!r->unit_labels || !r->mass || !r->rows) goto oom;
    for (size_t i = 0; i < r->nunits; i++) {
        iaf_cell cl = iaf_table_cell(ut, i);
        if (cell_key(&key, ut, cl, 0, r->ncols)) goto oom;
        if (iaf_strmap_intern(&keys, key.data, key.len) != (int64_t)i) goto oom;
        r->mass[i] = cl.value;
        r->rows[i] = cl.n;
        for (size_t j = 0; j < r->ncols; j++) {
            iaf_sv v = iaf_table_cat(ut, j, cl.cat[j]);
            if (!(r->unit_labels[i * r->ncols + j] = iaf_strndup(v.ptr, v.len))) goto oom;
        }
    }

    /* Each check: every unit's cell on the reference's support, and the targets. */
    for (size_t k = 0; k < r->nmargins; k++) {
        calib_margin *m = &r->m[k];
        if (m->bm) {
            if ((st = block_margin(r, spec, m, ds, req, carry, ncarry, &keys, &key, opt->threads,
                                   err)) != IAF_OK)
                goto done;
            continue;
        }
        const iaf_spec_check *ck = m->check;
        const iaf_comparison *c = m->cmp;
        iaf_attr *attrs[2 + IAF_MAX_CUBE_COLS];
        size_t na = 0;
        for (size_t a = 0; a < ck->nattrs; a++)
            attrs[na++] = ck->attrs[a];
        for (size_t j = 0; j < ncarry; j++)
            attrs[na++] = carry[j];
        iaf_derived *dv = NULL;
        if ((st = iaf_dataset_derive(ds, req, attrs, na, ck->universe, &dv, err)) != IAF_OK) {
            iaf_error_prefix(err, "check '%s': ", ck->id);
            goto done;
        }
        m->ncat = c->kx * c->ky;
        m->category = iaf_malloc((r->nunits + 1) * sizeof *m->category);
        m->target = iaf_calloc(m->ncat, sizeof *m->target);
        m->labels = iaf_calloc(m->ncat, sizeof *m->labels);
        double *smass = iaf_calloc(m->ncat, sizeof *smass);
        if (!m->category || !m->target || !m->labels || !smass) {
            iaf_free(smass);
            iaf_derived_free(dv);
            goto oom;
        }
        for (size_t i = 0; i < r->nunits; i++)
            m->category[i] = IAF_CALIB_NONE;
        double inside = 0;
        const iaf_table *t = dv->table;
        for (size_t i = 0; i < iaf_table_ncells(t); i++) {
            iaf_cell cl = iaf_table_cell(t, i);
            if (cell_key(&key, t, cl, ck->nattrs, r->ncols)) {
                iaf_free(smass);
                iaf_derived_free(dv);
                goto oom;
            }
            int64_t u = iaf_strmap_find(&keys, key.data, key.len);
            if (u < 0) continue; /* cannot happen: the same columns */
            int xi = find_label(c->xl, c->kx, iaf_table_cat(t, 0, cl.cat[0]));
            int yi = ck->nattrs > 1 ? find_label(c->yl, c->ky, iaf_table_cat(t, 1, cl.cat[1])) : 0;
            int32_t cat = (xi >= 0 && yi >= 0) ? (int32_t)((size_t)xi * c->ky + (size_t)yi) : -2;
            if (m->category[u] != IAF_CALIB_NONE ||
                fabs(cl.value - r->mass[u]) > 1e-9 * (1 + r->mass[u])) {
                st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, ck->line, 0,
                                   "check '%s': a weighted many-to-many mapping splits rows "
                                   "between categories; calibration needs each row in one",
                                   ck->id);
                iaf_free(smass);
                iaf_derived_free(dv);
                goto done;
            }
            inside += cl.value;
            if (cat >= 0 && c->state[cat] == IAF_CELL_OK) {
                m->category[u] = cat;
                smass[cat] += cl.value;
            } else {
                m->category[u] = IAF_CALIB_NONE;
                m->offsupport_units++;
            }
        }
        iaf_derived_free(dv);
        /* the mass the reference describes: units in its cells of positive mass (units
         * off its support or in its zero cells are left free, outside the total) */
        double rsum = 0;
        inside = 0;
        for (size_t j = 0; j < m->ncat; j++)
            if (c->r[j] > 0 && smass[j] > 0) {
                rsum += c->r[j];
                inside += smass[j];
            }
        for (size_t j = 0; j < m->ncat; j++) {
            /* reached cells share the universe's mass; an unreached one keeps its share
             * of the whole as its (unrepairable) target, for the report */
            m->target[j] = smass[j] > 0 ? (rsum > 0 ? c->r[j] / rsum * inside : 0)
                                        : c->r[j] / c->r_support * inside;
            iaf_buf lb;
            memset(&lb, 0, sizeof lb);
            if (iaf_buf_puts(&lb, c->xl[j / c->ky]) ||
                (ck->nattrs > 1 &&
                 (iaf_buf_puts(&lb, " | ") || iaf_buf_puts(&lb, c->yl[j % c->ky]))) ||
                iaf_buf_append(&lb, "", 1)) {
                iaf_free(lb.data);
                iaf_free(smass);
                goto oom;
            }
            m->labels[j] = lb.data;
        }
        iaf_free(smass);
    }

    cm = iaf_calloc(r->nmargins, sizeof *cm);
    if (!cm) goto oom;
    for (size_t k = 0; k < r->nmargins; k++)
        cm[k] = (iaf_calib_margin){r->m[k].name, r->m[k].ncat, r->m[k].category, r->m[k].target,
                                   (const char *const *)r->m[k].labels};
    st = iaf_calibrate(r->nunits, r->mass, cm, r->nmargins, &r->opt, &r->res, err);
    if (st == IAF_OK) {
        iaf_status rs = reaudit_all(r, ds, &keys, carry, ncarry, &key, err);
        if (rs != IAF_OK) {
            st = rs;
            goto done;
        }
        r->reaudited = 1;
    }
    if (st != IAF_OK && r->res && err && !err->file[0]) {
        /* located at the check whose margin fits worst, or with logit at the one whose cell
         * needs a mean factor (target over mass) furthest outside the bounds, as the message
         * names it */
        size_t worst = 0;
        for (size_t k = 1; k < r->nmargins; k++)
            if (iaf_calib_result_margin_criterion(r->res, k) >
                iaf_calib_result_margin_criterion(r->res, worst))
                worst = k;
        double far = 1;
        for (size_t k = 0; r->opt.method == IAF_CALIB_LOGIT && k < r->nmargins; k++)
            for (size_t c = 0; c < r->m[k].ncat; c++) {
                iaf_calib_cell cl;
                if (iaf_calib_result_cell(r->res, k, c, &cl) != IAF_OK ||
                    cl.state != IAF_CALIB_OK || !(cl.before > 0) || !(cl.target > 0))
                    continue;
                const double need = cl.target / cl.before;
                const double by = need > r->opt.upper   ? need / r->opt.upper
                                  : need < r->opt.lower ? r->opt.lower / need
                                                        : 1;
                if (by > far) far = by, worst = k;
            }
        snprintf(err->file, sizeof err->file, "%s", spec->path);
        err->line = r->m[worst].line;
        err->column = 0;
    }
    if (r->res) {
        *out = r;
        r = NULL;
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_free(names);
    iaf_free(cm);
    iaf_free(key.data);
    iaf_strmap_free(&keys);
    for (size_t j = 0; j < ncarry; j++)
        iaf_attr_free(carry[j]);
    iaf_derived_free(udv);
    if (tabs) {
        for (size_t i = 0; i < spec->ntables; i++)
            iaf_dataset_free(tabs[i]);
        iaf_free(tabs);
    } else {
        iaf_dataset_free(ds);
    }
    iaf_audit_free(audit);
    iaf_calib_run_free(r);
    return st;
}

static int fmt(iaf_buf *b, double v)
{
    char num[40];
    iaf_fmt_f64(num, v);
    return iaf_buf_puts(b, num);
}

iaf_status iaf_calib_run_write_weights(const iaf_calib_run *r, iaf_buffer *out, iaf_error *err)
{
    if (!r || !out) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no calibration");
    iaf_buf *b = iaf_buffer_raw(out);
    int bad = 0;
    const double *g = iaf_calib_result_g(r->res);
    for (size_t j = 0; j < r->ncols; j++) {
        bad |= iaf_csv_write_field(b, r->cols[j], strlen(r->cols[j]));
        bad |= iaf_buf_puts(b, ",");
    }
    bad |= iaf_buf_puts(b, "rows,mass,g\n");
    for (size_t i = 0; i < r->nunits; i++) {
        for (size_t j = 0; j < r->ncols; j++) {
            const char *l = r->unit_labels[i * r->ncols + j];
            bad |= iaf_csv_write_field(b, l, strlen(l));
            bad |= iaf_buf_puts(b, ",");
        }
        bad |= iaf_buf_printf(b, "%lld,", (long long)r->rows[i]);
        bad |= fmt(b, r->mass[i]);
        bad |= iaf_buf_puts(b, ",");
        bad |= fmt(b, g[i]);
        bad |= iaf_buf_puts(b, "\n");
    }
    return bad ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

static const char *state_name(iaf_calib_state s)
{
    return s == IAF_CALIB_UNREACHABLE   ? "unrepairable: the synthetic data never reach it"
           : s == IAF_CALIB_ZERO_TARGET ? "unrepairable: zero in the reference"
                                        : "ok";
}

iaf_status iaf_calib_run_write_report(const iaf_calib_run *r, double min_neff, iaf_buffer *out,
                                      int *neff_low, iaf_error *err)
{
    if (!r || !out) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no calibration");
    iaf_buf *b = iaf_buffer_raw(out);
    int bad = 0;
    const iaf_calib_result *res = r->res;
    bad |= iaf_buf_printf(b, "calibration: %s",
                          r->opt.method == IAF_CALIB_RAKING ? "raking" : "logit");
    if (r->opt.method == IAF_CALIB_LOGIT) {
        bad |= iaf_buf_puts(b, " with bounds [");
        bad |= fmt(b, r->opt.lower);
        bad |= iaf_buf_puts(b, ", ");
        bad |= fmt(b, r->opt.upper);
        bad |= iaf_buf_puts(b, "]");
    }
    bad |= iaf_buf_printf(b, "; %s after %d iterations (criterion %.3g, epsilon %.3g)\n",
                          iaf_calib_result_converged(res) ? "converged" : "DID NOT CONVERGE",
                          iaf_calib_result_iterations(res), iaf_calib_result_criterion(res),
                          r->opt.epsilon);
    if (r->counts)
        bad |=
            iaf_buf_printf(b, "units: %zu cells of the count table '%s' over", r->nunits, r->table);
    else
        bad |= iaf_buf_printf(b, "units: %zu distinct combinations of", r->nunits);
    for (size_t j = 0; j < r->ncols; j++)
        bad |= iaf_buf_printf(b, " %s", r->cols[j]);
    bad |= iaf_buf_puts(b, "\n");
    for (size_t k = 0; k < r->nmargins; k++) {
        const calib_margin *m = &r->m[k];
        size_t nunrep = 0;
        bad |= iaf_buf_printf(b, "margin %s: %zu cells, max |residual| / (1 + target) %.3g\n",
                              m->name, m->ncat, iaf_calib_result_margin_criterion(res, k));
        for (size_t c = 0; c < m->ncat; c++) {
            iaf_calib_cell cl;
            iaf_calib_result_cell(res, k, c, &cl);
            if (cl.state != IAF_CALIB_OK) {
                nunrep++;
                bad |= iaf_buf_printf(b, "  %s: target %.1f, synthetic %.1f: %s\n", m->labels[c],
                                      cl.target, cl.before, state_name(cl.state));
            }
        }
        if (m->offsupport_units)
            bad |= iaf_buf_printf(
                b, "  %zu units sit in cells the reference does not have: left free\n",
                m->offsupport_units);
        if (!nunrep) iaf_buf_puts(b, "  every reference cell is reached\n");
    }
    iaf_weight_summary ws;
    double *mult = iaf_malloc((r->nunits + 1) * sizeof *mult);
    if (!mult) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->nunits; i++) /* a cell's count is its frequency weight */
        mult[i] = r->counts ? r->mass[i] : (double)r->rows[i];
    iaf_status st = iaf_weight_summarize(r->nunits, iaf_calib_result_g(res), mult, &ws, err);
    iaf_free(mult);
    if (st != IAF_OK) return st;
    bad |= iaf_buf_puts(b, r->counts ? "weights g (per counted row): min "
                                     : "weights g (per row): min ");
    bad |= fmt(b, ws.min);
    bad |= iaf_buf_printf(
        b, ", 1%% %.4g, 5%% %.4g, 25%% %.4g, median %.4g, 75%% %.4g, 95%% %.4g, 99%% %.4g, max ",
        ws.q01, ws.q05, ws.q25, ws.q50, ws.q75, ws.q95, ws.q99);
    bad |= fmt(b, ws.max);
    bad |= iaf_buf_puts(b, "\n");
    const double frac = ws.rows > 0 ? ws.n_eff / ws.rows : 0;
    bad |= iaf_buf_printf(b, "effective n (Kish%s): %.1f of %.0f %s (%.1f%%)\n",
                          r->counts ? ", the cell counts as frequency weights" : "", ws.n_eff,
                          ws.rows, r->counts ? "counted rows" : "rows", 100 * frac);
    if (neff_low) *neff_low = min_neff > 0 && frac < min_neff;
    if (r->nre && r->reaudited) {
        bad |= iaf_buf_printf(b,
                              "re-audit, unweighted -> calibrated (tvd_joint; cond_tvd_y_given_x "
                              "for joints), every marginal and joint check on the %s:\n",
                              r->counts ? "count table" : "microdata");
        for (size_t q = 0; q < r->nre; q++) {
            const reaudit *ra = &r->re[q];
            bad |= iaf_buf_printf(b, "  %s%s: tvd %.4f -> %.4f", ra->check->id,
                                  ra->calibrated ? " (calibrated)" : "", ra->tvd[0], ra->tvd[1]);
            if (!isnan(ra->cond[0]))
                bad |= iaf_buf_printf(b, ", cond_tvd %.4f -> %.4f", ra->cond[0], ra->cond[1]);
            const double worse =
                !isnan(ra->cond[0]) ? ra->cond[1] - ra->cond[0] : ra->tvd[1] - ra->tvd[0];
            if (!ra->calibrated && worse > 1e-4) bad |= iaf_buf_puts(b, "  WORSE");
            bad |= iaf_buf_puts(b, "\n");
        }
    }
    return bad ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

/* The per-row pass: every row's unit looked up by its values (as the audit labels
 * them), its weight (own weight times the unit's g) and its key: the id column's
 * value, or its file and row number. */
typedef struct {
    const iaf_calib_run *r;
    const iaf_strmap *keys;
    iaf_label_fold fold; /* the dataset's missing tokens and label normalisation */
    const char *id_column, *weight_column;
    iaf_buf key;
    const double *g;
    iaf_strmap ids;   /* id values, in row order (id i is row i) */
    iaf_strmap files; /* file names, in order */
    uint32_t *file;   /* per row, without an id column */
    int64_t *rowno;   /* per row (1-based within its file), without an id column */
    double *w;        /* per row */
    size_t n, cap, wcap, fcap;
} rows_ctx;

static iaf_status rows_begin(void *ctx, int worker, void **state, iaf_error *err)
{
    (void)ctx;
    (void)worker;
    (void)err;
    *state = NULL;
    return IAF_OK;
}

static iaf_status rows_batch(void *ctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state;
    rows_ctx *x = ctx;
    const size_t nc = x->r->ncols;
    int bad = 0;
    for (size_t i = 0; i < b->nrows; i++) {
        const long long row = b->first_row + (long long)i + 1;
        x->key.len = 0;
        for (size_t j = 0; j < nc; j++) {
            char num[64];
            iaf_sv v;
            bad |= iaf_label_fold_apply(&x->fold, iaf_column_text(&b->cols[j], i, num), &v) ||
                   iaf_buf_append(&x->key, v.ptr, v.len) || iaf_buf_append(&x->key, "\x1f", 1);
        }
        if (bad) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        int64_t u = iaf_strmap_find(x->keys, x->key.data, x->key.len);
        if (u < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, b->file, 0, 0,
                                 "data row %lld: its values are not among the calibrated units",
                                 row);
        double own = 1;
        size_t at = nc;
        if (x->weight_column) {
            char num[64];
            iaf_sv v = iaf_column_text(&b->cols[at++], i, num);
            if (!v.ptr || !iaf_parse_double(v, &own) || !iaf_count_ok(own))
                return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                     "data row %lld: weight column '%s' is missing, negative or "
                                     "not a number",
                                     row, x->weight_column);
        }
        if (IAF_GROW(x->w, x->wcap, x->n + 1) ||
            (!x->id_column &&
             (IAF_GROW(x->file, x->fcap, x->n + 1) || IAF_GROW(x->rowno, x->cap, x->n + 1))))
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (x->id_column) {
            char num[64];
            iaf_sv v = iaf_column_text(&b->cols[at], i, num);
            if (!v.ptr || v.len == 0)
                return iaf_error_set(err, IAF_ERR_INVALID, b->file, 0, 0,
                                     "data row %lld: the id column '%s' is empty", row,
                                     x->id_column);
            int64_t id = iaf_strmap_intern(&x->ids, v.ptr, v.len);
            if (id < 0) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if ((size_t)id != x->n)
                return iaf_error_set(err, IAF_ERR_INVALID, b->file, 0, 0,
                                     "data row %lld: id '%.*s' of column '%s' repeats an "
                                     "earlier row's; weights keyed by it would be ambiguous",
                                     row, (int)(v.len > 200 ? 200 : v.len), v.ptr, x->id_column);
        } else {
            int64_t f = iaf_strmap_intern(&x->files, b->file, strlen(b->file));
            if (f < 0) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            x->file[x->n] = (uint32_t)f;
            x->rowno[x->n] = row;
        }
        x->w[x->n++] = own * x->g[u];
    }
    return IAF_OK;
}

static const char *weight_name(const char *id_column)
{
    /* an id column called "weight" keeps its name; the weights are then "calibrated_weight" */
    return id_column && !strcmp(id_column, "weight") ? "calibrated_weight" : "weight";
}

static iaf_status rows_render(const rows_ctx *x, iaf_calib_format format, iaf_buf *out,
                              iaf_error *err)
{
    const char *wname = weight_name(x->id_column);
    if (format == IAF_CALIB_PARQUET) {
        iaf_sv *str = NULL;
        iaf_status st;
        iaf_pqw_column cols[3];
        size_t nc = 0;
        if (x->id_column) {
            cols[nc++] = (iaf_pqw_column){x->id_column, IAF_PQW_STRING, x->ids.keys, NULL, NULL};
        } else {
            if (!(str = iaf_malloc((x->n + 1) * sizeof *str)))
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            for (size_t i = 0; i < x->n; i++)
                str[i] = iaf_strmap_get(&x->files, x->file[i]);
            cols[nc++] = (iaf_pqw_column){"file", IAF_PQW_STRING, str, NULL, NULL};
            cols[nc++] = (iaf_pqw_column){"row", IAF_PQW_INT64, NULL, x->rowno, NULL};
        }
        cols[nc++] = (iaf_pqw_column){wname, IAF_PQW_DOUBLE, NULL, NULL, x->w};
        st = iaf_parquet_write_table(out, cols, nc, x->n, err);
        iaf_free(str);
        return st;
    }
    int bad = 0;
    if (x->id_column) {
        bad |= iaf_csv_write_field(out, x->id_column, strlen(x->id_column));
        bad |= iaf_buf_printf(out, ",%s\n", wname);
    } else {
        bad |= iaf_buf_puts(out, "file,row,weight\n");
    }
    for (size_t i = 0; i < x->n && !bad; i++) {
        if (x->id_column) {
            iaf_sv v = iaf_strmap_get(&x->ids, i);
            bad |= iaf_csv_write_field(out, v.ptr, v.len);
            bad |= iaf_buf_puts(out, ",");
        } else {
            iaf_sv f = iaf_strmap_get(&x->files, x->file[i]);
            bad |= iaf_csv_write_field(out, f.ptr, f.len);
            bad |= iaf_buf_printf(out, ",%lld,", (long long)x->rowno[i]);
        }
        bad |= fmt(out, x->w[i]);
        bad |= iaf_buf_puts(out, "\n");
    }
    return bad ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

/* A count table's weights: one row per cell of the columns the targets read, keyed by
 * its labels (missing = empty), with its count, g and the calibrated count. */
static iaf_status cells_render(const iaf_calib_run *r, iaf_calib_format format, iaf_buf *out,
                               iaf_error *err)
{
    const double *g = iaf_calib_result_g(r->res);
    const size_t n = r->nunits, nc = r->ncols;
    if (format == IAF_CALIB_PARQUET) {
        iaf_pqw_column cols[IAF_MAX_CUBE_COLS + 3];
        iaf_sv *str = iaf_malloc((n * nc + 1) * sizeof *str);
        double *cw = iaf_malloc((n + 1) * sizeof *cw);
        if (!str || !cw) {
            iaf_free(str);
            iaf_free(cw);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t j = 0; j < nc; j++) {
            for (size_t i = 0; i < n; i++) {
                const char *l = r->unit_labels[i * nc + j];
                str[j * n + i] = (iaf_sv){l, strlen(l)};
            }
            cols[j] = (iaf_pqw_column){r->cols[j], IAF_PQW_STRING, str + j * n, NULL, NULL};
        }
        for (size_t i = 0; i < n; i++)
            cw[i] = r->mass[i] * g[i];
        cols[nc] = (iaf_pqw_column){"count", IAF_PQW_DOUBLE, NULL, NULL, r->mass};
        cols[nc + 1] = (iaf_pqw_column){"g", IAF_PQW_DOUBLE, NULL, NULL, g};
        cols[nc + 2] = (iaf_pqw_column){"calibrated_count", IAF_PQW_DOUBLE, NULL, NULL, cw};
        iaf_status st = iaf_parquet_write_table(out, cols, nc + 3, n, err);
        iaf_free(str);
        iaf_free(cw);
        return st;
    }
    int bad = 0;
    for (size_t j = 0; j < nc; j++) {
        bad |= iaf_csv_write_field(out, r->cols[j], strlen(r->cols[j]));
        bad |= iaf_buf_puts(out, ",");
    }
    bad |= iaf_buf_puts(out, "count,g,calibrated_count\n");
    for (size_t i = 0; i < n && !bad; i++) {
        for (size_t j = 0; j < nc; j++) {
            const char *l = r->unit_labels[i * nc + j];
            bad |= iaf_csv_write_field(out, l, strlen(l));
            bad |= iaf_buf_puts(out, ",");
        }
        bad |= fmt(out, r->mass[i]);
        bad |= iaf_buf_puts(out, ",");
        bad |= fmt(out, g[i]);
        bad |= iaf_buf_puts(out, ",");
        bad |= fmt(out, r->mass[i] * g[i]);
        bad |= iaf_buf_puts(out, "\n");
    }
    return bad ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

iaf_status iaf_calib_run_write_row_weights(const iaf_calib_run *r, const iaf_spec *spec,
                                           const char *id_column, iaf_calib_format format,
                                           iaf_buffer *out, iaf_error *err)
{
    if (!r || !spec || !out || !r->res)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no calibration");
    if (format != IAF_CALIB_CSV && format != IAF_CALIB_PARQUET)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "unknown weights format");
    if (r->counts && id_column)
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                             "the count table '%s' has no rows to key by '%s': its weights are "
                             "keyed by its cells",
                             r->table, id_column);
    if (r->counts) return cells_render(r, format, iaf_buffer_raw(out), err);
    if (id_column && !*id_column)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "the id column has no name");
    const char *wcol = spec->micro_opt.weight;
    if (id_column && wcol && !strcmp(id_column, wcol))
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                             "the id column '%s' is the weight column", id_column);
    iaf_strmap keys;
    memset(&keys, 0, sizeof keys);
    rows_ctx x;
    memset(&x, 0, sizeof x);
    iaf_source *src = NULL;
    iaf_status st = IAF_OK;
    iaf_buf kb;
    memset(&kb, 0, sizeof kb);
    const char *proj[IAF_MAX_CUBE_COLS + 2];
    size_t np = 0;
    for (size_t i = 0; i < r->nunits; i++) {
        kb.len = 0;
        for (size_t j = 0; j < r->ncols; j++) {
            const char *l = r->unit_labels[i * r->ncols + j];
            if (iaf_buf_puts(&kb, l) || iaf_buf_append(&kb, "\x1f", 1)) goto oom;
        }
        if (iaf_strmap_intern(&keys, kb.data, kb.len) != (int64_t)i) goto oom;
    }
    for (size_t j = 0; j < r->ncols; j++)
        proj[np++] = r->cols[j];
    if (wcol) proj[np++] = wcol;
    if (id_column) proj[np++] = id_column;
    iaf_source_options so = spec->micro_opt.source;
    so.threads = 1; /* rows in file order */
    if ((st = iaf_source_open((const char *const *)spec->microdata, spec->nmicrodata, &so, &src,
                              err)) != IAF_OK ||
        (st = iaf_source_project(src, proj, np, err)) != IAF_OK)
        goto done;
    x.r = r;
    x.keys = &keys;
    if (iaf_label_fold_init(&x.fold, spec->micro_opt.labels.normalize,
                            spec->micro_opt.labels.missing, spec->micro_opt.labels.nmissing))
        goto oom;
    x.id_column = id_column;
    x.weight_column = wcol;
    x.g = iaf_calib_result_g(r->res);
    iaf_scan_consumer c = {&x, rows_begin, rows_batch, NULL};
    int nw = 0;
    if ((st = iaf_source_scan(src, &c, &nw, err)) != IAF_OK) goto done;
    int64_t total = 0;
    for (size_t i = 0; i < r->nunits; i++)
        total += r->rows[i];
    if ((int64_t)x.n != total) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "per-row weights: %lld rows read, %lld calibrated", (long long)x.n,
                           (long long)total);
        goto done;
    }
    st = rows_render(&x, format, iaf_buffer_raw(out), err);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_free(kb.data);
    iaf_free(x.key.data);
    iaf_label_fold_free(&x.fold);
    iaf_strmap_free(&x.ids);
    iaf_strmap_free(&x.files);
    iaf_free(x.file);
    iaf_free(x.rowno);
    iaf_free(x.w);
    iaf_strmap_free(&keys);
    iaf_source_free(src);
    return st;
}

iaf_status iaf_calib_run_write_rows(const iaf_calib_run *r, const iaf_spec *spec, iaf_buffer *out,
                                    iaf_error *err)
{
    return iaf_calib_run_write_row_weights(r, spec, NULL, IAF_CALIB_CSV, out, err);
}
