/* iaf/calibrate.h - calibration weights: make weighted units match known totals.
 *
 * Units (rows of microdata, or cells of a count table) carry design weights d_i
 * (1 for unweighted rows, the count for a cell). Each margin assigns every unit
 * one category, or none (IAF_CALIB_NONE: the unit is outside that margin's
 * universe), and gives a target total per category; a joint target (sex x
 * occupation) is one margin whose categories are the joint cells. The
 * calibrated weights w_i = d_i g_i satisfy every margin at once:
 *
 *     sum over units i in category c of margin k of w_i = target[k][c]
 *
 * with g_i = F(x_i' lambda) (Deville and Sarndal 1992), x_i the indicators of
 * the unit's categories:
 *   IAF_CALIB_RAKING  F(u) = exp(u): multiplicative raking, the fixed point of
 *                     iterative proportional fitting (R survey::calibrate,
 *                     calfun = "raking");
 *   IAF_CALIB_LOGIT   the bounded logit distance: L < g_i < U for user bounds
 *                     0 <= L < 1 < U (calfun = "logit", bounds = c(L, U)).
 * Solved by Newton's method on lambda with a generalised inverse of the
 * (possibly singular: margins that share a total) Hessian and step halving, as
 * survey's grake; the solution is unique, so any converged solver agrees.
 * Convergence: max over constrained categories of
 * |target - achieved| / (1 + |target|) < epsilon (survey's criterion).
 *
 * What is never forced: a category with a positive target and no unit of
 * positive weight ("unreachable"), and a category with a zero target that
 * units do reach ("zero target": weights would have to vanish). Both are
 * reported as unrepairable and left out of the constraints; the units of a
 * zero-target category are then free in that margin.
 *
 * Non-convergence (infeasible targets, bounds too tight) returns
 * IAF_ERR_INVALID naming the margin and category with the largest residual,
 * and still hands over the result so the residuals can be reported.
 */
#ifndef IAF_CALIBRATE_H
#define IAF_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/audit.h"
#include "iaf/buffer.h"
#include "iaf/defs.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IAF_CALIB_NONE (-1) /* a unit outside a margin */

typedef enum iaf_calib_method { IAF_CALIB_RAKING = 0, IAF_CALIB_LOGIT = 1 } iaf_calib_method;

typedef enum iaf_calib_state {
    IAF_CALIB_OK = 0,          /* constrained */
    IAF_CALIB_UNREACHABLE = 1, /* target > 0, no unit with weight: unrepairable */
    IAF_CALIB_ZERO_TARGET = 2  /* target 0, units reach it: unrepairable, not forced */
} iaf_calib_state;

typedef struct iaf_calib_margin {
    const char *name;          /* shown in errors and reports (borrowed; may be NULL) */
    size_t ncategories;        /* categories 0 .. ncategories - 1 */
    const int32_t *category;   /* per unit: a category or IAF_CALIB_NONE */
    const double *target;      /* per category: target total, finite and >= 0 */
    const char *const *labels; /* per category label for errors (may be NULL) */
} iaf_calib_margin;

typedef struct iaf_calib_options {
    iaf_calib_method method;
    double lower, upper; /* logit bounds on g = w / d: 0 <= lower < 1 < upper, finite */
    double epsilon;      /* convergence criterion (default 1e-10) */
    int max_iter;        /* Newton iterations (default 100) */
} iaf_calib_options;

/* Raking, epsilon 1e-10, 100 iterations, bounds [0.5, 2] for logit. */
IAF_API void iaf_calib_options_init(iaf_calib_options *opt);

typedef struct iaf_calib_result iaf_calib_result;

/* Calibrate n units with design weights `design` (NULL: all 1; each finite and
 * >= 0) to `nmargins` margins. On success *out is the result (owned: free with
 * iaf_calib_result_free). On non-convergence returns IAF_ERR_INVALID with the
 * error located, and *out is still set (iaf_calib_result_converged is 0). On
 * invalid arguments or out of memory *out is NULL. */
IAF_API iaf_status iaf_calibrate(size_t n, const double *design, const iaf_calib_margin *margins,
                                 size_t nmargins, const iaf_calib_options *opt,
                                 iaf_calib_result **out, iaf_error *err);
IAF_API void iaf_calib_result_free(iaf_calib_result *res);

IAF_API int iaf_calib_result_converged(const iaf_calib_result *res);
IAF_API int iaf_calib_result_iterations(const iaf_calib_result *res);
/* The criterion reached: max |target - achieved| / (1 + |target|) over the constrained
 * categories (0 when nothing is constrained). */
IAF_API double iaf_calib_result_criterion(const iaf_calib_result *res);
IAF_API size_t iaf_calib_result_n(const iaf_calib_result *res);
/* Calibrated weights w_i = d_i g_i, and the g-weights (borrowed arrays of n). */
IAF_API const double *iaf_calib_result_weights(const iaf_calib_result *res);
IAF_API const double *iaf_calib_result_g(const iaf_calib_result *res);

/* Per margin k and category c: its state, the target, the weighted total before
 * (design weights) and after calibration, and the residual target - after. */
typedef struct iaf_calib_cell {
    iaf_calib_state state;
    double target, before, after, residual;
} iaf_calib_cell;
IAF_API iaf_status iaf_calib_result_cell(const iaf_calib_result *res, size_t margin,
                                         size_t category, iaf_calib_cell *cell);
/* The largest |residual| / (1 + target) of a margin's constrained categories. */
IAF_API double iaf_calib_result_margin_criterion(const iaf_calib_result *res, size_t margin);
IAF_API size_t iaf_calib_result_unrepairable(const iaf_calib_result *res);

/* Summary of a set of weights: unit i stands for mult[i] rows (NULL: 1 each; a
 * count table's cell stands for its count) that each carry weight w[i] (for
 * calibrated cells, pass the g-weights). Kish's effective sample size is
 * (sum m w)^2 / sum m w^2; min, max and quantiles (R's type 7 rule on the rows,
 * each unit repeated mult[i] times, mult rounded to whole rows for the quantiles)
 * describe the weights of the rows. */
typedef struct iaf_weight_summary {
    double rows;     /* sum of mult */
    double sum_w;    /* sum m w */
    double n_eff;    /* Kish: (sum m w)^2 / sum m w^2 */
    double min, max; /* over rows */
    double q01, q05, q25, q50, q75, q95, q99;
} iaf_weight_summary;
IAF_API iaf_status iaf_weight_summarize(size_t n, const double *w, const double *mult,
                                        iaf_weight_summary *out, iaf_error *err);

/* `iaf calibrate`: calibrate a spec's synthetic microdata to the references of the
 * marginal and joint checks named in `checks` (and of the margins of the spec's
 * `calibrate:` block named there: a reference's table over any number of attributes), as the audit
 * harmonises them (the first crosswalk variant). Units are the distinct combinations of the columns
 * those checks read (attribute and universe columns): the calibration factor g
 * depends on a row only through them. Targets: each check's reference shares over
 * the cells the synthetic data reach, times the synthetic mass in those cells; a reference cell
 * never reached is unrepairable (reported, not forced), a synthetic cell the reference lacks is
 * left free. A row in two cells of one check (a weighted many-to-many crosswalk) is an error. */
typedef struct iaf_calib_spec_options {
    const char *const *checks; /* check ids */
    size_t nchecks;
    iaf_calib_options calib;
    int threads; /* 0 = all cores */
} iaf_calib_spec_options;

typedef struct iaf_calib_run iaf_calib_run;

/* What the spec's `calibrate:` block states (docs/calibration.md): its method, bounds,
 * epsilon and max_iter into opt->calib, its min_neff and id column (borrowed from the
 * spec) into *min_neff and *id_column; what it does not state is left as it is (each
 * pointer may be NULL). A tool applies its own options after this, so they win. With
 * opt->nchecks 0, iaf_calibrate_spec takes the block's targets: its `to:` (check and
 * margin ids), else every margin it defines. */
IAF_API void iaf_calibrate_spec_defaults(const iaf_spec *spec, iaf_calib_spec_options *opt,
                                         double *min_neff, const char **id_column);
/* Whether the selection can be calibrated (check ids exist, once each, marginal or
 * joint on the microdata), before anything is read: IAF_ERR_INVALID otherwise. */
IAF_API iaf_status iaf_calibrate_spec_validate(const iaf_spec *spec,
                                               const iaf_calib_spec_options *opt, iaf_error *err);
/* On success or non-convergence (IAF_ERR_INVALID, located) *out is set (owned). */
IAF_API iaf_status iaf_calibrate_spec(const iaf_spec *spec, const iaf_calib_spec_options *opt,
                                      iaf_calib_run **out, iaf_error *err);
IAF_API void iaf_calib_run_free(iaf_calib_run *r);
IAF_API const iaf_calib_result *iaf_calib_run_result(const iaf_calib_run *r);
/* The files read (spec, data, references, crosswalks), so that no output replaces one. */
IAF_API size_t iaf_calib_run_ninputs(const iaf_calib_run *r);
IAF_API const char *iaf_calib_run_input(const iaf_calib_run *r, size_t i);
/* The weights as CSV: one row per unit, its column values (missing = empty), the
 * rows it holds, their mass (weighted rows) and g; a row's calibrated weight is its
 * weight (1 unweighted) times g. */
IAF_API iaf_status iaf_calib_run_write_weights(const iaf_calib_run *r, iaf_buffer *out,
                                               iaf_error *err);
/* The weights per row as CSV: file, row (1-based within its file, data rows) and
 * weight (g: the data are unweighted), in file order. The spec must be the one the
 * run was made from; a row's values are labelled as the audit labels them (the
 * dataset's missing tokens and declared normalisation). A row that reaches no unit is
 * an error. */
IAF_API iaf_status iaf_calib_run_write_rows(const iaf_calib_run *r, const iaf_spec *spec,
                                            iaf_buffer *out, iaf_error *err);
/* The file format of iaf_calib_run_write_row_weights. */
typedef enum iaf_calib_format { IAF_CALIB_CSV = 0, IAF_CALIB_PARQUET = 1 } iaf_calib_format;
/* Every row's calibrated weight (its own weight, 1 unweighted, times its unit's g), in
 * file order, keyed by `id_column` when given (columns: the id, then `weight`, or
 * `calibrated_weight` when the id column is called weight) or else by file and row
 * (`file,row,weight`, rows 1-based within each file). An empty or repeated id is a
 * data error located at its row. CSV, or Parquet (PLAIN, uncompressed, pages of at most
 * 1 MiB and row groups of at most 2^20 rows, with min/max statistics; the id as a UTF-8 string, row
 * as INT64, the weight as DOUBLE). The spec must be the one the run was made from; rows are matched
 * to their unit through the dataset's missing tokens and declared label normalisation, as the audit
 * labels them. A run on a count table (dataset: tables) writes one row per cell instead: the labels
 * of the columns the targets read (missing = empty), `count`, `g` and `calibrated_count` (count
 * times g); an id column is then IAF_ERR_INVALID. */
IAF_API iaf_status iaf_calib_run_write_row_weights(const iaf_calib_run *r, const iaf_spec *spec,
                                                   const char *id_column, iaf_calib_format format,
                                                   iaf_buffer *out, iaf_error *err);
/* The convergence report: per margin the criterion and the unrepairable cells, the
 * distribution of g over the rows and Kish's effective n, and a re-audit of every
 * marginal and joint check of the spec on the microdata (calibrated or not): its
 * tvd_joint and cond_tvd_y_given_x against the reference, unweighted and with the
 * weights, marked WORSE when a check that was not calibrated moved away. *neff_low (may be NULL)
 * is set when n_eff / rows < min_neff. */
IAF_API iaf_status iaf_calib_run_write_report(const iaf_calib_run *r, double min_neff,
                                              iaf_buffer *out, int *neff_low, iaf_error *err);

#ifdef __cplusplus
}
#endif

#endif
