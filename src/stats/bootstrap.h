/* stats/bootstrap.h - bootstrap intervals (METHOD.md section 8).
 *
 * Interval rules (docs/method.md, "Uncertainty"): quantiles by type 7 (linear
 * interpolation between order statistics, numpy's default); the basic
 * (pivotal) interval [2t - q_{1-a/2}, 2t - q_{a/2}] clipped to the metric's
 * range, which verdicts use; the percentile interval [q_{a/2}, q_{1-a/2}]
 * beside it; and the bias-corrected estimate 2t - mean(t*), clipped too.
 *
 * The drivers resample parametrically: s* ~ Multinomial(n_s, s); r* ~
 * Multinomial(n_r, r) when n_r is finite, else per-cell Normal(r, se^2)
 * clipped at 0 and renormalised when SEs are given, else r is fixed.
 * Replicate b draws its synthetic table from stream iaf_rng_seed_stream(seed,
 * b) and its reference table from a stream of its own, (seed, b | 2^63), so
 * the results depend on the seed only (not on thread count or run order),
 * and the reference's B tables, the same at every candidate truth that holds
 * the reference at its observed table, are drawn once per call and kept
 * (when they fit in 64 MB; else drawn again, the same numbers). The
 * drivers never print and keep no state between calls.
 */
#ifndef IAF_STATS_BOOTSTRAP_H
#define IAF_STATS_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/metrics.h"
#include "iaf/status.h"

#define IAF_BOOT_DEFAULT_B 1000
#define IAF_BOOT_DEFAULT_SEED 20260611u
#define IAF_BOOT_DEFAULT_LEVEL 0.95

/* iaf_interval_method (which interval the drivers report in lo / hi and
 * bias_corrected) is public: an audit option. */
#include "iaf/audit.h"

/* Type-7 quantile of sorted[0..n-1] at probability q in [0, 1]; NAN when n == 0. */
double iaf_quantile_sorted(const double *sorted, size_t n, double q);

typedef struct iaf_boot_interval {
    double estimate;           /* the plug-in t */
    double lo, hi;             /* the 95% interval, clipped to the range: basic (pivotal), or
                                  calibrated (test inversion) when the driver was asked so */
    double pct_lo, pct_hi;     /* percentile interval of the ordinary bootstrap */
    double bias_corrected;     /* the headline estimate, always inside [lo, hi]: basic:
                                  2t - mean(t*), clipped; calibrated: T(s_d) at the d whose
                                  simulated median is t (0 / the path's start when t is
                                  below the noise median) */
    double boot_mean, boot_se; /* mean and standard deviation of the finite replicates */
    size_t n_valid;            /* replicates with a finite value */
    int calibrated;            /* 1 when lo / hi / bias_corrected come from the calibration */
} iaf_boot_interval;

/* Summarise replicates reps[0..b-1] of a statistic with plug-in value t and
 * range [range_lo, range_hi]. Non-finite replicates are dropped; when fewer
 * than half remain, or t is NAN, every field but estimate and n_valid is NAN.
 * reps is sorted in place. level in (0, 1), e.g. 0.95. */
void iaf_boot_interval_from(double t, double *reps, size_t b, double level, double range_lo,
                            double range_hi, iaf_boot_interval *out);

typedef struct iaf_boot_options {
    size_t b;      /* replicates; 0 = IAF_BOOT_DEFAULT_B */
    uint64_t seed; /* the seed (0 is a valid seed; callers default to IAF_BOOT_DEFAULT_SEED) */
    double level;  /* 0 = IAF_BOOT_DEFAULT_LEVEL */
    /* Optional, caller-owned, b * n_metrics doubles: replicate i's value of
     * metric m at [i * n_metrics + m] (n_metrics = IAF_JM_COUNT or
     * IAF_FB_COUNT), for diagnostics and tests. */
    double *replicates;
    /* Worker threads for the joint bootstrap; 0 or 1 = the calling thread
     * only. The results are the same bits whatever the number. */
    unsigned threads;
    /* The interval (0 = calibrated). */
    iaf_interval_method interval;
} iaf_boot_options;

typedef enum iaf_boot_r_mode {
    IAF_BOOT_R_FIXED,       /* full count, or shares without n or SE */
    IAF_BOOT_R_MULTINOMIAL, /* r* ~ Multinomial(n_r, r) */
    IAF_BOOT_R_NORMAL       /* r* ~ Normal(r, se^2) per cell, clipped, renormalised */
} iaf_boot_r_mode;

typedef struct iaf_joint_boot {
    iaf_joint_metrics point; /* iaf_joint_metrics_compute on the input */
    iaf_boot_interval ci[IAF_JM_COUNT];
    size_t b;
    iaf_boot_r_mode r_mode;
    iaf_interval_method method;
    size_t evaluations; /* simulated candidate truths (1 for the basic interval) */
} iaf_joint_boot;

/* The simulation engine's table of operations, for a statistic of two
 * tables of ks (synthetic) and kr (reference) cells: every metric of
 * (s, r) into vals[nm]. eval is applied to the replicates (counts drawn as
 * the drivers below draw them) and to the observed tables; truth, when
 * given, to the candidate truths of a calibration path (shares), for a
 * statistic whose estimator differs from the population quantity it
 * estimates (a bias-corrected ratio); NULL: eval for both. */
typedef struct iaf_boot_model {
    size_t nm;     /* metrics per evaluation */
    size_t ks, kr; /* cells of the synthetic and the reference side */
    const void *ctx;
    void *(*ws_new)(const void *ctx); /* per-worker workspace */
    void (*ws_free)(void *ws);
    int ws_needed;
    void (*eval)(const void *ctx, void *ws, const double *s, const double *r, double *vals);
    void (*truth)(const void *ctx, void *ws, const double *s, const double *r, double *vals);
} iaf_boot_model;

/* The parametric bootstrap of a model's nm metrics, and their calibrated
 * intervals along one path of candidate truths s_d = s_start + d (s_hat -
 * s_start) with the reference side r held where it is (both as the
 * drivers below: s* ~ Multinomial(n_s, s_d), r* ~ Multinomial(n_r, r) when
 * n_r is finite, else r fixed; n_s infinite keeps s fixed). point[m] is the
 * observed value of metric m, range_lo / range_hi its range; ci[m] gets the
 * basic interval, replaced by the calibrated one when opt->interval asks
 * so. s_obs (counts or shares, ks cells), s_start (ks shares) and r (kr
 * cells) are borrowed for the call. *evaluations (optional) counts the
 * simulated candidate truths. */
iaf_status iaf_boot_path_interval(const iaf_boot_model *model, const double *s_obs,
                                  const double *s_start, double n_s, const double *r, double n_r,
                                  const iaf_boot_options *opt, const double *point,
                                  const double *range_lo, const double *range_hi,
                                  iaf_boot_interval *ci, size_t *evaluations, iaf_error *err);

/* Calibrated intervals (opt->interval == IAF_INTERVAL_CALIBRATED): for a
 * metric T, candidate truths lie on a path s_d = s_0 + d (s_hat - s_0),
 * d >= 0 (cells clipped at 0 beyond the last d where they all stay >= 0):
 * from r (without the rows and columns s_hat leaves empty) for the
 * distances (see iaf_joint_metric_calibrated), from s_hat's independence
 * table s_x s_y for dep_tvd_s and retention (along it dep_tvd(s_d) =
 * d dep_tvd(s_hat), so retention is linear in d); for flattening checks
 * from r for the flattening measures (d < 0 allowed: exaggeration), from
 * s_hat's group-independence table for segregation retention and D_s, and,
 * when the reference is resampled, from r's towards r for D_r. At each d the
 * B replicates draw s* from s_d (and r* as in the ordinary bootstrap, from
 * r_d on the reference path), replicate b from streams (seed, b) and
 * (seed, b | 2^63) whatever d is (common random numbers). The 95% interval is every T(s_d) whose
 * simulated central 95% range contains the observed t; each bound, and the
 * bias-corrected estimate (median = t), is a root in d found by bracketing
 * and safeguarded false position (at most 12 steps), the simulations of
 * one path shared by all its metrics. */

/* 1 for the joint metrics that calibrated intervals cover: tvd_joint,
 * tvd_x, tvd_y, both conditional TVDs, footprint, footprint_dep (from r),
 * dep_tvd_s and retention (towards independence). The others keep the basic
 * interval with the estimate clamped into it. */
int iaf_joint_metric_calibrated(iaf_joint_metric_id id);

/* Parametric bootstrap of every resampled metric of a joint check. n_s and a
 * finite n_r are rounded to the nearest integer (>= 1) as multinomial sizes
 * (a Kish effective n need not be whole); n_s == INFINITY keeps s fixed.
 * When n_r is finite and SEs are also given, the multinomial is used.
 * In a replicate, retention and footprint are computed whenever dep_tvd(r*)
 * is positive, provided the point estimate found reference dependence;
 * otherwise their intervals are NAN. */
iaf_status iaf_joint_bootstrap(const iaf_joint_input *in, const iaf_boot_options *opt,
                               iaf_joint_boot *out, iaf_error *err);

/* Flattening (METHOD.md section 5): the resampled measures. */
typedef enum iaf_flat_boot_id {
    IAF_FB_FLATTENING_POOLED,
    IAF_FB_FLATTENING_MEAN,
    IAF_FB_SEGREGATION_RETENTION,
    IAF_FB_DUNCAN_S,
    IAF_FB_DUNCAN_R,
    IAF_FB_F_S_POOLED,
    IAF_FB_COUNT
} iaf_flat_boot_id;

const char *iaf_flat_boot_name(iaf_flat_boot_id id); /* "flattening_pooled", ... */

typedef struct iaf_flat_boot {
    iaf_flattening point;
    iaf_boot_interval ci[IAF_FB_COUNT];
    size_t b;
    iaf_boot_r_mode r_mode;
    iaf_interval_method method;
    size_t evaluations;
} iaf_flat_boot;

/* Parametric bootstrap of the flattening measures: the 2k cells (focal and
 * other per category) of each side are resampled as one multinomial table
 * with n_s (and n_r when finite; INFINITY keeps r fixed). The dominated set
 * stays the one chosen from the observed reference: it is part of the
 * definition of the estimand, not an estimate. */
iaf_status iaf_flattening_bootstrap(const iaf_flat_input *in, double n_s, double n_r,
                                    const iaf_boot_options *opt, iaf_flat_boot *out,
                                    iaf_error *err);

#endif
