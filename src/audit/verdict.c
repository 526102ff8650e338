/* src/audit/verdict.c - see verdict.h. */
#include "audit/verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *iaf_verdict_name(iaf_verdict v)
{
    switch (v) {
    case IAF_VERDICT_PASS:
        return "PASS";
    case IAF_VERDICT_INCONCLUSIVE:
        return "INCONCLUSIVE";
    case IAF_VERDICT_FLAG:
        return "FLAG";
    case IAF_VERDICT_NONE:
        return NULL;
    }
    return NULL;
}

iaf_diag_facts iaf_diag_facts_init(iaf_diag_kind kind)
{
    iaf_diag_facts f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.verdict = IAF_VERDICT_NONE;
    f.tau_ret = 0.5;
    f.tau_marginal = 0.05;
    f.ret_lo = f.ret_hi = f.fpd_lo = f.fpd_hi = NAN;
    f.tvd_x_lo = f.tvd_y_lo = f.flat_lo = f.flat_hi = NAN;
    f.fpd_verdict = f.flat_verdict = f.exag_verdict = IAF_VERDICT_NONE;
    return f;
}

/* Comparisons with NAN are false, so an undefined interval never names a row. */
const char *iaf_diagnose(const iaf_diag_facts *f)
{
    if (f->undecidable) return f->undecidable;
    switch (f->kind) {
    case IAF_DIAG_MARGINAL:
        return f->verdict == IAF_VERDICT_PASS   ? "aligned"
               : f->verdict == IAF_VERDICT_FLAG ? "misaligned"
                                                : NULL;
    case IAF_DIAG_JOINT:
        /* only a decided check carries a diagnosis: an INCONCLUSIVE one (a sample
         * too small, an interval straddling) says why in its screens instead */
        if (f->verdict != IAF_VERDICT_PASS && f->verdict != IAF_VERDICT_FLAG) return NULL;
        if (!f->reference_dependent) return "reference shows no dependence";
        if (f->ret_hi < 1 - f->tau_ret) return "flattened";
        if (f->ret_lo > 1 + f->tau_ret) return "exaggerated";
        if (f->fpd_lo > 1) return "distorted";
        if (f->verdict == IAF_VERDICT_FLAG) {
            if (f->fpd_verdict == IAF_VERDICT_PASS &&
                (f->tvd_x_lo > f->tau_marginal || f->tvd_y_lo > f->tau_marginal))
                return "marginal error";
            return "mismatch";
        }
        if (f->verdict == IAF_VERDICT_PASS) {
            if (f->ret_hi < 1) return "weakened within tolerance";
            if (f->ret_lo > 1) return "strengthened within tolerance";
            return "faithful";
        }
        return NULL;
    case IAF_DIAG_FLATTENING:
        if (f->verdict == IAF_VERDICT_FLAG)
            return f->flat_verdict == IAF_VERDICT_FLAG   ? "flattened"
                   : f->exag_verdict == IAF_VERDICT_FLAG ? "exaggerated"
                                                         : "segregation lost";
        if (f->verdict == IAF_VERDICT_PASS) {
            /* within tolerance, but say which way the intervals lean */
            if (f->flat_lo > 0) return "flattened within tolerance";
            if (f->flat_hi < 0) return "segregation exaggerated within tolerance";
            if (f->ret_hi < 1) return "weakened within tolerance";
            if (f->ret_lo > 1) return "strengthened within tolerance";
            return "faithful";
        }
        return NULL;
    }
    return NULL;
}

/* A distance whose noise floor reaches the threshold cannot be resolved at
 * this sample size. */
static int floor_reaches_threshold(const iaf_screen *s)
{
    return !isnan(s->floor) && s->fails_above && s->floor >= s->threshold;
}

int iaf_screen_too_small(const iaf_screen *s)
{
    return s && s->verdict == IAF_VERDICT_INCONCLUSIVE && floor_reaches_threshold(s);
}

const iaf_screen *iaf_verdict_key_screen(const iaf_check_verdict *v)
{
    if (!v || v->nscreens == 0) return NULL;
    const iaf_screen *best = &v->screens[0];
    for (size_t i = 1; i < v->nscreens; i++) {
        const iaf_screen *s = &v->screens[i];
        if (s->verdict != IAF_VERDICT_NONE &&
            (best->verdict == IAF_VERDICT_NONE || s->verdict > best->verdict))
            best = s;
    }
    return best;
}

void iaf_screen_decide(iaf_screen *s)
{
    double t = s->threshold;
    /* the noise floor is the expected plug-in value under no difference */
    double plug = isnan(s->plug_in) ? s->estimate : s->plug_in;
    if (isnan(s->estimate) || isnan(s->lo) || isnan(s->hi) || isnan(t)) {
        s->verdict = IAF_VERDICT_NONE;
        snprintf(s->reason, sizeof s->reason, "no interval: not screened");
        return;
    }
    /* A distance whose noise floor reaches the threshold: its interval is
     * dominated by noise near the boundary, so neither PASS nor FLAG would
     * mean anything. */
    if (floor_reaches_threshold(s)) {
        /* It can still FLAG when the whole interval clears the floor as well:
         * then the difference is larger than sampling noise explains. */
        if (s->lo > t && s->lo > s->floor && plug > s->floor) {
            s->verdict = IAF_VERDICT_FLAG;
            snprintf(s->reason, sizeof s->reason,
                     "interval [%.4g, %.4g] entirely above both the threshold %.4g and the noise "
                     "floor %.4g",
                     s->lo, s->hi, t, s->floor);
        } else {
            s->verdict = IAF_VERDICT_INCONCLUSIVE;
            snprintf(s->reason, sizeof s->reason,
                     "the noise floor %.4g reaches the threshold %.4g: the sample is too small "
                     "to decide",
                     s->floor, t);
        }
        return;
    }
    int fail_side = s->fails_above ? s->lo > t : s->hi < t;
    int pass_side = s->fails_above ? s->hi <= t : s->lo >= t;
    const char *side = s->fails_above ? "above" : "below";
    if (fail_side) {
        if (!isnan(s->floor) && !(plug > s->floor)) {
            s->verdict = IAF_VERDICT_INCONCLUSIVE;
            snprintf(s->reason, sizeof s->reason,
                     "interval [%.4g, %.4g] %s %.4g but the estimate %.4g does not exceed its "
                     "noise floor %.4g",
                     s->lo, s->hi, side, t, plug, s->floor);
        } else {
            s->verdict = IAF_VERDICT_FLAG;
            snprintf(s->reason, sizeof s->reason, "interval [%.4g, %.4g] entirely %s %.4g%s", s->lo,
                     s->hi, side, t,
                     isnan(s->floor) ? "" : " and the estimate exceeds its noise floor");
        }
    } else if (pass_side) {
        s->verdict = IAF_VERDICT_PASS;
        snprintf(s->reason, sizeof s->reason,
                 "interval [%.4g, %.4g] entirely on the passing side of %.4g", s->lo, s->hi, t);
    } else {
        s->verdict = IAF_VERDICT_INCONCLUSIVE;
        snprintf(s->reason, sizeof s->reason, "interval [%.4g, %.4g] straddles %.4g", s->lo, s->hi,
                 t);
    }
}

void iaf_verdict_combine(iaf_check_verdict *v)
{
    iaf_verdict worst = IAF_VERDICT_NONE;
    for (size_t i = 0; i < v->nscreens; i++) {
        iaf_verdict s = v->screens[i].verdict;
        if (s == IAF_VERDICT_NONE) continue;
        if (worst == IAF_VERDICT_NONE || s > worst) worst = s;
    }
    v->verdict = worst;
}

const char *iaf_variant_agreement(const iaf_verdict *v, size_t n)
{
    if (n == 0) return NULL;
    int all_flag = 1, all_same = 1;
    for (size_t i = 0; i < n; i++) {
        all_flag &= v[i] == IAF_VERDICT_FLAG;
        all_same &= v[i] == v[0];
    }
    if (all_flag) return "strict";
    return all_same ? "consistent" : "mapping-dependent";
}

/* Diagnoses agree when equal; the two that carry figures ("insufficient
 * support (...)", "partially identified: ...") agree on their kind. */
static int same_diag(const char *a, const char *b)
{
    static const char *const kinds[] = {"insufficient support", "partially identified", NULL};
    if (a == b) return 1;
    if (!a || !b) return 0;
    for (size_t i = 0; kinds[i]; i++) {
        size_t n = strlen(kinds[i]);
        if (!strncmp(a, kinds[i], n) && !strncmp(b, kinds[i], n)) return 1;
    }
    return !strcmp(a, b);
}

const char *iaf_variant_agreement_diag(const iaf_verdict *v, const char *const *diag, size_t n)
{
    if (n == 0) return NULL;
    int all_same = 1;
    for (size_t i = 0; i < n; i++)
        all_same &= v[i] == v[0] && same_diag(diag[i], diag[0]);
    if (!all_same) return "mapping-dependent";
    return v[0] == IAF_VERDICT_FLAG ? "strict" : "consistent";
}

const char *iaf_age_agreement(iaf_verdict raw, const char *raw_diag, iaf_verdict std,
                              const char *std_diag)
{
    return raw == std && same_diag(raw_diag, std_diag) ? "age-robust" : "age-sensitive";
}

void iaf_screen_json_fields(const iaf_screen *s, iaf_json *j)
{
    iaf_json_kstr(j, "metric", s->metric);
    iaf_json_knum(j, "threshold", s->threshold);
    iaf_json_kstr(j, "fails", s->fails_above ? "above" : "below");
    iaf_json_knum(j, "estimate", s->estimate);
    iaf_json_knum(j, "plug_in", isnan(s->plug_in) ? s->estimate : s->plug_in);
    iaf_json_knum(j, "lo", s->lo);
    iaf_json_knum(j, "hi", s->hi);
    iaf_json_knum(j, "floor", s->floor);
    iaf_json_kstr(j, "verdict", iaf_verdict_name(s->verdict));
    iaf_json_kstr(j, "reason", s->reason);
}

void iaf_verdict_json(const iaf_check_verdict *v, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "verdict", iaf_verdict_name(v->verdict));
    iaf_json_kstr(j, "diagnosis", v->diagnosis);
    iaf_json_kbool(j, "reference_dependent", v->reference_dependent);
    iaf_json_key(j, "screens");
    iaf_json_begin_array(j);
    for (size_t i = 0; i < v->nscreens; i++) {
        iaf_json_begin_object(j);
        iaf_screen_json_fields(&v->screens[i], j);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    iaf_json_end_object(j);
}
