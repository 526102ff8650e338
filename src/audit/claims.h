/* src/audit/claims.h - the claims of a paper (or of a dataset card) as
 * first-class items of an audit (docs/spec.md, "Claims"). A claim names the
 * checks that decide it and a rule; the audit answers each claim with
 * "confirmed", "contradicted" or "undecidable on these data", and a reason
 * built from the checks' own verdicts and reasons.
 *
 * Rules (per check, then combined over the claim's checks):
 *  - flag [diagnosis d]: FLAG (with diagnosis d when given) confirms; PASS,
 *    or a FLAG with another diagnosis, contradicts; anything else (INCONCLUSIVE,
 *    no verdict) leaves the claim undecidable.
 *  - pass: PASS confirms, FLAG contradicts.
 *  - mapping-dependent: the verdicts of the check's crosswalk variants
 *    disagree (in verdict or diagnosis) while at least one variant decides
 *    (PASS or FLAG): confirmed; every variant decides alike (strict or
 *    consistent): contradicted; a check with one mapping, or none deciding:
 *    undecidable.
 *  - age-robust: in every variant the raw verdict decides and agrees with the
 *    age-standardised one (verdict and diagnosis): confirmed; in some variant
 *    both decide and disagree: contradicted; no standardisation (or an
 *    undecided side): undecidable.
 * require all (default): confirmed when every check confirms, contradicted
 * when any contradicts; require any: confirmed when any confirms,
 * contradicted when all contradict; otherwise undecidable.
 */
#ifndef IAF_AUDIT_CLAIMS_H
#define IAF_AUDIT_CLAIMS_H

#include <stddef.h>

#include "audit/verdict.h"

typedef enum iaf_claim_expect {
    IAF_CLAIM_EXPECT_FLAG = 0,
    IAF_CLAIM_EXPECT_PASS,
    IAF_CLAIM_EXPECT_MAPPING_DEPENDENT,
    IAF_CLAIM_EXPECT_AGE_ROBUST
} iaf_claim_expect;

/* "flag", "pass", "mapping-dependent", "age-robust"; NULL when out of range. */
const char *iaf_claim_expect_name(iaf_claim_expect e);
/* Parse the names above; -1 otherwise. */
int iaf_claim_expect_parse(const char *s, iaf_claim_expect *out);

/* A claim as the spec states it (owned by the spec). */
typedef struct iaf_spec_claim {
    char *id, *claim, *source, *note;
    char **checks;  /* check ids, as written */
    int *check_idx; /* their indices among the spec's checks */
    size_t nchecks;
    iaf_claim_expect expect;
    char *diagnosis; /* with expect flag: the diagnosis the FLAG must carry, or NULL */
    int require_any; /* 0: every check must confirm; 1: one is enough */
    long line;
} iaf_spec_claim;

typedef enum iaf_claim_outcome {
    IAF_CLAIM_CONFIRMED = 0,
    IAF_CLAIM_CONTRADICTED,
    IAF_CLAIM_UNDECIDABLE
} iaf_claim_outcome;

/* "confirmed", "contradicted", "undecidable on these data". */
const char *iaf_claim_outcome_name(iaf_claim_outcome o);

#define IAF_CLAIM_MAX_VARIANTS 8

/* What a claim needs to know of one check's result (all strings borrowed). */
typedef struct iaf_claim_check {
    const char *id;
    iaf_verdict verdict;   /* across variants */
    const char *diagnosis; /* or NULL */
    const char *reason;    /* why the verdict (the INCONCLUSIVE reason above all), or NULL */
    const char *mapping;   /* "strict" / "mapping-dependent" / "consistent"; NULL: one mapping */
    size_t nvariants;
    struct {
        iaf_verdict verdict, std_verdict; /* std_verdict IAF_VERDICT_NONE: not standardised */
        const char *age_agreement;        /* or NULL */
        const char *std_note;             /* why no standardisation, or NULL */
    } variants[IAF_CLAIM_MAX_VARIANTS];
} iaf_claim_check;

typedef struct iaf_claim_result {
    const iaf_spec_claim *claim; /* borrowed */
    iaf_claim_outcome outcome;
    char reason[1024];
} iaf_claim_result;

/* Decide claim c from checks[i], the result of c->checks[i] (i < c->nchecks). */
void iaf_claim_decide(const iaf_spec_claim *c, const iaf_claim_check *checks,
                      iaf_claim_result *out);

#endif
