/* src/report/answer.c - the answer sentences of a report (model.h): one
 * sentence per audited combination (a joint or flattening check), and one
 * per group of marginal and rule checks, made once from the model so that
 * report.md, report.html and the CLI headline open with the same words.
 *
 * A sentence says what was compared, the key number with its interval, what
 * the number rests on, and the verdict, and never more than the verdict
 * allows (METHOD.md section 9): an INCONCLUSIVE check "cannot be decided from
 * these data", with the reason; a quantity that is only partially identified
 * (a lumped remainder, section 3.5) is given as bounds, never as a point with
 * an interval. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/model.h"
#include "report/rkinds.h"
#include "report/rview.h"

/* Digits after the point of a percentage, from its size: 49%, 5.4%, 0.11%. */
static int pct_digits(double v)
{
    double a = fabs(v);
    return a >= 0.0995 ? 0 : a >= 0.00995 ? 1 : 2;
}

static void pct_d(iaf_buf *b, double v, int d)
{
    iaf_rv_fixed(b, 100 * v, d);
    iaf_rv_puts(b, "%");
}

/* "49% [47%, 52%]": the interval with the estimate's digits. */
static void pct_ci(iaf_buf *b, double est, double lo, double hi)
{
    double big = fabs(est);
    if (isfinite(lo) && isfinite(hi)) big = fmax(big, fmax(fabs(lo), fabs(hi)));
    int d = pct_digits(big);
    pct_d(b, est, d);
    if (isfinite(lo) && isfinite(hi)) {
        iaf_rv_puts(b, " [");
        pct_d(b, lo, d);
        iaf_rv_puts(b, ", ");
        pct_d(b, hi, d);
        iaf_rv_puts(b, "]");
    }
}

/* "between 1.4% and 70%" */
static void pct_range(iaf_buf *b, double lo, double hi)
{
    iaf_rv_puts(b, "between ");
    pct_d(b, lo, pct_digits(lo));
    iaf_rv_puts(b, " and ");
    pct_d(b, hi, pct_digits(hi));
}

/* The first words of a diagnosis, before its own numbers ("insufficient
 * support (86.0% of ...)" -> "insufficient support"), so that a sentence that
 * has already given the support does not give it twice. */
static void diag_short(iaf_buf *b, const char *d)
{
    size_t n = strcspn(d, "(:");
    while (n && d[n - 1] == ' ')
        n--;
    iaf_rv_append(b, d, n);
}

/* The verdict, and only as much as it allows. */
static void verdict_phrase(iaf_buf *b, const char *v, const char *diag)
{
    if (!v) {
        iaf_rv_puts(b, "no verdict (not screened)");
        return;
    }
    if (!strcmp(v, "PASS") || !strcmp(v, "FLAG")) {
        iaf_rv_puts(b, v);
        if (diag) {
            iaf_rv_puts(b, " (");
            diag_short(b, diag);
            iaf_rv_puts(b, ")");
        }
        return;
    }
    iaf_rv_printf(b, "%s, cannot be decided from these data", v);
    if (diag) {
        iaf_rv_puts(b, " (");
        diag_short(b, diag);
        iaf_rv_puts(b, ")");
    }
}

static const json_t *variant0(const iaf_rm_row *r)
{
    return json_array_get(iaf_rv_arr(r->check, "variants"), 0);
}

/* The lump of the first variant when it holds mass, else NULL. */
static const json_t *lump_of(const json_t *v0)
{
    const json_t *l = iaf_rv_obj(v0, "lump");
    double s = iaf_rv_numv(l, "lump_share");
    return isfinite(s) && s > 0 ? l : NULL;
}

/* What was compared: the check's title when the spec gives one, then the
 * attributes and the reference. */
static void what(iaf_buf *b, const iaf_rm_row *r)
{
    const char *title = iaf_rv_str(r->check, "title");
    if (title) {
        iaf_rv_puts(b, title);
        iaf_rv_puts(b, ", ");
    }
    iaf_rv_puts(b, r->attributes ? r->attributes : r->check_id);
    if (r->reference) {
        iaf_rv_puts(b, " vs ");
        iaf_rv_puts(b, r->reference);
    }
}

/* ", measured on 50,873 rows (88% of the reference's mass)" */
static void support_phrase(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const json_t *sup = iaf_rv_obj(v0, "support");
    double reached = iaf_rv_numv(sup, "dominated_reached"),
           total = iaf_rv_numv(sup, "dominated_total"),
           dshare = iaf_rv_numv(sup, "dominated_reference_share_reached");
    if (isfinite(reached) && isfinite(total)) {
        iaf_rv_printf(b, ", measured on %.0f of %.0f dominated groups", reached, total);
        if (isfinite(dshare)) {
            iaf_rv_puts(b, " (");
            pct_d(b, dshare, pct_digits(dshare));
            iaf_rv_puts(b, " of their reference mass)");
        }
        return;
    }
    if (!isfinite(r->n_eff)) return;
    iaf_rv_puts(b, ", measured on ");
    iaf_rv_count(b, r->n_eff);
    iaf_rv_puts(b, " rows");
    if (isfinite(r->support_ref) && r->support_ref < 0.9995) {
        iaf_rv_puts(b, " (");
        pct_d(b, r->support_ref, pct_digits(r->support_ref));
        iaf_rv_puts(b, " of the reference's mass)");
    }
}

static void lump_phrase(iaf_buf *b, const json_t *lump)
{
    iaf_rv_puts(b, "a lumped remainder holds ");
    double s = iaf_rv_numv(lump, "lump_share");
    pct_d(b, s, pct_digits(s));
    iaf_rv_puts(b, " of the mass");
}

static void threshold_phrase(iaf_buf *b, double t)
{
    if (!isfinite(t)) return;
    iaf_rv_puts(b, " (threshold ");
    pct_d(b, t, pct_digits(t));
    iaf_rv_puts(b, ")");
}

/* The numbers of a flattening check (rkinds.h). */
void iaf_rk_flattening_answer(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const json_t *f = iaf_rv_obj(v0, "flattening"), *lump = lump_of(v0);
    double sr = iaf_rv_numv(f, "segregation_retention"), lo, hi;
    int any = 0;
    if (isfinite(sr)) {
        iaf_rv_puts(b, "the data keep ");
        if (iaf_rv_interval(f, "segregation_retention", &lo, &hi))
            pct_ci(b, sr, lo, hi);
        else
            pct_ci(b, sr, NAN, NAN);
        iaf_rv_printf(b, " of the segregation of %s across %s in the reference", r->ax ? r->ax : "",
                      r->ay ? r->ay : "");
        any = 1;
    }
    double fl = iaf_rv_numv(lump, "flattening_pooled_lower"),
           fh = iaf_rv_numv(lump, "flattening_pooled_upper");
    if (lump) {
        iaf_rv_puts(b, any ? " (on the named categories only; " : "");
        lump_phrase(b, lump);
        if (isfinite(fl) && isfinite(fh)) {
            iaf_rv_puts(b, ", so dominated groups moved ");
            pct_range(b, fl, fh);
            iaf_rv_puts(b, " of the way to parity");
        } else
            iaf_rv_puts(b, ", so how far dominated groups moved to parity is not bounded");
        if (any && isfinite(r->threshold)) {
            iaf_rv_puts(b, ", threshold ");
            pct_d(b, r->threshold, pct_digits(r->threshold));
        } else if (!any)
            threshold_phrase(b, r->threshold);
        iaf_rv_puts(b, any ? ")" : "");
        return;
    }
    double fp = iaf_rv_numv(f, "flattening_pooled");
    if (isfinite(fp)) {
        iaf_rv_puts(b, any ? "; dominated groups moved " : "dominated groups moved ");
        if (iaf_rv_interval(f, "flattening_pooled", &lo, &hi))
            pct_ci(b, fp, lo, hi);
        else
            pct_ci(b, fp, NAN, NAN);
        iaf_rv_puts(b, " of the way to parity");
        threshold_phrase(b, r->threshold);
    }
}

/* The numbers of a joint check (rkinds.h). */
void iaf_rk_joint_answer(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const json_t *m = iaf_rv_obj(v0, "metrics"), *lump = lump_of(v0);
    const char *ax = r->ax ? r->ax : "x", *ay = r->ay ? r->ay : "y";
    double ret, lo, hi;
    /* the calibrated estimate its interval belongs to, else the plug-in */
    if (!iaf_rv_estimate(iaf_rv_obj(iaf_rv_obj(m, "intervals"), "retention"), "estimate", &ret) &&
        !iaf_rv_estimate(m, "retention", &ret))
        ret = NAN;
    if (!lump && isfinite(ret)) {
        iaf_rv_puts(b, "the data keep ");
        if (iaf_rv_interval(m, "retention", &lo, &hi))
            pct_ci(b, ret, lo, hi);
        else
            pct_ci(b, ret, NAN, NAN);
        iaf_rv_puts(b, " of the dependence in the reference, and ");
    }
    iaf_rv_printf(b, "the distribution of %s given %s is off by ", ay, ax);
    double cl = iaf_rv_numv(lump, "cond_tvd_lower"), ch = iaf_rv_numv(lump, "cond_tvd_upper");
    if (lump && isfinite(cl) && isfinite(ch)) {
        pct_range(b, cl, ch);
        iaf_rv_puts(b, " of its mass (bounds: ");
        lump_phrase(b, lump);
        if (isfinite(r->threshold)) {
            iaf_rv_puts(b, "; threshold ");
            pct_d(b, r->threshold, pct_digits(r->threshold));
        }
        iaf_rv_puts(b, ")");
        return;
    } else if (!strcmp(r->key.metric ? r->key.metric : "", "cond_tvd_y_given_x")) {
        pct_ci(b, r->key.est, r->key.lo, r->key.hi);
        iaf_rv_puts(b, " of its mass");
    } else {
        double e = iaf_rv_numv(m, "cond_tvd_y_given_x");
        if (!iaf_rv_interval(m, "cond_tvd_y_given_x", &lo, &hi)) lo = hi = NAN;
        pct_ci(b, e, lo, hi);
        iaf_rv_puts(b, " of its mass");
    }
    threshold_phrase(b, r->threshold);
}

static iaf_status add(iaf_report_model *m, const iaf_rm_row *r, int rank, iaf_buf *t)
{
    if (iaf_rv_oom_failed() || !t->data) return IAF_ERR_NOMEM;
    iaf_rm_answer *a = iaf_realloc_array(m->answers, m->nanswers + 1, sizeof *a);
    if (!a) return IAF_ERR_NOMEM;
    m->answers = a;
    a[m->nanswers].check_id = r ? r->check_id : NULL;
    a[m->nanswers].verdict = r ? r->verdict : NULL;
    a[m->nanswers].rank = rank;
    a[m->nanswers].has_check = r && r->check;
    a[m->nanswers].text = t->data; /* handed over */
    m->nanswers++;
    *t = (iaf_buf){0};
    return IAF_OK;
}

/* A check's key number in its group's list of checks not passing (rkinds.h). */
void iaf_rk_group_answer(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    (void)v0;
    if (r->key.metric && isfinite(r->key.est)) {
        iaf_rv_puts(b, ", ");
        iaf_rv_key_text(b, &r->key, r->ax, r->ay);
    }
}

/* One check of a kind answered a sentence a check (IAF_RK_ANSWER_ROW): joint,
 * flattening. */
static iaf_status row_answer(iaf_report_model *m, const iaf_rm_row *r)
{
    iaf_buf t = {0};
    const json_t *v0 = variant0(r);
    what(&t, r);
    iaf_rv_puts(&t, ": ");
    if (!r->check)
        iaf_rv_puts(&t, "the report has no details of this check");
    else
        iaf_rk_of(r->kind)->answer_numbers(&t, r, v0);
    support_phrase(&t, r, v0);
    iaf_rv_puts(&t, ": ");
    verdict_phrase(&t, r->verdict, r->diagnosis);
    const char *mapping = iaf_rv_str(r->check, "mapping");
    size_t nv = json_array_size(iaf_rv_arr(r->check, "variants"));
    if (mapping && nv > 1 && !(r->diagnosis && !strcmp(r->diagnosis, mapping)))
        iaf_rv_printf(&t, ", %s across %zu mappings", mapping, nv);
    const char *age = iaf_rv_str(v0, "age_agreement");
    if (age) iaf_rv_printf(&t, ", %s", age);
    iaf_rv_puts(&t, ".");
    iaf_status st = add(m, r, r->rank, &t);
    iaf_buf_free(&t);
    return st;
}

/* A group: the checks of a kind answered together (IAF_RK_ANSWER_GROUP:
 * marginal, rule, conditional independence, kinds this version does not
 * know), with the checks that did not pass named with their key number. */
static iaf_status group_answer(iaf_report_model *m, int rank)
{
    const iaf_rm_tally *k = &m->tally[rank];
    if (!k->n) return IAF_OK;
    iaf_buf t = {0};
    iaf_rv_printf(&t, "%s: %zu of %zu PASS, %zu FLAG, %zu INCONCLUSIVE", iaf_rk_at(rank)->title,
                  k->pass, k->n, k->flag, k->inconclusive);
    if (k->pending) iaf_rv_printf(&t, ", %zu without a verdict", k->pending);
    /* a threshold common to the group is said once */
    double th = NAN;
    int common = 1;
    for (size_t i = 0; i < m->nrows; i++) {
        const iaf_rm_row *r = &m->rows[i];
        if (r->rank != rank) continue;
        if (!isfinite(r->threshold) || (isfinite(th) && th != r->threshold)) common = 0;
        th = r->threshold;
    }
    if (common && isfinite(th)) {
        iaf_rv_puts(&t, iaf_rk_at(rank)->threshold_text);
        iaf_rv_fixed(&t, th, 2);
        iaf_rv_puts(&t, ")");
    }
    size_t shown = 0, rest = 0;
    for (size_t i = 0; i < m->nrows; i++) {
        const iaf_rm_row *r = &m->rows[i];
        if (r->rank != rank || (r->verdict && !strcmp(r->verdict, "PASS"))) continue;
        if (shown == 6) {
            rest++;
            continue;
        }
        iaf_rv_puts(&t, shown++ ? "; " : "; not passing: ");
        iaf_rv_puts(&t, r->check_id);
        iaf_rv_puts(&t, " ");
        iaf_rv_puts(&t, r->verdict ? r->verdict : "without a verdict");
        if (r->verdict && strcmp(r->verdict, "FLAG")) iaf_rv_puts(&t, " (cannot be decided)");
        iaf_rk_at(rank)->answer_numbers(&t, r, variant0(r));
    }
    if (rest) iaf_rv_printf(&t, "; and %zu more", rest);
    iaf_rv_puts(&t, ".");
    iaf_status st = add(m, NULL, rank, &t);
    iaf_buf_free(&t);
    return st;
}

iaf_status iaf_rm_answers_build(iaf_report_model *m)
{
    iaf_status st = IAF_OK;
    iaf_rv_oom_reset();
    const json_t *lead = iaf_rv_obj(m->doc, "lead");
    const char *lead_check = iaf_rv_str(lead, "check");
    m->question = iaf_rv_str(lead, "question");
    /* the lead's combination first, then every other joint and flattening
     * check in headline order, then the groups */
    for (int pass = 0; pass < 2 && st == IAF_OK; pass++)
        for (size_t i = 0; i < m->nrows && st == IAF_OK; i++) {
            const iaf_rm_row *r = &m->rows[i];
            int is_lead = lead_check && !strcmp(lead_check, r->check_id);
            if (pass == 0 ? !is_lead : is_lead) continue;
            if (iaf_rk_at(r->rank)->answer == IAF_RK_ANSWER_ROW) st = row_answer(m, r);
        }
    for (int rank = 0; rank < IAF_RM_NKINDS && st == IAF_OK; rank++)
        if (iaf_rk_at(rank)->answer == IAF_RK_ANSWER_GROUP) st = group_answer(m, rank);
    if (st == IAF_OK && iaf_rv_oom_failed()) st = IAF_ERR_NOMEM;
    return st;
}

void iaf_rm_answers_free(iaf_report_model *m)
{
    for (size_t i = 0; i < m->nanswers; i++)
        iaf_free(m->answers[i].text);
    iaf_free(m->answers);
    m->answers = NULL;
    m->nanswers = 0;
}
