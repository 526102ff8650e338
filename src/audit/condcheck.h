/* src/audit/condcheck.h - the conditional_independence check (docs/method.md,
 * "Conditional independence"): a card's "A is independent of B given C" tested
 * on the synthetic table over (A, B, C...) with stats/condind.c, compared with
 * a reference over the same cross-classification when the check names one,
 * and its finding: the assumption visible in the data, not visible, or what
 * cannot be decided. */
#ifndef IAF_AUDIT_CONDCHECK_H
#define IAF_AUDIT_CONDCHECK_H

#include "audit/verdict.h"
#include "stats/bootstrap.h"
#include "stats/condind.h"
#include "util/json.h"

typedef struct iaf_ci_check {
    iaf_ci_result syn, ref;
    int has_ref;
    int rounded;      /* non-integer (weighted) counts were rounded to rows */
    double retention; /* excess(syn) / excess(ref): conditional dependence kept */
    /* its interval (docs/method.md 12a): both sides resampled, calibrated along the
     * synthetic side's path towards conditional independence, the reference held at its
     * bias-corrected dependence (ref_cdep's estimate); NAN fields without one */
    iaf_boot_interval retention_ci;
    iaf_boot_interval ref_cdep; /* the reference's cdep_tvd: plug-in, interval, corrected */
    double n_r;                 /* the reference's rows behind the tested cells (INFINITY: fixed) */
    const char *n_r_basis;      /* static: how n_r was chosen */
    const char *interval_method; /* static: "calibrated" / "basic" */
    size_t evaluations;          /* simulated candidate truths */
    const char *straddles;       /* static: which bound the retention interval straddles */
    int ref_dependent;           /* the reference's conditional dependence stands out of its null */
    double tau;                  /* cdep_excess: the smallest dependence that matters */
    double min_support;          /* share of rows in tested cells a verdict needs */
    double detectable;   /* the dependence the decision is about (tau, or the reference's) */
    const char *finding; /* static: visible / not visible / cannot be decided */
    char *reason;        /* owned: the sentence behind the finding */
    iaf_verdict verdict;
    const char *diagnosis; /* static */
} iaf_ci_check;

void iaf_ci_check_free(iaf_ci_check *c); /* accepts NULL */
void iaf_ci_check_json(const iaf_ci_check *c, iaf_json *j);

#endif
