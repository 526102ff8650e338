/* src/audit/support.c - see support.h. */
#include "audit/support.h"
#include "util/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int iaf_lump_like(const char *label, size_t len)
{
    static const char *const names[] = {"기타",     "그 외",     "그외", "other", "others",
                                        "rest",     "etc",       "etc.", "misc",  "기타 등등",
                                        "the rest", "all other", NULL};
    while (len && isspace((unsigned char)*label))
        label++, len--;
    while (len && isspace((unsigned char)label[len - 1]))
        len--;
    for (size_t i = 0; names[i]; i++) {
        size_t n = strlen(names[i]);
        if (n != len) continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)label[k]) == (unsigned char)names[i][k])
            k++;
        if (k == n) return 1;
    }
    return 0;
}

static int is_lump_label(iaf_sv v, const char *const *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(labels[i]) == v.len && (v.len == 0 || !memcmp(labels[i], v.ptr, v.len)))
            return 1;
    return 0;
}

static long find_label(char *const *list, size_t n, iaf_sv v)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == v.len && (v.len == 0 || !memcmp(list[i], v.ptr, v.len)))
            return (long)i;
    return -1;
}

static void finish_support(iaf_support *s, double min_support)
{
    s->min_support = isnan(min_support) ? 0.5 : min_support;
    s->support_ref = s->ref_mass > 0 ? s->ref_reached_mass / s->ref_mass : NAN;
    s->support_syn = s->syn_mass > 0 ? s->syn_support_mass / s->syn_mass : NAN;
    int low = !(s->support_ref >= s->min_support);
    if (s->flattening)
        low |= !(s->dom_share >= s->min_support) || s->dom_reached < IAF_MIN_DOMINATED;
    s->insufficient = low;
    if (!low) return;
    if (s->flattening)
        snprintf(s->reason, sizeof s->reason,
                 "insufficient support (%.1f%% of the reference; %zu of %zu dominated categories, "
                 "%.1f%% of their reference mass)",
                 100 * s->support_ref, s->dom_reached, s->dom_total, 100 * s->dom_share);
    else
        snprintf(s->reason, sizeof s->reason, "insufficient support (%.1f%% of the reference)",
                 100 * s->support_ref);
}

int iaf_support_compare(const iaf_comparison *c, double syn_mass, const iaf_lump_bounds *lump,
                        double min_support, iaf_support *out)
{
    memset(out, 0, sizeof *out);
    size_t kx = c->kx, ky = c->ky;
    int has_lump = lump && lump->present;
    /* a category is reached when the synthetic side has mass there, or when
     * its attribute carries a lump (which may feed any category) */
    unsigned char *rx = iaf_calloc(kx + 1, 1), *ry = iaf_calloc(ky + 1, 1);
    if (!rx || !ry) {
        iaf_free(rx), iaf_free(ry);
        out->support_ref = out->support_syn = NAN;
        return -1;
    }
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++)
            if (c->s[x * ky + y] > 0) rx[x] = ry[y] = 1;
    if (has_lump) {
        if (c->twod)
            for (size_t y = 0; y < ky; y++)
                ry[y] = 1;
        else
            for (size_t x = 0; x < kx; x++)
                rx[x] = 1;
    }
    /* with a lump on y, the rows reached are those with named or lump mass:
     * iaf_lump_compare counted the others (unreached_ref) */
    out->ref_mass = c->r_total;
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++)
            if (rx[x] && ry[y]) out->ref_reached_mass += c->r[x * ky + y];
    if (has_lump && lump->has_cond && c->twod && !isnan(lump->unreached_ref))
        out->ref_reached_mass = c->r_support * (1 - lump->unreached_ref);
    out->syn_mass = syn_mass;
    out->syn_support_mass = c->s_support + (has_lump ? lump->lump_mass : 0);
    out->n_eff = c->s_total > 0 ? c->n_s * c->s_support / c->s_total : NAN;
    iaf_free(rx), iaf_free(ry);
    finish_support(out, min_support);
    return 0;
}

void iaf_support_flat(const iaf_flat_result *f, double syn_mass, double n_s,
                      const iaf_lump_bounds *lump, double min_support, iaf_support *out)
{
    memset(out, 0, sizeof *out);
    out->flattening = 1;
    double dom = 0, dom_reached = 0, syn_on = 0;
    for (size_t y = 0; y < f->k; y++) {
        double r = f->r_focal[y] + f->r_other[y], s = f->s_focal[y] + f->s_other[y];
        int reached = r > 0 && s > 0;
        out->ref_mass += r;
        syn_on += s;
        if (reached) out->ref_reached_mass += r;
        if (!f->dominated[y]) continue;
        out->dom_total++;
        dom += r;
        if (reached) {
            out->dom_reached++;
            dom_reached += r;
        }
    }
    out->dom_share = dom > 0 ? dom_reached / dom : 0;
    out->syn_mass = syn_mass;
    out->syn_support_mass = syn_on + (lump && lump->present ? lump->lump_mass : 0);
    double named = f->s_total - f->s_off - f->s_missing_group;
    out->n_eff = f->s_total > 0 ? n_s * named / f->s_total : NAN;
    finish_support(out, min_support);
}

void iaf_lump_bounds_clear(iaf_lump_bounds *b)
{
    if (!b) return;
    iaf_free(b->f_s_lo), iaf_free(b->f_s_hi), iaf_free(b->total);
    memset(b, 0, sizeof *b);
}

static void lump_reason(iaf_lump_bounds *b)
{
    snprintf(b->reason, sizeof b->reason, "partially identified: the lump holds %.1f%% of the mass",
             100 * b->lump_share);
}

iaf_status iaf_lump_compare(const iaf_comparison *c, const iaf_table *lump,
                            const char *const *labels, size_t nlabels, iaf_lump_bounds *b,
                            iaf_error *err)
{
    return iaf_lump_compare_totals(c, lump, labels, nlabels, NULL, b, err);
}

/* The lump's capacity per lumped category (docs/method.md 9.2): with the
 * category totals T_y known, at most U_y = T_y - (named mass in y) of the
 * lump belongs to y, whatever row it sits in. NULL (no capacities) when the
 * totals are absent or cannot hold the lump (inconsistent totals). */
static double *lump_capacity(const iaf_comparison *c, const iaf_table *totals, double lump_mass,
                             int *oom)
{
    *oom = 0;
    if (!totals) return NULL;
    int twod = c->twod;
    size_t kc = twod ? c->ky : c->kx, kr = twod ? c->kx : 1;
    char *const *cl = twod ? c->yl : c->xl;
    double *u = iaf_calloc(kc + 1, sizeof *u);
    if (!u) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < iaf_table_ncells(totals); i++) {
        iaf_cell t = iaf_table_cell(totals, i);
        if (t.state != IAF_CELL_OK) continue;
        long y = find_label(cl, kc, iaf_table_cat(totals, 0, t.cat[0]));
        if (y >= 0) u[y] += t.value;
    }
    double cap = 0;
    for (size_t y = 0; y < kc; y++) {
        /* named mass on the comparable support only: U_y is then an upper
         * bound of the lump's part, so the bounds stay valid */
        for (size_t x = 0; x < kr; x++)
            u[y] -= c->s[x * kc + y];
        u[y] = fmax(0, u[y]);
        cap += u[y];
    }
    if (!(cap >= lump_mass * (1 - 1e-9))) {
        iaf_free(u);
        return NULL;
    }
    return u;
}

iaf_status iaf_lump_compare_totals(const iaf_comparison *c, const iaf_table *lump,
                                   const char *const *labels, size_t nlabels,
                                   const iaf_table *totals, iaf_lump_bounds *b, iaf_error *err)
{
    memset(b, 0, sizeof *b);
    size_t kx = c->kx, ky = c->ky;
    int twod = c->twod;
    int lc = (int)iaf_table_nattrs(lump) - 1; /* the raw lumped column is last */
    double *lx = iaf_calloc(kx + 1, sizeof *lx);
    if (!lx) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < iaf_table_ncells(lump); i++) {
        iaf_cell cl = iaf_table_cell(lump, i);
        if (cl.state != IAF_CELL_OK) continue;
        if (!is_lump_label(iaf_table_cat(lump, (size_t)lc, cl.cat[lc]), labels, nlabels)) continue;
        b->lump_mass += cl.value;
        if (!twod) continue;
        long x = find_label(c->xl, kx, iaf_table_cat(lump, 0, cl.cat[0]));
        if (x >= 0) lx[x] += cl.value;
    }
    b->present = 1;
    b->labels = (char **)labels;
    b->nlabels = nlabels;
    double used = c->s_support + (twod ? 0 : b->lump_mass);
    if (twod)
        for (size_t x = 0; x < kx; x++)
            used += lx[x];
    b->lump_share = used > 0 ? (twod ? (used - c->s_support) : b->lump_mass) / used : NAN;
    /* Per row x: the synthetic conditional is s_named(y|x) + l_x q(y) for an
     * unknown distribution q. With a_y = s_named(y|x) - r(y|x), the TVD is at
     * least P = sum_y max(0, a_y) (the lump fills the deficits) and at most
     * P - max(0, a*) + max(0, a* + l_x), a* = max_y a_y (the lump piled on
     * the category already most in excess). */
    double rt = 0, dep = 0, unreached = 0;
    for (size_t k = 0; k < kx * ky; k++)
        rt += c->r[k];
    size_t rows = twod ? kx : 1, cols = twod ? ky : kx;
    int oom;
    double *cap = lump_capacity(c, totals, b->lump_mass, &oom);
    if (oom) {
        iaf_free(lx);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    b->has_totals = cap != NULL;
    for (size_t x = 0; x < rows; x++) {
        double rx = 0, sx = 0, l = twod ? lx[x] : b->lump_mass;
        for (size_t y = 0; y < cols; y++) {
            rx += c->r[x * cols + y];
            sx += c->s[x * cols + y];
        }
        if (!(rx > 0)) continue;
        if (!(sx + l > 0)) {
            unreached += rx;
            continue;
        }
        double P = 0, amax = -INFINITY, ls = l / (sx + l);
        double fill = 0,
               gain = 0; /* with capacities: deficits the lump can fill, excess it can add */
        for (size_t y = 0; y < cols; y++) {
            double a = c->s[x * cols + y] / (sx + l) - c->r[x * cols + y] / rx;
            P += fmax(0, a);
            amax = fmax(amax, a);
            if (cap) {
                double cy = fmin(l, cap[y]) / (sx + l); /* the row's lump in y, at most */
                fill += fmin(fmax(0, -a), cy);
                gain += fmax(0, cy - fmax(0, -a));
            }
        }
        /* METHOD.md 3.5 adds the lump's share to P; that is the sharp bound
         * whenever some category is at or above the reference (a* >= 0), and
         * a valid, slightly wider one otherwise (P - max(0, a*) + max(0, a* +
         * l_x) is sharp). The documented bound is reported. */
        (void)amax;
        double lo = P, hi = P + ls;
        if (cap) {
            /* the lump fills at most `fill` of the deficits (sum ls + P), so
             * ls - min(ls, fill) of them stay; and adds at most min(ls, gain)
             * excess beyond P (docs/method.md 9.2) */
            lo = P + (ls - fmin(ls, fill));
            hi = P + fmin(ls, gain);
        }
        double w = rx / rt;
        b->cond_lo += w * lo;
        b->cond_hi += w * fmin(1, hi);
    }
    iaf_free(cap);
    /* the footprint's denominator cond_tvd(s_perp, r) = dep_tvd(r) is the
     * reference's own */
    if (twod) {
        double *cy = iaf_calloc(ky + 1, sizeof *cy);
        if (!cy) {
            iaf_free(lx);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                cy[y] += c->r[x * ky + y] / rt;
        for (size_t x = 0; x < kx; x++) {
            double px = 0;
            for (size_t y = 0; y < ky; y++)
                px += c->r[x * ky + y] / rt;
            for (size_t y = 0; y < ky; y++)
                dep += 0.5 * fabs(px * cy[y] - c->r[x * ky + y] / rt);
        }
        iaf_free(cy);
    }
    b->has_cond = 1;
    b->unreached_ref = rt > 0 ? unreached / rt : NAN;
    b->footprint_lo = dep > 0 ? b->cond_lo / dep : NAN;
    b->footprint_hi = dep > 0 ? b->cond_hi / dep : NAN;
    iaf_free(lx);
    lump_reason(b);
    return IAF_OK;
}

iaf_status iaf_lump_flat(const iaf_flat_result *f, const char *focal, const iaf_table *lump,
                         const char *const *labels, size_t nlabels, const iaf_table *totals,
                         iaf_lump_bounds *b, iaf_error *err)
{
    memset(b, 0, sizeof *b);
    int lc = (int)iaf_table_nattrs(lump) - 1;
    for (size_t i = 0; i < iaf_table_ncells(lump); i++) {
        iaf_cell cl = iaf_table_cell(lump, i);
        if (cl.state != IAF_CELL_OK) continue;
        if (!is_lump_label(iaf_table_cat(lump, (size_t)lc, cl.cat[lc]), labels, nlabels)) continue;
        iaf_sv g = iaf_table_cat(lump, 0, cl.cat[0]);
        if (g.len == 0) continue;
        if (g.len == strlen(focal) && !memcmp(g.ptr, focal, g.len))
            b->lump_focal += cl.value;
        else
            b->lump_other += cl.value;
    }
    b->present = 1;
    b->labels = (char **)labels;
    b->nlabels = nlabels;
    b->lump_mass = b->lump_focal + b->lump_other;
    double named = 0;
    for (size_t y = 0; y < f->k; y++)
        named += f->s_focal[y] + f->s_other[y];
    b->lump_share = named + b->lump_mass > 0 ? b->lump_mass / (named + b->lump_mass) : NAN;
    size_t k = b->k = f->k;
    b->cat_labels = f->labels;
    b->f_s_lo = iaf_calloc(k + 1, sizeof *b->f_s_lo);
    b->f_s_hi = iaf_calloc(k + 1, sizeof *b->f_s_hi);
    b->total = iaf_calloc(k + 1, sizeof *b->total);
    if (!b->f_s_lo || !b->f_s_hi || !b->total)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    b->f_s_pooled_lo = b->f_s_pooled_hi = NAN;
    b->flattening_pooled_lo = b->flattening_pooled_hi = NAN;
    for (size_t y = 0; y < k; y++)
        b->f_s_lo[y] = b->f_s_hi[y] = b->total[y] = NAN;
    lump_reason(b);
    if (!totals) return IAF_OK;
    for (size_t y = 0; y < k; y++)
        b->total[y] = 0;
    for (size_t i = 0; i < iaf_table_ncells(totals); i++) {
        iaf_cell cl = iaf_table_cell(totals, i);
        if (cl.state != IAF_CELL_OK) continue;
        long y = find_label(f->labels, k, iaf_table_cat(totals, 0, cl.cat[0]));
        if (y >= 0) b->total[y] += cl.value;
    }
    b->has_totals = 1;
    /* Per category y with N_y known: the lump's part U_y = N_y - N_named(y) is
     * focal for between max(0, U_y - L_other) and min(U_y, L_focal) of it. */
    double F = 0, N = 0, U = 0, rf = 0, rt = 0;
    for (size_t y = 0; y < k; y++) {
        double ny = b->total[y], nn = f->s_focal[y] + f->s_other[y];
        double u = fmax(0, ny - nn);
        if (ny > 0) {
            b->f_s_lo[y] = (f->s_focal[y] + fmax(0, u - b->lump_other)) / ny;
            b->f_s_hi[y] = (f->s_focal[y] + fmin(u, b->lump_focal)) / ny;
        }
        double r = f->r_focal[y] + f->r_other[y];
        if (!f->dominated[y] || !(ny > 0) || !(r > 0)) continue;
        F += f->s_focal[y];
        N += ny;
        U += u;
        rf += f->r_focal[y];
        rt += r;
    }
    if (N > 0 && rt > 0) {
        b->f_s_pooled_lo = (F + fmax(0, U - b->lump_other)) / N;
        b->f_s_pooled_hi = (F + fmin(U, b->lump_focal)) / N;
        double fr = rf / rt, den = f->point.f_perp - fr;
        if (den != 0) {
            double a = (b->f_s_pooled_lo - fr) / den, c = (b->f_s_pooled_hi - fr) / den;
            b->flattening_pooled_lo = fmin(a, c);
            b->flattening_pooled_hi = fmax(a, c);
        }
    }
    return IAF_OK;
}

/* A screen decided on bounds [blo, bhi], each widened by the sampling
 * half-width of the plug-in interval (Imbens-Manski style). */
static void bound_screen(iaf_screen *s, double blo, double bhi)
{
    if (isnan(s->lo) || isnan(s->hi) || isnan(s->estimate)) return; /* not screened */
    if (isnan(blo) || isnan(bhi)) {
        s->verdict = IAF_VERDICT_INCONCLUSIVE;
        snprintf(s->reason, sizeof s->reason,
                 "not identified with a lumped remainder: unbounded without category totals");
        return;
    }
    double dlo = fmax(0, s->estimate - s->lo), dhi = fmax(0, s->hi - s->estimate);
    double plo = s->lo, phi = s->hi;
    s->lo = blo - dlo;
    s->hi = bhi + dhi;
    s->estimate = s->fails_above ? blo : bhi; /* the bound that can fail it */
    iaf_screen_decide(s);
    char tail[sizeof s->reason];
    memcpy(tail, s->reason, sizeof tail);
    int n = snprintf(s->reason, sizeof s->reason,
                     "bounds [%.4g, %.4g] (plug-in [%.4g, %.4g]): ", blo, bhi, plo, phi);
    if (n > 0 && (size_t)n < sizeof s->reason)
        memcpy(s->reason + n, tail, IAF_MIN(strlen(tail) + 1, sizeof s->reason - (size_t)n - 1));
    s->reason[sizeof s->reason - 1] = 0;
}

void iaf_verdict_partial(iaf_check_verdict *v, const iaf_lump_bounds *b, int flattening)
{
    if (!b || !b->present || !(b->lump_mass > 0)) return; /* an empty lump identifies all */
    for (size_t i = 0; i < v->nscreens; i++) {
        iaf_screen *s = &v->screens[i];
        if (s->verdict == IAF_VERDICT_NONE) continue;
        const char *m = s->metric;
        if (!flattening && b->has_cond && (!strcmp(m, "cond_tvd_y_given_x") || !strcmp(m, "tvd")))
            bound_screen(s, b->cond_lo, b->cond_hi);
        else if (!flattening && b->has_cond && !strcmp(m, "footprint"))
            bound_screen(s, b->footprint_lo, b->footprint_hi);
        else if (flattening && !strncmp(m, "flattening_pooled", 17))
            bound_screen(s, b->flattening_pooled_lo, b->flattening_pooled_hi);
        else {
            s->verdict = IAF_VERDICT_INCONCLUSIVE;
            snprintf(s->reason, sizeof s->reason,
                     "not identified with a lumped remainder (plug-in [%.4g, %.4g])", s->lo, s->hi);
        }
    }
    iaf_verdict_combine(v);
    if (v->verdict == IAF_VERDICT_FLAG)
        v->diagnosis = "mismatch on the lower bound (partially identified)";
    else if (v->verdict == IAF_VERDICT_PASS)
        v->diagnosis = "within tolerance on the upper bound (partially identified)";
    else
        v->diagnosis = b->reason;
}

void iaf_verdict_support(iaf_check_verdict *v, const iaf_support *s)
{
    if (!s || !s->insufficient || v->verdict == IAF_VERDICT_NONE) return;
    v->verdict = IAF_VERDICT_INCONCLUSIVE;
    v->diagnosis = s->reason;
}

void iaf_support_json(const iaf_support *s, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_json_knum(j, "support_ref", s->support_ref);
    iaf_json_knum(j, "reference_mass", s->ref_mass);
    iaf_json_knum(j, "reference_mass_reached", s->ref_reached_mass);
    iaf_json_knum(j, "support_syn", s->support_syn);
    iaf_json_knum(j, "synthetic_mass", s->syn_mass);
    iaf_json_knum(j, "synthetic_mass_on_support", s->syn_support_mass);
    iaf_json_knum(j, "n_eff", s->n_eff);
    if (s->flattening) {
        iaf_json_kint(j, "dominated_reached", (int64_t)s->dom_reached);
        iaf_json_kint(j, "dominated_total", (int64_t)s->dom_total);
        iaf_json_knum(j, "dominated_reference_share_reached", s->dom_share);
    }
    iaf_json_knum(j, "min_support", s->min_support);
    iaf_json_kbool(j, "sufficient", !s->insufficient);
    iaf_json_kstr(j, "reason", s->insufficient ? s->reason : NULL);
    iaf_json_end_object(j);
}

void iaf_lump_bounds_json(const iaf_lump_bounds *b, iaf_json *j)
{
    if (!b || !b->present) {
        iaf_json_null(j);
        return;
    }
    iaf_json_begin_object(j);
    iaf_json_key(j, "labels");
    iaf_json_begin_array(j);
    for (size_t i = 0; i < b->nlabels; i++)
        iaf_json_str(j, b->labels[i]);
    iaf_json_end_array(j);
    iaf_json_knum(j, "lump_mass", b->lump_mass);
    iaf_json_knum(j, "lump_share", b->lump_share);
    if (b->has_cond) {
        iaf_json_knum(j, "cond_tvd_lower", b->cond_lo);
        iaf_json_knum(j, "cond_tvd_upper", b->cond_hi);
        iaf_json_knum(j, "footprint_lower", b->footprint_lo);
        iaf_json_knum(j, "footprint_upper", b->footprint_hi);
        iaf_json_knum(j, "reference_share_unreached", b->unreached_ref);
        if (b->has_totals) iaf_json_kbool(j, "category_totals", 1);
    } else {
        iaf_json_knum(j, "lump_focal", b->lump_focal);
        iaf_json_knum(j, "lump_other", b->lump_other);
        iaf_json_kbool(j, "category_totals", b->has_totals);
        iaf_json_knum(j, "f_s_pooled_lower", b->f_s_pooled_lo);
        iaf_json_knum(j, "f_s_pooled_upper", b->f_s_pooled_hi);
        iaf_json_knum(j, "flattening_pooled_lower", b->flattening_pooled_lo);
        iaf_json_knum(j, "flattening_pooled_upper", b->flattening_pooled_hi);
        iaf_json_key(j, "categories");
        iaf_json_begin_array(j);
        for (size_t y = 0; b->has_totals && y < b->k; y++) {
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "category", b->cat_labels ? b->cat_labels[y] : NULL);
            iaf_json_knum(j, "synthetic_total", b->total[y]);
            iaf_json_knum(j, "f_s_lower", b->f_s_lo[y]);
            iaf_json_knum(j, "f_s_upper", b->f_s_hi[y]);
            iaf_json_end_object(j);
        }
        iaf_json_end_array(j);
    }
    iaf_json_kstr(j, "reason", b->reason);
    iaf_json_end_object(j);
}
