/* src/audit/flatcheck.h - flattening toward parity (METHOD.md section 5) as
 * a check: a binary group attribute (sex) over a domain (occupations), the
 * dominated categories chosen from the reference, per-category and pooled
 * flattening, Duncan segregation retention, bootstrap intervals and the
 * verdict. Optionally directly standardised by a stratifier (age) so that
 * raw and standardised verdicts can be compared (age-robust / -sensitive).
 */
#ifndef IAF_AUDIT_FLATCHECK_H
#define IAF_AUDIT_FLATCHECK_H

#include "audit/compare.h"

typedef struct iaf_flat_check_input {
    const iaf_table *syn, *ref; /* over (group, domain) or (group, domain, stratum) */
    const char *group, *domain;
    const char *focal; /* the group label whose share is studied (e.g. 여자) */
    double theta;      /* dominated: reference focal share below theta (0 = 0.25) */
    double n_s, n_r;
    const iaf_boot_options *boot; /* NULL: no intervals */
    double th_flattening;         /* flattening_pooled threshold (fails above), NAN = 0.5 */
    double th_segregation;        /* segregation_retention threshold (fails below), NAN = 0.5 */
    const char *stratum;          /* optional stratifier attribute in syn (e.g. age band) */
    const iaf_table *standard;    /* standard distribution over the stratum; NULL = the
                                     reference's own (which then needs the stratum) */
    const char *standard_by;      /* attribute of `standard` holding the domain categories:
                                     one standard per category (that category's own stratum
                                     mix); NULL = one standard for every category */
    double min_coverage;          /* min_standard_coverage (NAN = 0.8): below it, the
                                     standardised verdict is INCONCLUSIVE */
} iaf_flat_check_input;

typedef struct iaf_flat_result {
    size_t k;
    char **labels; /* domain categories (the reference's) */
    double *s_focal, *s_other, *r_focal, *r_other;
    double *f_s, *f_r, *flat;
    unsigned char *dominated;
    iaf_flattening point;
    int has_boot;
    iaf_flat_boot boot;
    iaf_check_verdict verdict;
    double s_total,
        s_off; /* synthetic mass, and the part on domain categories the reference lacks */
    double s_missing_group; /* synthetic mass whose group is missing */
    /* direct standardisation by the stratum */
    int has_std;
    char *stratum;
    double *f_s_std;      /* standardised synthetic focal share per domain category */
    double *f_r_std;      /* the reference's, with the same weights (raw without detail) */
    double *std_coverage; /* used share of the standard per category */
    /* the standard's weight reached, weighted by each category's synthetic
     * mass: over the dominated categories of the support (what the pooled
     * flattening uses) and over the whole support (Duncan's D) */
    double std_coverage_dominated, std_coverage_support;
    size_t std_low_coverage; /* categories of the support below min_coverage */
    double std_min_coverage;
    int std_per_category;    /* one standard per domain category */
    char *std_coverage_note; /* the INCONCLUSIVE reason when coverage is too low, or NULL */
    const char *std_compare; /* static: what the standardised shares are compared with */
    iaf_flattening std_point;
    iaf_flat_boot std_boot;
    iaf_check_verdict std_verdict;
    const char *age_agreement; /* "age-robust" | "age-sensitive" | NULL */
    char *std_note;            /* why no standardisation was possible, or NULL */
} iaf_flat_result;

iaf_status iaf_flat_check(const iaf_flat_check_input *in, iaf_flat_result **out, iaf_error *err);
void iaf_flat_result_free(iaf_flat_result *r);
void iaf_flat_result_json(const iaf_flat_result *r, iaf_json *j);

#endif
