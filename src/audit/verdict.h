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

#include "util/json.h"

typedef enum iaf_verdict {
    IAF_VERDICT_PASS = 0,
    IAF_VERDICT_INCONCLUSIVE = 1,
    IAF_VERDICT_FLAG = 2,
    IAF_VERDICT_NONE = 3 /* not screened (no interval) */
} iaf_verdict;

typedef struct iaf_screen {
    const char *metric; /* static name */
    double threshold;
    int fails_above;         /* 1: larger is worse; 0: smaller is worse */
    double estimate, lo, hi; /* estimate: the headline (bias-corrected, inside [lo, hi]) */
    double plug_in;          /* the plug-in value, compared with the noise floor; NAN = estimate */
    double floor;            /* noise floor for distances, NAN otherwise */
    iaf_verdict verdict;
    char reason[256];
} iaf_screen;

#define IAF_MAX_SCREENS 4

typedef struct iaf_check_verdict {
    iaf_verdict verdict;
    const char *diagnosis; /* static, from iaf_diagnose; or NULL */
    int reference_dependent;
    size_t nscreens;
    iaf_screen screens[IAF_MAX_SCREENS];
} iaf_check_verdict;

const char *iaf_verdict_name(iaf_verdict v); /* "PASS", "FLAG", "INCONCLUSIVE", NULL */

/* ---- Diagnosis (METHOD.md section 4.2) ------------------------------------
 * The facts a diagnosis rests on, all from 95% intervals. One function
 * decides for every command (compare, audit, replicate). */
typedef enum iaf_diag_kind {
    IAF_DIAG_MARGINAL,  /* aligned / misaligned */
    IAF_DIAG_JOINT,     /* the fixed order of METHOD.md section 4.2 */
    IAF_DIAG_FLATTENING /* section 5 */
} iaf_diag_kind;

typedef struct iaf_diag_facts {
    iaf_diag_kind kind;
    iaf_verdict verdict; /* the check's combined verdict */
    /* A reason the check cannot be decided at all (insufficient support,
     * partial identification: METHOD.md sections 3.5, 3.6, 9), set by the
     * caller together with verdict INCONCLUSIVE; it is the diagnosis, before
     * any row of section 4.2. NULL otherwise. */
    const char *undecidable;
    /* joint */
    int reference_dependent;
    double tau_ret;            /* tolerance of retention around 1 (default 0.5) */
    double ret_lo, ret_hi;     /* retention interval */
    double fpd_lo, fpd_hi;     /* footprint_dep interval */
    iaf_verdict fpd_verdict;   /* footprint_dep's screen */
    double tvd_x_lo, tvd_y_lo; /* lower bounds of the marginal TVDs */
    double tau_marginal;       /* marginal threshold (default 0.05) */
    /* flattening: flattening_pooled interval and its screens, segregation
     * retention interval (in ret_lo / ret_hi) */
    double flat_lo, flat_hi;
    iaf_verdict flat_verdict, exag_verdict;
} iaf_diag_facts;

/* Facts with every interval NAN, verdict NONE, tau_ret 0.5, tau_marginal 0.05. */
iaf_diag_facts iaf_diag_facts_init(iaf_diag_kind kind);
/* The diagnosis (a static string), or NULL when none applies (an
 * INCONCLUSIVE check, unless `undecidable` says why). Joint checks that PASS
 * or FLAG, the first row that holds:
 * "reference shows no dependence", "flattened" (retention interval below
 * 1 - tau_ret), "exaggerated" (above 1 + tau_ret), "distorted" (footprint_dep
 * interval above 1), "marginal error" (FLAG, footprint_dep PASSes, a marginal
 * TVD's lower bound above tau_marginal), "mismatch" (any other FLAG),
 * "weakened within tolerance" / "strengthened within tolerance" (PASS,
 * retention interval below / above 1), "faithful" (PASS). */
const char *iaf_diagnose(const iaf_diag_facts *f);

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
