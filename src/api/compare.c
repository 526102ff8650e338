/* src/api/compare.c - iaf/compare.h: `iaf compare` as a library call. Each
 * side is opened and counted through the dataset layer (src/core/dataset.c),
 * its attributes derived (recode, bins, universe), and the two tables are
 * compared by src/audit/compare.c, whose iaf_comparison is the public handle. */
#include "iaf/compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "audit/compare.h"
#include "core/dataset.h"
#include "core/expr.h"
#include "iaf/count.h"
#include "util/checked.h"
#include "util/json.h"
#include "util/util.h"

static iaf_status oom(iaf_error *err)
{
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

static int whole(double x)
{
    return isfinite(x) && x == floor(x) && fabs(x) < 1e15;
}

/* Make a (as is) into the recode or bins of def. */
static iaf_status apply_derive(iaf_attr *a, const iaf_compare_derive *def, iaf_error *err)
{
    if (def->nrecode) {
        if (!(a->from = iaf_calloc(def->nrecode, sizeof *a->from)) ||
            !(a->to = iaf_calloc(def->nrecode, sizeof *a->to)))
            return oom(err);
        for (size_t i = 0; i < def->nrecode; i++) {
            if (!def->from[i] || !def->to[i])
                return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                     "recode of %s: a value is NULL", a->name);
            a->from[i] = iaf_strdup(def->from[i]);
            a->to[i] = iaf_strdup(def->to[i]);
            if (!a->from[i] || !a->to[i]) return oom(err);
            a->nrecode++;
            size_t before = iaf_strmap_size(&a->recode_index);
            int64_t id = iaf_strmap_intern(&a->recode_index, a->from[i], strlen(a->from[i]));
            if (id < 0) return oom(err);
            if ((size_t)id < before)
                return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                     "recode of %s: '%s' is listed twice", a->name, a->from[i]);
        }
        a->kind = IAF_ATTR_RECODE;
        return IAF_OK;
    }
    size_t n = def->nedges;
    if (n < 2)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "bins of %s: give at least two edges", a->name);
    if (!(a->edges = iaf_calloc(n, sizeof *a->edges)) ||
        !(a->labels = iaf_calloc(n, sizeof *a->labels)))
        return oom(err);
    for (size_t i = 0; i < n; i++) {
        double e = def->edges[i];
        if (isnan(e) || (isinf(e) && ((e > 0 && i + 1 < n) || (e < 0 && i > 0))))
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "bins of %s: edge %zu is not a number (only the first may be "
                                 "-inf and the last inf)",
                                 a->name, i + 1);
        if (i && !(e > a->edges[i - 1]))
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "bins of %s: edges must increase (at edge %zu)", a->name, i + 1);
        a->edges[i] = e;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        double lo = a->edges[i], hi = a->edges[i + 1];
        char l[96], x[40], y[40];
        iaf_fmt_f64(x, lo);
        iaf_fmt_f64(y, hi - 1);
        if (whole(lo) && isinf(hi))
            snprintf(l, sizeof l, "%s+", x);
        else if (whole(lo) && whole(hi))
            snprintf(l, sizeof l, "%s-%s", x, y);
        else {
            iaf_fmt_f64(y, hi);
            if (isinf(lo)) snprintf(x, sizeof x, "-inf");
            if (isinf(hi)) snprintf(y, sizeof y, "inf");
            snprintf(l, sizeof l, "[%s,%s)", x, y);
        }
        if (!(a->labels[i] = iaf_strdup(l))) return oom(err);
        a->nbins++;
    }
    a->kind = IAF_ATTR_BIN;
    return IAF_OK;
}

/* The options a comparison cannot run with, named. */
static iaf_status check_options(const iaf_compare_options *o, iaf_error *err)
{
    if (o->nby < 1 || o->nby > 2 || !o->by)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "a comparison is on one or two attributes");
    for (size_t i = 0; i < o->nby; i++)
        if (!o->by[i] || !o->by[i][0])
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "an attribute name is empty");
    if (o->nby == 2 && !strcmp(o->by[0], o->by[1]))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "attribute '%s' is named twice",
                             o->by[0]);
    for (size_t d = 0; d < o->nderive; d++) {
        const iaf_compare_derive *def = &o->derive[d];
        int named = 0;
        for (size_t i = 0; def->attr && i < o->nby; i++)
            named |= !strcmp(def->attr, o->by[i]);
        if (!named)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "a recode or bins of '%s', which is not an attribute compared",
                                 def->attr ? def->attr : "(null)");
        for (size_t e = 0; e < d; e++)
            if (!strcmp(o->derive[e].attr, def->attr))
                return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                     "one recode or bins per attribute ('%s' has two)", def->attr);
        if ((def->nrecode > 0) == (def->nedges > 0))
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "'%s': give either a recode or bin edges", def->attr);
    }
    for (int s = 0; s < 2; s++) {
        const iaf_compare_side *sd = s ? &o->reference : &o->synthetic;
        if (!(sd->n >= 0) || isinf(sd->n) || sd->n > IAF_MAX_COUNT)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "the %s's sample size must be above 0 and at most 2^53",
                                 s ? "reference" : "synthetic side");
    }
    const iaf_thresholds *th = o->thresholds;
    if (th && (!(th->tvd >= 0 && th->tvd <= 1) || !(th->cond_tvd >= 0 && th->cond_tvd <= 1) ||
               !(th->footprint >= 0 && isfinite(th->footprint)) ||
               !(th->retention >= 0 && isfinite(th->retention))))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "thresholds: tvd and cond_tvd lie in [0, 1], footprint and "
                             "retention are finite and not negative");
    if (o->interval != IAF_INTERVAL_CALIBRATED && o->interval != IAF_INTERVAL_BASIC)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "unknown interval method");
    return iaf_normalize_check(o->normalize, err);
}

/* One side, read and derived. */
typedef struct side_data {
    iaf_expr *universe;
    iaf_dataset *ds;
    iaf_derived *dv;
} side_data;

static void side_free(side_data *sd)
{
    iaf_derived_free(sd->dv);
    iaf_dataset_free(sd->ds);
    iaf_expr_free(sd->universe);
}

static iaf_status load_side(const iaf_compare_options *o, const iaf_compare_side *in, int is_ref,
                            side_data *sd, iaf_error *err)
{
    iaf_status st = IAF_OK;
    iaf_attr *attrs[2] = {0};
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t ncols = 0;
    int given = (in->paths && in->npaths) + (in->src != NULL) + (in->counts_csv != NULL);
    if (given != 1)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             given ? "the %s side: give one of paths, a source or a count table"
                                   : "no %s files given",
                             is_ref ? "reference" : "synthetic");
    if (in->src && in->form == IAF_DATA_COUNTS)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the %s side: a source is microdata, not a count table",
                             is_ref ? "reference" : "synthetic");
    if (in->counts_csv && in->form == IAF_DATA_MICRODATA)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the %s side: a count table in memory is not microdata",
                             is_ref ? "reference" : "synthetic");
    if (in->where && (st = iaf_expr_parse(in->where, is_ref ? "--reference-where" : "--where",
                                          &sd->universe, err)) != IAF_OK)
        return st;
    iaf_dataset_options dopt;
    memset(&dopt, 0, sizeof dopt);
    dopt.form = in->form;
    dopt.source = in->source;
    if (o->threads > 0) dopt.source.threads = o->threads;
    dopt.counts.attrs = o->by;
    dopt.counts.nattrs = o->nby;
    dopt.counts.encoding = in->source.encoding;
    dopt.weight = in->weight;
    dopt.labels.missing = o->missing;
    dopt.labels.nmissing = o->missing ? o->nmissing : 0;
    dopt.labels.normalize = iaf_api_normalize_flags(o->normalize);
    if (in->src)
        st = iaf_dataset_open_source_borrowed(in->src, &dopt, &sd->ds, err);
    else if (in->counts_csv)
        st = iaf_dataset_open_counts_memory(in->counts_csv, in->counts_csv_size, in->counts_name,
                                            &dopt, &sd->ds, err);
    else
        st = iaf_dataset_open(in->paths, in->npaths, &dopt, &sd->ds, err);
    if (st != IAF_OK) goto done;
    /* a count-table reference is in the compared categories already */
    int derive = !is_ref || !iaf_dataset_is_counts(sd->ds);
    for (size_t i = 0; i < o->nby; i++) {
        if (!(attrs[i] = iaf_attr_new_asis(o->by[i], o->by[i]))) {
            st = oom(err);
            goto done;
        }
        for (size_t d = 0; derive && d < o->nderive; d++)
            if (!strcmp(o->derive[d].attr, o->by[i]) &&
                (st = apply_derive(attrs[i], &o->derive[d], err)) != IAF_OK)
                goto done;
        cols[ncols++] = o->by[i];
    }
    for (size_t v = 0; sd->universe && v < iaf_expr_nvars(sd->universe); v++) {
        const char *name = iaf_expr_var(sd->universe, v);
        int dup = 0;
        for (size_t k = 0; k < ncols; k++)
            dup |= !strcmp(cols[k], name);
        if (dup) continue;
        if (ncols == IAF_MAX_CUBE_COLS) {
            st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                               "too many columns in the attributes and the filter");
            goto done;
        }
        cols[ncols++] = name;
    }
    int rq = iaf_dataset_add_request(sd->ds, cols, ncols, err);
    if (rq < 0) {
        st = (iaf_status)rq;
        goto done;
    }
    if ((st = iaf_dataset_count(sd->ds, NULL, err)) != IAF_OK) goto done;
    st = iaf_dataset_derive(sd->ds, rq, attrs, o->nby, sd->universe, &sd->dv, err);
done:
    iaf_attr_free(attrs[0]);
    iaf_attr_free(attrs[1]);
    if (st != IAF_OK && err && err->file[0] == '\0')
        iaf_error_prefix(err, "%s: ",
                         in->src          ? iaf_source_file(in->src, 0)
                         : in->counts_csv ? (in->counts_name ? in->counts_name : "<memory>")
                         : in->paths      ? in->paths[0]
                                          : "");
    return st;
}

static iaf_status step(const iaf_compare_options *o, size_t done, size_t total)
{
    return o->progress ? o->progress(o->progress_ctx, done, total) : IAF_OK;
}

/* The comparison proper, on two tables over by (n_s, n_r already decided). */
static iaf_status compare(const iaf_compare_options *o, const iaf_table *st, const iaf_table *rt,
                          double n_s, double n_r, iaf_comparison **out, iaf_error *err)
{
    iaf_boot_options bo;
    memset(&bo, 0, sizeof bo);
    bo.b = o->bootstrap_b;
    bo.seed = o->seed_set ? o->seed : IAF_BOOT_DEFAULT_SEED;
    bo.interval = o->interval;
    bo.threads = (unsigned)(o->threads > 0 ? o->threads : 2);
    iaf_compare_input in = {st,
                            rt,
                            o->by[0],
                            o->nby > 1 ? o->by[1] : NULL,
                            n_s,
                            n_r,
                            o->bootstrap_b ? &bo : NULL,
                            o->thresholds};
    return iaf_compare_tables(&in, out, err);
}

static char *dup_or_null(const char *s, int *bad)
{
    char *c = s ? iaf_strdup(s) : NULL;
    if (s && !c) *bad = 1;
    return c;
}

/* What the comparison read, kept for the accessors and the JSON. */
static iaf_status record_inputs(iaf_comparison *c, const iaf_compare_options *o,
                                const side_data *sd, iaf_error *err)
{
    iaf_compare_inputs *in = iaf_calloc(1, sizeof *in);
    if (!in) return oom(err);
    c->inputs = in;
    int bad = 0;
    for (size_t i = 0; i < o->nby; i++, in->nby++)
        in->by[i] = dup_or_null(o->by[i], &bad);
    for (int s = 0; sd && s < 2 && !bad; s++) {
        const iaf_compare_side *is = s ? &o->reference : &o->synthetic;
        size_t n = iaf_source_nfiles_of(sd[s].ds);
        if (!(in->side[s].files = iaf_calloc(n + 1, sizeof *in->side[s].files))) return oom(err);
        for (size_t i = 0; i < n && !bad; i++, in->side[s].nfiles++)
            in->side[s].files[i] = dup_or_null(iaf_dataset_file(sd[s].ds, i), &bad);
        in->side[s].where = dup_or_null(is->where, &bad);
        in->side[s].weight = dup_or_null(is->weight, &bad);
        in->side[s].counts = iaf_dataset_is_counts(sd[s].ds);
    }
    return bad ? oom(err) : IAF_OK;
}

iaf_status iaf_compare_run(const iaf_compare_options *o, iaf_comparison **out, iaf_error *err)
{
    *out = NULL;
    iaf_status st = check_options(o, err);
    if (st != IAF_OK) return st;
    side_data sd[2];
    memset(sd, 0, sizeof sd);
    iaf_comparison *c = NULL;
    const size_t total = o->bootstrap_b ? 4 : 3;
    if ((st = load_side(o, &o->synthetic, 0, &sd[0], err)) != IAF_OK ||
        (st = step(o, 1, total)) != IAF_OK ||
        (st = load_side(o, &o->reference, 1, &sd[1], err)) != IAF_OK ||
        (st = step(o, 2, total)) != IAF_OK)
        goto done;
    {
        const iaf_table *stab = sd[0].dv->table, *rtab = sd[1].dv->table;
        double n_s = o->synthetic.n > 0    ? o->synthetic.n
                     : o->synthetic.weight ? iaf_table_n_eff(stab)
                                           : iaf_table_n_obs(stab);
        double n_r = o->reference.n > 0                ? o->reference.n
                     : iaf_dataset_is_counts(sd[1].ds) ? INFINITY
                     : o->reference.weight             ? iaf_table_n_eff(rtab)
                                                       : iaf_table_n_obs(rtab);
        if ((st = compare(o, stab, rtab, n_s, n_r, &c, err)) != IAF_OK) goto done;
    }
    if ((st = record_inputs(c, o, sd, err)) != IAF_OK) goto done;
    st = step(o, total, total);
done:
    side_free(&sd[0]);
    side_free(&sd[1]);
    if (st != IAF_OK) {
        iaf_comparison_free(c);
        if (st == IAF_STOP) iaf_error_clear(err);
        return st;
    }
    *out = c;
    return IAF_OK;
}

/* A table's sample size when the caller gave none. */
static double table_n(const iaf_table *t)
{
    double n = iaf_table_n_eff(t);
    if (!(n > 0)) n = iaf_table_n_obs(t);
    if (!(n > 0)) n = iaf_table_total(t);
    return n;
}

iaf_status iaf_compare_run_tables(const iaf_table *syn, const iaf_table *ref,
                                  const iaf_compare_options *o, iaf_comparison **out,
                                  iaf_error *err)
{
    *out = NULL;
    iaf_status st = check_options(o, err);
    if (st != IAF_OK) return st;
    const iaf_table *t[2] = {syn, ref};
    iaf_table *own[2] = {NULL, NULL};
    iaf_comparison *c = NULL;
    for (int s = 0; s < 2; s++) {
        if (!t[s]) {
            st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no %s table",
                               s ? "reference" : "synthetic");
            goto done;
        }
        for (size_t i = 0; i < o->nby; i++)
            if (iaf_table_attr_index(t[s], o->by[i]) < 0) {
                st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                   "the %s table has no attribute '%s'",
                                   s ? "reference" : "synthetic", o->by[i]);
                goto done;
            }
        /* other attributes are summed over */
        if (iaf_table_nattrs(t[s]) != o->nby) {
            if ((st = iaf_table_marginal(t[s], o->by, o->nby, &own[s], err)) != IAF_OK) goto done;
            t[s] = own[s];
        }
    }
    double n_s = o->synthetic.n > 0 ? o->synthetic.n : table_n(t[0]);
    double n_r = o->reference.n > 0 ? o->reference.n : INFINITY;
    if (!(n_s > 0)) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "the synthetic table has no sample size: give synthetic.n");
        goto done;
    }
    if ((st = step(o, 1, 2)) != IAF_OK ||
        (st = compare(o, t[0], t[1], n_s, n_r, &c, err)) != IAF_OK ||
        (st = record_inputs(c, o, NULL, err)) != IAF_OK || (st = step(o, 2, 2)) != IAF_OK)
        goto done;
done:
    iaf_table_free(own[0]);
    iaf_table_free(own[1]);
    if (st != IAF_OK) {
        iaf_comparison_free(c);
        if (st == IAF_STOP) iaf_error_clear(err);
        return st;
    }
    *out = c;
    return IAF_OK;
}

/* ---- accessors ------------------------------------------------------------ */

size_t iaf_comparison_nattrs(const iaf_comparison *c)
{
    return c->twod ? 2 : 1;
}

const char *iaf_comparison_attr(const iaf_comparison *c, size_t i)
{
    return c->inputs && i < c->inputs->nby ? c->inputs->by[i] : NULL;
}

size_t iaf_comparison_nfiles(const iaf_comparison *c, iaf_compare_side_id side)
{
    return c->inputs && (side == IAF_SIDE_SYNTHETIC || side == IAF_SIDE_REFERENCE)
               ? c->inputs->side[side].nfiles
               : 0;
}

const char *iaf_comparison_file(const iaf_comparison *c, iaf_compare_side_id side, size_t i)
{
    return i < iaf_comparison_nfiles(c, side) ? c->inputs->side[side].files[i] : NULL;
}

double iaf_comparison_n(const iaf_comparison *c, iaf_compare_side_id side)
{
    return side == IAF_SIDE_SYNTHETIC ? c->n_s : side == IAF_SIDE_REFERENCE ? c->n_r : NAN;
}

size_t iaf_comparison_ncats(const iaf_comparison *c, size_t a)
{
    return a == 0 ? c->kx : a == 1 ? c->ky : 0;
}

const char *iaf_comparison_cat(const iaf_comparison *c, size_t a, size_t i)
{
    if (a == 0 && i < c->kx) return c->xl[i];
    if (a == 1 && i < c->ky) return c->yl[i];
    return NULL;
}

const double *iaf_comparison_masses(const iaf_comparison *c, iaf_compare_side_id side)
{
    return side == IAF_SIDE_SYNTHETIC ? c->s : side == IAF_SIDE_REFERENCE ? c->r : NULL;
}

iaf_cell_state iaf_comparison_cell_state(const iaf_comparison *c, size_t k)
{
    return k < c->kx * c->ky ? (iaf_cell_state)c->state[k] : IAF_CELL_OK;
}

iaf_compare_coverage iaf_comparison_coverage(const iaf_comparison *c)
{
    iaf_compare_coverage v = {c->s_total,      c->s_support, c->s_off,     c->s_suppressed,
                              c->s_structural, c->r_total,   c->r_support, c->r_suppressed};
    return v;
}

size_t iaf_comparison_noff(const iaf_comparison *c)
{
    return c->noff;
}

iaf_compare_offsupport iaf_comparison_off(const iaf_comparison *c, size_t i)
{
    iaf_compare_offsupport o = {NULL, NULL, 0, 0, NAN};
    if (i < c->noff) {
        o.x = c->off[i].x;
        o.y = c->twod ? c->off[i].y : NULL;
        o.x_off = c->off[i].x_off;
        o.y_off = c->twod ? c->off[i].y_off : 0;
        o.mass = c->off[i].mass;
    }
    return o;
}

const iaf_joint_metrics *iaf_comparison_metrics(const iaf_comparison *c)
{
    return &c->m;
}

double iaf_comparison_cond_noise_floor(const iaf_comparison *c)
{
    return c->cond_floor;
}

size_t iaf_comparison_bootstrap_b(const iaf_comparison *c)
{
    return c->has_boot ? c->boot.b : 0;
}

uint64_t iaf_comparison_seed(const iaf_comparison *c)
{
    return c->has_boot ? c->boot_opt.seed : 0;
}

iaf_interval_method iaf_comparison_interval_method(const iaf_comparison *c)
{
    return c->has_boot ? c->boot.method : IAF_INTERVAL_CALIBRATED;
}

iaf_status iaf_comparison_interval(const iaf_comparison *c, iaf_joint_metric_id id,
                                   iaf_compare_interval *out, iaf_error *err)
{
    if (!c->has_boot)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "no intervals: the comparison ran without a bootstrap");
    if ((int)id < 0 || id >= IAF_JM_COUNT)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no metric with id %d", (int)id);
    const iaf_boot_interval *ci = &c->boot.ci[id];
    out->estimate = ci->bias_corrected;
    out->plug_in = ci->estimate;
    out->lo = ci->lo;
    out->hi = ci->hi;
    out->se = ci->boot_se;
    out->calibrated = ci->calibrated;
    return IAF_OK;
}

size_t iaf_comparison_nscreens(const iaf_comparison *c)
{
    return c->has_boot ? c->verdict.nscreens : 0;
}

iaf_compare_screen iaf_comparison_screen(const iaf_comparison *c, size_t i)
{
    iaf_compare_screen v;
    memset(&v, 0, sizeof v);
    if (i >= iaf_comparison_nscreens(c)) return v;
    const iaf_screen *sc = &c->verdict.screens[i];
    v.metric = sc->metric;
    v.estimate = sc->estimate;
    v.lo = sc->lo;
    v.hi = sc->hi;
    v.plug_in = sc->plug_in;
    v.threshold = sc->threshold;
    v.floor = sc->floor;
    v.fails_above = sc->fails_above;
    v.verdict = iaf_verdict_name(sc->verdict);
    v.reason = sc->reason;
    return v;
}

const char *iaf_comparison_verdict(const iaf_comparison *c)
{
    return c->has_boot ? iaf_verdict_name(c->verdict.verdict) : NULL;
}

const char *iaf_comparison_diagnosis(const iaf_comparison *c)
{
    return c->has_boot ? c->verdict.diagnosis : NULL;
}

const char *iaf_comparison_no_verdict(const iaf_comparison *c)
{
    if (c->has_boot && iaf_verdict_name(c->verdict.verdict)) return NULL;
    if (!c->has_boot)
        return "no bootstrap replicates were asked for, and a verdict needs 95% intervals";
    return "the intervals could not be computed";
}

static void json_strings(iaf_json *j, char *const *v, size_t n)
{
    iaf_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        iaf_json_str(j, v[i]);
    iaf_json_end_array(j);
}

iaf_status iaf_comparison_write_json(const iaf_comparison *c, iaf_buffer *out, iaf_error *err)
{
    iaf_buf *b = iaf_buffer_raw(out);
    size_t len0 = b->len;
    iaf_json j;
    iaf_json_init(&j, b, 1);
    iaf_json_begin_object(&j);
    const iaf_compare_inputs *in = c->inputs;
    iaf_json_key(&j, "by");
    json_strings(&j, in ? in->by : NULL, in ? in->nby : 0);
    iaf_json_key(&j, "inputs");
    iaf_json_begin_object(&j);
    for (int s = 0; s < 2; s++) {
        iaf_json_key(&j, s ? "reference" : "synthetic");
        iaf_json_begin_object(&j);
        iaf_json_key(&j, "files");
        json_strings(&j, in ? in->side[s].files : NULL, in ? in->side[s].nfiles : 0);
        iaf_json_kstr(&j, "form", !in ? NULL : in->side[s].counts ? "counts" : "microdata");
        iaf_json_kstr(&j, "where", in ? in->side[s].where : NULL);
        iaf_json_kstr(&j, "weight", in ? in->side[s].weight : NULL);
        iaf_json_end_object(&j);
    }
    iaf_json_end_object(&j);
    iaf_comparison_json_members(c, &j);
    const char *why = iaf_comparison_no_verdict(c);
    if (why) iaf_json_kstr(&j, "no_verdict", why);
    iaf_json_end_object(&j);
    if (j.failed) {
        b->len = len0;
        if (b->data) b->data[len0] = '\0';
        return oom(err);
    }
    return IAF_OK;
}
