/* src/audit/rulecheck.c - see rulecheck.h. */
#include "audit/rulecheck.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Map expression variables to table attributes. */
static iaf_status bind(const iaf_table *t, const iaf_expr *e, int *idx, iaf_error *err)
{
    size_t nv = iaf_expr_nvars(e);
    if (nv > 16) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "too many variables");
    for (size_t v = 0; v < nv; v++) {
        idx[v] = iaf_table_attr_index(t, iaf_expr_var(e, v));
        if (idx[v] < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no attribute '%s' for the rule",
                                 iaf_expr_var(e, v));
    }
    return IAF_OK;
}

static void values_of(const iaf_table *t, const iaf_cell *c, const iaf_expr *e, const int *idx,
                      iaf_sv *vals)
{
    for (size_t v = 0; v < iaf_expr_nvars(e); v++) {
        iaf_sv s = iaf_table_cat(t, (size_t)idx[v], c->cat[idx[v]]);
        /* the empty label is the missing category: missing to the expression */
        vals[v] = s.len ? s : (iaf_sv){NULL, 0};
    }
}

static char *describe(const iaf_table *t, const iaf_cell *c)
{
    iaf_buf b = {0};
    for (size_t a = 0; a < iaf_table_nattrs(t); a++) {
        iaf_sv s = iaf_table_cat(t, a, c->cat[a]);
        iaf_buf_printf(&b, "%s%s=%.*s", a ? ", " : "", iaf_table_attr(t, a), (int)s.len, s.ptr);
    }
    return b.data ? b.data : iaf_strdup("");
}

iaf_status iaf_rule_eval(const iaf_table *t, const iaf_expr *rule, double tolerance,
                         iaf_rule_result *out, iaf_error *err)
{
    memset(out, 0, sizeof *out);
    out->tolerance = tolerance;
    const iaf_expr *ante = NULL, *cons = NULL;
    if (!iaf_expr_implication(rule, &ante, &cons))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "a hard rule is an implication 'A => B'");
    int idx[16];
    iaf_status st = bind(t, rule, idx, err);
    if (st != IAF_OK) return st;
    iaf_sv vals[16];
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK || c.value == 0) continue;
        values_of(t, &c, rule, idx, vals);
        if (!iaf_expr_eval(ante, vals)) continue;
        out->antecedent += c.value;
        if (iaf_expr_eval(cons, vals)) continue;
        out->violations += c.value;
        /* keep the largest violating cells, ties in table (byte) order */
        size_t pos = out->nexamples;
        while (pos > 0 && out->examples[pos - 1].mass < c.value)
            pos--;
        if (pos >= IAF_RULE_EXAMPLES) continue;
        char *d = describe(t, &c);
        if (!d) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (out->nexamples == IAF_RULE_EXAMPLES)
            iaf_free(out->examples[IAF_RULE_EXAMPLES - 1].cell);
        else
            out->nexamples++;
        memmove(&out->examples[pos + 1], &out->examples[pos],
                (out->nexamples - 1 - pos) * sizeof out->examples[0]);
        out->examples[pos] = (iaf_rule_example){d, c.value};
    }
    out->share = out->antecedent > 0 ? out->violations / out->antecedent : NAN;
    if (out->antecedent == 0) {
        out->verdict = IAF_VERDICT_INCONCLUSIVE;
        snprintf(out->reason, sizeof out->reason, "no record satisfies the rule's condition");
    } else if (out->violations > 0 && out->share > tolerance) {
        out->verdict = IAF_VERDICT_FLAG;
        snprintf(
            out->reason, sizeof out->reason,
            "%.0f violating records, %.4g%% of the %.0f the rule applies to (tolerance %.4g%%)",
            out->violations, 100 * out->share, out->antecedent, 100 * tolerance);
    } else {
        out->verdict = IAF_VERDICT_PASS;
        snprintf(out->reason, sizeof out->reason, "%.0f violating records within tolerance %.4g%%",
                 out->violations, 100 * tolerance);
    }
    return IAF_OK;
}

/* Wilson score interval for a proportion, 95%. */
static void wilson(double k, double n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double p = k / n, z2 = z * z;
    double den = 1 + z2 / n, mid = (p + z2 / (2 * n)) / den;
    double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den;
    *lo = fmax(0, mid - half);
    *hi = fmin(1, mid + half);
}

iaf_status iaf_expectation_eval(const iaf_table *t, const iaf_expr *share, const iaf_expr *given,
                                double lo, double hi, iaf_rule_result *out, iaf_error *err)
{
    memset(out, 0, sizeof *out);
    out->is_expectation = 1;
    out->expect_lo = lo;
    out->expect_hi = hi;
    int is[16], ig[16];
    iaf_status st = bind(t, share, is, err);
    if (st == IAF_OK && given) st = bind(t, given, ig, err);
    if (st != IAF_OK) return st;
    iaf_sv vs[16], vg[16];
    double n = 0;
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK) continue;
        if (given) {
            values_of(t, &c, given, ig, vg);
            if (!iaf_expr_eval(given, vg)) continue;
        }
        out->given += c.value;
        n += c.n >= 0 ? (double)c.n : c.value;
        values_of(t, &c, share, is, vs);
        if (iaf_expr_eval(share, vs)) out->hits += c.value;
    }
    out->n = n;
    if (!(out->given > 0)) {
        out->estimate = out->ci_lo = out->ci_hi = NAN;
        out->verdict = IAF_VERDICT_INCONCLUSIVE;
        snprintf(out->reason, sizeof out->reason, "no record satisfies the condition");
        return IAF_OK;
    }
    out->estimate = out->hits / out->given;
    wilson(out->estimate * n, n, &out->ci_lo, &out->ci_hi);
    if (out->ci_hi < lo || out->ci_lo > hi) {
        out->verdict = IAF_VERDICT_FLAG;
        snprintf(out->reason, sizeof out->reason,
                 "95%% interval [%.4g, %.4g] outside the expected [%.4g, %.4g]", out->ci_lo,
                 out->ci_hi, lo, hi);
    } else if (out->ci_lo >= lo && out->ci_hi <= hi) {
        out->verdict = IAF_VERDICT_PASS;
        snprintf(out->reason, sizeof out->reason,
                 "95%% interval [%.4g, %.4g] inside the expected [%.4g, %.4g]", out->ci_lo,
                 out->ci_hi, lo, hi);
    } else {
        out->verdict = IAF_VERDICT_INCONCLUSIVE;
        snprintf(out->reason, sizeof out->reason,
                 "95%% interval [%.4g, %.4g] overlaps the edge of [%.4g, %.4g]", out->ci_lo,
                 out->ci_hi, lo, hi);
    }
    return IAF_OK;
}

/* Half-width of the simultaneous 95% interval of the TVD between an empirical
 * distribution over k categories from n rows and its truth (Weissman et al.
 * 2003: P(L1 >= e) <= (2^k - 2) exp(-n e^2 / 2)); 0 when k < 2. */
static double tvd_halfwidth(size_t k, double n)
{
    if (k < 2 || !(n > 0)) return k < 2 ? 0 : NAN;
    /* ln(2^k - 2) without overflow: k ln 2 + ln(1 - 2^(1-k)) */
    double ln_m = (double)k * log(2.0) + log1p(-ldexp(1.0, 1 - (int)k));
    return sqrt(2 * (ln_m - log(0.05)) / n) / 2;
}

/* Verdict of one screen "interval [lo, hi] against threshold tau" (FLAG when
 * wholly above, PASS when wholly at or below). */
static iaf_verdict above(double lo, double hi, double tau)
{
    return lo > tau ? IAF_VERDICT_FLAG : hi <= tau ? IAF_VERDICT_PASS : IAF_VERDICT_INCONCLUSIVE;
}

iaf_status iaf_profile_eval(const iaf_table *t, const iaf_expr *status, const char *age,
                            const char *const *window, size_t nwindow,
                            const char *const *exp_labels, const double *exp_lo,
                            const double *exp_hi, size_t n_expected, double tolerance,
                            double max_tvd, iaf_rule_result *out, iaf_error *err)
{
    memset(out, 0, sizeof *out);
    out->is_profile = 1;
    out->tolerance = tolerance;
    out->max_tvd = max_tvd;
    int is[16];
    iaf_status st = bind(t, status, is, err);
    if (st != IAF_OK) return st;
    int ai = iaf_table_attr_index(t, age);
    if (ai < 0) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no attribute '%s'", age);
    size_t ncat = iaf_table_ncats(t, (size_t)ai);
    if (ncat > IAF_PROFILE_MAX)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                             "an age profile takes at most %d categories", IAF_PROFILE_MAX);
    double mass[IAF_PROFILE_MAX] = {0}, tot = 0, n = 0;
    iaf_sv vs[16];
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK) continue;
        values_of(t, &c, status, is, vs);
        if (!iaf_expr_eval(status, vs)) continue;
        mass[c.cat[ai]] += c.value;
        tot += c.value;
        n += c.n >= 0 ? (double)c.n : c.value;
    }
    out->nprofile = ncat;
    /* a point profile is normalised (as before); bounds are taken as written */
    double exp_tot = 0, sum_lo = 0, sum_hi = 0;
    for (size_t k = 0; k < n_expected; k++) {
        exp_tot += exp_lo[k];
        out->profile_bounds |= exp_lo[k] != exp_hi[k];
    }
    double outside = 0, deficit = 0, excess = 0;
    for (size_t a = 0; a < ncat; a++) {
        iaf_sv lab = iaf_table_cat(t, (size_t)ai, a);
        if (!(out->profile_label[a] = iaf_strndup(lab.ptr, lab.len)))
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        out->profile_share[a] = tot > 0 ? mass[a] / tot : NAN;
        int in = 0;
        for (size_t w = 0; w < nwindow; w++)
            in |= iaf_sv_eq_str(lab, window[w]);
        out->profile_in_window[a] = in;
        if (!in) outside += mass[a];
        double lo = n_expected ? 0 : NAN, hi = lo;
        for (size_t k = 0; k < n_expected; k++)
            if (iaf_sv_eq_str(lab, exp_labels[k])) {
                lo = out->profile_bounds ? exp_lo[k] : exp_lo[k] / exp_tot;
                hi = out->profile_bounds ? exp_hi[k] : lo;
            }
        out->profile_expected_lo[a] = lo;
        out->profile_expected_hi[a] = hi;
        out->profile_expected[a] = out->profile_bounds ? NAN : lo;
        sum_lo += lo, sum_hi += hi;
        if (n_expected && tot > 0) {
            deficit += fmax(0, lo - out->profile_share[a]);
            excess += fmax(0, out->profile_share[a] - hi);
        }
    }
    if (out->profile_bounds && (sum_lo > 1 + 1e-12 || sum_hi < 1 - 1e-12))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "no age profile fits the expected bounds over the categories present "
                             "(their lower shares sum to %.4g, their upper shares to %.4g)",
                             sum_lo, sum_hi);
    /* the nearest profile within the bounds must take up every deficit and
     * shed every excess: max of the two (equal, the TVD, for a point) */
    out->profile_tvd = n_expected && tot > 0 ? fmax(deficit, excess) : NAN;
    double h = tvd_halfwidth(ncat, n);
    out->profile_tvd_lo = fmax(0, out->profile_tvd - h);
    out->profile_tvd_hi = fmin(1, out->profile_tvd + h);
    out->antecedent = tot;
    out->n = n;
    if (!(tot > 0)) {
        out->outside = out->outside_lo = out->outside_hi = NAN;
        out->profile_tvd_lo = out->profile_tvd_hi = NAN;
        out->verdict = IAF_VERDICT_INCONCLUSIVE;
        snprintf(out->reason, sizeof out->reason, "no record has the status");
        return IAF_OK;
    }
    out->outside = outside / tot;
    wilson(out->outside * n, n, &out->outside_lo, &out->outside_hi);
    iaf_verdict vw = above(out->outside_lo, out->outside_hi, tolerance);
    iaf_verdict vt = isnan(max_tvd) || isnan(out->profile_tvd)
                         ? IAF_VERDICT_PASS
                         : above(out->profile_tvd_lo, out->profile_tvd_hi, max_tvd);
    out->verdict = vw == IAF_VERDICT_FLAG || vt == IAF_VERDICT_FLAG   ? IAF_VERDICT_FLAG
                   : vw == IAF_VERDICT_PASS && vt == IAF_VERDICT_PASS ? IAF_VERDICT_PASS
                                                                      : IAF_VERDICT_INCONCLUSIVE;
    int len;
    if (vw == IAF_VERDICT_FLAG)
        len = snprintf(out->reason, sizeof out->reason,
                       "%.4g%% outside the institutional age window (95%% interval [%.4g%%, "
                       "%.4g%%]), tolerance %.4g%%",
                       100 * out->outside, 100 * out->outside_lo, 100 * out->outside_hi,
                       100 * tolerance);
    else if (vw == IAF_VERDICT_PASS)
        len = snprintf(out->reason, sizeof out->reason,
                       "inside the institutional age window within tolerance");
    else
        len = snprintf(out->reason, sizeof out->reason,
                       "share outside the window %.4g%% [%.4g%%, %.4g%%] straddles the tolerance "
                       "%.4g%%",
                       100 * out->outside, 100 * out->outside_lo, 100 * out->outside_hi,
                       100 * tolerance);
    if (!isnan(max_tvd) && !isnan(out->profile_tvd) && len > 0 &&
        (size_t)len < sizeof out->reason) {
        static const char *const word[] = {"at or below", "above", "straddles"};
        int it = vt == IAF_VERDICT_PASS ? 0 : vt == IAF_VERDICT_FLAG ? 1 : 2;
        snprintf(out->reason + len, sizeof out->reason - (size_t)len,
                 "; TVD to the %s profile %.4g (95%% interval [%.4g, %.4g]) %s the threshold %.4g",
                 out->profile_bounds ? "nearest institutional" : "institutional", out->profile_tvd,
                 out->profile_tvd_lo, out->profile_tvd_hi, word[it], max_tvd);
    }
    return IAF_OK;
}

void iaf_rule_result_free(iaf_rule_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nexamples; i++)
        iaf_free(r->examples[i].cell);
    r->nexamples = 0;
    for (size_t i = 0; i < r->nprofile; i++)
        iaf_free(r->profile_label[i]);
    r->nprofile = 0;
}

void iaf_rule_result_json(const iaf_rule_result *r, iaf_json *j)
{
    iaf_json_begin_object(j);
    if (r->is_profile) {
        iaf_json_knum(j, "status_mass", r->antecedent);
        iaf_json_key(j, "profile");
        iaf_json_begin_array(j);
        for (size_t i = 0; i < r->nprofile; i++) {
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "category", r->profile_label[i]);
            iaf_json_knum(j, "share", r->profile_share[i]);
            iaf_json_knum(j, "expected", r->profile_expected[i]);
            if (r->profile_bounds) {
                iaf_json_knum(j, "expected_lo", r->profile_expected_lo[i]);
                iaf_json_knum(j, "expected_hi", r->profile_expected_hi[i]);
            }
            iaf_json_kbool(j, "in_window", r->profile_in_window[i]);
            iaf_json_end_object(j);
        }
        iaf_json_end_array(j);
        iaf_json_knum(j, "outside_window", r->outside);
        iaf_json_knum(j, "outside_lo", r->outside_lo);
        iaf_json_knum(j, "outside_hi", r->outside_hi);
        iaf_json_knum(j, "tolerance", r->tolerance);
        iaf_json_knum(j, "tvd_to_expected", r->profile_tvd);
        if (!isnan(r->profile_tvd)) {
            iaf_json_knum(j, "tvd_lo", r->profile_tvd_lo);
            iaf_json_knum(j, "tvd_hi", r->profile_tvd_hi);
            iaf_json_kstr(j, "tvd_to",
                          r->profile_bounds ? "the nearest profile within the bounds"
                                            : "the expected profile");
        }
        if (!isnan(r->max_tvd)) iaf_json_knum(j, "max_tvd", r->max_tvd);
    } else if (r->is_expectation) {
        iaf_json_knum(j, "given", r->given);
        iaf_json_knum(j, "hits", r->hits);
        iaf_json_knum(j, "estimate", r->estimate);
        iaf_json_knum(j, "ci_lo", r->ci_lo);
        iaf_json_knum(j, "ci_hi", r->ci_hi);
        iaf_json_knum(j, "expected_lo", r->expect_lo);
        iaf_json_knum(j, "expected_hi", r->expect_hi);
    } else {
        iaf_json_knum(j, "antecedent", r->antecedent);
        iaf_json_knum(j, "violations", r->violations);
        iaf_json_knum(j, "share", r->share);
        iaf_json_knum(j, "tolerance", r->tolerance);
        iaf_json_key(j, "examples");
        iaf_json_begin_array(j);
        for (size_t i = 0; i < r->nexamples; i++) {
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "cell", r->examples[i].cell);
            iaf_json_knum(j, "mass", r->examples[i].mass);
            iaf_json_end_object(j);
        }
        iaf_json_end_array(j);
    }
    iaf_json_kstr(j, "verdict", iaf_verdict_name(r->verdict));
    iaf_json_kstr(j, "reason", r->reason);
    iaf_json_end_object(j);
}
