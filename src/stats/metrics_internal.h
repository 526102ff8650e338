/* stats/metrics_internal.h - the pieces of metrics.c that the bootstrap
 * driver reuses: a table normalised on the fly with its marginals, and the
 * metric computation on two such tables without allocation. */
#ifndef IAF_STATS_METRICS_INTERNAL_H
#define IAF_STATS_METRICS_INTERNAL_H

#include <stddef.h>

#include "iaf/metrics.h"

/* Below this, a dependence measure is treated as exactly zero (rounding of
 * a table that is an exact product of its marginals). */
#define IAF_DEP_EPS 1e-12

/* A kx-by-ky table v (borrowed), read as shares v[i] * inv, with its
 * marginals and the number of positive marginal categories. */
#define IAF_JT_SMALL 384
typedef struct iaf_jt {
    size_t kx, ky;
    const double *v;
    double inv;
    double *mx, *my, *comp; /* kx, ky, ky (compensation workspace): in small, or owned */
    size_t kx_pos, ky_pos;
    /* Tables with kx + 2 ky <= IAF_JT_SMALL need no allocation, so the
     * metrics of such a table cannot fail for want of memory (the metric
     * functions return NaN when they do). */
    double small[IAF_JT_SMALL];
} iaf_jt;

iaf_status iaf_jt_init(iaf_jt *t, size_t kx, size_t ky); /* IAF_ERR_NOMEM only */
void iaf_jt_free(iaf_jt *t);
/* Point t at v and compute its marginals; -1 when v has a negative or
 * non-finite cell or a total that is not positive and finite. */
int iaf_jt_set(iaf_jt *t, const double *v);

/* Measures a replicate may skip (to save time where a search needs others). */
enum {
    IAF_FILL_NO_RAKE = 1, /* footprint_dep */
    IAF_FILL_NO_DEP = 2,  /* cramers_v_*, nmi_* */
    IAF_FILL_NO_DIST = 4  /* max_cell_pp, hellinger, js_distance, cond_tvd_x_given_y */
};

/* Workspace of iaf_joint_metrics_fill: ky ratios, and the raked table with
 * its normalised view. */
typedef struct iaf_jm_ws {
    double *ratio;     /* ky */
    double *raked;     /* kx*ky */
    double *row, *col; /* kx, ky: raking targets */
    double *csum;      /* ky: column sums during raking */
    iaf_jt rk;
    unsigned skip; /* replicates only: IAF_FILL_* bits of measures left NAN */
} iaf_jm_ws;

iaf_status iaf_jm_ws_init(iaf_jm_ws *w, size_t kx, size_t ky); /* IAF_ERR_NOMEM only */
void iaf_jm_ws_free(iaf_jm_ws *w);

/* IPF of s (shares v * inv) to the targets row/col (shares summing to 1
 * each, restricted as iaf_rake describes by the caller); out gets shares. */
void iaf_rake_jt(const iaf_jt *s, const double *row, const double *col, double tol, size_t max_iter,
                 double *csum, double *out, size_t *iterations, int *converged);

/* Validate an iaf_joint_input (shapes, cells, totals, sample sizes, SEs). */
iaf_status iaf_joint_input_check(const iaf_joint_input *in, iaf_error *err);

/* Fill every metric of out from s and r. replicate != 0 marks a bootstrap
 * replicate: the floors, bias terms and reference_dependent are left as they
 * are (they belong to the point estimate), and retention / footprint /
 * footprint_dep are computed whenever dep_tvd_r > IAF_DEP_EPS. Replicates
 * rake to IAF_RAKE_REP_TOL within IAF_RAKE_REP_ITER sweeps (far below any
 * sampling noise); ws->skip leaves some measures NAN in replicates. */
#define IAF_RAKE_REP_TOL 1e-9
#define IAF_RAKE_REP_ITER 200
void iaf_joint_metrics_fill(const iaf_jt *s, const iaf_jt *r, double n_s, double n_r,
                            const double *r_se, int replicate, iaf_jm_ws *ws,
                            iaf_joint_metrics *out);

/* Validate a flattening input; *theta receives the effective threshold. */
iaf_status iaf_flattening_check(const iaf_flat_input *in, double *theta, iaf_error *err);
/* Per-category flags of a flattening evaluation. */
enum { IAF_FLAT_DOMINATED = 1, IAF_FLAT_SUPPORT = 2 };
/* The section 5 measures of a validated input. With fixed (k flags) the
 * dominated set and Duncan's support are taken as given instead of from theta
 * and the masses (bootstrap replicates keep the observed data's sets).
 * Optional per-category outputs as in iaf_flattening_compute, except that
 * flags receives both flags. */
void iaf_flattening_eval(const iaf_flat_input *in, double theta, const unsigned char *fixed,
                         iaf_flattening *out, double *f_s, double *f_r, double *flattening,
                         unsigned char *flags);
/* What a bootstrap replicate needs of iaf_flattening_eval (bits). */
enum {
    IAF_FLAT_NEED_POOLED = 1, /* flattening_pooled, flattening_mean, f_s_pooled */
    IAF_FLAT_NEED_DUNCAN = 2, /* duncan_s, duncan_r, segregation_retention */
    IAF_FLAT_NEED_ALL = 3
};
/* The measures of one replicate with the observed data's sets (fixed): those
 * `need` names as iaf_flattening_eval computes them, the others NAN. */
void iaf_flattening_replicate(const iaf_flat_input *in, const unsigned char *fixed, unsigned need,
                              iaf_flattening *out);

#endif
