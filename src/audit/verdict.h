/* src/audit/verdict.h - PASS / FLAG / INCONCLUSIVE from intervals
 * (METHOD.md section 9, docs/method.md).
 *
 * A screening metric FLAGs when its whole interval lies on the failing side
 * of the materiality threshold and, for a distance, the point estimate
 * exceeds its noise floor; it PASSes when the whole interval lies on the
 * passing side; anything else is INCONCLUSIVE. A check takes the worst of
 * its screens (FLAG > INCONCLUSIVE > PASS).
 */
#ifndef IAF_AUDIT_VERDICT_H
#define IAF_AUDIT_VERDICT_H

#include <stddef.h>

#include "report/json.h"

typedef enum iaf_verdict {
    IAF_VERDICT_PASS = 0,
    IAF_VERDICT_INCONCLUSIVE = 1,
    IAF_VERDICT_FLAG = 2,
    IAF_VERDICT_NONE = 3 /* not screened (no interval) */
} iaf_verdict;

typedef struct iaf_screen {
    const char *metric; /* static name */
    double threshold;
    int fails_above; /* 1: larger is worse; 0: smaller is worse */
    double estimate, lo, hi;
    double floor; /* noise floor for distances, NAN otherwise */
    iaf_verdict verdict;
    char reason[256];
} iaf_screen;

#define IAF_MAX_SCREENS 4

typedef struct iaf_check_verdict {
    iaf_verdict verdict;
    const char
        *diagnosis; /* static: faithful, flattened, distorted, exaggerated, mismatch; or NULL */
    int reference_dependent;
    size_t nscreens;
    iaf_screen screens[IAF_MAX_SCREENS];
} iaf_check_verdict;

const char *iaf_verdict_name(iaf_verdict v); /* "PASS", "FLAG", "INCONCLUSIVE", NULL */

/* Decide one screen in place (fills verdict and reason). */
void iaf_screen_decide(iaf_screen *s);
/* 1 when s is INCONCLUSIVE because its noise floor reaches its threshold:
 * the sample is too small to decide. */
int iaf_screen_too_small(const iaf_screen *s);
/* Combine the screens into the check verdict (worst wins). */
void iaf_verdict_combine(iaf_check_verdict *v);
/* The screen that decided the verdict: the worst, the first on ties (the
 * first screen when none decided); NULL without screens. */
const iaf_screen *iaf_verdict_key_screen(const iaf_check_verdict *v);
/* "strict" when every variant flags, "mapping-dependent" when variants
 * disagree, "consistent" when all agree on PASS or INCONCLUSIVE. */
const char *iaf_variant_agreement(const iaf_verdict *v, size_t n);

/* Across crosswalk variants, on verdict AND diagnosis (METHOD.md section 9):
 * "strict" when every variant flags with the same diagnosis, "consistent"
 * when every variant has the same verdict and diagnosis, else
 * "mapping-dependent". diag may hold NULLs (equal to each other). */
const char *iaf_variant_agreement_diag(const iaf_verdict *v, const char *const *diag, size_t n);
/* Raw vs standardised: "age-robust" when verdict and diagnosis agree, else
 * "age-sensitive". */
const char *iaf_age_agreement(iaf_verdict raw, const char *raw_diag, iaf_verdict std,
                              const char *std_diag);

void iaf_verdict_json(const iaf_check_verdict *v, iaf_json *j);
/* One screen's members (metric ... reason), inside an object the caller opened. */
void iaf_screen_json_fields(const iaf_screen *s, iaf_json *j);

#endif
