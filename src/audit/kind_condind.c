/* src/audit/kind_condind.c - the conditional_independence kind (docs/method.md,
 * "Conditional independence"); see condcheck.h. Its spec keys (independent,
 * given) and report.json members are at the end. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/condcheck.h"
#include "audit/kinds.h"
#include "audit/spec_int.h"
#include "util/util.h"

#define CI_ALPHA 0.05
#define CI_TAU_RET 0.5 /* docs/method.md 4.2: retention below 1 - tau_ret is flattened */
#define CI_POWER 0.8   /* "within the null" decides only with this power */
#define CI_POWER_B 200 /* replicates of the alternative */

/* the power curve's dependences (docs/method.md 12a) */
static const double ci_power_grid[] = {0.01, 0.02, 0.05, 0.1, 0.2};
#define CI_NGRID (sizeof ci_power_grid / sizeof ci_power_grid[0])

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* The cells (c, a, b, rows) of a table over (A, B, C...): conditioning cells
 * numbered in the order of their category ids. */
static iaf_status ci_cells(const iaf_table *t, size_t nattrs, iaf_ci_cell **out, size_t *nout,
                           uint32_t *nc, int *rounded, iaf_error *err)
{
    size_t n = iaf_table_ncells(t);
    iaf_ci_cell *cells = iaf_calloc(n + 1, sizeof *cells);
    uint64_t *key = iaf_calloc(n + 1, sizeof *key), *uniq = iaf_calloc(n + 1, sizeof *uniq);
    iaf_status st = IAF_OK;
    if (!cells || !key || !uniq) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* mixed radix over the given attributes; a product past 2^64 cannot
     * occur with the cube's column cap and 32-bit category ids per column
     * only when few columns are given, so check it */
    double space = 1;
    for (size_t d = 2; d < nattrs; d++)
        space *= (double)(iaf_table_ncats(t, d) ? iaf_table_ncats(t, d) : 1);
    if (space > 1.8e19) {
        st = iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                           "conditional independence: the conditioning space is too large");
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK || !(c.value > 0)) continue;
        uint64_t k = 0;
        for (size_t d = 2; d < nattrs; d++)
            k = k * (uint64_t)iaf_table_ncats(t, d) + c.cat[d];
        double v = floor(c.value + 0.5);
        if (v != c.value) *rounded = 1;
        if (v < 1) continue;
        cells[m].a = c.cat[0];
        cells[m].b = c.cat[1];
        cells[m].n = (uint64_t)v;
        key[m] = k;
        uniq[m++] = k;
    }
    qsort(uniq, m, sizeof *uniq, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (!u || uniq[u - 1] != uniq[i]) uniq[u++] = uniq[i];
    for (size_t i = 0; i < m; i++) {
        size_t lo = 0, hi = u;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (uniq[mid] < key[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        cells[i].c = (uint32_t)lo;
    }
    *out = cells;
    *nout = m;
    *nc = (uint32_t)u;
    cells = NULL;
done:
    iaf_free(cells), iaf_free(key), iaf_free(uniq);
    return st;
}

static iaf_status ci_side(const iaf_table *t, size_t nattrs, const iaf_ci_options *o,
                          iaf_ci_result *r, int *rounded, iaf_error *err)
{
    iaf_ci_cell *cells = NULL;
    size_t n = 0;
    uint32_t nc = 0;
    iaf_status st = ci_cells(t, nattrs, &cells, &n, &nc, rounded, err);
    if (st == IAF_OK)
        st = iaf_ci_test(cells, n, nc, (uint32_t)iaf_table_ncats(t, 0),
                         (uint32_t)iaf_table_ncats(t, 1), o, r, err);
    iaf_free(cells);
    return st;
}

/* p of the simulated null, or the analytic one without replicates */
static double p_of(const iaf_ci_result *r)
{
    return !isnan(r->p_sim) ? r->p_sim : r->p_analytic;
}

static void decide(iaf_ci_check *c, int screened)
{
    char msg[700];
    const iaf_ci_result *s = &c->syn, *r = &c->ref;
    const iaf_boot_interval *ri = &c->retention_ci;
    c->verdict = IAF_VERDICT_NONE;
    c->diagnosis = NULL;
    if (s->support < c->min_support || (c->has_ref && r->support < c->min_support)) {
        const iaf_ci_result *x = s->support < c->min_support ? s : r;
        snprintf(msg, sizeof msg,
                 "insufficient support: the %s side has %.1f%% of its rows in conditioning "
                 "cells that can be tested (min_support %.0f%%)",
                 x == s ? "synthetic" : "reference", 100 * x->support, 100 * c->min_support);
        c->finding = "cannot be decided";
        c->verdict = IAF_VERDICT_INCONCLUSIVE;
        c->diagnosis = "insufficient support";
    } else if (isnan(s->p_sim) && !screened) {
        snprintf(msg, sizeof msg, "not screened: no simulated null (--no-bootstrap)");
        c->finding = "not screened";
    } else if (c->ref_dependent) {
        /* retention decides, on its interval (METHOD.md section 9): a verdict only when the
         * whole interval is on one side of 1 - tau_ret, or of 1 + tau_ret */
        const char *seen = p_of(s) < CI_ALPHA ? "stands out of its null" : "is within its null";
        c->finding = p_of(s) < CI_ALPHA ? "assumption not visible in the data"
                                        : "assumption visible in the data";
        if (isnan(ri->lo) || isnan(ri->hi)) {
            snprintf(msg, sizeof msg,
                     "cannot be decided on these data: the retention of the reference's "
                     "conditional dependence (%.2f) has no interval (%s)",
                     c->retention,
                     c->straddles ? c->straddles
                                  : "too few replicates where the reference's excess is positive");
            c->finding = "cannot be decided";
            c->verdict = IAF_VERDICT_INCONCLUSIVE;
            c->diagnosis = "retention interval undefined";
        } else if (ri->hi < 1 - CI_TAU_RET) {
            snprintf(msg, sizeof msg,
                     "the synthetic conditional dependence %s (p %.3g) and keeps %.2f [%.2f, "
                     "%.2f] of the reference's (excess %.4f vs %.4f): wholly below %.2f",
                     seen, p_of(s), ri->bias_corrected, ri->lo, ri->hi, s->excess, r->excess,
                     1 - CI_TAU_RET);
            c->verdict = IAF_VERDICT_FLAG;
            c->diagnosis = "flattened";
        } else if (ri->lo > 1 + CI_TAU_RET) {
            snprintf(msg, sizeof msg,
                     "the synthetic conditional dependence %s (p %.3g) and is %.2f [%.2f, %.2f] "
                     "times the reference's (excess %.4f vs %.4f): wholly above %.2f",
                     seen, p_of(s), ri->bias_corrected, ri->lo, ri->hi, s->excess, r->excess,
                     1 + CI_TAU_RET);
            c->verdict = IAF_VERDICT_FLAG;
            c->diagnosis = "exaggerated";
        } else if (ri->lo >= 1 - CI_TAU_RET && ri->hi <= 1 + CI_TAU_RET) {
            snprintf(msg, sizeof msg,
                     "the synthetic conditional dependence %s (p %.3g) and keeps %.2f [%.2f, "
                     "%.2f] of the reference's: within %.2f-%.2f",
                     seen, p_of(s), ri->bias_corrected, ri->lo, ri->hi, 1 - CI_TAU_RET,
                     1 + CI_TAU_RET);
            c->finding = "assumption not visible in the data";
            c->verdict = IAF_VERDICT_PASS;
            c->diagnosis = "assumption not visible in the data";
        } else {
            c->straddles =
                ri->lo < 1 - CI_TAU_RET && ri->hi > 1 - CI_TAU_RET
                    ? (ri->hi > 1 + CI_TAU_RET ? "both 1 - tau_ret and 1 + tau_ret" : "1 - tau_ret")
                    : "1 + tau_ret";
            snprintf(msg, sizeof msg,
                     "cannot be decided on these data: the synthetic conditional dependence %s "
                     "(p %.3g), and its retention of the reference's, %.2f [%.2f, %.2f], "
                     "straddles %s (%.2f)",
                     seen, p_of(s), ri->bias_corrected, ri->lo, ri->hi, c->straddles,
                     strcmp(c->straddles, "1 + tau_ret") ? 1 - CI_TAU_RET : 1 + CI_TAU_RET);
            c->finding = "cannot be decided";
            c->verdict = IAF_VERDICT_INCONCLUSIVE;
            c->diagnosis = "retention interval straddles the threshold";
        }
    } else if (p_of(s) < CI_ALPHA) {
        snprintf(msg, sizeof msg,
                 "the synthetic conditional dependence (%.4f, null %.4f, 95th percentile "
                 "%.4f) stands out of conditional independence (p %.3g)",
                 s->cdep_tvd, s->null_mean, s->null_q95, p_of(s));
        c->finding = "assumption not visible in the data";
        c->verdict = IAF_VERDICT_PASS;
        c->diagnosis = "assumption not visible in the data";
    } else if (!isnan(s->power) ? !(s->power >= CI_POWER) : !(s->band < c->detectable)) {
        if (!isnan(s->power))
            snprintf(msg, sizeof msg,
                     "the synthetic conditional dependence is within its null (p %.3g), but a "
                     "dependence of %.4f would stand out only %.0f%% of the time at these cell "
                     "sizes (power below %.0f%%)",
                     p_of(s), s->power_tau, 100 * s->power, 100 * CI_POWER);
        else
            snprintf(msg, sizeof msg,
                     "the synthetic conditional dependence is within its null (p %.3g), but so "
                     "would be a dependence of %.4f: the null's noise band is %.4f",
                     p_of(s), c->detectable, s->band);
        c->finding = "cannot be decided";
        c->verdict = IAF_VERDICT_INCONCLUSIVE;
        c->diagnosis = "too little data to see the assumption";
    } else if (c->has_ref) {
        snprintf(msg, sizeof msg,
                 "the synthetic conditional dependence is within its null (p %.3g), and the "
                 "reference's is within its own (p %.3g): the assumption holds in both",
                 p_of(s), p_of(r));
        c->finding = "assumption visible in the data";
        c->verdict = IAF_VERDICT_PASS;
        c->diagnosis = "reference shows no conditional dependence";
    } else {
        snprintf(msg, sizeof msg,
                 "the synthetic conditional dependence (%.4f) is within its null (mean %.4f, "
                 "95th percentile %.4f, p %.3g); a dependence of %.4f would stand out %.0f%% "
                 "of the time",
                 s->cdep_tvd, s->null_mean, s->null_q95, p_of(s), s->power_tau, 100 * s->power);
        c->finding = "assumption visible in the data";
        c->verdict = IAF_VERDICT_FLAG;
        c->diagnosis = "assumption visible in the data";
    }
    if (!screened) c->verdict = IAF_VERDICT_NONE;
    c->reason = iaf_strdup(msg);
}

static void interval_nan(iaf_boot_interval *i)
{
    memset(i, 0, sizeof *i);
    i->estimate = i->lo = i->hi = i->pct_lo = i->pct_hi = NAN;
    i->bias_corrected = i->boot_mean = i->boot_se = NAN;
}

iaf_status iaf_kind_condind_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err)
{
    const iaf_spec_check *k = in->k;
    iaf_ci_check *c = iaf_calloc(1, sizeof *c);
    if (!c) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    vr->ci = c;
    interval_nan(&c->retention_ci);
    interval_nan(&c->ref_cdep);
    c->n_r = NAN;
    double pool = iaf_spec_threshold_for(in->spec, k, "pool_below"),
           minc = iaf_spec_threshold_for(in->spec, k, "min_cell_n");
    c->tau = iaf_spec_threshold_for(in->spec, k, "cdep_excess");
    c->min_support = iaf_spec_threshold_for(in->spec, k, "min_support");
    iaf_ci_options o = {0};
    iaf_ci_layout ls, lr;
    memset(&ls, 0, sizeof ls);
    memset(&lr, 0, sizeof lr);
    o.pool_below = pool > 0 ? (uint64_t)pool : 0;
    o.min_cell_n = minc > 0 ? (uint64_t)minc : 0;
    o.b = in->bop ? (in->bop->b ? in->bop->b : IAF_BOOT_DEFAULT_B) : 0;
    o.seed = in->bop ? in->bop->seed : IAF_BOOT_DEFAULT_SEED;
    o.threads = in->bop ? in->bop->threads : 1;
    iaf_status st = IAF_OK;
    if (in->rdv) {
        /* the reference first: its dependence is the size the synthetic test must see */
        c->has_ref = 1;
        o.layout = &lr;
        st = ci_side(in->rdv->table, k->nrule_attrs, &o, &c->ref, &c->rounded, err);
    }
    c->ref_dependent = c->has_ref && c->ref.support >= c->min_support && p_of(&c->ref) < CI_ALPHA &&
                       c->ref.excess > 0;
    o.power_tau = c->ref_dependent ? c->ref.excess : c->tau;
    o.power_b = o.b ? CI_POWER_B : 0;
    o.power_grid = ci_power_grid;
    o.npower_grid = CI_NGRID;
    o.layout = c->ref_dependent && in->bop ? &ls : NULL; /* only the retention needs it */
    if (st == IAF_OK) st = ci_side(in->sdv->table, k->nrule_attrs, &o, &c->syn, &c->rounded, err);
    c->retention = c->ref_dependent ? c->syn.excess / c->ref.excess : NAN;
    c->detectable = c->ref_dependent ? c->ref.excess : c->tau;
    if (c->has_ref) {
        /* the reference's rows behind its tested cells: n_r scaled by its support */
        c->n_r = isfinite(in->n_r) ? in->n_r * c->ref.support : INFINITY;
        c->n_r_basis = isfinite(in->n_r) ? "resampled" : "fixed";
    }
    if (in->bop) c->interval_method = iaf_interval_method_name(in->bop->interval);
    if (st == IAF_OK && in->bop && c->ref_dependent && ls.nblocks && lr.nblocks &&
        c->syn.support >= c->min_support)
        st = iaf_ci_retention(&c->syn, &ls, &c->ref, &lr, c->n_r, in->bop, &c->retention_ci,
                              &c->ref_cdep, &c->evaluations, err);
    if (st == IAF_OK && c->ref_dependent && !isnan(c->ref_cdep.estimate) &&
        !(c->ref_cdep.bias_corrected > 0))
        c->straddles = "the reference's conditional dependence is not distinguishable from 0 "
                       "once its sampling error is counted";
    iaf_ci_layout_clear(&ls);
    iaf_ci_layout_clear(&lr);
    if (st != IAF_OK) return st;
    decide(c, in->bop != NULL);
    if (!c->reason) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    vr->universe_mass = in->sdv->universe_mass;
    vr->total_mass = in->sdv->total_mass;
    vr->verdict = c->verdict;
    vr->diagnosis = c->diagnosis;
    return IAF_OK;
}

void iaf_ci_check_free(iaf_ci_check *c)
{
    if (!c) return;
    iaf_free(c->reason);
    iaf_free(c);
}

static void side_json(const iaf_ci_result *r, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_json_knum(j, "rows", r->n);
    iaf_json_knum(j, "rows_tested", r->n_tested);
    iaf_json_knum(j, "support", r->support);
    iaf_json_kint(j, "cells", (int64_t)r->ncells);
    iaf_json_kint(j, "cells_tested", (int64_t)r->ncells_tested);
    iaf_json_kint(j, "cells_sparse", (int64_t)r->ncells_sparse);
    iaf_json_knum(j, "rows_sparse", r->n_sparse);
    iaf_json_kint(j, "cells_one_category", (int64_t)r->ncells_single);
    iaf_json_knum(j, "rows_one_category", r->n_single);
    iaf_json_kint(j, "categories_a", (int64_t)r->ka);
    iaf_json_kint(j, "categories_b", (int64_t)r->kb);
    iaf_json_kint(j, "pooled_a", (int64_t)r->ka_pooled);
    iaf_json_knum(j, "pooled_a_rows", r->n_a_pooled);
    iaf_json_kint(j, "pooled_b", (int64_t)r->kb_pooled);
    iaf_json_knum(j, "pooled_b_rows", r->n_b_pooled);
    iaf_json_knum(j, "cmi", r->cmi);
    iaf_json_knum(j, "cmi_miller_madow", r->cmi_mm);
    iaf_json_knum(j, "miller_madow_bias", r->mm_bias);
    iaf_json_knum(j, "cdep_tvd", r->cdep_tvd);
    iaf_json_knum(j, "g", r->g);
    iaf_json_knum(j, "df", r->df);
    iaf_json_knum(j, "p_analytic", r->p_analytic);
    iaf_json_kbool(j, "cochran_ok", r->cochran_ok);
    iaf_json_kint(j, "null_replicates", (int64_t)r->b);
    iaf_json_knum(j, "null_mean", r->null_mean);
    iaf_json_knum(j, "null_sd", r->null_sd);
    iaf_json_knum(j, "null_q95", r->null_q95);
    iaf_json_knum(j, "p_sim", r->p_sim);
    iaf_json_knum(j, "cmi_null_mean", r->cmi_null_mean);
    iaf_json_knum(j, "cmi_null_q95", r->cmi_null_q95);
    iaf_json_knum(j, "cmi_p_sim", r->cmi_p_sim);
    iaf_json_knum(j, "cdep_excess", r->excess);
    iaf_json_knum(j, "noise_band", r->band);
    iaf_json_knum(j, "power", r->power);
    iaf_json_knum(j, "power_against", r->power_tau);
    iaf_json_kint(j, "power_replicates", (int64_t)r->power_b);
    /* the power curve: what size of conditional dependence these data could have seen */
    iaf_json_key(j, "power_curve");
    iaf_json_begin_array(j);
    double mdd = NAN;
    for (size_t g = 0; g < r->npower_curve; g++) {
        iaf_json_begin_object(j);
        iaf_json_knum(j, "delta", r->curve_delta[g]);
        iaf_json_knum(j, "against", r->curve_against[g]);
        iaf_json_knum(j, "power", r->power_curve[g]);
        iaf_json_end_object(j);
        if (isnan(mdd) && r->power_curve[g] >= CI_POWER) mdd = r->curve_delta[g];
    }
    iaf_json_end_array(j);
    iaf_json_knum(j, "min_detectable", mdd);
    iaf_json_end_object(j);
}

static void interval_json(const iaf_boot_interval *i, const iaf_ci_check *c, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_json_knum(j, "plug_in", i->estimate);
    iaf_json_knum(j, "estimate", i->bias_corrected);
    iaf_json_knum(j, "lo", i->lo);
    iaf_json_knum(j, "hi", i->hi);
    iaf_json_knum(j, "percentile_lo", i->pct_lo);
    iaf_json_knum(j, "percentile_hi", i->pct_hi);
    iaf_json_kint(j, "replicates_valid", (int64_t)i->n_valid);
    iaf_json_kstr(j, "method",
                  i == &c->ref_cdep && !isfinite(c->n_r) ? "exact (the reference is fixed)"
                  : i->calibrated                        ? "calibrated"
                                                         : "basic");
    iaf_json_kint(j, "evaluations", (int64_t)c->evaluations);
    iaf_json_end_object(j);
}

void iaf_ci_check_json(const iaf_ci_check *c, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "finding", c->finding);
    iaf_json_kstr(j, "reason", c->reason);
    iaf_json_knum(j, "cdep_excess_threshold", c->tau);
    iaf_json_knum(j, "min_support", c->min_support);
    iaf_json_knum(j, "detectable", c->detectable);
    iaf_json_kbool(j, "counts_rounded", c->rounded);
    iaf_json_key(j, "synthetic");
    side_json(&c->syn, j);
    iaf_json_key(j, "reference");
    if (c->has_ref)
        side_json(&c->ref, j);
    else
        iaf_json_null(j);
    iaf_json_kbool(j, "reference_dependent", c->ref_dependent);
    iaf_json_knum(j, "retention", c->retention);
    iaf_json_key(j, "retention_interval");
    if (c->ref_dependent && !isnan(c->retention_ci.lo))
        interval_json(&c->retention_ci, c, j);
    else
        iaf_json_null(j);
    iaf_json_key(j, "reference_cdep_interval");
    if (c->ref_dependent && !isnan(c->ref_cdep.lo))
        interval_json(&c->ref_cdep, c, j);
    else
        iaf_json_null(j);
    iaf_json_knum(j, "reference_n", c->n_r);
    iaf_json_kstr(j, "retention_straddles", c->straddles);
    iaf_json_end_object(j);
}

/* A conditional_independence check: `independent: [A, B]` and `given: [C, ...]`,
 * on the check or stated by its disclosure; the variables become rule_attrs (A, B,
 * then the given ones), the reference (optional) must have the same columns. */
static int parse_condind(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                         const char *disc)
{
    char **ind = NULL, **giv = NULL;
    size_t nind = 0, ngiv = 0;
    int rc = -1;
    if (iaf_spec_get_list(c, n, "independent", &ind, &nind, "check") ||
        iaf_spec_get_list(c, n, "given", &giv, &ngiv, "check"))
        goto done;
    if (!nind && !ngiv && disc && strcmp(disc, "none") != 0) {
        int di = iaf_spec_find_id(c, ID_DISCLOSURE, disc);
        const iaf_spec_disclosure *d = di >= 0 ? &s->disclosures[di] : NULL;
        if (d && d->nindependent) {
            /* the disclosure's statement is the check's */
            ind = iaf_calloc(d->nindependent, sizeof *ind);
            giv = iaf_calloc(d->ngiven + 1, sizeof *giv);
            if (!ind || !giv) {
                iaf_spec_nomem(c, n);
                goto done;
            }
            for (size_t i = 0; i < d->nindependent; i++, nind++)
                if (!(ind[i] = iaf_strdup(d->independent[i]))) {
                    iaf_spec_nomem(c, n);
                    goto done;
                }
            for (size_t i = 0; i < d->ngiven; i++, ngiv++)
                if (!(giv[i] = iaf_strdup(d->given[i]))) {
                    iaf_spec_nomem(c, n);
                    goto done;
                }
        }
    }
    if (nind != 2) {
        iaf_spec_fail(c, n,
                      "check '%s': a conditional_independence check names two attributes as "
                      "'independent' (on the check or its disclosure)%s",
                      k->id, NULL);
        goto done;
    }
    if (2 + ngiv > 16) {
        iaf_spec_fail(c, iaf_spec_get(n, "given"), "check '%s': more than 14 'given' attributes%s",
                      k->id, NULL);
        goto done;
    }
    for (size_t i = 0; i < 2 + ngiv; i++) {
        const char *name = i < 2 ? ind[i] : giv[i - 2];
        for (size_t j = 0; j < k->nrule_attrs; j++)
            if (!strcmp(k->rule_attrs[j]->name, name)) {
                iaf_spec_fail(c, n, "check '%s': attribute '%s' named twice", k->id, name);
                goto done;
            }
        if (!(k->rule_attrs[k->nrule_attrs] = iaf_spec_attr_or_column(c, s, n, name))) goto done;
        k->nrule_attrs++;
    }
    rc = 0;
done:
    iaf_spec_free_list(ind, nind);
    iaf_spec_free_list(giv, ngiv);
    return rc;
}

int iaf_kind_condind_parse(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                           const iaf_spec_check_keys *g)
{
    /* the keys of the kinds that compare attributes, and every other kind's */
    int other = g->na || g->nrc || iaf_spec_get(n, "variants");
    for (int i = 0; i < IAF_CHECK_NKINDS && !other; i++)
        for (const char *const *q = iaf_check_ops_of((iaf_check_kind)i)->keys;
             i != IAF_CHECK_CONDIND && q && *q && !other; q++)
            other = iaf_spec_get(n, *q) != NULL;
    if (other)
        return iaf_spec_fail(
            c, n,
            "check '%s': a conditional_independence check takes 'independent', 'given', "
            "an optional reference with the same columns, and no other check keys%s",
            k->id, NULL);
    if (parse_condind(c, s, n, k, g->disc)) return -1;
    if (g->ref && (k->reference = iaf_spec_find_id(c, ID_REFERENCE, g->ref)) < 0)
        return iaf_spec_fail(c, iaf_spec_get(n, "reference"),
                             "check '%s': no reference with id '%s'", k->id, g->ref);
    k->nvariants = 1;
    return 0;
}

void iaf_kind_condind_label(const iaf_spec_check *k, iaf_buf *b)
{
    iaf_buf_printf(b, "%s _||_ %s", k->rule_attrs[0]->name, k->rule_attrs[1]->name);
    for (size_t i = 2; i < k->nrule_attrs; i++)
        iaf_buf_printf(b, "%s%s", i == 2 ? " | " : ", ", k->rule_attrs[i]->name);
}

/* A and B, then the attributes they are independent given. */
void iaf_kind_condind_json_check(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j)
{
    if (slot != IAF_KIND_JSON_SUBJECT) return;
    iaf_json_key(j, "independent");
    iaf_json_begin_array(j);
    iaf_json_str(j, k->rule_attrs[0]->name);
    iaf_json_str(j, k->rule_attrs[1]->name);
    iaf_json_end_array(j);
    iaf_json_key(j, "given");
    iaf_json_begin_array(j);
    for (size_t i = 2; i < k->nrule_attrs; i++)
        iaf_json_str(j, k->rule_attrs[i]->name);
    iaf_json_end_array(j);
}

void iaf_kind_condind_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr,
                                   iaf_json *j)
{
    (void)k;
    iaf_json_kstr(j, "age_agreement", vr->age_agreement);
    if (vr->ci) {
        iaf_json_key(j, "conditional_independence");
        iaf_ci_check_json(vr->ci, j);
    }
}
