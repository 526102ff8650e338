/* src/audit/flatcheck.c - see flatcheck.h. */
#include "audit/flatcheck.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_label(iaf_sv v, const char *s)
{
    return v.len == strlen(s) && (v.len == 0 || memcmp(v.ptr, s, v.len) == 0);
}

static void screens(iaf_check_verdict *v, const iaf_flattening *p, const iaf_flat_boot *b,
                    double th_f, double th_s)
{
    memset(v, 0, sizeof *v);
    v->reference_dependent = 1;
    iaf_screen *a = &v->screens[v->nscreens++];
    a->metric = "flattening_pooled";
    a->threshold = th_f;
    a->fails_above = 1;
    a->plug_in = p->flattening_pooled;
    a->estimate = b && !isnan(b->ci[IAF_FB_FLATTENING_POOLED].bias_corrected)
                      ? b->ci[IAF_FB_FLATTENING_POOLED].bias_corrected
                      : p->flattening_pooled;
    a->lo = b ? b->ci[IAF_FB_FLATTENING_POOLED].lo : NAN;
    a->hi = b ? b->ci[IAF_FB_FLATTENING_POOLED].hi : NAN;
    a->floor = NAN;
    iaf_screen_decide(a);
    /* the other direction: segregation exaggerated beyond the reference */
    iaf_screen *e = &v->screens[v->nscreens++];
    e->metric = "flattening_pooled (exaggeration)";
    e->threshold = -th_f;
    e->fails_above = 0;
    e->estimate = a->estimate;
    e->plug_in = a->plug_in;
    e->lo = a->lo;
    e->hi = a->hi;
    e->floor = NAN;
    iaf_screen_decide(e);
    iaf_screen *c = &v->screens[v->nscreens++];
    c->metric = "segregation_retention";
    c->threshold = th_s;
    c->fails_above = 0;
    c->plug_in = p->segregation_retention;
    c->estimate = b && !isnan(b->ci[IAF_FB_SEGREGATION_RETENTION].bias_corrected)
                      ? b->ci[IAF_FB_SEGREGATION_RETENTION].bias_corrected
                      : p->segregation_retention;
    c->lo = b ? b->ci[IAF_FB_SEGREGATION_RETENTION].lo : NAN;
    c->hi = b ? b->ci[IAF_FB_SEGREGATION_RETENTION].hi : NAN;
    c->floor = NAN;
    iaf_screen_decide(c);
    iaf_verdict_combine(v);
    iaf_diag_facts f = iaf_diag_facts_init(IAF_DIAG_FLATTENING);
    f.verdict = v->verdict;
    f.flat_lo = a->lo;
    f.flat_hi = a->hi;
    f.flat_verdict = a->verdict;
    f.exag_verdict = e->verdict;
    f.ret_lo = c->lo;
    f.ret_hi = c->hi;
    v->diagnosis = iaf_diagnose(&f);
}

/* Standard weights w[y * ka + a] over the stratum's categories of syn, per
 * domain category y of the reference (rd): from `standard` (one attribute:
 * the same weights for every y; with standard_by, each category's own row,
 * a category it lacks gets none) or the reference's stratum marginal. */
static int standard_weights(const iaf_flat_check_input *in, int ss, int rd, double *w, double *wall,
                            size_t ka, size_t k, char *note, size_t nn)
{
    const iaf_table *st = in->standard ? in->standard : in->ref;
    int at = in->standard ? iaf_table_attr_index(st, in->stratum)
                          : iaf_table_attr_index(in->ref, in->stratum);
    if (in->standard && at < 0) at = 0;
    int by = in->standard && in->standard_by ? iaf_table_attr_index(st, in->standard_by) : -1;
    if (at < 0) {
        snprintf(note, nn, "the reference has no '%s' detail and no standard population was given",
                 in->stratum);
        return -1;
    }
    if (in->standard && in->standard_by && by < 0) {
        snprintf(note, nn, "the standard population has no '%s' detail", in->standard_by);
        return -1;
    }
    memset(w, 0, k * ka * sizeof *w);
    memset(wall, 0, k * sizeof *wall);
    double tot = 0;
    for (size_t i = 0; i < iaf_table_ncells(st); i++) {
        iaf_cell c = iaf_table_cell(st, i);
        if (c.state != IAF_CELL_OK) continue;
        iaf_sv lab = iaf_table_cat(st, (size_t)at, c.cat[at]);
        /* a stratum the synthetic side lacks altogether still counts in
         * the category's whole standard (wall): it is weight not reached */
        int64_t a = iaf_table_find_cat(in->syn, (size_t)ss, lab);
        int64_t y0 = -1;
        if (by >= 0) {
            y0 = iaf_table_find_cat(in->ref, (size_t)rd, iaf_table_cat(st, (size_t)by, c.cat[by]));
            if (y0 < 0) continue;
            wall[y0] += c.value;
        } else {
            for (size_t y = 0; y < k; y++)
                wall[y] += c.value;
        }
        if (a < 0) continue;
        if (by >= 0) {
            w[(size_t)y0 * ka + (size_t)a] += c.value;
        } else {
            for (size_t y = 0; y < k; y++)
                w[y * ka + (size_t)a] += c.value;
        }
        tot += c.value;
    }
    if (!(tot > 0)) {
        snprintf(note, nn, "the standard population shares no '%s' category with the data",
                 in->stratum);
        return -1;
    }
    return 0;
}

/* Coverage of the standard (docs/method.md 5.3): weighted by each category's
 * synthetic mass, over the dominated categories of the common support and
 * over the whole support; below min_coverage the standardised shares stand
 * for a part of the standard only and the standardised verdict cannot be
 * decided. Returns -1 when out of memory. */
static int std_coverage_gate(iaf_flat_result *r, const iaf_flat_check_input *in)
{
    double mc = isnan(in->min_coverage) ? 0.8 : in->min_coverage;
    double cd = 0, nd = 0, ca = 0, na = 0;
    r->std_min_coverage = mc;
    r->std_low_coverage = 0;
    for (size_t y = 0; y < r->k; y++) {
        double ny = r->s_focal[y] + r->s_other[y];
        double nr = r->r_focal[y] + r->r_other[y];
        if (!(ny > 0) || !(nr > 0)) continue; /* outside the common support */
        ca += ny * r->std_coverage[y], na += ny;
        if (r->dominated[y]) cd += ny * r->std_coverage[y], nd += ny;
        if (r->std_coverage[y] < mc) r->std_low_coverage++;
    }
    r->std_coverage_support = na > 0 ? ca / na : NAN;
    r->std_coverage_dominated = nd > 0 ? cd / nd : NAN;
    int low = !(r->std_coverage_support >= mc) || (nd > 0 && !(r->std_coverage_dominated >= mc));
    if (!low) return 0;
    char msg[400];
    snprintf(msg, sizeof msg,
             "standardisation coverage too low: the strata the data reach hold %.1f%% of the "
             "standard's weight over the dominated categories and %.1f%% over the support "
             "(minimum %.0f%%; %zu categories below it)",
             100 * r->std_coverage_dominated, 100 * r->std_coverage_support, 100 * mc,
             r->std_low_coverage);
    if (!(r->std_coverage_note = iaf_strdup(msg))) return -1;
    if (r->std_verdict.verdict != IAF_VERDICT_NONE) {
        r->std_verdict.verdict = IAF_VERDICT_INCONCLUSIVE;
        r->std_verdict.diagnosis = r->std_coverage_note;
    }
    return 0;
}

/* Longer than 150 lines: the steps of a flattening check (METHOD.md section 5) run in
 * sequence on shared locals and read best in order; not split in this pass. */
iaf_status iaf_flat_check(const iaf_flat_check_input *in, iaf_flat_result **out, iaf_error *err)
{
    *out = NULL;
    iaf_status st = IAF_OK;
    const iaf_table *S = in->syn, *R = in->ref;
    int sg = iaf_table_attr_index(S, in->group), sd = iaf_table_attr_index(S, in->domain);
    int rg = iaf_table_attr_index(R, in->group), rd = iaf_table_attr_index(R, in->domain);
    if (sg < 0 || sd < 0 || rg < 0 || rd < 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "both tables need the attributes %s and %s", in->group, in->domain);
    if (iaf_table_find_cat(R, (size_t)rg, (iaf_sv){in->focal, strlen(in->focal)}) < 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the reference has no '%s' category in '%s'", in->focal, in->group);
    iaf_flat_result *r = iaf_calloc(1, sizeof *r);
    double *num = NULL, *den = NULL, *w = NULL, *wall = NULL, *cov = NULL, *sf = NULL, *so = NULL;
    double *rnum = NULL, *rden = NULL, *rf = NULL, *ro = NULL;
    if (!r) goto oom;
    size_t k = r->k = iaf_table_ncats(R, (size_t)rd);
    if (k == 0) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "the reference has no domain categories");
        goto done;
    }
    r->labels = iaf_calloc(k, sizeof *r->labels);
    r->s_focal = iaf_calloc(k, sizeof(double));
    r->s_other = iaf_calloc(k, sizeof(double));
    r->r_focal = iaf_calloc(k, sizeof(double));
    r->r_other = iaf_calloc(k, sizeof(double));
    r->f_s = iaf_calloc(k, sizeof(double));
    r->f_r = iaf_calloc(k, sizeof(double));
    r->flat = iaf_calloc(k, sizeof(double));
    r->dominated = iaf_calloc(k, 1);
    if (!r->labels || !r->s_focal || !r->s_other || !r->r_focal || !r->r_other || !r->f_s ||
        !r->f_r || !r->flat || !r->dominated)
        goto oom;
    for (size_t y = 0; y < k; y++) {
        iaf_sv v = iaf_table_cat(R, (size_t)rd, y);
        if (!(r->labels[y] = iaf_strndup(v.ptr, v.len))) goto oom;
    }
    for (size_t i = 0; i < iaf_table_ncells(R); i++) {
        iaf_cell c = iaf_table_cell(R, i);
        if (c.state != IAF_CELL_OK) continue;
        iaf_sv g = iaf_table_cat(R, (size_t)rg, c.cat[rg]);
        if (g.len == 0) continue;
        if (is_label(g, in->focal))
            r->r_focal[c.cat[rd]] += c.value;
        else
            r->r_other[c.cat[rd]] += c.value;
    }
    for (size_t i = 0; i < iaf_table_ncells(S); i++) {
        iaf_cell c = iaf_table_cell(S, i);
        if (c.state != IAF_CELL_OK) continue;
        r->s_total += c.value;
        iaf_sv g = iaf_table_cat(S, (size_t)sg, c.cat[sg]);
        int64_t y = iaf_table_find_cat(R, (size_t)rd, iaf_table_cat(S, (size_t)sd, c.cat[sd]));
        if (y < 0) {
            r->s_off += c.value;
        } else if (g.len == 0) {
            r->s_missing_group += c.value;
        } else if (is_label(g, in->focal)) {
            r->s_focal[y] += c.value;
        } else {
            r->s_other[y] += c.value;
        }
    }
    iaf_flat_input fi = {k, r->s_focal, r->s_other, r->r_focal, r->r_other, in->theta};
    if ((st = iaf_flattening_compute(&fi, &r->point, r->f_s, r->f_r, r->flat, r->dominated, err)) !=
        IAF_OK)
        goto done;
    double thf = isnan(in->th_flattening) ? 0.5 : in->th_flattening;
    double ths = isnan(in->th_segregation) ? 0.5 : in->th_segregation;
    if (in->boot) {
        if ((st = iaf_flattening_bootstrap(&fi, in->n_s, in->n_r, in->boot, &r->boot, err)) !=
            IAF_OK)
            goto done;
        r->has_boot = 1;
    }
    screens(&r->verdict, &r->point, r->has_boot ? &r->boot : NULL, thf, ths);

    if (in->stratum) {
        char note[256] = "";
        int ss = iaf_table_attr_index(S, in->stratum);
        if (!(r->stratum = iaf_strdup(in->stratum))) goto oom;
        if (ss < 0) {
            snprintf(note, sizeof note,
                     "the synthetic counts have no '%s' detail for this pair: no standardisation",
                     in->stratum);
        } else {
            size_t ka = iaf_table_ncats(S, (size_t)ss);
            num = iaf_calloc(k * ka + 1, sizeof *num);
            den = iaf_calloc(k * ka + 1, sizeof *den);
            w = iaf_calloc(k * ka + 1, sizeof *w);
            cov = iaf_calloc(k + 1, sizeof *cov);
            sf = iaf_calloc(k + 1, sizeof *sf);
            so = iaf_calloc(k + 1, sizeof *so);
            rf = iaf_calloc(k + 1, sizeof *rf);
            ro = iaf_calloc(k + 1, sizeof *ro);
            r->f_s_std = iaf_calloc(k + 1, sizeof *r->f_s_std);
            if (!num || !den || !w || !cov || !sf || !so || !rf || !ro || !r->f_s_std) goto oom;
            for (size_t i = 0; i < iaf_table_ncells(S); i++) {
                iaf_cell c = iaf_table_cell(S, i);
                if (c.state != IAF_CELL_OK) continue;
                iaf_sv g = iaf_table_cat(S, (size_t)sg, c.cat[sg]);
                int64_t y =
                    iaf_table_find_cat(R, (size_t)rd, iaf_table_cat(S, (size_t)sd, c.cat[sd]));
                if (y < 0 || g.len == 0) continue;
                size_t cell = (size_t)y * ka + c.cat[ss];
                den[cell] += c.value;
                if (is_label(g, in->focal)) num[cell] += c.value;
            }
            /* like with like (METHOD.md section 7): the reference's rates by
             * stratum when it has them, on the synthetic side's strata */
            int rs = iaf_table_attr_index(R, in->stratum);
            if (rs >= 0) {
                rnum = iaf_calloc(k * ka + 1, sizeof *rnum);
                rden = iaf_calloc(k * ka + 1, sizeof *rden);
                if (!rnum || !rden) goto oom;
                for (size_t i = 0; i < iaf_table_ncells(R); i++) {
                    iaf_cell c = iaf_table_cell(R, i);
                    if (c.state != IAF_CELL_OK) continue;
                    iaf_sv g = iaf_table_cat(R, (size_t)rg, c.cat[rg]);
                    int64_t a =
                        iaf_table_find_cat(S, (size_t)ss, iaf_table_cat(R, (size_t)rs, c.cat[rs]));
                    if (g.len == 0 || a < 0) continue; /* a stratum the synthetic side lacks */
                    size_t cell = (size_t)c.cat[rd] * ka + (size_t)a;
                    rden[cell] += c.value;
                    if (is_label(g, in->focal)) rnum[cell] += c.value;
                }
                /* strata empty on one side leave that category's weights on both */
                for (size_t cell = 0; cell < k * ka; cell++)
                    if (!(den[cell] > 0) || !(rden[cell] > 0)) {
                        den[cell] = num[cell] = 0;
                        rden[cell] = rnum[cell] = 0;
                    }
            }
            wall = iaf_calloc(k + 1, sizeof *wall);
            if (!wall) goto oom;
            if (standard_weights(in, ss, rd, w, wall, ka, k, note, sizeof note) == 0) {
                r->f_r_std = iaf_calloc(k + 1, sizeof *r->f_r_std);
                r->std_coverage = iaf_calloc(k + 1, sizeof *r->std_coverage);
                if (!r->f_r_std || !r->std_coverage) goto oom;
                /* one category at a time: its own standard row (a category the
                 * standard lacks has no standardised share and coverage 0) */
                for (size_t y = 0; y < k && st == IAF_OK; y++) {
                    double wy = 0;
                    for (size_t a = 0; a < ka; a++)
                        wy += w[y * ka + a];
                    if (!(wy > 0)) {
                        r->f_s_std[y] = r->f_r_std[y] = NAN;
                        r->std_coverage[y] = 0;
                        continue;
                    }
                    st = iaf_direct_standardize(1, ka, num + y * ka, den + y * ka, w + y * ka,
                                                r->f_s_std + y, r->std_coverage + y, err);
                    /* coverage of the category's whole standard */
                    r->std_coverage[y] *= wy / wall[y];
                    if (st == IAF_OK && rs >= 0)
                        st = iaf_direct_standardize(1, ka, rnum + y * ka, rden + y * ka, w + y * ka,
                                                    r->f_r_std + y, NULL, err);
                }
                if (st != IAF_OK) goto done;
                if (rs >= 0) {
                    r->std_compare = "both sides standardised with the same weights";
                } else {
                    for (size_t y = 0; y < k; y++)
                        r->f_r_std[y] = r->f_r[y];
                    r->std_compare =
                        in->standard_by
                            ? "each category's synthetic share standardised to that category's own "
                              "stratum mix in the standard, against the reference's raw share "
                              "(which carries the reference population's own mix): like with like "
                              "when the standard describes the reference population"
                            : "the reference has no stratum detail: standardised synthetic "
                              "shares are compared with the raw reference shares";
                }
                /* standardised counts: each side's category size split by its DS(y);
                 * a category without a common stratum keeps its raw shares */
                for (size_t y = 0; y < k; y++) {
                    double ny = r->s_focal[y] + r->s_other[y];
                    double nr = r->r_focal[y] + r->r_other[y];
                    int raw = isnan(r->f_s_std[y]) || isnan(r->f_r_std[y]);
                    double ds = raw ? (ny > 0 ? r->s_focal[y] / ny : 0) : r->f_s_std[y];
                    double dr = raw ? (nr > 0 ? r->r_focal[y] / nr : 0) : r->f_r_std[y];
                    sf[y] = ds * ny;
                    so[y] = (1 - ds) * ny;
                    rf[y] = dr * nr;
                    ro[y] = (1 - dr) * nr;
                }
                iaf_flat_input fs = {k, sf, so, rf, ro, in->theta};
                if ((st = iaf_flattening_compute(&fs, &r->std_point, NULL, NULL, NULL, NULL,
                                                 err)) != IAF_OK)
                    goto done;
                if (in->boot) {
                    if ((st = iaf_flattening_bootstrap(&fs, in->n_s, in->n_r, in->boot,
                                                       &r->std_boot, err)) != IAF_OK)
                        goto done;
                }
                screens(&r->std_verdict, &r->std_point, in->boot ? &r->std_boot : NULL, thf, ths);
                r->has_std = 1;
                r->std_per_category = in->standard_by != NULL;
                if (std_coverage_gate(r, in) != 0) goto oom;
                r->age_agreement = r->std_coverage_note                           ? "age-undecided"
                                   : r->std_verdict.verdict == r->verdict.verdict ? "age-robust"
                                                                                  : "age-sensitive";
            }
        }
        if (!r->has_std && !(r->std_note = iaf_strdup(note))) goto oom;
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_free(num), iaf_free(den), iaf_free(w), iaf_free(wall), iaf_free(cov), iaf_free(sf),
        iaf_free(so);
    iaf_free(rnum), iaf_free(rden), iaf_free(rf), iaf_free(ro);
    if (st != IAF_OK) {
        iaf_flat_result_free(r);
        return st;
    }
    *out = r;
    return IAF_OK;
}

void iaf_flat_result_free(iaf_flat_result *r)
{
    if (!r) return;
    for (size_t i = 0; r->labels && i < r->k; i++)
        iaf_free(r->labels[i]);
    iaf_free(r->labels);
    iaf_free(r->s_focal), iaf_free(r->s_other), iaf_free(r->r_focal), iaf_free(r->r_other);
    iaf_free(r->f_s), iaf_free(r->f_r), iaf_free(r->flat), iaf_free(r->dominated),
        iaf_free(r->f_s_std);
    iaf_free(r->f_r_std), iaf_free(r->std_coverage);
    iaf_free(r->stratum), iaf_free(r->std_note), iaf_free(r->std_coverage_note);
    iaf_free(r);
}

static void interval(iaf_json *j, const char *key, const iaf_boot_interval *ci)
{
    iaf_json_key(j, key);
    if (!ci) {
        iaf_json_null(j);
        return;
    }
    iaf_json_begin_object(j);
    iaf_json_knum(j, "lo", ci->lo);
    iaf_json_knum(j, "hi", ci->hi);
    iaf_json_knum(j, "bias_corrected", ci->bias_corrected);
    iaf_json_end_object(j);
}

static void summary(iaf_json *j, const iaf_flattening *p, const iaf_flat_boot *b)
{
    iaf_json_knum(j, "f_perp", p->f_perp);
    iaf_json_knum(j, "f_perp_synthetic", p->f_perp_s);
    iaf_json_kint(j, "n_dominated", (int64_t)p->n_dominated);
    iaf_json_kint(j, "n_dominated_in_support", (int64_t)p->n_dominated_support);
    iaf_json_kint(j, "n_support", (int64_t)p->n_support);
    iaf_json_knum(j, "reference_share_outside_support", p->r_outside_support);
    iaf_json_knum(j, "f_s_pooled", p->f_s_pooled);
    iaf_json_knum(j, "f_r_pooled", p->f_r_pooled);
    iaf_json_knum(j, "flattening_pooled", p->flattening_pooled);
    interval(j, "flattening_pooled_interval", b ? &b->ci[IAF_FB_FLATTENING_POOLED] : NULL);
    iaf_json_knum(j, "flattening_mean", p->flattening_mean);
    interval(j, "flattening_mean_interval", b ? &b->ci[IAF_FB_FLATTENING_MEAN] : NULL);
    iaf_json_knum(j, "duncan_s", p->duncan_s);
    iaf_json_knum(j, "duncan_r", p->duncan_r);
    iaf_json_knum(j, "segregation_retention", p->segregation_retention);
    interval(j, "segregation_retention_interval", b ? &b->ci[IAF_FB_SEGREGATION_RETENTION] : NULL);
}

void iaf_flat_result_json(const iaf_flat_result *r, iaf_json *j)
{
    iaf_json_begin_object(j);
    summary(j, &r->point, r->has_boot ? &r->boot : NULL);
    iaf_json_knum(j, "synthetic_total", r->s_total);
    iaf_json_knum(j, "synthetic_off_support", r->s_off);
    iaf_json_knum(j, "synthetic_missing_group", r->s_missing_group);
    iaf_json_key(j, "categories");
    iaf_json_begin_array(j);
    for (size_t y = 0; y < r->k; y++) {
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "category", r->labels[y]);
        iaf_json_kbool(j, "dominated", r->dominated[y]);
        iaf_json_knum(j, "synthetic_focal", r->s_focal[y]);
        iaf_json_knum(j, "synthetic_other", r->s_other[y]);
        iaf_json_knum(j, "reference_focal", r->r_focal[y]);
        iaf_json_knum(j, "reference_other", r->r_other[y]);
        iaf_json_knum(j, "f_s", r->f_s[y]);
        iaf_json_knum(j, "f_r", r->f_r[y]);
        iaf_json_knum(j, "flattening", r->flat[y]);
        if (r->has_std) {
            iaf_json_knum(j, "f_s_standardised", r->f_s_std[y]);
            iaf_json_knum(j, "f_r_standardised", r->f_r_std[y]);
            iaf_json_knum(j, "standard_coverage", r->std_coverage[y]);
        }
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    iaf_json_key(j, "standardised");
    if (r->has_std) {
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "by", r->stratum);
        iaf_json_kstr(j, "compared_with", r->std_compare);
        iaf_json_kbool(j, "standard_per_category", r->std_per_category);
        iaf_json_knum(j, "standard_coverage_dominated", r->std_coverage_dominated);
        iaf_json_knum(j, "standard_coverage_support", r->std_coverage_support);
        iaf_json_knum(j, "min_standard_coverage", r->std_min_coverage);
        iaf_json_kint(j, "categories_below_min_coverage", (int64_t)r->std_low_coverage);
        summary(j, &r->std_point, r->has_boot ? &r->std_boot : NULL);
        iaf_json_key(j, "verdict");
        iaf_verdict_json(&r->std_verdict, j);
        iaf_json_kstr(j, "age_agreement", r->age_agreement);
        iaf_json_end_object(j);
    } else {
        iaf_json_null(j);
    }
    iaf_json_kstr(j, "standardisation_note", r->std_note);
    iaf_json_end_object(j);
}
