/* stats/bootstrap.c - interval rules and the parametric bootstrap drivers. */
#include "stats/bootstrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics_internal.h"
#include "stats/rng.h"
#include "util/util.h"

double iaf_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0 || isnan(q)) return NAN;
    q = fmin(fmax(q, 0), 1);
    double h = (double)(n - 1) * q;
    size_t i = (size_t)floor(h);
    if (i >= n - 1) return sorted[n - 1];
    double frac = h - (double)i;
    return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double clip(double v, double lo, double hi)
{
    return isnan(v) ? v : fmin(fmax(v, lo), hi);
}

void iaf_boot_interval_from(double t, double *reps, size_t b, double level, double range_lo,
                            double range_hi, iaf_boot_interval *out)
{
    /* Move the finite replicates to the front. */
    size_t n = 0;
    for (size_t i = 0; i < b; i++)
        if (isfinite(reps[i])) reps[n++] = reps[i];
    out->estimate = t;
    out->n_valid = n;
    if (isnan(t) || n == 0 || 2 * n < b) {
        out->lo = out->hi = out->pct_lo = out->pct_hi = NAN;
        out->bias_corrected = out->boot_mean = out->boot_se = NAN;
        return;
    }
    qsort(reps, n, sizeof *reps, cmp_double);
    double a = (1 - level) / 2;
    double qlo = iaf_quantile_sorted(reps, n, a), qhi = iaf_quantile_sorted(reps, n, 1 - a);
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += reps[i];
    mean /= (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (reps[i] - mean) * (reps[i] - mean);
    out->pct_lo = qlo;
    out->pct_hi = qhi;
    out->lo = clip(2 * t - qhi, range_lo, range_hi);
    out->hi = clip(2 * t - qlo, range_lo, range_hi);
    out->bias_corrected = clip(2 * t - mean, range_lo, range_hi);
    out->boot_mean = mean;
    out->boot_se = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

static void options(const iaf_boot_options *opt, size_t *b, uint64_t *seed, double *level)
{
    *b = opt && opt->b ? opt->b : IAF_BOOT_DEFAULT_B;
    *seed = opt ? opt->seed : IAF_BOOT_DEFAULT_SEED;
    *level = opt && opt->level > 0 ? opt->level : IAF_BOOT_DEFAULT_LEVEL;
}

/* Multinomial size from a (possibly Kish, non-integer) sample size. */
static uint64_t sample_size(double n)
{
    double r = floor(n + 0.5);
    return r < 1 ? 1 : (uint64_t)r;
}

/* One side of a check: how its replicate table is drawn. */
typedef struct side {
    size_t k;
    int mode; /* 0 fixed, 1 multinomial, 2 normal */
    uint64_t n;
    iaf_multinomial mn;
    const double *p;  /* the observed table (counts or shares) */
    const double *se; /* mode 2: SEs of the shares */
    double inv;       /* mode 2: 1 / total of p */
    uint64_t *counts; /* mode 1 workspace */
    double *out;      /* the replicate table (modes 1 and 2), k doubles */
} side;

static void side_free(side *s)
{
    iaf_multinomial_free(&s->mn);
    free(s->counts);
    free(s->out);
}

static iaf_status side_init(side *s, const double *p, size_t k, int mode, double n,
                            const double *se, iaf_error *err)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    s->mode = mode;
    s->p = p;
    s->se = se;
    if (mode == 0) return IAF_OK;
    s->out = iaf_malloc(k * sizeof *s->out);
    if (!s->out) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (mode == 1) {
        s->n = sample_size(n);
        s->counts = iaf_malloc(k * sizeof *s->counts);
        if (!s->counts) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return iaf_multinomial_init(&s->mn, p, k, err);
    }
    double t = 0;
    for (size_t i = 0; i < k; i++)
        t += p[i];
    s->inv = 1 / t;
    return IAF_OK;
}

/* Draw the replicate table; returns the table to use (the observed one when fixed). */
static const double *side_draw(side *s, iaf_rng *rng)
{
    if (s->mode == 0) return s->p;
    if (s->mode == 1) {
        iaf_multinomial_sample(&s->mn, rng, s->n, s->counts);
        for (size_t i = 0; i < s->k; i++)
            s->out[i] = (double)s->counts[i];
        return s->out;
    }
    /* Normal(r, se^2) per cell, clipped at 0; renormalised by the metrics.
     * A draw that clips every cell to 0 is redrawn. */
    for (;;) {
        double t = 0;
        for (size_t i = 0; i < s->k; i++) {
            double v = s->p[i] * s->inv + s->se[i] * iaf_rng_normal(rng);
            s->out[i] = v > 0 ? v : 0;
            t += s->out[i];
        }
        if (t > 0) return s->out;
    }
}

iaf_status iaf_joint_bootstrap(const iaf_joint_input *in, const iaf_boot_options *opt,
                               iaf_joint_boot *out, iaf_error *err)
{
    size_t B;
    uint64_t seed;
    double level;
    options(opt, &B, &seed, &level);
    iaf_status st = iaf_joint_metrics_compute(in, &out->point, err);
    if (st != IAF_OK) return st;
    size_t kx = in->kx, ky = in->ky, n = kx * ky;
    if (B > IAF_ALLOC_CAP / sizeof(double) / IAF_JM_COUNT)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "too many bootstrap replicates");
    out->b = B;
    int rmode = isfinite(in->n_r) ? 1 : in->r_se ? 2 : 0;
    out->r_mode = rmode == 1   ? IAF_BOOT_R_MULTINOMIAL
                  : rmode == 2 ? IAF_BOOT_R_NORMAL
                               : IAF_BOOT_R_FIXED;

    side ss, rs;
    iaf_jt s, r;
    double *ratio = NULL, *reps = NULL;
    int have_s = 0, have_r = 0, have_js = 0, have_jr = 0;
    st = side_init(&ss, in->s, n, isfinite(in->n_s) ? 1 : 0, in->n_s, NULL, err);
    have_s = 1;
    if (st != IAF_OK) goto cleanup;
    st = side_init(&rs, in->r, n, rmode, in->n_r, in->r_se, err);
    have_r = 1;
    if (st != IAF_OK) goto cleanup;
    if ((st = iaf_jt_init(&s, kx, ky)) != IAF_OK) goto nomem;
    have_js = 1;
    if ((st = iaf_jt_init(&r, kx, ky)) != IAF_OK) goto nomem;
    have_jr = 1;
    ratio = iaf_malloc(ky * sizeof *ratio);
    reps = opt && opt->replicates ? opt->replicates : iaf_malloc(B * IAF_JM_COUNT * sizeof *reps);
    if (!ratio || !reps) goto nomem;

    /* Fixed sides are set once; a replicate only re-reads what it redraws. */
    if (ss.mode == 0) iaf_jt_set(&s, in->s);
    if (rs.mode == 0) iaf_jt_set(&r, in->r);
    for (size_t b = 0; b < B; b++) {
        iaf_rng rng;
        iaf_rng_seed_stream(&rng, seed, b);
        iaf_joint_metrics m = out->point;
        if (ss.mode != 0) iaf_jt_set(&s, side_draw(&ss, &rng));
        if (rs.mode != 0) iaf_jt_set(&r, side_draw(&rs, &rng));
        /* Replicate mode keeps the point estimate's dependence decision. */
        iaf_joint_metrics_fill(&s, &r, in->n_s, in->n_r, in->r_se, 1, ratio, &m);
        if (!out->point.reference_dependent) m.retention = m.footprint = NAN;
        for (int id = 0; id < IAF_JM_COUNT; id++)
            reps[b * IAF_JM_COUNT + (size_t)id] =
                iaf_joint_metric_value(&m, (iaf_joint_metric_id)id);
    }

    /* Summaries work on a copy per metric so the caller's replicates stay
     * in replicate order. */
    double *col = iaf_malloc(B * sizeof *col);
    if (!col) goto nomem;
    for (int id = 0; id < IAF_JM_COUNT; id++) {
        for (size_t b = 0; b < B; b++)
            col[b] = reps[b * IAF_JM_COUNT + (size_t)id];
        double lo, hi;
        iaf_joint_metric_range((iaf_joint_metric_id)id, &lo, &hi);
        iaf_boot_interval_from(iaf_joint_metric_value(&out->point, (iaf_joint_metric_id)id), col, B,
                               level, lo, hi, &out->ci[id]);
    }
    free(col);
    st = IAF_OK;
    goto cleanup;
nomem:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
cleanup:
    if (!(opt && opt->replicates)) free(reps);
    free(ratio);
    if (have_js) iaf_jt_free(&s);
    if (have_jr) iaf_jt_free(&r);
    if (have_s) side_free(&ss);
    if (have_r) side_free(&rs);
    return st;
}

static const char *const flat_names[IAF_FB_COUNT] = {
    "flattening_pooled", "flattening_mean", "segregation_retention",
    "duncan_s",          "duncan_r",        "f_s_pooled",
};

const char *iaf_flat_boot_name(iaf_flat_boot_id id)
{
    return (unsigned)id < IAF_FB_COUNT ? flat_names[id] : NULL;
}

static double flat_value(const iaf_flattening *f, int id)
{
    switch (id) {
    case IAF_FB_FLATTENING_POOLED:
        return f->flattening_pooled;
    case IAF_FB_FLATTENING_MEAN:
        return f->flattening_mean;
    case IAF_FB_SEGREGATION_RETENTION:
        return f->segregation_retention;
    case IAF_FB_DUNCAN_S:
        return f->duncan_s;
    case IAF_FB_DUNCAN_R:
        return f->duncan_r;
    case IAF_FB_F_S_POOLED:
        return f->f_s_pooled;
    default:
        return NAN;
    }
}

static void flat_range(int id, double *lo, double *hi)
{
    switch (id) {
    case IAF_FB_FLATTENING_POOLED:
    case IAF_FB_FLATTENING_MEAN:
        *lo = -INFINITY;
        *hi = INFINITY;
        break;
    case IAF_FB_SEGREGATION_RETENTION:
        *lo = 0;
        *hi = INFINITY;
        break;
    default:
        *lo = 0;
        *hi = 1;
        break;
    }
}

iaf_status iaf_flattening_bootstrap(const iaf_flat_input *in, double n_s, double n_r,
                                    const iaf_boot_options *opt, iaf_flat_boot *out, iaf_error *err)
{
    size_t B;
    uint64_t seed;
    double level, theta;
    options(opt, &B, &seed, &level);
    iaf_status st = iaf_flattening_check(in, &theta, err);
    if (st != IAF_OK) return st;
    if (!(n_s > 0) || !(n_r > 0))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "sample sizes must be positive (n_s = %g, n_r = %g)", n_s, n_r);
    size_t k = in->k;
    if (k > IAF_ALLOC_CAP / 2 / sizeof(double) || B > IAF_ALLOC_CAP / sizeof(double) / IAF_FB_COUNT)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "flattening bootstrap too large");
    out->b = B;
    out->r_mode = isfinite(n_r) ? IAF_BOOT_R_MULTINOMIAL : IAF_BOOT_R_FIXED;

    /* Each side as one table of 2k cells: focal counts, then other counts. */
    double *sv = iaf_malloc(2 * k * sizeof *sv), *rv = iaf_malloc(2 * k * sizeof *rv);
    unsigned char *dom = iaf_malloc(k);
    double *reps =
        opt && opt->replicates ? opt->replicates : iaf_malloc(B * IAF_FB_COUNT * sizeof *reps);
    double *col = iaf_malloc(B * sizeof *col);
    side ss, rs;
    int have_s = 0, have_r = 0;
    if (!sv || !rv || !dom || !reps || !col) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    memcpy(sv, in->s_focal, k * sizeof *sv);
    memcpy(sv + k, in->s_other, k * sizeof *sv);
    memcpy(rv, in->r_focal, k * sizeof *rv);
    memcpy(rv + k, in->r_other, k * sizeof *rv);
    iaf_flattening_eval(in, theta, NULL, &out->point, NULL, NULL, NULL, dom);
    st = side_init(&ss, sv, 2 * k, isfinite(n_s) ? 1 : 0, n_s, NULL, err);
    have_s = 1;
    if (st != IAF_OK) goto cleanup;
    st = side_init(&rs, rv, 2 * k, isfinite(n_r) ? 1 : 0, n_r, NULL, err);
    have_r = 1;
    if (st != IAF_OK) goto cleanup;

    for (size_t b = 0; b < B; b++) {
        iaf_rng rng;
        iaf_rng_seed_stream(&rng, seed, b);
        const double *s1 = side_draw(&ss, &rng), *r1 = side_draw(&rs, &rng);
        iaf_flat_input rep = {k, s1, s1 + k, r1, r1 + k, theta};
        iaf_flattening f;
        iaf_flattening_eval(&rep, theta, dom, &f, NULL, NULL, NULL, NULL);
        for (int id = 0; id < IAF_FB_COUNT; id++)
            reps[b * IAF_FB_COUNT + (size_t)id] = flat_value(&f, id);
    }
    for (int id = 0; id < IAF_FB_COUNT; id++) {
        for (size_t b = 0; b < B; b++)
            col[b] = reps[b * IAF_FB_COUNT + (size_t)id];
        double lo, hi;
        flat_range(id, &lo, &hi);
        iaf_boot_interval_from(flat_value(&out->point, id), col, B, level, lo, hi, &out->ci[id]);
    }
    st = IAF_OK;
cleanup:
    if (have_s) side_free(&ss);
    if (have_r) side_free(&rs);
    if (!(opt && opt->replicates)) free(reps);
    free(col);
    free(sv);
    free(rv);
    free(dom);
    return st;
}
