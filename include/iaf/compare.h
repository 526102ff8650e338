/* iaf/compare.h - one ad-hoc check: a synthetic dataset against a reference on
 * one or two attributes (`iaf compare`; docs/method.md sections 3, 4, 8, 9).
 *
 * Each side is a dataset: microdata (CSV, JSONL, Parquet; files, globs or
 * directories read as one) or a count table (long or wide CSV). Both are
 * counted by the attributes of `by` (after an optional recode or binning and
 * a universe filter), then harmonised on the reference's categories: the
 * reference defines the comparable support, and synthetic mass on other
 * categories is kept as coverage (iaf_comparison_coverage), never dropped.
 * With bootstrap replicates the result carries 95% intervals and a PASS /
 * FLAG / INCONCLUSIVE verdict; without, point estimates only, and
 * iaf_comparison_no_verdict says why there is no verdict.
 *
 * Ownership (iaf/iaf.h): an iaf_comparison is owned by the caller and freed
 * with iaf_comparison_free (NULL accepted); every pointer an accessor returns
 * is borrowed from it and valid until then. Option structs and the arrays
 * they point to are borrowed for the duration of the call only.
 * Thread safety: a comparison is immutable; its accessors may be called from
 * any thread.
 */
#ifndef IAF_COMPARE_H
#define IAF_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/audit.h"
#include "iaf/buffer.h"
#include "iaf/defs.h"
#include "iaf/metrics.h"
#include "iaf/source.h"
#include "iaf/status.h"
#include "iaf/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a dataset is. AUTO: a count table when the file reads as one (a single
 * CSV with a count or share column, or a wide table), else microdata. */
typedef enum iaf_data_form {
    IAF_DATA_AUTO = 0,
    IAF_DATA_MICRODATA = 1,
    IAF_DATA_COUNTS = 2
} iaf_data_form;

/* The two sides of a comparison, for the accessors that take one. */
typedef enum iaf_compare_side_id {
    IAF_SIDE_SYNTHETIC = 0,
    IAF_SIDE_REFERENCE = 1
} iaf_compare_side_id;

/* Materiality thresholds (docs/method.md section 9). */
typedef struct iaf_thresholds {
    double tvd;       /* one attribute: tvd_joint (default 0.05) */
    double cond_tvd;  /* two: cond_tvd_y_given_x (0.10) */
    double footprint; /* two: footprint_dep (0.5) */
    double retention; /* two: names the diagnosis only (0.5) */
} iaf_thresholds;

/* The defaults above. */
IAF_API iaf_thresholds iaf_thresholds_default(void);

/* How one attribute of `by` is derived before counting: a recode or bins
 * (`--recode`, `--bin`). It applies to the synthetic side and to a microdata
 * reference; a count-table reference is taken to be in the compared
 * categories already. */
typedef struct iaf_compare_derive {
    const char *attr; /* a name of by */
    /* A recode: nrecode pairs; a value equal to from[i] becomes to[i], values
     * not listed are kept. Each from[i] at most once. */
    const char *const *from;
    const char *const *to;
    size_t nrecode;
    /* Or bins (nrecode 0): nedges >= 2 strictly increasing edges (-INFINITY
     * first and INFINITY last allowed), category i = [edges[i], edges[i+1]),
     * labelled "18-24" for whole-number edges, "65+" for a last band to
     * INFINITY, else "[a,b)". Values outside every bin, and text that is not
     * a number, fall in no category and are left out of the comparison. */
    const double *edges;
    size_t nedges;
} iaf_compare_derive;

/* One side. Zero-initialise, then set paths. */
typedef struct iaf_compare_side {
    const char *const *paths; /* npaths files, globs or directories: one dataset */
    size_t npaths;
    iaf_data_form form;
    iaf_source_options source; /* format, encoding, delimiter (threads: iaf_compare_options) */
    const char *where;         /* universe filter (docs/expressions.md), or NULL */
    const char *weight;        /* microdata weight column, or NULL */
    double n;                  /* sample size; 0 = from the data: rows in the universe
                                  (Kish's n when weighted); a count-table reference is
                                  fixed (INFINITY: no sampling noise) */
    /* Instead of paths (then NULL), data the caller holds: */
    iaf_source *src;        /* microdata in a source the caller opened (iaf_source_open_callbacks,
                               ...); borrowed: the caller frees it after the call */
    const void *counts_csv; /* or a count table as the bytes of its CSV (long or wide),
                               read as a count-table file is (form is then counts);
                               borrowed */
    size_t counts_csv_size;
    const char *counts_name; /* stands for counts_csv's file in errors and the inputs;
                                NULL = "<memory>" */
} iaf_compare_side;

/* Zero-initialise, then set what differs from the defaults. */
typedef struct iaf_compare_options {
    const char *const *by; /* nby = 1 (a marginal) or 2 (a joint) column names */
    size_t nby;
    iaf_compare_side synthetic, reference;
    const iaf_compare_derive *derive; /* nderive, at most one per attribute */
    size_t nderive;
    const char *const *missing; /* nmissing tokens that also mean missing, both sides */
    size_t nmissing;
    const char *normalize; /* label normalisation steps for both sides ("trim,nfkc"), or
                              NULL; see iaf_normalize_check (iaf/count.h) */
    size_t bootstrap_b;    /* bootstrap replicates; 0 = none: no intervals, no verdict */
    uint64_t seed;         /* used when seed_set; else 20260611 */
    int seed_set;
    iaf_interval_method interval;     /* IAF_INTERVAL_CALIBRATED by default */
    const iaf_thresholds *thresholds; /* NULL: iaf_thresholds_default() */
    int threads;                      /* reading and the bootstrap; 0 = every core for
                                         reading, 2 bootstrap workers. Results do not
                                         depend on it. */
    /* Optional, called after each step (reading the synthetic side, the
     * reference, the metrics, the bootstrap: done 1..total) from the calling
     * thread. Return IAF_OK to go on, or IAF_STOP to cancel: the call then
     * returns IAF_STOP with no error filled and *out left NULL. A step in
     * progress runs to its end. */
    iaf_status (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} iaf_compare_options;

typedef struct iaf_comparison iaf_comparison;

/* Read both sides (each from its paths, src or counts_csv) and compare them. On success *out is
 * owned by the caller. Errors: IAF_ERR_INVALID for bad options (nby not 1 or 2, a derive for an
 * attribute not in by or given twice, bad edges, a malformed where), a
 * column missing on a side, or no synthetic mass on the reference's
 * categories; reading errors as iaf_source_open and the readers report them,
 * located in the file; IAF_ERR_NOMEM. Errors not about one file are prefixed
 * with the side's first path. */
IAF_API iaf_status iaf_compare_run(const iaf_compare_options *opt, iaf_comparison **out,
                                   iaf_error *err);

/* The same on two tables the caller built or counted (iaf/table.h, iaf/count.h):
 * both must have the attributes of opt->by (they may have others, summed
 * over). The sides' paths, form, source, where and weight and opt->derive,
 * missing and normalize are not used. A side's n = 0 means: the table's
 * n_eff when known, else its n_obs, else its total; for the reference, 0
 * means fixed (no sampling noise). */
IAF_API iaf_status iaf_compare_run_tables(const iaf_table *synthetic, const iaf_table *reference,
                                          const iaf_compare_options *opt, iaf_comparison **out,
                                          iaf_error *err);

IAF_API void iaf_comparison_free(iaf_comparison *c);

/* ---- What was compared ---------------------------------------------------- */

/* The attributes (by): 1 or 2; attr i < nattrs. */
IAF_API size_t iaf_comparison_nattrs(const iaf_comparison *c);
IAF_API const char *iaf_comparison_attr(const iaf_comparison *c, size_t i);
/* The files a side was read from, after glob and directory expansion (none
 * for iaf_compare_run_tables). */
IAF_API size_t iaf_comparison_nfiles(const iaf_comparison *c, iaf_compare_side_id side);
IAF_API const char *iaf_comparison_file(const iaf_comparison *c, iaf_compare_side_id side,
                                        size_t i);
/* The sample sizes used: n_synthetic, and n_reference (INFINITY when fixed). */
IAF_API double iaf_comparison_n(const iaf_comparison *c, iaf_compare_side_id side);

/* ---- The aligned tables ----------------------------------------------------
 * The support: the reference's categories of attribute a (0 = x, 1 = y), in
 * byte order; "" is the missing category. With one attribute ky is 1. */
IAF_API size_t iaf_comparison_ncats(const iaf_comparison *c, size_t a);
IAF_API const char *iaf_comparison_cat(const iaf_comparison *c, size_t a, size_t i);
/* kx * ky masses on the support, cell (x, y) at x * ky + y (weighted counts,
 * or the reference's shares); cells excluded from comparison (suppressed or
 * structural zeros in the reference) are 0 and have a non-OK state. */
IAF_API const double *iaf_comparison_masses(const iaf_comparison *c, iaf_compare_side_id side);
IAF_API iaf_cell_state iaf_comparison_cell_state(const iaf_comparison *c, size_t k);

/* Where the mass went (docs/method.md section 3). */
typedef struct iaf_compare_coverage {
    double synthetic_total;         /* all synthetic mass in the universe */
    double synthetic_on_support;    /* on comparable cells */
    double synthetic_off_support;   /* on categories the reference lacks */
    double synthetic_on_suppressed; /* on cells the reference suppresses */
    double synthetic_on_structural; /* on the reference's structural zeros */
    double reference_total;         /* all reference mass */
    double reference_on_support;    /* on comparable cells */
    double reference_suppressed;    /* withheld by the publisher */
} iaf_compare_coverage;
IAF_API iaf_compare_coverage iaf_comparison_coverage(const iaf_comparison *c);

/* Synthetic categories the reference lacks, largest mass first: the labels
 * of the cell (y NULL with one attribute), which of them is off the support,
 * and its synthetic mass. */
typedef struct iaf_compare_offsupport {
    const char *x, *y;
    int x_off, y_off;
    double mass;
} iaf_compare_offsupport;
IAF_API size_t iaf_comparison_noff(const iaf_comparison *c);
IAF_API iaf_compare_offsupport iaf_comparison_off(const iaf_comparison *c, size_t i);

/* ---- Metrics, intervals, verdict ------------------------------------------ */

/* Every metric of iaf/metrics.h (undefined ones NAN). */
IAF_API const iaf_joint_metrics *iaf_comparison_metrics(const iaf_comparison *c);
/* The noise floor of cond_tvd_y_given_x (two attributes; NAN otherwise). */
IAF_API double iaf_comparison_cond_noise_floor(const iaf_comparison *c);

/* Bootstrap settings: replicates (0 without a bootstrap), seed, interval. */
IAF_API size_t iaf_comparison_bootstrap_b(const iaf_comparison *c);
IAF_API uint64_t iaf_comparison_seed(const iaf_comparison *c);
IAF_API iaf_interval_method iaf_comparison_interval_method(const iaf_comparison *c);

/* A metric's 95% interval: estimate is the headline (inside [lo, hi]),
 * plug_in the value on the data, se the bootstrap standard deviation; NAN
 * where undefined. IAF_ERR_INVALID without a bootstrap or for an id out of
 * range. */
typedef struct iaf_compare_interval {
    double estimate, plug_in, lo, hi, se;
    int calibrated; /* 1: test inversion; 0: the basic interval */
} iaf_compare_interval;
IAF_API iaf_status iaf_comparison_interval(const iaf_comparison *c, iaf_joint_metric_id id,
                                           iaf_compare_interval *out, iaf_error *err);

/* The screens that decide the verdict (docs/method.md section 9), in order;
 * none without a bootstrap. verdict: "PASS", "FLAG" or "INCONCLUSIVE";
 * reason: why, in one sentence ("" when the interval speaks for itself). */
typedef struct iaf_compare_screen {
    const char *metric;
    double estimate, lo, hi, plug_in;
    double threshold;
    double floor;    /* noise floor (distances), else NAN */
    int fails_above; /* 1: larger is worse */
    const char *verdict;
    const char *reason;
} iaf_compare_screen;
IAF_API size_t iaf_comparison_nscreens(const iaf_comparison *c);
IAF_API iaf_compare_screen iaf_comparison_screen(const iaf_comparison *c, size_t i);

/* "PASS", "FLAG" or "INCONCLUSIVE", or NULL when no verdict is given. */
IAF_API const char *iaf_comparison_verdict(const iaf_comparison *c);
/* The diagnosis that goes with the verdict ("flattened", ...), or NULL. */
IAF_API const char *iaf_comparison_diagnosis(const iaf_comparison *c);
/* Why no verdict is given (one sentence), or NULL when there is one. */
IAF_API const char *iaf_comparison_no_verdict(const iaf_comparison *c);

/* The `iaf compare --json` object, one line per member, appended to out:
 * "by", "inputs" (each side's files, form, where, weight), every metric of
 * docs/method.md section 4, n_synthetic, n_reference, noise_floor, cells and
 * coverage; with a bootstrap also "bootstrap", "intervals",
 * "cond_noise_floor" and "verdict", without it "no_verdict". NaN is null.
 * No trailing newline. IAF_ERR_NOMEM. */
IAF_API iaf_status iaf_comparison_write_json(const iaf_comparison *c, iaf_buffer *out,
                                             iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
