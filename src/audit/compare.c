/* src/audit/compare.c - see compare.h. */
#include "audit/compare.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

iaf_thresholds iaf_thresholds_default(void)
{
    iaf_thresholds t = {0.05, 0.10, 0.5, 0.5};
    return t;
}

/* Noise floor of cond_tvd_y_given_x between two samples of r: per row x, the
 * TVD floor of the conditional distribution with row sizes n r_x, weighted
 * by r_x (the same normal approximation as METHOD.md section 8). */
static double cond_noise_floor(const double *r, size_t kx, size_t ky, double n_s, double n_r)
{
    double tot = 0;
    for (size_t k = 0; k < kx * ky; k++)
        tot += r[k];
    if (!(tot > 0)) return NAN;
    double floor = 0;
    for (size_t x = 0; x < kx; x++) {
        double rx = 0;
        for (size_t y = 0; y < ky; y++)
            rx += r[x * ky + y];
        if (!(rx > 0)) continue;
        double px = rx / tot;
        double v = 1 / (n_s * px) + (isinf(n_r) ? 0 : 1 / (n_r * px));
        double fx = 0;
        for (size_t y = 0; y < ky; y++) {
            double p = r[x * ky + y] / rx;
            fx += sqrt(p * (1 - p) * v / (2 * M_PI));
        }
        floor += px * fx;
    }
    return floor;
}

static void fill_screen(iaf_screen *sc, const char *name, double th, int above,
                        const iaf_boot_interval *ci, double est, double floor)
{
    sc->metric = name;
    sc->threshold = th;
    sc->fails_above = above;
    /* the headline is the interval's own estimate (bias-corrected, inside
     * it); the plug-in stays beside it and meets the noise floor */
    sc->plug_in = est;
    sc->estimate = ci && !isnan(ci->bias_corrected) ? ci->bias_corrected : est;
    sc->lo = ci ? ci->lo : NAN;
    sc->hi = ci ? ci->hi : NAN;
    sc->floor = floor;
    iaf_screen_decide(sc);
}

/* Screens of METHOD.md section 9 (joint: cond_tvd_y_given_x and
 * footprint_dep; the raw footprint and retention name the diagnosis), then
 * the diagnosis of section 4.2 (iaf_diagnose). */
static void decide(iaf_comparison *c, const iaf_thresholds *th)
{
    iaf_check_verdict *v = &c->verdict;
    memset(v, 0, sizeof *v);
    v->verdict = IAF_VERDICT_NONE;
    v->reference_dependent = c->m.reference_dependent;
    if (!c->has_boot) return;
    const iaf_boot_interval *ci = c->boot.ci;
    if (!c->twod) {
        fill_screen(&v->screens[v->nscreens++], "tvd", th->tvd, 1, &ci[IAF_JM_TVD_JOINT],
                    c->m.tvd_joint, c->m.noise_floor);
        iaf_verdict_combine(v);
        iaf_diag_facts f = iaf_diag_facts_init(IAF_DIAG_MARGINAL);
        f.verdict = v->verdict;
        v->diagnosis = iaf_diagnose(&f);
        return;
    }
    fill_screen(&v->screens[v->nscreens++], "cond_tvd_y_given_x", th->cond_tvd, 1,
                &ci[IAF_JM_COND_TVD_Y_GIVEN_X], c->m.cond_tvd_y_given_x, c->cond_floor);
    /* footprint_dep = cond_tvd(s_raked, r) / cond_tvd(s_perp, r): its noise
     * floor is the conditional floor on the same scale */
    double fp_floor = c->cond_floor / c->m.dep_tvd_r;
    iaf_screen *fpd = NULL;
    if (c->m.reference_dependent) {
        fpd = &v->screens[v->nscreens++];
        fill_screen(fpd, "footprint_dep", th->footprint, 1, &ci[IAF_JM_FOOTPRINT_DEP],
                    c->m.footprint_dep, fp_floor);
    }
    iaf_verdict_combine(v);
    iaf_diag_facts f = iaf_diag_facts_init(IAF_DIAG_JOINT);
    f.verdict = v->verdict;
    f.reference_dependent = c->m.reference_dependent;
    f.tau_ret = th->retention;
    f.ret_lo = ci[IAF_JM_RETENTION].lo;
    f.ret_hi = ci[IAF_JM_RETENTION].hi;
    f.fpd_lo = ci[IAF_JM_FOOTPRINT_DEP].lo;
    f.fpd_hi = ci[IAF_JM_FOOTPRINT_DEP].hi;
    f.fpd_verdict = fpd ? fpd->verdict : IAF_VERDICT_NONE;
    f.tvd_x_lo = ci[IAF_JM_TVD_X].lo;
    f.tvd_y_lo = ci[IAF_JM_TVD_Y].lo;
    f.tau_marginal = th->tvd;
    v->diagnosis = iaf_diagnose(&f);
}

static char *sv_dup(iaf_sv v)
{
    return iaf_strndup(v.ptr ? v.ptr : "", v.ptr ? v.len : 0);
}

static int cmp_off(const void *a, const void *b)
{
    const iaf_offsupport *x = a, *y = b;
    if (x->mass != y->mass) return x->mass > y->mass ? -1 : 1;
    int c = strcmp(x->x, y->x);
    if (c || !x->y || !y->y) return c;
    return strcmp(x->y, y->y);
}

/* Longer than 150 lines: the steps of a comparison (METHOD.md sections 3 and 4) run in
 * sequence on shared locals and read best in order; not split in this pass. */
iaf_status iaf_compare_tables(const iaf_compare_input *in, iaf_comparison **out, iaf_error *err)
{
    *out = NULL;
    iaf_status st = IAF_OK;
    const iaf_table *S = in->syn, *R = in->ref;
    int sx = iaf_table_attr_index(S, in->x), rx = iaf_table_attr_index(R, in->x);
    int sy = in->y ? iaf_table_attr_index(S, in->y) : -1;
    int ry = in->y ? iaf_table_attr_index(R, in->y) : -1;
    if (sx < 0 || rx < 0 || (in->y && (sy < 0 || ry < 0)))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "both tables need the attributes %s%s%s", in->x, in->y ? " and " : "",
                             in->y ? in->y : "");
    iaf_comparison *c = iaf_calloc(1, sizeof *c);
    size_t offcap = 0;
    int any_se = 0;
    iaf_strmap offmap;
    memset(&offmap, 0, sizeof offmap);
    if (!c) goto oom;
    c->kx = iaf_table_ncats(R, (size_t)rx);
    c->ky = in->y ? iaf_table_ncats(R, (size_t)ry) : 1;
    c->n_s = in->n_s;
    c->n_r = in->n_r;
    size_t K = c->kx * c->ky;
    if (c->kx == 0 || K == 0) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "the reference has no categories");
        goto done;
    }
    c->xl = iaf_calloc(c->kx, sizeof *c->xl);
    c->yl = iaf_calloc(c->ky, sizeof *c->yl);
    c->s = iaf_calloc(K, sizeof *c->s);
    c->r = iaf_calloc(K, sizeof *c->r);
    c->r_se = iaf_calloc(K, sizeof *c->r_se);
    c->state = iaf_calloc(K, 1);
    if (!c->xl || !c->yl || !c->s || !c->r || !c->r_se || !c->state) goto oom;
    for (size_t i = 0; i < c->kx; i++)
        if (!(c->xl[i] = sv_dup(iaf_table_cat(R, (size_t)rx, i)))) goto oom;
    for (size_t i = 0; i < c->ky; i++)
        if (!(c->yl[i] = in->y ? sv_dup(iaf_table_cat(R, (size_t)ry, i)) : iaf_strdup("")))
            goto oom;

    /* Reference cells (summing over any attribute not compared). */
    double r_var = 0;
    for (size_t i = 0; i < iaf_table_ncells(R); i++) {
        iaf_cell cl = iaf_table_cell(R, i);
        size_t k = cl.cat[rx] * c->ky + (in->y ? cl.cat[ry] : 0);
        c->r_total += cl.value;
        if (cl.state != IAF_CELL_OK) {
            if (cl.state > c->state[k]) c->state[k] = (uint8_t)cl.state;
            if (cl.state == IAF_CELL_SUPPRESSED) c->r_suppressed += cl.value;
            continue;
        }
        c->r[k] += cl.value;
        if (!isnan(cl.se)) {
            any_se = 1;
            c->r_se[k] = sqrt(c->r_se[k] * c->r_se[k] + cl.se * cl.se);
        }
    }
    (void)r_var;
    for (size_t k = 0; k < K; k++)
        if (c->state[k] != IAF_CELL_OK) c->r[k] = 0;
    for (size_t k = 0; k < K; k++)
        c->r_support += c->r[k];
    if (!(c->r_support > 0)) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "the reference has no mass on its comparable support");
        goto done;
    }
    /* SEs are of values; metrics want SEs of shares. */
    if (any_se)
        for (size_t k = 0; k < K; k++)
            c->r_se[k] /= c->r_support;
    else {
        iaf_free(c->r_se);
        c->r_se = NULL;
    }

    /* Synthetic cells: on the support, on an excluded cell, or off support.
     * Off-support entries are keyed by the synthetic category ids of x and y
     * (unique per label within the table), so merging the cells that differ
     * only in attributes not compared is one hash lookup, not a scan of the
     * entries so far (100k distinct off-support labels took 22 s). */
    for (size_t i = 0; i < iaf_table_ncells(S); i++) {
        iaf_cell cl = iaf_table_cell(S, i);
        if (cl.state != IAF_CELL_OK) continue;
        c->s_total += cl.value;
        iaf_sv xv = iaf_table_cat(S, (size_t)sx, cl.cat[sx]);
        iaf_sv yv = in->y ? iaf_table_cat(S, (size_t)sy, cl.cat[sy]) : (iaf_sv){"", 0};
        int64_t xi = iaf_table_find_cat(R, (size_t)rx, xv);
        int64_t yi = in->y ? iaf_table_find_cat(R, (size_t)ry, yv) : 0;
        if (xi < 0 || yi < 0) {
            c->s_off += cl.value;
            if (cl.value == 0) continue;
            /* merge with an existing entry for the same labels: ids in the
             * map are dense in insertion order, as are the entries */
            uint32_t key[2] = {cl.cat[sx], in->y ? cl.cat[sy] : 0};
            int64_t id = iaf_strmap_intern(&offmap, (const char *)key, sizeof key);
            if (id < 0) goto oom;
            size_t f = (size_t)id;
            if (f == c->noff) {
                if (IAF_GROW(c->off, offcap, c->noff + 1) != 0) goto oom;
                iaf_offsupport *o = &c->off[c->noff++];
                memset(o, 0, sizeof *o);
                if (!(o->x = sv_dup(xv)) || (in->y && !(o->y = sv_dup(yv)))) goto oom;
                o->x_off = xi < 0;
                o->y_off = yi < 0;
            }
            c->off[f].mass += cl.value;
            continue;
        }
        size_t k = (size_t)xi * c->ky + (size_t)yi;
        if (c->state[k] == IAF_CELL_SUPPRESSED) {
            c->s_suppressed += cl.value;
        } else if (c->state[k] == IAF_CELL_STRUCTURAL_ZERO) {
            c->s_structural += cl.value;
        } else {
            c->s[k] += cl.value;
            c->s_support += cl.value;
        }
    }
    if (c->noff) qsort(c->off, c->noff, sizeof *c->off, cmp_off);
    if (!(c->s_support > 0)) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "no synthetic mass falls on the reference's categories: check the "
                           "labels, or map them with a crosswalk");
        goto done;
    }
    iaf_joint_input ji = {c->kx, c->ky, c->s, c->r, in->n_s, in->n_r, c->r_se};
    if ((st = iaf_joint_metrics_compute(&ji, &c->m, err)) != IAF_OK) goto done;
    c->twod = in->y != NULL;
    c->cond_floor = c->twod ? cond_noise_floor(c->r, c->kx, c->ky, in->n_s, in->n_r) : NAN;
    if (in->boot) {
        c->boot_opt = *in->boot;
        c->boot_opt.replicates = NULL;
        if ((st = iaf_joint_bootstrap(&ji, &c->boot_opt, &c->boot, err)) != IAF_OK) goto done;
        c->has_boot = 1;
    }
    {
        iaf_thresholds th = in->th ? *in->th : iaf_thresholds_default();
        decide(c, &th);
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_strmap_free(&offmap);
    if (st != IAF_OK) {
        iaf_comparison_free(c);
        return st;
    }
    *out = c;
    return IAF_OK;
}

void iaf_comparison_free(iaf_comparison *c)
{
    if (!c) return;
    for (size_t i = 0; c->xl && i < c->kx; i++)
        iaf_free(c->xl[i]);
    for (size_t i = 0; c->yl && i < c->ky; i++)
        iaf_free(c->yl[i]);
    iaf_free(c->xl);
    iaf_free(c->yl);
    iaf_free(c->s);
    iaf_free(c->r);
    iaf_free(c->r_se);
    iaf_free(c->state);
    for (size_t i = 0; i < c->noff; i++) {
        iaf_free(c->off[i].x);
        iaf_free(c->off[i].y);
    }
    iaf_free(c->off);
    iaf_std_coverage_free(c->std_cov);
    iaf_compare_inputs_free(c->inputs);
    iaf_free(c);
}

void iaf_compare_inputs_free(iaf_compare_inputs *in)
{
    if (!in) return;
    for (size_t i = 0; i < in->nby; i++)
        iaf_free(in->by[i]);
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < in->side[s].nfiles; i++)
            iaf_free(in->side[s].files[i]);
        iaf_free(in->side[s].files);
        iaf_free(in->side[s].where);
        iaf_free(in->side[s].weight);
    }
    iaf_free(in);
}

void iaf_std_coverage_free(iaf_std_coverage *c)
{
    if (!c) return;
    for (size_t i = 0; c->labels && i < c->k; i++)
        iaf_free(c->labels[i]);
    iaf_free(c->labels), iaf_free(c->coverage), iaf_free(c->mass), iaf_free(c->note);
    iaf_free(c);
}

iaf_status iaf_std_coverage_gate(iaf_comparison *c, iaf_std_coverage *cov, double min,
                                 iaf_error *err)
{
    if (!cov) return IAF_OK;
    iaf_std_coverage_free(c->std_cov);
    c->std_cov = cov;
    cov->min = isnan(min) ? 0.8 : min;
    cov->nlow = 0;
    double a = 0, n = 0;
    for (size_t i = 0; i < cov->k; i++) {
        if (!(cov->mass[i] > 0)) continue;
        a += cov->mass[i] * cov->coverage[i], n += cov->mass[i];
        if (cov->coverage[i] < cov->min) cov->nlow++;
    }
    cov->pooled = n > 0 ? a / n : NAN;
    if (cov->pooled >= cov->min) return IAF_OK;
    char msg[320];
    snprintf(msg, sizeof msg,
             "standardisation coverage too low: the strata the data reach hold %.1f%% of the "
             "standard's weight (minimum %.0f%%; %zu of %zu categories below it)",
             100 * cov->pooled, 100 * cov->min, cov->nlow, cov->k);
    if (!(cov->note = iaf_strdup(msg)))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (c->verdict.verdict != IAF_VERDICT_NONE) {
        c->verdict.verdict = IAF_VERDICT_INCONCLUSIVE;
        c->verdict.diagnosis = cov->note;
    }
    return IAF_OK;
}

static void pair(iaf_json *j, const char *key, double s, double r)
{
    iaf_json_key(j, key);
    iaf_json_begin_object(j);
    iaf_json_knum(j, "synthetic", s);
    iaf_json_knum(j, "reference", r);
    iaf_json_end_object(j);
}

void iaf_comparison_json(const iaf_comparison *c, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_comparison_json_members(c, j);
    iaf_json_end_object(j);
}

/* The members a bootstrap adds: the conditional floor, the settings, every metric's interval. */
static void json_bootstrap(const iaf_comparison *c, iaf_json *j)
{
    iaf_json_knum(j, "cond_noise_floor", c->cond_floor);
    static const char *const rename[IAF_JM_COUNT] = {[IAF_JM_DEP_TVD_S] = "dep_tvd_synthetic",
                                                     [IAF_JM_DEP_TVD_R] = "dep_tvd_reference",
                                                     [IAF_JM_CRAMERS_V_S] = "cramers_v_synthetic",
                                                     [IAF_JM_CRAMERS_V_R] = "cramers_v_reference",
                                                     [IAF_JM_NMI_S] = "nmi_synthetic",
                                                     [IAF_JM_NMI_R] = "nmi_reference"};
    iaf_json_key(j, "bootstrap");
    iaf_json_begin_object(j);
    iaf_json_kint(j, "B", (int64_t)c->boot.b);
    iaf_json_kint(j, "seed", (int64_t)c->boot_opt.seed);
    iaf_json_knum(j, "level", c->boot_opt.level > 0 ? c->boot_opt.level : IAF_BOOT_DEFAULT_LEVEL);
    iaf_json_kstr(j, "reference_mode",
                  c->boot.r_mode == IAF_BOOT_R_FIXED         ? "fixed"
                  : c->boot.r_mode == IAF_BOOT_R_MULTINOMIAL ? "multinomial"
                                                             : "normal");
    iaf_json_kstr(j, "interval", iaf_interval_method_name(c->boot.method));
    iaf_json_kint(j, "evaluations", (int64_t)c->boot.evaluations);
    iaf_json_end_object(j);
    iaf_json_key(j, "intervals");
    iaf_json_begin_object(j);
    for (int id = 0; id < IAF_JM_COUNT; id++) {
        const iaf_boot_interval *ci = &c->boot.ci[id];
        const char *name = rename[id] ? rename[id] : iaf_joint_metric_name((iaf_joint_metric_id)id);
        iaf_json_key(j, name);
        iaf_json_begin_object(j);
        /* the headline estimate, inside [lo, hi]; the plug-in beside it */
        iaf_json_knum(j, "estimate", ci->bias_corrected);
        iaf_json_knum(j, "plug_in", ci->estimate);
        iaf_json_knum(j, "lo", ci->lo);
        iaf_json_knum(j, "hi", ci->hi);
        iaf_json_kstr(j, "method", ci->calibrated ? "calibrated" : "basic");
        iaf_json_knum(j, "bias_corrected", ci->bias_corrected);
        iaf_json_knum(j, "percentile_lo", ci->pct_lo);
        iaf_json_knum(j, "percentile_hi", ci->pct_hi);
        iaf_json_knum(j, "se", ci->boot_se);
        iaf_json_end_object(j);
    }
    iaf_json_end_object(j);
}

void iaf_comparison_json_members(const iaf_comparison *c, iaf_json *j)
{
    const iaf_joint_metrics *m = &c->m;
    int twod = c->ky > 1 || (c->yl && c->yl[0] && c->yl[0][0]);
    iaf_json_knum(j, "tvd_joint", m->tvd_joint);
    iaf_json_knum(j, "tvd_x", m->tvd_x);
    iaf_json_knum(j, "tvd_y", m->tvd_y);
    iaf_json_knum(j, "cond_tvd_y_given_x", m->cond_tvd_y_given_x);
    iaf_json_knum(j, "cond_tvd_x_given_y", m->cond_tvd_x_given_y);
    iaf_json_key(j, "max_cell_pp");
    iaf_json_begin_object(j);
    iaf_json_knum(j, "value", m->max_cell_pp);
    iaf_json_key(j, "cell");
    iaf_json_begin_array(j);
    iaf_json_str(j, c->xl[m->max_cell_x]);
    if (twod) iaf_json_str(j, c->yl[m->max_cell_y]);
    iaf_json_end_array(j);
    iaf_json_end_object(j);
    iaf_json_knum(j, "hellinger", m->hellinger);
    iaf_json_knum(j, "js_distance", m->js_distance);
    pair(j, "dep_tvd", m->dep_tvd_s, m->dep_tvd_r);
    pair(j, "cramers_v", m->cramers_v_s, m->cramers_v_r);
    iaf_json_key(j, "nmi");
    iaf_json_begin_object(j);
    iaf_json_knum(j, "synthetic", m->nmi_s);
    iaf_json_knum(j, "reference", m->nmi_r);
    iaf_json_knum(j, "miller_madow_bias_synthetic", m->nmi_bias_s);
    iaf_json_knum(j, "miller_madow_bias_reference", m->nmi_bias_r);
    iaf_json_end_object(j);
    iaf_json_knum(j, "retention", m->retention);
    iaf_json_knum(j, "footprint", m->footprint);
    iaf_json_knum(j, "footprint_dep", m->footprint_dep);
    iaf_json_knum(j, "footprint_marginal", m->footprint_marginal);
    if (twod) {
        iaf_json_key(j, "raking");
        iaf_json_begin_object(j);
        iaf_json_kbool(j, "converged", m->raking_converged);
        iaf_json_kint(j, "iterations", (int64_t)m->raking_iterations);
        iaf_json_end_object(j);
    }
    iaf_json_knum(j, "noise_floor", m->noise_floor);
    /* Without a bootstrap the object has exactly the keys of the metric list
     * (issue 2's contract); intervals, verdicts and the conditional floor
     * that screens them come with --bootstrap. */
    if (c->has_boot) json_bootstrap(c, j);
    if (c->has_boot) {
        iaf_json_key(j, "verdict");
        iaf_verdict_json(&c->verdict, j);
    }
    iaf_json_knum(j, "n_synthetic", c->n_s);
    iaf_json_knum(j, "n_reference", c->n_r); /* null when the reference is fixed */
    iaf_json_key(j, "cells");
    iaf_json_begin_array(j);
    double st = 0, rt = 0;
    for (size_t k = 0; k < c->kx * c->ky; k++)
        st += c->s[k], rt += c->r[k];
    for (size_t x = 0; x < c->kx; x++)
        for (size_t y = 0; y < c->ky; y++) {
            size_t k = x * c->ky + y;
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "x", c->xl[x]);
            if (twod) iaf_json_kstr(j, "y", c->yl[y]);
            iaf_json_knum(j, "synthetic_share", c->state[k] ? NAN : c->s[k] / st);
            iaf_json_knum(j, "reference_share", c->state[k] ? NAN : c->r[k] / rt);
            iaf_json_knum(j, "diff_pp", c->state[k] ? NAN : (c->s[k] / st - c->r[k] / rt) * 100);
            iaf_json_kstr(j, "state",
                          c->state[k] == IAF_CELL_SUPPRESSED        ? "suppressed"
                          : c->state[k] == IAF_CELL_STRUCTURAL_ZERO ? "structural_zero"
                                                                    : "ok");
            iaf_json_end_object(j);
        }
    iaf_json_end_array(j);
    iaf_json_key(j, "coverage");
    iaf_json_begin_object(j);
    iaf_json_knum(j, "synthetic_total", c->s_total);
    iaf_json_knum(j, "synthetic_on_support", c->s_support);
    iaf_json_knum(j, "synthetic_off_support", c->s_off);
    iaf_json_knum(j, "synthetic_on_suppressed", c->s_suppressed);
    iaf_json_knum(j, "synthetic_on_structural_zero", c->s_structural);
    iaf_json_knum(j, "reference_total", c->r_total);
    iaf_json_knum(j, "reference_suppressed", c->r_suppressed);
    iaf_json_key(j, "off_support");
    iaf_json_begin_array(j);
    for (size_t i = 0; i < c->noff; i++) {
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "x", c->off[i].x);
        if (twod) iaf_json_kstr(j, "y", c->off[i].y);
        iaf_json_knum(j, "mass", c->off[i].mass);
        iaf_json_knum(j, "share", c->s_total > 0 ? c->off[i].mass / c->s_total : NAN);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    iaf_json_end_object(j);
    if (c->std_cov) {
        const iaf_std_coverage *sc = c->std_cov;
        iaf_json_key(j, "standard_coverage");
        iaf_json_begin_object(j);
        iaf_json_kbool(j, "per_category", sc->per_category);
        iaf_json_knum(j, "pooled", sc->pooled);
        iaf_json_knum(j, "min_standard_coverage", sc->min);
        iaf_json_kint(j, "categories_below_min_coverage", (int64_t)sc->nlow);
        iaf_json_kstr(j, "note", sc->note);
        iaf_json_key(j, "categories");
        iaf_json_begin_array(j);
        for (size_t i = 0; i < sc->k; i++) {
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "category", sc->labels[i]);
            iaf_json_knum(j, "standard_coverage", sc->coverage[i]);
            iaf_json_knum(j, "synthetic_mass", sc->mass[i]);
            iaf_json_end_object(j);
        }
        iaf_json_end_array(j);
        iaf_json_end_object(j);
    }
}

/* One side of a joint standardisation: counts over (x, y, a), the stratum
 * margin per x, and the standard weight of each of its a categories. */
typedef struct ds_side {
    const iaf_table *t;
    int ix, iy, ia;
    size_t kx, ky, ka;
    double *cnt, *xa, *nx;
    double *w;    /* kx * ka: the standard weight of each stratum, per row */
    double *wall; /* kx: the row's whole standard, strata t lacks included */
} ds_side;

static void ds_side_free(ds_side *d)
{
    iaf_free(d->cnt), iaf_free(d->xa), iaf_free(d->nx), iaf_free(d->w), iaf_free(d->wall);
}

/* is: the standard's stratum attribute; ib: its attribute holding x's
 * categories (a per-category standard), -1 = one standard for every row. */
static int ds_side_fill(ds_side *d, const iaf_table *t, const char *x, const char *y, const char *a,
                        const iaf_table *std, int is, int ib)
{
    memset(d, 0, sizeof *d);
    d->t = t;
    d->ix = iaf_table_attr_index(t, x), d->iy = iaf_table_attr_index(t, y);
    d->ia = iaf_table_attr_index(t, a);
    if (d->ix < 0 || d->iy < 0 || d->ia < 0) return 1;
    d->kx = iaf_table_ncats(t, (size_t)d->ix), d->ky = iaf_table_ncats(t, (size_t)d->iy);
    d->ka = iaf_table_ncats(t, (size_t)d->ia);
    d->cnt = iaf_calloc(d->kx * d->ky * d->ka + 1, sizeof *d->cnt);
    d->xa = iaf_calloc(d->kx * d->ka + 1, sizeof *d->xa);
    d->nx = iaf_calloc(d->kx + 1, sizeof *d->nx);
    d->w = iaf_calloc(d->kx * d->ka + 1, sizeof *d->w);
    d->wall = iaf_calloc(d->kx + 1, sizeof *d->wall);
    if (!d->cnt || !d->xa || !d->nx || !d->w || !d->wall) return -1;
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK) continue;
        d->cnt[((size_t)c.cat[d->ix] * d->ky + c.cat[d->iy]) * d->ka + c.cat[d->ia]] += c.value;
        d->xa[(size_t)c.cat[d->ix] * d->ka + c.cat[d->ia]] += c.value;
        d->nx[c.cat[d->ix]] += c.value;
    }
    for (size_t i = 0; i < iaf_table_ncells(std); i++) {
        iaf_cell c = iaf_table_cell(std, i);
        if (c.state != IAF_CELL_OK) continue;
        int64_t aa =
            iaf_table_find_cat(t, (size_t)d->ia, iaf_table_cat(std, (size_t)is, c.cat[is]));
        if (ib >= 0) {
            int64_t xx =
                iaf_table_find_cat(t, (size_t)d->ix, iaf_table_cat(std, (size_t)ib, c.cat[ib]));
            if (xx < 0) continue;
            d->wall[xx] += c.value;
            if (aa >= 0) d->w[(size_t)xx * d->ka + (size_t)aa] += c.value;
        } else {
            for (size_t xi = 0; xi < d->kx; xi++) {
                d->wall[xi] += c.value;
                if (aa >= 0) d->w[xi * d->ka + (size_t)aa] += c.value;
            }
        }
    }
    return 0;
}

/* Is stratum a of row x of side d populated on the other side o (NULL: no
 * other side; a row the other side lacks: only d's own strata count)? */
static int ds_other_has(const ds_side *d, const ds_side *o, size_t x, size_t a)
{
    if (!o) return 1;
    int64_t xo = iaf_table_find_cat(o->t, (size_t)o->ix, iaf_table_cat(d->t, (size_t)d->ix, x));
    if (xo < 0) return 1;
    int64_t ao = iaf_table_find_cat(o->t, (size_t)o->ia, iaf_table_cat(d->t, (size_t)d->ia, a));
    return ao >= 0 && o->xa[(size_t)xo * o->ka + (size_t)ao] > 0;
}

/* n_x * sum_a w_a P(y | x, a) over the strata populated on both sides. */
static iaf_status ds_side_table(const ds_side *d, const ds_side *o, const char *x, const char *y,
                                iaf_table **out, iaf_error *err)
{
    const char *names[2] = {x, y};
    iaf_status st = IAF_OK;
    iaf_table *t = iaf_table_new(2, names, IAF_TABLE_COUNTS);
    if (!t) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t xi = 0; xi < d->kx && st == IAF_OK; xi++) {
        double wx = 0;
        for (size_t ai = 0; ai < d->ka; ai++)
            if (d->xa[xi * d->ka + ai] > 0 && ds_other_has(d, o, xi, ai))
                wx += d->w[xi * d->ka + ai];
        for (size_t yi = 0; yi < d->ky && st == IAF_OK; yi++) {
            double ds = 0;
            for (size_t ai = 0; ai < d->ka && wx > 0; ai++)
                if (d->xa[xi * d->ka + ai] > 0 && ds_other_has(d, o, xi, ai))
                    ds += d->w[xi * d->ka + ai] / wx * d->cnt[(xi * d->ky + yi) * d->ka + ai] /
                          d->xa[xi * d->ka + ai];
            iaf_sv lab[2] = {iaf_table_cat(d->t, (size_t)d->ix, xi),
                             iaf_table_cat(d->t, (size_t)d->iy, yi)};
            st = iaf_table_add(t, lab, d->nx[xi] * ds, -1, 0, NAN, IAF_CELL_OK, err);
        }
    }
    if (st == IAF_OK) st = iaf_table_finish(t, err);
    if (st != IAF_OK) {
        iaf_table_free(t);
        return st;
    }
    iaf_table_set_n(t, iaf_table_n_obs(d->t), iaf_table_n_eff(d->t), iaf_table_full_count(d->t));
    *out = t;
    return IAF_OK;
}

/* The coverage of side d's standard per row x: the weight of the strata
 * populated on both sides over the row's whole standard. */
static iaf_std_coverage *ds_coverage(const ds_side *d, const ds_side *o, int per_category)
{
    iaf_std_coverage *c = iaf_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->k = d->kx;
    c->per_category = per_category;
    c->labels = iaf_calloc(d->kx + 1, sizeof *c->labels);
    c->coverage = iaf_calloc(d->kx + 1, sizeof *c->coverage);
    c->mass = iaf_calloc(d->kx + 1, sizeof *c->mass);
    if (!c->labels || !c->coverage || !c->mass) goto oom;
    for (size_t xi = 0; xi < d->kx; xi++) {
        iaf_sv l = iaf_table_cat(d->t, (size_t)d->ix, xi);
        if (!(c->labels[xi] = iaf_strndup(l.ptr, l.len))) goto oom;
        double wx = 0;
        for (size_t ai = 0; ai < d->ka; ai++)
            if (d->xa[xi * d->ka + ai] > 0 && ds_other_has(d, o, xi, ai))
                wx += d->w[xi * d->ka + ai];
        c->coverage[xi] = d->wall[xi] > 0 ? wx / d->wall[xi] : 0;
        /* a row the other side lacks is outside the comparison */
        int reached = !o || iaf_table_find_cat(o->t, (size_t)o->ix, l) >= 0;
        c->mass[xi] = reached ? d->nx[xi] : 0;
    }
    return c;
oom:
    iaf_std_coverage_free(c);
    return NULL;
}

iaf_status iaf_standardize_joint(const iaf_table *syn, const iaf_table *ref, const char *x,
                                 const char *y, const char *a, const iaf_table *std,
                                 const char *std_attr, iaf_table **out_s, iaf_table **out_r,
                                 char *note, size_t note_size, iaf_error *err)
{
    return iaf_standardize_joint_cov(syn, ref, x, y, a, std, std_attr, NULL, out_s, out_r, NULL,
                                     note, note_size, err);
}

iaf_status iaf_standardize_joint_cov(const iaf_table *syn, const iaf_table *ref, const char *x,
                                     const char *y, const char *a, const iaf_table *std,
                                     const char *std_attr, const char *std_by, iaf_table **out_s,
                                     iaf_table **out_r, iaf_std_coverage **cov, char *note,
                                     size_t note_size, iaf_error *err)
{
    *out_s = NULL;
    if (out_r) *out_r = NULL;
    if (cov) *cov = NULL;
    int is = std ? iaf_table_attr_index(std, std_attr) : -1;
    int ib = std && std_by ? iaf_table_attr_index(std, std_by) : -1;
    iaf_status st = IAF_OK;
    ds_side s, r;
    int rs = 1, ss;
    memset(&r, 0, sizeof r);
    if (is < 0) {
        snprintf(note, note_size,
                 "no standard population over '%s' (the reference has no such column and no "
                 "standard was given)",
                 a);
        return IAF_OK;
    }
    if (std_by && ib < 0) {
        snprintf(note, note_size, "the standard population has no '%s' detail", std_by);
        return IAF_OK;
    }
    ss = ds_side_fill(&s, syn, x, y, a, std, is, ib);
    if (ss == 0 && ref) rs = ds_side_fill(&r, ref, x, y, a, std, is, ib);
    if (ss < 0 || rs < 0) goto oom;
    if (ss > 0) {
        snprintf(note, note_size, "the synthetic counts have no '%s' detail for this pair", a);
        goto done;
    }
    double wt = 0;
    for (size_t i = 0; i < s.kx * s.ka; i++)
        wt += s.w[i];
    if (!(wt > 0)) {
        snprintf(note, note_size, "the standard population shares no '%s' category with the data",
                 a);
        goto done;
    }
    /* like with like: the reference standardised with the same weights when
     * it has the stratum, each row over the strata both sides populate */
    const ds_side *other = rs == 0 ? &r : NULL;
    if ((st = ds_side_table(&s, other, x, y, out_s, err)) != IAF_OK) goto done;
    if (rs == 0 && out_r && (st = ds_side_table(&r, &s, x, y, out_r, err)) != IAF_OK) goto done;
    if (cov && !(*cov = ds_coverage(&s, other, ib >= 0))) goto oom;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    ds_side_free(&s);
    ds_side_free(&r);
    if (st != IAF_OK) {
        iaf_table_free(*out_s);
        *out_s = NULL;
        if (out_r) {
            iaf_table_free(*out_r);
            *out_r = NULL;
        }
        if (cov) {
            iaf_std_coverage_free(*cov);
            *cov = NULL;
        }
    }
    return st;
}
