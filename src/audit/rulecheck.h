/* src/audit/rulecheck.h - rule-implied checks (METHOD.md section 6) when no
 * joint reference table exists:
 *  - hard rules "A => B" that every record (or count cell) must satisfy:
 *    violating mass, its share of the antecedent, the largest violating
 *    cells as examples; FLAG when the share exceeds the stated tolerance;
 *  - institutional expectations: P(share | given) must lie in a cited
 *    interval; a Wilson 95% interval of the synthetic estimate is compared
 *    with it (FLAG when entirely outside, PASS when entirely inside).
 * Both are evaluated on the cells of a table over the expression's
 * variables, so they work on microdata and on count tables alike.
 */
#ifndef IAF_AUDIT_RULECHECK_H
#define IAF_AUDIT_RULECHECK_H

#include "audit/verdict.h"
#include "core/expr.h"
#include "iaf/table.h"

#define IAF_RULE_EXAMPLES 5

typedef struct iaf_rule_example {
    char *cell; /* "var=value, var=value" */
    double mass;
} iaf_rule_example;

#define IAF_PROFILE_MAX 64

typedef struct iaf_rule_result {
    int is_expectation;
    int is_profile;
    /* age profile: the status's distribution over the age attribute */
    size_t nprofile;
    char *profile_label[IAF_PROFILE_MAX];
    double profile_share[IAF_PROFILE_MAX];
    double profile_expected[IAF_PROFILE_MAX]; /* NAN when no expected profile or bounds */
    /* the institutional bounds of each category's share (equal for a point profile) */
    double profile_expected_lo[IAF_PROFILE_MAX], profile_expected_hi[IAF_PROFILE_MAX];
    int profile_bounds; /* 1 when the expected profile is given as [lo, hi] bounds */
    int profile_in_window[IAF_PROFILE_MAX];
    double outside, outside_lo, outside_hi; /* share outside the window, Wilson 95% */
    /* TVD to the expected profile (with bounds: to the nearest profile within
     * them), its simultaneous 95% interval, and the threshold it screens at
     * (NAN: reported only) */
    double profile_tvd, profile_tvd_lo, profile_tvd_hi, max_tvd;
    /* hard rule */
    double antecedent, violations, share, tolerance;
    size_t nexamples;
    iaf_rule_example examples[IAF_RULE_EXAMPLES];
    /* expectation */
    double given, hits, estimate, ci_lo, ci_hi, expect_lo, expect_hi;
    double n; /* rows behind `given` (for the interval) */
    iaf_verdict verdict;
    char reason[512];
} iaf_rule_result;

/* t's attributes must be named as the expression's variables (any order). */
iaf_status iaf_rule_eval(const iaf_table *t, const iaf_expr *rule, double tolerance,
                         iaf_rule_result *out, iaf_error *err);
iaf_status iaf_expectation_eval(const iaf_table *t, const iaf_expr *share, const iaf_expr *given,
                                double lo, double hi, iaf_rule_result *out, iaf_error *err);
/* Age profile: among records satisfying `status`, the distribution over the
 * attribute `age`; window lists the categories inside the institutional age
 * window; expected (labels with lower and upper shares, n_expected of them,
 * may be 0; a category not listed is expected at 0) gives an institutional
 * profile. When every lo equals its hi the profile is a point (normalised to
 * sum 1) and the TVD is the ordinary one; otherwise the TVD is to the
 * nearest profile within the bounds, max(sum (lo - p)+, sum (p - hi)+), an
 * error when no profile fits them (sum lo > 1 or sum hi < 1). The TVD's
 * interval is simultaneous: +-h with h = sqrt(2 ln((2^K - 2) / 0.05) / n) / 2
 * (Weissman et al. 2003, the L1 deviation of an empirical distribution over
 * K categories from n rows), valid because a distance to a set moves at most
 * as far as the distribution does. Screens: the Wilson interval of the share
 * outside the window against tolerance (FLAG above, PASS at or below), and,
 * when max_tvd is not NAN, the TVD interval against max_tvd; the worse
 * decides. */
iaf_status iaf_profile_eval(const iaf_table *t, const iaf_expr *status, const char *age,
                            const char *const *window, size_t nwindow,
                            const char *const *exp_labels, const double *exp_lo,
                            const double *exp_hi, size_t n_expected, double tolerance,
                            double max_tvd, iaf_rule_result *out, iaf_error *err);
void iaf_rule_result_free(iaf_rule_result *r);
void iaf_rule_result_json(const iaf_rule_result *r, iaf_json *j);

#endif
