/* iaf/metrics.h - distances and dependence measures of docs/method.md §4.
 *
 * Inputs are two aligned kx-by-ky tables over the comparable support
 * (row-major, cell (x, y) at index x * ky + y): the synthetic table s and the
 * reference table r, as counts or shares (each is normalised to sum 1 here).
 * A 1-D check is a kx-by-1 table: then the "joint" is the marginal and the
 * conditional and dependence measures are reported as undefined (NAN).
 *
 * Undefined values are NAN (serialised as JSON null), never a number.
 * Formulas, conventions (zero cells, empty rows, the dependence floor) and
 * their numerical evaluation are in docs/method.md (installed with the
 * documentation), whose headings carry the method's section numbers (§4 ...)
 * cited here. Bootstrap intervals for these metrics are what `iaf compare`
 * and `iaf audit` add. Every function here is pure and thread-safe.
 */
#ifndef IAF_METRICS_H
#define IAF_METRICS_H

#include <stddef.h>

#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_joint_input {
    size_t kx, ky;      /* table shape; ky == 1 for a 1-D check */
    const double *s;    /* synthetic counts or shares, kx*ky, >= 0, sum > 0 */
    const double *r;    /* reference counts or shares, kx*ky, >= 0, sum > 0 */
    double n_s;         /* synthetic sample size (rows in universe, or Kish n) */
    double n_r;         /* reference sample size; INFINITY for a full count or
                           fixed shares (then it adds no noise) */
    const double *r_se; /* optional per-cell standard errors of r's *shares*, or NULL */
} iaf_joint_input;

typedef struct iaf_joint_metrics {
    double tvd_joint;
    double tvd_x, tvd_y;
    double cond_tvd_y_given_x, cond_tvd_x_given_y;
    double max_cell_pp;
    size_t max_cell_x, max_cell_y; /* the cell of max_cell_pp */
    double hellinger;              /* sqrt(1 - sum sqrt(s r)), in [0, 1] */
    double js_distance;            /* sqrt(JS divergence), natural log, in [0, sqrt(ln 2)] */
    double dep_tvd_s, dep_tvd_r;
    double cramers_v_s, cramers_v_r;
    double nmi_s, nmi_r;           /* plug-in NMI */
    double nmi_bias_s, nmi_bias_r; /* Miller-Madow bias of I: (Kx-1)(Ky-1)/(2n) */
    double retention;              /* dep_tvd_s / dep_tvd_r, NAN when r shows no dependence */
    double footprint;              /* cond_tvd(s,r) / cond_tvd(r_x r_y, r), NAN likewise */
    double footprint_dep;          /* cond_tvd(s_raked,r) / cond_tvd(r_x r_y, r), NAN likewise;
                                      s_raked = s raked by IPF to r's margins (section 4.1) */
    double footprint_marginal;     /* footprint - footprint_dep: what a marginal error explains */
    int raking_converged;          /* 1 when IPF met IAF_RAKE_TOL within IAF_RAKE_MAX_ITER
                                      (0 also for a 1-D check, where nothing is raked) */
    size_t raking_iterations;      /* IPF sweeps used (row + column = one sweep) */
    double noise_floor;            /* expected tvd_joint between two samples of r (section 8) */
    double noise_floor_bound;      /* 1/2 sqrt(K (1/n_s + 1/n_r)), K = cells with r > 0 */
    double dep_floor_r;            /* noise floor of dep_tvd_r (decides "no dependence") */
    int reference_dependent;       /* 1 when dep_tvd_r exceeds max(dep_floor_r, 1e-12) */
} iaf_joint_metrics;

/* Compute every metric. Errors: IAF_ERR_INVALID for empty tables, negative
 * or non-finite cells, a zero total on either side, n_s or n_r not > 0 (NAN
 * included), negative or non-finite SEs; IAF_ERR_LIMIT for a table too large
 * to allocate; IAF_ERR_NOMEM. */
IAF_API iaf_status iaf_joint_metrics_compute(const iaf_joint_input *in, iaf_joint_metrics *out,
                                             iaf_error *err);

/* Single measures on one table p (counts or shares, kx*ky). */
IAF_API double iaf_tvd(const double *p, const double *q, size_t n); /* both normalised inside */
IAF_API double iaf_dep_tvd(const double *p, size_t kx, size_t ky);
IAF_API double iaf_cramers_v(const double *p, size_t kx, size_t ky);
IAF_API double iaf_nmi(const double *p, size_t kx, size_t ky);
/* cond_tvd_y_given_x(s, r), reference-weighted (docs/method.md §4). */
IAF_API double iaf_cond_tvd(const double *s, const double *r, size_t kx, size_t ky);

/* Raking (iterative proportional fitting, docs/method.md §4.1): scale the
 * rows and columns of the kx-by-ky table s (counts or shares) in turn until
 * its margins are row[] and col[] (shares; each normalised here). Rows or
 * columns where s has no mass cannot be raked: they stay 0 and the targets
 * are taken from r restricted to the rows and columns where s has mass
 * (here: the targets themselves restricted and renormalised), so an empty
 * row still counts as a whole mismatch in cond_tvd. out (kx*ky) receives
 * the raked shares (summing to 1). Stops when every row sum is within tol
 * of its target after a column step, or after max_iter sweeps; *converged
 * (optional) says which, *iterations (optional) the sweeps used.
 * IAF_ERR_INVALID for invalid tables (as iaf_joint_metrics_compute),
 * IAF_ERR_NOMEM. Raking keeps every odds ratio of s. */
#define IAF_RAKE_TOL 1e-12
#define IAF_RAKE_MAX_ITER 10000
IAF_API iaf_status iaf_rake(size_t kx, size_t ky, const double *s, const double *row,
                            const double *col, double tol, size_t max_iter, double *out,
                            size_t *iterations, int *converged, iaf_error *err);

/* Noise floor of a TVD between two samples of p over k cells:
 * sum_k sqrt(p_k (1-p_k) (1/n_s + 1/n_r) / (2 pi)) plus the variance of
 * given per-cell SEs (se may be NULL). n_r may be INFINITY. */
IAF_API double iaf_tvd_noise_floor(const double *p, size_t k, double n_s, double n_r,
                                   const double *se);

/* The single measures above return NAN for invalid input (a negative or
 * non-finite cell, a zero total) and when out of memory. */

/* ---- Iterating over the metrics of iaf_joint_metrics ----------------------
 * The resampled metrics, in report order; the noise floors and bias terms
 * are functions of r and the sample sizes only and are not listed. */
typedef enum iaf_joint_metric_id {
    IAF_JM_TVD_JOINT,
    IAF_JM_TVD_X,
    IAF_JM_TVD_Y,
    IAF_JM_COND_TVD_Y_GIVEN_X,
    IAF_JM_COND_TVD_X_GIVEN_Y,
    IAF_JM_MAX_CELL_PP,
    IAF_JM_HELLINGER,
    IAF_JM_JS_DISTANCE,
    IAF_JM_DEP_TVD_S,
    IAF_JM_DEP_TVD_R,
    IAF_JM_CRAMERS_V_S,
    IAF_JM_CRAMERS_V_R,
    IAF_JM_NMI_S,
    IAF_JM_NMI_R,
    IAF_JM_RETENTION,
    IAF_JM_FOOTPRINT,
    IAF_JM_FOOTPRINT_DEP,
    IAF_JM_COUNT
} iaf_joint_metric_id;

/* "tvd_joint", "cond_tvd_y_given_x", ... (the field names); NULL when out of range. */
IAF_API const char *iaf_joint_metric_name(iaf_joint_metric_id id);
IAF_API double iaf_joint_metric_value(const iaf_joint_metrics *m, iaf_joint_metric_id id);
/* The metric's range, used to clip intervals: [0, 1] for the TVDs, [0, 100]
 * for max_cell_pp, [0, sqrt(ln 2)] for js_distance, [0, INFINITY) for the
 * ratios retention, footprint and footprint_dep. */
IAF_API void iaf_joint_metric_range(iaf_joint_metric_id id, double *lo, double *hi);

/* ---- Flattening toward parity (docs/method.md §5) -----------------------
 * A binary group G (focal = the minority group, e.g. women) over a domain Y
 * of k categories. Counts (or weights, or shares) per category for each side. */
typedef struct iaf_flat_input {
    size_t k;
    const double *s_focal, *s_other; /* synthetic, k each, >= 0 */
    const double *r_focal, *r_other; /* reference, k each, >= 0 */
    double theta; /* y is dominated when the reference focal share f_r(y) < theta;
                     0 selects the default 0.25 */
} iaf_flat_input;

typedef struct iaf_flattening {
    double f_perp;      /* focal share of the whole reference universe */
    double f_perp_s;    /* focal share of the whole synthetic universe (reported beside it) */
    size_t n_dominated; /* categories with f_r(y) < theta */
    size_t n_dominated_support;    /* of which in the common support (mass on both sides) */
    double f_s_pooled, f_r_pooled; /* focal shares over the pooled dominated domain, within
                                      the common support */
    double flattening_pooled;      /* (f_s_pooled - f_r_pooled) / (f_perp - f_r_pooled) */
    double flattening_mean;        /* reference-weighted mean of flattening(y) over the
                                      dominated categories of the common support */
    double duncan_s, duncan_r;     /* Duncan's D = 1/2 sum_y |m_y/M - f_y/F| over the categories
                                      where both sides have mass (the common support) */
    double segregation_retention;  /* duncan_s / duncan_r */
    size_t n_support;              /* categories in that common support */
    double r_outside_support;      /* share of the reference's mass outside it */
} iaf_flattening;

/* Compute the section 5 measures. The per-category outputs are optional
 * (NULL to skip), each an array of k supplied by the caller: f_s(y), f_r(y),
 * flattening(y) (NAN where undefined: no mass in y on a side, or
 * f_r(y) == f_perp), and dominated(y) (1/0). Undefined aggregates are NAN
 * (no dominated category, a side without focal or other mass, D_r == 0).
 * IAF_ERR_INVALID for negative or non-finite counts, k == 0, theta outside
 * [0, 1], or a zero total on a side. */
IAF_API iaf_status iaf_flattening_compute(const iaf_flat_input *in, iaf_flattening *out,
                                          double *f_s, double *f_r, double *flattening,
                                          unsigned char *dominated, iaf_error *err);

/* ---- Direct standardisation (docs/method.md §7) -------------------------
 * DS(y) = sum_a w_a rate(y | a), rate(y | a) = num[y, a] / den[y, a] (e.g. the
 * focal group's weighted count over everyone's, in domain category y and age
 * band a), w the standard age distribution (counts or shares, normalised
 * here). Tables are ky-by-ka, row-major (cell (y, a) at y * ka + a).
 *
 * A cell with den == 0 has no rate: DS(y) is then taken over the age bands
 * that have one, with their weights renormalised (what survey::svystandardize
 * does, whose post-stratification drops empty cells), and coverage(y) reports
 * the standard weight that was available (1 = every band). DS(y) is NAN when
 * no band with positive weight has a rate. */
IAF_API iaf_status iaf_direct_standardize(size_t ky, size_t ka, const double *num,
                                          const double *den, const double *w, double *ds,
                                          double *coverage, iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
