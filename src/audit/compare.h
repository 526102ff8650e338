/* src/audit/compare.h - harmonise a synthetic and a reference table on the
 * reference's comparable support and compute the joint metrics
 * (METHOD.md sections 3-4).
 */
#ifndef IAF_AUDIT_COMPARE_H
#define IAF_AUDIT_COMPARE_H

#include "audit/verdict.h"
#include "iaf/compare.h" /* iaf_thresholds, the public face of iaf_comparison */
#include "iaf/metrics.h"
#include "iaf/table.h"
#include "util/json.h"
#include "stats/bootstrap.h"

typedef struct iaf_compare_input {
    const iaf_table *syn;         /* must have attributes x (and y) */
    const iaf_table *ref;         /* likewise; its categories define the support */
    const char *x, *y;            /* y NULL for a 1-D (marginal) check */
    double n_s;                   /* synthetic sample size */
    double n_r;                   /* reference sample size, INFINITY when fixed */
    const iaf_boot_options *boot; /* NULL: no intervals, no verdict */
    const iaf_thresholds *th;     /* NULL: the defaults */
} iaf_compare_input;

typedef struct iaf_offsupport {
    char *x, *y; /* synthetic labels (y NULL for 1-D); which one is off is flagged */
    int x_off, y_off;
    double mass;
} iaf_offsupport;

/* The standard's coverage in a standardised joint (METHOD.md section 7;
 * docs/method.md 5.3): per category x of the standardised attribute, the
 * share of x's standard that the strata populated on both sides hold, and
 * its synthetic mass; pooled = their mass-weighted mean over the rows the
 * comparison reaches. Below min the standardised verdict is INCONCLUSIVE
 * (note). */
typedef struct iaf_std_coverage {
    size_t k;
    char **labels;
    double *coverage, *mass;
    double pooled, min;
    size_t nlow;      /* categories reached below min */
    int per_category; /* one standard per category */
    char *note;       /* the INCONCLUSIVE reason, or NULL */
} iaf_std_coverage;

void iaf_std_coverage_free(iaf_std_coverage *c);

/* What `iaf compare` read (iaf_compare_run): owned copies, for the accessors
 * and the JSON; NULL in the comparisons of an audit. */
typedef struct iaf_compare_inputs {
    char *by[2];
    size_t nby;
    struct {
        char **files;
        size_t nfiles;
        char *where, *weight;
        int counts; /* read as a count table */
    } side[2];
} iaf_compare_inputs;

void iaf_compare_inputs_free(iaf_compare_inputs *in);

struct iaf_comparison {
    size_t kx, ky;
    char **xl, **yl;                   /* support labels (reference categories, byte order) */
    double *s, *r;                     /* kx*ky masses on the support (excluded cells are 0) */
    double *r_se;                      /* kx*ky share SEs or NULL */
    uint8_t *state;                    /* kx*ky iaf_cell_state of the reference cell */
    double s_total;                    /* all synthetic mass given */
    double s_support;                  /* synthetic mass on comparable cells */
    double s_off;                      /* synthetic mass on categories the reference lacks */
    double s_suppressed, s_structural; /* synthetic mass on excluded reference cells */
    double r_total, r_support, r_suppressed;
    size_t noff;
    iaf_offsupport *off; /* largest first */
    double n_s, n_r;
    iaf_joint_metrics m;
    int twod;
    double cond_floor; /* noise floor of cond_tvd_y_given_x */
    int has_boot;
    iaf_joint_boot boot; /* intervals when has_boot */
    iaf_boot_options boot_opt;
    iaf_check_verdict verdict;  /* IAF_VERDICT_NONE without intervals */
    iaf_std_coverage *std_cov;  /* a standardised comparison's coverage (owned), or NULL */
    iaf_compare_inputs *inputs; /* owned, or NULL */
};

iaf_status iaf_compare_tables(const iaf_compare_input *in, iaf_comparison **out, iaf_error *err);
/* iaf_comparison_free is public (iaf/compare.h). */

/* The `iaf compare --json` object: the metric keys of METHOD.md section 4,
 * n_synthetic, n_reference, noise_floor, cells and coverage. */
void iaf_comparison_json(const iaf_comparison *c, iaf_json *j);
/* Its members only, for an object that adds its own (iaf_comparison_write_json). */
void iaf_comparison_json_members(const iaf_comparison *c, iaf_json *j);

#endif

/* Direct standardisation of a joint (METHOD.md section 7) for joint checks:
 * from counts over (x, y, a), the table n_x * sum_a w_a P(y | x, a) with w the
 * standard distribution of the stratum a (the one-attribute table std, over
 * std_attr). Like with like: when ref (may be NULL) also has a, it is
 * standardised with the same weights into *out_r, and in every row x only
 * the strata populated on both sides count (the rest of the weights are
 * renormalised, as survey::svystandardize does); without it *out_r stays
 * NULL and the synthetic side alone is standardised. Sets note (why not)
 * and leaves *out_s NULL when standardisation is impossible. */
iaf_status iaf_standardize_joint(const iaf_table *syn, const iaf_table *ref, const char *x,
                                 const char *y, const char *a, const iaf_table *std,
                                 const char *std_attr, iaf_table **out_s, iaf_table **out_r,
                                 char *note, size_t note_size, iaf_error *err);

/* The same with a per-category standard and coverage: std_by (may be NULL)
 * names the attribute of std holding x's categories, so that each row x is
 * standardised to its own stratum mix (a row the standard lacks keeps no
 * cells); *cov (may be NULL) receives the coverage of the synthetic side's
 * standard per x (owned by the caller). */
iaf_status iaf_standardize_joint_cov(const iaf_table *syn, const iaf_table *ref, const char *x,
                                     const char *y, const char *a, const iaf_table *std,
                                     const char *std_attr, const char *std_by, iaf_table **out_s,
                                     iaf_table **out_r, iaf_std_coverage **cov, char *note,
                                     size_t note_size, iaf_error *err);

/* Attach cov to the standardised comparison c (taking ownership) and apply
 * the coverage rule: pooled coverage below min (NAN: 0.8) makes c's verdict
 * INCONCLUSIVE "standardisation coverage too low (...)". */
iaf_status iaf_std_coverage_gate(iaf_comparison *c, iaf_std_coverage *cov, double min,
                                 iaf_error *err);
