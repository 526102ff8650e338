/* stats/bootstrap.c - interval rules and the parametric bootstrap drivers. */
#include "stats/bootstrap.h"

#include <math.h>
#include <pthread.h>
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

/* One side of a check: how its replicate table is drawn (shared, read-only
 * once built) ... */
typedef struct side_plan {
    size_t k;
    int mode; /* 0 fixed, 1 multinomial, 2 normal */
    uint64_t n;
    iaf_multinomial mn;
    const double *p;  /* the observed table (counts or shares) */
    const double *se; /* mode 2: SEs of the shares */
    double inv;       /* mode 2: 1 / total of p */
} side_plan;

/* ... and the per-worker buffers a draw writes into. */
typedef struct side_buf {
    uint64_t *counts; /* mode 1 */
    double *out;      /* modes 1 and 2: the replicate table, k doubles */
} side_buf;

static void side_plan_free(side_plan *s)
{
    iaf_multinomial_free(&s->mn);
}

static iaf_status side_plan_init(side_plan *s, const double *p, size_t k, int mode, double n,
                                 const double *se, iaf_error *err)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    s->mode = mode;
    s->p = p;
    s->se = se;
    if (mode == 1) {
        s->n = sample_size(n);
        return iaf_multinomial_init(&s->mn, p, k, err);
    }
    if (mode == 2) {
        double t = 0;
        for (size_t i = 0; i < k; i++)
            t += p[i];
        s->inv = 1 / t;
    }
    return IAF_OK;
}

static int side_buf_init(side_buf *b, const side_plan *s)
{
    b->counts = NULL;
    b->out = NULL;
    if (s->mode == 0) return 0;
    b->out = iaf_malloc(s->k * sizeof *b->out);
    if (s->mode == 1) b->counts = iaf_malloc(s->k * sizeof *b->counts);
    return !b->out || (s->mode == 1 && !b->counts) ? -1 : 0;
}

static void side_buf_free(side_buf *b)
{
    iaf_free(b->counts);
    iaf_free(b->out);
}

/* Draw the replicate table; returns the table to use (the observed one when fixed). */
static const double *side_draw(const side_plan *s, side_buf *b, iaf_rng *rng)
{
    if (s->mode == 0) return s->p;
    if (s->mode == 1) {
        iaf_multinomial_sample(&s->mn, rng, s->n, b->counts);
        for (size_t i = 0; i < s->k; i++)
            b->out[i] = (double)b->counts[i];
        return b->out;
    }
    /* Normal(r, se^2) per cell, clipped at 0; renormalised by the metrics.
     * A draw that clips every cell to 0 is redrawn. */
    for (;;) {
        double t = 0;
        for (size_t i = 0; i < s->k; i++) {
            double v = s->p[i] * s->inv + s->se[i] * iaf_rng_normal(rng);
            b->out[i] = v > 0 ? v : 0;
            t += b->out[i];
        }
        if (t > 0) return b->out;
    }
}

/* Replicates [b0, b1) of a joint check, with their own workspace, so that
 * ranges can run on separate threads. */
typedef struct joint_job {
    const iaf_joint_input *in;
    const iaf_joint_metrics *point;
    const side_plan *sp, *rp;
    uint64_t seed;
    size_t b0, b1;
    double *reps;
    iaf_status st;
} joint_job;

static void *joint_job_run(void *arg)
{
    joint_job *j = arg;
    const iaf_joint_input *in = j->in;
    side_buf sb = {NULL, NULL}, rb = {NULL, NULL};
    iaf_jt s, r;
    int have_s = 0, have_r = 0;
    double *ratio = NULL;
    j->st = IAF_ERR_NOMEM;
    if (side_buf_init(&sb, j->sp) != 0 || side_buf_init(&rb, j->rp) != 0) goto done;
    if (iaf_jt_init(&s, in->kx, in->ky) != IAF_OK) goto done;
    have_s = 1;
    if (iaf_jt_init(&r, in->kx, in->ky) != IAF_OK) goto done;
    have_r = 1;
    ratio = iaf_malloc(in->ky * sizeof *ratio);
    if (!ratio) goto done;
    /* Fixed sides are read once; a replicate only re-reads what it redraws. */
    if (j->sp->mode == 0) iaf_jt_set(&s, in->s);
    if (j->rp->mode == 0) iaf_jt_set(&r, in->r);
    for (size_t b = j->b0; b < j->b1; b++) {
        iaf_rng rng;
        iaf_rng_seed_stream(&rng, j->seed, b);
        iaf_joint_metrics m = *j->point;
        if (j->sp->mode != 0) iaf_jt_set(&s, side_draw(j->sp, &sb, &rng));
        if (j->rp->mode != 0) iaf_jt_set(&r, side_draw(j->rp, &rb, &rng));
        /* Replicate mode keeps the point estimate's dependence decision. */
        iaf_joint_metrics_fill(&s, &r, in->n_s, in->n_r, in->r_se, 1, ratio, &m);
        if (!j->point->reference_dependent) m.retention = m.footprint = NAN;
        for (int id = 0; id < IAF_JM_COUNT; id++)
            j->reps[b * IAF_JM_COUNT + (size_t)id] =
                iaf_joint_metric_value(&m, (iaf_joint_metric_id)id);
    }
    j->st = IAF_OK;
done:
    iaf_free(ratio);
    if (have_s) iaf_jt_free(&s);
    if (have_r) iaf_jt_free(&r);
    side_buf_free(&sb);
    side_buf_free(&rb);
    return NULL;
}

#define MAX_THREADS 64

iaf_status iaf_joint_bootstrap(const iaf_joint_input *in, const iaf_boot_options *opt,
                               iaf_joint_boot *out, iaf_error *err)
{
    size_t B;
    uint64_t seed;
    double level;
    options(opt, &B, &seed, &level);
    iaf_status st = iaf_joint_metrics_compute(in, &out->point, err);
    if (st != IAF_OK) return st;
    size_t n = in->kx * in->ky;
    if (B > IAF_ALLOC_CAP / sizeof(double) / IAF_JM_COUNT)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "too many bootstrap replicates");
    out->b = B;
    int rmode = isfinite(in->n_r) ? 1 : in->r_se ? 2 : 0;
    out->r_mode = rmode == 1   ? IAF_BOOT_R_MULTINOMIAL
                  : rmode == 2 ? IAF_BOOT_R_NORMAL
                               : IAF_BOOT_R_FIXED;
    size_t nt = opt && opt->threads > 1 ? opt->threads : 1;
    if (nt > MAX_THREADS) nt = MAX_THREADS;
    if (nt > B) nt = B;

    side_plan sp, rp;
    double *reps = NULL, *col = NULL;
    int have_s = 0, have_r = 0;
    st = side_plan_init(&sp, in->s, n, isfinite(in->n_s) ? 1 : 0, in->n_s, NULL, err);
    have_s = 1;
    if (st != IAF_OK) goto cleanup;
    st = side_plan_init(&rp, in->r, n, rmode, in->n_r, in->r_se, err);
    have_r = 1;
    if (st != IAF_OK) goto cleanup;
    reps = opt && opt->replicates ? opt->replicates : iaf_malloc(B * IAF_JM_COUNT * sizeof *reps);
    col = iaf_malloc(B * sizeof *col);
    if (!reps || !col) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }

    /* Replicate b uses stream (seed, b) wherever it runs, so the split into
     * ranges does not change a bit of the result. */
    joint_job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (size_t t = 0; t < nt; t++) {
        jobs[t] = (joint_job){in,         &out->point,      &sp,  &rp,   seed,
                              B * t / nt, B * (t + 1) / nt, reps, IAF_OK};
        if (t > 0) started[t] = pthread_create(&tid[t], NULL, joint_job_run, &jobs[t]) == 0;
    }
    joint_job_run(&jobs[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            joint_job_run(&jobs[t]); /* no thread available: run the range here */
    }
    for (size_t t = 0; t < nt; t++) {
        if (jobs[t].st != IAF_OK) {
            st = iaf_error_set(err, jobs[t].st, NULL, 0, 0, "out of memory");
            goto cleanup;
        }
    }

    /* Summaries work on a copy per metric so the caller's replicates stay
     * in replicate order. */
    for (int id = 0; id < IAF_JM_COUNT; id++) {
        for (size_t b = 0; b < B; b++)
            col[b] = reps[b * IAF_JM_COUNT + (size_t)id];
        double lo, hi;
        iaf_joint_metric_range((iaf_joint_metric_id)id, &lo, &hi);
        iaf_boot_interval_from(iaf_joint_metric_value(&out->point, (iaf_joint_metric_id)id), col, B,
                               level, lo, hi, &out->ci[id]);
    }
    st = IAF_OK;
cleanup:
    if (!(opt && opt->replicates)) iaf_free(reps);
    iaf_free(col);
    if (have_s) side_plan_free(&sp);
    if (have_r) side_plan_free(&rp);
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
    side_plan ss, rs;
    side_buf sb = {NULL, NULL}, rb = {NULL, NULL};
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
    st = side_plan_init(&ss, sv, 2 * k, isfinite(n_s) ? 1 : 0, n_s, NULL, err);
    have_s = 1;
    if (st != IAF_OK) goto cleanup;
    st = side_plan_init(&rs, rv, 2 * k, isfinite(n_r) ? 1 : 0, n_r, NULL, err);
    have_r = 1;
    if (st != IAF_OK) goto cleanup;
    if (side_buf_init(&sb, &ss) != 0 || side_buf_init(&rb, &rs) != 0) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }

    for (size_t b = 0; b < B; b++) {
        iaf_rng rng;
        iaf_rng_seed_stream(&rng, seed, b);
        const double *s1 = side_draw(&ss, &sb, &rng), *r1 = side_draw(&rs, &rb, &rng);
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
    if (have_s) side_plan_free(&ss);
    if (have_r) side_plan_free(&rs);
    side_buf_free(&sb);
    side_buf_free(&rb);
    if (!(opt && opt->replicates)) iaf_free(reps);
    iaf_free(col);
    iaf_free(sv);
    iaf_free(rv);
    iaf_free(dom);
    return st;
}
