/* stats/bootstrap.c - interval rules and the parametric bootstrap drivers. */
#include "stats/bootstrap.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics_internal.h"
#include "stats/rng.h"
#include "util/checked.h"
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
    out->calibrated = 0;
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

/* Multinomial size from a (possibly Kish, non-integer) sample size, which
 * the caller has checked with sample_size_ok. */
static uint64_t sample_size(double n)
{
    double r = floor(n + 0.5);
    return r < 1 ? 1 : (uint64_t)r;
}

/* A finite sample size must be positive and at most IAF_MAX_COUNT: a larger
 * one is no sample size, and converting it to an integer would be undefined. */
static iaf_status sample_size_ok(double n, const char *side, iaf_error *err)
{
    if (!isfinite(n)) return IAF_OK; /* a fixed side */
    if (!(n > 0) || n > IAF_MAX_COUNT)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                             "%s sample size %g is not in (0, " IAF_MAX_COUNT_TEXT "]", side, n);
    return IAF_OK;
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
    /* mode 1, optional: the cells in the order they are drawn (NULL: 0..k-1),
     * and how many of them are drawn one by one (k: all); the others are
     * drawn as one lump whose count is not kept (their cells stay 0) */
    const size_t *order;
    size_t keep;
} side_plan;

/* How a side's multinomial is drawn (see side_plan): NULL is every cell in
 * index order. Drawing the cells the metrics read first and lumping the rest
 * leaves the distribution of those cells exactly as it was (the aggregation
 * property of the multinomial) and, with the same stream, their counts too. */
typedef struct draw_order {
    const size_t *order;
    size_t keep;
} draw_order;

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
                                 const double *se, const draw_order *ord, iaf_error *err)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    s->mode = mode;
    s->p = p;
    s->se = se;
    s->keep = k;
    if (mode == 1) {
        s->n = sample_size(n);
        if (!ord || !ord->order) return iaf_multinomial_init(&s->mn, p, k, err);
        s->order = ord->order;
        s->keep = ord->keep < k ? ord->keep : k;
        size_t kk = s->keep + (s->keep < k);
        double *q = iaf_malloc(kk * sizeof *q);
        if (!q) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < s->keep; i++)
            q[i] = p[s->order[i]];
        if (s->keep < k) {
            double rest = 0;
            for (size_t i = s->keep; i < k; i++)
                rest += p[s->order[i]];
            q[s->keep] = rest;
        }
        iaf_status st = iaf_multinomial_init(&s->mn, q, kk, err);
        iaf_free(q);
        return st;
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
    /* zeroed: the cells of a lump stay 0 */
    b->out = iaf_calloc(s->k, sizeof *b->out);
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
        if (!s->order) {
            for (size_t i = 0; i < s->k; i++)
                b->out[i] = (double)b->counts[i];
        } else {
            for (size_t i = 0; i < s->keep; i++)
                b->out[s->order[i]] = (double)b->counts[i];
        }
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

/* ---- The simulation engine ---------------------------------------------
 * One "evaluation" simulates B replicates of every metric of a check under
 * a candidate truth (s_d, r_d). The ordinary bootstrap is the evaluation at
 * d = 1 (the observed tables); calibrated intervals add evaluations along a
 * path. Metrics come from a small table of operations so that joint and
 * flattening checks share the engine. */

/* sim_ops is iaf_boot_model (bootstrap.h): a kind outside this file can
 * run the same engine on its own tables (iaf_boot_path_interval). */
typedef iaf_boot_model sim_ops;

/* The reference side's replicate tables, drawn once per bootstrap: table b
 * comes from the reference stream (seed, b) of its own (ref_stream), so on
 * every evaluation that holds the reference at its observed table (the
 * ordinary bootstrap and every path but the reference's own) table b is the
 * same whatever the candidate truth, and is kept here after its first draw.
 * A cache too large for REF_CACHE_MAX is not kept: the tables are then drawn
 * again each time, the same numbers. */
#define REF_CACHE_MAX ((size_t)64 << 20) /* bytes */

typedef struct ref_cache {
    double *tab; /* B * k, NULL when not kept */
    size_t k;
    int filled; /* tab holds every replicate's table */
} ref_cache;

static void ref_cache_init(ref_cache *rc, size_t k, size_t B, int r_mode)
{
    rc->tab = NULL;
    rc->k = k;
    rc->filled = 0;
    if (r_mode != 0 && k > 0 && B <= REF_CACHE_MAX / sizeof(double) / k)
        rc->tab = iaf_malloc(B * k * sizeof *rc->tab); /* NULL: draw every time */
}

static void ref_cache_free(ref_cache *rc)
{
    if (rc) iaf_free(rc->tab), rc->tab = NULL;
}

/* Replicate b's reference stream: (seed, b) with the top bit set, apart from
 * the synthetic side's (seed, b) for every b < 2^63. */
static void ref_stream(iaf_rng *rng, uint64_t seed, size_t b)
{
    iaf_rng_seed_stream(rng, seed, (uint64_t)b | (UINT64_C(1) << 63));
}

typedef struct sim_job {
    const sim_ops *ops;
    const side_plan *sp, *rp;
    ref_cache *rc; /* NULL: the reference is not the observed one */
    uint64_t seed;
    size_t b0, b1;
    double *reps;
    iaf_status st;
} sim_job;

static void *sim_job_run(void *arg)
{
    sim_job *j = arg;
    const sim_ops *ops = j->ops;
    side_buf sb = {NULL, NULL}, rb = {NULL, NULL};
    void *ws = NULL;
    j->st = IAF_ERR_NOMEM;
    if (side_buf_init(&sb, j->sp) != 0 || side_buf_init(&rb, j->rp) != 0) goto done;
    if (ops->ws_needed && !(ws = ops->ws_new(ops->ctx))) goto done;
    ref_cache *rc = j->rc && j->rc->tab ? j->rc : NULL;
    for (size_t b = j->b0; b < j->b1; b++) {
        iaf_rng rng;
        iaf_rng_seed_stream(&rng, j->seed, b);
        const double *s = side_draw(j->sp, &sb, &rng);
        const double *r;
        if (rc && rc->filled) {
            r = rc->tab + b * rc->k;
        } else {
            iaf_rng rr;
            ref_stream(&rr, j->seed, b);
            r = side_draw(j->rp, &rb, &rr);
            if (rc && r != j->rp->p) memcpy(rc->tab + b * rc->k, r, rc->k * sizeof *r);
        }
        ops->eval(ops->ctx, ws, s, r, j->reps + b * ops->nm);
    }
    j->st = IAF_OK;
done:
    if (ws) ops->ws_free(ws);
    side_buf_free(&sb);
    side_buf_free(&rb);
    return NULL;
}

#define MAX_THREADS 64

/* Simulate B replicates under (s, r) into reps[B * nm]; s is drawn with
 * s_mode / n_s, r with r_mode / n_r / r_se. The split into threads does not
 * change a bit: replicate b uses streams (seed, b) and ref_stream (seed, b)
 * wherever it runs. rc (optional) is the cache of the observed reference's
 * tables, given only when r is the observed reference: filled by the first
 * call, read by the others. */
static iaf_status simulate(const sim_ops *ops, const double *s, int s_mode, double n_s,
                           const draw_order *s_order, const double *r, int r_mode, double n_r,
                           const double *r_se, size_t B, uint64_t seed, size_t nt, double *reps,
                           ref_cache *rc, iaf_error *err)
{
    side_plan sp, rp;
    iaf_status st = side_plan_init(&sp, s, ops->ks, s_mode, n_s, NULL, s_order, err);
    if (st != IAF_OK) {
        side_plan_free(&sp);
        return st;
    }
    st = side_plan_init(&rp, r, ops->kr, r_mode, n_r, r_se, NULL, err);
    if (st != IAF_OK) {
        side_plan_free(&sp);
        side_plan_free(&rp);
        return st;
    }
    if (nt > MAX_THREADS) nt = MAX_THREADS;
    if (nt > B) nt = B;
    if (nt < 1) nt = 1;
    sim_job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (size_t t = 0; t < nt; t++) {
        jobs[t] = (sim_job){ops, &sp, &rp, rc, seed, B * t / nt, B * (t + 1) / nt, reps, IAF_OK};
        if (t > 0) started[t] = pthread_create(&tid[t], NULL, sim_job_run, &jobs[t]) == 0;
    }
    sim_job_run(&jobs[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            sim_job_run(&jobs[t]); /* no thread available: run the range here */
    }
    for (size_t t = 0; t < nt; t++)
        if (jobs[t].st != IAF_OK) st = iaf_error_set(err, jobs[t].st, NULL, 0, 0, "out of memory");
    if (st == IAF_OK && rc && rc->tab && r_mode != 0) rc->filled = 1;
    side_plan_free(&sp);
    side_plan_free(&rp);
    return st;
}

/* ---- Calibration: test inversion along a path ----------------------------- */

#define CAL_MAX_STEPS 12 /* refinement steps per root */
#define CAL_TOL 0.10     /* a bound's bracket: T within 10% of the simulated central range */
#define CAL_DMAX 64.0    /* the path is followed up to d = 64 (a saturated bound stops there) */

typedef struct cal_pt {
    double d;
    double *truth; /* nm: T(s_d, r_d) */
    double *q;     /* 3 * nm: simulated quantiles a/2, 1/2, 1 - a/2 of each metric */
} cal_pt;

typedef struct cal_path {
    const sim_ops *ops;
    void *ws; /* the calling thread's workspace, for truths */
    /* s_d = s0 + d (s1 - s0), r_d likewise (r0 NULL: r_d = r_obs); at d == 1
     * exactly the observed tables are used as given */
    const double *s_obs, *r_obs;
    double *s0, *s1, *r0, *r1; /* shares (borrowed) */
    int s_mode, r_mode;
    double n_s, n_r;
    const double *r_se;
    const draw_order *s_order; /* how s is drawn (NULL: every cell in order) */
    size_t B, nt;
    uint64_t seed;
    double level;
    double *reps, *col, *sd, *rd; /* workspace (borrowed) */
    cal_pt *pts;                  /* cache, sorted by d */
    size_t npts, cap;
    size_t evaluations;
    int seeded; /* reps holds the ordinary bootstrap (d = 1) until the first evaluation */
    const unsigned char *active; /* nm flags: the metrics this path calibrates (NULL: all) */
    ref_cache *rc;               /* the observed reference's tables (shared by the paths) */
} cal_path;

static void cal_path_clear(cal_path *c)
{
    for (size_t i = 0; i < c->npts; i++) {
        iaf_free(c->pts[i].truth);
        iaf_free(c->pts[i].q);
    }
    iaf_free(c->pts);
    c->pts = NULL;
    c->npts = c->cap = 0;
}

/* The tables at d, into sd / rd (clipped at 0); returns 0, or -1 when a side
 * has no mass left. */
static int cal_tables(cal_path *c, double d, const double **s, const double **r)
{
    if (d == 1) {
        *s = c->s_obs;
        *r = c->r_obs;
        return 0;
    }
    double ts = 0, tr = 0;
    for (size_t i = 0; i < c->ops->ks; i++) {
        double v = c->s0[i] + d * (c->s1[i] - c->s0[i]);
        c->sd[i] = v > 0 ? v : 0;
        ts += c->sd[i];
    }
    *s = c->sd;
    if (c->r0) {
        for (size_t i = 0; i < c->ops->kr; i++) {
            double v = c->r0[i] + d * (c->r1[i] - c->r0[i]);
            c->rd[i] = v > 0 ? v : 0;
            tr += c->rd[i];
        }
        *r = c->rd;
    } else {
        *r = c->r_obs;
        tr = 1;
    }
    return ts > 0 && tr > 0 ? 0 : -1;
}

/* T(s_d, r_d) of every metric into vals. */
static void cal_truth(cal_path *c, double d, double *vals)
{
    const double *s, *r;
    if (cal_tables(c, d, &s, &r) != 0) {
        for (size_t m = 0; m < c->ops->nm; m++)
            vals[m] = NAN;
        return;
    }
    (c->ops->truth ? c->ops->truth : c->ops->eval)(c->ops->ctx, c->ws, s, r, vals);
}

#define SWAP_D(x, y)                                                                               \
    do {                                                                                           \
        double tmp_ = (x);                                                                         \
        (x) = (y);                                                                                 \
        (y) = tmp_;                                                                                \
    } while (0)

/* Place the k-th smallest of a[0..n-1] at a[k], smaller ones before it and
 * larger ones after (Hoare selection, median-of-three pivots: deterministic). */
static void select_kth(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) SWAP_D(a[mid], a[lo]);
        if (a[hi] < a[lo]) SWAP_D(a[hi], a[lo]);
        if (a[hi] < a[mid]) SWAP_D(a[hi], a[mid]);
        double pv = a[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pv)
                i++;
            while (a[j] > pv)
                j--;
            if (i <= j) {
                SWAP_D(a[i], a[j]);
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

/* Type-7 quantile q of a[0..n-1] (reordered) by selection. */
static double select_quantile(double *a, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t i = (size_t)floor(h);
    select_kth(a, n, i);
    double lo = a[i];
    if (i + 1 >= n) return lo;
    double next = a[i + 1];
    for (size_t j = i + 2; j < n; j++)
        if (a[j] < next) next = a[j];
    return lo + (h - (double)i) * (next - lo);
}

/* Quantiles of column m of reps (NAN when fewer than half are finite). */
static void cal_quantiles(const cal_path *c, size_t m, double *q3)
{
    size_t n = 0, nm = c->ops->nm;
    for (size_t b = 0; b < c->B; b++) {
        double v = c->reps[b * nm + m];
        if (isfinite(v)) c->col[n++] = v;
    }
    if (n == 0 || 2 * n < c->B) {
        q3[0] = q3[1] = q3[2] = NAN;
        return;
    }
    double a = (1 - c->level) / 2;
    q3[0] = select_quantile(c->col, n, a);
    q3[1] = select_quantile(c->col, n, 0.5);
    q3[2] = select_quantile(c->col, n, 1 - a);
}

/* The cached point at d, evaluating it when missing; NULL on failure. */
static const cal_pt *cal_at(cal_path *c, double d, iaf_status *st, iaf_error *err)
{
    size_t i = 0;
    while (i < c->npts && c->pts[i].d < d)
        i++;
    if (i < c->npts && c->pts[i].d == d) return &c->pts[i];
    size_t nm = c->ops->nm;
    cal_pt p = {d, iaf_malloc(nm * sizeof(double)), iaf_malloc(3 * nm * sizeof(double))};
    if (!p.truth || !p.q || IAF_GROW(c->pts, c->cap, c->npts + 1) != 0) {
        iaf_free(p.truth), iaf_free(p.q);
        *st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    const double *s, *r;
    if (cal_tables(c, d, &s, &r) != 0) {
        for (size_t m = 0; m < 3 * nm; m++)
            p.q[m] = NAN;
        for (size_t m = 0; m < nm; m++)
            p.truth[m] = NAN;
    } else {
        (c->ops->truth ? c->ops->truth : c->ops->eval)(c->ops->ctx, c->ws, s, r, p.truth);
        /* a fixed side stays fixed; the s side of the reference path is s_hat */
        if (!c->seeded || d != 1) {
            *st = simulate(c->ops, s, c->s_mode, c->n_s, c->s_order, r, c->r_mode, c->n_r, c->r_se,
                           c->B, c->seed, c->nt, c->reps, r == c->r_obs ? c->rc : NULL, err);
            if (*st != IAF_OK) {
                iaf_free(p.truth), iaf_free(p.q);
                return NULL;
            }
            c->evaluations++;
        }
        for (size_t m = 0; m < nm; m++) {
            double q3[3] = {NAN, NAN, NAN};
            if (!c->active || c->active[m] || (d == 1 && c->seeded)) cal_quantiles(c, m, q3);
            p.q[m] = q3[0];
            p.q[nm + m] = q3[1];
            p.q[2 * nm + m] = q3[2];
        }
    }
    c->seeded = 0;
    memmove(c->pts + i + 1, c->pts + i, (c->npts - i) * sizeof *c->pts);
    c->pts[i] = p;
    c->npts++;
    return &c->pts[i];
}

/* h(d) = (quantile `which` of U = sg T at d) - sg t, increasing in d. which:
 * 0 = lower (a/2), 1 = median, 2 = upper (1 - a/2) quantile of U. */
static double cal_h(const cal_path *c, const cal_pt *p, size_t m, int which, int sg, double t)
{
    size_t nm = c->ops->nm;
    double q = sg > 0 ? p->q[(size_t)which * nm + m] : -p->q[(size_t)(2 - which) * nm + m];
    return q - sg * t;
}

/* U = sg T of metric m at d: exact (no simulation), from the cache when
 * d is cached; tv is scratch for every metric's value. */
static double cal_u(cal_path *c, size_t m, int sg, double d, double *tv)
{
    for (size_t i = 0; i < c->npts; i++)
        if (c->pts[i].d == d) return sg * c->pts[i].truth[m];
    cal_truth(c, d, tv);
    return sg * tv[m];
}

/* The d in [lo, hi] where U (cal_u) reaches `target`, U(lo) < target <=
 * U(hi) (U increases along the path): Illinois false position on the exact
 * U, to well within the bracket tolerance `eps` of U. */
static double cal_solve_u(cal_path *c, size_t m, int sg, double target, double lo, double ulo,
                          double hi, double uhi, double eps, double *tv)
{
    double flo = ulo - target, fhi = uhi - target;
    int side = 0;
    for (int it = 0; it < 60 && hi - lo > 1e-12 * fmax(1, fabs(hi)); it++) {
        double x = fhi > flo ? lo + (hi - lo) * (-flo) / (fhi - flo) : 0.5 * (lo + hi);
        if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
        double fx = cal_u(c, m, sg, x, tv) - target;
        if (isnan(fx)) return 0.5 * (lo + hi);
        if (fabs(fx) <= eps) return x;
        if (fx < 0) {
            lo = x, flo = fx;
            if (side < 0) fhi /= 2;
            side = -1;
        } else {
            hi = x, fhi = fx;
            if (side > 0) flo /= 2;
            side = 1;
        }
    }
    return fhi > flo ? lo + (hi - lo) * (-flo) / (fhi - flo) : 0.5 * (lo + hi);
}

/* The d where U reaches `target`, searched outward from the cached point
 * `from` toward `toward` (a d beyond which not to look: the other end of a
 * bracket, or the end of the path). When U does not reach the target before
 * `toward`, `toward` itself. */
static double cal_aim(cal_path *c, size_t m, int sg, double target, double from, double toward,
                      double eps, double *tv)
{
    double uf = cal_u(c, m, sg, from, tv);
    double x = from, ux = uf;
    double dir = toward > from ? 1 : -1;
    /* widen by doubling the step until U passes the target */
    for (double step = fmax(1e-3, 0.05 * fabs(toward - from));; step *= 2) {
        double y = from + dir * step;
        if (dir * (y - toward) >= 0) y = toward;
        double uy = cal_u(c, m, sg, y, tv);
        if (isnan(uy)) return y;
        if (dir > 0 ? uy >= target : uy < target) {
            return dir > 0 ? cal_solve_u(c, m, sg, target, x, ux, y, uy, eps, tv)
                           : cal_solve_u(c, m, sg, target, y, uy, x, ux, eps, tv);
        }
        if (y == toward) return toward;
        x = y, ux = uy;
    }
}

/* The root in d of h (see cal_h), increasing in d: the leftmost crossing
 * among the cached points. h carries the simulation's noise, but along the
 * path it moves like U = sg T, which is exact and costs no simulation: each
 * new point is placed where U has moved by -h from the nearest simulated
 * point (the quantile's offset from T changes slowly along the path), a
 * little past the root on the side still open, so that two simulations
 * usually bracket it. The bracket is narrow enough when T changes across it
 * by at most CAL_TOL of the simulated central range (the interval's own
 * scale); the root is then interpolated within it. NAN on failure (an error
 * in *st) or when h is undefined. */
static double cal_root(cal_path *c, size_t m, int which, int sg, double t, int signed_d, double *tv,
                       iaf_status *st, iaf_error *err)
{
    if (!cal_at(c, 1, st, err)) return NAN;
    size_t nm = c->ops->nm;
    double dmin = signed_d ? -CAL_DMAX : 0;
    int narrowing = 0, moved = 0, again = 0;
    for (int step = 0; step < 64; step++) {
        /* leftmost crossing among the cached points */
        size_t j = 0, first = c->npts, prev = c->npts;
        for (j = 0; j < c->npts; j++) {
            double h = cal_h(c, &c->pts[j], m, which, sg, t);
            if (isnan(h)) continue;
            if (first == c->npts) first = j;
            if (h >= 0) break;
            prev = j;
        }
        if (first == c->npts) return NAN;
        const cal_pt *pa = prev < c->npts ? &c->pts[prev] : NULL;
        const cal_pt *pb = j < c->npts ? &c->pts[j] : NULL;
        double ha = pa ? cal_h(c, pa, m, which, sg, t) : NAN;
        double hb = pb ? cal_h(c, pb, m, which, sg, t) : NAN;
        if (pa && pb) {
            double a = pa->d, b = pb->d, w = b - a;
            double spread = pb->q[2 * nm + m] - pb->q[m];
            if (!signed_d && a > 0 && c->pts[0].d != 0 &&
                !(sg * pa->truth[m] - cal_u(c, m, sg, 0, tv) > spread)) {
                /* a bound within the noise of the start: the start itself may be in the
                 * interval (a faithful table is covered at the boundary), so simulate there */
                if (!cal_at(c, 0, st, err)) return NAN;
                continue;
            }
            if (w <= 1e-4 * fmax(1, fmax(fabs(a), fabs(b))) ||
                !(fabs(pb->truth[m] - pa->truth[m]) > CAL_TOL * spread) ||
                narrowing >= CAL_MAX_STEPS)
                return hb > ha ? a + w * (-ha) / (hb - ha) : 0.5 * (a + b);
            narrowing++;
            double next = 0.5 * (a + b);
            if (again < 2 && isfinite(spread)) {
                /* aim from the end nearer the root, past it toward the other */
                const cal_pt *near = -ha < hb ? pa : pb;
                double hn = near == pa ? ha : hb, dir = near == pa ? 1 : -1;
                double target = sg * near->truth[m] - hn + dir * 0.4 * CAL_TOL * spread;
                next = cal_aim(c, m, sg, target, near->d, near == pa ? b : a,
                               1e-3 * CAL_TOL * spread, tv);
                next = fmin(fmax(next, a + w / 32), b - w / 32);
            }
            const cal_pt *p = cal_at(c, next, st, err);
            if (!p) return NAN;
            int side = cal_h(c, p, m, which, sg, t) >= 0 ? 1 : -1;
            again = side == moved ? again + 1 : 1;
            moved = side;
            continue;
        }
        double next;
        if (!pb) {
            /* no crossing yet: further along the path */
            if (pa->d >= CAL_DMAX) return CAL_DMAX;
            double spread = pa->q[2 * nm + m] - pa->q[m];
            double target =
                sg * pa->truth[m] - ha + 0.4 * CAL_TOL * (isfinite(spread) ? spread : 0);
            next = cal_aim(c, m, sg, target, pa->d, CAL_DMAX, 1e-3 * CAL_TOL * fabs(spread), tv);
            if (!(next > pa->d)) next = fmin(pa->d < 1 ? 2 : 2 * pa->d, CAL_DMAX);
        } else {
            /* the first point already crosses: back along the path */
            double d0 = pb->d;
            if (d0 <= dmin || (!signed_d && d0 <= 0)) return d0 <= 0 && !signed_d ? 0 : dmin;
            double spread = pb->q[2 * nm + m] - pb->q[m];
            double target =
                sg * pb->truth[m] - hb - 0.4 * CAL_TOL * (isfinite(spread) ? spread : 0);
            next = cal_aim(c, m, sg, target, d0, dmin, 1e-3 * CAL_TOL * fabs(spread), tv);
            if (!(next < d0)) next = d0 > 0 ? 0 : d0 > -1 ? -1 : fmax(2 * d0, dmin);
        }
        if (!cal_at(c, next, st, err)) return NAN;
    }
    return NAN;
}

/* Calibrated interval of metric m on path c (t = the observed value). */
static iaf_status cal_interval(cal_path *c, size_t m, int signed_d, double range_lo,
                               double range_hi, double *tv, iaf_boot_interval *out, iaf_error *err)
{
    iaf_status st = IAF_OK;
    double t = out->estimate;
    if (isnan(t)) {
        out->lo = out->hi = out->bias_corrected = NAN;
        return IAF_OK;
    }
    cal_truth(c, 0, tv);
    double t0 = tv[m];
    const cal_pt *p1 = cal_at(c, 1, &st, err);
    if (!p1) return st;
    int sg = !(p1->truth[m] < t0) ? 1 : -1;
    double d[3];
    for (int w = 0; w < 3; w++) {
        d[w] = cal_root(c, m, 2 - w, sg, t, signed_d, tv, &st, err);
        if (st != IAF_OK) return st;
    }
    /* d[0]: U's lower bound (its upper quantile reaches t), d[1]: median, d[2]: upper */
    double v[3];
    for (int w = 0; w < 3; w++) {
        if (isnan(d[w])) {
            v[w] = NAN;
            continue;
        }
        cal_truth(c, d[w], tv);
        v[w] = tv[m];
        /* the start of an unsigned path is 0 up to rounding (r renormalised) */
        if (!signed_d && fabs(v[w]) < 1e-12) v[w] = 0;
    }
    if (isnan(v[0]) || isnan(v[1]) || isnan(v[2])) {
        out->lo = out->hi = out->bias_corrected = NAN;
        return IAF_OK;
    }
    out->bias_corrected = clip(v[1], range_lo, range_hi);
    out->lo = clip(fmin(fmin(v[0], v[2]), v[1]), range_lo, range_hi);
    out->hi = clip(fmax(fmax(v[0], v[2]), v[1]), range_lo, range_hi);
    return IAF_OK;
}

/* Copy the cached point at d = 1 from one path to another (same tables). */
static iaf_status cal_share_one(cal_path *to, const cal_path *from, iaf_error *err)
{
    const cal_pt *p = NULL;
    for (size_t i = 0; i < from->npts; i++)
        if (from->pts[i].d == 1) p = &from->pts[i];
    if (!p) return IAF_OK;
    size_t nm = from->ops->nm;
    cal_pt q = {1, iaf_malloc(nm * sizeof(double)), iaf_malloc(3 * nm * sizeof(double))};
    if (!q.truth || !q.q || IAF_GROW(to->pts, to->cap, to->npts + 1) != 0) {
        iaf_free(q.truth), iaf_free(q.q);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    memcpy(q.truth, p->truth, nm * sizeof(double));
    memcpy(q.q, p->q, 3 * nm * sizeof(double));
    size_t i = 0;
    while (i < to->npts && to->pts[i].d < 1)
        i++;
    memmove(to->pts + i + 1, to->pts + i, (to->npts - i) * sizeof *to->pts);
    to->pts[i] = q;
    to->npts++;
    return IAF_OK;
}

/* Normalised copy of v (k cells) into out. */
static void shares(const double *v, size_t k, double *out)
{
    double t = 0;
    for (size_t i = 0; i < k; i++)
        t += v[i];
    for (size_t i = 0; i < k; i++)
        out[i] = t > 0 ? v[i] / t : 0;
}

/* The independence table p_x p_y of a kx-by-ky table of shares p into out. */
static void indep_table(const double *p, size_t kx, size_t ky, double *out)
{
    /* column margins into out's first row... */
    for (size_t y = 0; y < ky; y++) {
        double cy = 0;
        for (size_t x = 0; x < kx; x++)
            cy += p[x * ky + y];
        out[y] = cy;
    }
    /* ... then the rows from the last up, the first row last (it holds the margins) */
    for (size_t x = kx; x-- > 0;) {
        double rx = 0;
        for (size_t y = 0; y < ky; y++)
            rx += p[x * ky + y];
        for (size_t y = 0; y < ky; y++)
            out[x * ky + y] = rx * out[y];
    }
}

/* The start of the distance path: r without the rows and columns that s_hat
 * (a kx-by-ky table of shares) leaves empty, renormalised. The conditional
 * distances count an empty synthetic row as a whole mismatch, so a path that
 * put a little mass back into such a row would jump there; treating the
 * synthetic data's empty rows and columns as structural keeps T continuous
 * along the path (its start then shows that structural part, not 0). */
static void distance_start(const double *r, const double *s, size_t kx, size_t ky, double *out)
{
    double t = 0;
    for (size_t x = 0; x < kx; x++) {
        double sx = 0;
        for (size_t y = 0; y < ky; y++)
            sx += s[x * ky + y];
        for (size_t y = 0; y < ky; y++)
            out[x * ky + y] = sx > 0 ? r[x * ky + y] : 0;
    }
    for (size_t y = 0; y < ky; y++) {
        double sy = 0;
        for (size_t x = 0; x < kx; x++)
            sy += s[x * ky + y];
        for (size_t x = 0; x < kx; x++) {
            if (!(sy > 0)) out[x * ky + y] = 0;
            t += out[x * ky + y];
        }
    }
    if (!(t > 0)) {
        memcpy(out, r, kx * ky * sizeof *out);
        return;
    }
    for (size_t i = 0; i < kx * ky; i++)
        out[i] /= t;
}

/* Summaries of the ordinary bootstrap (reps at d = 1) into ci[] (basic). */
static void basic_summaries(const double *reps, size_t B, size_t nm, double *col,
                            const double *point, void (*range)(int, double *, double *),
                            double level, iaf_boot_interval *ci)
{
    for (size_t id = 0; id < nm; id++) {
        for (size_t b = 0; b < B; b++)
            col[b] = reps[b * nm + id];
        double lo, hi;
        range((int)id, &lo, &hi);
        iaf_boot_interval_from(point[id], col, B, level, lo, hi, &ci[id]);
        /* the headline estimate stays inside its interval */
        if (!isnan(ci[id].bias_corrected))
            ci[id].bias_corrected = fmin(fmax(ci[id].bias_corrected, ci[id].lo), ci[id].hi);
    }
}

/* ---- Joint checks ---- */

typedef struct joint_ctx {
    size_t kx, ky;
    double n_s, n_r;
    const double *r_se;
    int reference_dependent;
    unsigned skip; /* IAF_FILL_* bits: what the current path does not need */
} joint_ctx;

typedef struct joint_ws {
    iaf_jt s, r;
    iaf_jm_ws m;
    int have_s, have_r, have_m;
} joint_ws;

static void joint_ws_free(void *p)
{
    joint_ws *w = p;
    if (!w) return;
    if (w->have_s) iaf_jt_free(&w->s);
    if (w->have_r) iaf_jt_free(&w->r);
    if (w->have_m) iaf_jm_ws_free(&w->m);
    iaf_free(w);
}

static void *joint_ws_new(const void *ctx)
{
    const joint_ctx *c = ctx;
    joint_ws *w = iaf_calloc(1, sizeof *w);
    if (!w) return NULL;
    if (iaf_jt_init(&w->s, c->kx, c->ky) != IAF_OK) goto fail;
    w->have_s = 1;
    if (iaf_jt_init(&w->r, c->kx, c->ky) != IAF_OK) goto fail;
    w->have_r = 1;
    if (iaf_jm_ws_init(&w->m, c->kx, c->ky) != IAF_OK) goto fail;
    w->have_m = 1;
    return w;
fail:
    joint_ws_free(w);
    return NULL;
}

static void joint_eval(const void *ctx, void *wsp, const double *s, const double *r, double *vals)
{
    const joint_ctx *c = ctx;
    joint_ws *w = wsp;
    if (iaf_jt_set(&w->s, s) != 0 || iaf_jt_set(&w->r, r) != 0) {
        for (int id = 0; id < IAF_JM_COUNT; id++)
            vals[id] = NAN;
        return;
    }
    iaf_joint_metrics m;
    memset(&m, 0, sizeof m);
    m.reference_dependent = c->reference_dependent;
    w->m.skip = c->skip;
    iaf_joint_metrics_fill(&w->s, &w->r, c->n_s, c->n_r, c->r_se, 1, &w->m, &m);
    /* Replicates keep the point estimate's dependence decision. */
    if (!c->reference_dependent) m.retention = m.footprint = m.footprint_dep = NAN;
    for (int id = 0; id < IAF_JM_COUNT; id++)
        vals[id] = iaf_joint_metric_value(&m, (iaf_joint_metric_id)id);
}

static void joint_range(int id, double *lo, double *hi)
{
    iaf_joint_metric_range((iaf_joint_metric_id)id, lo, hi);
}

/* Which path calibrates each joint metric: 0 from r (the distances that
 * screen or are named in METHOD.md section 8: every TVD, both conditional
 * TVDs, footprint, footprint_dep), 1 from s_hat's independence table
 * (retention, and dep_tvd_s whose ratio it is). The other measures
 * (max_cell_pp, hellinger, js_distance, Cramer's V, NMI, the reference's
 * dependence) keep the basic interval, with the estimate shown clamped
 * into it: -1. */
static int joint_path_of(int id)
{
    switch (id) {
    case IAF_JM_TVD_JOINT:
    case IAF_JM_TVD_X:
    case IAF_JM_TVD_Y:
    case IAF_JM_COND_TVD_Y_GIVEN_X:
    case IAF_JM_COND_TVD_X_GIVEN_Y:
    case IAF_JM_FOOTPRINT:
    case IAF_JM_FOOTPRINT_DEP:
        return 0;
    case IAF_JM_DEP_TVD_S:
    case IAF_JM_RETENTION:
        return 1;
    default:
        return -1;
    }
}

int iaf_joint_metric_calibrated(iaf_joint_metric_id id)
{
    return joint_path_of((int)id) >= 0;
}

const char *iaf_interval_method_name(iaf_interval_method m)
{
    return m == IAF_INTERVAL_CALIBRATED ? "calibrated" : m == IAF_INTERVAL_BASIC ? "basic" : NULL;
}

int iaf_interval_method_parse(const char *s, iaf_interval_method *out)
{
    if (!s) return -1;
    if (!strcmp(s, "calibrated"))
        *out = IAF_INTERVAL_CALIBRATED;
    else if (!strcmp(s, "basic"))
        *out = IAF_INTERVAL_BASIC;
    else
        return -1;
    return 0;
}

/* The three calibration paths of one table of kx x ky cells (METHOD
 * section 5): path 0 moves s from the start nearest r to the observed
 * shares, path 1 from s's independence table to s, path 2 moves r from its
 * independence table to r. `work` holds 9 kx ky doubles (shares, start
 * tables and each path's scratch); reps and col are the ordinary bootstrap's.
 * Path 0 starts seeded with the ordinary bootstrap at d = 1, which is
 * evaluated (with every metric, when `on_path` is given) before returning. */
static iaf_status cal_paths_init(cal_path *paths, const sim_ops *ops, void *ws, const double *s_obs,
                                 const double *r_obs, size_t kx, size_t ky, int s_mode, int r_mode,
                                 double n_s, double n_r, const double *r_se, size_t B, size_t nt,
                                 uint64_t seed, double level, double *reps, double *col,
                                 double *work, ref_cache *rc, void (*on_path)(const sim_ops *, int),
                                 iaf_error *err)
{
    size_t n = kx * ky;
    double *s_sh = work, *r_sh = work + n, *s_perp = work + 2 * n, *r_perp = work + 3 * n;
    double *r_start = work + 8 * n;
    shares(s_obs, n, s_sh);
    shares(r_obs, n, r_sh);
    indep_table(s_sh, kx, ky, s_perp);
    indep_table(r_sh, kx, ky, r_perp);
    distance_start(r_sh, s_sh, kx, ky, r_start);
    for (int p = 0; p < 3; p++) {
        cal_path *c = &paths[p];
        c->ops = ops;
        c->ws = ws;
        c->s_obs = s_obs;
        c->r_obs = r_obs;
        c->s0 = p == 0 ? r_start : p == 1 ? s_perp : s_sh;
        c->s1 = s_sh;
        c->r0 = p == 2 ? r_perp : NULL;
        c->r1 = p == 2 ? r_sh : NULL;
        c->s_mode = s_mode;
        c->r_mode = r_mode;
        c->n_s = n_s;
        c->n_r = n_r;
        c->r_se = r_se;
        c->B = B;
        c->nt = nt;
        c->seed = seed;
        c->level = level;
        c->reps = reps;
        c->col = col;
        c->sd = work + (4 + (size_t)p) * n;
        c->rd = work + 7 * n;
        c->rc = rc;
    }
    /* the ordinary bootstrap is path 0's point at d = 1 */
    paths[0].seeded = 1;
    if (on_path) on_path(ops, -1);
    iaf_status st = IAF_OK;
    cal_at(&paths[0], 1, &st, err);
    return st;
}

/* Calibrate every metric whose path is `which` of nm metrics; paths[0..2]
 * share the simulation at d = 1 through path 0. */
static iaf_status calibrate_all(cal_path *paths, int npaths, size_t nm, int (*path_of)(int),
                                int (*signed_of)(int), void (*range)(int, double *, double *),
                                int r_random, void (*on_path)(const sim_ops *, int), double *tv,
                                iaf_boot_interval *ci, iaf_error *err)
{
    iaf_status st = IAF_OK;
    unsigned char active[64];
    for (int p = 0; p < npaths; p++) {
        if (on_path) on_path(paths[p].ops, p);
        for (size_t id = 0; id < nm && id < sizeof active; id++)
            active[id] = path_of((int)id) == p;
        paths[p].active = nm <= sizeof active ? active : NULL;
        if (p > 0 && (st = cal_share_one(&paths[p], &paths[0], err)) != IAF_OK) return st;
        for (size_t id = 0; id < nm; id++) {
            if (path_of((int)id) != p) continue;
            if (p == 2 && !r_random) {
                /* a fixed reference: its own measures carry no sampling noise */
                ci[id].lo = ci[id].hi = ci[id].bias_corrected = ci[id].estimate;
                continue;
            }
            iaf_boot_interval basic = ci[id];
            ci[id].calibrated = 1;
            double lo, hi;
            range((int)id, &lo, &hi);
            st = cal_interval(&paths[p], id, signed_of((int)id), lo, hi, tv, &ci[id], err);
            if (st != IAF_OK) return st;
            /* A signed measure (flattening) has no boundary that biases its plug-in, so its
             * interval must hold it. When it does not, the path failed: its direction
             * s_hat - r barely moves the measure (a flattening near 0 with category sizes
             * that differ from the reference's), so the search ran far along it, into
             * clipped tables where the measure jumps. Keep the basic interval then. */
            if (signed_of((int)id) && !isnan(basic.lo) &&
                !(ci[id].lo <= ci[id].estimate && ci[id].estimate <= ci[id].hi)) {
                ci[id] = basic;
                ci[id].calibrated = 0;
            }
        }
    }
    return IAF_OK;
}

/* What each path needs: the distances (and footprint_dep, so the raking)
 * on path 0, the dependence measures on the others; p < 0: everything. */
static void joint_on_path(const sim_ops *ops, int p)
{
    ((joint_ctx *)ops->ctx)->skip = p < 0    ? 0
                                    : p == 0 ? IAF_FILL_NO_DEP
                                             : IAF_FILL_NO_DIST | IAF_FILL_NO_RAKE;
}

static int never_signed(int id)
{
    (void)id;
    return 0;
}

iaf_status iaf_joint_bootstrap(const iaf_joint_input *in, const iaf_boot_options *opt,
                               iaf_joint_boot *out, iaf_error *err)
{
    size_t B;
    uint64_t seed;
    double level;
    options(opt, &B, &seed, &level);
    iaf_status st;
    if ((st = sample_size_ok(in->n_s, "synthetic", err)) != IAF_OK ||
        (st = sample_size_ok(in->n_r, "reference", err)) != IAF_OK)
        return st;
    if ((st = iaf_joint_metrics_compute(in, &out->point, err)) != IAF_OK) return st;
    size_t n = in->kx * in->ky;
    if (B > IAF_ALLOC_CAP / sizeof(double) / IAF_JM_COUNT)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "too many bootstrap replicates");
    out->b = B;
    int rmode = isfinite(in->n_r) ? 1 : in->r_se ? 2 : 0;
    out->r_mode = rmode == 1   ? IAF_BOOT_R_MULTINOMIAL
                  : rmode == 2 ? IAF_BOOT_R_NORMAL
                               : IAF_BOOT_R_FIXED;
    out->method = opt ? opt->interval : IAF_INTERVAL_CALIBRATED;
    out->evaluations = 0;
    memset(out->ci, 0, sizeof out->ci); /* padding too: results compare bytewise */
    size_t nt = opt && opt->threads > 1 ? opt->threads : 1;
    int smode = isfinite(in->n_s) ? 1 : 0;

    joint_ctx ctx = {in->kx, in->ky, in->n_s, in->n_r, in->r_se, out->point.reference_dependent, 0};
    sim_ops ops = {IAF_JM_COUNT, n, n, &ctx, joint_ws_new, joint_ws_free, 1, joint_eval, NULL};
    cal_path paths[3];
    memset(paths, 0, sizeof paths);
    double *reps = NULL, *col = NULL, *buf = NULL, *tv = NULL;
    void *ws = NULL;
    ref_cache rc;
    ref_cache_init(&rc, n, B, rmode);
    reps = iaf_malloc(B * IAF_JM_COUNT * sizeof *reps);
    col = iaf_malloc(B * sizeof *col);
    buf = iaf_malloc(9 * n * sizeof *buf);
    tv = iaf_malloc(IAF_JM_COUNT * sizeof *tv);
    ws = joint_ws_new(&ctx);
    if (!reps || !col || !buf || !tv || !ws) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    /* The ordinary bootstrap (the evaluation at d = 1). */
    st = simulate(&ops, in->s, smode, in->n_s, NULL, in->r, rmode, in->n_r, in->r_se, B, seed, nt,
                  reps, &rc, err);
    if (st != IAF_OK) goto cleanup;
    out->evaluations = 1;
    if (opt && opt->replicates) memcpy(opt->replicates, reps, B * IAF_JM_COUNT * sizeof *reps);
    double point[IAF_JM_COUNT];
    for (int id = 0; id < IAF_JM_COUNT; id++)
        point[id] = iaf_joint_metric_value(&out->point, (iaf_joint_metric_id)id);
    /* basic_summaries reorders nothing in reps: it copies each column first */
    basic_summaries(reps, B, IAF_JM_COUNT, col, point, joint_range, level, out->ci);
    if (out->method != IAF_INTERVAL_CALIBRATED) goto cleanup;

    /* ctx.rake changes between paths (joint_on_path), never during a simulation */
    st = cal_paths_init(paths, &ops, ws, in->s, in->r, in->kx, in->ky, smode, rmode, in->n_s,
                        in->n_r, in->r_se, B, nt, seed, level, reps, col, buf, &rc, joint_on_path,
                        err);
    if (st != IAF_OK) goto cleanup;
    st = calibrate_all(paths, 2, IAF_JM_COUNT, joint_path_of, never_signed, joint_range, rmode != 0,
                       joint_on_path, tv, out->ci, err);
    for (int p = 0; p < 3; p++)
        out->evaluations += paths[p].evaluations;
cleanup:
    for (int p = 0; p < 3; p++)
        cal_path_clear(&paths[p]);
    if (ws) joint_ws_free(ws);
    ref_cache_free(&rc);
    iaf_free(reps);
    iaf_free(col);
    iaf_free(buf);
    iaf_free(tv);
    return st;
}
/* ---- A model of the caller's: one path, the reference held ---- */

iaf_status iaf_boot_path_interval(const iaf_boot_model *model, const double *s_obs,
                                  const double *s_start, double n_s, const double *r, double n_r,
                                  const iaf_boot_options *opt, const double *point,
                                  const double *range_lo, const double *range_hi,
                                  iaf_boot_interval *ci, size_t *evaluations, iaf_error *err)
{
    size_t B;
    uint64_t seed;
    double level;
    options(opt, &B, &seed, &level);
    iaf_status st;
    if ((st = sample_size_ok(n_s, "synthetic", err)) != IAF_OK ||
        (st = sample_size_ok(n_r, "reference", err)) != IAF_OK)
        return st;
    size_t nm = model->nm, ks = model->ks;
    if (nm == 0 || B > IAF_ALLOC_CAP / sizeof(double) / nm)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "too many bootstrap replicates");
    size_t nt = opt && opt->threads > 1 ? opt->threads : 1;
    int smode = isfinite(n_s) ? 1 : 0, rmode = isfinite(n_r) ? 1 : 0;
    cal_path path;
    memset(&path, 0, sizeof path);
    memset(ci, 0, nm * sizeof *ci);
    ref_cache rc;
    ref_cache_init(&rc, model->kr, B, rmode);
    double *reps = iaf_malloc(B * nm * sizeof *reps), *col = iaf_malloc(B * sizeof *col),
           *buf = iaf_malloc(3 * ks * sizeof *buf), *tv = iaf_malloc(nm * sizeof *tv);
    void *ws = model->ws_needed ? model->ws_new(model->ctx) : NULL;
    if (!reps || !col || !buf || !tv || (model->ws_needed && !ws)) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    /* the ordinary bootstrap (d = 1) and its basic intervals */
    st = simulate(model, s_obs, smode, n_s, NULL, r, rmode, n_r, NULL, B, seed, nt, reps, &rc, err);
    if (st != IAF_OK) goto cleanup;
    if (evaluations) *evaluations = 1;
    for (size_t m = 0; m < nm; m++) {
        for (size_t b = 0; b < B; b++)
            col[b] = reps[b * nm + m];
        iaf_boot_interval_from(point[m], col, B, level, range_lo[m], range_hi[m], &ci[m]);
        if (!isnan(ci[m].bias_corrected))
            ci[m].bias_corrected = fmin(fmax(ci[m].bias_corrected, ci[m].lo), ci[m].hi);
    }
    if (opt && opt->interval != IAF_INTERVAL_CALIBRATED) goto cleanup;
    shares(s_obs, ks, buf);
    shares(s_start, ks, buf + ks);
    path.ops = model;
    path.ws = ws;
    path.s_obs = s_obs;
    path.r_obs = r;
    path.s0 = buf + ks;
    path.s1 = buf;
    path.s_mode = smode;
    path.r_mode = rmode;
    path.n_s = n_s;
    path.n_r = n_r;
    path.B = B;
    path.nt = nt;
    path.seed = seed;
    path.level = level;
    path.reps = reps;
    path.col = col;
    path.sd = buf + 2 * ks;
    path.seeded = 1; /* reps holds the simulation at d = 1 */
    path.rc = &rc;
    cal_at(&path, 1, &st, err);
    for (size_t m = 0; st == IAF_OK && m < nm; m++) {
        ci[m].calibrated = 1;
        st = cal_interval(&path, m, 0, range_lo[m], range_hi[m], tv, &ci[m], err);
    }
    if (evaluations) *evaluations += path.evaluations;
cleanup:
    cal_path_clear(&path);
    if (ws) model->ws_free(ws);
    ref_cache_free(&rc);
    iaf_free(reps), iaf_free(col), iaf_free(buf), iaf_free(tv);
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

typedef struct flat_ctx {
    size_t k;
    double theta;
    const unsigned char *fixed; /* the observed data's dominated set and support */
    unsigned need;              /* IAF_FLAT_NEED_* bits: what the current path reads */
} flat_ctx;

static void flat_eval(const void *ctx, void *ws, const double *s, const double *r, double *vals)
{
    const flat_ctx *c = ctx;
    (void)ws;
    iaf_flat_input rep = {c->k, s, s + c->k, r, r + c->k, c->theta};
    iaf_flattening f;
    iaf_flattening_replicate(&rep, c->fixed, c->need, &f);
    for (int id = 0; id < IAF_FB_COUNT; id++)
        vals[id] = flat_value(&f, id);
}

/* What each path reads (see flat_path_of); p < 0: everything. */
static void flat_on_path(const sim_ops *ops, int p)
{
    ((flat_ctx *)ops->ctx)->need = p < 0    ? IAF_FLAT_NEED_ALL
                                   : p == 0 ? IAF_FLAT_NEED_POOLED
                                            : IAF_FLAT_NEED_DUNCAN;
}

/* Paths of the flattening measures: 0 from r (flattening and the pooled
 * share, signed: exaggeration lies at d < 0), 1 from s_hat's group-domain
 * independence table (segregation), 2 from r's (the reference's own D). */
static int flat_path_of(int id)
{
    switch (id) {
    case IAF_FB_SEGREGATION_RETENTION:
    case IAF_FB_DUNCAN_S:
        return 1;
    case IAF_FB_DUNCAN_R:
        return 2;
    default:
        return 0;
    }
}

static int flat_signed(int id)
{
    return flat_path_of(id) == 0;
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
    if ((st = sample_size_ok(n_s, "synthetic", err)) != IAF_OK ||
        (st = sample_size_ok(n_r, "reference", err)) != IAF_OK)
        return st;
    size_t k = in->k;
    if (k > IAF_ALLOC_CAP / 16 / sizeof(double) ||
        B > IAF_ALLOC_CAP / sizeof(double) / IAF_FB_COUNT)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "flattening bootstrap too large");
    out->b = B;
    out->r_mode = isfinite(n_r) ? IAF_BOOT_R_MULTINOMIAL : IAF_BOOT_R_FIXED;
    out->method = opt ? opt->interval : IAF_INTERVAL_CALIBRATED;
    out->evaluations = 0;
    memset(out->ci, 0, sizeof out->ci); /* padding too: results compare bytewise */
    size_t nt = opt && opt->threads > 1 ? opt->threads : 1;
    int smode = isfinite(n_s) ? 1 : 0, rmode = isfinite(n_r) ? 1 : 0;

    /* Each side as one table of 2k cells: focal counts, then other counts
     * (a 2-by-k group x domain table, row-major). */
    size_t n = 2 * k;
    double *buf = iaf_malloc(11 * n * sizeof *buf);
    unsigned char *dom = iaf_malloc(k);
    size_t *order = iaf_malloc(n * sizeof *order);
    double *reps = iaf_malloc(B * IAF_FB_COUNT * sizeof *reps);
    double *col = iaf_malloc(B * sizeof *col);
    double tv[IAF_FB_COUNT];
    cal_path paths[3];
    memset(paths, 0, sizeof paths);
    ref_cache rc;
    ref_cache_init(&rc, 2 * k, B, rmode);
    if (!buf || !dom || !order || !reps || !col) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    double *sv = buf, *rv = buf + n;
    memcpy(sv, in->s_focal, k * sizeof *sv);
    memcpy(sv + k, in->s_other, k * sizeof *sv);
    memcpy(rv, in->r_focal, k * sizeof *rv);
    memcpy(rv + k, in->r_other, k * sizeof *rv);
    iaf_flattening_eval(in, theta, NULL, &out->point, NULL, NULL, NULL, dom);
    flat_ctx ctx = {k, theta, dom, IAF_FLAT_NEED_ALL};
    sim_ops ops = {IAF_FB_COUNT, n, n, &ctx, NULL, NULL, 0, flat_eval, NULL};
    /* The synthetic side is drawn with the dominated categories that both sides reach first
     * (their focal and other cells), then the rest: the measures calibrated on path 0 read
     * those cells only, so path 0 draws them one by one and the rest as one lump, with the
     * same numbers for them as the full draws (common random numbers along the paths). */
    size_t keep = 0;
    for (size_t y = 0; y < k; y++)
        if ((dom[y] & IAF_FLAT_DOMINATED) && (dom[y] & IAF_FLAT_SUPPORT))
            order[keep++] = y, order[keep++] = k + y;
    for (size_t y = 0, i = keep; y < k; y++)
        if (!(dom[y] & IAF_FLAT_DOMINATED) || !(dom[y] & IAF_FLAT_SUPPORT))
            order[i++] = y, order[i++] = k + y;
    draw_order full = {order, n}, lumped = {order, keep};

    st = simulate(&ops, sv, smode, n_s, &full, rv, rmode, n_r, NULL, B, seed, nt, reps, &rc, err);
    if (st != IAF_OK) goto cleanup;
    out->evaluations = 1;
    if (opt && opt->replicates) memcpy(opt->replicates, reps, B * IAF_FB_COUNT * sizeof *reps);
    double point[IAF_FB_COUNT];
    for (int id = 0; id < IAF_FB_COUNT; id++)
        point[id] = flat_value(&out->point, id);
    basic_summaries(reps, B, IAF_FB_COUNT, col, point, flat_range, level, out->ci);
    if (out->method != IAF_INTERVAL_CALIBRATED) goto cleanup;

    st = cal_paths_init(paths, &ops, NULL, sv, rv, 2, k, smode, rmode, n_s, n_r, NULL, B, nt, seed,
                        level, reps, col, buf + 2 * n, &rc, flat_on_path, err);
    if (st != IAF_OK) goto cleanup;
    /* Path 2 calibrates D_r alone, which never reads the synthetic table, and the reference
     * has a stream of its own: drawing s there would change no number it uses. */
    paths[2].s_mode = 0;
    paths[0].s_order = &lumped;
    paths[1].s_order = &full;
    st = calibrate_all(paths, 3, IAF_FB_COUNT, flat_path_of, flat_signed, flat_range, rmode != 0,
                       flat_on_path, tv, out->ci, err);
    for (int p = 0; p < 3; p++)
        out->evaluations += paths[p].evaluations;
cleanup:
    for (int p = 0; p < 3; p++)
        cal_path_clear(&paths[p]);
    ref_cache_free(&rc);
    iaf_free(reps);
    iaf_free(col);
    iaf_free(buf);
    iaf_free(dom);
    iaf_free(order);
    return st;
}
