/* iaf/scan.h - the discovery scan (`iaf scan`; docs/method.md section 11):
 * every pair of categorical columns of a dataset, its strength of dependence
 * and a null distribution under independence, ranked, with the pairs that
 * cannot be told apart from independence marked as footprint candidates.
 *
 * The null keeps both margins and is simulated on cells (tables with the
 * observed row and column totals, Patefield 1981), which is the distribution
 * a permutation of rows gives; weighted data use Multinomial(n_eff, p_x p_y)
 * with Kish's n. Without a column list, the first rows are probed and
 * columns that cannot be categorical are skipped and listed with the reason
 * (identifiers and weights by name or by near-unique values, one value, more
 * than max_categories values). With a reference over the same columns, a
 * pair whose retention interval lies wholly below 1 - tau_ret is a candidate
 * too. Results do not depend on the number of threads.
 *
 * Ownership (iaf/iaf.h): an iaf_scan_result is owned by the caller and freed
 * with iaf_scan_result_free (NULL accepted); every pointer an accessor
 * returns is borrowed from it and valid until then. Option structs and what
 * they point to are borrowed for the duration of the call only.
 */
#ifndef IAF_SCAN_H
#define IAF_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/buffer.h"
#include "iaf/compare.h"
#include "iaf/defs.h"
#include "iaf/source.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default retention criterion: a pair is a candidate against the
 * reference when its retention interval lies below 1 - IAF_SCAN_TAU_RET. */
#define IAF_SCAN_TAU_RET 0.5

/* Zero-initialise, then set what differs from the defaults. */
typedef struct iaf_scan_options {
    iaf_source_options source;  /* format, encoding, delimiter (threads: below) */
    const char *const *columns; /* ncolumns (>= 2) columns to pair, each once; NULL: every
                                   categorical column, found by probing the first rows */
    size_t ncolumns;
    const char *const *skip; /* nskip columns never to pair (listed as skipped) */
    size_t nskip;
    const char *weight;    /* weight column (weighted counts, Kish n; never paired) */
    size_t max_categories; /* a probed column with more values is skipped; 0 = 100 */
    const char *where;     /* universe filter, or NULL */
    size_t null_b;         /* null replicates per pair; 0 = 200 */
    uint64_t seed;         /* used when seed_set; else 20260611 */
    int seed_set;
    /* A reference (microdata or one long count table over the same columns). */
    const char *const *reference_paths; /* NULL: none */
    size_t nreference_paths;
    iaf_data_form reference_form;
    iaf_source_options reference_source; /* used as given (zero: auto format, UTF-8) */
    const char *reference_weight;        /* a microdata reference's weight column */
    double reference_n;                  /* a count-table reference's effective n; 0 = fixed */
    size_t bootstrap_b;                  /* retention interval replicates; 0 = 200 */
    double tau_ret;                      /* 0 = IAF_SCAN_TAU_RET; else in (0, 1) */
    const char *const *missing; /* nmissing tokens that also mean missing (both datasets) */
    size_t nmissing;
    const char *normalize; /* label normalisation steps, or NULL (iaf_normalize_check) */
    const char *card;      /* path of a dataset card whose sentences stating independence
                              or "not modeled" are kept (a regular file, at most 8 MiB);
                              NULL: none */
    int threads;           /* reading and pair workers; 0 = every core */
    /* Optional, called after each pair with the pairs done and their number,
     * from the pair workers one at a time. Return IAF_OK to go on, or
     * IAF_STOP to cancel: the workers take no further pair and the call
     * returns IAF_STOP with no error filled and *out left NULL. */
    iaf_status (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} iaf_scan_options;

/* One pair's result. */
typedef struct iaf_scan_pair {
    const char *x, *y; /* the columns, x before y in the dataset's column order */
    size_t kx, ky;     /* categories with positive mass */
    double n;          /* mass (rows, or weight) */
    double dep_tvd, cramers_v, nmi, mm_bias;
    double chi2_p; /* asymptotic p-value of the chi-square test of independence */
    double g_p;    /* asymptotic p-value of the G-test (2 n MI ~ chi2) */
    double null_dep_tvd_p95, null_cramers_v_p95, null_nmi_p95;
    int conditional; /* 1: margins fixed, simulated on cells; 0: parametric (weighted) */
    int candidate;   /* dependence indistinguishable from the null */
    /* small n (Cochran 1954): expected counts n p_x p_y over the cells */
    double expected_min, expected_below5; /* the smallest; the share of cells below 5 */
    int small_n;                          /* more than 20% below 5, or any below 1 */
    /* against a reference (has_ref: both columns are in it) */
    int has_ref;
    double dep_tvd_ref, retention, retention_lo, retention_hi;
    int ref_dependent;    /* the reference shows dependence (retention defined) */
    int ref_candidate;    /* retention interval wholly below 1 - tau_ret */
    const char *ref_note; /* why there is no retention, or NULL */
} iaf_scan_pair;

typedef struct iaf_scan_result iaf_scan_result;

/* Scan the dataset paths (files, globs, directories; microdata or one long
 * count table). opt may be NULL (defaults). On success *out is owned by the
 * caller. Errors: IAF_ERR_INVALID for bad options (fewer than two columns, a
 * column named twice, tau_ret outside (0, 1)), an unknown column, or fewer
 * than two categorical columns left to pair; reading errors located in the
 * file (a reference's prefixed "reference: "); IAF_ERR_LIMIT for a card over
 * 8 MiB; IAF_ERR_NOMEM. */
IAF_API iaf_status iaf_scan_run(const char *const *paths, size_t npaths,
                                const iaf_scan_options *opt, iaf_scan_result **out, iaf_error *err);
/* The same scan of data held in sources the caller opened (iaf_source_open,
 * iaf_source_open_callbacks for columns in memory, ...): data's microdata,
 * against reference (microdata; NULL: opt's reference_paths, or none).
 * Both sources are taken over, also on failure. opt's source options are
 * not used (each source has its own); everything else is as for
 * iaf_scan_run, whose results equal these on the same rows. Errors as
 * iaf_scan_run's, and IAF_ERR_INVALID for no data, both a reference source
 * and reference paths, or a reference source with reference_form
 * IAF_DATA_COUNTS. */
IAF_API iaf_status iaf_scan_run_sources(iaf_source *data, iaf_source *reference,
                                        const iaf_scan_options *opt, iaf_scan_result **out,
                                        iaf_error *err);
IAF_API void iaf_scan_result_free(iaf_scan_result *r);

/* Rows scanned (in the universe), and 1 when a weight was used. */
IAF_API int64_t iaf_scan_result_rows(const iaf_scan_result *r);
IAF_API int iaf_scan_result_weighted(const iaf_scan_result *r);
/* The columns paired, in the dataset's order. */
IAF_API size_t iaf_scan_result_ncolumns(const iaf_scan_result *r);
IAF_API const char *iaf_scan_result_column(const iaf_scan_result *r, size_t i);
/* The columns skipped, and why ("identifier (named like one)", ...). */
IAF_API size_t iaf_scan_result_nskipped(const iaf_scan_result *r);
IAF_API const char *iaf_scan_result_skipped(const iaf_scan_result *r, size_t i, const char **why);
/* Categories that read like a lumped remainder ("other", "기타", ...): the
 * column, and the label through *label. Dependence measured with a lump
 * understates the truth. */
IAF_API size_t iaf_scan_result_nlumped(const iaf_scan_result *r);
IAF_API const char *iaf_scan_result_lumped(const iaf_scan_result *r, size_t i, const char **label);
/* Every pair, strongest dependence (dep_tvd) first, ties by names. */
IAF_API size_t iaf_scan_result_npairs(const iaf_scan_result *r);
IAF_API const iaf_scan_pair *iaf_scan_result_pair(const iaf_scan_result *r, size_t i);
/* The card's sentences stating independence or "not modeled", whole, in the
 * card's order; and whether sentence s names both columns of pair p (as
 * whole words, case-insensitive). */
IAF_API size_t iaf_scan_result_ncard(const iaf_scan_result *r);
IAF_API const char *iaf_scan_result_card(const iaf_scan_result *r, size_t s);
IAF_API int iaf_scan_result_card_names(const iaf_scan_result *r, size_t s, size_t p);

/* The `iaf scan --json` object (settings, columns, skipped, lumped
 * categories, pairs, card sentences with the pairs they name), appended to
 * out; no trailing newline. IAF_ERR_NOMEM. */
IAF_API iaf_status iaf_scan_result_write_json(const iaf_scan_result *r, iaf_buffer *out,
                                              iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
