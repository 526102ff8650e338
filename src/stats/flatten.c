/* stats/flatten.c - flattening toward parity and Duncan's segregation index
 * (METHOD.md section 5; formulas in docs/method.md). */
#include <math.h>

#include "iaf/metrics.h"
#include "stats/metrics_internal.h"

#define DEFAULT_THETA 0.25

static int valid_counts(const double *v, size_t k)
{
    if (!v) return 0;
    for (size_t i = 0; i < k; i++)
        if (!(v[i] >= 0) || !isfinite(v[i])) return 0;
    return 1;
}

static double sum(const double *v, size_t k)
{
    /* Neumaier: the domain may have thousands of categories. */
    double s = 0, c = 0;
    for (size_t i = 0; i < k; i++) {
        double t = s + v[i];
        c += fabs(s) >= fabs(v[i]) ? (s - t) + v[i] : (v[i] - t) + s;
        s = t;
    }
    return s + c;
}

static double share(double focal, double other)
{
    double t = focal + other;
    return t > 0 ? focal / t : NAN;
}

/* (f_s - f_r) / (f_perp - f_r): 0 = as the reference, 1 = at independence. */
static double flattening_of(double fs, double fr, double fperp)
{
    double den = fperp - fr;
    if (isnan(fs) || isnan(fr) || den == 0) return NAN;
    return (fs - fr) / den;
}

/* Is y in Duncan's support: mass on both sides? A category the synthetic side
 * never reaches (a truncated or partial crosswalk) says nothing about how either
 * side segregates, so it must not count for one side only. */
static int in_support(const iaf_flat_input *in, const unsigned char *fixed, size_t y)
{
    if (fixed) return (fixed[y] & IAF_FLAT_SUPPORT) != 0;
    return in->s_focal[y] + in->s_other[y] > 0 && in->r_focal[y] + in->r_other[y] > 0;
}

/* Duncan & Duncan (1955): D = 1/2 sum_y |o_y / O - f_y / F|, over the support
 * only (F and O are the sums there). */
static double duncan(const iaf_flat_input *in, const unsigned char *fixed, const double *focal,
                     const double *other)
{
    double F = 0, O = 0;
    for (size_t y = 0; y < in->k; y++)
        if (in_support(in, fixed, y)) {
            F += focal[y];
            O += other[y];
        }
    if (!(F > 0) || !(O > 0)) return NAN;
    double s = 0, c = 0;
    for (size_t y = 0; y < in->k; y++) {
        if (!in_support(in, fixed, y)) continue;
        double d = fabs(other[y] / O - focal[y] / F), t = s + d;
        c += fabs(s) >= d ? (s - t) + d : (d - t) + s;
        s = t;
    }
    return 0.5 * (s + c);
}

/* The pooled measures' sums over the dominated categories in the support. */
typedef struct pooled_sums {
    double sf, st, rf, rt; /* focal and total mass of each side */
    double wsum, wflat;    /* reference-weighted per-category flattening */
    size_t n;
} pooled_sums;

static void pooled_add(pooled_sums *p, const iaf_flat_input *in, size_t y, double fl)
{
    p->n++;
    p->sf += in->s_focal[y];
    p->st += in->s_focal[y] + in->s_other[y];
    p->rf += in->r_focal[y];
    p->rt += in->r_focal[y] + in->r_other[y];
    if (!isnan(fl)) {
        double w = in->r_focal[y] + in->r_other[y];
        p->wsum += w;
        p->wflat += w * fl;
    }
}

static void pooled_finish(const pooled_sums *p, double f_perp, iaf_flattening *out)
{
    if (p->n == 0) {
        out->f_s_pooled = out->f_r_pooled = NAN;
        out->flattening_pooled = out->flattening_mean = NAN;
        return;
    }
    out->f_s_pooled = p->st > 0 ? p->sf / p->st : NAN;
    out->f_r_pooled = p->rt > 0 ? p->rf / p->rt : NAN;
    out->flattening_pooled = flattening_of(out->f_s_pooled, out->f_r_pooled, f_perp);
    out->flattening_mean = p->wsum > 0 ? p->wflat / p->wsum : NAN;
}

/* D of each side and their ratio. */
static void segregation(const iaf_flat_input *in, const unsigned char *fixed, iaf_flattening *out)
{
    out->duncan_s = duncan(in, fixed, in->s_focal, in->s_other);
    out->duncan_r = duncan(in, fixed, in->r_focal, in->r_other);
    out->segregation_retention =
        out->duncan_r > 0 && !isnan(out->duncan_s) ? out->duncan_s / out->duncan_r : NAN;
}

void iaf_flattening_eval(const iaf_flat_input *in, double theta, const unsigned char *fixed,
                         iaf_flattening *out, double *f_s, double *f_r, double *flattening,
                         unsigned char *flags)
{
    size_t k = in->k;
    double SF = sum(in->s_focal, k), SO = sum(in->s_other, k);
    double RF = sum(in->r_focal, k), RO = sum(in->r_other, k);
    out->f_perp = share(RF, RO);
    out->f_perp_s = share(SF, SO);
    out->n_dominated = out->n_dominated_support = 0;
    out->n_support = 0;
    double r_in = 0; /* reference mass in Duncan's support */
    pooled_sums pool = {0, 0, 0, 0, 0, 0, 0};
    for (size_t y = 0; y < k; y++) {
        double fs = share(in->s_focal[y], in->s_other[y]);
        double fr = share(in->r_focal[y], in->r_other[y]);
        double fl = flattening_of(fs, fr, out->f_perp);
        int dom = fixed ? (fixed[y] & IAF_FLAT_DOMINATED) != 0 : !isnan(fr) && fr < theta;
        int sup = in_support(in, fixed, y);
        if (f_s) f_s[y] = fs;
        if (f_r) f_r[y] = fr;
        if (flattening) flattening[y] = fl;
        if (flags)
            flags[y] =
                (unsigned char)((dom ? IAF_FLAT_DOMINATED : 0) | (sup ? IAF_FLAT_SUPPORT : 0));
        if (sup) {
            out->n_support++;
            r_in += in->r_focal[y] + in->r_other[y];
        }
        if (!dom) continue;
        out->n_dominated++;
        /* pooled over the dominated categories both sides reach, as Duncan's D */
        if (sup) pooled_add(&pool, in, y, fl);
    }
    out->n_dominated_support = pool.n;
    pooled_finish(&pool, out->f_perp, out);
    out->r_outside_support = RF + RO > 0 ? 1 - r_in / (RF + RO) : NAN;
    segregation(in, fixed, out);
}

void iaf_flattening_replicate(const iaf_flat_input *in, const unsigned char *fixed, unsigned need,
                              iaf_flattening *out)
{
    if (need == IAF_FLAT_NEED_ALL) {
        iaf_flattening_eval(in, in->theta, fixed, out, NULL, NULL, NULL, NULL);
        return;
    }
    out->f_s_pooled = out->f_r_pooled = out->flattening_pooled = out->flattening_mean = NAN;
    out->duncan_s = out->duncan_r = out->segregation_retention = NAN;
    if (need & IAF_FLAT_NEED_DUNCAN) segregation(in, fixed, out);
    if (!(need & IAF_FLAT_NEED_POOLED)) return;
    /* the loop of iaf_flattening_eval over the dominated categories in the support */
    size_t k = in->k;
    double f_perp = share(sum(in->r_focal, k), sum(in->r_other, k));
    pooled_sums pool = {0, 0, 0, 0, 0, 0, 0};
    for (size_t y = 0; y < k; y++)
        if ((fixed[y] & (IAF_FLAT_DOMINATED | IAF_FLAT_SUPPORT)) ==
            (IAF_FLAT_DOMINATED | IAF_FLAT_SUPPORT))
            pooled_add(&pool, in, y,
                       flattening_of(share(in->s_focal[y], in->s_other[y]),
                                     share(in->r_focal[y], in->r_other[y]), f_perp));
    pooled_finish(&pool, f_perp, out);
}

iaf_status iaf_flattening_check(const iaf_flat_input *in, double *theta, iaf_error *err)
{
    if (!in || in->k == 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "empty flattening domain");
    size_t k = in->k;
    if (!valid_counts(in->s_focal, k) || !valid_counts(in->s_other, k) ||
        !valid_counts(in->r_focal, k) || !valid_counts(in->r_other, k))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "flattening counts must be finite and >= 0");
    *theta = in->theta == 0 ? DEFAULT_THETA : in->theta;
    if (!(*theta > 0 && *theta <= 1))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "flattening threshold theta = %g is outside (0, 1]", in->theta);
    double st = sum(in->s_focal, k) + sum(in->s_other, k);
    double rt = sum(in->r_focal, k) + sum(in->r_other, k);
    if (!(st > 0) || !(rt > 0) || !isfinite(st) || !isfinite(rt))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "%s side has a zero total",
                             !(st > 0) ? "synthetic" : "reference");
    return IAF_OK;
}

iaf_status iaf_flattening_compute(const iaf_flat_input *in, iaf_flattening *out, double *f_s,
                                  double *f_r, double *flattening, unsigned char *dominated,
                                  iaf_error *err)
{
    double theta;
    iaf_status st = iaf_flattening_check(in, &theta, err);
    if (st != IAF_OK) return st;
    iaf_flattening_eval(in, theta, NULL, out, f_s, f_r, flattening, dominated);
    if (dominated)
        for (size_t y = 0; y < in->k; y++)
            dominated[y] &= IAF_FLAT_DOMINATED;
    return IAF_OK;
}
